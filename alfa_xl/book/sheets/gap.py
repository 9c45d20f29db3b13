"""The Gap sheet: live ``=ALFA_GAP_TABLE()``, a native cross-check of the gap and the growth
required (one formula along each column) and the gap chart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy_financial as npf
from xlsxwriter.utility import xl_rowcol_to_cell

from alfa_xl.book.layout import LINEUP_TABLE, MAX_YEARS
from alfa_xl.book.sheets.base import (
    ROW_PX,
    TOLERANCE,
    Context,
    column_px,
    define_hidden,
    loaded_note,
    new_sheet,
    print_in_blocks,
    spill,
    units_axis,
)
from alfa_xl.book.sheets.projection import ProjectionResult
from alfa_xl.book.stored import array_constant, live_formula

SHEET = "Gap"
_FORMATS = {
    "Year": "0",
    "Share of target": "0.0%",
    "Growth required": "0.0%",
    "Years to target": "0.0",
    "Junior-equivalents": "0.0",
}
_HEADERS = [
    "Year",
    "Projection",
    "Target",
    "Gap",
    "Share of target",
    "Growth required (RATE)",
    "Growth required ((T/A)^(1/n)-1)",
    "Gap minus ALFA_GAP_TABLE",
]
#: Column of the native gap minus the live one (read by the Checks sheet).
DIFF_COL = _HEADERS.index("Gap minus ALFA_GAP_TABLE")


@dataclass(frozen=True)
class GapResult:
    """Rows of the native cross-check (0-based, inclusive) and whether it agrees with the live table."""

    first: int
    last: int
    live_gap_status: str


def write(ctx: Context, proj: ProjectionResult) -> GapResult:
    """The Gap sheet."""
    f = ctx.f
    inp = ctx.inputs
    lay = ctx.layout
    widths = {0: 10, **{j: 17 for j in range(1, 9)}}
    ws = new_sheet(ctx, SHEET, widths)
    # printed: the tables (columns A-J) on their pages, then the chart (from column K, 620 px) on its own
    print_in_blocks(ws, [(column_px(widths, 0, 9), 0), (620, 2 * ROW_PX + 330)], [10])
    ws.write(0, 0, "Gap to the target (live) and native Excel cross-checks", f.title())
    ws.write(
        1,
        0,
        "Gap = target - projection (positive = short of the target). Growth required compounds "
        "yearly from the latest actual.",
        f.subtitle(),
    )
    ws.write(3, 0, "Scenario", f.label())
    ws.write_formula(3, 1, "=in_scenario", f.calc(), inp.scenario)
    ws.write(3, 3, "Target", f.label())
    ws.write_formula(3, 4, "=in_target", f.calc("#,##0"), inp.target)
    table = ctx.live.gap_table(inp.target, inp.scenario, inp.start_year, inp.end_year)
    ws.write(lay.gap_table.row - 1, 0, "ALFA_GAP_TABLE: per-year gap metrics", f.section())
    fmts = [_FORMATS.get(c, "#,##0") for c in table[0]]
    define_hidden(ctx, "_stored_gap_table", array_constant(table))
    call = f"ALFA_GAP_TABLE(in_target,in_scenario,in_start_year,in_end_year,{LINEUP_TABLE}[#All])"
    spill(ctx, ws, lay.gap_table, live_formula(call, "_stored_gap_table"), table, fmts, len(table[0]))
    loaded_note(ctx, ws, 2, 0)

    # native cross-checks, one formula along each column
    r0 = lay.gap_native_header
    ws.write(
        r0 - 1, 0, "Native cross-check from the projection on the Projection sheet (Excel formulas only)", f.section()
    )
    ws.write_row(r0, 0, _HEADERS, f.header(text_wrap=True))
    ws.set_row(r0, 27)
    by_model = proj.by_model
    total_col = by_model[0].index("Total")
    last_col = 25  # column Z: room for the widest lineup
    proj_rows = lay.by_model.rows(last_col)
    proj_years = lay.by_model.rows(0)
    proj_head = lay.by_model.header(last_col)
    gap_col = table[0].index("Gap")
    diffs: list[float] = []
    rows = by_model[1:]
    for i in range(MAX_YEARS):  # one row per year the sheets hold; #N/A past the horizon (the chart skips them)
        r = r0 + 1 + i
        R = r + 1
        on = i < len(rows)
        na = "#N/A"
        y = int(rows[i][0]) if on else 0
        total = float(rows[i][total_col]) if on else 0.0
        gap = inp.target - total
        n = y - ctx.base_year
        rate = (float(npf.rate(n, 0, -ctx.base_units, inp.target)) if n > 0 else "") if on else na
        closed = ((inp.target / ctx.base_units) ** (1 / n) - 1 if n > 0 else "") if on else na
        ws.write_formula(
            r, 0, f"=IF({i + 1}<=in_end_year-in_start_year+1,in_start_year+{i},NA())", f.calc("0"), y if on else na
        )
        ws.write_formula(
            r,
            1,
            f'=INDEX({proj_rows},MATCH($A{R},{proj_years},0),MATCH("Total",{proj_head},0))',
            f.calc("#,##0"),
            total if on else na,
        )
        ws.write_formula(r, 2, f"=IF(ISNA($A{R}),NA(),in_target)", f.calc("#,##0"), inp.target if on else na)
        ws.write_formula(r, 3, f"=C{R}-B{R}", f.calc("#,##0"), gap if on else na)
        ws.write_formula(r, 4, f"=B{R}/C{R}", f.calc("0.0%"), total / inp.target if on else na)
        ws.write_formula(
            r,
            5,
            f'=IF($A{R}>data_base_year,RATE($A{R}-data_base_year,0,-data_base_units,C{R}),"")',
            f.calc("0.0%"),
            rate,
        )
        ws.write_formula(
            r,
            6,
            f'=IF($A{R}>data_base_year,(C{R}/data_base_units)^(1/($A{R}-data_base_year))-1,"")',
            f.calc("0.0%"),
            closed,
        )
        live_gap = float(table[1 + i][gap_col]) if on else 0.0
        live_cell = xl_rowcol_to_cell(lay.gap_table.first + i, gap_col)
        ws.write_formula(r, DIFF_COL, f"=D{R}-{live_cell}", f.calc("#,##0.00"), gap - live_gap if on else na)
        if on:
            diffs.append(abs(gap - live_gap))
    result = GapResult(r0 + 1, r0 + MAX_YEARS, "OK" if sum(diffs) <= TOLERANCE else "ERROR")

    # a scatter chart: rows past the horizon (#N/A) leave no empty slot, as a column chart's categories would
    chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    chart.add_series(
        {
            "name": [SHEET, 3, 1],
            "categories": [SHEET, result.first, 0, result.last, 0],
            "values": [SHEET, result.first, 3, result.last, 3],
            "line": {"color": "#C00000", "width": 2},
            "marker": {"type": "square", "size": 6, "fill": {"color": "#C00000"}, "border": {"color": "#C00000"}},
            "data_labels": {"value": True, "num_format": "#,##0", "font": {"size": 8}, "position": "above"},
        }
    )
    ws.write_formula(
        4,
        0,
        '="Gap to the target of "&TEXT(in_target,"#,##0")&" by year (units a year), scenario "&in_scenario',
        f.note(),
        f"Gap to the target of {inp.target:,.0f} by year (units a year), scenario {inp.scenario}",
    )
    chart.set_title({"name": [SHEET, 4, 0], "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis(
        {"num_format": "0", "major_unit": 1, "num_font": {"size": 8}, "major_gridlines": {"visible": False}}
    )
    chart.set_y_axis(units_axis(named=False))
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 330})
    ws.insert_chart(2, 10, chart)
    return result
