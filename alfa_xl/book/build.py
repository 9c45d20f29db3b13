"""Build ``workbook/alfa_outlook.xlsm`` with XlsxWriter, reproducibly.

The workbook follows the FAST Standard: a Cover with the colour key, one Inputs sheet
(named ranges and the lineup table), calculations (Projection, Gap), the refresh-owned
outputs (Scenarios, Risk with its fan and tornado charts), sourced data (Facts), Checks
with one master check, and the active ``xlwings.conf`` sheet. Every formula cell carries a cached value computed here, so the
file shows true numbers in any spreadsheet application before Python runs:

* ``ALFA_*`` cells: the worksheet functions of :mod:`alfa_xl.excel.functions` called directly
  (their xlwings decorators are pass-throughs outside Excel);
* native formulas: the same arithmetic done in Python.

Fixed document properties and XlsxWriter's fixed zip dates make two builds of the same
inputs byte-identical.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import numpy_financial as npf
import pandas as pd
import xlsxwriter

from alfa_xl.model.gap import DEFAULT_TARGET
from alfa_xl.model.lineup import Lineup
from alfa_xl.model.projection import default_horizon
from alfa_xl.model.report import RefreshInputs
from alfa_xl.model.scenarios import BUILTIN
from alfa_xl.model.simulate import DEFAULT_PATHS, DEFAULT_SEED, MAX_PATHS
from alfa_xl.model.sources import facts, history, latest_actual
from alfa_xl.book.layout import (
    LINEUP_TABLE,
    OUTPUT_FONT,
    ROLE_STYLES,
    SCENARIO_LIST_ROWS,
    SHEETS,
    STATUS_NAME,
    WORKBOOK_NAME,
    BookInputs,
    owned_area,
    status_text,
)
from alfa_xl.book.xlsx import cell_ref, range_ref, split_ref

__all__ = ["build_workbook", "default_path", "MODULE_SOURCE", "BuildResult", "checks_values", "risk_checks_values", "risk_shape"]

#: Rows kept free for each spilled table (room for horizons up to ROOM - 1 years).
ROOM = 20
#: Tornado drivers the Risk sheet's chart shows (the table below out_risk has them all).
TORNADO_ROOM = 10
#: Who the status line written by the build names.
BUILT_BY = "alfa-xl build-workbook (values as built; press Refresh after changing Inputs)"
#: Button macros of the embedded xlwings VBA project (names used as shipped by xlwings).
MACRO_REFRESH = "SampleCall"
MACRO_IMPORT = "ImportPythonUDFs"
#: Fixed creation date written to docProps/core.xml (keeps builds reproducible).
DOC_DATE = _dt.datetime(2026, 1, 1, 0, 0, 0)
#: Tolerance used by the checks (units).
TOLERANCE = 0.01

MODULE_SOURCE = '''"""Macros of alfa_outlook.xlsm (xlwings quickstart convention).

The button "Refresh scenarios and risk" runs the VBA macro ``SampleCall``, which imports
this module (named like the workbook) and calls :func:`main`. Run it from a terminal with the
workbook open in Excel: ``python alfa_outlook.py``.
"""

import xlwings as xw

import alfa_xl.macros


def main():
    """Refresh the Scenarios and Risk sheets from the Inputs sheet of the calling workbook."""
    alfa_xl.macros.refresh_scenarios()


if __name__ == "__main__":
    xw.Book("alfa_outlook.xlsm").set_mock_caller()
    main()
'''

# -- colours (see the colour key on the Cover) ----------------------------------------
INPUT_FONT, INPUT_FILL = "0000FF", "FFF2CC"
LIVE_FONT = "7030A0"
DATA_FONT = "375623"
CHECK_OK_FILL, CHECK_BAD_FILL = "C6EFCE", "FFC7CE"
TITLE_FONT = "1F3864"

LINEUP_UNITS = {
    "model": "name", "status": "on_sale / planned / reported_cancelled", "launch_year": "year",
    "announced_year": "year", "launch_fraction": "share of year", "peak_units": "units a year",
    "plateau": "share of peak", "decay": "per year", "decline_after": "years of age",
    "decline_rate": "share a year", "end_year": "year", "replaces": "model name",
    "share_italy": "share", "share_rest_of_europe": "share", "share_north_america": "share",
    "share_rest_of_world": "share", "source": "link or reference", "comment": "why this value",
}
_LINEUP_FORMATS = {
    "launch_fraction": "0.00", "plateau": "0.00", "decay": "0.00", "decline_after": "0",
    "decline_rate": "0.00", "peak_units": "#,##0", "launch_year": "0", "announced_year": "0",
    "end_year": "0", "share_italy": "0%", "share_rest_of_europe": "0%",
    "share_north_america": "0%", "share_rest_of_world": "0%",
}
_LINEUP_WIDTHS = {"model": 17, "status": 17, "replaces": 12, "source": 40, "comment": 70}


def default_path() -> Path:
    """``workbook/alfa_outlook.xlsm`` in the source tree (next to the package)."""
    return Path(__file__).resolve().parents[2] / "workbook" / WORKBOOK_NAME


def _lineup_csv() -> pd.DataFrame:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / "lineup.csv") as p:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame


def _cell(value: str, column: str) -> Any:
    """A lineup CSV field as Excel stores it: numbers as numbers, blanks as None."""
    if value == "":
        return None
    if column in ("model", "status", "replaces", "source", "comment"):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number == int(number) else number


@dataclass(frozen=True)
class BuildInputs:
    """What the build writes into Inputs (defaults: the shipped data)."""

    target: float
    start_year: int
    end_year: int
    compare_year: int
    scenario: str
    scenario_list: tuple[str, ...]
    lineup_rows: tuple[tuple[Any, ...], ...]
    lineup_columns: tuple[str, ...]
    paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED

    @classmethod
    def default(cls) -> "BuildInputs":
        start, end = default_horizon()
        frame = _lineup_csv()
        cols = tuple(frame.columns)
        rows = tuple(tuple(_cell(v, c) for v, c in zip(r, cols)) for r in frame.itertuples(index=False, name=None))
        return cls(DEFAULT_TARGET, start, end, 2030, "base", tuple(BUILTIN), rows, cols)

    def excel_lineup(self) -> list[list[Any]]:
        """The lineup as Excel passes ``tbl_lineup[#All]``: header row, then rows (numbers as floats)."""
        return [list(self.lineup_columns)] + [[float(v) if isinstance(v, int) else v for v in r] for r in self.lineup_rows]

    def refresh_inputs(self) -> RefreshInputs:
        frame = pd.DataFrame([list(r) for r in self.lineup_rows], columns=list(self.lineup_columns), dtype=object)
        return RefreshInputs(
            target=self.target, start_year=self.start_year, end_year=self.end_year,
            scenarios=self.scenario_list, lineup=Lineup.from_frame(frame), compare_year=self.compare_year,
        )

    def book_inputs(self) -> BookInputs:
        """What a refresh of the built workbook reads (the Risk sheet's inputs included)."""
        return BookInputs(self.refresh_inputs(), self.scenario, self.paths, self.seed)


# -- the live functions, as Excel would call them --------------------------------------
class _Live:
    """Cached values of ``ALFA_*`` cells: :mod:`alfa_xl.excel.functions` called as Excel calls it."""

    def __init__(self, inputs: BuildInputs):
        from alfa_xl.excel import functions as udfs

        self.udfs = udfs
        self.lineup = inputs.excel_lineup()

    def project(self, scenario: str, start: int, end: int, by: str = "model") -> list[list[Any]]:
        return self._table(self.udfs.alfa_project(scenario, float(start), float(end), by, self.lineup))

    def gap_table(self, target: float, scenario: str, start: int, end: int) -> list[list[Any]]:
        return self._table(self.udfs.alfa_gap_table(float(target), scenario, float(start), float(end), self.lineup))

    def total(self, year: int, scenario: str) -> float:
        value = self.udfs.alfa_total(float(year), scenario, self.lineup)
        if not isinstance(value, (int, float)):
            raise RuntimeError(f"ALFA_TOTAL({year}, {scenario!r}) returned {value!r}")
        return float(value)

    @staticmethod
    def _table(result: Any) -> list[list[Any]]:
        if isinstance(result, str) or not isinstance(result, list):
            raise RuntimeError(f"worksheet function returned {result!r}")
        return [list(r) for r in result]


# -- formats ----------------------------------------------------------------------------
class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}

    def get(self, **props: Any):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            p = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
            p.update(props)
            self._cache[key] = self.wb.add_format(p)
        return self._cache[key]

    # roles
    def title(self):
        return self.get(bold=True, font_size=14, font_color=TITLE_FONT)

    def subtitle(self):
        return self.get(italic=True, font_color="595959")

    def section(self):
        return self.get(bold=True, font_size=11, font_color=TITLE_FONT, bottom=1)

    def header(self, **kw):
        return self.get(bold=True, bg_color="D9D9D9", bottom=1, **kw)

    def label(self):
        return self.get()

    def note(self):
        return self.get(font_color="595959", text_wrap=False)

    def input(self, num_format: str = "General", **kw):
        return self.get(font_color=INPUT_FONT, bg_color=INPUT_FILL, num_format=num_format, border=1, border_color="BFBFBF", **kw)

    def calc(self, num_format: str = "General", **kw):
        return self.get(num_format=num_format, **kw)

    def live(self, num_format: str = "General", **kw):
        return self.get(font_color=LIVE_FONT, num_format=num_format, **kw)

    def live_header(self):
        return self.get(font_color=LIVE_FONT, bold=True, bottom=1, bg_color="EDE7F6", align="right")

    def data(self, num_format: str = "General", **kw):
        return self.get(font_color=DATA_FONT, num_format=num_format, **kw)

    def output(self, role: str):
        num_format, bold, fill = ROLE_STYLES[role]
        kw = {"bottom": 1, "align": "right"} if role == "header" else ({"indent": 1, "align": "left"} if role == "text" else {})
        return self.get(font_color=OUTPUT_FONT, bold=bold, bg_color=fill, num_format=num_format, **kw)

    def check(self, num_format: str = "General", **kw):
        return self.get(num_format=num_format, **kw)


