"""The Inputs sheet: the named input cells, the scenario list, the Risk inputs and the
lineup table (the only blue-on-yellow cells of the workbook)."""

from __future__ import annotations

from alfa_xl.book.buttons import insert_refresh_button
from alfa_xl.book.layout import LINEUP_TABLE, SCENARIO_LIST_ROWS
from alfa_xl.book.sheets.base import ROOM, TOLERANCE, Context, column_px, define, new_sheet, print_in_blocks
from alfa_xl.model.engine.scenarios import BUILTIN
from alfa_xl.model.risk.settings import DEFAULT_SEED, MAX_PATHS

SHEET = "Inputs"

LINEUP_UNITS = {
    "model": "name",
    "status": "on_sale / planned / reported_cancelled",
    "launch_year": "year",
    "announced_year": "year",
    "launch_fraction": "share of year",
    "peak_units": "units a year",
    "plateau": "share of peak",
    "decay": "per year",
    "decline_after": "years of age",
    "decline_rate": "share a year",
    "end_year": "year",
    "replaces": "model name",
    "share_italy": "share",
    "share_rest_of_europe": "share",
    "share_north_america": "share",
    "share_rest_of_world": "share",
    "source": "link or reference",
    "comment": "why this value",
}
_LINEUP_FORMATS = {
    "launch_fraction": "0.00",
    "plateau": "0.00",
    "decay": "0.00",
    "decline_after": "0",
    "decline_rate": "0.00",
    "peak_units": "#,##0",
    "launch_year": "0",
    "announced_year": "0",
    "end_year": "0",
    "share_italy": "0%",
    "share_rest_of_europe": "0%",
    "share_north_america": "0%",
    "share_rest_of_world": "0%",
}
_LINEUP_WIDTHS = {"model": 17, "status": 17, "replaces": 12, "source": 40, "comment": 70}
_HEADER = ["Input", "Value", "Unit", "Name", "Source and comment"]


def write(ctx: Context) -> None:
    """The Inputs sheet, top to bottom: scalar inputs, scenario list, Risk inputs, lineup."""
    f = ctx.f
    inp = ctx.inputs
    cols = inp.lineup_columns
    widths = {j: _LINEUP_WIDTHS.get(c, 11) for j, c in enumerate(cols)}
    widths[0] = 30
    widths[3] = 16
    ws = new_sheet(ctx, SHEET, widths)
    if "source" in cols:  # printed: the lineup's figures, then its sources and comments, each beside column A
        s = cols.index("source")
        second = column_px(widths, 0, 0) + column_px(widths, s, len(cols) - 1)
        print_in_blocks(ws, [(column_px(widths, 0, s - 1), 0), (second, 0)], [s], repeat_first_column=True)
    ws.write(0, 0, "Inputs", f.title())
    ws.write(
        1,
        0,
        "Blue-on-yellow cells are the only inputs of the workbook. Change them, then press "
        "Refresh scenarios and risk (or run alfa-xl refresh).",
        f.subtitle(),
    )
    ws.write_row(3, 0, _HEADER, f.header())
    rows = (
        (
            "in_target",
            "Target",
            inp.target,
            "#,##0",
            "units a year",
            "Sergio Marchionne's plan of May 2014: 400,000 Alfa Romeo sales a year.",
        ),
        (
            "in_start_year",
            "First projection year",
            inp.start_year,
            "0",
            "year",
            f"The year after the latest actual ({ctx.base_year}: {ctx.base_units:,.0f} units).",
        ),
        (
            "in_end_year",
            "Last projection year",
            inp.end_year,
            "0",
            "year",
            f"2030 is the horizon of the current plan; up to {inp.start_year + ROOM - 2} fits the sheets.",
        ),
        (
            "in_compare_year",
            "Compare year",
            inp.compare_year,
            "0",
            "year",
            "Year in which the scenarios are compared on the Scenarios sheet.",
        ),
        (
            "in_scenario",
            "Scenario shown",
            inp.scenario,
            "General",
            "name",
            "Scenario of the Projection and Gap sheets, and the one the Risk sheet's paths vary "
            "around (a built-in name below).",
        ),
        (
            "in_tolerance",
            "Check tolerance",
            TOLERANCE,
            "0.00",
            "units",
            "Largest difference the Checks sheet accepts as equal.",
        ),
    )
    r = 4
    at: dict[str, int] = {}
    for name, label, value, fmt, unit, note in rows:
        _input_row(
            ctx, ws, r, name, label, value, fmt, unit, note, align="right" if not isinstance(value, str) else "left"
        )
        at[name] = r
        r += 1
    ws.data_validation(
        at["in_scenario"],
        1,
        at["in_scenario"],
        1,
        {"validate": "list", "source": list(BUILTIN), "error_message": f"Use one of {', '.join(BUILTIN)}."},
    )
    r += 1
    ws.write_row(r, 0, ["Scenarios to refresh", "Scenario", "", "Name", "Built-in scenarios"], f.header())
    r += 1
    first = r
    described = {s.name: s.description for s in BUILTIN.values()}
    for i in range(SCENARIO_LIST_ROWS):
        listed = inp.scenario_list[i] if i < len(inp.scenario_list) else None
        ws.write(r, 0, f"Scenario {i + 1}", f.label())
        if listed is None:
            ws.write_blank(r, 1, None, f.input())
        else:
            ws.write(r, 1, listed, f.input())
        if i < len(BUILTIN):
            key = list(BUILTIN)[i]
            ws.write(r, 4, f"{key}: {described[key]}", f.note())
        r += 1
    ws.write(first, 3, "in_scenario_list", f.note())
    ws.data_validation(
        first,
        1,
        r - 1,
        1,
        {
            "validate": "list",
            "source": list(BUILTIN),
            "ignore_blank": True,
            "error_message": f"Use one of {', '.join(BUILTIN)}, or leave blank.",
        },
    )
    define(ctx, "in_scenario_list", SHEET, first, 1, r - 1, 1)
    r += 1
    ws.write_row(r, 0, ["Risk simulation (sheet Risk)", *_HEADER[1:]], f.header())
    r += 1
    risk_rows = (
        (
            "in_paths",
            "Monte Carlo paths",
            inp.paths,
            "#,##0",
            "paths",
            f"Paths drawn around in_scenario, 1 to {MAX_PATHS:,}. 10,000 puts the percentiles within "
            "about 1%; more paths take longer to refresh.",
        ),
        (
            "in_seed",
            "Random seed",
            inp.seed,
            "0",
            "whole number",
            f"Same seed, same figures: the Risk sheet refreshes reproducibly. {DEFAULT_SEED} is the "
            "default of alfa-xl simulate; change it to see sampling noise.",
        ),
    )
    for name, label, value, fmt, unit, note in risk_rows:
        _input_row(ctx, ws, r, name, label, value, fmt, unit, note, align="right")
        at[name] = r
        r += 1
    ws.data_validation(
        at["in_paths"],
        1,
        at["in_paths"],
        1,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": MAX_PATHS,
            "error_message": f"Give a whole number of paths from 1 to {MAX_PATHS:,}.",
        },
    )
    ws.data_validation(
        at["in_seed"],
        1,
        at["in_seed"],
        1,
        {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "Give a whole number of 0 or more as the seed.",
        },
    )
    r = _year_to_date(ctx, ws, r + 1)
    _lineup(ctx, ws, r + 1)
    insert_refresh_button(ws, 3, 6)


