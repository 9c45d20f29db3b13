"""The Cover: the headline of the calibrated forecast (the refresh-owned ``out_forecast``),
what the scenarios are, what the workbook is, its sheets, the master check, setup steps,
buttons and the colour key."""

from __future__ import annotations

from typing import Any

from alfa_xl.book.buttons import (
    LITE_BUTTONS,
    insert_clear_button,
    insert_import_button,
    insert_lite_buttons,
    insert_refresh_button,
    insert_refresh_one_button,
)
from alfa_xl.book.layout import STATUS_NAME, owned_area
from alfa_xl.book.sheets.base import CHECK_BAD_FILL, CHECK_OK_FILL, Context, new_sheet, status_fmt, status_format
from alfa_xl.book.sheets.scenarios import write_owned
from alfa_xl.book.xlsx import quote_sheet, split_ref
from alfa_xl.model.engine.scenarios import BUILTIN

AREA = owned_area("out_forecast")
SHEET = AREA.sheet
#: What each built-in scenario is, in a few words (the Cover never calls one the expected value).
_SCENARIO_ROLES = {
    "base": "as announced",
    "bear": "bear case",
    "bull": "bull case",
    "plan": "the plan as first announced",
    "track_record": "as past plans ended",
}
_FORECAST_NOTE = (
    "Written by the refresh from the Inputs lineup, target, in_seed and year-to-date cells: the forecast that scored",
    "best on Alfa's past (Track record sheet; it may ignore the lineup). P50: half the paths above, half below; "
    "P10-P90: 8 in 10 inside.",
)

#: Lines of "What it is"; a line given as ``(formula, value)`` follows the Inputs.
_ABOUT: tuple[Any, ...] = (
    "A lifecycle model of every Alfa Romeo nameplate (on sale and planned) projects yearly registrations;",
    (
        '="scenarios move launches and peaks; the gap is the target ("&TEXT(in_target,"#,##0")&" a year, in_target; '
        "Marchionne's May 2014 plan said 400,000) minus the projection.\"",
        "scenarios move launches and peaks; the gap is the target ({target} a year, in_target; "
        "Marchionne's May 2014 plan said 400,000) minus the projection.",
    ),
    "Every input is on the Inputs sheet with its unit, source and a comment. Every fact is sourced on the Facts sheet.",
)
#: Last column printed (J): the page is A4 landscape, one page wide; longer notes wrap inside C:J.
_LAST_COL = 9
#: Characters of a note that fit on one line of C:J.
_LINE = 135
_SHEETS = (
    ("Inputs", "Inputs: target, horizon, compare year, scenarios, and the model lineup (table tbl_lineup)."),
    ("Projection", "Calculation: live =ALFA_PROJECT() tables by model and region, and the outlook chart."),
    (
        "Scenarios",
        "Output written by the refresh (out_scenarios): comparison, one projection and one gap table per scenario; "
        "status line out_status.",
    ),
    ("Gap", "Calculation: live =ALFA_GAP_TABLE() and native Excel cross-checks of the gap and the growth required."),
    (
        "Risk",
        "Output written by the refresh (out_risk): Monte Carlo fan (P10/P50/P90), probability of the target by year, "
        "tornado; two charts.",
    ),
    (
        "Track record",
        "Output written by the refresh (out_track): the backtest on Alfa's past plans (coverage, sharpness, errors "
        "against no change and the target path) and its charts.",
    ),
    ("Facts", "Sourced data: facts and yearly history, with sources."),
    ("Checks", "Checks in native Excel formulas and the master check."),
    ("xlwings.conf", "Settings read by xlwings (UDF Modules = alfa_xl.udfs). No machine-specific paths."),
)
_STEPS = (
    "Install Python 3.11+ and alfa-xl (README: Install), then the xlwings add-in: xlwings addin install.",
    "Open this workbook and enable macros. The sheet xlwings.conf sets only UDF Modules = alfa_xl.udfs;",
    "set the Python interpreter on the xlwings tab (Interpreter), not in this file.",
    "Press Import functions (or xlwings ribbon > Import Functions) once: ALFA_PROJECT, ALFA_GAP_TABLE, ALFA_TOTAL, "
    "... become live.",
    "Press Refresh scenarios and risk after changing Inputs: macro RefreshScenarios runs "
    "alfa_xl.macros.refresh_scenarios.",
    "Without Excel: alfa-xl refresh alfa_outlook.xlsm rewrites the Scenarios, Risk and Track record sheets and this "
    "forecast the same way (Excel closed).",
    "Either way the status line (out_status, on the Scenarios sheet and above) says what was refreshed, or why "
    "nothing was.",
    "Without the add-in (or xlwings Lite), purple cells show the values of the last refresh; "
    "a note on the Projection and Gap sheets says which.",
)


