"""The Track record sheet (the backtest in the workbook), the Cover's calibrated forecast
and the year-to-date Inputs.

Expected values are computed here from the replays' year-by-year tables (coverage,
median P90/P10, median absolute percentage errors, the Winkler score written out with
:mod:`statistics`), from the decision points' own data (the target path written out as a
geometric path) and from the forecast's simulated paths (percentiles and probabilities
taken directly), never from the summary functions the workbook calls.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import statistics
from pathlib import Path

import numpy as np
import pytest
from book_edits import book, pristine  # noqa: F401  (fixtures)
from lo_support import convert, require_soffice

from defusedxml.ElementTree import fromstring

from alfa_xl.book.inputs import FileSource, InputsError, read_book_inputs
from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.xlsx import read_package
from alfa_xl.excel import macros
from alfa_xl.model.evidence.replay import DECISION_POINTS, replay
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.engine.lineup import default_lineup
from alfa_xl.model.risk.settings import DEFAULT_SEED
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.data.sources import history
from test_book_inputs import excel_double, number
from test_book_refresh import parts, rewrite, set_cell
from test_macros import parse_cell

TRACK = "Track record"
TRACK_PART = "xl/worksheets/sheet7.xml"  # seventh sheet in the contract order
YTD_UNITS, YTD_MONTHS = "B29", "B30"  # in_ytd_units, in_ytd_months on Inputs
SUMMARY_COLUMNS = [
    "Horizon",
    "Cases",
    "Coverage",
    "Sharpness",
    "P50 error",
    "Point error",
    "No-change error",
    "Target-path error",
    "Interval score",
]


@pytest.fixture(scope="module")
def replays():
    """Every shipped decision point at the settings of alfa-xl backtest."""
    return [replay(d.as_of, paths=20_000, seed=DEFAULT_SEED) for d in DECISION_POINTS]


def sheet(path: Path, name: str) -> list[list]:
    """A sheet's values from A1 (calamine starts at the first used cell; padded back)."""
    from python_calamine import CalamineWorkbook

    s = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    r0, c0 = s.start
    return [[""] * (c0 + s.width)] * r0 + [[""] * c0 + row for row in s.to_python()]


def _same(got: list[list], want: list[list]) -> None:
    """Cell for cell; numbers to 1e-14 (the build and the refresh write the last digit differently)."""
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert len(g) == len(w), i
        for j, (x, y) in enumerate(zip(g, w)):
            assert x == (pytest.approx(y, rel=1e-14) if isinstance(y, float) else y), (i, j)


def _find(rows, text, col=0):
    return next(i for i, r in enumerate(rows) if isinstance(r[col], str) and r[col].startswith(text))


def _summary(rows) -> dict[str, dict[str, object]]:
    h = _find(rows, "Horizon")
    assert rows[h][:9] == SUMMARY_COLUMNS
    return {r[0]: dict(zip(SUMMARY_COLUMNS, r[:9])) for r in rows[h + 1 : h + 4]}


def _expected_summary(replays) -> dict[str, dict[str, float]]:
    """Scores pooled over every replay's years with an actual, by horizon, by hand."""
    cases = []
    for r in replays:
        t, b = r.table, r.benchmarks
        for i in range(len(t)):
            actual = float(t["Actual"].iloc[i])
            if math.isnan(actual):
                continue
            cases.append(
                {
                    "h": int(t["Year"].iloc[i]) - r.as_of + 1,
                    "a": actual,
                    "lo": float(t["P10"].iloc[i]),
                    "p50": float(t["P50"].iloc[i]),
                    "hi": float(t["P90"].iloc[i]),
                    "point": float(t["Point"].iloc[i]),
                    "naive": float(b["No change"].iloc[i]),
                    "target": float(b["Target path"].iloc[i]),
                }
            )
    out = {}
    for label, keep in (("1-2y", lambda h: h <= 2), ("3+y", lambda h: h >= 3), ("all", lambda h: True)):
        cs = [c for c in cases if keep(c["h"])]

        def err(key):
            return statistics.median(abs(c[key] - c["a"]) / c["a"] for c in cs)

        out[label] = {
            "Cases": len(cs),
            "Coverage": sum(c["lo"] <= c["a"] <= c["hi"] for c in cs) / len(cs),
            "Sharpness": statistics.median(c["hi"] / c["lo"] for c in cs),
            "P50 error": err("p50"),
            "Point error": err("point"),
            "No-change error": err("naive"),
            "Target-path error": err("target"),
            "Interval score": statistics.fmean(
                ((c["hi"] - c["lo"]) + 10 * max(0.0, c["lo"] - c["a"]) + 10 * max(0.0, c["a"] - c["hi"])) / c["a"]
                for c in cs
            ),
        }
    return out