_GAP_FORMATS = {"Year": "0", "Share of target": "0.0%", "Growth required": "0.0%", "Years to target": "0.0", "Junior-equivalents": "0.0"}


def _num_format(column: str) -> str:
    return _GAP_FORMATS.get(column, "#,##0")


# -- sheet writers ----------------------------------------------------------------------
@dataclass
class _Ctx:
    wb: xlsxwriter.Workbook
    f: _Formats
    inputs: BuildInputs
    refresh: RefreshInputs
    live: _Live
    names: dict[str, str]          # defined name -> reference
    grid: list[list[Any]]          # initial refresh output (values)
    roles: list[list[str | None]]
    base_year: int
    base_units: float
    hist: pd.DataFrame
    cells: dict[str, Any]          # cached values of named cells for other formulas


def _sheet(ctx: _Ctx, name: str, widths: dict[int, float] | None = None, landscape: bool = True):
    ws = ctx.wb.add_worksheet(name)
    ws.hide_gridlines(2)
    ws.set_zoom(100)
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer(f"&L&8{WORKBOOK_NAME}&C&8&A&R&8Page &P of &N")
    for col, width in (widths or {}).items():
        ws.set_column(col, col, width)
    return ws


def _define(ctx: _Ctx, name: str, sheet: str, r0: int, c0: int, r1: int | None = None, c1: int | None = None) -> None:
    r1 = r0 if r1 is None else r1
    c1 = c0 if c1 is None else c1
    ref = f"={_q(sheet)}!{range_ref(r0, c0, r1, c1, absolute=True)}"
    ctx.wb.define_name(name, ref)
    ctx.names[name] = ref


def _q(sheet: str) -> str:
    return sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"


def _cover(ctx: _Ctx) -> None:
    f = ctx.f
    ws = _sheet(ctx, "Cover", {0: 3, 1: 30, 2: 95}, landscape=False)
    ws.write(0, 1, "Alfa Romeo outlook: can Alfa Romeo reach 400,000 sales a year, when, and what would it take?", f.title())
    ws.write(1, 1, "Yearly sales projected model by model and region by region, scenarios, and the gap to the target. Built by alfa-xl.", f.subtitle())
    r = 3
    ws.write(r, 1, "What it is", f.section()); ws.write_blank(r, 2, None, f.section()); r += 1
    for line in (
        "A lifecycle model of every Alfa Romeo nameplate (on sale and planned) projects yearly registrations;",
        "scenarios move launches and peaks; the gap is the target (400,000 a year, Marchionne's May 2014 plan) minus the projection.",
        "Every input is on the Inputs sheet with its unit, source and a comment. Every fact is sourced on the Facts sheet.",
    ):
        ws.write(r, 2, line, f.note()); r += 1
    r += 1
    ws.write(r, 1, "Sheets", f.section()); ws.write_blank(r, 2, None, f.section()); r += 1
    for sheet, role in (
        ("Inputs", "Inputs: target, horizon, compare year, scenarios, and the model lineup (table tbl_lineup)."),
        ("Projection", "Calculation: live =ALFA_PROJECT() tables by model and region, and the outlook chart."),
        ("Scenarios", "Output written by the refresh (out_scenarios): comparison, one projection and one gap table per scenario; status line out_status."),
        ("Gap", "Calculation: live =ALFA_GAP_TABLE() and native Excel cross-checks of the gap and the growth required."),
        ("Risk", "Output written by the refresh (out_risk): Monte Carlo fan (P10/P50/P90), probability of the target by year, tornado; two charts."),
        ("Facts", "Sourced data: facts and yearly history, with sources."),
        ("Checks", "Checks in native Excel formulas and the master check."),
        ("xlwings.conf", "Settings read by xlwings (UDF Modules = alfa_xl.udfs). No machine-specific paths."),
    ):
        ws.write_url(r, 1, f"internal:{_q(sheet)}!A1", string=sheet)
        ws.write(r, 2, role, f.note()); r += 1
    r += 1
    ws.write(r, 1, "Master check", f.section()); ws.write_blank(r, 2, None, f.section()); r += 1
    ws.write(r, 1, "All checks (sheet Checks)", f.label())
    ws.write_formula(r, 2, "=chk_master", f.get(bold=True, align="left"), ctx.cells["chk_master"])
    _status_format(ctx, ws, r, 2, r, 2)
    r += 1
    ws.write(r, 1, "Last refresh (out_status)", f.label())
    ws.write_formula(r, 2, f"={STATUS_NAME}", f.note(), ctx.cells["status"])
    r += 2
    ws.write(r, 1, "Enable the live functions", f.section()); ws.write_blank(r, 2, None, f.section()); r += 1
    for i, line in enumerate((
        "Install Python 3.11+ and alfa-xl (pip install alfa-xl), then the xlwings add-in: xlwings addin install.",
        "Open this workbook and enable macros. The sheet xlwings.conf sets UDF Modules = alfa_xl.udfs and Interpreter_Win = python;",
        "edit Interpreter_Win / Interpreter_Mac there if Python is not on the PATH (no path is stored in this file).",
        "Press Import functions (or xlwings ribbon > Import Functions) once: ALFA_PROJECT, ALFA_GAP_TABLE, ALFA_TOTAL, ... become live.",
        "Press Refresh scenarios and risk after changing Inputs: it runs alfa_xl.macros.refresh_scenarios (module alfa_outlook.py beside this file).",
        "Without Excel: alfa-xl refresh alfa_outlook.xlsm rewrites the Scenarios and Risk sheets the same way (Excel must be closed).",
        "Either way the status line (out_status, on the Scenarios sheet and above) says what was refreshed, or why nothing was.",
        "Until the functions are live, purple cells show the values computed when the workbook was built (LibreOffice shows #NAME?).",
    )):
        step = i if i < 2 else i - 1
        ws.write(r, 1, "" if i == 2 else f"Step {step + 1}", f.label())
        ws.write(r, 2, line, f.note()); r += 1
    r += 1
    ws.insert_button(r, 2, {"macro": MACRO_REFRESH, "caption": "Refresh scenarios and risk", "width": 170, "height": 28})
    ws.insert_button(r, 2, {"macro": MACRO_IMPORT, "caption": "Import functions", "width": 150, "height": 28, "x_offset": 190})
    r += 3
    ws.write(r, 1, "Colour key", f.section()); ws.write_blank(r, 2, None, f.section()); r += 1
    for fmt, sample, meaning in (
        (f.input(), "400,000", "Input: type here (blue on yellow). Only the Inputs sheet has inputs."),
        (f.calc("#,##0"), "=A1-B1", "Calculation: native Excel formula (black)."),
        (f.live("#,##0"), "=ALFA_...", "Live Python function (purple): needs the xlwings add-in; shows build-time values until then."),
        (f.output("units"), "101,287", "Written by the refresh (dark blue on grey: Scenarios and Risk sheets): do not type here, the next refresh replaces it."),
        (_status_fmt(f), "Refreshed by ...", "Status line of the last refresh (out_status, Scenarios!B5): written by the refresh only."),
        (f.data("#,##0"), "73,000", "Sourced data (green): see the source beside each row on the Facts sheet."),
        (f.get(bg_color=CHECK_OK_FILL), "OK", "Check passed."),
        (f.get(bg_color=CHECK_BAD_FILL), "ERROR", "Check failed (or REFRESH: the Scenarios or Risk output is older than the Inputs)."),
    ):
        ws.write(r, 1, sample, fmt)
        ws.write(r, 2, meaning, f.note()); r += 1
    ws.activate()


