"""The outlook workbook build: structure, cached values, settings, VBA, reproducibility.

Expected numbers come from the shipped CSV files and hand calculation (the lifecycle
formula written out here), not from the builder.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import math
import re
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from python_calamine import CalamineWorkbook

from alfa_xl.book.build import build_workbook, default_path
from alfa_xl.cli import main

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CONTRACT_SHEETS = [
    "Cover",
    "Inputs",
    "Projection",
    "Scenarios",
    "Gap",
    "Risk",
    "Track record",
    "Facts",
    "Checks",
    "xlwings.conf",
]
DATA = Path(resources.files("alfa_xl.model")) / "data"


def _csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("build") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


@pytest.fixture(scope="module")
def parts(built) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def values(built):
    wb = CalamineWorkbook.from_path(str(built))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _sheet_xml(parts, name):
    wb = fromstring(parts["xl/workbook.xml"])
    rels = fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for s in wb.iter(M + "sheet"):
        if s.get("name") == name:
            return parts[
                "xl/" + targets[s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            ].decode()
    raise KeyError(name)


def _names(parts):
    return {d.get("name"): d.text for d in fromstring(parts["xl/workbook.xml"]).iter(M + "definedName")}


def _find(rows, text):
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v == text:
                return i, j
    raise KeyError(text)


# -- structure ---------------------------------------------------------------------------
class TestStructure:
    def test_sheets_in_contract_order(self, parts):
        names = [s.get("name") for s in fromstring(parts["xl/workbook.xml"]).iter(M + "sheet")]
        assert names == CONTRACT_SHEETS

    def test_defined_names(self, parts):
        names = _names(parts)
        for n in ("in_target", "in_start_year", "in_end_year", "in_compare_year", "in_scenario"):
            assert re.fullmatch(r"Inputs!\$[A-Z]+\$\d+", names[n]), (n, names[n])
        assert re.fullmatch(r"Inputs!\$B\$\d+:\$B\$\d+", names["in_scenario_list"])
        assert re.fullmatch(r"Scenarios!\$A\$6:\$[A-Z]+\$\d+", names["out_scenarios"])
        assert re.fullmatch(r"Risk!\$A\$6:\$G\$\d+", names["out_risk"])
        assert names["out_status"] == "Scenarios!$B$5"
        for n in ("in_paths", "in_seed"):
            assert re.fullmatch(r"Inputs!\$B\$\d+", names[n]), (n, names[n])

    def test_input_values(self, parts, values):
        names = _names(parts)

        def at(name):
            m = re.fullmatch(r"Inputs!\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?", names[name])
            col = ord(m.group(1)) - 65
            r0 = int(m.group(2)) - 1
            r1 = int(m.group(3)) - 1 if m.group(3) else r0
            return [values["Inputs"][r][col] for r in range(r0, r1 + 1)]

        assert at("in_target") == [400000.0]
        assert at("in_start_year") == [2026.0] and at("in_end_year") == [2030.0]
        assert at("in_compare_year") == [2030.0] and at("in_scenario") == ["base"]
        assert [v for v in at("in_scenario_list") if v != ""] == ["base", "bear", "bull", "plan", "track_record"]
        assert at("in_paths") == [10000.0] and at("in_seed") == [20140506.0]

    def test_risk_inputs_are_styled_inputs_with_unit_and_comment(self, parts, values):
        names = _names(parts)
        xml = _sheet_xml(parts, "Inputs")
        input_style = re.search(r'<c r="B5" s="(\d+)"', xml).group(1)  # in_target's input format
        for name, unit in (("in_paths", "paths"), ("in_seed", "whole number")):
            row = int(re.search(r"\$(\d+)$", names[name]).group(1))
            cells = values["Inputs"][row - 1]
            assert cells[2] == unit and cells[3] == name and len(cells[4]) > 40
            style = re.search(rf'<c r="B{row}" s="(\d+)"', xml).group(1)
            styles = fromstring(parts["xl/styles.xml"])
            xfs = list(styles.find(M + "cellXfs"))
            fonts = list(styles.find(M + "fonts"))
            fills = list(styles.find(M + "fills"))
            for s_ in (style, input_style):
                xf = xfs[int(s_)]
                assert fonts[int(xf.get("fontId"))].find(M + "color").get("rgb").endswith("0000FF")
                assert fills[int(xf.get("fillId"))].find(f"{M}patternFill/{M}fgColor").get("rgb").endswith("FFF2CC")
        assert 'sqref="B' in xml and "<formula1>1</formula1><formula2>1000000</formula2>" in xml

    def test_lineup_table_matches_the_csv(self, parts, values):
        rows = _csv("lineup.csv")
        table = fromstring(parts["xl/tables/table1.xml"])
        assert table.get("displayName") == "tbl_lineup"
        assert [c.get("name") for c in table.iter(M + "tableColumn")] == list(rows[0].keys())
        first = int(re.match(r"A(\d+):", table.get("ref")).group(1)) - 1
        sheet = values["Inputs"]
        assert sheet[first][: len(rows[0])] == list(rows[0].keys())
        for i, row in enumerate(rows, start=1):
            got = sheet[first + i]
            assert got[0] == row["model"]
            assert got[5] == float(row["peak_units"])
            assert got[list(row).index("comment")] == row["comment"]
        units = sheet[first - 1][: len(rows[0])]
        assert units[list(rows[0]).index("peak_units")] == "units a year"

    def test_live_formulas_are_dynamic_arrays(self, parts):
        xml = _sheet_xml(parts, "Projection")
        cells = re.findall(r'<c r="A(\d+)"[^>]*cm="1"[^>]*><f t="array" ref="A\d+:([A-Z]+)\d+">([^<]*)</f>', xml)
        formulas = [c[2] for c in cells]
        assert (
            'IF(alfa_loaded,ALFA_PROJECT(in_scenario,in_start_year,in_end_year,"model",tbl_lineup[#All]),_stored_by_model)'
            in formulas
        ), formulas
        assert any('"region"' in f for f in formulas)
        assert "xl/metadata.xml" in parts  # Excel's dynamic-array flag lives here
        gap = _sheet_xml(parts, "Gap")
        assert re.search(
            r'cm="1"[^>]*><f t="array" ref="A7:H12">IF\(alfa_loaded,ALFA_GAP_TABLE\(in_target,in_scenario,in_start_year,in_end_year,',
            gap,
        )
        for name in CONTRACT_SHEETS:
            assert "_xlfn.SINGLE" not in _sheet_xml(parts, name)

    def test_every_formula_has_a_cached_value(self, parts):
        missing = []
        for name in CONTRACT_SHEETS:
            for m in re.finditer(
                r"<c r=\"([A-Z]+\d+)\"[^>]*>(<f[^>]*>[^<]*</f>|<f[^>]*/>)(.*?)</c>", _sheet_xml(parts, name)
            ):
                if "<v>" not in m.group(3):
                    missing.append((name, m.group(1)))
        # a formula whose result is an empty string has an empty cached value only
        assert all(name == "Checks" or name == "Gap" for name, _ in missing), missing[:5]

    def test_cover_prints_one_page_wide_on_landscape_a4(self, parts):
        """Fit to width only (not to one page) and a print area of columns A-J, so the
        notes that overflow to the right do not shrink the printout (rendered by
        tests/test_book_libreoffice.py)."""
        cover = _sheet_xml(parts, "Cover")
        assert '<pageSetUpPr fitToPage="1"/>' in cover
        assert re.search(r'<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>', cover)
        area = re.search(
            r'<definedName name="_xlnm.Print_Area" localSheetId="0">Cover!\$A\$1:\$J\$(\d+)<',
            parts["xl/workbook.xml"].decode(),
        )
        assert area and int(area.group(1)) > 60
        # every note longer than a line is wrapped in C:J
        assert re.search(r'<mergeCell ref="C\d+:J\d+"/>', cover)

    def test_charts(self, parts):
        charts = sorted(
            (n for n in parts if n.startswith("xl/charts/chart")), key=lambda n: int(re.search(r"\d+", n).group())
        )
        assert len(charts) == 7  # Projection, Gap, Risk fan and tornado, one per decision point on Track record
        outlook = parts[charts[0]].decode()
        assert "<c:scatterChart>" in outlook and "Projection!$B$" in outlook and "Target" in outlook
        gap = parts[charts[1]].decode()
        assert (
            "<c:scatterChart>" in gap and "Gap!$D$29:$D$47" in gap
        )  # every row the sheets hold; #N/A past the horizon

    def test_risk_charts_reference_the_chart_data(self, parts, values):
        """Fan: five lines (P90, P50, P10, scenario, target) over the Risk sheet's chart
        data; tornado: horizontal stacked bars, categories reversed (largest swing on top)."""
        charts = sorted(
            (n for n in parts if n.startswith("xl/charts/chart")), key=lambda n: int(re.search(r"\d+", n).group())
        )
        fan, torn = parts[charts[2]].decode(), parts[charts[3]].decode()
        assert "<c:scatterChart>" in fan and fan.count("<c:ser>") == 5
        refs = re.findall(r"<c:f>(Risk![^<]+)</c:f>", fan)
        assert refs and all(r.startswith("Risk!$") for r in refs)
        assert (
            "P10" in fan and "P50" in fan and "P90" in fan and "Target" in fan and "Scenario without uncertainty" in fan
        )
        assert '<c:barDir val="bar"/>' in torn and '<c:grouping val="stacked"/>' in torn and torn.count("<c:ser>") == 2
        assert '<c:orientation val="maxMin"/>' in torn
        # chart data rows hold what out_risk holds: the first fan row and the first driver
        risk = values["Risk"]
        hi, hj = _find(risk, "Target")
        assert risk[hi][hj - 5 : hj + 1] == ["Year", "P10", "P50", "P90", "Scenario", "Target"]
        fan_row = risk[
            _find(
                risk,
                "Calibrated forecast (a log random walk with drift, in the model's path order; 10,000 paths, seed 20140506), yearly total (units); Scenario and What-if P50: what-if, 10,000 paths around scenario base, seed 20140506 (Scenario without uncertainty); current year unconditioned",
            )[0]
            + 2
        ]
        assert risk[hi + 1][hj - 5 : hj] == pytest.approx(
            [fan_row[0], fan_row[1], fan_row[2], fan_row[3], fan_row[5]], rel=1e-15
        )
        assert risk[hi + 1][hj] == 400_000
        ti, tj = _find(risk, "Below the scenario")
        first = risk[_find(risk, "Driver")[0] + 1]
        low, high, scenario = first[1], first[2], first[6]
        assert risk[ti + 1][tj] == pytest.approx(low - scenario) and risk[ti + 1][tj + 1] == pytest.approx(
            high - scenario
        )
        assert risk[ti + 1][tj + 2] == f"{first[0]} ({first[4]} / {first[5]})"

    # The xlwings.conf sheet, the VBA project and the buttons' macros: tests/test_vba.py.

    def test_no_absolute_paths(self, parts, built):
        pattern = re.compile(r"[A-Za-z]:\\\\|[A-Za-z]:\\[A-Za-z]|/Users/|/home/|/root/|/tmp/|file:///|absPath")
        for name, data in parts.items():
            if name.endswith((".xml", ".vml", ".rels")):
                assert not pattern.search(data.decode("utf-8")), name
        assert not pattern.search(built.with_suffix(".py").read_text())

    def test_module_beside_the_workbook(self, built):
        src = built.with_suffix(".py").read_text()
        tree = ast.parse(src)
        main_fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
        assert "alfa_xl.macros.refresh_scenarios()" in ast.unparse(main_fn)
        assert 'xw.Book("alfa_outlook.xlsm").set_mock_caller()' in src
        assert 'if __name__ == "__main__":' in src


# -- cached values ---------------------------------------------------------------------
def _share(age, f=0.5, p=0.5, k=0.7, D=7, d=0.15):
    """The lifecycle share written out by hand (alfa_xl.model.engine.curve's formula)."""
    if age < 0:
        return 0.0
    if age == 0:
        return f
    return (p + (1 - p) * math.exp(-k * (age - 1))) * (1 - d) ** max(0, age - D)


class TestCachedValues:
    def test_projection_by_model(self, values):
        rows = values["Projection"]
        i, j = _find(rows, "Year")
        header = rows[i]
        assert header[1] == "Junior" and "Total" in header
        total_col = header.index("Total")
        first = rows[i + 1]
        assert first[0] == 2026
        # Junior: peak 33,000 from 2024 (2025 is its first full year, age 1); held at its 2025 level
        # through 2026 by its order book (lineup hold_until), so 2026 is at the peak
        assert first[1] == pytest.approx(33_000 * _share(1, p=0.6), rel=1e-12)
        for r in rows[i + 1 : i + 6]:
            assert r[total_col] == pytest.approx(sum(r[1:total_col]), rel=1e-12)

    def test_projection_by_region(self, values):
        rows = values["Projection"]
        i, _ = _find(rows, "Italy")
        # Junior 2026 in Italy (43%) + Tonale (43%) + Giulia (15%) + Stelvio (15%) in 2026
        by_model = rows[_find(rows, "Junior")[0] + 1]
        expect = 0.43 * by_model[1] + 0.43 * by_model[2] + 0.15 * by_model[3] + 0.15 * by_model[4]
        assert rows[i + 1][1] == pytest.approx(expect, rel=1e-9)

    def test_gap_sheet_native_cross_check(self, values):
        hist = _csv("history.csv")
        base_year, base_units = int(hist[-1]["year"]), float(hist[-1]["units"])
        rows = values["Gap"]
        i, _ = _find(rows, "Growth required (RATE)")
        for r in rows[i + 1 : i + 6]:
            year, total, target, gap = r[0], r[1], r[2], r[3]
            assert target == 400_000
            assert gap == pytest.approx(400_000 - total)
            n = year - base_year
            assert r[5] == pytest.approx((400_000 / base_units) ** (1 / n) - 1, rel=1e-9)
            assert r[6] == pytest.approx(r[5], rel=1e-12)
            assert abs(r[7]) < 1e-6
        live = rows[_find(rows, "Junior-equivalents")[0] + 5]
        assert live[0] == 2030 and live[3] == pytest.approx(400_000 - live[1])
        assert live[7] == pytest.approx(live[3] / 33_000)  # Junior peak from lineup.csv

    def test_scenarios_output_agrees_with_projection(self, values):
        sc = values["Scenarios"]
        assert sc[5][0].startswith("Scenarios compared in 2030 against 400,000")
        assert sc[6][:4] == ["Scenario", "Total", "Target", "Gap"]
        base = sc[7]
        proj = values["Projection"]
        i, _ = _find(proj, "Year")
        total_2030 = proj[i + 5][proj[i].index("Total")]
        assert base[0] == "base" and base[1] == pytest.approx(total_2030, rel=1e-12)
        assert base[3] == pytest.approx(400_000 - base[1])
        assert base[4] == pytest.approx(base[1] / 400_000)

    def test_checks_rows_and_the_cover_link(self, values, parts):
        """The rows of the Checks sheet; their values are what LibreOffice computes from the
        formulas (tests/test_book_libreoffice.py), not checked here against the builder."""
        checks = values["Checks"]
        assert checks[3][1] == "Master check"
        assert [r[1] for r in checks[11:21]][:5] == ["base", "bear", "bull", "plan", "track_record"]
        risk = checks[_find(checks, "Fan: P10 <= P50 <= P90 in every year")[0] :][:5]
        assert [r[1] for r in risk] == [
            "Fan: P10 <= P50 <= P90 in every year",
            "Probability of reaching the target between 0 and 1 in every year",
            "Tornado: high >= low, swing = high - low, largest swing first",
            "Risk years equal in_start_year to in_end_year",
            "Risk paths drawn with in_scenario, in_paths and in_seed",
        ]
        master = _sheet_xml(parts, "Checks")
        assert re.search(
            r'<c r="C4"[^>]*><f>IF\(SUMPRODUCT\(--ISERROR\(\$A\$6:\$L\$32\)\)\+SUMPRODUCT\(--ISERROR\(\$A\$37:\$L\$46\)\)'
            r'\+COUNTIF\(I12:I21,"ERROR"\)\+COUNTIF\(C25:C27,"ERROR"\)\+COUNTIF\(C38:C42,"ERROR"\)',
            master,
        )
        assert "<f>chk_master</f>" in _sheet_xml(parts, "Cover")

    def test_facts_sheet_is_the_source_data(self, values):
        facts = values["Facts"]
        rows = _csv("facts.csv")
        i, _ = _find(facts, "Key")
        for k, row in enumerate(rows, start=1):
            assert facts[i + k][0] == row["key"] and facts[i + k][1] == pytest.approx(float(row["value"]))
            assert facts[i + k][4] == row["source"]


class TestRiskSheet:
    """The Risk output as built: laid out as three titled blocks, numbers that agree with
    the rest of the workbook and with the lineup CSV, and readable formats."""

    @pytest.fixture
    def risk(self, values):
        return values["Risk"]

    def test_blocks_and_titles(self, risk):
        assert (
            risk[5][0]
            == "Calibrated forecast (a log random walk with drift, in the model's path order; 10,000 paths, seed 20140506), yearly total (units); Scenario and What-if P50: what-if, 10,000 paths around scenario base, seed 20140506 (Scenario without uncertainty); current year unconditioned"
        )
        assert risk[6][:6] == ["Year", "P10", "P50", "P90", "Mean", "Scenario"]
        assert [r[0] for r in risk[7:12]] == [2026, 2027, 2028, 2029, 2030]
        assert (
            risk[13][0]
            == "Probability of reaching 400,000 a year, calibrated forecast with its standard error (the random walk's closed form, exact); What-if columns: 10,000 paths around scenario base, seed 20140506"
        )
        assert risk[14][:2] == ["Year", "Probability"]
        assert risk[21][0].startswith("What-if tornado: total in 2030")
        assert risk[22][:7] == ["Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario"]

    def test_fan_agrees_with_projection_and_percentiles_are_ordered(self, risk, values):
        proj = values["Projection"]
        i, _ = _find(proj, "Year")
        total = proj[i].index("Total")
        for k, row in enumerate(risk[7:12]):
            assert row[5] == pytest.approx(proj[i + 1 + k][total], rel=1e-12)  # the scenario line is the projection
            assert row[1] <= row[2] <= row[3]
            assert row[1] > 0
        for row in risk[15:20]:
            assert 0 <= row[1] <= 1

    def test_tornado(self, risk, values):
        rows = [r for r in risk[23:] if r[0]][:8]
        base_2030 = values["Scenarios"][7][1]  # the comparison's base total in 2030
        swings = [r[3] for r in rows]
        assert swings == sorted(swings, reverse=True)
        for r in rows:
            assert r[6] == pytest.approx(base_2030, rel=1e-12)
            assert r[2] >= r[1] and r[3] == pytest.approx(r[2] - r[1])
        # the 4.3 m model launches in 2030 with launch_fraction 0.5 and peak 30,000 (lineup.csv)
        model = next(r for r in rows if r[0] == "4.3 m model built or cancelled")
        assert model[3] == pytest.approx(0.5 * 30_000) and model[2] == pytest.approx(base_2030)
        assert (model[4], model[5]) == ("cancelled", "built")

    def test_number_formats(self, parts):
        xml = _sheet_xml(parts, "Risk")
        styles = fromstring(parts["xl/styles.xml"])
        codes = {n.get("numFmtId"): n.get("formatCode") for n in styles.find(M + "numFmts")}
        codes.update({"0": "General", "1": "0", "3": "#,##0", "10": "0.00%"})
        xfs = list(styles.find(M + "cellXfs"))

        def fmt(ref):
            s_ = re.search(rf'<c r="{ref}" s="(\d+)"', xml).group(1)
            return codes[xfs[int(s_)].get("numFmtId")]

        assert fmt("A8") == "0" and fmt("B8") == "#,##0" and fmt("F12") == "#,##0"  # years, units
        assert fmt("B16") == "0.00E+00" and fmt("E16") == "0.00E+00"  # probabilities: 1.7e-4 is not 0.0%
        assert fmt("B24") == "#,##0" and fmt("D24") == "#,##0"  # tornado units

    def test_status_line_has_no_timestamp(self, values):
        status = values["Scenarios"][4]
        assert status[0] == "Last refresh"
        assert status[1] == (
            "Built by alfa-xl build-workbook (values as built; press Refresh after changing Inputs): "
            "5 scenarios (base, bear, bull, plan, track_record), 2026-2030, target 400,000; "
            "risk: 10,000 paths around base, seed 20140506"
        )
        assert not re.search(r"\d{1,2}:\d{2}|20\d\d-\d\d-\d\d", status[1])
        cover = values["Cover"]
        row = next(r for r in cover if "Last refresh (out_status)" in r)
        assert row[row.index("Last refresh (out_status)") + 1] == status[1]


# -- reproducibility ---------------------------------------------------------------------
def _normalised(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        out = {n: z.read(n) for n in z.namelist()}
    out["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^>]*>[^<]*<", rb"<dcterms:\1><", out["docProps/core.xml"]
    )
    # Cached numbers are compared to 12 significant digits: another numpy or pandas release may
    # round the 16th digit of a sum differently, which is not a change of the workbook.
    return {n: _FLOAT.sub(lambda m: b">%.12g<" % float(m.group(1)), data) for n, data in out.items()}


_FLOAT = re.compile(rb">(-?\d+\.\d{6,}(?:[eE][-+]?\d+)?)<")


def test_two_builds_are_byte_identical(tmp_path, built):
    again = tmp_path / "alfa_outlook.xlsm"
    build_workbook(again)
    assert again.read_bytes() == built.read_bytes()


def test_committed_workbook_equals_a_fresh_build(built):
    committed = default_path()
    assert committed.is_file(), "run: alfa-xl build-workbook --out workbook/alfa_outlook.xlsm --force"
    fresh, ours = _normalised(built), _normalised(committed)
    assert list(ours) == list(fresh)
    changed = [n for n in fresh if fresh[n] != ours[n]]
    assert changed == [], (
        f"workbook/alfa_outlook.xlsm is out of date ({changed}); run: alfa-xl build-workbook --out workbook/alfa_outlook.xlsm --force"
    )
    assert committed.with_suffix(".py").read_text() == built.with_suffix(".py").read_text()


def test_cli_build_workbook(tmp_path, capsys):
    out = tmp_path / "sub" / "book.xlsm"
    assert main(["build-workbook", "--out", str(out)]) == 0
    assert out.is_file() and (tmp_path / "sub" / "book.py").is_file()
    assert "checks: OK" in capsys.readouterr().out