# -- the sheet's values ---------------------------------------------------------------------
class TestTrackRecordValues:
    def test_summary_equals_the_scores_recomputed_from_the_replays(self, pristine, replays):
        got = _summary(sheet(pristine, TRACK))
        want = _expected_summary(replays)
        # history through 2025: 12 + 8 + 3 years with an actual, two of each in the first two years
        assert [got[k]["Cases"] for k in ("1-2y", "3+y", "all")] == [6, 17, 23]
        for label, scores in want.items():
            for column, value in scores.items():
                assert got[label][column] == pytest.approx(value, rel=1e-12), (label, column)

    def test_each_decision_point_table_is_its_replay(self, pristine, replays):
        rows = sheet(pristine, TRACK)
        actuals = dict(zip(history()["year"].astype(int), history()["units"].astype(float)))
        for d, r in zip(DECISION_POINTS, replays):
            top = _find(rows, d.label)
            header = rows[top + 1][:8]
            assert header == ["Year", "Actual", "Target path", "P10", "P50", "P90", "Point", "No change"]
            body = rows[top + 2 : top + 2 + len(r.table)]
            years = [int(x[0]) for x in body]
            assert years == list(range(d.as_of, years[-1] + 1)) and years[-1] >= max(2025, d.target_year)
            (y0, u0), (y1, u1) = d.target_path[0], d.target_path[-1]
            for row, (_, t) in zip(body, r.table.iterrows()):
                year = int(row[0])
                assert row[1] == (actuals[year] if year in actuals else "")
                # the promise: geometric from the first knot to the last, held after
                promised = u0 * (u1 / u0) ** ((min(year, y1) - y0) / (y1 - y0)) if len(d.target_path) == 2 else None
                if promised is not None:
                    assert row[2] == pytest.approx(promised, rel=1e-12)
                assert row[3:6] == pytest.approx([t["P10"], t["P50"], t["P90"]], rel=1e-12)
                assert row[7] == pytest.approx(r.last_actual[1])
            assert body[years.index(d.target_year)][2] == pytest.approx(d.target_units)

    def test_sources_of_the_decision_points_are_on_the_sheet(self, pristine):
        text = "\n".join(str(x) for r in sheet(pristine, TRACK) for x in r)
        for d in DECISION_POINTS:
            assert d.source in text


# -- the charts -----------------------------------------------------------------------------
def _track_charts(p: dict[str, bytes]) -> list[str]:
    """The chart parts of the Track record sheet's drawing, in drawing order."""
    rels = p[TRACK_PART.replace("worksheets/", "worksheets/_rels/") + ".rels"].decode()
    drawing = "xl/" + re.search(r'Target="\.\./(drawings/drawing\d+\.xml)"', rels).group(1)
    drels = p[drawing.replace("drawings/", "drawings/_rels/") + ".rels"].decode()
    return ["xl/" + t for t in re.findall(r'Target="\.\./(charts/chart\d+\.xml)"', drels)]


