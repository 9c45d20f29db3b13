"""What every sheet writer shares: the cell formats, the page setup, defined names, the
live-function values, the typed layout of cells that one sheet's formulas read on another,
and the context passed to each writer."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_range_abs

from alfa_xl.book.build_inputs import BuildInputs
from alfa_xl.book.layout import (
    LOADED_NAME,
    MAX_YEARS,
    OUTPUT_FONT,
    ROLE_STYLES,
    SCENARIO_LIST_ROWS,
    STALE,
    WORKBOOK_NAME,
)
from alfa_xl.book.tables.report import RefreshInputs
from alfa_xl.book.values import clean_result, frame_grid
from alfa_xl.book.xlsx import quote_sheet
from alfa_xl.model.engine.gap import GAP_COLUMNS, gap_table
from alfa_xl.model.engine.projection import project

__all__ = [
    "ROOM",
    "TORNADO_ROOM",
    "TOLERANCE",
    "Formats",
    "Live",
    "Spill",
    "ChecksLayout",
    "BookLayout",
    "Context",
    "new_sheet",
    "print_in_blocks",
    "column_px",
    "ROW_PX",
    "define",
    "define_hidden",
    "loaded_note",
    "LOADED_TEXT",
    "status_format",
    "status_fmt",
    "spill",
]

#: Rows kept for each spilled table: its header and MAX_YEARS years.
ROOM = MAX_YEARS + 1
#: Tornado drivers the Risk sheet's chart shows (the table in out_risk has them all).
TORNADO_ROOM = 10
#: Tolerance used by the checks (units).
TOLERANCE = 0.01

# -- colours (see the colour key on the Cover) ----------------------------------------
INPUT_FONT, INPUT_FILL = "0000FF", "FFF2CC"
LIVE_FONT = "7030A0"
DATA_FONT = "375623"
CHECK_OK_FILL, CHECK_BAD_FILL = "C6EFCE", "FFC7CE"
TITLE_FONT = "1F3864"


def units_axis(named: bool = True) -> dict[str, Any]:
    """The value axis of the sheets' charts of yearly units: from 0, ``#,##0``, small numbers, light grid
    lines, and (``named``) the title "units a year"."""
    name = {"name": "units a year", "name_font": {"size": 9, "bold": False}} if named else {}
    return {
        "min": 0,
        "num_format": "#,##0",
        "num_font": {"size": 8},
        **name,
        "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
    }


def legend_below() -> dict[str, Any]:
    """The legend of the sheets' charts: below the plot, in small type."""
    return {"position": "bottom", "font": {"size": 8}}


class Formats:
    """Cell formats by role, created once each (XlsxWriter numbers them by first use)."""

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
        return self.get(
            font_color=INPUT_FONT, bg_color=INPUT_FILL, num_format=num_format, border=1, border_color="BFBFBF", **kw
        )

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
        kw = (
            {"bottom": 1, "align": "right"}
            if role == "header"
            else ({"indent": 1, "align": "left"} if role == "text" else {})
        )
        return self.get(font_color=OUTPUT_FONT, bold=bold, bg_color=fill, num_format=num_format, **kw)


def status_fmt(f: Formats):
    """The status line's format. No fill: the headless refresh finds its output formats by
    font colour, fill, bold and number format, so this one must differ from every output
    role in one of them."""
    return f.get(font_color=OUTPUT_FONT, italic=True)


class Live:
    """Cached values of ``ALFA_*`` cells, from the engine: the rows the worksheet functions
    return for the same arguments (:meth:`Projection.rows`, the gap table as a grid, values
    cleaned as :mod:`alfa_xl.book.values` cleans them for Excel)."""

    def __init__(self, inputs: BuildInputs):
        self.lineup = inputs.refresh_inputs().lineup

    def project(self, scenario: str, start: int, end: int, by: str = "model") -> list[list[Any]]:
        return clean_result(project(self.lineup, scenario, start, end).rows(by))

    def gap_table(self, target: float, scenario: str, start: int, end: int) -> list[list[Any]]:
        table = gap_table(project(self.lineup, scenario, start, end), float(target))
        return clean_result(frame_grid(table, GAP_COLUMNS))

    def total(self, year: int, scenario: str) -> float:
        return project(self.lineup, scenario, year, year).total(year)


# -- the layout ------------------------------------------------------------------------
@dataclass(frozen=True)
class Spill:
    """A spilling table: its formula in ``(row, 0)``, data rows below, ``room`` rows kept free."""

    sheet: str
    row: int
    room: int = ROOM

    @property
    def first(self) -> int:
        """First data row (0-based)."""
        return self.row + 1

    @property
    def next_row(self) -> int:
        """First row after the room."""
        return self.row + self.room + 1

    def rows(self, last_col: int) -> str:
        """``Sheet!$A$8:$Z$26``: the data rows of the room, columns A to ``last_col``."""
        return f"{quote_sheet(self.sheet)}!{xl_range_abs(self.first, 0, self.row + self.room - 1, last_col)}"

    def header(self, last_col: int) -> str:
        return f"{quote_sheet(self.sheet)}!{xl_range_abs(self.row, 0, self.row, last_col)}"


