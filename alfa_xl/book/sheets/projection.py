"""The Projection sheet: live ``=ALFA_PROJECT()`` tables by model and by region, the chart
data (history linked to Facts, one ``=ALFA_TOTAL()`` line per listed scenario) and the
outlook chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from alfa_xl.book.layout import LINEUP_TABLE, MAX_YEARS
from alfa_xl.book.sheets.base import (
    ROW_PX,
    TOLERANCE,
    Context,
    column_px,
    define_hidden,
    legend_below,
    loaded_note,
    new_sheet,
    print_in_blocks,
    spill,
    units_axis,
)
from alfa_xl.book.stored import array_constant, live_formula

SHEET = "Projection"
#: Scenario lines the chart shows (the first of in_scenario_list).
CHART_SCENARIOS = 5
#: The chart's title (a formula naming the target), above the live tables: below them it
#: would sit in the room of a 19-year table.
TITLE_CELL = (4, 0)
_PALETTE = ["#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E"]


@dataclass(frozen=True)
class ProjectionResult:
    """What later sheets use: the by-model table as built and whether its totals add up."""

    by_model: list[list[Any]]
    live_sum_status: str


def write(ctx: Context) -> ProjectionResult:
    """The Projection sheet."""
    f = ctx.f
    inp = ctx.inputs
    lay = ctx.layout
    widths = {0: 10, **{j: 16 for j in range(1, 12)}}
    ws = new_sheet(ctx, SHEET, widths)
    # printed: the tables (columns A-M) on their pages, then the chart (from column N, 760 px) on its own
    print_in_blocks(ws, [(column_px(widths, 0, 12), 0), (760, 2 * ROW_PX + 400)], [13])
    ws.write(0, 0, "Projection: units sold a year by model and by region (live)", f.title())
    ws.write(
        1,
        0,
        "Purple cells are =ALFA_PROJECT() formulas that spill: live with the xlwings add-in or xlwings Lite, "
        "otherwise the values of the last refresh.",
        f.subtitle(),
    )
    ws.write(3, 0, "Scenario", f.label())
    ws.write_formula(3, 1, "=in_scenario", f.calc(), inp.scenario)
    ws.write(3, 3, "Years", f.label())
    ws.write_formula(3, 4, '=in_start_year&"-"&in_end_year', f.calc(), f"{inp.start_year}-{inp.end_year}")
    loaded_note(ctx, ws, 2, 0)
    lineup_arg = f"{LINEUP_TABLE}[#All]"
    for at, by, title, name in (
        (lay.by_model, "model", "Units by model", "_stored_by_model"),
        (lay.by_region, "region", "Units by region", "_stored_by_region"),
    ):
        table = ctx.live.project(inp.scenario, inp.start_year, inp.end_year, by)
        ws.write(at.row - 1, 0, title, f.section())
        define_hidden(ctx, name, array_constant(table))
        call = f'ALFA_PROJECT(in_scenario,in_start_year,in_end_year,"{by}",{lineup_arg})'
        spill(ctx, ws, at, live_formula(call, name), table, ["0", "#,##0"], len(table[0]))
        if by == "model":
            by_model = table
    _chart(ctx, ws)
    tot = by_model[0].index("Total")
    worst = max(abs(sum(r[1:tot]) - r[tot]) for r in by_model[1:])
    return ProjectionResult(by_model, "OK" if worst <= TOLERANCE else "ERROR")


def _chart(ctx: Context, ws) -> None:
    """Chart data (history from Facts, the first scenarios of ``out_scenarios``, the
    target) and the chart. A fixed block: CHART_SCENARIOS columns and MAX_YEARS rows
    after the history, read from the refreshed output through the Checks sheet's offsets
    of each scenario's table; columns and rows the output does not fill are ``#N/A``, which
    the chart skips, so the chart follows the horizon and the scenario list."""
    f = ctx.f
    inp = ctx.inputs
    L = ctx.layout.checks
    chart_row = ctx.layout.chart_data
    ws.write(
        chart_row - 1,
        0,
        "Chart data: history and the totals of the first scenarios of out_scenarios "
        "(units a year; #N/A: not in the output)",
        f.section(),
    )
    title = f"Alfa Romeo sales a year: history, scenarios and the {inp.target:,.0f} target"
    ws.write_formula(
        *TITLE_CELL,
        '="Alfa Romeo sales a year: history, scenarios and the "&TEXT(in_target,"#,##0")&" target"',
        f.note(),
        title,
    )
    blocks = ctx.outputs["scenarios"]
    n = len(blocks[0].frame)
    tables = {k: blocks[1 + k].frame for k in range(n)}
    ws.write(chart_row, 0, "Year", f.header())
    ws.write(chart_row, 1, "History", f.header())
    chk = lambda r, c, absolute=True: f"Checks!{xl_rowcol_to_cell(r, c, absolute, absolute)}"  # noqa: E731
    for j in range(CHART_SCENARIOS):
        name = chk(L.per_first + j, 1)
        # a blank name, not "": spreadsheets name a series without one ("Column F") in the legend
        ws.write_formula(
            chart_row,
            2 + j,
            f'=IF({name}=""," ",{name})',
            f.header(),
            str(blocks[0].frame["Scenario"].iloc[j]) if j < n else " ",
        )
    target_col = 2 + CHART_SCENARIOS
    ws.write(chart_row, target_col, "Target", f.header())
    r = chart_row + 1
    for y, units, frow in ctx.history_rows:
        ws.write_formula(r, 0, f"=Facts!{xl_rowcol_to_cell(frow, 0)}", f.data("0"), y)
        ws.write_formula(r, 1, f"=Facts!{xl_rowcol_to_cell(frow, 1)}", f.data("#,##0"), units)
        if y == ctx.base_year:
            for j in range(CHART_SCENARIOS):
                formula = f'=IF({chk(L.per_first + j, 1)}="",NA(),{xl_rowcol_to_cell(r, 1)})'
                ws.write_formula(r, 2 + j, formula, f.calc("#,##0"), units if j < n else "#N/A")
        ws.write_formula(r, target_col, "=in_target", f.calc("#,##0"), inp.target)
        r += 1
    years_n = inp.end_year - inp.start_year + 1
    shape_y = chk(L.shape_row + 1, L.value_col)  # Y: years per scenario in out_scenarios
    shape_w = chk(L.shape_row + 2, L.value_col)  # W: columns of a projection table
    for i in range(MAX_YEARS):
        R = r + 1
        on = i < years_n
        year = f"=IF({i + 1}<={shape_y},INDEX(out_scenarios,{chk(L.per_first, 2)}+{i + 1},1),NA())"
        ws.write_formula(r, 0, year, f.calc("0"), inp.start_year + i if on else "#N/A")
        for j in range(CHART_SCENARIOS):
            p0 = chk(L.per_first + j, 2)  # offset of scenario j's first projection row in out_scenarios
            formula = (
                f'=IF(OR(ISNA($A{R}),{chk(L.per_first + j, 1)}=""),NA(),'
                f"INDEX(out_scenarios,{p0}+1+$A{R}-INDEX(out_scenarios,{p0}+1,1),{shape_w}))"
            )
            value = float(tables[j]["Total"].iloc[i]) if on and j < n else "#N/A"
            ws.write_formula(r, 2 + j, formula, f.calc("#,##0"), value)
        ws.write_formula(
            r, target_col, f"=IF(ISNA($A{R}),NA(),in_target)", f.calc("#,##0"), inp.target if on else "#N/A"
        )
        r += 1
    last = r - 1

    chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    first_data = chart_row + 1
    chart.add_series(
        {
            "name": "History",
            "categories": [SHEET, first_data, 0, last, 0],
            "values": [SHEET, first_data, 1, last, 1],
            "line": {"color": "#404040", "width": 2.25},
            "marker": {"type": "circle", "size": 4, "fill": {"color": "#404040"}, "border": {"color": "#404040"}},
        }
    )
    for j in range(CHART_SCENARIOS):
        chart.add_series(
            {
                "name": [SHEET, chart_row, 2 + j],
                "categories": [SHEET, first_data, 0, last, 0],
                "values": [SHEET, first_data, 2 + j, last, 2 + j],
                "line": {"color": _PALETTE[j], "width": 1.75},
                "marker": {"type": "none"},
            }
        )
    chart.add_series(
        {
            "name": "Target",
            "categories": [SHEET, first_data, 0, last, 0],
            "values": [SHEET, first_data, target_col, last, target_col],
            "line": {"color": "#C00000", "width": 1.5, "dash_type": "dash"},
            "marker": {"type": "none"},
        }
    )
    chart.set_title({"name": [SHEET, *TITLE_CELL], "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis(
        {
            "min": int(ctx.history_rows[0][0]),
            "major_unit": 2,
            "num_format": "0",
            "num_font": {"size": 8},
            "major_gridlines": {"visible": False},
        }
    )
    chart.set_y_axis(units_axis())
    chart.set_legend(legend_below())
    chart.set_size({"width": 760, "height": 400})
    ws.insert_chart(2, 13, chart)