def test_one_chart_per_decision_point_reads_its_table(pristine):
    p = parts(pristine)
    charts = _track_charts(p)
    assert len(charts) == len(DECISION_POINTS)
    rows = sheet(pristine, TRACK)
    for d, part in zip(DECISION_POINTS, charts):
        xml = p[part].decode()
        top = _find(rows, d.label)
        end = top + 2
        while end < len(rows) and isinstance(rows[end][0], float):
            end += 1
        first, last = top + 3, end  # 1-based rows of the first and last year
        header = rows[top + 1]
        letter = {name: "ABCDEFGHI"[j] for j, name in enumerate(header[:8])}
        series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
        assert "<c:scatterChart>" in xml and len(series) == 5
        names = [re.search(r"<c:tx>.*?<c:v>([^<]+)</c:v>", s, re.S).group(1) for s in series]
        assert names == [
            "Tool would have said: P90",
            "Tool would have said: P50",
            "Tool would have said: P10",
            "Promised: the plan's target path",
            "Happened: actual",
        ]
        for s, column in zip(series, ("P90", "P50", "P10", "Target path", "Actual")):
            x, y = re.findall(r"<c:f>([^<]+)</c:f>", s)
            assert x == f"'Track record'!$A${first}:$A${last}"
            assert y == f"'Track record'!${letter[column]}${first}:${letter[column]}${last}"
        # the rows the chart reads are exactly this point's years
        years = [int(r[0]) for r in rows[first - 1 : last]]
        assert years[0] == d.as_of and all(b == a + 1 for a, b in zip(years, years[1:]))
        assert not isinstance(rows[last][0], float)
        assert d.label.split(":")[0] in xml


# -- the refresh owns the sheet -----------------------------------------------------------
def test_a_cell_typed_over_in_the_track_record_area_stops_the_refresh(book):
    """Content the refresh did not write inside its area is never overwritten: the refresh
    stops, names the row, and leaves the file as it was."""
    top = _find(sheet(book, TRACK), "Year", 0)
    row = top + 2  # a P50 of the first decision point
    set_cell(book, f"E{row}", "typed over", part=TRACK_PART)
    before = book.read_bytes()
    with pytest.raises(OwnedAreaError, match=rf"'Track record'!A{row}:J{row}"):
        refresh_workbook(book, backup=False)
    assert book.read_bytes() == before