def _year_to_date(ctx: Context, ws, r: int) -> int:
    """``in_ytd_units`` and ``in_ytd_months`` from row ``r`` (blank as built); the next free row."""
    inp = ctx.inputs
    year = ctx.base_year + 1
    ws.write_row(r, 0, [f"Current year {year} to date (optional; Cover forecast)", *_HEADER[1:]], ctx.f.header())
    r += 1
    rows = (
        (
            "in_ytd_units",
            "Year-to-date units",
            inp.ytd_units,
            "#,##0",
            "units",
            f"Worldwide Alfa Romeo sales from January {year} to the month below (registrations; give "
            "the source in a cell comment). "
            "Blank, with the months blank: the current year is unconditioned.",
        ),
        (
            "in_ytd_months",
            "Months covered",
            inp.ytd_months,
            "0",
            "months",
            "How many months of the year the units cover, 1 to 12. The calibrated forecast "
            "conditions the current year on them (alfa_xl.model.risk.nowcast).",
        ),
    )
    for name, label, value, fmt, unit, note in rows:
        _input_row(ctx, ws, r, name, label, value, fmt, unit, note, align="right")
        r += 1
    ws.data_validation(
        r - 2,
        1,
        r - 2,
        1,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 10_000_000,
            "ignore_blank": True,
            "error_message": "Give the worldwide units sold so far this year, 0 to 10,000,000, or leave blank.",
        },
    )
    ws.data_validation(
        r - 1,
        1,
        r - 1,
        1,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 12,
            "ignore_blank": True,
            "error_message": "Give the months the units cover, a whole number from 1 to 12, or leave blank.",
        },
    )
    return r


def _input_row(
    ctx: Context, ws, r: int, name: str, label: str, value, fmt: str, unit: str, note: str, align: str
) -> None:
    f = ctx.f
    ws.write(r, 0, label, f.label())
    ws.write(r, 1, value, f.input(fmt, align=align))
    ws.write(r, 2, unit, f.note())
    ws.write(r, 3, name, f.note())
    ws.write(r, 4, note, f.note())
    define(ctx, name, SHEET, r, 1)


def _lineup(ctx: Context, ws, r: int) -> None:
    """The lineup table ``tbl_lineup`` from row ``r``: a title, a row of units, the table."""
    f = ctx.f
    cols = ctx.inputs.lineup_columns
    ws.write(
        r, 0, f"Lineup (table {LINEUP_TABLE}): one row per model; the row below gives each column's unit", f.section()
    )
    for j in range(1, len(cols)):
        ws.write_blank(r, j, None, f.section())
    r += 1
    ws.write_row(r, 0, [LINEUP_UNITS.get(c, "") for c in cols], f.get(italic=True, font_color="595959", text_wrap=True))
    ws.set_row(r, 27)
    header_row = r + 1
    data = [list(row) for row in ctx.inputs.lineup_rows]
    columns = []
    for c in cols:
        fmt = _LINEUP_FORMATS.get(c, "General")
        columns.append(
            {
                "header": c,
                "format": f.input(fmt, text_wrap=c in ("source", "comment")),
                "header_format": f.header(text_wrap=True),
            }
        )
    ws.add_table(
        header_row,
        0,
        header_row + len(data),
        len(cols) - 1,
        {
            "name": LINEUP_TABLE,
            "columns": columns,
            "data": data,
            "style": "Table Style Light 1",
            "autofilter": False,
        },
    )
    ws.set_row(header_row, 27)
    for i in range(len(data)):
        ws.set_row(header_row + 1 + i, 40)