@dataclass(frozen=True)
class ChecksLayout:
    """Rows of the Checks sheet (0-based), each section below the previous one."""

    master_row: int = 3
    shape_row: int = 6  # n, Y, W in column C, one row each
    value_col: int = 2  # column C: every single-value check
    per_header: int = 10  # per-scenario table: header, then one row per list cell
    per_status_col: int = 8  # its Status column
    rows: int = SCENARIO_LIST_ROWS

    @property
    def per_first(self) -> int:
        return self.per_header + 1

    @property
    def per_last(self) -> int:
        return self.per_header + self.rows

    @property
    def stale_first(self) -> int:
        return self.per_last + 4  # section title two rows below the table, then the checks

    STALE_ROWS = 3

    @property
    def native_section(self) -> int:
        return self.stale_first + self.STALE_ROWS + 1

    @property
    def live_first(self) -> int:
        return self.native_section + 5

    LIVE_ROWS = 2

    @property
    def risk_first(self) -> int:
        return self.live_first + self.LIVE_ROWS + 2

    RISK_ROWS = 5

    @property
    def forecast_first(self) -> int:
        return self.risk_first + self.RISK_ROWS + 2

    FORECAST_ROWS = 2

    @property
    def last_row(self) -> int:
        """Last row of the checks (the master's range of error values ends here)."""
        return self.forecast_first + self.FORECAST_ROWS - 1

    last_col: int = 11  # column L: the per-scenario table's last column


@dataclass(frozen=True)
class BookLayout:
    """Where the cells are that formulas on other sheets refer to (0-based rows and columns).

    One declaration, read by the writer of the sheet and by every formula that points at
    it; no writer computes another sheet's coordinates.
    """

    by_model: Spill = Spill("Projection", 6)
    by_region: Spill = Spill("Projection", 6 + ROOM + 1)
    gap_table: Spill = Spill("Gap", 6)
    #: the Gap sheet's native cross-check: header row (data rows follow, one per year)
    gap_native_header: int = 6 + ROOM + 1
    #: the Facts sheet: first row of the facts table; the history table follows it
    facts_first: int = 5
    #: the Risk sheet's chart data starts below the two charts (tornado at row 21, 18 rows high)
    risk_chart_data: int = 41
    checks: ChecksLayout = field(default_factory=ChecksLayout)

    @property
    def chart_data(self) -> int:
        """Header row of the Projection sheet's chart data (below the region table)."""
        return self.by_region.next_row

    def history_first(self, n_facts: int) -> int:
        """First row of the Facts sheet's history table, after ``n_facts`` facts."""
        return self.facts_first + n_facts + 1 + 2


@dataclass
class Context:
    """What every sheet writer receives."""

    wb: xlsxwriter.Workbook
    f: Formats
    inputs: BuildInputs
    refresh: RefreshInputs
    live: Live
    layout: BookLayout
    base_year: int
    base_units: float
    hist: pd.DataFrame
    history_rows: list[tuple[int, float, int]]  # (year, units, Facts row)
    master: str  # cached master check
    status: str  # cached status line
    names: dict[str, str] = field(default_factory=dict)  # defined name -> reference
    outputs: dict[str, Any] = field(default_factory=dict)  # owned area -> its blocks as built


#: What :func:`loaded_note` shows with and without the ``ALFA_*`` functions.
LOADED_TEXT = (
    "Live: the ALFA_ functions are loaded (purple cells).",
    "Purple cells show the values of the last refresh: "
    "the live ALFA_ functions need the xlwings add-in (classic Excel) or xlwings Lite.",
)


def loaded_note(ctx: Context, ws, r: int, c: int) -> None:
    """A visible note that says whether the live functions run. Its cached value is the
    "not loaded" text: a file opened without them shows exactly that, and Excel with them
    recalculates it on open (``fullCalcOnLoad``)."""
    live, stored = LOADED_TEXT
    fmt = ctx.f.get(bold=True, font_color=LIVE_FONT)
    ws.write_formula(r, c, f'=IF({LOADED_NAME},"{live}","{stored}")', fmt, stored)


def new_sheet(ctx: Context, name: str, widths: Mapping[int, float] | None = None, landscape: bool = True):
    """A worksheet with the house page setup (A4, fit to width, footer) and column widths."""
    ws = ctx.wb.add_worksheet(name)
    ws.hide_gridlines(2)
    ws.set_zoom(100)
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer(f"&L&8{WORKBOOK_NAME}&C&8&A&R&8Page &P of &N")
    ws.repeat_rows(0)  # the sheet's title on every printed page
    for col, width in (widths or {}).items():
        ws.set_column(col, col, width)
    return ws