def test_headless_refresh_rewrites_the_track_record_area(book):
    built = sheet(book, TRACK)
    top = _find(built, "Year", 0)
    cell = f"E{top + 2}"  # a P50 of the first decision point
    set_cell(book, cell, "typed over", part=TRACK_PART)
    assert sheet(book, TRACK)[top + 1][4] == "typed over"
    # a cell typed over inside the area is not the refresh's to erase: refused, naming its row
    with pytest.raises(OwnedAreaError, match=rf"'Track record'!A{top + 2}:J{top + 2}.*clear the rest of that row"):
        refresh_workbook(book, backup=False)
    xml = parts(book)[TRACK_PART].decode()  # the advice, followed: that row's cells cleared
    row = re.search(rf'<row r="{top + 2}"[^>]*>.*?</row>', xml).group(0)
    rewrite(book, {TRACK_PART: xml.replace(row, re.sub(r"<c .*</c>", "", row)).encode()})
    report = refresh_workbook(book, backup=False)
    m = re.fullmatch(r"'Track record'!\$A\$6:\$J\$(\d+)", report.areas["out_track"])
    assert m, report.areas["out_track"]
    last = int(m.group(1))
    # the rolling scores (6 methods x 3 bands), the headline (its text in rows of at most 130
    # characters), the summary (3 buckets) and one table per decision point, each with a
    # title and a header and a blank row after
    headline_rows = -(-len(" ".join(_shipped("track_headline")["Choice"])) // 130)
    assert headline_rows == len(_shipped("track_headline")) == 5  # 527 characters
    assert last - 5 == (18 + 3) + (headline_rows + 3) + 5 + sum(
        len(range(d.as_of, max(2025, d.target_year) + 1)) + 3 for d in DECISION_POINTS
    )
    _same(sheet(book, TRACK)[5:last], built[5:last])
    # headline (4 rows), probabilities (4), current year (3), route (5), check (6), bridge (2 + 1 + 10 + 1),
    # a blank row between blocks: 47 - 7 + 1 = 41 rows; six columns (Model and 2026-2030 in the bridge)
    assert report.areas["out_forecast"] == "Cover!$B$7:$G$47"


def test_macro_writes_the_same_track_record_and_forecast(pristine, tmp_path):
    path = tmp_path / "alfa_outlook.xlsm"
    shutil.copy(pristine, path)
    refresh_workbook(path, backup=False)
    headless_track, headless_cover = sheet(path, TRACK), sheet(path, "Cover")
    excel = excel_double(pristine, "in_seed", number(DEFAULT_SEED), None)
    assert macros.refresh_scenarios(excel).startswith("Refreshed by the Refresh button")
    for name, grid in ((TRACK, headless_track), ("Cover", headless_cover)):
        cells = excel.sheets[name].cells
        area = excel.names["out_track" if name == TRACK else "out_forecast"].refers_to_range
        for r in range(area.row, area.row + area.rows):
            for c in range(area.column, area.column + area.columns):
                want = grid[r - 1][c - 1]
                got = cells.get((r, c), "")
                assert got == (pytest.approx(want, rel=1e-12) if isinstance(want, float) else want), (name, r, c)


# -- the Cover's headline ---------------------------------------------------------------------
def _headline(rows):
    top = _find(rows, "Calibrated forecast, the central answer", 1)
    band = {r[1]: r[2:5] for r in rows[top + 2 : top + 4]}
    p = _find(rows, "Probability of reaching", 1)
    prob = {int(r[1]): r[2:6] for r in rows[p + 2 : p + 4]}
    c = _find(rows, "Current year of the forecast", 1)
    return rows[top][1], band, prob, rows[c + 2][1]


def _expected_headline(f):
    """Percentiles and probabilities straight from the simulated paths."""
    years = list(f.all_years)
    i30 = years.index(2030)
    y2030 = np.percentile(f.totals[:, i30], [10, 50, 90])
    cum = np.percentile(f.totals[:, years.index(2026) : i30 + 1].sum(axis=1), [10, 50, 90])
    by = {y: float(np.mean((f.totals[:, : years.index(y) + 1] >= 400_000).any(axis=1))) for y in (2030, 2035)}
    return y2030, cum, by


def test_cover_shows_the_calibrated_forecast(pristine):
    title, band, prob, current = _headline(sheet(pristine, "Cover"))
    f = forecast(default_lineup(), paths=20_000, seed=DEFAULT_SEED)
    y2030, cum, by = _expected_headline(f)
    assert "20,000 paths, seed 20140506" in title
    assert band["2030, units a year"] == pytest.approx(list(y2030), rel=1e-12)
    assert band["2026-2030 cumulative, units"] == pytest.approx(list(cum), rel=1e-12)
    tails = f.tails((2030, 2035))
    for year in (2030, 2035):
        est, se, bound = prob[year][:3]
        assert est == pytest.approx(tails[(year, False)].probability, rel=1e-12) and bound in ("", None)
        # the efficient estimate of the headline (the model's importance sampling, or the combination's
        # tail from its definition), with its standard error; it agrees with the share of the 20,000 plain
        # paths within four of that share's standard errors (at least one path's worth)
        assert 0 < se <= 0.1 * est and abs(est - by[year]) <= 4 * math.sqrt(max(by[year], 1 / 20_000) / 20_000)
    assert current.startswith("2026 unconditioned")


def test_cover_says_the_scenarios_are_not_the_expected_value(pristine):
    text = "\n".join(str(x) for r in sheet(pristine, "Cover") for x in r)
    assert "None of them is the expected value" in text
    for name in ("base (as announced)", "bear", "bull", "plan", "track_record"):
        assert name in text


# -- year-to-date Inputs ------------------------------------------------------------------------
def _inputs(path: Path):
    return read_book_inputs(FileSource(BookFile(read_package(path))))


def test_blank_year_to_date_is_unconditioned(pristine):
    i = _inputs(pristine)
    assert (i.ytd_units, i.ytd_months) == (None, None)
    title = sheet(pristine, "Risk")[5][0]
    assert "seed 20140506" in title and title.endswith("; current year unconditioned")


def test_year_to_date_conditions_the_cover_forecast(book):
    set_cell(book, YTD_UNITS, 33020)  # H1 2025's worldwide units, as a stand-in year to date
    set_cell(book, YTD_MONTHS, 6)
    assert (_inputs(book).ytd_units, _inputs(book).ytd_months) == (33020.0, 6)
    report = refresh_workbook(book, backup=False)
    assert report.status.endswith("seed 20140506; year to date 33,020 units in 6 months")
    _, band, _, current = _headline(sheet(book, "Cover"))
    assert current == "2026 conditioned on year-to-date data: 33,020 units in the first 6 months"
    f = forecast(default_lineup(), paths=20_000, seed=DEFAULT_SEED, ytd=33020, ytd_months=6)
    y2030, cum, _ = _expected_headline(f)
    assert band["2030, units a year"] == pytest.approx(list(y2030), rel=1e-12)
    assert band["2026-2030 cumulative, units"] == pytest.approx(list(cum), rel=1e-12)
    plain = _expected_headline(forecast(default_lineup(), paths=20_000, seed=DEFAULT_SEED))[1]
    assert not np.allclose(cum, plain)  # the conditioning moved the cumulative
    # the Risk sheet's fan: its first year conditioned the same way, and says so
    risk = sheet(book, "Risk")
    assert risk[5][0].endswith("; 2026 conditioned on year-to-date units (33,020 in 6 months)")
    calibrated = forecast(default_lineup(), paths=10_000, seed=DEFAULT_SEED, ytd=33020, ytd_months=6)
    first = calibrated.totals[:, 0]  # the Risk sheet's paths and seed
    assert risk[7][:4] == pytest.approx([2026, *np.percentile(first, [10, 50, 90])], rel=1e-12)
    sim = simulate(default_lineup(), "base", 2026, 2030, 10_000, DEFAULT_SEED, ytd=33020, ytd_months=6)
    assert risk[7][6] == pytest.approx(np.percentile(sim.totals[:, 0], 50), rel=1e-12)  # the what-if's P50


def test_year_to_date_leaves_a_later_risk_horizon_unconditioned(book):
    set_cell(book, YTD_UNITS, 33020)
    set_cell(book, YTD_MONTHS, 6)
    set_cell(book, "B6", 2027)  # in_start_year: the current year is not on the Risk sheet
    refresh_workbook(book, backup=False)
    assert sheet(book, "Risk")[5][0].endswith("current year unconditioned")
    assert _headline(sheet(book, "Cover"))[3].startswith("2026 conditioned")


def test_macro_reads_the_year_to_date_cells_the_same_way(pristine):
    excel = excel_double(pristine, "in_ytd_units", number(33020), None)
    months = parse_cell(excel.names["in_ytd_months"].refers_to_range.address)
    excel.sheets["Inputs"].cells[months] = 6.0
    i = read_book_inputs(macros.XlwingsSource(excel))
    assert (i.ytd_units, i.ytd_months) == (33020.0, 6)


@pytest.mark.parametrize(
    "units, months, message",
    [
        (33020, None, "Inputs!B30 (in_ytd_months): missing while Inputs!B29 (in_ytd_units) is given"),
        (None, 6, "Inputs!B29 (in_ytd_units): missing while Inputs!B30 (in_ytd_months) is given"),
        (33020, 13, "Inputs!B30 (in_ytd_months): outside 1 to 12 (got 13"),
        (33020, 2.5, "Inputs!B30 (in_ytd_months): not a whole number"),
        (-5, 6, "Inputs!B29 (in_ytd_units): outside 0 to 10,000,000 (got -5"),
        ("lots", 6, "Inputs!B29 (in_ytd_units): not a number"),
    ],
)
def test_bad_year_to_date_gives_one_line_naming_the_cell(book, units, months, message):
    set_cell(book, YTD_UNITS, units)
    set_cell(book, YTD_MONTHS, months)
    before = book.read_bytes()
    with pytest.raises(InputsError) as exc:
        refresh_workbook(book, backup=False)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)
    assert book.read_bytes() == before


