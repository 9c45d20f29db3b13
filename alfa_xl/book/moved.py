"""What the refresh last wrote in an owned area, row by row, and the check that it is
still there before the area is cleared.

The record is one short mark per row written (a hash of the row's values, ``-`` for an
empty row), kept in the hidden defined name :func:`rows_name` beside the size and the
top-left cell (:mod:`alfa_xl.book.owned`). Before clearing, the rows found in the area are
compared with the record (:func:`trusted_rectangle`):

* every non-empty row is a recorded row, in the recorded order (empty rows may have been
  inserted, rows may have been cleared): the cells are the refresh's own and are cleared;
* the owned name was moved or stretched with inserted rows (Excel and LibreOffice move
  names, openpyxl does not) and holds all the recorded rows: the name's rectangle is the
  refresh's own;
* the recorded rows are found elsewhere on the sheet (rows inserted or deleted by a tool
  that moved the cells but not the names): refused, with the rectangle they moved to and
  the owned name to point there (following it passes the rule above);
* any other content: refused, naming the rows that differ.

Values are compared as written (numbers to 12 significant digits, so a value read back
through Excel compares equal; text through :func:`alfa_xl.book.text.cell_text`), by the
headless refresh and by the Excel macro alike.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from alfa_xl.book.text import cell_text
from alfa_xl.book.xlsx import CellRange, quote_sheet
from alfa_xl.errors import AlfaInputError

__all__ = ["rows_name", "row_mark", "grid_marks", "rows_record", "parse_rows_record", "trusted_rectangle", "BLANK"]

#: The mark of an empty row.
BLANK = "-"
#: Longest record kept (a defined name's formula is at most 8,192 characters in Excel):
#: an area of more rows is checked by its size only.
MAX_RECORD = 8000
#: Rows named in a refusal.
SHOWN_ROWS = 4
_EPOCH = _dt.datetime(1899, 12, 30)
_CHUNK = 250  # Excel's string constants hold at most 255 characters


def rows_name(name: str) -> str:
    """The hidden defined name holding the row marks of what was last written in ``name``."""
    return f"_written_rows_{name}"


def _canon(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, _dt.datetime):
        value = (value - _EPOCH).total_seconds() / 86400
    if isinstance(value, (int, float)):
        x = float(value)
        # rounded to 15 significant digits first, as LibreOffice and Excel write numbers, so a
        # value whose 13th digit is a 5 marks the same before and after another writer saved it
        return f"n{float(f'{x:.15g}'):.12g}" if math.isfinite(x) else None
    text = cell_text(str(value))
    return "s" + text if text else None


def row_mark(cells: Iterable[tuple[int, Any]]) -> str:
    """The mark of one row from ``(column offset, value)`` pairs; :data:`BLANK` when empty."""
    parts = [f"{j}:{c}" for j, c in sorted((j, _canon(v)) for j, v in cells if _canon(v) is not None)]
    if not parts:
        return BLANK
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()


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


def _match(rows: Iterable[int], marks: list[str], current: Mapping[int, str]) -> tuple[list[int], set[int]]:
    """Walk ``rows`` against the recorded ``marks`` in order: the rows that are no recorded
    row (foreign) and the indices of the recorded rows found."""
    where: dict[str, list[int]] = {}
    for p, m in enumerate(marks):
        where.setdefault(m, []).append(p)
    i, foreign, found = 0, [], set()
    for r in rows:
        m = current.get(r, BLANK)
        if m == BLANK:
            continue
        j = next((p for p in where.get(m, ()) if p >= i), None)
        if j is None:
            foreign.append(r)
            continue
        found.add(j)
        i = j + 1
    return foreign, found


def _moved_to(marks: list[str], written: CellRange, current: Mapping[int, str]) -> CellRange | None:
    """The rows where every recorded row is found again, in order, with only empty rows
    between them (the tables shifted, or opened up by inserted rows); ``None`` when nowhere
    else than where they were written."""
    needed = [(p, m) for p, m in enumerate(marks) if m != BLANK]
    if not needed:
        return None
    first, last = needed[0][0], needed[-1][0]
    for r in sorted(x for x, m in current.items() if m == needed[0][1]):
        at, row = 1, r + 1
        while at < len(needed) and row <= r + 2 * len(marks):  # at most as many inserted rows as recorded ones
            m = current.get(row, BLANK)
            if m == needed[at][1]:
                at += 1
            elif m != BLANK:
                break
            row += 1
        if at == len(needed):
            top, bottom = r - first, row - 1 + (len(marks) - 1 - last)
            if top >= 0 and (top, bottom) != (written.r0, written.r1):
                return CellRange(written.sheet, top, written.c0, bottom, written.c1)
    return None


def trusted_rectangle(
    name: str,
    old: CellRange,
    written: CellRange,
    marks: list[str],
    current: Mapping[int, str],
    error: type[AlfaInputError],
) -> CellRange:
    """The rectangle whose cells are the refresh's own (see the module docstring).

    ``old`` is the owned name's rectangle, ``written`` the one recorded, ``marks`` the
    recorded row marks and ``current`` the mark of each non-empty row of the sheet in the
    recorded columns. Raises ``error`` naming what moved and the fix.
    """
    needed = {p for p, m in enumerate(marks) if m != BLANK}
    if old.r0 != written.r0 or old.r1 != written.r1:  # the name moved or stretched: does it hold the tables?
        foreign, found = _match(range(old.r0, old.r1 + 1), marks, current)
        if not foreign and found >= needed:
            return CellRange(old.sheet, old.r0, written.c0, old.r1, written.c1)
    foreign, found = _match(range(written.r0, written.r1 + 1), marks, current)
    lost = needed - found
    away = any(current.get(r) == marks[p] for p in lost for r in current if not written.r0 <= r <= written.r1)
    if not foreign and not away:
        return written
    moved = _moved_to(marks, written, current)
    if moved is not None:
        raise error(
            f"defined name {name}",
            old.ref,
            f"point {name} at {moved.ref} with Formulas > Name Manager (the tables moved there), then refresh again",
            f"the tables the refresh wrote at {written.ref} are now at {moved.ref} "
            "(rows inserted or deleted by a tool that does not move defined names)",
        )
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
