"""The Scenarios sheet: the status line ``out_status`` and the refresh-owned ``out_scenarios``
as built (comparison, one projection and one gap table per scenario)."""

from __future__ import annotations

from typing import Any

from alfa_xl.book.layout import (
    STATUS_ANCHOR,
    STATUS_NAME,
    STATUS_SHEET,
    OwnedArea,
    owned_area,
    written_anchor_name,
    written_name,
    written_record,
)
from alfa_xl.book.moved import rows_name, rows_record
from alfa_xl.book.sheets.base import Context, define, define_hidden, new_sheet, status_fmt
from alfa_xl.book.xlsx import split_ref

AREA = owned_area("out_scenarios")
SHEET = AREA.sheet
#: The status cell (``out_status``), as the contract places it.
STATUS_CELL = split_ref(STATUS_ANCHOR)
if STATUS_SHEET != SHEET:  # pragma: no cover - contract guard
    raise RuntimeError("the contract puts out_status on another sheet: update alfa_xl.book.sheets.scenarios")


def write(ctx: Context, grid: list[list[Any]], roles: list[list[str | None]]) -> None:
    """The Scenarios sheet with the output ``grid`` (display ``roles``) at the area's anchor."""
    f = ctx.f
    width = len(grid[0])
    ws = new_sheet(ctx, SHEET, {0: 13, **{j: 17 for j in range(1, max(width, 12))}})
    ws.write(0, 0, "Scenarios: comparison, projection and gap per scenario", f.title())
    ws.write(
        1,
        0,
        "Written by the refresh (button Refresh scenarios, or alfa-xl refresh) from the Inputs "
        "sheet. Do not type in the grey area:",
        f.subtitle(),
    )
    ws.write(
        2,
        0,
        "the next refresh clears it and writes the new tables; the name out_scenarios always "
        "covers the area last written.",
        f.subtitle(),
    )
    ws.write(3, 0, "Units a year; shares and growth rates in %; gap = target - projection.", f.subtitle())
    r, c = STATUS_CELL
    ws.write(r, c - 1, "Last refresh", f.get(bold=True))
    ws.write_string(r, c, ctx.status, status_fmt(f))
    define(ctx, STATUS_NAME, SHEET, r, c)
    write_owned(ctx, ws, AREA, grid, roles)


def write_owned(ctx: Context, ws, area: OwnedArea, grid: list[list[Any]], roles: list[list[str | None]]) -> None:
    """Write an owned area's ``grid`` at its anchor, in the output formats, and define its name."""
    r0, c0 = split_ref(area.anchor)
    for i, (row, rrow) in enumerate(zip(grid, roles)):
        for j, (v, role) in enumerate(zip(row, rrow)):
            if role is None and v is None:
                continue
            fmt = ctx.f.output(role or "text")
            if v is None:
                ws.write_blank(r0 + i, c0 + j, None, fmt)
            elif isinstance(v, str):
                ws.write_string(r0 + i, c0 + j, v, fmt)
            elif isinstance(v, bool):
                ws.write_boolean(r0 + i, c0 + j, v, fmt)
            else:
                ws.write_number(r0 + i, c0 + j, v, fmt)
    define(ctx, area.name, ws.name, r0, c0, r0 + len(grid) - 1, c0 + len(grid[0]) - 1)
    define_hidden(ctx, written_name(area.name), written_record(len(grid), len(grid[0])))
    define(ctx, written_anchor_name(area.name), ws.name, r0, c0, hidden=True)
    record = rows_record(grid)
    if record is not None:
        define_hidden(ctx, rows_name(area.name), record)
