"""Where a refresh may write: the rules both refreshes (the macro in Excel and ``alfa-xl
refresh``) apply before the first write.

* An owned name (``out_scenarios``, ``out_risk``) must refer to cells on its own sheet of
  the contract, and ``out_status`` to a cell on Scenarios; otherwise the refresh is
  refused, whatever the name says.
* The rectangle written (the top-left cell of the name, the size of the new tables) and the
  rectangle last written must not overlap another owned area, the status cell or an
  input (an ``in_*`` name or the lineup table).
* An area never clears or writes over a non-empty cell outside the rectangle it wrote
  last time: the refresh is refused and the message names those cells (the user moves or
  clears them). Inside that rectangle every cell is the refresh's own. It is recorded in
  two hidden defined names, its top-left cell (:func:`~alfa_xl.book.layout.written_anchor_name`)
  and its size (:func:`~alfa_xl.book.layout.written_name`), not taken from the editable
  owned name: a name enlarged by hand covers cells the refresh never wrote, and they are
  refused, not erased. A workbook without the record (built before it existed) trusts its
  owned name once; the refresh then records it.
* A protected sheet (Review > Protect Sheet) is not written into: refused, with how to
  unprotect it for the refresh.
* Inside that rectangle, the rows must still be the ones the refresh wrote (a mark per row,
  :mod:`alfa_xl.book.moved`): rows or columns inserted by a tool that moves cells but not
  names, or cells typed over, stop the refresh with what moved and where to point the name.

Each rule raises :class:`OwnedAreaError` with one line naming the defined name and the fix.
Both refreshes plan with one function, :func:`plan`, over an :class:`AreaSource`: the file
(:class:`FileAreas`) or the open book in Excel (``XlwingsAreas`` in
:mod:`alfa_xl.excel.macros`), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.layout import (
    INPUTS,
    LINEUP_TABLE,
    OWNED_AREAS,
    STATUS_ANCHOR,
    STATUS_NAME,
    STATUS_SHEET,
    BookInputs,
    OwnedArea,
    parse_written,
    written_anchor_name,
    written_name,
)
from alfa_xl.book.moved import parse_rows_record, rows_name, trusted_rectangle
from alfa_xl.book.xlsx import MAX_COL, MAX_ROW, CellRange
from alfa_xl.errors import AlfaInputError

__all__ = [
    "OwnedAreaError",
    "AreaPlan",
    "Plan",
    "AreaSource",
    "FileAreas",
    "new_extent",
    "check_sheet",
    "check_overlaps",
    "check_growth",
    "plan",
    "plan_areas",
    "protected_fix",
]

#: Cells named in a refusal (the count is always given).
SHOWN_CELLS = 6


class OwnedAreaError(AlfaInputError):
    """An owned name that would make a refresh write outside what it owns."""


@dataclass(frozen=True)
class AreaPlan:
    """One owned area: the rectangle its name covers, the one to write, and what goes in
    it; ``written`` is the rectangle recorded as written last time."""

    area: OwnedArea
    old: CellRange
    new: CellRange
    grid: list[list[Any]]
    roles: list[list[str | None]]
    written: CellRange | None = None

    @property
    def cleared(self) -> list[CellRange]:
        """Every rectangle cleared before the new one is written."""
        return [self.old, self.new] + ([self.written] if self.written is not None and self.written != self.old else [])


@dataclass(frozen=True)
class Plan:
    areas: list[AreaPlan]
    status: CellRange | None


def protected_fix(sheet: str) -> str:
    """What to do about a protected sheet the refresh writes into."""
    return f"unprotect {sheet} (Review > Unprotect Sheet), refresh, then protect it again"


def _name_fix(name: str, sheet: str, anchor: str) -> str:
    return f"point {name} at {sheet}!${anchor[0]}${anchor[1:]} with Formulas > Name Manager, or rebuild the workbook"


def check_sheet(name: str, rng: CellRange, sheet: str, anchor: str) -> None:
    """An owned name must be on its own sheet (its name compared as Excel does, case ignored)."""
    if rng.sheet.casefold() != sheet.casefold():
        raise OwnedAreaError(
            f"defined name {name}", rng.ref, _name_fix(name, sheet, anchor), f"on sheet {rng.sheet}, not on {sheet}"
        )


def new_extent(name: str, old: CellRange, grid: list[list[Any]]) -> CellRange:
    """The rectangle ``grid`` fills from ``old``'s top-left cell (checked against Excel's grid)."""
    height, width = max(len(grid), 1), max((len(r) for r in grid), default=1)
    new = CellRange(old.sheet, old.r0, old.c0, old.r0 + height - 1, old.c0 + width - 1)
    if new.r1 > MAX_ROW or new.c1 > MAX_COL:
        raise OwnedAreaError(
            f"defined name {name}",
            old.ref,
            "move its top-left cell up and to the left",
            "the new tables would go past the last row or column",
        )
    return new


def check_overlaps(owned: list[tuple[str, CellRange]], protected: list[tuple[str, CellRange]]) -> None:
    """No owned rectangle may overlap another one or a protected range (inputs, status cell)."""
    for i, (name, rng) in enumerate(owned):
        for other, orng in owned[i + 1 :] + protected:
            if other != name and rng.overlaps(orng):
                raise OwnedAreaError(
                    f"defined name {name}",
                    rng.ref,
                    f"point {name} at its own sheet's free area (Formulas > Name Manager), away from {other}, "
                    "or rebuild the workbook",
                    f"overlaps {other} ({orng.ref})",
                )


def check_growth(
    name: str, old: CellRange, new: CellRange, filled: Iterable[tuple[int, int]], written: CellRange | None = None
) -> None:
    """Refuse when ``new`` covers non-empty cells (``filled``, 0-based) outside ``old``, the
    rectangle written last time. With ``written`` (the recorded one), ``old`` is the owned
    name's rectangle: cells it or ``new`` covers outside ``written`` are refused."""
    covered, own = ([new], old) if written is None else ([new, old], written)
    hit = sorted((r, c) for r, c in filled if any(x.contains(r, c) for x in covered) and not own.contains(r, c))
    if hit:
        cells = ", ".join(CellRange(new.sheet, r, c, r, c).at() for r, c in hit[:SHOWN_CELLS]) + (
            ", ..." if len(hit) > SHOWN_CELLS else ""
        )
        what = (
            "the new tables would cover"
            if written is None or not any(old.contains(r, c) for r, c in hit)
            else "the name and the new tables cover"
        )
        raise OwnedAreaError(
            f"defined name {name}",
            new.ref if written is None else old.ref,
            (
                "move or clear those cells (the area grows down and to the right from its top-left "
                "cell), then refresh again"
                if written is None
                else f"point {name} back at {written.ref} (Formulas > Name Manager), or move or clear those "
                "cells, then refresh again"
            ),
            f"{what} {len(hit)} non-empty cell{'s' if len(hit) != 1 else ''} it did not write: {cells}",
        )


