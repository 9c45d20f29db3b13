"""The workbook contract: sheet names, defined names, the lineup table and the areas a
refresh owns, shared by the build and the headless refresh.

An owned area is described by an :class:`OwnedArea`: the sheet, the defined name that
always covers the rectangle last written, and a function turning the workbook's inputs
into the blocks to write. The refresh owns ``out_scenarios`` on ``Scenarios``, ``out_risk``
on ``Risk``, ``out_track`` on ``Track record`` (the backtest), ``out_forecast`` on the
``Cover`` (the calibrated forecast's headline) and the one-cell status ``out_status``;
another owned sheet is one more entry in :data:`OWNED_AREAS`.

The Excel macros (:mod:`alfa_xl.excel.macros`) build their tables with the same functions
(:func:`scenario_area_blocks`, :func:`risk_area_blocks`, :func:`track_area_blocks`,
:func:`forecast_area_blocks`) and report with the same
:func:`status_text`, so the macro and ``alfa-xl refresh`` write the same cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from alfa_xl.book.names import WORKBOOK_NAME  # the file name of the workbook and its module
from alfa_xl.book.tables.report import Block, RefreshInputs, blocks_to_grid, refresh_blocks
from alfa_xl.book.tables.risk import risk_blocks
from alfa_xl.book.tables.track_record import forecast_blocks, track_blocks
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.risk.settings import DEFAULT_PATHS, DEFAULT_SEED

__all__ = [
    "WORKBOOK_NAME",
    "SHEETS",
    "InputName",
    "INPUTS",
    "INPUT_NAMES",
    "INPUT_ROLES",
    "STATUS_SHEET",
    "STATUS_ANCHOR",
    "MASTER_NAME",
    "CHECKS_SHEET",
    "STALE",
    "LINEUP_TABLE",
    "SCENARIO_LIST_ROWS",
    "MAX_YEARS",
    "LOADED_NAME",
    "STATUS_NAME",
    "BookInputs",
    "scenario_area_blocks",
    "risk_area_blocks",
    "track_area_blocks",
    "forecast_area_blocks",
    "status_text",
    "OwnedArea",
    "OWNED_AREAS",
    "written_name",
    "written_record",
    "written_anchor_name",
    "parse_written",
    "owned_area",
    "grid_roles",
    "laid_out",
    "ROLE_STYLES",
    "OUTPUT_FILL",
    "OUTPUT_HEADER_FILL",
    "OUTPUT_FONT",
]

#: Sheets in order.
SHEETS: tuple[str, ...] = (
    "Cover",
    "Inputs",
    "Projection",
    "Scenarios",
    "Gap",
    "Risk",
    "Track record",
    "Facts",
    "Checks",
    "xlwings.conf",
)


@dataclass(frozen=True)
class InputName:
    """One workbook-scoped input name of the contract.

    Attributes
    ----------
    name : str
        The defined name (``in_target``).
    role : str
        What the readers call it (``target``).
    meaning : str
        What it holds, as messages say it.
    required : bool
        A workbook without it is refused; an optional one takes its default (workbooks
        built before the Risk sheet have no ``in_paths``/``in_seed``).
    """

    name: str
    role: str
    meaning: str
    required: bool = True


#: Workbook-scoped input names, declared once: the build defines them, both readers
#: (the macro through xlwings, the headless refresh through the file) read them.
INPUTS: tuple[InputName, ...] = (
    InputName("in_target", "target", "target, units a year"),
    InputName("in_start_year", "start_year", "first projection year"),
    InputName("in_end_year", "end_year", "last projection year"),
    InputName("in_compare_year", "compare_year", "year in which scenarios are compared"),
    InputName("in_scenario", "scenario", "scenario shown on the Projection and Gap sheets"),
    InputName("in_scenario_list", "scenario_list", "scenarios the refresh computes (blank cells ignored)"),
    InputName("in_paths", "paths", "Monte Carlo paths of the Risk sheet (1 to 1,000,000)", required=False),
    InputName("in_seed", "seed", "seed of the Risk sheet's random draws (a whole number of 0 or more)", required=False),
    InputName(
        "in_ytd_units",
        "ytd_units",
        "worldwide units sold so far in the current year (blank: unconditioned)",
        required=False,
    ),
    InputName(
        "in_ytd_months",
        "ytd_months",
        "months the year-to-date units cover, 1 to 12 (blank: unconditioned)",
        required=False,
    ),
)
#: Input name -> what it holds.
INPUT_NAMES: dict[str, str] = {i.name: i.meaning for i in INPUTS}
#: Role -> input name.
INPUT_ROLES: dict[str, str] = {i.role: i.name for i in INPUTS}
#: One-cell defined name where the refresh reports what it did, its sheet and built cell.
STATUS_NAME = "out_status"
STATUS_SHEET = "Scenarios"
STATUS_ANCHOR = "B5"
#: Defined name of the master check (Checks sheet); the refresh marks its cached value stale.
MASTER_NAME = "chk_master"
CHECKS_SHEET = "Checks"
#: Cached value the refresh gives the Checks sheet's formulas until the workbook is recalculated.
STALE = "STALE"
#: Excel table holding the lineup (columns as ``alfa_xl/data/lineup.csv``).
LINEUP_TABLE = "tbl_lineup"
#: Cells in ``in_scenario_list`` (and rows of the per-scenario checks).
SCENARIO_LIST_ROWS = 10
#: Most projection years the sheets hold: each live table (``Projection!A7``, ``Projection!A28``,
#: ``Gap!A7``) has this many free rows below its header, and the chart data as many rows.
#: A longer horizon is refused by both refreshes (Excel would show ``#SPILL!``).
MAX_YEARS = 19
#: Defined name that is TRUE when the ``ALFA_*`` functions are loaded (the add-in or
#: xlwings Lite); without them the live tables show their stored copies (docs/workbook.md).
LOADED_NAME = "alfa_loaded"

# Look of refresh-written cells. The headless refresh finds the matching cell formats in
# ``xl/styles.xml`` by these properties (fill colour, bold, number format), so a workbook
# re-saved by Excel, which may renumber its formats, still gets the right look.
OUTPUT_FILL = "F2F2F2"
OUTPUT_HEADER_FILL = "DDEBF7"
OUTPUT_FONT = "1F4E79"
#: role -> (number format, bold, fill)
ROLE_STYLES: dict[str, tuple[str, bool, str]] = {
    "title": ("General", True, OUTPUT_FILL),
    "header": ("General", True, OUTPUT_HEADER_FILL),
    "text": ("General", False, OUTPUT_FILL),
    "units": ("#,##0", False, OUTPUT_FILL),
    "year": ("0", False, OUTPUT_FILL),
    "share": ("0.0%", False, OUTPUT_FILL),
    "ratio": ("0.0", False, OUTPUT_FILL),
    "probability": ("0.00E+00", False, OUTPUT_FILL),
}
_COLUMN_ROLES = {
    "Year": "year",
    "First year at target": "year",
    "Share of target": "share",
    "Growth required": "share",
    "Years to target": "ratio",
    "Junior-equivalents": "ratio",
    "Probability": "probability",  # scientific: a rare event's 1.7e-4 must not print as 0.0%
    "What-if probability": "probability",
    "What-if standard error": "probability",
    "What-if 95% upper bound": "probability",
    "Estimate": "probability",
    "Standard error": "probability",
    "95% upper bound": "probability",
    "Share": "share",
    "By year": "year",
    "Coverage": "share",
    "Sharpness": "ratio",
    "P50 error": "share",
    "Point error": "share",
    "No-change error": "share",
    "Target-path error": "share",
    "Interval score": "ratio",
    "Cases": "year",
}


def grid_roles(blocks: Sequence[Block], grid: list[list[Any]] | None = None) -> list[list[str | None]]:
    """The display role of every cell of ``report.blocks_to_grid(blocks)`` (``grid``, when
    already laid out), same shape.

    Title rows are ``"title"``, header rows ``"header"``; data cells take the role of
    their column (years, shares, ratios, text, otherwise units); blank cells ``None``.
    """
    grid = blocks_to_grid(blocks) if grid is None else grid
    width = len(grid[0]) if grid else 0
    roles: list[list[str | None]] = []
    for i, b in enumerate(blocks):
        if i:
            roles.append([None] * width)
        roles.append(["title"] + [None] * (width - 1))
        cols = [str(c) for c in b.frame.columns]
        roles.append(["header"] * len(cols) + [None] * (width - len(cols)))
        for _ in range(len(b.frame)):
            roles.append([_COLUMN_ROLES.get(c, "units") for c in cols] + [None] * (width - len(cols)))
    for r, row in zip(roles, grid):
        for j, v in enumerate(row):
            if isinstance(v, str) and r[j] not in ("title", "header"):
                r[j] = "text"
    if len(roles) != len(grid):  # pragma: no cover - guards against a report layout change
        raise RuntimeError("grid layout changed: update alfa_xl.book.layout.grid_roles")
    return roles


def laid_out(blocks: Sequence[Block]) -> tuple[list[list[Any]], list[list[str | None]]]:
    """``(report.blocks_to_grid(blocks), grid_roles(blocks))``, laid out once for one list of
    blocks (an owned area's cached :meth:`OwnedArea.tables`): a refresh lays each area out
    to plan it and again in the build made in memory (alfa_xl.book.recalc), a pass of pandas
    rows each time. Callers only read them."""
    for seen, grid, roles in _LAID_OUT:
        if seen is blocks:
            return grid, roles
    grid = blocks_to_grid(blocks)
    roles = grid_roles(blocks, grid)
    _LAID_OUT.append((blocks, grid, roles))  # the list is kept, so its identity is not reused
    del _LAID_OUT[:-8]
    return grid, roles


#: (blocks, grid, roles) of the last lists laid out.
_LAID_OUT: list[tuple[Sequence[Block], list[list[Any]], list[list[str | None]]]] = []


@dataclass(frozen=True)
class BookInputs:
    """Everything a refresh reads from the Inputs sheet, validated.

    Attributes
    ----------
    refresh : RefreshInputs
        Target, horizon, compare year, scenario list and lineup.
    scenario : str or Scenario
        ``in_scenario``: the scenario the Risk sheet's paths vary around.
    paths : int
        ``in_paths``: simulated paths (1 to 1,000,000).
    seed : int
        ``in_seed``: seed of the random draws.
    ytd_units, ytd_months : float or None, int or None
        ``in_ytd_units`` and ``in_ytd_months``: year-to-date worldwide units of the current
        year and the months they cover, both or neither (``None``: unconditioned).
    """

    refresh: RefreshInputs
    scenario: str | Scenario = "base"
    paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
    ytd_units: float | None = None
    ytd_months: int | None = None


def scenario_area_blocks(inputs: BookInputs) -> list[Block]:
    """``out_scenarios``: the comparison, one projection and one gap table per scenario."""
    b = refresh_blocks(inputs.refresh)
    return list(b["compare"]) + list(b["scenarios"]) + list(b["gap"])


def risk_area_blocks(inputs: BookInputs) -> list[Block]:
    """``out_risk``: :func:`alfa_xl.book.tables.risk.risk_blocks` (fan, probability by year,
    tornado with the scenario's own total that centres the chart) for ``in_scenario``,
    ``in_paths`` and ``in_seed``; the first year conditioned on ``in_ytd_units`` and
    ``in_ytd_months`` when given and ``in_start_year`` is the current year."""
    r = inputs.refresh
    current = r.start_year == latest_actual()[0] + 1  # year-to-date units condition the current year only
    ytd, months = (inputs.ytd_units, inputs.ytd_months) if current else (None, None)
    return risk_blocks(r, paths=inputs.paths, seed=inputs.seed, scenario=inputs.scenario, ytd=ytd, ytd_months=months)


def track_area_blocks(inputs: BookInputs) -> list[Block]:
    """``out_track``: :func:`alfa_xl.book.tables.track_record.track_blocks`, the backtest summary
    and one table per shipped decision point, at the settings of ``alfa-xl backtest``
    (the replays use the lineups of their time, not the Inputs)."""
    return track_blocks()


def forecast_area_blocks(inputs: BookInputs) -> list[Block]:
    """``out_forecast``: :func:`alfa_xl.book.tables.track_record.forecast_blocks` for the Inputs'
    lineup, target and seed, conditioned on ``in_ytd_units``/``in_ytd_months`` when given."""
    r = inputs.refresh
    return forecast_blocks(r.lineup, r.target, inputs.seed, inputs.ytd_units, inputs.ytd_months)


def status_text(inputs: BookInputs, by: str, built: bool = False) -> str:
    """The one line written to ``out_status``: who refreshed and with what.

    No date or time: a refresh of unchanged inputs leaves the file byte for byte as it
    was, and the Checks sheet (not a clock) says whether the output matches the Inputs.

    >>> status_text(BookInputs(RefreshInputs(scenarios=("base", "bear"))), "alfa-xl refresh")
    'Refreshed by alfa-xl refresh: 2 scenarios (base, bear), 2026-2030, target 400,000; risk: 10,000 paths
    around base, seed 20140506'
    """
    r = inputs.refresh
    names = [getattr(s, "name", str(s)) for s in r.scenarios]
    verb = "Built" if built else "Refreshed"
    return (
        f"{verb} by {by}: {len(names)} scenario{'s' if len(names) != 1 else ''} ({', '.join(names)}), "
        f"{r.start_year}-{r.end_year}, target {r.target:,.0f}; "
        f"risk: {inputs.paths:,} paths around {get_scenario(inputs.scenario).name}, seed {inputs.seed}"
        + (
            ""
            if inputs.ytd_units is None
            else f"; year to date {inputs.ytd_units:,.0f} units in {inputs.ytd_months} months"
        )
    )


@dataclass(frozen=True)
class OwnedArea:
    """A rectangle written by the refresh (macro in Excel or ``alfa-xl refresh``).

    Attributes
    ----------
    sheet : str
        Sheet holding the area.
    name : str
        Workbook-scoped defined name that always covers the rectangle last written.
    anchor : str
        Top-left cell when the workbook is built (the refresh keeps the current one).
    blocks : callable
        ``BookInputs -> list[Block]``: the tables written, top to bottom.
    required : bool
        A workbook without the name is refused; an optional area it lacks is skipped.
    """

    sheet: str
    name: str
    anchor: str
    blocks: Callable[[BookInputs], list[Block]]
    required: bool = True

    def grid(self, inputs: BookInputs) -> tuple[list[list[Any]], list[list[str | None]]]:
        """Values (as ``report.blocks_to_grid``) and display roles for ``inputs``."""
        return laid_out(self.tables(inputs))

    def tables(self, inputs: BookInputs) -> list[Block]:
        """``blocks(inputs)``, computed once for the last inputs: a headless refresh plans
        the areas, then builds the workbook in memory for its cached values (alfa_xl.book.recalc)
        from the same inputs. Callers only read the tables."""
        last = _LAST_TABLES.get(self.name)
        if last is None or last[0] != inputs:
            last = (inputs, self.blocks(inputs))
            _LAST_TABLES[self.name] = last
        return last[1]


#: Owned area -> (inputs, tables) of its last computation.
_LAST_TABLES: dict[str, tuple[BookInputs, list[Block]]] = {}


#: Areas owned by the refresh, in the order they are written.
OWNED_AREAS: tuple[OwnedArea, ...] = (
    OwnedArea(sheet="Scenarios", name="out_scenarios", anchor="A6", blocks=scenario_area_blocks),
    OwnedArea(sheet="Risk", name="out_risk", anchor="A6", blocks=risk_area_blocks, required=False),
    OwnedArea(sheet="Track record", name="out_track", anchor="A6", blocks=track_area_blocks, required=False),
    OwnedArea(sheet="Cover", name="out_forecast", anchor="B7", blocks=forecast_area_blocks, required=False),
)


def written_name(name: str) -> str:
    """The hidden defined name recording the size of the rectangle the last refresh (or
    the build) wrote for the owned area ``name``, from the name's top-left cell: the
    refresh trusts it, not the editable extent of ``name``, to know which cells are its own
    (docs/workbook.md)."""
    return f"_written_{name}"


def written_anchor_name(name: str) -> str:
    """The hidden defined name holding the top-left cell the last refresh (or the build)
    wrote the owned area ``name`` at: a range, so Excel moves it with inserted rows."""
    return f"_written_at_{name}"


def written_record(rows: int, cols: int) -> str:
    """The text of a :func:`written_name`: a string constant ``"ROWSxCOLS"``."""
    return f'"{rows}x{cols}"'


def parse_written(text: str) -> tuple[int, int] | None:
    """``(rows, cols)`` of a :func:`written_record` (a leading ``=`` allowed); ``None`` when
    the text is not one."""
    m = re.fullmatch(r'=?"([1-9][0-9]{0,6})x([1-9][0-9]{0,4})"', text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def owned_area(name: str) -> OwnedArea:
    """The owned area with defined name ``name``."""
    for a in OWNED_AREAS:
        if a.name == name:
            return a
    raise KeyError(name)
