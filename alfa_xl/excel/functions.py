"""ALFA_ worksheet functions for Excel (category "Alfa Romeo").

Each Python name is the Excel name in lower case (``alfa_project`` is ``=ALFA_PROJECT()``).
The functions only read their arguments (:mod:`alfa_xl.excel.readers`, :mod:`~alfa_xl.excel.ranges`), call
the engine and return plain values or lists of rows (header row first) that Excel 365 spills natively.
Bad input gives one line of text starting with ``#VALUE!``; results never contain NaN or
infinity; identical calls are served from the in-process cache.

Where the functions run
-----------------------
* Classic xlwings add-in on Windows: set ``UDF Modules`` to ``alfa_xl.udfs`` and click
  *Import Functions*; the decorators below are xlwings' ``xw.func``/``xw.arg``/``xw.ret``.
* xlwings Lite (Windows, macOS, Excel on the web): the same decorators are Lite's
  ``func``/``arg``/``ret`` (``from xlwings import func, arg, ret, script``). In Lite's
  ``main.py``::

      import xlwings as xw
      from xlwings import func, arg, ret, script
      from alfa_xl.udfs import *  # noqa: F401,F403  registers every ALFA_ function

* Anywhere else (Linux, macOS, tests) xlwings' decorators are pass-throughs, so this
  module does not import xlwings unless it is already loaded or the platform can host
  worksheet functions; the functions are then plain Python callables.

Extending
---------
Add a function at the end (a separate section per family), decorated in the same order:
``@wizard_help
@xw.func(category=CATEGORY)``, one ``@xw.arg(name, doc=...)`` per argument, then
``@excel_function`` right above ``def``; return through ``cached(key, compute)``;
add its name to ``__all__``.
"""

from __future__ import annotations

import math

from alfa_xl import validation
from alfa_xl.book.tables.report import COMPARE_COLUMNS, compare_scenarios, scenarios_table
from alfa_xl.book.values import frame_grid
from alfa_xl.excel import common, ranges, readers
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.messages import excel_function
from alfa_xl.excel.registration import CATEGORY, wizard_help, xlwings_decorators
from alfa_xl.excel.results import cached
from alfa_xl.model.data.sources import facts
from alfa_xl.model.engine.gap import GAP_COLUMNS, cagr, gap_table, years_to_target
from alfa_xl.model.engine.projection import project
from alfa_xl.validation import DEFAULT_YEAR

__all__ = [
    "alfa_project",
    "alfa_total",
    "alfa_gap",
    "alfa_gap_table",
    "alfa_cagr",
    "alfa_years_to_target",
    "alfa_scenarios",
    "alfa_compare",
    "alfa_fact",
    "alfa_facts",
]


xw = xlwings_decorators()

# -- argument help shared by several functions -----------------------------------------------
_DOC_SCENARIO = (
    "Scenario: base, bear, bull, plan or track_record (case ignored), or a two-column range "
    "of parameter and value applied on top of base. Empty = base."
)
_DOC_LINEUP = (
    "Optional model table with a header row (columns as the lineup CSV: model, launch_year, "
    "peak_units, ...). Empty = the shipped lineup."
)
_DOC_TARGET = common.DOC_TARGET
_DOC_START = common.DOC_START
_DOC_END = common.DOC_END

_BY = {
    "model": "model",
    "models": "model",
    "by_model": "model",
    "region": "region",
    "regions": "region",
    "by_region": "region",
    "total": "total",
    "totals": "total",
}


_target = common.target
_years = common.year_span


# == Projection and gap =========================================================================
@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("scenario", doc=_DOC_SCENARIO)
@xw.arg("start_year", doc=_DOC_START)
@xw.arg("end_year", doc=_DOC_END)
@xw.arg("by", doc='Columns: "model" (default), "region" or "total".')
@xw.arg("lineup", doc=_DOC_LINEUP)
@excel_function
def alfa_project(scenario=None, start_year=None, end_year=None, by=None, lineup=None):
    """Projected Alfa Romeo sales (units a year) by model, region or in total; spills Year rows.

    Returns
    -------
    list of rows
        Header ``Year, <models or regions>, Total``, then one row per year from
        ``start_year`` to ``end_year``; units sold (registrations), not rounded.
    """
    sc = ranges.scenario(scenario)
    start, end = _years(start_year, end_year)
    how = readers.choice(by, "by", _BY, "model")
    lu = ranges.lineup(lineup)
    return cached(("ALFA_PROJECT", sc, start, end, how, lu), lambda: _project_rows(lu, sc, start, end, how))