# -- LibreOffice opens it --------------------------------------------------------------------
@pytest.mark.libreoffice
def test_libreoffice_opens_the_refreshed_track_record_with_its_charts(pristine, tmp_path):
    """A real spreadsheet application reads the refreshed sheet: same values, and the three
    charts kept on the Track record sheet with their ranges when LibreOffice saves it."""
    require_soffice()
    path = tmp_path / "alfa_outlook.xlsm"
    shutil.copy(pristine, path)
    set_cell(path, YTD_UNITS, 33020)
    set_cell(path, YTD_MONTHS, 6)
    refresh_workbook(path, backup=False)
    saved = convert(path, "xlsx", tmp_path / "lo", tmp_path)
    ours, theirs = sheet(path, TRACK), sheet(saved, TRACK)
    top = _find(ours, "Backtest summary")
    _same([r[:9] for r in theirs[top : top + 60]], [r[:9] for r in ours[top : top + 60]])
    assert _headline(sheet(saved, "Cover"))[3].startswith("2026 conditioned on year-to-date data")
    p = parts(saved)
    wb = p["xl/workbook.xml"].decode()
    index = [
        s.get("name") for s in fromstring(wb).iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")
    ].index(TRACK)
    rels = p["xl/_rels/workbook.xml.rels"].decode()
    rid = re.findall(r'<sheet [^>]*r:id="(rId\d+)"', wb)[index]
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    part = "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
    srels = p[part.replace("worksheets/", "worksheets/_rels/") + ".rels"].decode()
    drawing = "xl/" + re.search(r'Target="\.\./(drawings/[^"]+)"', srels).group(1)
    charts = re.findall(
        r'Target="\.\./(charts/[^"]+)"', p[drawing.replace("drawings/", "drawings/_rels/") + ".rels"].decode()
    )
    assert len(charts) == len(DECISION_POINTS)
    for c in charts:
        refs = [html.unescape(r) for r in re.findall(r"<c:f>([^<]+)</c:f>", p["xl/" + c].decode())]
        cells = [r for r in refs if "!" in r]  # LibreOffice also stores series names as formulas
        assert len(cells) == 10 and all(r.startswith("'Track record'!$") for r in cells)


