"""Regression tests for files edited by hand or crafted: an owned name enlarged over cells
the refresh never wrote, sheets sharing a part or a name, unusual row and cell markup,
non-finite numbers and percentages in lineup columns meant in units or years. Each file is
built by the product and one part edited here; every refusal is one line, exit 2, and the
file is left byte for byte as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from test_book_refresh import INPUTS_PART, RISK_PART, SCENARIOS_PART, book, parts, pristine, refresh_cli, rewrite  # noqa: F401
from test_book_refresh_safety import one_line_refusal, set_name

B5 = re.compile(r'<c r="B5"( s="\d+")?><v>[^<]*</v></c>')


def _edit(path: Path, part: str, old: str, new: str, count: int = 1) -> None:
    xml = parts(path)[part].decode()
    assert old in xml, old
    rewrite(path, {part: xml.replace(old, new, count).encode()})


def _names(path: Path) -> dict[str, str]:
    xml = parts(path)["xl/workbook.xml"].decode()
    return dict(re.findall(r'<definedName name="([^"]+)"[^>]*>([^<]*)</definedName>', xml))


def _b5(path: Path) -> str:
    m = B5.search(parts(path)[INPUTS_PART].decode())
    assert m, "B5 holds the target as built"
    return m.group(0)


# -- 1: an owned name enlarged by hand ------------------------------------------------------
def test_enlarged_out_risk_refused_instead_of_erasing_chart_data(book, capsys):
    """Risk!$A$6:$G$32 is what the build wrote; the chart data in columns K.. are formulas
    it never wrote. Enlarging the name must not make them 'written last time'."""
    risk = parts(book)[RISK_PART].decode()
    assert re.search(r'<c r="K\d+"[^>]*><f>', risk), "the Risk sheet keeps chart formulas in column K"
    xml = parts(book)["xl/workbook.xml"].decode()
    assert "Risk!$A$6:$G$32" in xml
    rewrite(book, {"xl/workbook.xml": xml.replace("Risk!$A$6:$G$32", "Risk!$A$6:$R$80").encode()})  # every occurrence
    err = one_line_refusal(book, capsys, "defined name out_risk", "did not write")
    assert re.search(r"K\d+", err), err


def test_enlarged_out_scenarios_refused_instead_of_erasing_notes(book, capsys):
    xml = parts(book)[SCENARIOS_PART].decode()
    note = '<row r="150"><c r="A150" t="inlineStr"><is><t>my note</t></is></c></row>'
    rewrite(book, {SCENARIOS_PART: xml.replace("</sheetData>", note + "</sheetData>").encode()})
    set_name(book, "out_scenarios", "Scenarios!$A$6:$K$200")
    one_line_refusal(book, capsys, "defined name out_scenarios", "1 non-empty cell", "A150")


def test_refresh_records_what_it_wrote(book, capsys):
    """The hidden record holds the size written: Scenarios!$A$6:$K$92 is 87 rows (6..92)
    by 11 columns (A..K), Risk!$A$6:$G$32 27 rows by 7 columns (the tornado has a row for the US
    E-SUV, revived on some paths)."""
    for path in (book, None):
        if path is None:
            assert refresh_cli(book, capsys)[0] == 0
        names = _names(book)
        assert names["out_scenarios"] == "Scenarios!$A$6:$K$92" and names["_written_out_scenarios"] == '"87x11"'
        assert names["out_risk"] == "Risk!$A$6:$G$32" and names["_written_out_risk"] == '"27x7"'
        assert names["_written_at_out_scenarios"] == "Scenarios!$A$6" and names["_written_at_out_risk"] == "Risk!$A$6"
    assert re.search(r'<definedName name="_written_out_risk" hidden="1">', parts(book)["xl/workbook.xml"].decode())


def test_workbook_without_the_record_refreshes_and_gains_it(book, capsys):
    """A workbook built before the record existed trusts its names once, then records them."""
    xml = parts(book)["xl/workbook.xml"].decode()
    xml, n = re.subn(r'<definedName name="_written_[^"]+" hidden="1">[^<]*</definedName>', "", xml)
    assert n == 12  # size, top-left cell and row marks of four areas
    rewrite(book, {"xl/workbook.xml": xml.encode()})
    assert refresh_cli(book, capsys)[0] == 0
    assert _names(book)["_written_out_scenarios"] == '"87x11"'


@pytest.mark.parametrize("record", ["Risk!$A$6:$G$31", '"0x7"', '"26 x 7"'])
def test_unreadable_record_refused(book, capsys, record):
    set_name(book, "_written_out_risk", record, ' hidden="1"')
    one_line_refusal(book, capsys, "defined name _written_out_risk", 'not a size "ROWSxCOLUMNS"')


def test_record_on_another_sheet_refused(book, capsys):
    set_name(book, "_written_at_out_risk", "Inputs!$A$1", ' hidden="1"')
    one_line_refusal(book, capsys, "defined name _written_at_out_risk", "not on Risk")


def test_owned_name_moved_onto_notes_refused(book, capsys):
    """Moving out_scenarios' top-left cell onto the user's notes does not make them the
    refresh's own: the recorded rectangle stays at A6."""
    xml = parts(book)[SCENARIOS_PART].decode()
    note = '<row r="150"><c r="A150" t="inlineStr"><is><t>my note</t></is></c></row>'
    rewrite(book, {SCENARIOS_PART: xml.replace("</sheetData>", note + "</sheetData>").encode()})
    set_name(book, "out_scenarios", "Scenarios!$A$150:$K$236")
    one_line_refusal(book, capsys, "defined name out_scenarios", "1 non-empty cell", "A150")


