"""The table of limits (every bound of every kind of value, declared once), the default
comparison year, and what counts as blank or as an Excel error value."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_YEAR",
    "Limit",
    "LIMITS",
    "RESERVED_NAMES",
    "EXCEL_ERRORS",
    "default_horizon",
    "is_blank",
    "excel_error",
]

#: The year every default comparison looks at: the horizon of Alfa Romeo's current plan
#: (sourced: next Stelvio and Giulia "officially 2028", the 4.3 m model "by 2030"; see
#: ``model/data/facts.csv``). The default projection runs from the year after the latest
#: actual through this year (:func:`default_horizon`).
DEFAULT_YEAR = 2030


@dataclass(frozen=True)
class Limit:
    """The accepted range of one kind of value.

    Attributes
    ----------
    lo, hi : float
        Inclusive bounds (``lo`` exclusive when ``above`` is true).
    fix : str
        The instruction shown when a value is wrong; ``{lo}`` and ``{hi}`` are filled in.
    whole : bool
        Only whole numbers.
    percent : bool
        Text such as ``"40%"`` is accepted (as 0.4).
    above : bool
        The value must be strictly above ``lo``.
    """

    lo: float
    hi: float
    fix: str
    whole: bool = False
    percent: bool = False
    above: bool = False

    def instruction(self) -> str:
        return self.fix.format(lo=_bound(self.lo), hi=_bound(self.hi))

    def describe(self) -> str:
        if self.above and math.isinf(self.hi):
            return f"must be above {_bound(self.lo)}"
        return f"outside {_bound(self.lo)} to {_bound(self.hi)}"


_INF = math.inf

#: Every bound of every kind of value, declared once. Keys are the kinds named by the
#: callers (``number(value, field, kind="share")``).
LIMITS: dict[str, Limit] = {
    # calendar years
    "model_year": Limit(1950, 2100, "give a whole year between {lo} and {hi}, such as 2028", whole=True),
    "projection_year": Limit(2000, 2060, "give a whole year between {lo} and {hi}, e.g. 2030", whole=True),
    # a model's lifecycle (lineup columns)
    "units": Limit(0, 10_000_000, "give yearly units as a number from {lo} to {hi}"),
    "share": Limit(0, 1, "give a share between 0 and 1 (0.5 or 50%)", percent=True),
    "decay": Limit(0, 10, "give a decay rate per year between {lo} and {hi}"),
    "decline_after": Limit(1, 100, "give the age (years) when decline starts, {lo} to {hi}"),
    # scenario parameters
    "delay_years": Limit(-10, 20, "give a whole number of years between {lo} and {hi}", whole=True),
    "peak_multiplier": Limit(0, 10, "give a multiplier between {lo} and {hi} (1 = unchanged)", percent=True),
    "na_tariff": Limit(
        -1, 1, "give the change in North America volume between {lo} and {hi} (-0.2 = 20% fewer)", percent=True
    ),
    "market_trend": Limit(-0.5, 0.5, "give a yearly change between {lo} and {hi} (0.02 = +2% a year)", percent=True),
    # Monte Carlo settings
    "paths": Limit(1, 1_000_000, "give a whole number of paths from {lo} to {hi} (for example 10000)", whole=True),
    "seed": Limit(
        0, 2**63 - 1, "give a whole number of 0 or more as the seed (for example 1), or leave it out", whole=True
    ),
    # the same from a worksheet cell: fewer paths (a call recalculates in about 0.2 s for
    # 2026-2035 on one core) and seeds Excel holds exactly (its numbers are exact to 2**53)
    "cell_paths": Limit(1, 100_000, "give a whole number of paths from {lo} to {hi}, or leave it empty", whole=True),
    "cell_seed": Limit(
        0, 2**53, "give a whole number from 0 to 2^53 as the seed, or leave it empty for the fixed default", whole=True
    ),
    "percentiles_count": Limit(1, 101, "give at most {hi} percentiles", whole=True),
    "path_index": Limit(0, 2**62, "give the number of the first path, a whole number 0 or more", whole=True),
    "percentile": Limit(0, 100, "give percentiles between 0 and 100, for example 10, 50, 90"),
    "slip_mean": Limit(0, 10, "give the expected slip in years, {lo} to {hi}"),
    "probability": Limit(0, 1, "give a probability between 0 and 1", percent=True),
    "peak_sigma": Limit(0, 2, "give a standard deviation of log peak between {lo} and {hi}"),
    "trend_sigma": Limit(0, 0.2, "give a standard deviation of the yearly trend between {lo} and {hi}"),
    "tariff_sigma": Limit(0, 1, "give a standard deviation of the North America effect between {lo} and {hi}"),
    "volume_sigma": Limit(0, 1, "give a yearly standard deviation of log volume between {lo} and {hi}"),
    "correlation": Limit(0, 1, "give a correlation between {lo} and {hi}"),
    "odds": Limit(0, 100, "give an odds multiplier between {lo} and {hi}"),
    # targets and year-to-date actuals
    "target": Limit(0, _INF, "give the target in units a year, above 0 (for example 400000)", above=True),
    "positive": Limit(0, _INF, "give a number above 0", above=True),
    "growth": Limit(
        -1, _INF, "give a yearly growth rate above -1 (-100%), such as 0.1 for 10%", percent=True, above=True
    ),
    "ytd_units": Limit(0, 10_000_000, "give the worldwide units sold so far this year, {lo} to {hi}"),
    "ytd_months": Limit(
        1, 12, "give the number of months the units cover, a whole number from {lo} to {hi}", whole=True
    ),
    # the files a user gives (a lineup or scenario CSV), checked before they are parsed.
    # lineup_models: assumption, from the goals (a command or a refresh within 5 s and
    # 500 MB on a 2-core machine). Measured with `alfa-xl outlook --lineup` (20,000 paths,
    # 2026-2030): 10 models 3.6 s / 0.11 GB, 100 models 4.9 s / 0.30 GB, 200 models
    # 6.2 s / 0.50 GB, 1,000 models 33 s / 2.2 GB: about 2 MB and 30 ms a model. A brand
    # sells a dozen nameplates or so (Alfa Romeo's lineup: 9).
    "lineup_models": Limit(
        1,
        100,
        "give at most {hi} models, one row each; the projection's time and memory goals (5 s, 500 MB) "
        "hold up to that, so split a larger set into several lineups",
        whole=True,
    ),
    # scenario_rows: derived, a delay and a peak row for each of 100 models plus the 9
    # scenario-wide parameters (218), rounded up
    "scenario_rows": Limit(
        1,
        250,
        "give at most {hi} parameters, one row each (a delay and a peak for each model and the scenario-wide ones)",
        whole=True,
    ),
    # csv_field_chars: sourced, the most characters an Excel cell holds ("Excel specifications
    # and limits", support.microsoft.com): a longer field cannot come from a spreadsheet
    "csv_field_chars": Limit(
        0,
        32_767,
        "shorten that field (a comment or a source) to at most {hi} characters, what a spreadsheet cell holds",
        whole=True,
    ),
    # csv_line_chars: assumption, two fields at a cell's limit plus the short ones; the
    # shipped lineup's longest line is about 560 characters
    "csv_line_chars": Limit(
        0,
        65_536,
        "check that this is the CSV file you meant, one row a line: a line holds at most {hi} characters",
        whole=True,
    ),
    # csv_lines: assumption, 100 rows of up to 100 lines each (comments with line breaks)
    "csv_lines": Limit(0, 10_000, "check that this is the CSV file you meant: at most {hi} lines", whole=True),
    # csv_bytes: derived, 101 lines (header and lineup_models rows) of csv_line_chars,
    # 6.6 MB, rounded up to 8 MiB; reading that much takes a fraction of a second
    "csv_bytes": Limit(
        0,
        8 * 1024 * 1024,
        "check that this is the CSV file you meant: a lineup or scenario file is at most {hi} bytes (8 MB)",
        whole=True,
    ),
    # anything else: any finite number
    "number": Limit(-_INF, _INF, "give a number"),
    # a worksheet argument: any finite number, "10%" read as 0.1 as Excel itself reads it
    "cell_number": Limit(-_INF, _INF, "give a number", percent=True),
}

#: Names a model or scenario may not take because the outputs use them for structure,
#: compared case-insensitively: ``Year`` is the index of every by-year table and the
#: first cell of each block on the workbook's Scenarios sheet (counted by its Checks);
#: ``Total`` is the last column of the by-model table, next to one column per model.
RESERVED_NAMES: frozenset[str] = frozenset({"Year", "Total"})

_RESERVED_KEYS = frozenset(n.casefold() for n in RESERVED_NAMES)

#: Error values Excel can put in a cell, as xlwings shows them when it sends them as text.
EXCEL_ERRORS: frozenset[str] = frozenset(
    [
        "#N/A",
        "#DIV/0!",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#BUSY!",
        "#CONNECT!",
    ]
)


def _bound(x: float) -> str:
    if math.isinf(x):
        return "infinity" if x > 0 else "-infinity"
    if x == int(x) and abs(x) < 1e20:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def default_horizon(latest_actual_year: int) -> tuple[int, int]:
    """Default projection years: the year after the latest actual through :data:`DEFAULT_YEAR`
    (or just that next year once it is past :data:`DEFAULT_YEAR`).

    >>> default_horizon(2025), default_horizon(2031)
    ((2026, 2030), (2032, 2032))
    """
    start = int(latest_actual_year) + 1
    return start, max(start, DEFAULT_YEAR)


# -- blanks -------------------------------------------------------------------------------
def is_blank(value: Any) -> bool:
    """True for ``None``, empty or blank text and NaN; ``0`` is a value, never blank.

    >>> is_blank(None), is_blank("  "), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and value != value


def excel_error(value: Any) -> str | None:
    """The Excel error a value stands for (text ``"#N/A"`` or an Office.js error object)."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    if isinstance(value, Mapping) and str(value.get("type", "")).lower() == "error":
        return str(value.get("basicType") or value.get("errorType") or value.get("value") or "#VALUE!")
    return None