# -- the README carries the summary as alfa-xl backtest prints it ----------------------------
def test_readme_track_record_table_is_the_backtest_at_its_defaults(replays):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("<!-- section:track-record -->") : readme.index("<!-- /section:track-record -->")]
    cells = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if re.match(r"\| (1-2y|3\+y|all) \|", line)
    ]
    rows = {r[0]: r[1:] for r in cells}
    assert list(rows) == ["1-2y", "3+y", "all"]
    want = _expected_summary(replays)

    def pct(x):
        return f"{x:.0%}"

    for label, s in want.items():
        assert rows[label] == [
            str(s["Cases"]),
            pct(s["Coverage"]),
            f"{s['Sharpness']:.2f}",
            pct(s["P50 error"]),
            pct(s["Point error"]),
            pct(s["No-change error"]),
            pct(s["Target-path error"]),
            f"{s['Interval score']:.2f}",
        ], f"README Track record row {label} is out of date: regenerate with alfa-xl backtest"


def test_workbook_built_before_the_track_record_still_refreshes(book):
    """No out_track, out_forecast, in_ytd_units or in_ytd_months: those areas are skipped
    and the current year is unconditioned."""
    p = parts(book)
    wb = p["xl/workbook.xml"].decode()
    for name in ("out_track", "out_forecast", "in_ytd_units", "in_ytd_months"):
        wb, n = re.subn(rf'<definedName name="{name}">[^<]*</definedName>', "", wb)
        assert n == 1, name
    rewrite(book, {"xl/workbook.xml": wb.encode()})
    track_before = parts(book)[TRACK_PART]
    report = refresh_workbook(book, backup=False)
    assert list(report.areas) == ["out_scenarios", "out_risk"]
    assert parts(book)[TRACK_PART] == track_before
    assert (_inputs(book).ytd_units, _inputs(book).ytd_months) == (None, None)