def _inputs(ctx: _Ctx) -> None:
    f = ctx.f
    cols = ctx.inputs.lineup_columns
    widths = {j: _LINEUP_WIDTHS.get(c, 11) for j, c in enumerate(cols)}
    widths[0] = 30
    widths[3] = 16
    ws = _sheet(ctx, "Inputs", widths)
    ws.write(0, 0, "Inputs", f.title())
    ws.write(1, 0, "Blue-on-yellow cells are the only inputs of the workbook. Change them, then press Refresh scenarios and risk (or run alfa-xl refresh).", f.subtitle())
    ws.write_row(3, 0, ["Input", "Value", "Unit", "Name", "Source and comment"], f.header())
    base_year, base_units = ctx.base_year, ctx.base_units
    rows = (
        ("in_target", "Target", ctx.inputs.target, "#,##0", "units a year", "Sergio Marchionne's plan of May 2014: 400,000 Alfa Romeo sales a year."),
        ("in_start_year", "First projection year", ctx.inputs.start_year, "0", "year", f"The year after the latest actual ({base_year}: {base_units:,.0f} units)."),
        ("in_end_year", "Last projection year", ctx.inputs.end_year, "0", "year", f"2030 is the horizon of the current plan; up to {ctx.inputs.start_year + ROOM - 2} fits the sheets."),
        ("in_compare_year", "Compare year", ctx.inputs.compare_year, "0", "year", "Year in which the scenarios are compared on the Scenarios sheet."),
        ("in_scenario", "Scenario shown", ctx.inputs.scenario, "General", "name", "Scenario of the Projection and Gap sheets, and the one the Risk sheet's paths vary around (a built-in name below)."),
        ("in_tolerance", "Check tolerance", TOLERANCE, "0.00", "units", "Largest difference the Checks sheet accepts as equal."),
    )
    r = 4
    for name, label, value, fmt, unit, note in rows:
        ws.write(r, 0, label, f.label())
        ws.write(r, 1, value, f.input(fmt, align="right" if not isinstance(value, str) else "left"))
        ws.write(r, 2, unit, f.note())
        ws.write(r, 3, name, f.note())
        ws.write(r, 4, note, f.note())
        _define(ctx, name, "Inputs", r, 1)
        r += 1
    ws.data_validation(8, 1, 8, 1, {"validate": "list", "source": list(BUILTIN), "error_message": f"Use one of {', '.join(BUILTIN)}."})
    r += 1
    ws.write_row(r, 0, ["Scenarios to refresh", "Scenario", "", "Name", "Built-in scenarios"], f.header()); r += 1
    first = r
    described = {s.name: s.description for s in BUILTIN.values()}
    for i in range(SCENARIO_LIST_ROWS):
        name = ctx.inputs.scenario_list[i] if i < len(ctx.inputs.scenario_list) else None
        ws.write(r, 0, f"Scenario {i + 1}", f.label())
        if name is None:
            ws.write_blank(r, 1, None, f.input())
        else:
            ws.write(r, 1, name, f.input())
        if i < len(BUILTIN):
            key = list(BUILTIN)[i]
            ws.write(r, 4, f"{key}: {described[key]}", f.note())
        r += 1
    ws.write(first, 3, "in_scenario_list", f.note())
    ws.data_validation(first, 1, r - 1, 1, {"validate": "list", "source": list(BUILTIN), "ignore_blank": True, "error_message": f"Use one of {', '.join(BUILTIN)}, or leave blank."})
    _define(ctx, "in_scenario_list", "Inputs", first, 1, r - 1, 1)
    r += 1
    ws.write_row(r, 0, ["Risk simulation (sheet Risk)", "Value", "Unit", "Name", "Source and comment"], f.header()); r += 1
    risk_rows = (
        ("in_paths", "Monte Carlo paths", ctx.inputs.paths, "#,##0", "paths",
         f"Paths drawn around in_scenario, 1 to {MAX_PATHS:,}. 10,000 puts the percentiles within about 1%; more paths take longer to refresh."),
        ("in_seed", "Random seed", ctx.inputs.seed, "0", "whole number",
         f"Same seed, same figures: the Risk sheet refreshes reproducibly. {DEFAULT_SEED} is the default of alfa-xl simulate; change it to see sampling noise."),
    )
    for name, label, value, fmt, unit, note in risk_rows:
        ws.write(r, 0, label, f.label())
        ws.write(r, 1, value, f.input(fmt, align="right"))
        ws.write(r, 2, unit, f.note())
        ws.write(r, 3, name, f.note())
        ws.write(r, 4, note, f.note())
        _define(ctx, name, "Inputs", r, 1)
        r += 1
    ws.data_validation(r - 2, 1, r - 2, 1, {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": MAX_PATHS,
                                            "error_message": f"Give a whole number of paths from 1 to {MAX_PATHS:,}."})
    ws.data_validation(r - 1, 1, r - 1, 1, {"validate": "integer", "criteria": ">=", "value": 0,
                                            "error_message": "Give a whole number of 0 or more as the seed."})
    r += 1
    ws.write(r, 0, f"Lineup (table {LINEUP_TABLE}): one row per model; the row below gives each column's unit", f.section())
    for j in range(1, len(cols)):
        ws.write_blank(r, j, None, f.section())
    r += 1
    ws.write_row(r, 0, [LINEUP_UNITS.get(c, "") for c in cols], f.get(italic=True, font_color="595959", text_wrap=True))
    ws.set_row(r, 27)
    r += 1
    header_row = r
    data = [list(row) for row in ctx.inputs.lineup_rows]
    columns = []
    for c in cols:
        fmt = _LINEUP_FORMATS.get(c, "General")
        text_wrap = c in ("source", "comment")
        columns.append({"header": c, "format": f.input(fmt, text_wrap=text_wrap), "header_format": f.header(text_wrap=True)})
    last = header_row + len(data)
    ws.add_table(header_row, 0, last, len(cols) - 1, {
        "name": LINEUP_TABLE, "columns": columns, "data": data, "style": "Table Style Light 1", "autofilter": False,
    })
    ws.set_row(header_row, 27)
    for i in range(len(data)):
        ws.set_row(header_row + 1 + i, 40)
    ws.insert_button(3, 6, {"macro": MACRO_REFRESH, "caption": "Refresh scenarios and risk", "width": 170, "height": 28})
    ctx.cells["lineup_header_row"] = header_row


def _spill(ctx: _Ctx, ws, row: int, formula: str, table: list[list[Any]], formats: Sequence[str], room_cols: int) -> None:
    """Write a dynamic-array formula with every spilled cell's cached value, and format
    the room it may grow into."""
    f = ctx.f
    height, width = len(table), len(table[0])
    for rr in range(row + 1, row + ROOM):
        for cc in range(room_cols):
            ws.write_blank(rr, cc, None, f.live(formats[min(cc, len(formats) - 1)]))
    ws.write_dynamic_array_formula(row, 0, row + height - 1, width - 1, formula, f.live_header(), table[0][0])
    for j, v in enumerate(table[0][1:], start=1):
        ws.write(row, j, v, f.live_header())
    for i, r in enumerate(table[1:], start=1):
        for j, v in enumerate(r):
            fmt = f.live(formats[min(j, len(formats) - 1)])
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                ws.write_blank(row + i, j, None, fmt)
            else:
                ws.write(row + i, j, v, fmt)