#: An A4 landscape page inside the house margins (0.4 in left and right, 0.5 in top and
#: bottom), in pixels at 96 dpi: (297 mm / 25.4 - 0.8 in) x 96 = 1,045.7 wide and
#: (210 mm / 25.4 - 1 in) x 96 = 697.7 tall.
PRINT_PAGE_PX = (1045, 697)
#: Share of the page a block may fill: the width leaves room for rounding; the height for
#: the footer and the repeated title row, which LibreOffice takes from the page body.
PRINT_FILL = (0.97, 0.85)
#: Pixels of one character of column width: Excel's 7 for Calibri 11, LibreOffice's wider
#: metric-compatible Carlito measured at 7.44 (the Inputs sheet broke a page early at 7).
CHAR_PX = 7.44
#: Pixels of a row of the default height (15 points).
ROW_PX = 20


def column_px(widths: Mapping[int, float], first: int, last: int) -> int:
    """Pixels of columns ``first`` to ``last`` when printed at 100%: a column ``w`` characters
    wide is stored as ``w + 0.71`` (XlsxWriter's padding, as Excel does) and drawn
    ``CHAR_PX`` pixels a character; a column without a width is Excel's default, 8.43."""
    return round(sum((widths.get(c, 8.43 - 0.71) + 0.71) * CHAR_PX for c in range(first, last + 1)))


def print_in_blocks(
    ws, blocks: Sequence[tuple[int, int]], breaks: Sequence[int], repeat_first_column: bool = False
) -> int:
    """Print a sheet whose charts stand beside its tables as side-by-side blocks, instead of
    fitting everything to one page wide (which shrank them below legibility): a page break
    before each column in ``breaks``, and the one scale at which every block fits a page.
    ``blocks``: (width, height) of each block in pixels at 100%; a height of 0 means rows that
    may run over several pages (tables), a height the block's charts that must not be cut.
    ``repeat_first_column`` repeats column A on every page (the title row always repeats).
    Returns the scale in percent."""
    (page_w, page_h), (fill_w, fill_h) = PRINT_PAGE_PX, PRINT_FILL
    fits = [page_w * fill_w / w for w, _ in blocks] + [page_h * fill_h / h for _, h in blocks if h]
    scale = min(100, int(100 * min(fits)))
    ws.set_print_scale(scale)
    ws.set_v_pagebreaks(list(breaks))
    if repeat_first_column:
        ws.repeat_columns(0)
    return scale


def define(
    ctx: Context,
    name: str,
    sheet: str,
    r0: int,
    c0: int,
    r1: int | None = None,
    c1: int | None = None,
    hidden: bool = False,
) -> None:
    """Define the workbook-scoped name ``name`` as an absolute range on ``sheet``
    (``hidden``: not listed in Excel's Name Manager)."""
    r1 = r0 if r1 is None else r1
    c1 = c0 if c1 is None else c1
    ref = f"={quote_sheet(sheet)}!{xl_range_abs(r0, c0, r1, c1)}"
    if hidden:
        define_hidden(ctx, name, ref[1:])
    else:
        ctx.wb.define_name(name, ref)
    ctx.names[name] = ref


def define_hidden(ctx: Context, name: str, formula: str) -> None:
    """Define the workbook-scoped name ``name`` as ``formula``, hidden from Excel's Name
    Manager (XlsxWriter keeps ``[name, sheet index, formula, hidden]`` and has no option
    for it)."""
    ctx.wb.define_name(name, "=" + formula)
    entry = ctx.wb.defined_names[-1]
    if entry[0] != name:  # pragma: no cover - XlsxWriter changed its bookkeeping
        raise RuntimeError("XlsxWriter's defined names changed shape")
    entry[3] = True


def status_format(ctx: Context, ws, r0: int, c0: int, r1: int, c1: int) -> None:
    """Green OK; red ERROR, REFRESH and STALE (the cached value a headless refresh leaves
    until the workbook is recalculated) over a range of check cells."""
    ok = ctx.f.get(bg_color=CHECK_OK_FILL, font_color="006100", bold=True)
    bad = ctx.f.get(bg_color=CHECK_BAD_FILL, font_color="9C0006", bold=True)
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"OK"', "format": ok})
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"ERROR"', "format": bad})
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": '"REFRESH"', "format": bad})
    ws.conditional_format(r0, c0, r1, c1, {"type": "cell", "criteria": "==", "value": f'"{STALE}"', "format": bad})


def spill(
    ctx: Context, ws, at: Spill, formula: str, table: list[list[Any]], formats: Sequence[str], room_cols: int
) -> None:
    """Write a dynamic-array formula with every spilled cell's cached value, and format
    the room it may grow into."""
    f = ctx.f
    row = at.row
    height, width = len(table), len(table[0])
    for rr in range(row + 1, row + at.room):
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