# -- the Checks sheet's rows over the Cover's forecast, recalculated by LibreOffice ------------
def _soffice_xlsx(path: Path, tmp_path: Path) -> Path:
    return convert(path, "xlsx", tmp_path / "lo-recalc", tmp_path / "home", recalc=True)


def _forecast_checks(rows) -> list:
    return [
        r[2] for r in rows if isinstance(r[1], str) and r[1].startswith(("Forecast: P10", "Forecast made with in_ytd"))
    ]


@pytest.mark.libreoffice
def test_forecast_checks_follow_the_year_to_date_cells(book, tmp_path):
    """Built: OK. Year-to-date cells typed but not refreshed: REFRESH (master REFRESH).
    Refreshed: OK again. Values recalculated by LibreOffice from the native formulas."""
    assert _forecast_checks(sheet(book, "Checks")) == ["OK", "OK"]
    set_cell(book, YTD_UNITS, 33020)
    set_cell(book, YTD_MONTHS, 6)
    stale = sheet(_soffice_xlsx(book, tmp_path / "a"), "Checks")
    assert _forecast_checks(stale) == ["OK", "REFRESH"] and stale[3][2] == "REFRESH"
    refresh_workbook(book, backup=False)
    fresh = sheet(_soffice_xlsx(book, tmp_path / "b"), "Checks")
    assert _forecast_checks(fresh) == ["OK", "OK"] and fresh[3][2] == "OK"


def _shipped(name: str):
    """A shipped Track record table (alfa_xl/model/data/track_record.json)."""
    from alfa_xl.model.evidence.rolling import shipped_track_tables

    return next(t.frame for t in shipped_track_tables() if t.name == name)


def test_readme_rolling_table_is_the_rolling_backtest_at_its_defaults():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("<!-- table:rolling -->") : readme.index("<!-- /table:rolling -->")]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if re.match(r"\| [a-z_]+ \| (1-2|3-5) \|", line)
    ]
    want = _shipped("track_rolling")  # equal to the engine's rolling backtest: tests/test_rolling.py
    want = want[want["Band"] != "1-5"]
    assert len(rows) == len(want)
    for row, (_, s) in zip(rows, want.iterrows()):
        assert row == [
            s["Method"],
            s["Band"],
            str(s["Cases"]),
            f"{s['Coverage']:.0%}",
            f"{s['Interval score']:.2f}",
            f"{s['Pinball']:.3f}",
            f"{s['P50 error']:.1%}",
            f"{s['Interval skill']:+.0%}",
            f"{s['Pinball skill']:+.0%}",
            f"{s['P50 skill']:+.0%}",
        ], "README rolling table is out of date: regenerate with alfa-xl backtest --rolling"


def test_readme_and_docs_say_the_goals_met_and_missed_as_the_backtest_gives_them():
    from alfa_xl.model.evidence.rolling import goals_text

    from alfa_xl.model.evidence.rolling import headline

    scores = _shipped("track_rolling")  # equal to the engine's rolling backtest: tests/test_rolling.py
    goals = ["model", "combination"] + (
        [headline().method] if headline().method not in ("model", "combination") else []
    )
    want = "\n\n".join(
        [" ".join(_shipped("track_headline")["Choice"])] + ["Goals, " + goals_text(scores, m) for m in goals]
    )
    root = Path(__file__).resolve().parents[1]
    for doc in ("README.md", "docs/simulation.md"):
        text = (root / doc).read_text(encoding="utf-8")
        block = text[
            text.index("<!-- text:rolling -->") + len("<!-- text:rolling -->\n") : text.index("<!-- /text:rolling -->")
        ]
        assert block.strip() == want, f"{doc}: the rolling goals are out of date"