def _project_rows(lu, sc, start, end, how):
    return project(lu, sc, start, end).rows(how)


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("year", doc="Calendar year, 2000-2060, e.g. 2030.")
@xw.arg("scenario", doc=_DOC_SCENARIO)
@xw.arg("lineup", doc=_DOC_LINEUP)
@excel_function
def alfa_total(year, scenario=None, lineup=None):
    """Projected Alfa Romeo sales in one year, all models and regions (units).

    Returns
    -------
    float
        Units sold (registrations) in ``year``, not rounded.
    """
    y = readers.year(year, "year")
    sc = ranges.scenario(scenario)
    lu = ranges.lineup(lineup)
    return cached(("ALFA_TOTAL", y, sc, lu), lambda: _total(lu, sc, y))


def _total(lu, sc, y) -> float:
    return float(project(lu, sc, y, y).totals[0])


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("target", doc=_DOC_TARGET)
@xw.arg("year", doc=f"Calendar year, 2000-2060. Empty = {DEFAULT_YEAR}.")
@xw.arg("scenario", doc=_DOC_SCENARIO)
@xw.arg("lineup", doc=_DOC_LINEUP)
@excel_function
def alfa_gap(target=None, year=None, scenario=None, lineup=None):
    """Units a year still missing to reach the target: target minus projected sales (negative = beaten).

    Returns
    -------
    float
        ``target - ALFA_TOTAL(year, scenario, lineup)`` in units a year.
    """
    t = _target(target)
    y = readers.year(year, "year", default=DEFAULT_YEAR)
    sc = ranges.scenario(scenario)
    lu = ranges.lineup(lineup)
    return cached(("ALFA_GAP", t, y, sc, lu), lambda: t - _total(lu, sc, y))


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("target", doc=_DOC_TARGET)
@xw.arg("scenario", doc=_DOC_SCENARIO)
@xw.arg("start_year", doc=_DOC_START)
@xw.arg("end_year", doc=_DOC_END)
@xw.arg("lineup", doc=_DOC_LINEUP)
@excel_function
def alfa_gap_table(target=None, scenario=None, start_year=None, end_year=None, lineup=None):
    """Gap to the target year by year: projection, target, gap, share, growth required, years to
    target, Junior-equivalents.

    Returns
    -------
    list of rows
        Header ``Year, Projection, Target, Gap, Share of target, Growth required, Years to
        target, Junior-equivalents``, one row per year. Gap = target - projection (units a
        year); share and growth as fractions (0.25 = 25%); growth compounds yearly from the
        latest actual (2025); empty where not defined (years up to the latest actual, or a
        scenario that never reaches the target at its own pace).
    """
    t = _target(target)
    sc = ranges.scenario(scenario)
    start, end = _years(start_year, end_year)
    lu = ranges.lineup(lineup)
    return cached(
        ("ALFA_GAP_TABLE", t, sc, start, end, lu),
        lambda: frame_grid(gap_table(project(lu, sc, start, end), t), GAP_COLUMNS),
    )


# == Growth arithmetic ===========================================================================
@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("start_value", doc="Volume at the start, above 0 (e.g. 70000).")
@xw.arg("end_value", doc="Volume at the end, above 0 (e.g. 400000).")
@xw.arg("years", doc="Number of years between the two, above 0 (e.g. 5).")
@excel_function
def alfa_cagr(start_value, end_value, years):
    """Compound yearly growth rate from a start to an end volume over a number of years (0.1 = 10%).

    Returns
    -------
    float
        The rate *r* with ``start_value * (1 + r) ** years = end_value``, that is
        ``(end_value / start_value) ** (1 / years) - 1``; exactly 0 when the two are equal.
    """
    a = readers.number(start_value, "start_value", fix="give the starting volume as a number above 0")
    b = readers.number(end_value, "end_value", fix="give the ending volume as a number above 0")
    n = readers.number(years, "years", fix="give the number of years as a number above 0")
    return cached(("ALFA_CAGR", a, b, n), lambda: _finite_rate(cagr(a, b, n), a, b, n))


def _finite_rate(rate: float, start: float, end: float, years: float) -> float:
    """The growth rate, or one line naming why there is none: a rate beyond a float's range
    is never shown as an empty cell."""
    if math.isfinite(rate):
        return rate
    raise ArgumentError(
        "years",
        years,
        "give volumes and a number of years whose growth fits in a number (e.g. 70000, 400000, 5)",
        f"the growth rate from {start:g} to {end:g} in {years:g} years is too large to compute (overflow)",
    )


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("current", doc="Volume today in units a year, above 0 (e.g. 73000).")
@xw.arg("growth", doc="Yearly growth rate, e.g. 0.1 or 10% for 10% a year.")
@xw.arg("target", doc=_DOC_TARGET)
@excel_function
def alfa_years_to_target(current, growth, target=None):
    """Years for a volume growing at a steady yearly rate to reach the target (empty if never).

    Returns
    -------
    float or empty
        *n* with ``current * (1 + growth) ** n = target``, that is
        ``ln(target / current) / ln(1 + growth)``; 0 when already reached;
        empty when growth is 0 or negative and the target is above the current volume.
    """
    c = readers.number(current, "current", fix="give the current volume as a number above 0")
    g = readers.number(growth, "growth", fix="give a yearly growth rate such as 0.1 or 10%")
    t = _target(target)
    return cached(("ALFA_YEARS_TO_TARGET", c, g, t), lambda: _finite_years(years_to_target(c, g, t), c, g, t))


