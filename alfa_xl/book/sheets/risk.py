"""The Risk sheet: the refresh-owned ``out_risk`` as built, chart data in native formulas
over it (grouped and collapsed), and the fan and tornado charts."""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_col_to_name

from alfa_xl.book.buttons import insert_refresh_button
from alfa_xl.book.layout import laid_out, owned_area
from alfa_xl.book.sheets.base import (
    ROOM,
    ROW_PX,
    TORNADO_ROOM,
    Context,
    column_px,
    define,
    legend_below,
    new_sheet,
    print_in_blocks,
    units_axis,
)
from alfa_xl.book.sheets.scenarios import write_owned
from alfa_xl.book.tables.report import Block

AREA = owned_area("out_risk")
SHEET = AREA.sheet
#: First column of the chart data (I: the row number; J onwards: the values).
_NUM_COL = 8
_FAN_COLS = ["Year", "P10", "P50", "P90", "Scenario"]
_TORNADO_COLS = ["Driver", "Low setting", "High setting", "Low", "High", "Scenario"]


def risk_shape(blocks: list[Block]) -> dict[str, int]:
    """Where the three tables of ``out_risk`` are, from the tables themselves: ``Y`` years
    in the fan and the probability table, ``D`` drivers in the tornado, and the tornado's
    header row (1-based) in the written grid, ``2Y + 8``: each table is a title, a header
    and its rows, with one blank row between tables. The sheet's native formulas find the
    same numbers from the grid (``Y = (tornado row - 8) / 2``)."""
    years, drivers = len(blocks[0].frame), len(blocks[2].frame)
    return {"tornado_row": 2 * years + 8, "years": years, "drivers": drivers}


def _column(grid: list[list[Any]], header_row: int, label: str) -> int:
    """0-based column of ``label`` in the 1-based ``header_row`` of ``grid``."""
    return grid[header_row - 1].index(label)


