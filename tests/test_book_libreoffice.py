"""The workbook in a real spreadsheet application: LibreOffice Calc, headless.

LibreOffice recalculates every native formula on load (profile ``OOXMLRecalcMode`` = 0);
``ALFA_*`` cells become ``#NAME?`` there, so the checks must hold on native formulas
over the values the refresh wrote. Rendered pages go to the folder named in ``ALFA_XL_RENDER_OUT``
(else a temporary folder).

Skipped when ``soffice`` is missing, except in CI (``CI=true``), where they must run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lo_support import SOFFICE, convert, in_ci
from python_calamine import CalamineWorkbook

from alfa_xl.book.build import build_workbook
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.model.engine.projection import project

pytestmark = pytest.mark.libreoffice

if SOFFICE is None:
    if in_ci():
        raise RuntimeError("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-calc")
    pytest.skip("LibreOffice (soffice) not installed", allow_module_level=True)

#: Where the rendered pages go: a folder named in ALFA_XL_RENDER_OUT (to look at them), else
#: the test's temporary folder (a test writes nothing into the checkout: docs/testing.md).
RENDER_OUT = os.environ.get("ALFA_XL_RENDER_OUT")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Run soffice with its own HOME and profile (forced recalculation on load)."""
    home = tmp_path_factory.mktemp("lo-home")

    def run(src: Path, fmt: str, outdir: Path) -> Path:
        return convert(src, fmt, outdir, home, recalc=True)

    return run


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("lo-books")
    built = d / "alfa_outlook.xlsm"
    build_workbook(built)
    refreshed = d / "refreshed" / "alfa_outlook.xlsm"
    refreshed.parent.mkdir()
    shutil.copy(built, refreshed)
    _set_inputs(refreshed, target=350000, scenarios=["bear", "base"])
    refresh_workbook(refreshed)
    return built, refreshed


