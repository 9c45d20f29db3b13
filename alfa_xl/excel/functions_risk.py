"""ALFA_ worksheet functions for risk (category "Alfa Romeo"): ALFA_PROBABILITY,
ALFA_PERCENTILES and ALFA_TORNADO.

They follow :mod:`alfa_xl.excel.functions` exactly (same decorators, same argument helpers from
the argument modules of :mod:`alfa_xl.excel`, same ``#VALUE!`` messages and result cache) and are
registered through it: ``alfa_xl.excel.functions`` imports them at its end, so the single UDF
module ``alfa_xl.excel.functions`` exposes every ALFA_ function. This module does not import
``alfa_xl.excel.functions`` (either can be imported first).

Simulated results are reproducible: the same arguments (seed included; an empty seed is
a fixed default) always give the same figures, so a workbook recalculates to the same
values. Worksheet calls take at most :data:`EXCEL_MAX_PATHS` paths so that a
recalculation stays interactive; ``alfa-xl simulate`` goes to 1,000,000.
"""

from __future__ import annotations

from typing import Any

from alfa_xl.excel import common, ranges, readers
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.cells import is_blank
from alfa_xl.excel.messages import excel_function
from alfa_xl.excel.registration import CATEGORY, wizard_help, xlwings_decorators
from alfa_xl.excel.results import cached
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.risk.settings import DEFAULT_PATHS, DEFAULT_PERCENTILES, DEFAULT_SEED
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.tornado import tornado
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["alfa_probability", "alfa_percentiles", "alfa_tornado", "EXCEL_MAX_PATHS"]

EXCEL_MAX_PATHS = common.EXCEL_MAX_PATHS
MAX_SEED = common.MAX_SEED
_YEAR = DEFAULT_YEAR


xw = xlwings_decorators()

_DOC_SCENARIO = (
    "Scenario the paths vary around: base, bear, bull, plan or track_record, or a two-column "
    "range of parameter and value applied on top of base. Empty = base."
)
_DOC_PROB_SCENARIO = (
    "Empty = the calibrated forecast (the recipe the backtests score). A scenario (base, bear, bull, plan, "
    "track_record, or a two-column range of parameter and value) gives a what-if: paths around that scenario."
)
_DOC_PATHS = f"Number of simulated paths, 1 to {EXCEL_MAX_PATHS:,}. Empty = {DEFAULT_PATHS:,}."
_DOC_SEED = "Seed of the random numbers, a whole number from 0 (same seed, same result). Empty = a fixed default."


# -- argument readers --------------------------------------------------------------------------
_target = common.target
_years = common.year_span


def _paths(value: Any) -> int:
    return common.paths(value, DEFAULT_PATHS)


def _seed(value: Any) -> int:
    return common.seed(value, DEFAULT_SEED)


def _percentiles(value: Any) -> tuple[float, ...]:
    return common.percentiles(value, DEFAULT_PERCENTILES)


def _label(p: float) -> str:
    return f"P{p:g}"


# == Monte Carlo ==================================================================================
@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("target", doc=common.DOC_TARGET)
@xw.arg("year", doc=f"Calendar year tested, 2000-2060. Empty = {DEFAULT_YEAR}.")
@xw.arg("scenario", doc=_DOC_PROB_SCENARIO)
@xw.arg("paths", doc=_DOC_PATHS)
@xw.arg("seed", doc=_DOC_SEED)
@excel_function
def alfa_probability(target=None, year=None, scenario=None, paths=None, seed=None):
    """Probability (0 to 1) that Alfa Romeo's sales reach the target in a year: the calibrated forecast, or a what-if.

    Returns
    -------
    float
        Without a scenario: the chance, under the calibrated forecast (``ALFA_FORECAST``'s
        headline), that the total in ``year`` (all models and regions, units a year) is at
        or above ``target``. For a random-walk headline (today's: the log random walk with
        drift, which scored best on the rolling backtest) it is the walk's exact closed form;
        for a headline built on the structural model, the share of its paths, or with fewer
        than 30 paths over the line an importance-sampling estimate (relative standard error
        at most 10%; docs/simulation.md). ``year`` is then a forecast year (2026 on). With a
        scenario: the share of paths drawn around that scenario (a what-if), launch slips,
        cancellations, peaks, market trend and US tariff drawn from Alfa Romeo's track record.
    """
    t = _target(target)
    y = readers.year(year, "year", default=_YEAR)
    n = _paths(paths)
    s = _seed(seed)
    if is_blank(scenario):
        first = latest_actual()[0] + 1
        if y < first:
            raise ArgumentError(
                "year",
                year,
                f"give a forecast year from {first}, or name a scenario for a what-if",
                "before the forecast starts",
            )
        return cached(("ALFA_PROBABILITY", t, y, None, n, s), lambda: _calibrated_probability(t, y, n, s, first))
    sc = ranges.scenario(scenario)
    return cached(("ALFA_PROBABILITY", t, y, sc, n, s), lambda: simulate(None, sc, y, y, n, s).probability(t, y))