def write(ctx: Context, blocks: list[Block]) -> None:
    """The Risk sheet with the output tables ``blocks`` (``out_risk``).

    Long because the chart data (fan and tornado, one native formula along each row) and
    the two charts that plot it must agree cell for cell; split, the column bookkeeping
    would be passed around in pieces.
    """
    f = ctx.f
    widths = {0: 34, **{j: 13 for j in range(1, 7)}, 7: 3, 8: 4, 9: 28, **{j: 11 for j in range(10, 18)}}
    ws = new_sheet(ctx, SHEET, widths)
    # printed: the tables (columns A-H) on their pages, then the charts (from column I, 10 + 760 px wide,
    # the tornado's 360 px from row 22) on a page of their own
    print_in_blocks(ws, [(column_px(widths, 0, 7), 0), (770, 21 * ROW_PX + 360)], [8])
    ws.write(0, 0, "Risk: how likely is the target, and which assumption matters most", f.title())
    ws.write(
        1,
        0,
        "Written by the refresh (button Refresh scenarios and risk, or alfa-xl refresh): in_paths Monte Carlo paths "
        "of the calibrated forecast and around in_scenario, seed in_seed.",
        f.subtitle(),
    )
    ws.write(
        2,
        0,
        "Do not type in the grey area: the next refresh clears it; the name out_risk always covers the area last "
        "written.",
        f.subtitle(),
    )
    ws.write(
        3,
        0,
        "The calibrated forecast (the headline, as on the Cover) by default; columns headed What-if and the "
        "tornado are a what-if around in_scenario. Units a year. Probability with its standard error (95% bound "
        "when no path reaches it). Tornado: the compare year's total with one driver at its P10 or P90.",
        f.subtitle(),
    )
    ws.write(
        4,
        0,
        "Current year: the fan's title says whether it is conditioned on year-to-date units (in_ytd_units, "
        "in_ytd_months on Inputs, when in_start_year is the current year).",
        f.subtitle(),
    )
    grid, roles = laid_out(blocks)
    write_owned(ctx, ws, AREA, grid, roles)
    insert_refresh_button(ws, 0, 9, height=24, x_offset=120)

    shape = risk_shape(blocks)
    y_n, d_n, t_row = shape["years"], shape["drivers"], shape["tornado_row"]
    r = ctx.layout.risk_chart_data
    N = xl_col_to_name(_NUM_COL)  # the row-number column of the chart data
    ws.write(r - 2, _NUM_COL, "Chart data (grouped rows below: press + at the left to show them)", f.note())
    ws.write(
        r - 1,
        _NUM_COL,
        "Chart data: native formulas over out_risk (rows past the output show #N/A, which the charts skip)",
        f.section(),
    )
    for j in range(_NUM_COL + 1, 18):
        ws.write_blank(r - 1, j, None, f.section())
    counts = (
        ("calc_risk_tornado_row", "Tornado header row in out_risk", '=MATCH("Driver",INDEX(out_risk,0,1),0)', t_row),
        ("calc_risk_years", "Years in the fan (Y)", "=(calc_risk_tornado_row-8)/2", y_n),
        ("calc_risk_drivers", "Drivers in the tornado (D)", "=ROWS(out_risk)-calc_risk_tornado_row", d_n),
    )
    for i, (name, label, formula, count) in enumerate(counts):
        ws.write(r + i, 9, label, f.label())
        ws.write_formula(r + i, 10, formula, f.calc("0"), count)
        define(ctx, name, SHEET, r + i, 10)

    # the fan: one formula along each row, one row per year (#N/A past the horizon)
    h = r + 4
    ws.write(h, _NUM_COL, "#", f.header())
    ws.write_row(h, 9, [*_FAN_COLS, "Target"], f.header(align="right", text_wrap=True))
    fan_src = {c: _column(grid, 2, c) for c in _FAN_COLS}
    fan_data: dict[str, list[Any]] = {c: [] for c in [*_FAN_COLS, "Target"]}
    for i in range(1, ROOM + 1):
        rr = h + i
        R = rr + 1
        ws.write_number(rr, _NUM_COL, i, f.calc("0"))
        on = i <= y_n
        for j, c in enumerate(_FAN_COLS):
            col = xl_col_to_name(9 + j)
            formula = (
                f"=IF(${N}{R}<=calc_risk_years,INDEX(out_risk,2+${N}{R},"
                f"MATCH({col}${h + 1},INDEX(out_risk,2,0),0)),NA())"
            )
            value = grid[1 + i][fan_src[c]] if on else "#N/A"
            ws.write_formula(rr, 9 + j, formula, f.calc("0" if c == "Year" else "#,##0"), value)
            fan_data[c].append(value if on else None)
        ws.write_formula(
            rr,
            14,
            f"=IF(${N}{R}<=calc_risk_years,in_target,NA())",
            f.calc("#,##0"),
            ctx.inputs.target if on else "#N/A",
        )
        fan_data["Target"].append(ctx.inputs.target if on else None)
    fan_first, fan_last = h + 1, h + ROOM

    # the tornado: largest swing first; bars are low and high minus the scenario's total
    t = fan_last + 3
    ws.write(
        t - 1,
        _NUM_COL,
        f"Tornado chart data (the chart shows the first {TORNADO_ROOM} drivers; the table in out_risk has them all)",
        f.label(),
    )
    ws.write(t, _NUM_COL, "#", f.header())
    ws.write_row(
        t,
        9,
        [*_TORNADO_COLS, "Below the scenario", "Above the scenario", "Chart label"],
        f.header(align="right", text_wrap=True),
    )
    ws.set_row(t, 27)
    src = {c: _column(grid, t_row, c) for c in _TORNADO_COLS}
    labels, below, above = [], [], []
    for i in range(1, TORNADO_ROOM + 1):
        rr = t + i
        R = rr + 1
        ws.write_number(rr, _NUM_COL, i, f.calc("0"))
        row = grid[t_row - 1 + i] if i <= d_n else None
        for j, c in enumerate(_TORNADO_COLS):
            col = xl_col_to_name(9 + j)
            formula = (
                f"=IF(${N}{R}<=calc_risk_drivers,INDEX(out_risk,calc_risk_tornado_row+${N}{R},"
                f"MATCH({col}${t + 1},INDEX(out_risk,calc_risk_tornado_row,0),0)),NA())"
            )
            value = row[src[c]] if row is not None else "#N/A"
            ws.write_formula(rr, 9 + j, formula, f.calc("General" if j < 3 else "#,##0"), value)
        if row is not None:
            mid = row[src["Scenario"]]
            lo_bar, hi_bar = row[src["Low"]] - mid, row[src["High"]] - mid
            label = f"{row[src['Driver']]} ({row[src['Low setting']]} / {row[src['High setting']]})"
        else:
            lo_bar, hi_bar, label = None, None, ""
        ws.write_formula(rr, 15, f"=M{R}-O{R}", f.calc("#,##0"), lo_bar if row is not None else "#N/A")
        ws.write_formula(rr, 16, f"=N{R}-O{R}", f.calc("#,##0"), hi_bar if row is not None else "#N/A")
        ws.write_formula(rr, 17, f'=IF(ISNA(J{R}),"",J{R}&" ("&K{R}&" / "&L{R}&")")', f.calc(), label)
        labels.append(label)
        below.append(lo_bar)
        above.append(hi_bar)
    t_first, t_last = t + 1, t + TORNADO_ROOM
    # the chart data is a calculation step: grouped and collapsed so that the sheet (and
    # its printout) shows the output and the charts; the charts plot hidden cells
    for row_ in range(r - 1, t_last + 1):
        ws.set_row(row_, 27 if row_ == t else None, None, {"level": 1, "hidden": True})
    ws.set_row(t_last + 1, None, None, {"collapsed": True})
    _charts(ctx, ws, fan_first, fan_last, fan_data, t_first, t_last, labels, below, above)


