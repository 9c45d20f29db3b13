"""Content inside an owned area that the refresh did not write there stops the refresh,
with what moved and how to fix it; following the advice leads to a clean refresh."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from alfa_xl.book.build import build_workbook
from alfa_xl.book.moved import BLANK, trusted_rectangle
from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.xlsx import CellRange
from book_edits import SCENARIOS_PART, WORKBOOK_PART, cell_xml, edit, set_cell_xml, text

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


@pytest.fixture
def book(pristine, tmp_path) -> Path:
    path = tmp_path / "alfa_outlook.xlsm"
    shutil.copy(pristine, path)
    return path


def values(path: Path, sheet: str = "Scenarios") -> dict[str, object]:
    """The sheet's values (numbers to 12 significant digits: the build and the refresh
    write the same float with different digit counts)."""
    ws = openpyxl.load_workbook(path, keep_vba=True)[sheet]
    return {c.coordinate: float(f"{c.value:.12g}") if isinstance(c.value, float) else c.value
            for row in ws.iter_rows() for c in row if c.value is not None}


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
    with pytest.raises(OwnedAreaError, match=r"now at Scenarios!\$A\$9:\$K\$95.*point out_scenarios at Scenarios!\$A\$9:\$K\$95") as info:
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
    with pytest.raises(OwnedAreaError, match=r"1 row of the area the refresh wrote now holds other content.*Scenarios!A20:K20.*clear the rest of that row"):
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
        k: v for k, v in before.items() if int(re.sub(r"[A-Z]+", "", k)) >= 6}


# the rule itself, on marks made by hand
W = CellRange("S", 5, 0, 9, 3)  # rows 6..10 written, four columns


@pytest.mark.parametrize("current, expected", [
    ({5: "a", 6: "b", 7: "c", 8: "d", 9: "e"}, W),                      # as written
    ({5: "a", 7: "c", 8: "d"}, W),                                       # rows cleared by the user
    ({}, W),                                                            # everything cleared
])
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
