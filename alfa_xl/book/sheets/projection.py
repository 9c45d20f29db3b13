"""The Projection sheet: live ``=ALFA_PROJECT()`` tables by model and by region, the chart
data (history linked to Facts, one ``=ALFA_TOTAL()`` line per listed scenario) and the
outlook chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from alfa_xl.book.layout import LINEUP_TABLE
from alfa_xl.book.sheets.base import TOLERANCE, Context, new_sheet, spill

SHEET = "Projection"
#: Scenario lines the chart shows (the first of in_scenario_list).
CHART_SCENARIOS = 5
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
    ws = new_sheet(ctx, SHEET, {0: 10, **{j: 16 for j in range(1, 12)}})
    ws.write(0, 0, "Projection: units sold a year by model and by region (live)", f.title())
    ws.write(1, 0, "Purple cells are =ALFA_PROJECT() formulas that spill: live with the xlwings add-in, otherwise the values computed when the workbook was built.", f.subtitle())
    ws.write(3, 0, "Scenario", f.label())
    ws.write_formula(3, 1, "=in_scenario", f.calc(), inp.scenario)
    ws.write(3, 3, "Years", f.label())
    ws.write_formula(3, 4, '=in_start_year&"-"&in_end_year', f.calc(), f"{inp.start_year}-{inp.end_year}")
    lineup_arg = f"{LINEUP_TABLE}[#All]"
    for at, by, title in ((lay.by_model, "model", "Units by model"), (lay.by_region, "region", "Units by region")):
        table = ctx.live.project(inp.scenario, inp.start_year, inp.end_year, by)
        ws.write(at.row - 1, 0, title, f.section())
        spill(ctx, ws, at, f'=ALFA_PROJECT(in_scenario,in_start_year,in_end_year,"{by}",{lineup_arg})', table, ["0", "#,##0"], len(table[0]))
        if by == "model":
            by_model = table
    _chart(ctx, ws, lineup_arg)
    tot = by_model[0].index("Total")
    worst = max(abs(sum(r[1:tot]) - r[tot]) for r in by_model[1:])
    return ProjectionResult(by_model, "OK" if worst <= TOLERANCE else "ERROR")


def _chart(ctx: Context, ws, lineup_arg: str) -> None:
    """Chart data (history from Facts, the first listed scenarios, the target) and the chart."""
    f = ctx.f
    inp = ctx.inputs
    chart_row = ctx.layout.chart_data
    ws.write(chart_row - 1, 0, "Chart data: history and scenario totals (units a year)", f.section())
    k = min(CHART_SCENARIOS, len(inp.scenario_list))
    ws.write(chart_row, 0, "Year", f.header())
    ws.write(chart_row, 1, "History", f.header())
    for j in range(k):
        ws.write_formula(chart_row, 2 + j, f"=INDEX(in_scenario_list,{j + 1})", f.header(), inp.scenario_list[j])
    ws.write(chart_row, 2 + k, "Target", f.header())
    years = [y for y, _, _ in ctx.history_rows] + list(range(inp.start_year, inp.end_year + 1))
    r = chart_row + 1
    target_col = 2 + k
    for y, units, frow in ctx.history_rows:
        ws.write_formula(r, 0, f"=Facts!{xl_rowcol_to_cell(frow, 0)}", f.data("0"), y)
        ws.write_formula(r, 1, f"=Facts!{xl_rowcol_to_cell(frow, 1)}", f.data("#,##0"), units)
        if y == ctx.base_year:
            for j in range(k):
                ws.write_formula(r, 2 + j, f"={xl_rowcol_to_cell(r, 1)}", f.calc("#,##0"), units)
        ws.write_formula(r, target_col, "=in_target", f.calc("#,##0"), inp.target)
        r += 1
    for y in range(inp.start_year, inp.end_year + 1):
        ws.write_formula(r, 0, f"={xl_rowcol_to_cell(r - 1, 0)}+1" if y > inp.start_year else "=in_start_year", f.calc("0"), y)
        for j in range(k):
            year_cell = xl_rowcol_to_cell(r, 0, col_abs=True)
            name_cell = xl_rowcol_to_cell(chart_row, 2 + j, True, True)
            ws.write_formula(r, 2 + j, f"=ALFA_TOTAL({year_cell},{name_cell},{lineup_arg})", f.live("#,##0"), ctx.live.total(y, inp.scenario_list[j]))
        ws.write_formula(r, target_col, "=in_target", f.calc("#,##0"), inp.target)
        r += 1
    last = r - 1

    chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    first_data = chart_row + 1
    chart.add_series({
        "name": "History", "categories": [SHEET, first_data, 0, last, 0], "values": [SHEET, first_data, 1, last, 1],
        "line": {"color": "#404040", "width": 2.25}, "marker": {"type": "circle", "size": 4, "fill": {"color": "#404040"}, "border": {"color": "#404040"}},
    })
    for j in range(k):
        chart.add_series({
            "name": [SHEET, chart_row, 2 + j], "categories": [SHEET, first_data, 0, last, 0],
            "values": [SHEET, first_data, 2 + j, last, 2 + j],
            "line": {"color": _PALETTE[j], "width": 1.75}, "marker": {"type": "none"},
        })
    chart.add_series({
        "name": "Target", "categories": [SHEET, first_data, 0, last, 0], "values": [SHEET, first_data, target_col, last, target_col],
        "line": {"color": "#C00000", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"},
    })
    chart.set_title({"name": "Alfa Romeo sales a year: history, scenarios and the 400,000 target", "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"min": int(years[0]), "max": int(inp.end_year), "major_unit": 2, "num_format": "0", "num_font": {"size": 8}, "major_gridlines": {"visible": False}})
    chart.set_y_axis({"min": 0, "num_format": "#,##0", "num_font": {"size": 8}, "name": "units a year", "name_font": {"size": 9, "bold": False}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 760, "height": 400})
    ws.insert_chart(2, 13, chart)