def _set_inputs(
    path: Path,
    target: float,
    scenarios: list[str],
    seed: int | None = None,
    end_year: int | None = None,
    extra: dict[tuple[str, str], str] | None = None,
    start_year: int | None = None,
) -> None:
    """Change in_target (Inputs!B5), in_scenario_list (Inputs!B13:B22) and, when given,
    in_seed (Inputs!B26), in_start_year (Inputs!B6), in_end_year (Inputs!B7) and ``extra``
    cells ((part, ref) -> text) in place."""
    import re

    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = []
    for info, data in items:
        if info.filename == "xl/worksheets/sheet2.xml":
            xml = data.decode()
            xml = re.sub(r'(<c r="B5" s="\d+")[^>]*>.*?</c>', rf"\1><v>{target}</v></c>", xml, count=1)
            for k in range(10):
                ref = f"B{13 + k}"
                value = f"<is><t>{scenarios[k]}</t></is>" if k < len(scenarios) else None
                xml = re.sub(
                    rf'(<c r="{ref}" s="\d+")[^>]*?(/>|>.*?</c>)',
                    (rf'\1 t="inlineStr">{value}</c>' if value else r"\1/>"),
                    xml,
                    count=1,
                )
            if seed is not None:
                xml, n = re.subn(r'(<c r="B26" s="\d+")[^>]*>.*?</c>', rf"\1><v>{seed}</v></c>", xml, count=1)
                assert n == 1
            for ref, year in (("B6", start_year), ("B7", end_year)):
                if year is not None:
                    xml, n = re.subn(rf'(<c r="{ref}" s="\d+")[^>]*>.*?</c>', rf"\1><v>{year}</v></c>", xml, count=1)
                    assert n == 1
            data = xml.encode()
        for (part, ref), value in (extra or {}).items():
            if info.filename == part:
                xml, n = re.subn(
                    rf'(<c r="{ref}" s="\d+")[^>]*>.*?</c>',
                    rf'\1 t="inlineStr"><is><t>{value}</t></is></c>',
                    data.decode(),
                    count=1,
                )
                assert n == 1
                data = xml.encode()
        out.append((info, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in out:
            z.writestr(info.filename, data)


def _sheet(path: Path, name: str):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _checks_ok(xlsx: Path, target: float, names: list[str], compare_year: int = 2030):
    checks = _sheet(xlsx, "Checks")
    assert checks[3][1:3] == ["Master check", "OK"], checks[3]
    rows = [r for r in checks[11:21] if r[1]]
    assert [r[1] for r in rows] == names
    assert all(r[8] == "OK" for r in rows)
    for r in rows:
        total = project(scenario=r[1], start_year=2026, end_year=compare_year).total(compare_year)
        assert r[9] == pytest.approx(target - total, rel=1e-9)  # native gap = target - engine total
        assert r[10] == pytest.approx((total / 73_000) ** (1 / (compare_year - 2025)) - 1, rel=1e-9)
    growth = next(r for r in checks if r[1].startswith("Growth a year required"))
    assert growth[2] == pytest.approx((target / 73_000) ** (1 / 5) - 1, rel=1e-9)
    assert [
        r[2]
        for r in checks
        if r[1].startswith(("Target in the output", "Years in the output", "Scenarios in the output equal"))
    ] == ["OK"] * 3
    risk = [
        r
        for r in checks
        if r[1].startswith(("Fan: P10", "Probability of reaching", "Tornado: high", "Risk years", "Risk paths"))
    ]
    assert [r[2] for r in risk] == ["OK"] * 5, risk
    _risk_chart_data_matches(xlsx, target)


def _risk_chart_data_matches(xlsx: Path, target: float) -> None:
    """The Risk sheet's chart data (native INDEX/MATCH over out_risk, recomputed by
    LibreOffice) holds the fan and tornado rows the refresh wrote; rows past them are #N/A."""
    risk = _sheet(xlsx, "Risk")
    fan_header = next(i for i, r in enumerate(risk) if r[:2] == ["Year", "P10"])
    years = list(itertools.takewhile(lambda r: isinstance(r[0], float), risk[fan_header + 1 :]))
    assert len(years) == 5
    i = next(k for k, r in enumerate(risk) if r[9:15] == ["Year", "P10", "P50", "P90", "Scenario", "Target"])
    for k, row in enumerate(years):
        got = risk[i + 1 + k][9:15]
        assert got == pytest.approx([row[0], row[1], row[2], row[3], row[5], target], rel=1e-12)
    assert not isinstance(risk[i + 1 + len(years)][9], float)  # #N/A (calamine reads errors as "")
    t = next(k for k, r in enumerate(risk) if r[:1] == ["Driver"])
    j = next(k for k, r in enumerate(risk) if r[15:17] == ["Below the scenario", "Above the scenario"])
    first = risk[t + 1]
    assert risk[j + 1][15] == pytest.approx(first[1] - first[6], rel=1e-12)
    assert risk[j + 1][16] == pytest.approx(first[2] - first[6], rel=1e-12)


def test_built_workbook_checks_ok_after_recalculation(office, books, tmp_path):
    built, _ = books
    xlsx = office(built, "xlsx", tmp_path)
    _checks_ok(xlsx, 400_000, ["base", "bear", "bull", "plan", "track_record"])
    gap = _sheet(xlsx, "Gap")
    i = next(k for k, r in enumerate(gap) if r[:2] == ["Year", "Projection"] and r[7:8] == ["Gap minus ALFA_GAP_TABLE"])
    for r in gap[i + 1 : i + 6]:  # RATE and the closed form, computed by LibreOffice
        assert r[5] == pytest.approx((400_000 / 73_000) ** (1 / (r[0] - 2025)) - 1, rel=1e-9)
        assert r[6] == pytest.approx(r[5], rel=1e-12)


def _same(cached, recalculated) -> bool:
    if isinstance(cached, float) and isinstance(recalculated, float):
        return recalculated == pytest.approx(cached, rel=1e-9, abs=1e-9)
    return cached == recalculated


def test_cached_values_are_what_the_native_formulas_compute(office, books, tmp_path):
    """Every cached value the build wrote for a native formula over the written outputs
    (the Checks sheet, the Risk sheet's chart data) is what LibreOffice computes from the
    formula. Cells that depend on the live functions (``ALFA_*``, ``#NAME?`` there) are
    left out: the Checks rows about them, the Gap sheet's cross-check."""
    built, _ = books
    xlsx = office(built, "xlsx", tmp_path)
    compared = 0
    for name, rows, cols in (("Checks", range(0, 60), range(0, 12)), ("Risk", range(40, 80), range(8, 18))):
        cached, recalculated = _sheet(built, name), _sheet(xlsx, name)
        for i in rows:
            if i >= len(cached) or (name == "Checks" and str(cached[i][1]).startswith("ALFA_")):
                continue
            for j in cols:
                if j < len(cached[i]) and cached[i][j] not in ("", "#N/A"):
                    assert _same(cached[i][j], recalculated[i][j]), (
                        name,
                        i + 1,
                        j + 1,
                        cached[i][j],
                        recalculated[i][j],
                    )
                    compared += 1
    assert compared > 200  # 266 cells when written


def test_refreshed_workbook_checks_ok_after_recalculation(office, books, tmp_path):
    _, refreshed = books
    xlsx = office(refreshed, "xlsx", tmp_path)
    _checks_ok(xlsx, 350_000, ["bear", "base"])


def test_stale_output_is_reported(office, books, tmp_path):
    built, _ = books
    stale = tmp_path / "stale" / "alfa_outlook.xlsm"
    stale.parent.mkdir()
    shutil.copy(built, stale)
    _set_inputs(stale, target=350000, scenarios=["base", "bear", "bull", "plan", "track_record"])
    checks = _sheet(office(stale, "xlsx", tmp_path / "x"), "Checks")
    assert checks[3][2] == "REFRESH"


def test_stale_risk_output_is_reported(office, books, tmp_path):
    """A new seed typed in Inputs but not refreshed: the Risk row and the master say REFRESH."""
    built, _ = books
    stale = tmp_path / "stale-risk" / "alfa_outlook.xlsm"
    stale.parent.mkdir()
    shutil.copy(built, stale)
    _set_inputs(stale, target=400000, scenarios=["base", "bear", "bull", "plan", "track_record"], seed=99)
    checks = _sheet(office(stale, "xlsx", tmp_path / "y"), "Checks")
    row = next(r for r in checks if r[1] == "Risk paths drawn with in_scenario, in_paths and in_seed")
    assert row[2] == "REFRESH" and checks[3][2] == "REFRESH"


def test_a_file_saved_by_libreoffice_can_be_refreshed(office, books, tmp_path):
    """Shared strings, renumbered styles and another writer's XML: the refresh copes."""
    built, _ = books
    saved = office(built, "xlsx", tmp_path / "saved")
    before = {}
    with zipfile.ZipFile(saved) as z:
        before = {n: z.read(n) for n in z.namelist()}
    report = refresh_workbook(saved)
    with zipfile.ZipFile(saved) as z:
        after = {n: z.read(n) for n in z.namelist()}
    assert sorted(n for n in before if before[n] != after[n]) == report.changed_parts
    sc = _sheet(saved, "Scenarios")
    assert sc[5][0].startswith("Scenarios compared in 2030")
    assert sc[7][0] == "base" and sc[7][3] == pytest.approx(400_000 - sc[7][1])


def test_render_pages(office, books, tmp_path):
    """PDF and PNG pages of the built and the refreshed workbook, for people to look at."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError("pdftoppm (poppler-utils) is required in CI")
        pytest.skip("pdftoppm not installed")
    built, refreshed = books
    for name, src in (("built", built), ("refreshed", refreshed)):
        folder = (Path(RENDER_OUT) if RENDER_OUT else tmp_path) / name
        shutil.rmtree(folder, ignore_errors=True)
        pdf = office(src, "pdf", folder)
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(folder / "page")], check=True, timeout=120)
        pages = sorted(folder.glob("page-*.png"))
        assert len(pages) >= 9  # one or more pages per printed sheet
        assert all(p.stat().st_size > 2_000 for p in pages)


# -- a refreshed workbook is what a full recalculation gives ---------------------------------
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!")


def _formula_values(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> the cached value of every formula cell (openpyxl: errors as their text)."""
    formulas = openpyxl.load_workbook(path, data_only=False)
    values = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if isinstance(text, str) and text.startswith("="):
                    out[(ws.title, c.coordinate)] = values[ws.title][c.coordinate].value
    return out


def _recalculated(office, src: Path, outdir: Path) -> tuple[dict, openpyxl.Workbook]:
    xlsx = office(src, "xlsx", outdir)
    return xlsx, openpyxl.load_workbook(xlsx, data_only=True)


def _checks_errors(wb) -> list[str]:
    ws = wb["Checks"]
    return [c.coordinate for row in ws.iter_rows(min_row=5) for c in row if c.value in ERRORS]


@pytest.fixture(scope="module")
def changed(books, tmp_path_factory):
    """The built workbook with new Inputs (target, scenario list, seed, a 15-year horizon
    from 2027), refreshed."""
    built, _ = books
    path = tmp_path_factory.mktemp("lo-changed") / "alfa_outlook.xlsm"
    shutil.copy(built, path)
    _set_inputs(path, target=350000, scenarios=["bear", "base", "bull"], seed=7, start_year=2027, end_year=2041)
    refresh_workbook(path)
    return path


def test_refreshed_workbook_is_what_a_full_recalculation_gives(office, changed, tmp_path):
    """Every formula's cached value after ``alfa-xl refresh`` (native formulas, the live tables'
    stored copies, the chart data) equals LibreOffice's hard recalculation of the file."""
    cached = _formula_values(changed)
    _, lo = _recalculated(office, changed, tmp_path)
    differ = []
    for (sheet, ref), value in cached.items():
        again = lo[sheet][ref].value
        same = value == again or (
            isinstance(value, (int, float))
            and isinstance(again, (int, float))
            and again == pytest.approx(value, rel=1e-9, abs=1e-9)
        )
        if not same:
            differ.append((sheet, ref, value, again))
    assert not differ, differ[:20]
    assert len(cached) > 600
    # the horizon followed: 15 years in the live table (the stored copy), the Gap rows and the chart data
    assert [lo["Projection"][f"A{r}"].value for r in (8, 22, 23)] == [2027, 2041, None]
    assert lo["Gap"]["A43"].value == 2041 and lo["Gap"]["A44"].value == "#N/A"
    chart_years = [lo["Projection"][f"A{r}"].value for r in range(66, 85)]  # after the 16 history years
    assert chart_years == list(range(2027, 2042)) + ["#N/A"] * 4
    assert cached[("Checks", "C4")] == "OK" and not _checks_errors(lo)


def test_master_check_is_red_exactly_when_a_checks_cell_holds_an_error(office, changed, tmp_path):
    """A Checks cell that becomes an error value (here: the latest actual, Facts!B53, typed as text on
    Facts) turns the master check to ERROR, also when no check says ERROR itself."""
    broken = tmp_path / "broken" / "alfa_outlook.xlsm"
    broken.parent.mkdir()
    shutil.copy(changed, broken)
    _set_inputs(
        broken,
        target=350000,
        scenarios=["bear", "base", "bull"],
        seed=7,
        start_year=2027,
        end_year=2041,
        extra={("xl/worksheets/sheet8.xml", "B53"): "n/a"},
    )
    _, lo = _recalculated(office, broken, tmp_path / "x")
    errors = _checks_errors(lo)
    assert errors and lo["Checks"]["C4"].value == "ERROR", errors
    assert "ERROR" not in [lo["Checks"].cell(r, 9).value for r in range(12, 22)]  # no per-scenario check failed


def test_opened_without_the_add_in_the_live_tables_show_their_stored_values(books, changed, tmp_path):
    """LibreOffice as it opens a file (no forced recalculation; it still recalculates array
    formulas): the live tables show the values of the last build or refresh, never #NAME?,
    and the note says the functions need the add-in or xlwings Lite."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError("pdftotext (poppler-utils) is required in CI")
        pytest.skip("pdftotext not installed")
    built, _ = books
    home = tmp_path / "home"
    for src, first in ((built, "2026"), (changed, "2041")):
        outdir = tmp_path / src.parent.name
        convert(src, "pdf", outdir, home)
        text = subprocess.run(
            ["pdftotext", "-layout", str(outdir / "alfa_outlook.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert "#NAME?" not in text
        assert (
            text.count(
                "Purple cells show the values of the last refresh: the live ALFA_ functions need the xlwings add-in"
            )
            == 2
        )
        projection = text[text.index("Units by model") : text.index("Units by region")]
        assert first in projection  # the stored table (2026-2030 as built, 2027-2041 after the refresh)