def test_row_inserted_above_the_area_still_refreshes(book, capsys):
    """Excel moves the owned name and the recorded top-left cell together when rows are
    inserted above them; nothing is refused and the area is written at its new place."""
    xml = parts(book)[RISK_PART].decode()
    rewrite(
        book,
        {
            RISK_PART: re.sub(
                r'(<row r="|<c r="[A-Z]+)(\d+)', lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", xml
            ).encode()
        },
    )
    set_name(book, "out_risk", "Risk!$A$7:$G$32")
    set_name(book, "_written_at_out_risk", "Risk!$A$7", ' hidden="1"')
    assert refresh_cli(book, capsys)[0] == 0
    assert _names(book)["out_risk"].startswith("Risk!$A$7:")


# -- 2, 3: sheets sharing a part or a name --------------------------------------------------
def test_two_sheets_sharing_one_part_refused(book, capsys):
    _edit(book, "xl/_rels/workbook.xml.rels", 'Target="worksheets/sheet4.xml"', 'Target="worksheets/sheet2.xml"')
    one_line_refusal(book, capsys, "'Inputs' and 'Scenarios' point at the same part xl/worksheets/sheet2.xml")


@pytest.mark.parametrize("new", ["Scenarios", "SCENARIOS"])
def test_duplicate_sheet_names_refused(book, capsys, new):
    """Excel compares sheet names without case: 'SCENARIOS' is the same sheet name."""
    _edit(book, "xl/workbook.xml", '<sheet name="Facts"', f'<sheet name="{new}"')
    one_line_refusal(book, capsys, "two sheets are named")


# -- 4: unusual row and cell markup on Inputs -----------------------------------------------
@pytest.mark.parametrize(
    "case, fragment",
    [
        ("row_without_r", "a row without its number"),
        ("cell_without_r", "a cell without its reference in row 5"),
        ("cell_in_other_row", "cell A5 is stored in row 99"),
        ("cell_twice", "cell B5 is stored twice"),
        ("row_twice", "row 5 is stored twice"),
    ],
)
def test_unusual_row_and_cell_markup_refused(book, capsys, case, fragment):
    xml = parts(book)[INPUTS_PART].decode()
    cell = _b5(book)
    row5 = re.search(r'<row r="5"[^>]*>.*?</row>', xml).group(0)
    if case == "row_without_r":
        xml = xml.replace('<row r="5"', "<row", 1)
    elif case == "cell_without_r":
        xml = xml.replace(cell, cell.replace(' r="B5"', ""), 1)
    elif case == "cell_in_other_row":
        xml = xml.replace(row5, row5.replace('<row r="5"', '<row r="99"', 1), 1)
    elif case == "cell_twice":
        xml = xml.replace(cell, cell + cell.replace("<v>400000</v>", "<v>250000</v>"), 1)
    else:
        xml = xml.replace(row5, row5 + row5, 1)
    rewrite(book, {INPUTS_PART: xml.encode()})
    one_line_refusal(book, capsys, INPUTS_PART, fragment)


# -- 5: non-finite numbers ------------------------------------------------------------------
@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity"])
def test_non_finite_number_in_target_refused(book, capsys, text):
    cell = _b5(book)
    _edit(book, INPUTS_PART, cell, re.sub(r"<v>[^<]*</v>", f"<v>{text}</v>", cell))
    one_line_refusal(book, capsys, "cell B5", "not a finite number")


# -- 6: percentages in lineup columns meant in units or years -------------------------------
def _percent_style(path: Path) -> int:
    """Add a cell format showing 0.00% (built-in numFmtId 10); its index."""
    xml = parts(path)["xl/styles.xml"].decode()
    count = int(re.search(r'<cellXfs count="(\d+)">', xml).group(1))
    xml = re.sub(
        r'<cellXfs count="\d+">(.*?)</cellXfs>',
        lambda m: (
            f'<cellXfs count="{count + 1}">{m.group(1)}<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        ),
        xml,
        count=1,
        flags=re.S,
    )
    rewrite(path, {"xl/styles.xml": xml.encode()})
    return count


def _set_lineup_cell(path: Path, ref: str, value: float, style: int) -> None:
    xml = parts(path)[INPUTS_PART].decode()
    xml, n = re.subn(rf'<c r="{ref}" s="\d+"><v>[^<]*</v></c>', f'<c r="{ref}" s="{style}"><v>{value}</v></c>', xml)
    assert n == 1, ref
    rewrite(path, {INPUTS_PART: xml.encode()})


@pytest.mark.parametrize("ref, column", [("F35", "peak_units"), ("C35", "launch_year")])
def test_percentage_in_lineup_units_or_years_refused(book, capsys, ref, column):
    table = parts(book)["xl/tables/table1.xml"].decode()
    assert (
        'ref="A34:T43"' in table
        and re.findall(r'tableColumn id="\d+" name="([^"]+)"', table)[ord(ref[0]) - ord("A")] == column
    )
    _set_lineup_cell(book, ref, 0.5, _percent_style(book))
    one_line_refusal(book, capsys, f"{ref} (tbl_lineup[{column}])", "a percentage is not accepted here")


def test_percentage_in_lineup_share_column_accepted(book, capsys):
    """plateau is a share of peak: 60% typed as a percentage is 0.6, as built."""
    _set_lineup_cell(book, "G35", 0.6, _percent_style(book))
    assert refresh_cli(book, capsys)[0] == 0
    cells = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Inputs").to_python()
    assert cells[34][6] == pytest.approx(0.6)
