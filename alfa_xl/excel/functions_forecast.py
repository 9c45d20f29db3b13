"""ALFA_FORECAST (category "Alfa Romeo"): the calibrated central forecast in a cell range.

It follows :mod:`alfa_xl.excel.functions_risk` (same decorators, same argument helpers
from the argument modules of :mod:`alfa_xl.excel`, same ``#VALUE!`` messages and result cache) and is
registered through :mod:`alfa_xl.excel.functions`, which imports it at its end. The
numbers are :func:`alfa_xl.model.evidence.forecast.forecast`'s: the recipe the backtests score
(``alfa-xl backtest``), reproducible for the same arguments.
"""

from __future__ import annotations

from typing import Any

from alfa_xl import validation
from alfa_xl.excel import common, readers
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.common import EXCEL_MAX_PATHS
from alfa_xl.excel.messages import excel_function
from alfa_xl.excel.registration import CATEGORY, wizard_help, xlwings_decorators
from alfa_xl.excel.results import cached
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.evidence.forecast import FORECAST_PATHS, forecast
from alfa_xl.model.risk.settings import DEFAULT_PERCENTILES, DEFAULT_SEED
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["alfa_forecast"]

xw = xlwings_decorators()


def _paths(value: Any) -> int:
    return common.paths(value, FORECAST_PATHS)


def _seed(value: Any) -> int:
    return common.seed(value, DEFAULT_SEED)


def _percentiles(value: Any) -> tuple[float, ...]:
    return common.percentiles(value, DEFAULT_PERCENTILES)


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg("start_year", doc="First forecast year, 2026 (the year after the latest actual) to 2060. Empty = 2026.")
@xw.arg("end_year", doc=f"Last forecast year, up to 2060. Empty = {DEFAULT_YEAR}.")
@xw.arg("percentiles", doc="Percentiles from 0 to 100, one cell or a range, e.g. 10, 50, 90. Empty = 10, 50, 90.")
@xw.arg("paths", doc=f"Number of simulated paths, 1 to {EXCEL_MAX_PATHS:,}. Empty = {FORECAST_PATHS:,}.")
@xw.arg(
    "seed", doc="Seed of the random numbers, a whole number from 0 (same seed, same result). Empty = a fixed default."
)
@excel_function
def alfa_forecast(start_year=None, end_year=None, percentiles=None, paths=None, seed=None):
    """The calibrated forecast of Alfa Romeo's yearly sales (units): spills Year and one column per
    percentile, then the cumulative row.

    Returns
    -------
    list of rows
        Header ``Year, P10, P50, P90`` (one column per requested percentile, in the order
        given), one row per year, then a row ``start-end`` with the percentiles of the
        units summed over those years. The forecast is the one that scored best on the
        rolling backtest (``alfa-xl backtest --rolling``, docs/simulation.md): today a log
        random walk with drift fitted on the yearly history, so the lineup does not move its
        yearly values; it orders the paths, which come from the structural model (the
        lineup's models on sale set to the latest actual, planned models following the track
        record: slips drawn from the stated date, peaks times the built models' median
        realisation, cancellation by lead and firmness, a model reported cancelled revived
        on 20% of paths).
    """
    start = readers.year(start_year, "start_year", default=latest_actual()[0] + 1)
    end = readers.year(end_year, "end_year", default=max(DEFAULT_YEAR, start))
    validation.end_after_start(start, end, got=end_year, error=ArgumentError)
    ps = _percentiles(percentiles)
    n = _paths(paths)
    s = _seed(seed)
    return cached(("ALFA_FORECAST", start, end, ps, n, s), lambda: _rows(start, end, ps, n, s))


def _rows(start: int, end: int, ps: tuple[float, ...], n: int, s: int) -> list[list[Any]]:
    return forecast(start_year=start, end_year=end, percentiles=ps, paths=n, seed=s, cumulative=(start, end)).grid()
