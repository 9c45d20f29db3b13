"""The Facts sheet: sourced facts and the yearly history (green), and the names
``data_base_year`` and ``data_base_units`` of the latest actual."""

from __future__ import annotations

from alfa_xl.book.sheets.base import BookLayout, Context, define, new_sheet
from alfa_xl.model.data.sources import facts

SHEET = "Facts"


def history_rows(layout: BookLayout, hist) -> list[tuple[int, float, int]]:
    """``(year, units, row)`` of each history year on the Facts sheet: the Projection
    sheet's chart links to them and is written before the Facts sheet."""
    r = layout.history_first(len(facts()))
    return [(int(y), float(u), r + i) for i, (y, u) in enumerate(zip(hist["year"], hist["units"]))]


def write(ctx: Context) -> None:
    """The Facts sheet."""
    f = ctx.f
    ws = new_sheet(ctx, SHEET, {0: 26, 1: 12, 2: 9, 3: 9, 4: 60, 5: 70})
    ws.write(0, 0, "Facts and history (sourced data)", f.title())
    ws.write(
        1,
        0,
        "Green cells are sourced data: each row names its source. The refresh and the checks "
        "read the latest actual year from here.",
        f.subtitle(),
    )
    r = ctx.layout.facts_first
    ws.write(r - 2, 0, "Facts", f.section())
    ws.write_row(r - 1, 0, ["Key", "Value", "Unit", "As of", "Source", "Note"], f.header())
    for row in facts().itertuples(index=False):
        fmt = "0.0%" if row.unit == "share" else "#,##0"
        ws.write(r, 0, row.key, f.label())
        ws.write_number(r, 1, float(row.value), f.data(fmt))
        ws.write(r, 2, row.unit, f.note())
        ws.write(r, 3, row.as_of, f.note())
        ws.write(r, 4, row.source, f.note())
        ws.write(r, 5, row.note, f.note())
        r += 1
    r += 1
    ws.write(r, 0, "History: Alfa Romeo worldwide sales a year", f.section())
    r += 1
    ws.write_row(r, 0, ["Year", "Units", "Kind", "", "Source", "Note"], f.header())
    r += 1
    rows = []
    for row in ctx.hist.itertuples(index=False):
        ws.write_number(r, 0, int(row.year), f.data("0", align="left"))
        ws.write_number(r, 1, float(row.units), f.data("#,##0"))
        ws.write(r, 2, row.kind, f.note())
        ws.write(r, 4, row.source, f.note())
        ws.write(r, 5, row.note, f.note())
        rows.append((int(row.year), float(row.units), r))
        r += 1
    if rows != ctx.history_rows:  # pragma: no cover - layout guard
        raise RuntimeError("Facts history rows moved: update BookLayout.history_first")
    define(ctx, "data_base_year", SHEET, rows[-1][2], 0)
    define(ctx, "data_base_units", SHEET, rows[-1][2], 1)