def write(ctx: Context, grid: list[list[Any]], roles: list[list[str | None]]) -> None:
    """The Cover sheet (top to bottom, one row after the other) with the calibrated
    forecast's ``grid`` (display ``roles``) at ``out_forecast``'s anchor. The headline
    tables have a fixed shape, so the rows below them do not move at a refresh."""
    f = ctx.f
    ws = new_sheet(ctx, SHEET, {0: 3, 1: 30, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 10, 9: 10})
    target = f"{ctx.inputs.target:,.0f}"
    ws.write_formula(
        0,
        1,
        '="Alfa Romeo outlook: can Alfa Romeo reach "&TEXT(in_target,"#,##0")'
        '&" sales a year, when, and what would it take?"',
        f.title(),
        f"Alfa Romeo outlook: can Alfa Romeo reach {target} sales a year, when, and what would it take?",
    )
    wrap = f.get(font_color="595959", text_wrap=True)

    def note(r: int, text: Any, fmt: Any = None) -> None:
        """A note in C:J, wrapped when longer than a line (the row made as tall as it needs)."""
        formula, value = text if isinstance(text, tuple) else (None, text)
        value = value.format(target=target) if formula else value
        lines = -(-len(value) // _LINE)
        ws.merge_range(r, 2, r, _LAST_COL, "", fmt or wrap)
        if formula:
            ws.write_formula(r, 2, formula, fmt or wrap, value)
        else:
            ws.write_string(r, 2, value, fmt or wrap)
        if lines > 1:
            ws.set_row(r, 13 * lines)

    ws.write(
        1,
        1,
        "Yearly sales projected model by model and region by region, scenarios, and the gap to the target. Built by "
        "alfa-xl.",
        f.subtitle(),
    )

    def section(r: int, title: str) -> int:
        ws.write(r, 1, title, f.section())
        for j in range(2, _LAST_COL + 1):
            ws.write_blank(r, j, None, f.section())
        return r + 1

    a0, _ = split_ref(AREA.anchor)
    r = section(a0 - 1 - len(_FORECAST_NOTE), "Headline: the calibrated forecast (the central answer)")
    for line in _FORECAST_NOTE:
        ws.write(r, 1, line, f.note())
        r += 1
    write_owned(ctx, ws, AREA, grid, roles)
    r = section(a0 + len(grid) + 1, "The scenarios are what-ifs, not forecasts")
    note(
        r,
        "Each scenario (Scenarios, Projection and Gap sheets) is one deterministic path without uncertainty. "
        "None of them is the expected value: the calibrated forecast above is.",
    )
    r += 1
    for name, sc in BUILTIN.items():
        note(r, f"{name} ({_SCENARIO_ROLES.get(name, 'a what-if')}): {sc.description}")
        r += 1
    r = section(r + 1, "What it is")
    for line in _ABOUT:
        note(r, line)
        r += 1
    r = section(r + 1, "Sheets")
    for sheet, role in _SHEETS:
        ws.write_url(r, 1, f"internal:{quote_sheet(sheet)}!A1", string=sheet)
        note(r, role)
        r += 1
    r = section(r + 1, "Master check")
    ws.write(r, 1, "All checks (sheet Checks)", f.label())
    ws.write_formula(r, 2, "=chk_master", f.get(bold=True, align="left"), ctx.master)
    status_format(ctx, ws, r, 2, r, 2)
    r += 1
    ws.write(r, 1, "Last refresh (out_status)", f.label())
    ws.merge_range(r, 2, r, _LAST_COL, "", wrap)
    ws.write_formula(r, 2, f"={STATUS_NAME}", wrap, ctx.status)
    ws.set_row(r, 13 * 3)  # the status line of a refresh with ten scenarios and year-to-date units: up to three lines
    r = section(r + 2, "Enable the live functions")
    for i, line in enumerate(_STEPS):
        step = i if i < 2 else i - 1
        ws.write(r, 1, "" if i == 2 else f"Step {step + 1}", f.label())
        note(r, line)
        r += 1
    r += 1
    insert_refresh_button(ws, r, 2)
    insert_import_button(ws, r, 2, x_offset=190)
    insert_refresh_one_button(ws, r, 2, x_offset=360)
    insert_clear_button(ws, r, 2, x_offset=530)
    r += 2
    ws.write(r, 1, "xlwings Lite buttons", f.label())
    insert_lite_buttons(ws, SHEET, r, 2)
    r = section(r + len(LITE_BUTTONS) + 1, "Colour key")
    for fmt, sample, meaning in (
        (f.input(), "400,000", "Input: type here (blue on yellow). Only the Inputs sheet has inputs."),
        (f.calc("#,##0"), "=A1-B1", "Calculation: native Excel formula (black)."),
        (
            f.live("#,##0"),
            "=ALFA_...",
            "Live Python function (purple): needs the xlwings add-in or xlwings Lite; "
            "without them it shows the values of the last refresh.",
        ),
        (
            f.output("units"),
            "87,791",
            "Written by the refresh (dark blue on grey: the forecast above, the Scenarios, Risk and Track record "
            "sheets): do not type here, the next refresh replaces it.",
        ),
        (
            status_fmt(f),
            "Refreshed by ...",
            "Status line of the last refresh (out_status, Scenarios!B5): written by the refresh only.",
        ),
        (f.data("#,##0"), "73,000", "Sourced data (green): see the source beside each row on the Facts sheet."),
        (f.get(bg_color=CHECK_OK_FILL), "OK", "Check passed."),
        (
            f.get(bg_color=CHECK_BAD_FILL),
            "ERROR",
            "Check failed (or REFRESH: the Scenarios, Risk or forecast output is "
            "older than the Inputs; STALE: a check the headless refresh could not "
            "compute, until Excel recalculates).",
        ),
    ):
        ws.write(r, 1, sample, fmt)
        note(r, meaning)
        r += 1
    ws.print_area(0, 0, r, _LAST_COL)
    ws.activate()