class AreaSource(Protocol):
    """What the planner reads from a workbook: the file (:class:`FileAreas`, ``alfa-xl
    refresh``) or the open book in Excel (``XlwingsAreas`` in :mod:`alfa_xl.excel.macros`).
    Each says a missing or broken name in its own words; the rules are :func:`plan`'s."""

    def owned(self, name: str, required: bool, fix: str) -> CellRange | None:
        """The rectangle of an owned name or of the status cell; ``None`` when the book
        does not define it and it is not ``required``."""

    def recorded(self, area: OwnedArea, old: CellRange) -> CellRange | None:
        """The rectangle recorded as written last time (:func:`recorded_rectangle`)."""

    def protected(self, sheet: str) -> bool:
        """Whether the sheet's cells are locked against editing (Review > Protect Sheet)."""

    def input_range(self, name: str) -> CellRange | None:
        """The rectangle of an input name, ``None`` when the book has no usable one."""

    def table(self, name: str) -> CellRange | None:
        """The rectangle of an Excel table, ``None`` when the book has none by that name."""

    def trusted(self, area: OwnedArea, old: CellRange, written: CellRange) -> CellRange:
        """The rectangle whose rows are the ones the last refresh wrote
        (:func:`alfa_xl.book.moved.trusted_rectangle` over the recorded row marks);
        ``written`` itself when the book has no readable record of them."""

    def filled(self, name: str, old: CellRange, new: CellRange) -> Iterable[tuple[int, int]]:
        """The non-empty cells (0-based) of the sheet of owned name ``name``, at least
        those its rectangle ``old`` and the new one ``new`` cover."""


def plan(source: AreaSource, inputs: BookInputs) -> Plan:
    """Every owned area of a workbook, computed and checked against the rules above: the
    one planner of the headless refresh and of the Excel macro."""
    planned: list[AreaPlan] = []
    for area in OWNED_AREAS:
        old = source.owned(area.name, area.required, _name_fix(area.name, area.sheet, area.anchor))
        if old is None:
            continue  # an optional area this workbook does not have
        check_sheet(area.name, old, area.sheet, area.anchor)
        written = source.recorded(area, old)
        grid, roles = area.grid(inputs)
        planned.append(AreaPlan(area, old, new_extent(area.name, old, grid), grid, roles, written))
    status = None
    rng = source.owned(STATUS_NAME, False, _name_fix(STATUS_NAME, STATUS_SHEET, STATUS_ANCHOR))
    if rng is not None:
        check_sheet(STATUS_NAME, rng, STATUS_SHEET, STATUS_ANCHOR)
        status = CellRange(rng.sheet, rng.r0, rng.c0, rng.r0, rng.c0)
    for sheet in sorted({p.old.sheet for p in planned} | ({status.sheet} if status else set())):
        if source.protected(sheet):
            raise OwnedAreaError(
                f"sheet {sheet}", None, protected_fix(sheet), "protected: the refresh would write into its locked cells"
            )
    protected = [(STATUS_NAME, status)] if status else []
    protected += [(i.name, r) for i in INPUTS for r in [source.input_range(i.name)] if r is not None]
    table = source.table(LINEUP_TABLE)
    if table is not None:
        protected.append((LINEUP_TABLE, table))
    for i, p in enumerate(planned):
        if p.written is not None:
            planned[i] = replace(p, written=source.trusted(p.area, p.old, p.written))
    owned = [(p.area.name, p.new) for p in planned] + [(p.area.name, p.old) for p in planned]
    owned += [(p.area.name, p.written) for p in planned if p.written is not None]
    check_overlaps(owned, protected)
    for p in planned:
        check_growth(p.area.name, p.old, p.new, source.filled(p.area.name, p.old, p.new), p.written)
    return Plan(planned, status)