def _charts(
    ctx: Context,
    ws,
    fan_first: int,
    fan_last: int,
    fan_data: dict[str, list[Any]],
    t_first: int,
    t_last: int,
    labels: list[str],
    below: list[Any],
    above: list[Any],
) -> None:
    fan = ctx.wb.add_chart({"type": "scatter", "subtype": "straight"})
    years = [SHEET, fan_first, 9, fan_last, 9]
    styles = {
        "P90": {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"},
        "P50": {"color": "#2E75B6", "width": 2.25},
        "P10": {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"},
        "Scenario": {"color": "#404040", "width": 1.75},
        "Target": {"color": "#C00000", "width": 1.5, "dash_type": "dash"},
    }
    names = {
        "P90": "P90, calibrated forecast (1 path in 10 above)",
        "P50": "P50, calibrated forecast (median path)",
        "P10": "P10, calibrated forecast (1 path in 10 below)",
        "Scenario": "What-if: in_scenario, Scenario without uncertainty",
        "Target": "Target",
    }
    for c in ("P90", "P50", "P10", "Scenario", "Target"):
        j = 9 + ([*_FAN_COLS, "Target"]).index(c)
        fan.add_series(
            {
                "name": names[c],
                "categories": years,
                "values": [SHEET, fan_first, j, fan_last, j],
                "categories_data": fan_data["Year"],
                "values_data": fan_data[c],
                "line": styles[c],
                "marker": {"type": "none"}
                if c != "Scenario"
                else {"type": "circle", "size": 4, "fill": {"color": "#404040"}, "border": {"color": "#404040"}},
            }
        )
    fan.set_title(
        {
            "name": "Fan: the calibrated forecast, the what-if scenario and the target",
            "name_font": {"size": 11, "bold": True},
        }
    )
    fan.set_x_axis({"major_unit": 1, "num_format": "0", "num_font": {"size": 8}, "major_gridlines": {"visible": False}})
    fan.set_y_axis(units_axis())
    fan.set_legend(legend_below())
    fan.show_hidden_data()
    fan.set_size({"width": 760, "height": 360})
    ws.insert_chart(2, 8, fan, {"x_offset": 10, "y_offset": 10})

    torn = ctx.wb.add_chart({"type": "bar", "subtype": "stacked"})
    cats = [SHEET, t_first, 17, t_last, 17]
    torn.add_series(
        {
            "name": "Driver at its unfavourable setting",
            "categories": cats,
            "values": [SHEET, t_first, 15, t_last, 15],
            "categories_data": labels,
            "values_data": below,
            "fill": {"color": "#C55A5A"},
            "border": {"none": True},
            "gap": 40,
            "overlap": 100,
        }
    )
    torn.add_series(
        {
            "name": "Driver at its favourable setting",
            "categories": cats,
            "values": [SHEET, t_first, 16, t_last, 16],
            "categories_data": labels,
            "values_data": above,
            "fill": {"color": "#5B9BD5"},
            "border": {"none": True},
        }
    )
    torn.set_title(
        {
            "name": "Tornado: total in the compare year, one driver at a time (units above or below the scenario)",
            "name_font": {"size": 11, "bold": True},
        }
    )
    torn.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 8}, "label_position": "low"})
    torn.set_x_axis(
        {
            "num_format": "+#,##0;-#,##0;0",
            "num_font": {"size": 8},
            "name": "units a year, relative to the scenario's total",
            "name_font": {"size": 9, "bold": False},
            "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
        }
    )
    torn.set_legend(legend_below())
    torn.show_hidden_data()
    torn.set_plotarea({"layout": {"x": 0.40, "y": 0.10, "width": 0.56, "height": 0.68}})
    torn.set_size({"width": 760, "height": 360})
    ws.insert_chart(21, 8, torn, {"x_offset": 10, "y_offset": 0})
