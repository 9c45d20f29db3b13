"""One text rule for both writers: the Excel macro (through ``Range.value``, Excel's own
conversions emulated by the workbook double) and the headless refresh (inline strings)
store the same text for every model name, including text Excel would turn into a
number, a date, a boolean or a percentage, and text over Excel's 32,767-character limit."""

from __future__ import annotations

import shutil

from book_edits import pristine  # noqa: F401  (fixtures)
from book_edits import INPUTS_PART, cell_xml, set_cell_xml, style_of
from python_calamine import CalamineWorkbook
from test_macros import lineup_rows, make_book

from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.text import CUT_MARK
from alfa_xl.excel import macros

LONG = "Giulia " + "x" * 40_000
# the names given and the text a cell must hold, typed by hand (Excel's limit is 32,767)
NAMES = ["'quoted", "TRUE", "1/2", "0012", "50%", "1e3", LONG]
STORED = ["'quoted", "TRUE", "1/2", "0012", "50%", "1e3", LONG[: 32_767 - len(CUT_MARK)] + CUT_MARK]


def _strings(grid) -> set[str]:
    return {x for row in grid for x in row if isinstance(x, str)}


REPLACES = 11  # the lineup's column "replaces": emptied, so that every model may be renamed


def test_the_macro_stores_each_name_as_the_text_given():
    rows = lineup_rows()
    book = make_book(lineup=rows, scenarios=["base"])
    inputs = book.sheets["Inputs"]
    table = inputs.tables[0].range
    for i, name in enumerate(NAMES, start=1):  # typed as text (with Excel's own prefix)
        inputs.cells[(table.row + i, table.column)] = name
    for i in range(1, len(rows)):
        inputs.cells.pop((table.row + i, table.column + REPLACES), None)
    message = macros.refresh_scenarios(book)
    assert message.startswith("Refreshed"), message[:300]
    out = _strings(book.names["out_scenarios"].refers_to_range.options(ndim=2).value)
    assert set(STORED) <= out
    assert len(STORED[-1]) == 32_767


def test_the_headless_refresh_stores_the_same_text(pristine, tmp_path):
    book = tmp_path / "alfa_outlook.xlsm"
    shutil.copy(pristine, book)
    for i, name in enumerate(NAMES):  # the lineup's model column starts at A35
        ref = f"A{35 + i}"
        escaped = name.replace("&", "&amp;").replace("<", "&lt;")
        set_cell_xml(
            book,
            INPUTS_PART,
            ref,
            f'<c r="{ref}"{style_of(book, INPUTS_PART, ref)} t="inlineStr"><is><t>{escaped}</t></is></c>',
        )
    for r in range(35, 44):  # the column "replaces" (L) emptied, so that every model may be renamed
        if cell_xml(book, INPUTS_PART, f"L{r}") is not None:
            set_cell_xml(book, INPUTS_PART, f"L{r}", f'<c r="L{r}"{style_of(book, INPUTS_PART, f"L{r}")}/>')
    refresh_workbook(book)
    grid = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scenarios").to_python()
    out = _strings(grid)
    assert set(STORED) <= out
    assert LONG not in out
