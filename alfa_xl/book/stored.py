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
from typing import Any

from alfa_xl.book.layout import LOADED_NAME, BookInputs

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
                items.append('"' + str(x).replace('"', '""') + '"')
        rows.append(",".join(items))
    text = "{" + ";".join(rows) + "}"
    if len(text) > MAX_CONSTANT:
        raise ValueError(f"a live table is too large to store ({len(text):,} characters, limit {MAX_CONSTANT:,})")
    return text


def stored_tables(
    target: float, scenario: str, start: int, end: int, lineup: list[list[Any]]
) -> dict[str, list[list[Any]]]:
    """Each live table as the worksheet function returns it (header row first), by stored name;
    ``lineup`` as Excel passes ``tbl_lineup[#All]``."""
    from alfa_xl.excel import functions as udfs

    out = {}
    for name, fn, by in STORED:
        if fn == "ALFA_PROJECT":
            result = udfs.alfa_project(scenario, float(start), float(end), by, lineup)
        else:
            result = udfs.alfa_gap_table(float(target), scenario, float(start), float(end), lineup)
        if isinstance(result, str) or not isinstance(result, list):
            raise RuntimeError(f"{fn} returned {result!r}")
        out[name] = [list(r) for r in result]
    return out


def stored_names(inputs: BookInputs) -> dict[str, str]:
    """Stored name -> ``={...}`` for the inputs a refresh read (the macro's path)."""
    from alfa_xl.book.build_inputs import BuildInputs

    b = BuildInputs.from_book(inputs)
    tables = stored_tables(b.target, b.scenario, b.start_year, b.end_year, b.excel_lineup())
    return {name: "=" + array_constant(t) for name, t in tables.items()}