class FileAreas:
    """:class:`AreaSource` over a workbook file (the headless refresh)."""

    def __init__(self, book: BookFile):
        self.book = book
        self._filled: dict[str, dict[tuple[int, int], Any]] = {}

    def owned(self, name: str, required: bool, fix: str) -> CellRange | None:
        if name not in self.book.names and not required:
            return None
        return self.book.resolve(name, OwnedAreaError, fix, fix if name != STATUS_NAME else "")

    def recorded(self, area: OwnedArea, old: CellRange) -> CellRange | None:
        return _written(self.book, area, old)

    def protected(self, sheet: str) -> bool:
        return self.book.protected(sheet)

    def input_range(self, name: str) -> CellRange | None:
        return _quiet(self.book, name) if name in self.book.names else None

    def table(self, name: str) -> CellRange | None:
        found = self.book.table(name)
        return None if found is None else found.ref

    def trusted(self, area: OwnedArea, old: CellRange, written: CellRange) -> CellRange:
        marks = _marks(self.book, area)
        if marks is None or len(marks) != written.r1 - written.r0 + 1:
            return written  # no readable record: the size alone is trusted, as before the marks existed
        return trusted_rectangle(area.name, old, written, marks, self._cells(old.sheet), OwnedAreaError)

    def filled(self, name: str, old: CellRange, new: CellRange) -> Iterable[tuple[int, int]]:
        return self._cells(old.sheet)

    def _cells(self, sheet: str) -> dict[tuple[int, int], Any]:
        """The sheet's non-empty cells and their values (a formula's text where no value is cached), read once."""
        if sheet not in self._filled:
            self._filled[sheet] = {
                at: (c.value if c.value is not None else "=" + str(c.formula))
                for at, c in self.book.cells(sheet).items()
            }
        return self._filled[sheet]


def plan_areas(book: BookFile, inputs: BookInputs) -> Plan:
    """Every owned area of a workbook file (:func:`plan` over :class:`FileAreas`)."""
    return plan(FileAreas(book), inputs)


def _marks(book: BookFile, area: OwnedArea) -> list[str] | None:
    """The recorded row marks of ``area`` (``None`` without a readable record: the size is then trusted alone)."""
    text = book.names.get(rows_name(area.name))
    return None if text is None else parse_rows_record(text)


def _written(book: BookFile, area: OwnedArea, old: CellRange) -> CellRange | None:
    """The rectangle recorded as written last time for ``area`` in a workbook file."""
    name = written_name(area.name)
    if name not in book.names:
        return None
    fix = recorded_fix(area.name)
    anchor = (
        book.resolve(written_anchor_name(area.name), OwnedAreaError, fix, fix)
        if written_anchor_name(area.name) in book.names
        else None
    )
    return recorded_rectangle(area, book.names[name], anchor, old)


def recorded_fix(area_name: str) -> str:
    """What to do about a damaged record of what the refresh wrote."""
    return (
        "rebuild the workbook with alfa-xl build-workbook (the hidden name "
        f"{written_name(area_name)} records the size the refresh wrote)"
    )


def recorded_rectangle(area: OwnedArea, size_text: str, anchor: CellRange | None, old: CellRange) -> CellRange:
    """The rectangle the last refresh (or the build) recorded for ``area``: the size in
    ``size_text`` (the hidden :func:`written_name`) from ``anchor`` (the hidden
    :func:`written_anchor_name`), or from the owned name's own top-left cell ``old`` when the
    anchor is not recorded. The one rule for the headless refresh and the Excel macro."""
    name, fix = written_name(area.name), recorded_fix(area.name)
    size = parse_written(str(size_text))
    if size is None:
        raise OwnedAreaError(f"defined name {name}", size_text, fix, 'not a size "ROWSxCOLUMNS"')
    at = old if anchor is None else anchor
    if at.sheet.casefold() != area.sheet.casefold():
        raise OwnedAreaError(
            f"defined name {written_anchor_name(area.name)}", at.ref, fix, f"on sheet {at.sheet}, not on {area.sheet}"
        )
    written = CellRange(at.sheet, at.r0, at.c0, at.r0 + size[0] - 1, at.c0 + size[1] - 1)
    if written.r1 > MAX_ROW or written.c1 > MAX_COL:
        raise OwnedAreaError(f"defined name {name}", size_text, fix, "goes past the last row or column")
    return written


def _quiet(book: BookFile, name: str) -> CellRange | None:
    try:
        return book.resolve(name, OwnedAreaError, "", "")
    except OwnedAreaError:
        return None
