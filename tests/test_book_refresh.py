"""Headless refresh: only the owned parts change, bad input leaves the file untouched,
unreadable files are refused, and the output matches the report the macro writes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from book_edits import INPUTS_PART, RISK_PART, SCENARIOS_PART, parts, rewrite
from book_edits import book, pristine  # noqa: F401  (fixtures)
from python_calamine import CalamineWorkbook

from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.cli import main

COVER_PART = "xl/worksheets/sheet1.xml"
PROJECTION_PART = "xl/worksheets/sheet3.xml"
GAP_PART = "xl/worksheets/sheet5.xml"
TRACK_PART = "xl/worksheets/sheet7.xml"  # the first refresh writes its text inline
CHECKS_PART = "xl/worksheets/sheet9.xml"  # Cover, Inputs, Projection, Scenarios, Gap, Risk, Track record, Facts, Checks
PATHS, SEED, SCENARIO = "B25", "B26", "B9"  # in_paths, in_seed, in_scenario on Inputs


def set_cell(path: Path, ref: str, value, part: str = INPUTS_PART) -> None:
    """Set one cell of a sheet (number, inline string or blank)."""
    xml = parts(path)[part].decode()
    m = re.search(rf'<c r="{ref}"( s="\d+")?[^>]*?(/>|>.*?</c>)', xml)
    assert m, ref
    style = m.group(1) or ""
    if value is None:
        cell = f'<c r="{ref}"{style}/>'
    elif isinstance(value, str):
        cell = f'<c r="{ref}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
    else:
        cell = f'<c r="{ref}"{style}><v>{value}</v></c>'
    rewrite(path, {part: (xml[: m.start()] + cell + xml[m.end() :]).encode()})


def add_user_sheet(path: Path) -> None:
    """Add a sheet 'My notes' the way Excel stores one (new part, relationship, entry)."""
    p = parts(path)
    wb = (
        p["xl/workbook.xml"]
        .decode()
        .replace("</sheets>", '<sheet name="My notes" sheetId="99" r:id="rId99"/></sheets>')
    )
    rels = (
        p["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet99.xml"/></Relationships>',
        )
    )
    ct = (
        p["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/worksheets/sheet99.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>my own analysis</t></is></c><c r="B1"><f>Scenarios!B8*2</f><v>1</v></c></row></sheetData></worksheet>'
    )
    rewrite(
        path,
        {
            "xl/workbook.xml": wb.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "[Content_Types].xml": ct.encode(),
            "xl/worksheets/sheet99.xml": sheet.encode(),
        },
    )


def sheet(path: Path, name: str):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def out_ref(path: Path, name: str = "out_scenarios") -> str:
    return re.search(rf'<definedName name="{name}">([^<]*)<'.encode(), parts(path)["xl/workbook.xml"]).group(1).decode()


def planned_models() -> int:
    """Planned and reported-cancelled models in the shipped lineup CSV (each is one tornado
    driver: built or cancelled; a reported-cancelled one is revived on some paths)."""
    import csv

    path = Path(__file__).parent.parent / "alfa_xl" / "model" / "data" / "lineup.csv"
    with path.open(encoding="utf-8") as fh:
        return sum(1 for r in csv.DictReader(fh) if r["status"] in ("planned", "reported_cancelled"))


def refresh_cli(path: Path, capsys) -> tuple[int, str]:
    rc = main(["refresh", str(path)])
    err = capsys.readouterr().err
    return rc, err


# -- only owned parts change -------------------------------------------------------------
def test_changed_input_and_user_sheet_keep_every_other_part(book, capsys):
    add_user_sheet(book)
    set_cell(book, "B5", 350000)  # in_target
    before = parts(book)
    rc, err = refresh_cli(book, capsys)
    assert rc == 0, err
    after = parts(book)
    assert list(after) == list(before)
    changed = sorted(n for n in before if before[n] != after[n])
    # the owned areas; every formula that reads the target gets its new cached value: the
    # Projection sheet's chart data and title, the Gap sheet, the Checks; the stored copy of
    # the live gap table (workbook.xml); the charts that plot the target or the gap (Projection,
    # Gap, the Risk fan); the tornado and the Track record charts do not depend on the target
    charts = ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    assert changed == sorted(
        [
            COVER_PART,
            PROJECTION_PART,
            SCENARIOS_PART,
            GAP_PART,
            RISK_PART,
            TRACK_PART,
            CHECKS_PART,
            "xl/workbook.xml",
            *charts,
        ]
    )
    unchanged = [n for n in before if n not in changed]
    assert (
        len(unchanged) == len(before) - 11
        and "xl/vbaProject.bin" in unchanged
        and "xl/worksheets/sheet99.xml" in unchanged
    )
    assert all(
        n in unchanged for n in before if n.startswith(("xl/drawings/", "xl/tables/", "xl/styles", "xl/sharedStrings"))
    )
    risk = sheet(book, "Risk")
    assert risk[13][0].startswith("Probability of reaching 350,000 a year")
    sc = sheet(book, "Scenarios")
    assert sc[5][0] == "Scenarios compared in 2030 against 350,000"
    for row in sc[7:12]:
        assert row[2] == 350000 and row[3] == pytest.approx(350000 - row[1])
        assert row[4] == pytest.approx(row[1] / 350000)
    assert sheet(book, "My notes")[0][0] == "my own analysis"


def _chart_points(xml: str, ref: str) -> list[str]:
    """The cached points of the series (or title) whose reference is ``ref``."""
    m = re.search(rf"<c:f>{re.escape(ref)}</c:f><c:(?:num|str)Cache>(.*?)</c:(?:num|str)Cache>", xml)
    assert m, ref
    return re.findall(r"<c:v>([^<]*)</c:v>", m.group(1))


def test_charts_and_titles_follow_a_new_target(book):
    """The charts' cached points and the titles that name the target show the refreshed
    output, without a spreadsheet application recalculating them."""
    set_cell(book, "B5", 350000)  # in_target
    refresh_workbook(book)
    projection = parts(book)["xl/charts/chart1.xml"].decode()
    assert _chart_points(projection, "Projection!$A$5") == [
        "Alfa Romeo sales a year: history, scenarios and the 350,000 target"
    ]
    target = _chart_points(projection, "Projection!$H$50:$H$84")  # 16 history years and 19 projection rows
    assert [float(x) for x in target[:21]] == [350000] * 21  # the history years and 2026-2030; the rows after are #N/A
    fan = parts(book)["xl/charts/chart3.xml"].decode()
    assert [float(x) for x in _chart_points(fan, "Risk!$O$47:$O$66")] == [350000] * 5
    assert sheet(book, "Cover")[0][0].startswith("Alfa Romeo outlook: can Alfa Romeo reach 350,000 sales a year")
    gap = parts(book)["xl/charts/chart2.xml"].decode()
    projected = [r[1] for r in sheet(book, "Gap")[28:33]]  # the native cross-check's projection, 2026-2030
    assert [float(x) for x in _chart_points(gap, "Gap!$D$29:$D$47")[:5]] == pytest.approx(
        [350000 - p for p in projected], rel=1e-12
    )


def assert_row(got: list, expected: list) -> None:
    """A row read back from the sheet equals the engine's grid row: blank for ``None``, text as is, numbers
    to the last bit but one (rel 1e-15)."""
    for gv, ev in zip(got, expected):
        if ev is None:
            assert gv == ""
        elif isinstance(ev, str):
            assert gv == ev
        else:
            assert gv == pytest.approx(ev, rel=1e-15, abs=0)


def test_output_equals_the_report_the_macro_writes(book):
    from alfa_xl.model.engine.lineup import default_lineup
    from alfa_xl.book.tables.report import RefreshInputs, blocks_to_grid, refresh_blocks

    set_cell(book, "B8", 2029)  # in_compare_year
    refresh_workbook(book)
    b = refresh_blocks(
        RefreshInputs(400000.0, 2026, 2030, ("base", "bear", "bull", "plan", "track_record"), default_lineup(), 2029)
    )
    grid = blocks_to_grid(b["compare"] + b["scenarios"] + b["gap"])
    sc = sheet(book, "Scenarios")
    got = [row[: len(grid[0])] for row in sc[5 : 5 + len(grid)]]
    assert len(got) == len(grid)
    for g, e in zip(got, grid):
        assert_row(g, e)
    assert sc[5][0].startswith("Scenarios compared in 2029")


def test_smaller_output_clears_the_old_extent(book):
    old = out_ref(book)
    set_cell(book, "B13", "bear")
    for ref in ("B14", "B15", "B16", "B17"):
        set_cell(book, ref, None)
    set_cell(book, "B7", 2028)  # in_end_year
    refresh_workbook(book)
    new = out_ref(book)
    assert old == "Scenarios!$A$6:$K$92"
    # 1 scenario, 3 years: 2 + 1 + 2 * (3 + 3) = 15 rows
    assert new == "Scenarios!$A$6:$K$20"
    sc = sheet(book, "Scenarios")
    assert all(v == "" for row in sc[20:] for v in row)
    assert sc[7][0] == "bear" and sc[9][0].startswith("Scenario: bear")
    xml = parts(book)[SCENARIOS_PART].decode()
    assert not re.search(r'<c r="[A-Z]+(2[1-9]|[3-9]\d)"', xml)


def test_larger_output_and_cells_outside_are_kept(book):
    xml = parts(book)[SCENARIOS_PART].decode()
    row2 = re.search(r'<row r="2"[^>]*>.*?</row>', xml).group(0)
    note = row2.replace("</row>", '<c r="M2" t="inlineStr"><is><t>analyst note</t></is></c></row>')
    rewrite(book, {SCENARIOS_PART: xml.replace(row2, note).encode()})
    set_cell(book, "B7", 2035)  # in_end_year: 2026-2035 is 10 years
    refresh_workbook(book)
    assert out_ref(book) == "Scenarios!$A$6:$K$142"  # 2 + 5 + 10 * (10 + 3) = 137 rows
    sc = sheet(book, "Scenarios")
    assert sc[0][0].startswith("Scenarios: comparison")  # title above the area kept
    assert sc[1][12] == "analyst note"
    assert sc[141][0] == 2035 and sc[142:] == []


def test_status_line_says_who_refreshed_what(book):
    set_cell(book, "B6", 2027)  # in_start_year
    report = refresh_workbook(book)
    expected = (
        "Refreshed by alfa-xl refresh: 5 scenarios (base, bear, bull, plan, track_record), 2027-2030, "
        "target 400,000; risk: 10,000 paths around base, seed 20140506"
    )
    assert report.status == expected
    assert sheet(book, "Scenarios")[4][:2] == ["Last refresh", expected]
    xml = parts(book)[SCENARIOS_PART].decode()
    built = parts(book.with_name(book.name + ".bak"))[SCENARIOS_PART].decode()
    style = re.compile(r'<c r="B5" s="(\d+)"')
    assert style.search(xml).group(1) == style.search(built).group(1)  # the cell keeps its format


def test_risk_output_equals_the_engine_report(book):
    """out_risk holds report.blocks_to_grid(risk_blocks(...)) for in_scenario, in_paths and
    in_seed, with the scenario's compare-year total beside each tornado row."""
    from alfa_xl.model.engine.lineup import default_lineup
    from alfa_xl.model.engine.projection import project
    from alfa_xl.book.tables.report import RefreshInputs, blocks_to_grid
    from alfa_xl.book.tables.risk import risk_blocks

    set_cell(book, SCENARIO, "bear")
    set_cell(book, PATHS, 2000)
    set_cell(book, SEED, 7)
    set_cell(book, "B8", 2029)  # in_compare_year: the tornado's year
    report = refresh_workbook(book)
    inputs = RefreshInputs(
        400000.0, 2026, 2030, ("base", "bear", "bull", "plan", "track_record"), default_lineup(), 2029
    )
    grid = blocks_to_grid(risk_blocks(inputs, paths=2000, seed=7, scenario="bear"))
    risk = sheet(book, "Risk")
    got = risk[5 : 5 + len(grid)]
    assert report.areas["out_risk"] == f"Risk!$A$6:$G${5 + len(grid)}"
    bear_2029 = project(scenario="bear", start_year=2029, end_year=2029).total(2029)
    tornado = next(i for i, r in enumerate(grid) if r[0] == "Driver")
    for i, (g, e) in enumerate(zip(got, grid)):
        assert_row(g[:6], e[:6])
        if i > tornado:
            assert g[6] == pytest.approx(bear_2029, rel=1e-12)
    assert (
        got[0][0]
        == "Calibrated forecast (a log random walk with drift, in the model's path order; 2,000 paths, seed 7), yearly total (units); Scenario and What-if P50: what-if, 2,000 paths around scenario bear, seed 7 (Scenario without uncertainty); current year unconditioned"
    )
    assert got[tornado][6] == "Scenario"
    assert "risk: 2,000 paths around bear, seed 7" in report.status