def _projection(ctx: _Ctx) -> dict[str, Any]:
    f = ctx.f
    inp = ctx.inputs
    ws = _sheet(ctx, "Projection", {0: 10, **{j: 16 for j in range(1, 12)}})
    ws.write(0, 0, "Projection: units sold a year by model and by region (live)", f.title())
    ws.write(1, 0, "Purple cells are =ALFA_PROJECT() formulas that spill: live with the xlwings add-in, otherwise the values computed when the workbook was built.", f.subtitle())
    ws.write(3, 0, "Scenario", f.label())
    ws.write_formula(3, 1, "=in_scenario", f.calc(), inp.scenario)
    ws.write(3, 3, "Years", f.label())
    ws.write_formula(3, 4, '=in_start_year&"-"&in_end_year', f.calc(), f"{inp.start_year}-{inp.end_year}")
    lineup_arg = f"{LINEUP_TABLE}[#All]"
    by_model = ctx.live.project(inp.scenario, inp.start_year, inp.end_year, "model")
    ws.write(5, 0, "Units by model", f.section())
    _spill(ctx, ws, 6, f'=ALFA_PROJECT(in_scenario,in_start_year,in_end_year,"model",{lineup_arg})', by_model, ["0", "#,##0"], len(by_model[0]))
    region_row = 6 + ROOM + 1
    by_region = ctx.live.project(inp.scenario, inp.start_year, inp.end_year, "region")
    ws.write(region_row - 1, 0, "Units by region", f.section())
    _spill(ctx, ws, region_row, f'=ALFA_PROJECT(in_scenario,in_start_year,in_end_year,"region",{lineup_arg})', by_region, ["0", "#,##0"], len(by_region[0]))

    # chart data: history (linked to Facts) and the first scenarios of the list
    chart_row = region_row + ROOM + 1
    ws.write(chart_row - 1, 0, "Chart data: history and scenario totals (units a year)", f.section())
    k = min(5, len(inp.scenario_list))
    ws.write(chart_row, 0, "Year", f.header())
    ws.write(chart_row, 1, "History", f.header())
    for j in range(k):
        ws.write_formula(chart_row, 2 + j, f"=INDEX(in_scenario_list,{j + 1})", f.header(), inp.scenario_list[j])
    ws.write(chart_row, 2 + k, "Target", f.header())
    hist_rows = ctx.cells["history_rows"]  # (year, units, facts row)
    years = [y for y, _, _ in hist_rows] + list(range(inp.start_year, inp.end_year + 1))
    r = chart_row + 1
    target_col = 2 + k
    totals: dict[str, dict[int, float]] = {s: {} for s in inp.scenario_list[:k]}
    for y, units, frow in hist_rows:
        ws.write_formula(r, 0, f"=Facts!{cell_ref(frow, 0)}", f.data("0"), y)
        ws.write_formula(r, 1, f"=Facts!{cell_ref(frow, 1)}", f.data("#,##0"), units)
        if y == ctx.base_year:
            for j in range(k):
                ws.write_formula(r, 2 + j, f"={cell_ref(r, 1)}", f.calc("#,##0"), units)
        ws.write_formula(r, target_col, "=in_target", f.calc("#,##0"), inp.target)
        r += 1
    for y in range(inp.start_year, inp.end_year + 1):
        ws.write_formula(r, 0, f"={cell_ref(r - 1, 0)}+1" if y > inp.start_year else "=in_start_year", f.calc("0"), y)
        for j in range(k):
            s = inp.scenario_list[j]
            value = ctx.live.total(y, s)
            totals[s][y] = value
            ws.write_formula(r, 2 + j, f"=ALFA_TOTAL($A{r + 1},{cell_ref(chart_row, 2 + j, True)},{lineup_arg})", f.live("#,##0"), value)
        ws.write_formula(r, target_col, "=in_target", f.calc("#,##0"), inp.target)
        r += 1
    last = r - 1

    chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    first_data = chart_row + 1
    chart.add_series({
        "name": "History", "categories": ["Projection", first_data, 0, last, 0], "values": ["Projection", first_data, 1, last, 1],
        "line": {"color": "#404040", "width": 2.25}, "marker": {"type": "circle", "size": 4, "fill": {"color": "#404040"}, "border": {"color": "#404040"}},
    })
    palette = ["#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#FF7F0E"]
    for j in range(k):
        chart.add_series({
            "name": ["Projection", chart_row, 2 + j], "categories": ["Projection", first_data, 0, last, 0],
            "values": ["Projection", first_data, 2 + j, last, 2 + j],
            "line": {"color": palette[j], "width": 1.75}, "marker": {"type": "none"},
        })
    chart.add_series({
        "name": "Target", "categories": ["Projection", first_data, 0, last, 0], "values": ["Projection", first_data, target_col, last, target_col],
        "line": {"color": "#C00000", "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"},
    })
    chart.set_title({"name": "Alfa Romeo sales a year: history, scenarios and the 400,000 target", "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"min": int(years[0]), "max": int(inp.end_year), "major_unit": 2, "num_format": "0", "num_font": {"size": 8}, "major_gridlines": {"visible": False}})
    chart.set_y_axis({"min": 0, "num_format": "#,##0", "num_font": {"size": 8}, "name": "units a year", "name_font": {"size": 9, "bold": False}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 760, "height": 400})
    ws.insert_chart(2, 13, chart)
    tot = by_model[0].index("Total")
    worst = max(abs(sum(r[1:tot]) - r[tot]) for r in by_model[1:])
    ctx.cells["live_sum_status"] = "OK" if worst <= TOLERANCE else "ERROR"
    return {"by_model": by_model, "totals": totals}


def _gap(ctx: _Ctx, proj: dict[str, Any]) -> None:
    f = ctx.f
    inp = ctx.inputs
    ws = _sheet(ctx, "Gap", {0: 10, **{j: 17 for j in range(1, 9)}})
    ws.write(0, 0, "Gap to the target (live) and native Excel cross-checks", f.title())
    ws.write(1, 0, "Gap = target - projection (positive = short of the target). Growth required compounds yearly from the latest actual.", f.subtitle())
    ws.write(3, 0, "Scenario", f.label())
    ws.write_formula(3, 1, "=in_scenario", f.calc(), inp.scenario)
    ws.write(3, 3, "Target", f.label())
    ws.write_formula(3, 4, "=in_target", f.calc("#,##0"), inp.target)
    table = ctx.live.gap_table(inp.target, inp.scenario, inp.start_year, inp.end_year)
    ws.write(5, 0, "ALFA_GAP_TABLE: per-year gap metrics", f.section())
    fmts = [_num_format(c) for c in table[0]]
    _spill(ctx, ws, 6, f"=ALFA_GAP_TABLE(in_target,in_scenario,in_start_year,in_end_year,{LINEUP_TABLE}[#All])", table, fmts, len(table[0]))

    # native cross-checks, one formula along each column
    r0 = 6 + ROOM + 1
    ws.write(r0 - 1, 0, "Native cross-check from the projection on the Projection sheet (Excel formulas only)", f.section())
    headers = ["Year", "Projection", "Target", "Gap", "Share of target", "Growth required (RATE)", "Growth required ((T/A)^(1/n)-1)", "Gap minus ALFA_GAP_TABLE"]
    ws.write_row(r0, 0, headers, f.header(text_wrap=True))
    ws.set_row(r0, 27)
    by_model = proj["by_model"]
    total_col = by_model[0].index("Total")
    proj_rows = f"Projection!$A$8:$Z${7 + ROOM - 1}"
    proj_years = f"Projection!$A$8:$A${7 + ROOM - 1}"
    proj_head = "Projection!$A$7:$Z$7"
    gap_col = table[0].index("Gap")
    ctx.cells["gap_native"] = []
    diffs: list[float] = []
    for i, row in enumerate(by_model[1:]):
        r = r0 + 1 + i
        y = int(row[0])
        total = float(row[total_col])
        gap = inp.target - total
        n = y - ctx.base_year
        rate = float(npf.rate(n, 0, -ctx.base_units, inp.target)) if n > 0 else ""
        closed = (inp.target / ctx.base_units) ** (1 / n) - 1 if n > 0 else ""
        ws.write_formula(r, 0, "=in_start_year" if i == 0 else f"={cell_ref(r - 1, 0)}+1", f.calc("0"), y)
        ws.write_formula(r, 1, f'=INDEX({proj_rows},MATCH($A{r + 1},{proj_years},0),MATCH("Total",{proj_head},0))', f.calc("#,##0"), total)
        ws.write_formula(r, 2, "=in_target", f.calc("#,##0"), inp.target)
        ws.write_formula(r, 3, f"=C{r + 1}-B{r + 1}", f.calc("#,##0"), gap)
        ws.write_formula(r, 4, f"=B{r + 1}/C{r + 1}", f.calc("0.0%"), total / inp.target)
        ws.write_formula(r, 5, f'=IF($A{r + 1}>data_base_year,RATE($A{r + 1}-data_base_year,0,-data_base_units,C{r + 1}),"")', f.calc("0.0%"), rate)
        ws.write_formula(r, 6, f'=IF($A{r + 1}>data_base_year,(C{r + 1}/data_base_units)^(1/($A{r + 1}-data_base_year))-1,"")', f.calc("0.0%"), closed)
        live_gap = float(table[1 + i][gap_col])
        ws.write_formula(r, 7, f"=D{r + 1}-{cell_ref(7 + i, gap_col)}", f.calc("#,##0.00"), gap - live_gap)
        diffs.append(abs(gap - live_gap))
        ctx.cells["gap_native"].append((y, total, gap, rate, closed))
    ctx.cells["gap_native_rows"] = (r0 + 1, r0 + len(by_model) - 1)
    ctx.cells["live_gap_status"] = "OK" if sum(diffs) <= TOLERANCE else "ERROR"

    chart = ctx.wb.add_chart({"type": "column"})
    first, last = ctx.cells["gap_native_rows"]
    chart.add_series({
        "name": ["Gap", 3, 1], "categories": ["Gap", first, 0, last, 0], "values": ["Gap", first, 3, last, 3],
        "fill": {"color": "#C00000"}, "data_labels": {"value": True, "num_format": "#,##0", "font": {"size": 8}},
    })
    chart.set_title({"name": "Gap to the target by year (units a year), scenario shown", "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis({"num_font": {"size": 8}})
    chart.set_y_axis({"min": 0, "num_format": "#,##0", "num_font": {"size": 8}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 330})
    ws.insert_chart(2, 10, chart)


def _status_fmt(f: _Formats):
    # no fill: the headless refresh finds its output formats by font colour, fill, bold and
    # number format, so the status format must differ from every output role in one of them
    return f.get(font_color=OUTPUT_FONT, italic=True)


def _scenarios(ctx: _Ctx) -> None:
    f = ctx.f
    area = owned_area("out_scenarios")
    width = len(ctx.grid[0])
    ws = _sheet(ctx, area.sheet, {0: 13, **{j: 17 for j in range(1, max(width, 12))}})
    ws.write(0, 0, "Scenarios: comparison, projection and gap per scenario", f.title())
    ws.write(1, 0, "Written by the refresh (button Refresh scenarios, or alfa-xl refresh) from the Inputs sheet. Do not type in the grey area:", f.subtitle())
    ws.write(2, 0, "the next refresh clears it and writes the new tables; the name out_scenarios always covers the area last written.", f.subtitle())
    ws.write(3, 0, "Units a year; shares and growth rates in %; gap = target - projection.", f.subtitle())
    ws.write(4, 0, "Last refresh", f.get(bold=True))
    ws.write_string(4, 1, ctx.cells["status"], _status_fmt(f))
    _define(ctx, STATUS_NAME, area.sheet, 4, 1)
    _write_owned(ctx, ws, area.name, area.anchor, ctx.grid, ctx.roles)


def _write_owned(ctx: _Ctx, ws, name: str, anchor: str, grid: list[list[Any]], roles: list[list[str | None]]) -> None:
    r0, c0 = split_ref(anchor)
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
    _define(ctx, name, ws.name, r0, c0, r0 + len(grid) - 1, c0 + len(grid[0]) - 1)


def risk_shape(grid: list[list[Any]]) -> dict[str, Any]:
    """Where the three blocks of a Risk output ``grid`` are, as the sheet's native
    formulas find them: the tornado's header row (1-based, the row whose first cell is
    ``Driver``), the years of the fan ``Y = (tornado row - 8) / 2`` and the drivers
    ``D = rows - tornado row``."""
    t = next(i for i, row in enumerate(grid) if row and row[0] == "Driver") + 1
    return {"tornado_row": t, "years": (t - 8) // 2, "drivers": len(grid) - t}


def _column(grid: list[list[Any]], header_row: int, label: str) -> int:
    """0-based column of ``label`` in the 1-based ``header_row`` of ``grid``."""
    return grid[header_row - 1].index(label)


def _risk(ctx: _Ctx) -> None:
    """The Risk sheet: the refresh-owned out_risk, chart data in native formulas over it,
    and the fan and tornado charts."""
    f = ctx.f
    area = owned_area("out_risk")
    grid, roles = ctx.cells["risk_grid"], ctx.cells["risk_roles"]
    ws = _sheet(ctx, area.sheet, {0: 34, **{j: 13 for j in range(1, 7)}, 7: 3, 8: 4, 9: 28, **{j: 11 for j in range(10, 18)}})
    ws.write(0, 0, "Risk: how likely is the target, and which assumption matters most", f.title())
    ws.write(1, 0, "Written by the refresh (button Refresh scenarios and risk, or alfa-xl refresh): in_paths Monte Carlo paths around in_scenario, seed in_seed.", f.subtitle())
    ws.write(2, 0, "Do not type in the grey area: the next refresh clears it; the name out_risk always covers the area last written.", f.subtitle())
    ws.write(3, 0, "Units a year. Probability = share of paths at or above the target. Tornado: the compare year's total with one driver at its P10 or P90.", f.subtitle())
    _write_owned(ctx, ws, area.name, area.anchor, grid, roles)
    ws.insert_button(0, 9, {"macro": MACRO_REFRESH, "caption": "Refresh scenarios and risk", "width": 170, "height": 24, "x_offset": 120})

    shape = risk_shape(grid)
    y_n, d_n, t_row = shape["years"], shape["drivers"], shape["tornado_row"]
    r = 41
    ws.write(r - 2, 8, "Chart data (grouped rows below: press + at the left to show them)", f.note())
    ws.write(r - 1, 8, "Chart data: native formulas over out_risk (rows past the output show #N/A, which the charts skip)", f.section())
    for j in range(9, 18):
        ws.write_blank(r - 1, j, None, f.section())
    counts = (
        ("calc_risk_tornado_row", "Tornado header row in out_risk", '=MATCH("Driver",INDEX(out_risk,0,1),0)', t_row),
        ("calc_risk_years", "Years in the fan (Y)", "=(calc_risk_tornado_row-8)/2", y_n),
        ("calc_risk_drivers", "Drivers in the tornado (D)", "=ROWS(out_risk)-calc_risk_tornado_row", d_n),
    )
    for i, (name, label, formula, value) in enumerate(counts):
        ws.write(r + i, 9, label, f.label())
        ws.write_formula(r + i, 10, formula, f.calc("0"), value)
        _define(ctx, name, area.sheet, r + i, 10)

    # the fan: one formula along each row, one row per year (#N/A past the horizon)
    h = r + 4
    fan_cols = ["Year", "P10", "P50", "P90", "Scenario"]
    ws.write(h, 8, "#", f.header())
    ws.write_row(h, 9, fan_cols + ["Target"], f.header(align="right", text_wrap=True))
    fan_src = {c: _column(grid, 2, c) for c in fan_cols}
    fan_data: dict[str, list[Any]] = {c: [] for c in fan_cols + ["Target"]}
    for i in range(1, ROOM + 1):
        rr = h + i
        R = rr + 1
        ws.write_number(rr, 8, i, f.calc("0"))
        on = i <= y_n
        for j, c in enumerate(fan_cols):
            col = cell_ref(h, 9 + j).rstrip("0123456789")
            formula = f"=IF($I{R}<=calc_risk_years,INDEX(out_risk,2+$I{R},MATCH({col}${h + 1},INDEX(out_risk,2,0),0)),NA())"
            value = grid[1 + i][fan_src[c]] if on else "#N/A"
            ws.write_formula(rr, 9 + j, formula, f.calc("0" if c == "Year" else "#,##0"), value)
            fan_data[c].append(value if on else None)
        ws.write_formula(rr, 14, f"=IF($I{R}<=calc_risk_years,in_target,NA())", f.calc("#,##0"), ctx.inputs.target if on else "#N/A")
        fan_data["Target"].append(ctx.inputs.target if on else None)
    fan_first, fan_last = h + 1, h + ROOM

    # the tornado: largest swing first; bars are low and high minus the scenario's total
    t = fan_last + 3
    ws.write(t - 1, 8, "Tornado chart data (the chart shows the first TORNADO_ROOM drivers; the table in out_risk has them all)".replace("TORNADO_ROOM", str(TORNADO_ROOM)), f.label())
    torn_cols = ["Driver", "Low setting", "High setting", "Low", "High", "Scenario"]
    ws.write(t, 8, "#", f.header())
    ws.write_row(t, 9, torn_cols + ["Below the scenario", "Above the scenario", "Chart label"], f.header(align="right", text_wrap=True))
    ws.set_row(t, 27)
    src = {c: _column(grid, t_row, c) for c in torn_cols}
    labels, below, above = [], [], []
    for i in range(1, TORNADO_ROOM + 1):
        rr = t + i
        R = rr + 1
        ws.write_number(rr, 8, i, f.calc("0"))
        on = i <= d_n
        row = grid[t_row - 1 + i] if on else None
        for j, c in enumerate(torn_cols):
            col = cell_ref(t, 9 + j).rstrip("0123456789")
            formula = (f"=IF($I{R}<=calc_risk_drivers,INDEX(out_risk,calc_risk_tornado_row+$I{R},"
                       f"MATCH({col}${t + 1},INDEX(out_risk,calc_risk_tornado_row,0),0)),NA())")
            value = row[src[c]] if on else "#N/A"
            ws.write_formula(rr, 9 + j, formula, f.calc("General" if j < 3 else "#,##0"), value)
        lo, hi, mid = (row[src["Low"]], row[src["High"]], row[src["Scenario"]]) if on else (None, None, None)
        ws.write_formula(rr, 15, f"=M{R}-O{R}", f.calc("#,##0"), lo - mid if on else "#N/A")
        ws.write_formula(rr, 16, f"=N{R}-O{R}", f.calc("#,##0"), hi - mid if on else "#N/A")
        label = f"{row[src['Driver']]} ({row[src['Low setting']]} / {row[src['High setting']]})" if on else ""
        ws.write_formula(rr, 17, f'=IF(ISNA(J{R}),"",J{R}&" ("&K{R}&" / "&L{R}&")")', f.calc(), label)
        labels.append(label)
        below.append(lo - mid if on else None)
        above.append(hi - mid if on else None)
    t_first, t_last = t + 1, t + TORNADO_ROOM
    # the chart data is a calculation step: grouped and collapsed so that the sheet (and
    # its printout) shows the output and the charts; the charts plot hidden cells
    for row in range(r - 1, t_last + 1):
        ws.set_row(row, 27 if row == t else None, None, {"level": 1, "hidden": True})
    ws.set_row(t_last + 1, None, None, {"collapsed": True})

    fan = ctx.wb.add_chart({"type": "scatter", "subtype": "straight"})
    years = ["Risk", fan_first, 9, fan_last, 9]
    styles = {
        "P90": {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"},
        "P50": {"color": "#2E75B6", "width": 2.25},
        "P10": {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"},
        "Scenario": {"color": "#404040", "width": 1.75},
        "Target": {"color": "#C00000", "width": 1.5, "dash_type": "dash"},
    }
    names = {"P90": "P90 (1 path in 10 above)", "P50": "P50 (median path)", "P10": "P10 (1 path in 10 below)",
             "Scenario": "Scenario without uncertainty", "Target": "Target"}
    for c in ("P90", "P50", "P10", "Scenario", "Target"):
        j = 9 + (fan_cols + ["Target"]).index(c)
        fan.add_series({
            "name": names[c], "categories": years, "values": ["Risk", fan_first, j, fan_last, j],
            "categories_data": fan_data["Year"], "values_data": fan_data[c],
            "line": styles[c], "marker": {"type": "none"} if c != "Scenario" else {"type": "circle", "size": 4, "fill": {"color": "#404040"}, "border": {"color": "#404040"}},
        })
    fan.set_title({"name": "Fan: yearly total across the simulated paths, the scenario and the target", "name_font": {"size": 11, "bold": True}})
    fan.set_x_axis({"major_unit": 1, "num_format": "0", "num_font": {"size": 8}, "major_gridlines": {"visible": False}})
    fan.set_y_axis({"min": 0, "num_format": "#,##0", "num_font": {"size": 8}, "name": "units a year", "name_font": {"size": 9, "bold": False},
                    "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    fan.set_legend({"position": "bottom", "font": {"size": 8}})
    fan.show_hidden_data()
    fan.set_size({"width": 760, "height": 360})
    ws.insert_chart(2, 8, fan, {"x_offset": 10, "y_offset": 10})

    torn = ctx.wb.add_chart({"type": "bar", "subtype": "stacked"})
    cats = ["Risk", t_first, 17, t_last, 17]
    torn.add_series({"name": "Driver at its unfavourable setting", "categories": cats, "values": ["Risk", t_first, 15, t_last, 15],
                     "categories_data": labels, "values_data": below, "fill": {"color": "#C55A5A"}, "border": {"none": True},
                     "gap": 40, "overlap": 100})
    torn.add_series({"name": "Driver at its favourable setting", "categories": cats, "values": ["Risk", t_first, 16, t_last, 16],
                     "categories_data": labels, "values_data": above, "fill": {"color": "#5B9BD5"}, "border": {"none": True}})
    torn.set_title({"name": "Tornado: total in the compare year, one driver at a time (units above or below the scenario)", "name_font": {"size": 11, "bold": True}})
    torn.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 8}, "label_position": "low"})
    torn.set_x_axis({"num_format": "+#,##0;-#,##0;0", "num_font": {"size": 8}, "name": "units a year, relative to the scenario's total",
                     "name_font": {"size": 9, "bold": False}, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    torn.set_legend({"position": "bottom", "font": {"size": 8}})
    torn.show_hidden_data()
    torn.set_plotarea({"layout": {"x": 0.40, "y": 0.10, "width": 0.56, "height": 0.68}})
    torn.set_size({"width": 760, "height": 360})
    ws.insert_chart(21, 8, torn, {"x_offset": 10, "y_offset": 0})


def _facts(ctx: _Ctx) -> None:
    f = ctx.f
    ws = _sheet(ctx, "Facts", {0: 26, 1: 12, 2: 9, 3: 9, 4: 60, 5: 70})
    ws.write(0, 0, "Facts and history (sourced data)", f.title())
    ws.write(1, 0, "Green cells are sourced data: each row names its source. The refresh and the checks read the latest actual year from here.", f.subtitle())
    fr = facts()
    ws.write(3, 0, "Facts", f.section())
    ws.write_row(4, 0, ["Key", "Value", "Unit", "As of", "Source", "Note"], f.header())
    r = 5
    for row in fr.itertuples(index=False):
        fmt = "0.0%" if row.unit == "share" else "#,##0"
        ws.write(r, 0, row.key, f.label())
        ws.write_number(r, 1, float(row.value), f.data(fmt))
        ws.write(r, 2, row.unit, f.note())
        ws.write(r, 3, row.as_of, f.note())
        ws.write(r, 4, row.source, f.note())
        ws.write(r, 5, row.note, f.note())
        r += 1
    r += 1
    ws.write(r, 0, "History: Alfa Romeo worldwide sales a year", f.section()); r += 1
    ws.write_row(r, 0, ["Year", "Units", "Kind", "", "Source", "Note"], f.header()); r += 1
    rows = []
    for row in ctx.hist.itertuples(index=False):
        ws.write_number(r, 0, int(row.year), f.data("0", align="left"))
        ws.write_number(r, 1, float(row.units), f.data("#,##0"))
        ws.write(r, 2, row.kind, f.note())
        ws.write(r, 4, row.source, f.note())
        ws.write(r, 5, row.note, f.note())
        rows.append((int(row.year), float(row.units), r))
        r += 1
    if rows != ctx.cells["history_rows"]:  # pragma: no cover - layout guard
        raise RuntimeError("Facts history rows moved: update _history_rows_planned")
    _define(ctx, "data_base_year", "Facts", rows[-1][2], 0)
    _define(ctx, "data_base_units", "Facts", rows[-1][2], 1)


# -- checks -----------------------------------------------------------------------------
def checks_values(grid: list[list[Any]], target: float, start: int, end: int, listed: int, tol: float = TOLERANCE) -> dict[str, Any]:
    """What the Checks sheet's native formulas evaluate to for a refresh output ``grid``
    (used for the cached values; the formulas themselves do the same on the sheet)."""
    n = sum(1 for row in grid if row and row[0] == "Year") // 2
    y = (len(grid) - n - 2) // (2 * n) - 3 if n else 0
    w = sum(1 for v in grid[n + 4] if v is not None) if n else 0
    per = []
    for k in range(1, n + 1):
        p0 = n + 5 + (k - 1) * (y + 3)
        g0 = n + 5 + (n + k - 1) * (y + 3)
        sums = max(abs(sum(grid[p0 + i][1:w - 1]) - grid[p0 + i][w - 1]) for i in range(y))
        ident = max(abs(grid[g0 + i][2] - grid[g0 + i][1] - grid[g0 + i][3]) for i in range(y))
        link = max(abs(grid[g0 + i][1] - grid[p0 + i][w - 1]) for i in range(y))
        comp = abs(grid[1 + k][2] - grid[1 + k][1] - grid[1 + k][3])
        status = "OK" if max(sums, ident, link, comp) <= tol else "ERROR"
        per.append({"k": k, "scenario": grid[1 + k][0], "p0": p0, "g0": g0, "sums": sums, "ident": ident, "link": link, "comp": comp, "status": status,
                    "total": grid[1 + k][1], "gap": grid[1 + k][3]})
    stale_target = "OK" if n and abs(grid[2][2] - target) <= tol else "REFRESH"
    first_year = grid[n + 4 + 1][0] if n else None
    stale_years = "OK" if n and first_year == start and y == end - start + 1 else "REFRESH"
    stale_list = "OK" if n == listed else "REFRESH"
    statuses = [p["status"] for p in per] + [stale_target, stale_years, stale_list]
    master = "ERROR" if "ERROR" in statuses else ("REFRESH" if "REFRESH" in statuses else "OK")
    return {"n": n, "y": y, "w": w, "per": per, "stale_target": stale_target, "stale_years": stale_years, "stale_list": stale_list, "master": master}


def risk_checks_values(grid: list[list[Any]], inputs: BookInputs, tol: float = TOLERANCE) -> dict[str, str]:
    """What the Checks sheet's Risk rows evaluate to for a Risk output ``grid`` (the
    cached values; the native formulas do the same on the sheet)."""
    shape = risk_shape(grid)
    y_n, d_n, t = shape["years"], shape["drivers"], shape["tornado_row"]
    fan = grid[2:2 + y_n]
    order = "OK" if all(r[1] <= r[2] <= r[3] for r in fan) else "ERROR"
    probs = [grid[5 + y_n + i][1] for i in range(y_n)]
    within = "OK" if all(0 <= p <= 1 for p in probs) else "ERROR"
    rows = grid[t:t + d_n]
    swings = [r[3] for r in rows]
    torn = "OK" if all(r[2] >= r[1] and abs(r[2] - r[1] - r[3]) <= tol for r in rows) and all(a >= b for a, b in zip(swings, swings[1:])) else "ERROR"
    r = inputs.refresh
    years = "OK" if y_n == r.end_year - r.start_year + 1 and grid[2][0] == r.start_year else "REFRESH"
    title = str(grid[0][0]).lower()
    made = all(x in title for x in (f"around scenario {inputs.scenario},", f" {inputs.paths:,} paths", f"seed {inputs.seed} "))
    return {"order": order, "within": within, "tornado": torn, "years": years, "made": "OK" if made else "REFRESH"}


def _status_format(ctx: _Ctx, ws, r0: int, c0: int, r1: int, c1: int) -> None:
    ok = ctx.f.get(bg_color=CHECK_OK_FILL, font_color="006100", bold=True)
    bad = ctx.f.get(bg_color=CHECK_BAD_FILL, font_color="9C0006", bold=True)
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"OK"', "format": ok})
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"ERROR"', "format": bad})
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"REFRESH"', "format": bad})


def _checks(ctx: _Ctx, cv: dict[str, Any], rv: dict[str, str]) -> None:
    f = ctx.f
    inp = ctx.inputs
    ws = _sheet(ctx, "Checks", {0: 5, 1: 62, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14, 9: 14, 10: 12, 11: 12})
    ws.write(0, 0, "Checks", f.title())
    ws.write(1, 0, "Native Excel formulas over the values the refresh wrote (names out_scenarios and out_risk): they work with or without the Python add-in.", f.subtitle())
    ws.write(3, 1, "Master check", f.get(bold=True, font_size=12))
    ws.write_formula(3, 2, '=IF(COUNTIF(I12:I21,"ERROR")+COUNTIF(C25:C27,"ERROR")+COUNTIF(C38:C42,"ERROR")>0,"ERROR",'
                           'IF(COUNTIF(C25:C27,"REFRESH")+COUNTIF(C38:C42,"REFRESH")>0,"REFRESH","OK"))',
                     f.get(bold=True, font_size=12, align="center"), ctx.cells["chk_master"])
    _define(ctx, "chk_master", "Checks", 3, 2)
    _status_format(ctx, ws, 3, 2, 3, 2)
    ws.write(3, 3, "OK: all checks pass. REFRESH: press Refresh scenarios and risk (the output is older than the Inputs). ERROR: see below.", f.note())

    ws.write(5, 1, "Shape of the refresh output", f.section())
    shape = (
        ("Scenarios in the output (n)", '=COUNTIF(INDEX(out_scenarios,0,1),"Year")/2', cv["n"], "0"),
        ("Years per scenario (Y)", "=(ROWS(out_scenarios)-C7-2)/(2*C7)-3", cv["y"], "0"),
        ("Columns of a projection table (Year, models, Total)", "=COUNTA(OFFSET(out_scenarios,C7+4,0,1,COLUMNS(out_scenarios)))", cv["w"], "0"),
    )
    for i, (label, formula, value, fmt) in enumerate(shape):
        ws.write(6 + i, 1, label, f.label())
        ws.write_formula(6 + i, 2, formula, f.calc(fmt), value)

    ws.write(9, 1, "Per scenario (max absolute difference, units)", f.section())
    ws.write_row(10, 0, ["#", "Scenario", "Projection rows start (offset)", "Gap rows start (offset)", "Total - sum of models",
                         "Target - projection - gap", "Gap table projection - total", "Compare: target - total - gap", "Status",
                         "Gap in compare year", "Own growth a year"], f.header(text_wrap=True))
    ws.set_row(10, 40)
    per = {p["k"]: p for p in cv["per"]}
    for k in range(1, SCENARIO_LIST_ROWS + 1):
        r = 10 + k
        R = r + 1
        p = per.get(k)
        on = f"$A{R}<=$C$7"
        ws.write_number(r, 0, k, f.calc("0"))
        ws.write_formula(r, 1, f'=IF({on},INDEX(out_scenarios,2+$A{R},1),"")', f.calc(), p["scenario"] if p else "")
        ws.write_formula(r, 2, f'=IF({on},$C$7+5+($A{R}-1)*($C$8+3),"")', f.calc("0"), p["p0"] if p else "")
        ws.write_formula(r, 3, f'=IF({on},$C$7+5+($C$7+$A{R}-1)*($C$8+3),"")', f.calc("0"), p["g0"] if p else "")
        models = f"OFFSET(out_scenarios,C{R},1,$C$8,$C$9-2)"
        ones = "TRANSPOSE(COLUMN(OFFSET(out_scenarios,0,1,1,$C$9-2))^0)"
        total = f"OFFSET(out_scenarios,C{R},$C$9-1,$C$8,1)"
        gcol = lambda c: f"OFFSET(out_scenarios,D{R},{c},$C$8,1)"  # noqa: E731
        ws.write_array_formula(r, 4, r, 4, f'{{=IF({on},MAX(ABS(MMULT({models},{ones})-{total})),"")}}', f.calc("0.00"), p["sums"] if p else "")
        ws.write_array_formula(r, 5, r, 5, f'{{=IF({on},MAX(ABS({gcol(2)}-{gcol(1)}-{gcol(3)})),"")}}', f.calc("0.00"), p["ident"] if p else "")
        ws.write_array_formula(r, 6, r, 6, f'{{=IF({on},MAX(ABS({gcol(1)}-{total})),"")}}', f.calc("0.00"), p["link"] if p else "")
        ws.write_formula(r, 7, f'=IF({on},ABS(INDEX(out_scenarios,2+$A{R},3)-INDEX(out_scenarios,2+$A{R},2)-INDEX(out_scenarios,2+$A{R},4)),"")', f.calc("0.00"), p["comp"] if p else "")
        ws.write_formula(r, 8, f'=IF({on},IF(MAX(E{R}:H{R})<=in_tolerance,"OK","ERROR"),"")', f.calc(align="center"), p["status"] if p else "")
        gap_native = inp.target - p["total"] if p else ""
        ws.write_formula(r, 9, f'=IF({on},in_target-INDEX(out_scenarios,2+$A{R},2),"")', f.calc("#,##0"), gap_native)
        own = (p["total"] / ctx.base_units) ** (1 / (inp.compare_year - ctx.base_year)) - 1 if p and inp.compare_year > ctx.base_year else ""
        ws.write_formula(r, 10, f'=IF(AND({on},in_compare_year>data_base_year),(INDEX(out_scenarios,2+$A{R},2)/data_base_units)^(1/(in_compare_year-data_base_year))-1,"")', f.calc("0.0%"), own)
    _status_format(ctx, ws, 11, 8, 10 + SCENARIO_LIST_ROWS, 8)

    ws.write(23, 1, "Output up to date with the Inputs", f.section())
    stale = (
        ("Target in the output equals in_target", "=IF(ABS(INDEX(out_scenarios,3,3)-in_target)<=in_tolerance,\"OK\",\"REFRESH\")", cv["stale_target"]),
        ("Years in the output equal in_start_year to in_end_year",
         '=IF(AND(INDEX(out_scenarios,C7+6,1)=in_start_year,C8=in_end_year-in_start_year+1),"OK","REFRESH")', cv["stale_years"]),
        ("Scenarios in the output equal the filled cells of in_scenario_list", '=IF(C7=COUNTA(in_scenario_list),"OK","REFRESH")', cv["stale_list"]),
    )
    for i, (label, formula, value) in enumerate(stale):
        ws.write(24 + i, 1, label, f.label())
        ws.write_formula(24 + i, 2, formula, f.calc(align="center"), value)
    _status_format(ctx, ws, 24, 2, 26, 2)

    ws.write(28, 1, "Native figures (from Facts and Inputs)", f.section())
    n = inp.compare_year - ctx.base_year
    rate = float(npf.rate(n, 0, -ctx.base_units, inp.target)) if n > 0 else ""
    ws.write(29, 1, "Growth a year required to reach the target by the compare year", f.label())
    ws.write_formula(29, 2, '=IF(in_compare_year>data_base_year,RATE(in_compare_year-data_base_year,0,-data_base_units,in_target),"")', f.calc("0.0%"), rate)
    ws.write(30, 1, "Latest actual (year, units)", f.label())
    ws.write_formula(30, 2, "=data_base_year", f.calc("0"), ctx.base_year)
    ws.write_formula(30, 3, "=data_base_units", f.calc("#,##0"), ctx.base_units)

    ws.write(32, 1, "Live functions (Excel with the xlwings add-in; not part of the master check)", f.section())
    g0, g1 = ctx.cells["gap_native_rows"]
    ws.write(33, 1, "ALFA_GAP_TABLE gap equals target - ALFA_PROJECT total", f.label())
    ws.write_formula(33, 2, f'=IF(ISERROR(SUM(Gap!H{g0 + 1}:H{g1 + 1})),"not loaded",IF(SUMPRODUCT(ABS(Gap!H{g0 + 1}:H{g1 + 1}))<=in_tolerance,"OK","ERROR"))',
                     f.calc(align="center"), ctx.cells["live_gap_status"])
    ws.write(34, 1, "ALFA_PROJECT total equals the sum of its models", f.label())
    rows = "(in_end_year-in_start_year+1)"
    spill_models = f"OFFSET(Projection!$A$7,1,1,{rows},COUNTA(Projection!$A$7:$Z$7)-2)"
    spill_ones = "TRANSPOSE(COLUMN(OFFSET(Projection!$A$7,0,1,1,COUNTA(Projection!$A$7:$Z$7)-2))^0)"
    spill_total = f"OFFSET(Projection!$A$7,1,COUNTA(Projection!$A$7:$Z$7)-1,{rows},1)"
    ws.write_array_formula(34, 2, 34, 2, f'{{=IF(ISERROR(SUM({spill_total})),"not loaded",IF(MAX(ABS(MMULT({spill_models},{spill_ones})-{spill_total}))<=in_tolerance,"OK","ERROR"))}}',
                           f.calc(align="center"), ctx.cells["live_sum_status"])
    _status_format(ctx, ws, 33, 2, 34, 2)

    ws.write(36, 1, "Risk sheet (out_risk; Y years, D drivers as counted on the Risk sheet)", f.section())
    Y, D, T = "calc_risk_years", "calc_risk_drivers", "calc_risk_tornado_row"
    fan = lambda c: f"OFFSET(out_risk,2,{c},{Y},1)"  # noqa: E731 - P10, P50, P90 are columns 1-3
    prob = f"OFFSET(out_risk,5+{Y},1,{Y},1)"
    torn = lambda c, n=D, down=0: f"OFFSET(out_risk,{T}+{down},{c},{n},1)"  # noqa: E731 - Low, High, Swing are columns 1-3
    title = "INDEX(out_risk,1,1)"
    risk = (
        ("Fan: P10 <= P50 <= P90 in every year", True,
         f'{{=IF(SUM(({fan(1)}>{fan(2)})+({fan(2)}>{fan(3)}))=0,"OK","ERROR")}}', rv["order"]),
        ("Probability of reaching the target between 0 and 1 in every year", True,
         f'{{=IF(AND(MIN({prob})>=0,MAX({prob})<=1),"OK","ERROR")}}', rv["within"]),
        ("Tornado: high >= low, swing = high - low, largest swing first", True,
         f'{{=IF({D}=0,"OK",IF(AND(MIN({torn(2)}-{torn(1)})>=0,MAX(ABS({torn(2)}-{torn(1)}-{torn(3)}))<=in_tolerance,'
         f'MIN({torn(3, f"MAX(1,{D}-1)")}-{torn(3, f"MAX(1,{D}-1)", 1)})>=0),"OK","ERROR"))}}', rv["tornado"]),
        ("Risk years equal in_start_year to in_end_year", False,
         f'=IF(AND({Y}=in_end_year-in_start_year+1,INDEX(out_risk,3,1)=in_start_year),"OK","REFRESH")', rv["years"]),
        ("Risk paths drawn with in_scenario, in_paths and in_seed", False,
         f'=IF(AND(ISNUMBER(SEARCH("around scenario "&in_scenario&",",{title})),'
         f'OR(ISBLANK(in_paths),ISNUMBER(SEARCH(" "&TEXT(in_paths,"#,##0")&" paths",{title}))),'
         f'OR(ISBLANK(in_seed),ISNUMBER(SEARCH("seed "&in_seed&" ",{title})))),"OK","REFRESH")', rv["made"]),
    )
    for i, (label, array, formula, value) in enumerate(risk):
        ws.write(37 + i, 1, label, f.label())
        if array:
            ws.write_array_formula(37 + i, 2, 37 + i, 2, formula, f.calc(align="center"), value)
        else:
            ws.write_formula(37 + i, 2, formula, f.calc(align="center"), value)
    _status_format(ctx, ws, 37, 2, 41, 2)


def _conf(ctx: _Ctx) -> None:
    f = ctx.f
    ws = ctx.wb.add_worksheet("xlwings.conf")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 16)
    settings = (
        ("Interpreter_Win", "python"), ("Interpreter_Mac", None), ("PYTHONPATH", None), ("Conda Path", None),
        ("Conda Env", None), ("UDF Modules", "alfa_xl.udfs"), ("Debug UDFs", False), ("Use UDF Server", False),
        ("Show Console", False),
    )
    for i, (key, value) in enumerate(settings):
        ws.write_string(i, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(i, 1, value)
        elif value is not None:
            ws.write_string(i, 1, value)
    notes = (
        "Instructions:",
        "Settings start in cell A1, one per row, with no blank row between them (xlwings reads down to the first blank cell).",
        "They override the xlwings add-in settings and an xlwings.conf file beside the workbook; delete a row to fall back to those.",
        "Keep machine-specific paths out of this sheet: set Interpreter_Win/Interpreter_Mac in the add-in or a local xlwings.conf file.",
    )
    for i, line in enumerate(notes):
        ws.write_string(len(settings) + 3 + i, 0, line, f.get(bold=(i == 0)))


# -- entry point ------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildResult:
    """Where the workbook and its module were written, and the checks' cached master."""

    workbook: Path
    module: Path
    master: str


def build_workbook(out: str | os.PathLike | None = None, inputs: BuildInputs | None = None) -> BuildResult:
    """Build the outlook workbook and its same-named Python module.

    Parameters
    ----------
    out : path, optional
        Workbook to write (default ``workbook/alfa_outlook.xlsm`` in the source tree).
        The module is written beside it as ``<stem>.py``.
    inputs : BuildInputs, optional
        What goes into the Inputs sheet; the shipped data by default.

    Returns
    -------
    BuildResult
    """
    path = Path(out) if out is not None else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    inputs = inputs or BuildInputs.default()
    refresh = inputs.refresh_inputs()
    book = inputs.book_inputs()
    grid, roles = owned_area("out_scenarios").grid(book)
    risk_grid, risk_roles = owned_area("out_risk").grid(book)
    base_year, base_units = latest_actual()
    tmp = path.with_name(path.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    try:
        wb.set_properties({
            "title": "Alfa Romeo outlook", "subject": "Alfa Romeo yearly sales and the gap to 400,000",
            "author": "alfa-xl", "company": "", "comments": "Built by alfa-xl build-workbook", "created": DOC_DATE,
        })
        wb.set_vba_name("ThisWorkbook")
        with resources.as_file(resources.files("alfa_xl.book") / "data" / "vbaProject.bin") as vba:
            wb.add_vba_project(str(vba))
        wb.set_calc_mode("auto")
        ctx = _Ctx(wb, _Formats(wb), inputs, refresh, _Live(inputs), {}, grid, roles, base_year, base_units, history(), {})
        cv = checks_values(grid, inputs.target, inputs.start_year, inputs.end_year, len(inputs.scenario_list))
        rv = risk_checks_values(risk_grid, book)
        statuses = [cv["master"], *rv.values()]
        ctx.cells["chk_master"] = "ERROR" if "ERROR" in statuses else ("REFRESH" if "REFRESH" in statuses else "OK")
        ctx.cells["risk_grid"], ctx.cells["risk_roles"] = risk_grid, risk_roles
        ctx.cells["status"] = status_text(book, BUILT_BY, built=True)
        # sheets in contract order; the chart data on Projection links to Facts rows
        # written later, so their positions are planned first
        ctx.cells["history_rows"] = _history_rows_planned(ctx)
        _cover(ctx)
        _inputs(ctx)
        proj = _projection(ctx)
        _scenarios(ctx)
        _gap(ctx, proj)
        _risk(ctx)
        _facts(ctx)
        _checks(ctx, cv, rv)
        _conf(ctx)
        if [w.name for w in wb.worksheets()] != list(SHEETS):  # pragma: no cover
            raise RuntimeError("sheet order differs from the workbook contract")
        wb.close()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    module = path.with_suffix(".py")
    module.write_text(MODULE_SOURCE, encoding="utf-8")
    return BuildResult(path, module, ctx.cells["chk_master"])


_FACTS_FIRST_ROW = 5


def _history_rows_planned(ctx: _Ctx) -> list[tuple[int, float, int]]:
    """Rows the Facts sheet will give each history year (it is written later)."""
    r = _FACTS_FIRST_ROW + len(facts()) + 1 + 2
    return [(int(y), float(u), r + i) for i, (y, u) in enumerate(zip(ctx.hist["year"], ctx.hist["units"]))]
