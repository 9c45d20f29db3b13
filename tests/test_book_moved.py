"""Content inside an owned area that the refresh did not write there stops the refresh,
with what moved and how to fix it; following the advice leads to a clean refresh."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from book_edits import book, pristine  # noqa: F401  (fixtures)
from book_edits import SCENARIOS_PART, WORKBOOK_PART, edit, set_cell_xml, text

from alfa_xl.book.moved import BLANK, trusted_rectangle
from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.xlsx import CellRange

openpyxl = pytest.importorskip("openpyxl")


def values(path: Path, sheet: str = "Scenarios") -> dict[str, object]:
    """The sheet's values (numbers to 12 significant digits: the build and the refresh
    write the same float with different digit counts)."""
    ws = openpyxl.load_workbook(path, keep_vba=True)[sheet]
    return {
        c.coordinate: float(f"{c.value:.12g}") if isinstance(c.value, float) else c.value
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def point(path: Path, name: str, ref: str) -> None:
    """Point a defined name elsewhere, as Formulas > Name Manager does."""
    wb = text(path, WORKBOOK_PART)
    m = re.search(rf'<definedName name="{name}"[^>]*>[^<]*</definedName>', wb)
    assert m
    edit(path, WORKBOOK_PART, m.group(0), f'<definedName name="{name}">{ref}</definedName>')


def test_rows_inserted_by_openpyxl_stop_the_refresh_and_the_advice_leads_to_a_clean_refresh(book):
    before = values(book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["Scenarios"].insert_rows(1, 3)  # moves the cells, not the defined names
    wb.save(book)
    saved = book.read_bytes()
    with pytest.raises(
        OwnedAreaError, match=r"now at Scenarios!\$A\$9:\$K\$95.*point out_scenarios at Scenarios!\$A\$9:\$K\$95"
    ) as info:
        refresh_workbook(book)
    assert book.read_bytes() == saved
    # the advice, followed
    point(book, "out_scenarios", re.search(r"point out_scenarios at (\S+)", str(info.value)).group(1))
    refresh_workbook(book)
    after = values(book)
    for old, new in (("A3", "A6"), ("A4", "A7"), ("A5", "A8"), ("B5", "B8")):  # the user's moved cells are kept
        assert after[new] == before[old]
    assert after["A9"] == before["A6"]  # the tables are written where they moved to
    rows = {int(re.sub(r"[A-Z]+", "", ref)) for ref in after}
    assert max(rows) == 95  # 87 rows from row 9: no stale row left below
    assert all(after.get(f"{col}{r}") == before.get(f"{col}{r - 3}") for col in "ABCDEFGHIJK" for r in range(9, 96))


def test_a_cell_typed_over_stops_the_refresh_and_clearing_its_row_leads_to_a_clean_refresh(book):
    original = values(book)["K20"]
    set_cell_xml(book, SCENARIOS_PART, "K20", '<c r="K20" t="inlineStr"><is><t>my note</t></is></c>')
    with pytest.raises(
        OwnedAreaError,
        match=r"1 row of the area the refresh wrote now holds other content.*Scenarios!A20:K20"
        r".*clear the rest of that row",
    ):
        refresh_workbook(book)
    xml = text(book, SCENARIOS_PART)
    row = re.search(r'<row r="20"[^>]*>.*?</row>', xml).group(0)
    edit(book, SCENARIOS_PART, row, re.sub(r"<c .*</c>", "", row))  # the advice: clear the row's cells
    refresh_workbook(book)
    assert values(book)["K20"] == original


def test_rows_inserted_inside_the_area_with_the_name_stretched_are_cleared_with_it(book):
    """LibreOffice and Excel stretch the name over rows inserted inside it (the anchor
    stays): the empty rows are cleared with the tables, no stale row is left."""
    before = values(book)
    xml = text(book, SCENARIOS_PART)

    def down(m: re.Match) -> str:
        r = int(m.group(2))
        return f"{m.group(1)}{r + 2 if r >= 50 else r}"

    xml = re.sub(r'(<row r="|<c r="[A-Z]+)(\d+)', down, xml)
    edit(book, SCENARIOS_PART, text(book, SCENARIOS_PART), xml)
    point(book, "out_scenarios", "Scenarios!$A$6:$K$94")
    refresh_workbook(book)
    after = values(book)
    assert {k: v for k, v in after.items() if int(re.sub(r"[A-Z]+", "", k)) >= 6} == {
        k: v for k, v in before.items() if int(re.sub(r"[A-Z]+", "", k)) >= 6
    }


# the rule itself, on marks made by hand
W = CellRange("S", 5, 0, 9, 3)  # rows 6..10 written, four columns


@pytest.mark.parametrize(
    "current, expected",
    [
        ({5: "a", 6: "b", 7: "c", 8: "d", 9: "e"}, W),  # as written
        ({5: "a", 7: "c", 8: "d"}, W),  # rows cleared by the user
        ({}, W),  # everything cleared
    ],
)
def test_rows_as_written_or_cleared_are_the_refresh_s_own(current, expected):
    assert trusted_rectangle("out_x", W, W, list("abcde"), current, OwnedAreaError) == expected


def test_a_name_stretched_over_inserted_empty_rows_is_trusted():
    old = CellRange("S", 5, 0, 11, 3)
    current = {5: "a", 6: "b", 9: "c", 10: "d", 11: "e"}  # two empty rows inserted after b
    assert trusted_rectangle("out_x", old, W, list("abcde"), current, OwnedAreaError) == old


def test_recorded_empty_rows_need_not_be_found():
    marks = ["a", BLANK, "c"]
    w = CellRange("S", 0, 0, 2, 1)
    assert trusted_rectangle("out_x", w, w, marks, {0: "a", 2: "c"}, OwnedAreaError) == w


def test_tables_shifted_down_are_found_and_named():
    current = {5: "x", 6: "y", 7: "a", 8: "b", 9: "c", 10: "d", 11: "e"}
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$8:\$D\$12"):
        trusted_rectangle("out_x", W, W, list("abcde"), current, OwnedAreaError)


def test_tables_shifted_below_empty_rows_are_not_cleared_in_place():
    current = {8: "a", 9: "b", 10: "c", 11: "d", 12: "e"}  # three empty rows inserted above, nothing else
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$9:\$D\$13"):
        trusted_rectangle("out_x", W, W, list("abcde"), current, OwnedAreaError)


def test_foreign_rows_are_named():
    current = {5: "a", 6: "zz", 7: "c", 8: "d", 9: "e"}
    with pytest.raises(OwnedAreaError, match=r"1 row .*S!A7:D7"):
        trusted_rectangle("out_x", W, W, list("abcde"), current, OwnedAreaError)


UNO_PYTHON = "/usr/bin/python3"


def _libreoffice_with_uno() -> bool:
    if shutil.which("soffice") is None or not Path(UNO_PYTHON).exists():
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.mark.libreoffice
def test_rows_inserted_inside_the_area_in_libreoffice_leave_no_stale_row(book, tmp_path):
    """Defect 8: two rows inserted inside out_scenarios in LibreOffice (which stretches the
    name and keeps the record); the next refresh clears them with the tables."""
    if not _libreoffice_with_uno():
        pytest.skip("LibreOffice with its Python UNO bridge is not installed")
    before = values(book)
    script = Path(__file__).parent / "lo_insert_rows.py"
    subprocess.run(
        [UNO_PYTHON, str(script), str(book), "Scenarios", "49", "2", str(tmp_path / "profile")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert re.search(r'name="out_scenarios"[^>]*>Scenarios!\$A\$6:\$K\$94<', text(book, WORKBOOK_PART))
    refresh_workbook(book)
    after = values(book)
    assert {k: v for k, v in after.items() if int(re.sub(r"[A-Z]+", "", k)) >= 6} == {
        k: v for k, v in before.items() if int(re.sub(r"[A-Z]+", "", k)) >= 6
    }


def test_rows_inserted_inside_by_openpyxl_name_the_stretched_rectangle_and_the_advice_leads_to_a_clean_refresh(book):
    before = values(book, "Risk")
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["Risk"].insert_rows(15, 2)  # inside out_risk (Risk!A6:G32): cells move down, the name does not
    wb.save(book)
    with pytest.raises(OwnedAreaError, match=r"now at Risk!\$A\$6:\$G\$34") as info:
        refresh_workbook(book)
    point(book, "out_risk", re.search(r"point out_risk at (\S+)", str(info.value)).group(1))
    refresh_workbook(book)
    after = values(book, "Risk")

    def area(v: dict) -> dict:  # columns A:G from row 6 (openpyxl moved the chart helpers below without their formulas)
        return {k: x for k, x in v.items() if k[0] in "ABCDEFG" and k[1].isdigit() and int(k[1:]) >= 6}

    assert area(after) == area(before)


def test_tables_opened_up_by_inserted_rows_are_found():
    current = {5: "a", 6: "b", 9: "c", 10: "d", 11: "e"}  # two empty rows inserted after b, the name unchanged
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$6:\$D\$12"):
        trusted_rectangle("out_x", W, W, list("abcde"), current, OwnedAreaError)
