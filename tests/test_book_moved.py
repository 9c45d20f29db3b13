"""Content inside an owned area that the refresh did not write there stops the refresh,
with what moved and how to fix it; following the advice leads to a clean refresh."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from book_edits import SCENARIOS_PART, WORKBOOK_PART, book, edit, pristine, set_cell_xml, text  # noqa: F401  (fixtures)

from alfa_xl.book.locate import search_region
from alfa_xl.book.moved import BLANK, row_mark, trusted_rectangle
from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.xlsx import MAX_COL, CellRange

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402


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


# the rule itself, on grids made by hand: row "a" holds the text a in its first column, and so on
W = CellRange("S", 5, 0, 9, 3)  # rows 6..10 written, four columns
ABCDE = [row_mark([(0, x)]) for x in "abcde"]


def at(rows: dict[int, str], col: int = 0) -> dict[tuple[int, int], str]:
    """Cells ``{(row, col): text}`` from one text per row, all in column ``col``."""
    return {(r, col): x for r, x in rows.items()}


@pytest.mark.parametrize(
    "rows",
    [
        {5: "a", 6: "b", 7: "c", 8: "d", 9: "e"},  # as written
        {5: "a", 7: "c", 8: "d"},  # rows cleared by the user
        {},  # everything cleared
    ],
)
def test_rows_as_written_or_cleared_are_the_refresh_s_own(rows):
    assert trusted_rectangle("out_x", W, W, ABCDE, at(rows), OwnedAreaError) == W


def test_a_name_stretched_over_inserted_empty_rows_is_trusted():
    old = CellRange("S", 5, 0, 11, 3)
    cells = at({5: "a", 6: "b", 9: "c", 10: "d", 11: "e"})  # two empty rows inserted after b
    assert trusted_rectangle("out_x", old, W, ABCDE, cells, OwnedAreaError) == old


def test_recorded_empty_rows_need_not_be_found():
    marks = [row_mark([(0, "a")]), BLANK, row_mark([(0, "c")])]
    w = CellRange("S", 0, 0, 2, 1)
    assert trusted_rectangle("out_x", w, w, marks, at({0: "a", 2: "c"}), OwnedAreaError) == w


def test_tables_shifted_down_are_found_and_named():
    cells = at({5: "x", 6: "y", 7: "a", 8: "b", 9: "c", 10: "d", 11: "e"})
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$8:\$D\$12"):
        trusted_rectangle("out_x", W, W, ABCDE, cells, OwnedAreaError)


def test_tables_shifted_below_empty_rows_are_not_cleared_in_place():
    cells = at({8: "a", 9: "b", 10: "c", 11: "d", 12: "e"})  # three empty rows inserted above, nothing else
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$9:\$D\$13"):
        trusted_rectangle("out_x", W, W, ABCDE, cells, OwnedAreaError)


def test_foreign_rows_are_named():
    cells = at({5: "a", 6: "zz", 7: "c", 8: "d", 9: "e"})
    with pytest.raises(OwnedAreaError, match=r"1 row .*S!A7:D7"):
        trusted_rectangle("out_x", W, W, ABCDE, cells, OwnedAreaError)


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
    cells = at({5: "a", 6: "b", 9: "c", 10: "d", 11: "e"})  # two empty rows inserted after b, the name unchanged
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$6:\$D\$12"):
        trusted_rectangle("out_x", W, W, ABCDE, cells, OwnedAreaError)


# columns: rows "a".."e" of four cells, "a0" "a1" "a2" "a3" and so on
WIDE = [row_mark([(j, f"{x}{j}") for j in range(4)]) for x in "abcde"]


def wide(top: int, cols: list[int]) -> dict[tuple[int, int], str]:
    """Rows a..e from row ``top``, recorded column j in sheet column ``cols[j]``."""
    return {(top + i, c): f"{x}{j}" for i, x in enumerate("abcde") for j, c in enumerate(cols)}


def test_tables_shifted_right_by_inserted_columns_are_found_and_the_named_rectangle_is_then_trusted():
    cells = wide(5, [2, 3, 4, 5])  # two columns inserted left of A: A:D moved to C:F
    with pytest.raises(OwnedAreaError, match=r"now at S!\$C\$6:\$F\$10.*point out_x at S!\$C\$6:\$F\$10"):
        trusted_rectangle("out_x", W, W, WIDE, cells, OwnedAreaError)
    moved = CellRange("S", 5, 2, 9, 5)  # the advice, followed
    assert trusted_rectangle("out_x", moved, W, WIDE, cells, OwnedAreaError) == moved


def test_tables_split_by_columns_inserted_inside_are_found_and_the_named_rectangle_is_then_trusted():
    cells = wide(5, [0, 1, 4, 5])  # two columns inserted before C: C:D moved to E:F, C:D empty
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$6:\$F\$10"):
        trusted_rectangle("out_x", W, W, WIDE, cells, OwnedAreaError)
    stretched = CellRange("S", 5, 0, 9, 5)  # the advice, or LibreOffice's stretched name
    assert trusted_rectangle("out_x", stretched, W, WIDE, cells, OwnedAreaError) == stretched


def test_tables_moved_down_and_right_are_found():
    cells = wide(8, [1, 2, 3, 4])  # three rows inserted above and one column to the left
    with pytest.raises(OwnedAreaError, match=r"now at S!\$B\$9:\$E\$13"):
        trusted_rectangle("out_x", W, W, WIDE, cells, OwnedAreaError)


def test_tables_moved_far_below_are_found():
    cells = wide(105, [0, 1, 2, 3])  # a hundred rows inserted above, twenty times the area's height
    with pytest.raises(OwnedAreaError, match=r"now at S!\$A\$106:\$D\$110"):
        trusted_rectangle("out_x", W, W, WIDE, cells, OwnedAreaError)


def test_content_typed_into_inserted_columns_is_not_taken_for_the_tables():
    cells = wide(5, [0, 1, 4, 5]) | {(7, 2): "my note"}  # split as above, a note typed in C8
    with pytest.raises(OwnedAreaError, match=r"5 rows of the area the refresh wrote now hold other content") as info:
        trusted_rectangle("out_x", W, W, WIDE, cells, OwnedAreaError)
    assert "now at" not in str(info.value)
    stretched = CellRange("S", 5, 0, 9, 5)  # nor is a name stretched over it trusted
    with pytest.raises(OwnedAreaError, match=r"5 rows"):
        trusted_rectangle("out_x", stretched, W, WIDE, cells, OwnedAreaError)


def test_a_name_enlarged_over_a_user_column_is_not_trusted():
    cells = wide(5, [0, 1, 2, 3]) | {(7, 5): "my note"}  # the tables in place, a note in F8
    enlarged = CellRange("S", 5, 0, 9, 5)  # the name enlarged by hand to F: only E is empty
    assert trusted_rectangle("out_x", enlarged, W, WIDE, cells, OwnedAreaError) == W


def test_the_search_is_cut_to_a_million_cells_around_the_recorded_rectangle():
    written = CellRange("S", 10, 1000, 19, 1003)
    used = CellRange("S", 0, 0, 99_999, 2000)
    # 512 columns: 508 spare, 254 on the left of column 1000; 1,000,000 // 512 = 1953 rows from the top
    assert search_region(written, written, used) == CellRange("S", 0, 746, 1952, 1257)
    far = CellRange("S", 500_000, 0, 500_009, 9)
    # ten columns: 100,000 rows, 99,990 spare, 49,995 above row 500,000
    assert search_region(far, far, CellRange("S", 0, 0, 999_999, 9)) == CellRange("S", 450_005, 0, 550_004, 9)


def letters(ref: str, shift: int) -> str:
    """``ref`` moved ``shift`` columns to the right."""
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    return f"{get_column_letter(column_index_from_string(col) + shift)}{row}"


def area(v: dict[str, object], first_row: int = 6) -> dict[str, object]:
    return {k: x for k, x in v.items() if int(re.sub(r"[A-Z]+", "", k)) >= first_row}


@pytest.mark.parametrize(
    "before_col, count, moved",
    [
        (1, 2, "Scenarios!$C$6:$M$92"),  # left of the area (A:K): the tables move to C:M
        (5, 2, "Scenarios!$A$6:$M$92"),  # inside, before E: E:K move to G:M, A:D stay
    ],
)
def test_columns_inserted_by_openpyxl_stop_the_refresh_and_the_advice_leads_to_a_clean_refresh(
    book, before_col, count, moved
):
    before = values(book)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["Scenarios"].insert_cols(before_col, count)  # moves the cells, not the defined names
    wb.save(book)
    saved = book.read_bytes()
    fix = re.escape(moved)
    with pytest.raises(OwnedAreaError, match=rf"now at {fix}.*point out_scenarios at {fix}") as info:
        refresh_workbook(book)
    assert book.read_bytes() == saved
    point(book, "out_scenarios", re.search(r"point out_scenarios at (\S+)", str(info.value)).group(1))
    refresh_workbook(book)
    after = values(book)
    left = count if before_col == 1 else 0  # where column A of the tables is now
    assert area(after) == {letters(k, left): x for k, x in area(before).items()}  # no stale cell, nothing lost
    assert after[letters("A1", left)] == before["A1"]  # the user's cells (moved with the insert or not) are kept


@pytest.mark.libreoffice
@pytest.mark.parametrize("index", [0, 4])  # before A (the name and the record move), before E (the name stretches)
def test_columns_inserted_in_libreoffice_leave_no_stale_column(book, tmp_path, index):
    if not _libreoffice_with_uno():
        pytest.skip("LibreOffice with its Python UNO bridge is not installed")
    before = values(book)
    script = Path(__file__).parent / "lo_insert_rows.py"
    subprocess.run(
        [UNO_PYTHON, str(script), str(book), "Scenarios", str(index), "2", str(tmp_path / "profile"), "columns"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    stretched = r"\$A\$6:\$M\$92" if index else r"\$C\$6:\$M\$92"
    assert re.search(rf'name="out_scenarios"[^>]*>Scenarios!{stretched}<', text(book, WORKBOOK_PART))
    refresh_workbook(book)
    after = values(book)
    assert area(after) == {letters(k, 2 if index == 0 else 0): x for k, x in area(before).items()}


def test_tables_that_would_reach_past_the_last_column_are_not_named():
    near = CellRange("S", 5, MAX_COL - 10, 9, MAX_COL - 7)  # four columns written eleven from the grid's end
    # rows a..e (one cell each, at offset 0) moved to XFD: the four columns would end three past
    # the grid, so no name can point there (and the recorded rectangle is empty: trusted)
    cells = at({5: "a", 6: "b", 7: "c", 8: "d", 9: "e"}, col=MAX_COL)
    assert trusted_rectangle("out_x", near, near, ABCDE, cells, OwnedAreaError) == near
    inside = at({5: "a", 6: "b", 7: "c", 8: "d", 9: "e"}, col=MAX_COL - 3)  # moved to XFA: the window XFA:XFD
    with pytest.raises(OwnedAreaError, match=r"now at S!\$XFA\$6:\$XFD\$10"):
        trusted_rectangle("out_x", near, near, ABCDE, inside, OwnedAreaError)


def test_a_name_stretched_over_columns_inserted_at_two_places_is_trusted():
    cells = wide(5, [0, 2, 3, 5])  # one column inserted before B and one before D (as Excel stretches the name)
    stretched = CellRange("S", 5, 0, 9, 5)
    assert trusted_rectangle("out_x", stretched, W, WIDE, cells, OwnedAreaError) == stretched


def test_a_recorded_empty_column_and_an_inserted_one_are_told_apart_by_the_marks():
    # recorded rows hold values in columns 0, 1, 3 only (column 2 empty in every row); one column
    # inserted before B: the stretched name A:E has two empty columns, B (inserted) and D (the
    # recorded C); leaving out D first would read C as recorded column 2, so B must be the one
    marks = [row_mark([(0, f"{x}0"), (1, f"{x}1"), (3, f"{x}3")]) for x in "abcde"]
    cells = {(5 + i, c): f"{x}{j}" for i, x in enumerate("abcde") for j, c in ((0, 0), (1, 2), (3, 4))}
    stretched = CellRange("S", 5, 0, 9, 4)
    assert trusted_rectangle("out_x", stretched, W, marks, cells, OwnedAreaError) == stretched
