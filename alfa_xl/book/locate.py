"""Where the rows an owned area last wrote are now: one search over a grid of values, run
by the headless refresh (over the sheet's cells) and by the Excel macro (over the values
it reads from the sheet's used range) alike.

The record (:mod:`alfa_xl.book.moved`) is a mark per row written, a hash of the row's
``(column offset, value)`` pairs. A *layout* says which sheet column holds each recorded
column ``0..w-1`` (increasing). Under a layout, a sheet row's mark is the mark of its
cells in those columns; a row with a non-empty cell between the layout's first and last
column that is none of them gets :data:`STRAY`, which matches no recorded row (content
typed into inserted columns is never taken for the tables).

:func:`locate` tries, in this order, and returns the first rectangle found that is not
the one recorded:

1. the recorded columns (rows inserted or deleted above or inside the area);
2. the recorded columns shifted as a whole, to every left column where a window on the
   recorded rows (or the owned name's) has the first recorded row's mark: columns inserted
   or deleted to the left (they do not move rows), rows moved as well by less than the
   area's height;
3. the recorded columns split once by a run of columns empty on the recorded rows, the
   right part moved right by any length up to that run (columns inserted inside the area).

Under each layout the rows are found as in the row rule: every recorded non-empty row,
in order, with only empty rows between them.

Cost, bounded: the grid searched is at most :data:`SEARCH_CELLS` cells (the sheet's used
range, cut by :func:`search_region` to a band around the recorded rectangle when larger);
the layouts are chosen from the recorded rows alone (step 2 hashes at most ``w`` windows
per non-empty cell of those rows, one per start column whose first cell it is); at most
:data:`MAX_LAYOUTS` are tried, each one pass over the grid's rows, in the columns the
layouts span only, plus, per row holding the first recorded mark, a walk of at most twice
the record's length; a value is made canonical only when a mark needs it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from alfa_xl.book.text import cell_text
from alfa_xl.book.xlsx import MAX_COL, MAX_ROW, CellRange

__all__ = ["BLANK", "STRAY", "SEARCH_CELLS", "MAX_LAYOUTS", "Grid", "canon", "mark_of", "locate", "search_region"]

#: The mark of an empty row.
BLANK = "-"
#: The mark of a row with content between a layout's columns (never a recorded mark).
STRAY = "!"
#: Most cells searched (a million: about a second to read through Excel, and 100 MB at most here).
SEARCH_CELLS = 1_000_000
#: Widest band of columns searched when the used range is wider.
SEARCH_COLUMNS = 512
#: Most column layouts tried by one search or one check of a stretched name.
MAX_LAYOUTS = 64
_EPOCH = _dt.datetime(1899, 12, 30)

Layout = tuple[int, ...]


def canon(value: Any) -> str | None:
    """A cell's value as the marks compare it: numbers to 12 significant digits, text as
    :func:`~alfa_xl.book.text.cell_text` reads it; ``None`` for an empty cell."""
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


def mark_of(parts: Iterable[tuple[int, str]]) -> str:
    """The mark of a row from ``(column offset, canonical value)`` pairs in offset order."""
    joined = "\x1f".join(f"{j}:{c}" for j, c in parts)
    if not joined:
        return BLANK
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()


_UNSET: Any = object()
_first = itemgetter(0)


class Grid:
    """The cells of a sheet inside ``region``, by row and in column order; each value made
    canonical (:func:`canon`) the first time a mark needs it."""

    def __init__(self, cells: Mapping[tuple[int, int], Any], region: CellRange | None = None) -> None:
        r0, c0, r1, c1 = (0, 0, MAX_ROW, MAX_COL) if region is None else (region.r0, region.c0, region.r1, region.c1)
        rows: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), value in cells.items():
            if r0 <= r <= r1 and c0 <= c <= c1 and value is not None:
                if r in rows:
                    rows[r].append((c, value))
                else:
                    rows[r] = [(c, value)]
        self.cols: dict[int, list[int]] = {}
        self._values: dict[int, list[Any]] = {}
        self._keys: dict[int, list[Any]] = {}
        for r, row in rows.items():
            row.sort(key=_first)  # one cell per column: the values are never compared
            self.cols[r], self._values[r] = [c for c, _ in row], [v for _, v in row]
            self._keys[r] = [_UNSET] * len(row)

    def _key(self, r: int, i: int) -> str | None:
        keys = self._keys[r]
        if keys[i] is _UNSET:
            keys[i] = canon(self._values[r][i])
        return keys[i]

    def _filled(self, r: int, lo: int = 0, hi: int | None = None) -> list[tuple[int, str]]:
        """Row ``r``'s non-empty cells ``(column, canonical value)`` from index ``lo`` to ``hi``."""
        cols = self.cols[r]
        return [(cols[i], k) for i in range(lo, len(cols) if hi is None else hi) if (k := self._key(r, i)) is not None]

    def marks(self, layout: Layout) -> dict[int, str]:
        """The mark of every row with a value between the layout's first and last column."""
        left, right = layout[0], layout[-1]
        offset = {c: j for j, c in enumerate(layout)}
        out: dict[int, str] = {}
        for r, cols in self.cols.items():
            lo, hi = bisect_left(cols, left), bisect_right(cols, right)
            parts = [(offset.get(c, -1), k) for c, k in self._filled(r, lo, hi)]
            if parts:
                out[r] = STRAY if any(j < 0 for j, _ in parts) else mark_of(parts)
        return out

    def used_columns(self, r0: int, r1: int) -> set[int]:
        """The columns holding a value on rows ``r0..r1``."""
        return {c for r in self.cols if r0 <= r <= r1 for c, _ in self._filled(r)}

    def lefts(self, first: str, width: int, r0: int, r1: int) -> set[int]:
        """Every left column where a window of ``width`` columns on rows ``r0..r1`` has the
        mark ``first``: per cell, the windows whose first cell it is (at most ``width``)."""
        found: set[int] = set()
        for r in [x for x in self.cols if r0 <= x <= r1]:
            row = self._filled(r)
            cols, prev = [c for c, _ in row], -1
            for i, c in enumerate(cols):
                for left in range(max(prev + 1, c - width + 1, 0), c + 1):
                    hi = bisect_right(cols, left + width - 1, lo=i)
                    if mark_of((cc - left, k) for cc, k in row[i:hi]) == first:
                        found.add(left)
                prev = c
        return found


