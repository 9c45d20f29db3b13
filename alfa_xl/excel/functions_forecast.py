"""ALFA_FORECAST (category "Alfa Romeo"): the calibrated central forecast in a cell range.

It follows :mod:`alfa_xl.excel.functions_risk` (same decorators, same argument helpers
from :mod:`alfa_xl.excel.args`, same ``#VALUE!`` messages and result cache) and is
registered through :mod:`alfa_xl.excel.functions`, which imports it at its end. The
numbers are :func:`alfa_xl.model.forecast.forecast`'s: the recipe the backtests score
(``alfa-xl backtest``), reproducible for the same arguments.
"""

from __future__ import annotations

import re
from typing import Any

from alfa_xl.excel import args as xa
from alfa_xl.excel.functions_risk import EXCEL_MAX_PATHS, MAX_SEED
from alfa_xl.model.forecast import FORECAST_PATHS, forecast
from alfa_xl.model.sim_inputs import DEFAULT_PERCENTILES, DEFAULT_SEED
from alfa_xl.model.sources import latest_actual

__all__ = ["alfa_forecast"]

CATEGORY = xa.CATEGORY
xw = xa.xlwings_decorators()
_P_TEXT = re.compile(r"^\s*[pP]?\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*%?\s*$")


def _paths(value: Any) -> int:
    fix = f"give a whole number of paths from 1 to {EXCEL_MAX_PATHS:,} (e.g. 20000), or leave it empty"
    return xa.whole(value, "paths", default=FORECAST_PATHS, fix=fix, zero_is_blank=True, lo=1, hi=EXCEL_MAX_PATHS)


def _seed(value: Any) -> int:
    fix = "give a whole number from 1 to 2^53 as the seed, or leave it empty for the fixed default"
    s = xa.whole(value, "seed", default=DEFAULT_SEED, fix=fix, zero_is_blank=True)
    if not 0 <= s <= MAX_SEED:
        raise xa.ArgumentError("seed", value, fix, "negative" if s < 0 else "too large")
    return s


def _percentiles(value: Any) -> tuple[float, ...]:
    fix = "give percentiles from 0 to 100, e.g. 10, 50, 90 (one cell or a range), or leave it empty"
    cells = [v for row in xa.grid(value, zero_blank=False) for v in row] if isinstance(value, (list, tuple)) else [value]
    cells = [v for v in cells if not xa.is_blank(v)]
    if not cells:
        return DEFAULT_PERCENTILES
    if len(cells) > 101:
        raise xa.ArgumentError("percentiles", value, "give at most 101 percentiles", f"{len(cells)} values")
    out = []
    for v in cells:
        if isinstance(v, str):  # "P10", "10", "10%" all mean the 10th percentile
            m = _P_TEXT.match(v)
            if not m:
                raise xa.ArgumentError("percentiles", v, fix, "not a number")
            v = float(m.group(1))
        out.append(xa.number(v, "percentiles", fix=fix, lo=0, hi=100))
    return tuple(out)


@xa.wizard_help
@xw.func(category=CATEGORY)
@xw.arg("start_year", doc="First forecast year, 2026 (the year after the latest actual) to 2060. Empty = 2026.")
@xw.arg("end_year", doc="Last forecast year, up to 2060. Empty = 2030.")
@xw.arg("percentiles", doc="Percentiles from 0 to 100, one cell or a range, e.g. 10, 50, 90. Empty = 10, 50, 90.")
@xw.arg("paths", doc=f"Number of simulated paths, 1 to {EXCEL_MAX_PATHS:,}. Empty or 0 = {FORECAST_PATHS:,}.")
@xw.arg("seed", doc="Seed of the random numbers, a whole number (same seed, same result). Empty or 0 = a fixed default.")
@xa.excel_function
def alfa_forecast(start_year=None, end_year=None, percentiles=None, paths=None, seed=None):
    """The calibrated forecast of Alfa Romeo's yearly sales (units): spills Year and one column per percentile, then the cumulative row.

    Returns
    -------
    list of rows
        Header ``Year, P10, P50, P90`` (one column per requested percentile, in the order
        given), one row per year, then a row ``start-end`` with the percentiles of the
        units summed over those years. The lineup's models on sale are set to the latest
        actual, planned models follow the track record (slips, realisation by how far
        out the promise is, cancellation by lead and firmness) and the spreads are those
        the backtests scored (``alfa-xl backtest``, docs/simulation.md).
    """
    start = xa.year(start_year, "start_year", default=latest_actual()[0] + 1)
    end = xa.year(end_year, "end_year", default=max(2030, start))
    if end < start:
        raise xa.ArgumentError("end_year", end_year, f"give an end year on or after the start year {start}", "before the start year")
    ps = _percentiles(percentiles)
    n = _paths(paths)
    s = _seed(seed)
    return xa.cached(("ALFA_FORECAST", start, end, ps, n, s), lambda: _rows(start, end, ps, n, s))


def _rows(start: int, end: int, ps: tuple[float, ...], n: int, s: int) -> list[list[Any]]:
    return forecast(start_year=start, end_year=end, percentiles=ps, paths=n, seed=s, cumulative=(start, end)).grid()