def _finite_years(years: float, current: float, growth: float, target: float) -> float:
    """The number of years; ``inf`` (shown empty) only for the documented case, growth of 0
    or less with the target above the current volume. An overflow or NaN is an error."""
    if math.isfinite(years) or (years == math.inf and growth <= 0 < target - current):
        return years
    raise ArgumentError(
        "growth",
        growth,
        "give a yearly growth rate and volumes whose result fits in a number (e.g. 73000, 0.1, 400000)",
        f"the years from {current:g} to {target:g} at {growth:g} a year are too many to compute (overflow)",
    )


# == Scenarios and facts =========================================================================
@wizard_help
@xw.func(category=CATEGORY)
@excel_function
def alfa_scenarios():
    """Every built-in scenario with its parameters and reasoning; spills one row per scenario.

    Returns
    -------
    list of rows
        Header ``Scenario, Description, delay_years, peak_multiplier, na_tariff,
        market_trend, use_announced_dates, include_reported_cancelled, cancel, per-model,
        Reasoning``; delays in years, multipliers as factors, tariff and trend as
        fractions (-0.2 = 20% fewer).
    """
    return cached(("ALFA_SCENARIOS",), lambda: frame_grid(scenarios_table()))


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("year", doc=f"Year compared, 2000-2060. Empty = {DEFAULT_YEAR}.")
@xw.arg("target", doc=_DOC_TARGET)
@excel_function
def alfa_compare(year=None, target=None):
    """Every scenario side by side in one year: total, target, gap, share and first year at target.

    Returns
    -------
    list of rows
        Header ``Scenario, Total, Target, Gap, Share of target, First year at target``;
        units a year; gap = target - total; first year at target searched up to 2040,
        empty when not reached.
    """
    y = readers.year(year, "year", default=DEFAULT_YEAR)
    t = _target(target)
    return cached(("ALFA_COMPARE", y, t), lambda: frame_grid(compare_scenarios(y, t), COMPARE_COLUMNS))


_FACT_COLUMNS = ("key", "value", "unit", "as_of", "source")
_FACT_HEADER = ("Key", "Value", "Unit", "As of", "Source")


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("key", doc='Fact key as listed by ALFA_FACTS(), e.g. "global_units_2025".')
@excel_function
def alfa_fact(key):
    """The value of one sourced fact (see ALFA_FACTS for keys, units, dates and sources).

    Returns
    -------
    float
        The fact's value in its unit (units, share as a fraction, ...).
    """
    k = readers.text(key, "key")
    if k is None:
        raise ArgumentError("key", key, "give a fact key such as global_units_2025 (see ALFA_FACTS())", "missing")
    k = validation.identifier(k, dashes=True)
    return cached(("ALFA_FACT", k), lambda: _fact(k, key))


def _fact(k: str, raw) -> float:
    table = facts()
    hit = table.loc[table["key"] == k, "value"]
    if hit.empty:
        keys = table["key"].tolist()
        shown = ", ".join(keys[:4]) + (", ..." if len(keys) > 4 else "")
        raise ArgumentError("key", raw, f"use a key listed by ALFA_FACTS() ({shown})", "unknown fact")
    return float(hit.iloc[0])


@wizard_help
@xw.func(category=CATEGORY)
@excel_function
def alfa_facts():
    """Sourced facts behind the model: key, value, unit, as-of date and source; spills one row per fact.

    Returns
    -------
    list of rows
        Header ``Key, Value, Unit, As of, Source``; ``As of`` is ``YYYY-MM`` text.
    """
    return cached(("ALFA_FACTS",), lambda: frame_grid(facts()[list(_FACT_COLUMNS)], _FACT_HEADER))


# == Further families (Monte Carlo: ALFA_PROBABILITY, ALFA_PERCENTILES, ALFA_TORNADO) ==========
# Add them below this line, or import them from their own module and extend __all__.
from alfa_xl.excel.functions_risk import alfa_percentiles, alfa_probability, alfa_tornado  # noqa: E402

__all__ += ["alfa_probability", "alfa_percentiles", "alfa_tornado"]
from alfa_xl.excel.functions_nowcast import alfa_nowcast  # noqa: E402

__all__ += ["alfa_nowcast"]
from alfa_xl.excel.functions_forecast import alfa_forecast  # noqa: E402

__all__ += ["alfa_forecast"]