def _band(lo: int, hi: int, keep_lo: int, keep_hi: int, size: int) -> tuple[int, int]:
    """At most ``size`` (or the kept span) of ``lo..hi`` around ``keep_lo..keep_hi``."""
    if hi - lo + 1 <= size:
        return lo, hi
    spare = max(0, size - (keep_hi - keep_lo + 1))
    a = max(lo, keep_lo - spare // 2)
    b = min(hi, max(keep_hi, a + size - 1))
    return max(lo, min(a, b - size + 1)), b


def search_region(old: CellRange, written: CellRange, used: CellRange | None) -> CellRange:
    """The rectangle searched for moved tables: the used range (with the owned name's and
    the recorded rectangles), cut to :data:`SEARCH_COLUMNS` columns and then to
    :data:`SEARCH_CELLS` cells in a band centred on those two rectangles."""
    r0, r1 = min(old.r0, written.r0), max(old.r1, written.r1)
    keep = CellRange(written.sheet, r0, min(old.c0, written.c0), r1, max(old.c1, written.c1))
    box = (
        keep
        if used is None
        else CellRange(
            written.sheet, min(keep.r0, used.r0), min(keep.c0, used.c0), max(keep.r1, used.r1), max(keep.c1, used.c1)
        )
    )
    c0, c1 = _band(box.c0, box.c1, keep.c0, keep.c1, SEARCH_COLUMNS)
    r0, r1 = _band(box.r0, box.r1, keep.r0, keep.r1, max(1, SEARCH_CELLS // (c1 - c0 + 1)))
    return CellRange(written.sheet, r0, c0, r1, c1)


def used_box(cells: Iterable[tuple[int, int]], sheet: str) -> CellRange | None:
    """The smallest rectangle holding ``cells`` (``None`` when there are none)."""
    at = list(cells)
    if not at:
        return None
    rs, cs = [r for r, _ in at], [c for _, c in at]
    return CellRange(sheet, min(rs), min(cs), max(rs), max(cs))


def drop_layouts(rect: CellRange, width: int, grid: Grid) -> Iterator[Layout]:
    """The layouts of ``width`` columns inside ``rect`` that leave out only columns empty on
    ``rect``'s rows: a name stretched over inserted empty columns, or enlarged over empty ones."""
    extra = rect.c1 - rect.c0 + 1 - width
    if extra < 0:
        return
    used = grid.used_columns(rect.r0, rect.r1)
    runs: list[list[int]] = []
    for c in range(rect.c0, rect.c1 + 1):
        if c in used:
            continue
        if runs and runs[-1][-1] == c - 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    if sum(len(run) for run in runs) < extra:
        return
    for count, drops in enumerate(_spread(extra, [len(run) for run in runs]), 1):
        dropped = {c for run, d in zip(runs, drops, strict=True) for c in run[:d]}
        yield tuple(c for c in range(rect.c0, rect.c1 + 1) if c not in dropped)
        if count >= MAX_LAYOUTS:
            return


def _spread(total: int, sizes: list[int]) -> Iterator[list[int]]:
    """Every way to take ``total`` from bins of ``sizes`` (how many inserted columns each
    empty run holds; which columns of a run does not change any mark)."""
    if not sizes:
        if total == 0:
            yield []
        return
    rest = sum(sizes[1:])
    for d in range(max(0, total - rest), min(total, sizes[0]) + 1):
        for tail in _spread(total - d, sizes[1:]):
            yield [d, *tail]


def _layouts(marks: Sequence[str], written: CellRange, old: CellRange, grid: Grid) -> Iterator[Layout]:
    """The column layouts :func:`locate` tries, in its order (see the module docstring)."""
    width = written.c1 - written.c0 + 1
    yield tuple(range(written.c0, written.c1 + 1))
    first = next(m for m in marks if m != BLANK)
    r0, r1 = min(old.r0, written.r0), max(old.r1, written.r1)
    for left in sorted(grid.lefts(first, width, r0, r1) - {written.c0}, key=lambda x: (abs(x - written.c0), x)):
        yield tuple(range(left, left + width))
    used = grid.used_columns(r0, r1)
    last = max(used, default=written.c1)
    for s in range(1, width):
        at = written.c0 + s
        run = 0
        while at + run <= last and at + run not in used:
            run += 1
        for k in range(1, run + 1):
            yield tuple(range(written.c0, at)) + tuple(range(at + k, written.c1 + 1 + k))


def walk(marks: Sequence[str], rows: Iterable[int], current: Mapping[int, str]) -> tuple[list[int], set[int]]:
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


def _rows_at(marks: Sequence[str], current: Mapping[int, str]) -> Iterator[tuple[int, int]]:
    """Every ``(top, bottom)`` where each recorded row is found again, in order, with only
    empty rows between them (at most as many inserted rows as recorded ones)."""
    needed = [(p, m) for p, m in enumerate(marks) if m != BLANK]
    first, last = needed[0][0], needed[-1][0]
    for r in sorted(x for x, m in current.items() if m == needed[0][1]):
        at, row = 1, r + 1
        while at < len(needed) and row <= r + 2 * len(marks):
            m = current.get(row, BLANK)
            if m == needed[at][1]:
                at += 1
            elif m != BLANK:
                break
            row += 1
        if at == len(needed) and r - first >= 0:
            yield r - first, row - 1 + (len(marks) - 1 - last)


def locate(
    marks: Sequence[str], written: CellRange, old: CellRange, cells: Mapping[tuple[int, int], Any], region: CellRange
) -> tuple[CellRange | None, dict[int, str]]:
    """The rectangle the recorded rows moved to inside ``region`` (see the module
    docstring), ``None`` when they are found nowhere else than ``written``; and the mark of
    every row of ``region`` under the recorded columns. The layouts are chosen from the
    recorded rows first, so the grid of the whole region holds only the columns they span."""
    recorded = tuple(range(written.c0, written.c1 + 1))
    layouts = [recorded]
    if any(m != BLANK for m in marks):
        rows = CellRange(region.sheet, min(old.r0, written.r0), region.c0, max(old.r1, written.r1), region.c1)
        layouts = list(islice(_layouts(marks, written, old, Grid(cells, rows)), MAX_LAYOUTS + 1))
    span = CellRange(
        region.sheet,
        region.r0,
        max(region.c0, min(x[0] for x in layouts)),
        region.r1,
        min(region.c1, max(x[-1] for x in layouts)),
    )
    grid = Grid(cells, span)
    current = grid.marks(recorded)
    if len(layouts) == 1 and all(m == BLANK for m in marks):
        return None, current
    for n, layout in enumerate(layouts):
        here = current if n == 0 else grid.marks(layout)
        for top, bottom in _rows_at(marks, here):
            found = CellRange(written.sheet, top, layout[0], bottom, layout[-1])
            if found != written and bottom <= MAX_ROW and layout[-1] <= MAX_COL:  # a name must stay on the grid
                return found, current
    return None, current