def test_longer_horizon_grows_the_risk_area(book):
    set_cell(book, "B7", 2035)  # in_end_year: 2026-2035 is 10 years
    refresh_workbook(book)
    drivers = 4 + planned_models()  # slip, peak, trend, tariff, and one per planned model
    rows = 2 + 10 + 1 + 2 + 10 + 1 + 2 + drivers  # fan, blank, probability, blank, tornado
    assert out_ref(book, "out_risk") == f"Risk!$A$6:$G${5 + rows}"
    risk = sheet(book, "Risk")
    assert risk[17][0] == "" and risk[18][0].startswith("Probability of reaching")
    assert [r[0] for r in risk[7:17]] == list(range(2026, 2036))


def test_the_longest_horizon_fills_the_live_tables_without_a_spill_conflict(book):
    """2026-2044, the 19 years the sheets hold: each live table takes its new extent with
    its values, and no other cell with content lies in it (Excel would show #SPILL!)."""
    set_cell(book, "B7", 2044)
    refresh_workbook(book)
    for part, anchors in ((PROJECTION_PART, ("A7", "A28")), (GAP_PART, ("A7",))):
        xml = parts(book)[part].decode()
        cells = dict(re.findall(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>(.*?)</c>)', xml))
        for anchor in anchors:
            ref = re.search(rf'<c r="{anchor}"[^>]*><f t="array" ref="([A-Z0-9:]+)"', xml).group(1)
            first, last = ref.split(":")
            assert int(re.sub(r"[A-Z]", "", last)) == int(anchor[1:]) + 19  # header and 19 years
            rows = range(int(anchor[1:]) + 1, int(re.sub(r"[A-Z]", "", last)) + 1)
            inside = [r for r, body in cells.items() if int(re.sub(r"[A-Z]", "", r)) in rows and r[0] <= last[0]]
            assert not [r for r in inside if "<f" in (cells[r] or "")], (part, anchor)
            assert "<v>2044</v>" in cells[f"A{rows[-1]}"]  # the last year, as the stored copy gives it
    assert sheet(book, "Projection")[25][0] == 2044 and sheet(book, "Projection")[46][0] == 2044  # rows 26 and 47


def test_workbook_without_risk_names_still_refreshes(book):
    """A workbook built before the Risk sheet: no out_risk, in_paths or in_seed."""
    wb = parts(book)["xl/workbook.xml"].decode()
    for name in ("out_risk", "in_paths", "in_seed"):
        wb, n = re.subn(rf'<definedName name="{name}">[^<]*</definedName>', "", wb)
        assert n == 1
    rewrite(book, {"xl/workbook.xml": wb.encode()})
    risk_before = parts(book)[RISK_PART]
    report = refresh_workbook(book)
    assert list(report.areas) == ["out_scenarios", "out_track", "out_forecast"]
    assert parts(book)[RISK_PART] == risk_before
    # its formulas read names it lacks: the checks cannot be computed headless and say so
    checks = sheet(book, "Checks")
    assert checks[3][2] == "STALE" and checks[11][8] == "STALE"
    assert "risk: 10,000 paths around base, seed 20140506" in report.status  # the defaults


def test_second_refresh_is_idempotent(book):
    refresh_workbook(book)
    first = book.read_bytes()
    refresh_workbook(book)
    assert book.read_bytes() == first
    assert refresh_workbook(book).changed_parts == []


def test_backup_kept_and_no_temp_files(book):
    original = book.read_bytes()
    set_cell(book, "B5", 300000)
    changed = book.read_bytes()
    report = refresh_workbook(book)
    assert report.backup == book.with_name("alfa_outlook.xlsm.bak")
    assert report.backup.read_bytes() == changed != original
    assert sorted(p.name for p in book.parent.iterdir()) == ["alfa_outlook.xlsm", "alfa_outlook.xlsm.bak"]


# -- validation: one line, exit 2, file untouched -----------------------------------------
BAD_INPUTS = [
    ("B5", "lots", "Inputs!B5 (in_target)", "not a number"),
    ("B5", -5, "Inputs!B5 (in_target)", "above 0"),
    ("B6", 2070, "Inputs!B6 (in_start_year)", "2000 and 2060"),
    ("B7", 2020, "Inputs!B7 (in_end_year)", "on or after the start year 2026"),
    (
        "B7",
        2045,
        "Inputs!B7 (in_end_year)",
        "20 years from 2026; the sheets hold at most 19 (got 2045); type an end year of 2044 or earlier",
    ),
    ("B8", 2030.5, "Inputs!B8 (in_compare_year)", "whole year"),
    ("B14", "moonshot", "Inputs!B14 (in_scenario_list)", "use one of base, bear"),
    (SCENARIO, "moonshot", "Inputs!B9 (in_scenario)", "use one of base, bear"),
    (PATHS, -3, "Inputs!B25 (in_paths)", "give a whole number of paths from 1 to 1,000,000"),
    (PATHS, 2500.5, "Inputs!B25 (in_paths)", "not a whole number"),
    (PATHS, 5_000_000, "Inputs!B25 (in_paths)", "outside 1 to 1,000,000"),
    (PATHS, "many", "Inputs!B25 (in_paths)", "not a number"),
    (SEED, -1, "Inputs!B26 (in_seed)", "give a whole number of 0 or more as the seed"),
    (SEED, 1.5, "Inputs!B26 (in_seed)", "not a whole number"),
    (SEED, "lucky", "Inputs!B26 (in_seed)", "not a number"),
]


@pytest.mark.parametrize("ref,value,where,fix", BAD_INPUTS)
def test_bad_input_exit_2_and_file_untouched(book, capsys, ref, value, where, fix):
    set_cell(book, ref, value)
    before = book.read_bytes()
    rc, err = refresh_cli(book, capsys)
    assert rc == 2
    assert err.count("\n") == 1 and where in err and fix in err, err
    assert book.read_bytes() == before
    assert not book.with_name(book.name + ".bak").exists()


def _lineup_cell(book: Path, column: str, model_row: int) -> str:
    table = parts(book)["xl/tables/table1.xml"].decode()
    first = int(re.search(r'ref="A(\d+):', table).group(1))
    cols = re.findall(r'<tableColumn id="\d+" name="([^"]+)"', table)
    letter = chr(65 + cols.index(column))
    return f"{letter}{first + model_row}"


def test_a_renamed_model_reaches_the_live_tables_stored_values(book):
    """The live tables' spilled text (a model's name in the header) follows the lineup, and
    a second refresh of the same Inputs changes nothing."""
    for name in ("Junior Q", "Junior R"):  # the second time the header cell already holds inline text
        set_cell(book, _lineup_cell(book, "model", 1), name)
        refresh_workbook(book)
        header = sheet(book, "Projection")[6]
        assert header[:3] == ["Year", name, "Tonale"]
        assert f'"Year","{name}","Tonale"' in parts(book)["xl/workbook.xml"].decode()  # the stored copy
    before = parts(book)
    assert refresh_workbook(book).changed_parts == [] and parts(book) == before


@pytest.mark.parametrize(
    "column,value,expect",
    [
        ("peak_units", -100, "tbl_lineup[peak_units], model 'Junior'"),
        ("share_italy", 0.9, "tbl_lineup[share_italy], model 'Junior'"),
        ("status", "rumoured", "tbl_lineup[status], model 'Junior'"),
    ],
)
def test_bad_lineup_names_table_column(book, capsys, column, value, expect):
    ref = _lineup_cell(book, column, 1)
    set_cell(book, ref, value)
    before = book.read_bytes()
    rc, err = refresh_cli(book, capsys)
    assert rc == 2 and expect in err and f"Inputs!{ref}" in err, err
    assert book.read_bytes() == before


def test_blank_inputs_take_the_macro_defaults(book):
    """As alfa_xl.excel.macros: blank target = 400,000, blank list = every built-in scenario."""
    for ref in ("B5", "B13", "B14", "B15", "B16", "B17"):
        set_cell(book, ref, None)
    set_cell(book, "B15", "bull")
    refresh_workbook(book)
    sc = sheet(book, "Scenarios")
    assert sc[7][:3] == ["bull", sc[7][1], 400000]
    for ref in ("B15",):
        set_cell(book, ref, None)
    refresh_workbook(book)
    assert [r[0] for r in sheet(book, "Scenarios")[7:12]] == ["base", "bear", "bull", "plan", "track_record"]


def test_duplicate_scenario(book, capsys):
    set_cell(book, "B14", "base")
    rc, err = refresh_cli(book, capsys)
    assert rc == 2 and "Inputs!B14 (in_scenario_list)" in err and "listed twice" in err


# -- refusals -----------------------------------------------------------------------------
def test_refuses_while_excel_lock_file_exists(book, capsys):
    (book.parent / "~$alfa_outlook.xlsm").write_bytes(b"owner")
    before = book.read_bytes()
    rc, err = refresh_cli(book, capsys)
    assert rc == 2 and "~$alfa_outlook.xlsm" in err and "close it in Excel" in err
    assert book.read_bytes() == before


def _refused(path: Path, capsys, words: str) -> None:
    before = path.read_bytes()
    rc, err = refresh_cli(path, capsys)
    assert rc == 2 and err.count("\n") == 1 and words in err, err
    assert path.read_bytes() == before


def test_refuses_a_text_file(tmp_path, capsys):
    p = tmp_path / "notes.xlsm"
    p.write_text("model,units\n")
    _refused(p, capsys, "not a zip-based Excel file")


def test_refuses_a_truncated_workbook(book, capsys):
    data = book.read_bytes()
    book.write_bytes(data[: len(data) // 2])
    _refused(book, capsys, "truncated or corrupt")


def test_refuses_a_zip_that_is_not_a_workbook(tmp_path, capsys):
    p = tmp_path / "report.xlsm"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    _refused(p, capsys, "not an Excel workbook")


def test_refuses_an_old_xls(tmp_path, capsys):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    _refused(p, capsys, "old .xls or a password-protected")


def test_refuses_an_oversized_file(tmp_path, capsys):
    p = tmp_path / "huge.xlsm"
    with open(p, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: cheap to create
    rc, err = refresh_cli(p, capsys)
    assert rc == 2 and "too large" in err


def test_refuses_a_zip_bomb(book, capsys):
    rewrite(book, {"xl/media/blank.bin": b"\0" * (20 * 1024 * 1024)})
    _refused(book, capsys, "zip bomb")


def test_refuses_xml_entities(book, capsys):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
    rewrite(book, {"xl/sharedStrings.xml": evil})
    _refused(book, capsys, "not readable XML")


def test_missing_owned_name(book, capsys):
    wb = parts(book)["xl/workbook.xml"].decode()
    wb = re.sub(r'<definedName name="out_scenarios">[^<]*</definedName>', "", wb)
    rewrite(book, {"xl/workbook.xml": wb.encode()})
    _refused(book, capsys, "out_scenarios")
