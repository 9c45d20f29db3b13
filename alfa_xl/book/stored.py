"""Stored copies of the live tables, for a spreadsheet without the ``ALFA_*`` functions.

Each spilled live table is written ``=IF(alfa_loaded, ALFA_PROJECT(...), _stored_by_model)``:
with the add-in (or xlwings Lite) the function runs; without it (Excel without the add-in,
LibreOffice) the table shows the values of the last build or refresh, kept in a hidden
defined name as an array constant. The build, the headless refresh and the Excel macro
write those names from the same function calls (:func:`stored_tables`), so the three agree.
docs/workbook.md says why.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from alfa_xl.book.layout import LOADED_NAME, BookInputs
from alfa_xl.book.values import clean_result, frame_grid
from alfa_xl.model.engine.gap import GAP_COLUMNS, gap_table
from alfa_xl.model.engine.projection import project

if TYPE_CHECKING:
    from alfa_xl.book.build_inputs import BuildInputs

__all__ = ["STORED", "LOADED_FORMULA", "stored_tables", "stored_names", "array_constant", "live_formula"]

#: Stored name of each live table: (name, function, by).
STORED: tuple[tuple[str, str, str], ...] = (
    ("_stored_by_model", "ALFA_PROJECT", "model"),
    ("_stored_by_region", "ALFA_PROJECT", "region"),
    ("_stored_gap_table", "ALFA_GAP_TABLE", ""),
)
#: ``alfa_loaded``: TRUE when the functions answer. ``ALFA_SCENARIOS()`` takes no argument
#: and cannot fail, so an error means "not loaded", never "bad input".
LOADED_FORMULA = "NOT(ISERROR(ROWS(ALFA_SCENARIOS())))"
#: Longest array constant written (Excel's formula limit is 8,192 characters).
MAX_CONSTANT = 8000
#: Longest text inside an array constant (Excel's limit for a text value in a formula: 255).
MAX_TEXT = 255
#: What a stored copy shows when the table does not fit in one formula.
TOO_LARGE = "This table is too large to store in the file: open the workbook with the add-in or xlwings Lite"


def live_formula(call: str, stored: str) -> str:
    """The formula of a live table: the function when loaded, else its stored copy."""
    return f"=IF({LOADED_NAME},{call},{stored})"


def _number(x: float) -> str:
    return f"{x:.16G}"  # as XlsxWriter writes a cell's number, so the copy and the cells agree


def array_constant(table: list[list[Any]]) -> str:
    """``table`` as an Excel array constant; blanks as empty text, quotes doubled.

    >>> print(array_constant([["Year", 'a"b'], [2026, None], [2027.0, 0.5]]))
    {"Year","a""b";2026,"";2027,0.5}
    """
    rows = []
    for row in table:
        items = []
        for x in row:
            if x is None or (isinstance(x, float) and not math.isfinite(x)):
                items.append('""')
            elif isinstance(x, bool):
                items.append("TRUE" if x else "FALSE")
            elif isinstance(x, (int, float)):
                items.append(_number(float(x)))
            else:
                text = str(x)
                if len(text) > MAX_TEXT:  # Excel refuses a longer text inside a formula
                    text = text[: MAX_TEXT - 1] + "\u2026"
                items.append('"' + text.replace('"', '""') + '"')
        rows.append(",".join(items))
    text = "{" + ";".join(rows) + "}"
    if len(text) > MAX_CONSTANT:  # a formula holds at most 8,192 characters: say so in the table's place
        return '{"' + TOO_LARGE + '"}'
    return text


def stored_tables(b: BuildInputs) -> dict[str, list[list[Any]]]:
    """Each live table as the worksheet function returns it for the inputs ``b`` (header row
    first), by stored name: computed by the engine, cleaned as the functions clean their
    results (:mod:`alfa_xl.book.values`), so the copy equals what the function shows."""
    lineup = b.refresh_inputs().lineup
    start, end = int(b.start_year), int(b.end_year)
    out = {}
    for name, fn, by in STORED:
        projection = project(lineup, b.scenario, start, end)
        if fn == "ALFA_PROJECT":
            out[name] = clean_result(projection.rows(by))
        else:
            out[name] = clean_result(frame_grid(gap_table(projection, float(b.target)), GAP_COLUMNS))
    return out


def stored_names(inputs: BookInputs) -> dict[str, str]:
    """Stored name -> ``={...}`` for the inputs a refresh read (the macro's path)."""
    from alfa_xl.book.build_inputs import BuildInputs

    b = BuildInputs.from_book(inputs)
    tables = stored_tables(b)
    return {name: "=" + array_constant(t) for name, t in tables.items()}
