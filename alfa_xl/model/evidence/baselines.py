"""Naive forecasters, each from the history known at the origin only.

With the yearly actuals known then, log changes ``d_i = ln(x_i / x_{i-1})`` over gaps of
``g_i`` years (the history has holes: 2003-2008, 2011-2012), and ``h`` years from the
last actual:

* **no change**: the last actual, at every quantile;
* **log random walk**: median the last actual; yearly sd ``s = sqrt(sum(d_i^2 / g_i) / n)``;
* **log random walk with drift**: drift ``mu = sum(d_i) / sum(g_i)`` a year; yearly sd
  ``s = sqrt(sum((d_i - g_i mu)^2 / g_i) / (n - 1))`` (with one change only: the random
  walk's ``s``, stated as such); median ``x_last exp(h mu)``;
* quantile ``q`` of a random walk: ``x_last exp(h mu + z_q s sqrt(h))``, ``z_q`` the
  normal quantile (``mu = 0`` without drift);
* **target path**: the company's targets known then, geometric between them from the
  last actual, held after the last (a point forecast; none without a live target).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = [
    "log_changes",
    "random_walk",
    "random_walk_lognormal",
    "walk_parameters",
    "normal_scores",
    "no_change",
    "target_path",
    "NAIVE",
]

#: The naive forecasters of the skill scores (the target path exists only where a plan does).
NAIVE = ("no_change", "rw", "rw_drift")


def log_changes(history: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(log changes, gaps in years) between consecutive rows of ``year``, ``units``."""
    h = history.sort_values("year")
    years, logs = h["year"].to_numpy(float), np.log(h["units"].to_numpy(float))
    return np.diff(logs), np.diff(years)


def random_walk(history: pd.DataFrame, horizons, quantiles=(0.1, 0.5, 0.9), drift: bool = False) -> np.ndarray:
    """Quantiles (rows) by horizon (columns) of a log random walk from the last actual.

    >>> h = pd.DataFrame({"year": [2020, 2021], "units": [100.0, 110.0]})
    >>> random_walk(h, [1], (0.5,), drift=True).round(3).tolist()
    [[121.0]]
    """
    last, mu, sd = walk_parameters(history, drift)
    h = np.asarray(horizons, float)[None, :]
    levels = np.ascontiguousarray(np.ravel(np.asarray(quantiles, float)))
    z = _normal_quantiles(levels.tobytes())[:, None]
    return last * np.exp(h * mu + z * sd * np.sqrt(h))


@lru_cache(maxsize=8)
def _normal_quantiles(levels: bytes) -> np.ndarray:
    """The standard normal's quantiles ``z_q`` of the float64 ``levels`` (their bytes: the
    cache key), read-only. Cached: the combined forecast asks for the same 20,000 levels in
    every year, and ``statistics`` computes one value at a time."""
    normal = NormalDist()
    z = np.array([normal.inv_cdf(float(q)) for q in np.frombuffer(levels, dtype=float)], dtype=float)
    z.setflags(write=False)
    return z


def random_walk_lognormal(history: pd.DataFrame, horizons, drift: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The log random walk's forecast ``h`` years ahead is lognormal: ``(ln median, sd of
    the log)`` by horizon, ``(ln x_last + h mu, s sqrt(h))`` (module docstring).

    >>> h = pd.DataFrame({"year": [2020, 2021, 2022], "units": [100.0, 110.0, 121.0]})
    >>> [np.round(a, 6).tolist() for a in random_walk_lognormal(h, [1, 4], drift=True)]
    [[4.891101, 5.177031], [0.0, 0.0]]
    """
    last, mu, sd = walk_parameters(history, drift)
    h = np.asarray(horizons, float)
    return math.log(last) + h * mu, sd * np.sqrt(h)


def normal_scores(n: int) -> np.ndarray:
    """The standard normal's quantiles at the mid-ranks ``(k + 0.5) / n``, read-only.

    >>> normal_scores(2).round(4).tolist()
    [-0.6745, 0.6745]
    """
    levels = (np.arange(int(n)) + 0.5) / int(n)
    return _normal_quantiles(levels.tobytes())


def walk_parameters(history: pd.DataFrame, drift: bool) -> tuple[float, float, float]:
    """(last actual, drift a year, sd a year) of the walk (module docstring).

    >>> h = pd.DataFrame({"year": [2020, 2021, 2022], "units": [100.0, 110.0, 121.0]})
    >>> [round(x, 6) for x in walk_parameters(h, drift=True)]
    [121.0, 0.09531, 0.0]
    """
    d, g = log_changes(history)
    if len(d) == 0:
        raise ValueError("a random walk needs at least two actuals")
    last = float(history.sort_values("year")["units"].iloc[-1])
    sd_rw = math.sqrt(float(np.sum(d**2 / g)) / len(d))
    if drift:
        mu = float(np.sum(d) / np.sum(g))
        sd = math.sqrt(float(np.sum((d - g * mu) ** 2 / g)) / (len(d) - 1)) if len(d) >= 2 else sd_rw
    else:
        mu, sd = 0.0, sd_rw
    return last, mu, sd


def no_change(history: pd.DataFrame, horizons, quantiles=(0.1, 0.5, 0.9)) -> np.ndarray:
    """The last actual at every quantile and horizon."""
    last = float(history.sort_values("year")["units"].iloc[-1])
    return np.full((len(quantiles), len(horizons)), last)


def target_path(years, knots: tuple[tuple[int, float], ...]) -> np.ndarray:
    """The company's path at ``years``: geometric between the knots, held outside; NaN without knots.

    >>> target_path([2014, 2016], ((2013, 100.0), (2015, 400.0))).round(6).tolist()
    [200.0, 400.0]
    """
    years = np.asarray(years, float)
    if not knots:
        return np.full(years.shape, np.nan)
    ky = np.array([k[0] for k in knots], float)
    kv = np.log([k[1] for k in knots])
    return np.exp(np.interp(years, ky, kv))
