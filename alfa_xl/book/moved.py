"""What the refresh last wrote in an owned area, row by row, and the check that it is
still there before the area is cleared.

The record is one short mark per row written (a hash of the row's values, ``-`` for an
empty row), kept in the hidden defined name :func:`rows_name` beside the size and the
top-left cell (:mod:`alfa_xl.book.owned`). Before clearing, the rows found on the sheet are
compared with the record (:func:`trusted_rectangle`):

* every non-empty row of the recorded rectangle is a recorded row, in the recorded order
  (empty rows may have been inserted, rows may have been cleared): the cells are the
  refresh's own and are cleared;
* the owned name was moved or stretched (Excel and LibreOffice move names over inserted
  rows and columns, openpyxl does not) and holds all the recorded rows, in order, with only
  empty rows and columns between them: the name's rectangle is the refresh's own;
* the recorded rows are found elsewhere on the sheet (rows or columns inserted or deleted
  by a tool that moved the cells but not the names; the search is
  :func:`alfa_xl.book.locate.locate`): refused, with the rectangle they moved to and the
  owned name to point there (following it passes the rule above);
* any other content: refused, naming the rows that differ.

Values are compared as written (numbers to 12 significant digits, so a value read back
through Excel compares equal; text through :func:`alfa_xl.book.text.cell_text`), by the
headless refresh and by the Excel macro alike: both give :func:`trusted_rectangle` a grid
of the sheet's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from alfa_xl.book.locate import BLANK, Grid, canon, drop_layouts, locate, mark_of, search_region, used_box, walk
from alfa_xl.book.xlsx import CellRange, quote_sheet
from alfa_xl.errors import AlfaInputError

__all__ = [
    "rows_name",
    "row_mark",
    "grid_marks",
    "rows_record",
    "parse_rows_record",
    "held_rectangle",
    "trusted_rectangle",
    "BLANK",
]

#: Longest record kept (a defined name's formula is at most 8,192 characters in Excel):
#: an area of more rows is checked by its size only.
MAX_RECORD = 8000
#: Rows named in a refusal.
SHOWN_ROWS = 4
_CHUNK = 250  # Excel's string constants hold at most 255 characters


def rows_name(name: str) -> str:
    """The hidden defined name holding the row marks of what was last written in ``name``."""
    return f"_written_rows_{name}"


def row_mark(cells: Iterable[tuple[int, Any]]) -> str:
    """The mark of one row from ``(column offset, value)`` pairs; :data:`BLANK` when empty."""
    return mark_of(sorted((j, k) for j, v in cells if (k := canon(v)) is not None))


def grid_marks(grid: Sequence[Sequence[Any]]) -> list[str]:
    return [row_mark(enumerate(row)) for row in grid]


def rows_record(grid: Sequence[Sequence[Any]]) -> str | None:
    """The formula text of :func:`rows_name` for ``grid`` (string constants joined with ``&``,
    each within Excel's 255 characters); ``None`` when it would be too long to keep."""
    text = " ".join(grid_marks(grid))
    if len(text) > MAX_RECORD:
        return None
    return "&".join(f'"{text[i : i + _CHUNK]}"' for i in range(0, len(text), _CHUNK)) or '""'


def parse_rows_record(text: str) -> list[str] | None:
    """The marks of a :func:`rows_record` (a leading ``=`` allowed); ``None`` when the text is not one."""
    body = text.strip().removeprefix("=")
    if not re.fullmatch(r'"[0-9a-f \-]*"(&"[0-9a-f \-]*")*', body):
        return None
    marks = "".join(re.findall(r'"([^"]*)"', body)).split()
    return marks if all(m == BLANK or re.fullmatch(r"[0-9a-f]{6}", m) for m in marks) else None


def held_rectangle(
    old: CellRange, written: CellRange, marks: list[str], cells: Mapping[tuple[int, int], Any]
) -> CellRange | None:
    """The common cases of :func:`trusted_rectangle`, from the cells of ``old`` and
    ``written`` alone: the owned name's rectangle when it holds every recorded row (with
    empty rows and columns inserted between them), else the recorded one when it holds
    them all, in order; ``None`` otherwise (the sheet must then be searched)."""
    width = written.c1 - written.c0 + 1
    needed = {p for p, m in enumerate(marks) if m != BLANK}
    if old != written:  # the name moved or stretched: does it hold the tables?
        inside = Grid(cells, old)
        for layout in drop_layouts(old, width, inside):
            foreign, found = walk(marks, range(old.r0, old.r1 + 1), inside.marks(layout))
            if not foreign and found >= needed:
                return CellRange(old.sheet, old.r0, layout[0], old.r1, layout[-1])
    recorded = tuple(range(written.c0, written.c1 + 1))
    foreign, found = walk(marks, range(written.r0, written.r1 + 1), Grid(cells, written).marks(recorded))
    return written if not foreign and found >= needed else None


def trusted_rectangle(
    name: str,
    old: CellRange,
    written: CellRange,
    marks: list[str],
    cells: Mapping[tuple[int, int], Any],
    error: type[AlfaInputError],
) -> CellRange:
    """The rectangle whose cells are the refresh's own (see the module docstring).

    ``old`` is the owned name's rectangle, ``written`` the one recorded, ``marks`` the
    recorded row marks and ``cells`` the sheet's values (``{(row, col): value}``, 0-based),
    at least those of :func:`~alfa_xl.book.locate.search_region`. Raises ``error`` naming
    what moved and the fix.
    """
    held = held_rectangle(old, written, marks, cells)
    if held is not None:
        return held
    moved, current = locate(marks, written, old, cells, search_region(old, written, used_box(cells, written.sheet)))
    foreign, found = walk(marks, range(written.r0, written.r1 + 1), current)
    lost = {p for p, m in enumerate(marks) if m != BLANK} - found
    if moved is not None:
        raise error(
            f"defined name {name}",
            old.ref,
            f"point {name} at {moved.ref} with Formulas > Name Manager (the tables moved there), then refresh again",
            f"the tables the refresh wrote at {written.ref} are now at {moved.ref} "
            "(rows or columns inserted or deleted by a tool that does not move defined names)",
        )
    away = any(current.get(r) == marks[p] for p in lost for r in current if not written.r0 <= r <= written.r1)
    if not foreign and not away:
        return written  # rows cleared by the user
    shown = ", ".join(
        f"{quote_sheet(written.sheet)}!{CellRange(written.sheet, r, written.c0, r, written.c1).a1}"
        for r in foreign[:SHOWN_ROWS]
    ) + (", ..." if len(foreign) > SHOWN_ROWS else "")
    if foreign:
        return _refuse_foreign(name, old, written, foreign, shown, error)
    raise error(
        f"defined name {name}",
        old.ref,
        f"move the tables back to {written.ref} (or undo the change), or clear the rows they moved to, "
        "then refresh again",
        f"rows the refresh wrote in {written.ref} were moved out of it",
    )


def _refuse_foreign(
    name: str, old: CellRange, written: CellRange, foreign: list[int], shown: str, error: type[AlfaInputError]
) -> CellRange:
    n = len(foreign)
    raise error(
        f"defined name {name}",
        old.ref,
        f"undo the change that put it there, or move that content out of {written.ref} and clear the rest of "
        f"{'those rows' if n != 1 else 'that row'} there (the refresh writes them again), then refresh again",
        f"{n} row{'s' if n != 1 else ''} of the area the refresh wrote now hold{'s' if n == 1 else ''} "
        f"other content (rows inserted or cells typed over): {shown}",
    )