def _calibrated_probability(t: float, y: int, n: int, s: int, first: int) -> float:
    return forecast(start_year=first, end_year=y, paths=n, seed=s).chance_in(y, t).probability


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("scenario", doc=_DOC_SCENARIO)
@xw.arg("start_year", doc=common.DOC_START)
@xw.arg("end_year", doc=common.DOC_END)
@xw.arg("percentiles", doc="Percentiles from 0 to 100, one cell or a range, e.g. 10, 50, 90. Empty = 10, 50, 90.")
@xw.arg("paths", doc=_DOC_PATHS)
@xw.arg("seed", doc=_DOC_SEED)
@excel_function
def alfa_percentiles(scenario=None, start_year=None, end_year=None, percentiles=None, paths=None, seed=None):
    """Percentiles of simulated Alfa Romeo sales by year (units a year); spills Year and one column per percentile.

    Returns
    -------
    list of rows
        Header ``Year, P10, P50, P90`` (one column per requested percentile, in the order
        given), then one row per year: the percentile of the yearly total across paths
        (linear interpolation, as ``PERCENTILE.INC``), units a year.
    """
    sc = ranges.scenario(scenario)
    start, end = _years(start_year, end_year)
    ps = _percentiles(percentiles)
    n = _paths(paths)
    s = _seed(seed)
    return cached(("ALFA_PERCENTILES", sc, start, end, ps, n, s), lambda: _percentile_rows(sc, start, end, ps, n, s))


def _percentile_rows(sc, start, end, ps, n, s):
    table = simulate(None, sc, start, end, n, s).percentiles(ps)
    return [["Year", *[_label(p) for p in ps]]] + [list(r) for r in table.itertuples(index=False, name=None)]


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("year", doc=f"Calendar year of the total, 2000-2060. Empty = {DEFAULT_YEAR}.")
@xw.arg("scenario", doc=_DOC_SCENARIO)
@excel_function
def alfa_tornado(year=None, scenario=None):
    """Which assumption moves the year's sales most: each driver alone at its P10 and P90; spills the
    largest swing first.

    Returns
    -------
    list of rows
        Header ``Driver, Low, High, Swing``; one row per driver (launch slip, peak
        realisation, market trend, North America tariff, each planned model built or
        cancelled) with the settings in brackets; ``Low`` and ``High`` are the year's
        total in units, ``Swing = High - Low``. No random numbers are used.
    """
    y = readers.year(year, "year", default=_YEAR)
    sc = ranges.scenario(scenario)
    return cached(("ALFA_TORNADO", y, sc), lambda: _tornado_rows(y, sc))


def _tornado_rows(y, sc):
    t = tornado(y, sc)
    rows = [
        [f"{d} [{lo} to {hi}]", low, high, swing]
        for d, low, high, swing, lo, hi in t[
            ["Driver", "Low", "High", "Swing", "Low setting", "High setting"]
        ].itertuples(index=False, name=None)
    ]
    return [["Driver", "Low", "High", "Swing"], *rows]
