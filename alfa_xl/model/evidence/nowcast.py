r"""The current year from year-to-date actuals: full-year P10/P50/P90.

Given worldwide units sold from January through month *k* of a year, the full year is

.. math::

    Y = \frac{U_k}{S_k}, \qquad
    \operatorname{logit} S_k = \operatorname{logit} c(k) + s_k\,T_\nu,
    \qquad s_k^2 = \frac{\tau^2\,(1 + 1/n_k)}{c(k)\,(1 - c(k))}

where *S_k* is the share of the year sold by month *k*, *T_nu* a Student-t variable.

* **c(k), the seasonality**: the mean share of the year sold by month *k* in the shipped
  partial-period history (:func:`alfa_xl.model.data.sources.partial_periods`: January-May
  2025, the first halves of 2023-2025, January-September 2020 and 2024), joined by
  straight lines through (0, 0) and (12, 1) between the months observed.
* **tau^2, the spread**: the share of a year sold by a given month varies from year to
  year like a Dirichlet split of the year, ``var(S_k) = tau^2 c (1 - c)``: zero at 0 and
  12 months, widest mid-year. ``tau^2`` is pooled over the months observed in more than
  one year (6 months: 2023-2025; 9 months: 2020 and 2024) with ``nu = sum(n_k - 1)``
  degrees of freedom (3 as shipped). The variance of the logit follows by the delta
  method.
* **The predictive**: Student-t with ``nu`` degrees of freedom and the factor
  ``1 + 1/n_k`` (n_k: years observed at that month; between observed months the
  smaller of the neighbours'), which widens the band for a spread estimated from few
  years.

Twelve months give the year itself. Only partial periods of years *before* the year
asked for are used (a replay of 2025 does not see 2025's first half). See
``docs/nowcast.md``.

Examples
--------
>>> nc = nowcast(33020, 6, year=2025)      # H1 2025; 2025's own history left out
>>> [round(x, -2) for x in nc.percentiles()]
[70500.0, 73100.0, 75800.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from alfa_xl import validation as v
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.data.sources import latest_actual, partial_periods
from alfa_xl.model.risk.settings import DEFAULT_PERCENTILES

__all__ = ["Nowcast", "nowcast", "seasonality", "first_year", "t_ppf", "t_cdf", "NowcastError"]


class NowcastError(AlfaInputError):
    """Year-to-date inputs the nowcast cannot use."""


# -- Student t for whole degrees of freedom (closed form, Abramowitz & Stegun 26.7.3-4) --
def t_cdf(t: npt.ArrayLike, df: int) -> np.ndarray:
    """Student-t distribution function for a whole number of degrees of freedom.

    >>> float(t_cdf(1.637744, 3).round(6)), float(t_cdf(0.0, 5))
    (0.9, 0.5)
    """
    x = np.asarray(t, dtype=float)
    theta = np.arctan(np.abs(x) / math.sqrt(df))
    c, s = np.cos(theta), np.sin(theta)
    term = np.ones_like(theta)
    if df % 2:  # odd: (2/pi) [theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...)]
        total = np.zeros_like(theta) if df == 1 else term.copy()
        for j in range(1, (df - 1) // 2):
            term = term * c * c * (2 * j) / (2 * j + 1)
            total = total + term
        a = (2 / math.pi) * (theta + (s * c * total if df > 1 else 0.0))
    else:  # even: sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...)
        total = term.copy()
        for j in range(1, df // 2):
            term = term * c * c * (2 * j - 1) / (2 * j)
            total = total + term
        a = s * total
    return np.where(x >= 0, 0.5 + a / 2, 0.5 - a / 2)


def t_ppf(p: npt.ArrayLike, df: int) -> np.ndarray:
    """Student-t quantile for a whole number of degrees of freedom (bisection on
    :func:`t_cdf`, to 1e-12).

    >>> [round(float(t_ppf(0.9, d)), 6) for d in (1, 2, 3, 4)]
    [3.077684, 1.885618, 1.637744, 1.533206]
    """
    q = np.asarray(p, dtype=float)
    upper = np.abs(q - 0.5) + 0.5
    lo = np.zeros_like(upper)
    hi = np.full_like(upper, 1.0)
    while np.any((t_cdf(hi, df) < upper) & np.isfinite(hi)) and hi.max() < 1e300:
        hi = np.where(t_cdf(hi, df) < upper, hi * 16, hi)
    for _ in range(200):
        mid = (lo + hi) / 2
        below = t_cdf(mid, df) < upper
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        if np.all(hi - lo <= 1e-12 * np.maximum(1.0, hi)):
            break
    out = (lo + hi) / 2
    out = np.where(q == 1, np.inf, np.where(q == 0, -np.inf, np.where(q == 0.5, 0.0, out)))
    return np.where(q < 0.5, -out, out)


# -- seasonality --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seasonality:
    """Share of the year sold by each month end and its spread (read-only).

    Attributes
    ----------
    months : numpy.ndarray
        0 to 12.
    share : numpy.ndarray
        Mean share of the year sold by the end of each month, ``c(k)``.
    years : numpy.ndarray
        Years observed at each month, ``n_k`` (interpolated months: the smaller of the
        neighbouring observed months'; 0 and 12 months are exact).
    tau2 : float
        Pooled dispersion: ``var(S_k) = tau2 * c(k) * (1 - c(k))``.
    df : int
        Degrees of freedom of ``tau2``.
    before : int
        Only partial periods of years before this one were used.
    """

    months: np.ndarray
    share: np.ndarray
    years: np.ndarray
    tau2: float
    df: int
    before: int


def _degrees_of_freedom(before: int) -> int:
    table = partial_periods()
    months = table.loc[(table["region"] == "Global") & (table["year"] < before), "months"]
    return int(sum(n - 1 for k, n in months.value_counts().items() if 0 < k < 12))


def first_year() -> int:
    """The first year the shipped partial periods can nowcast (two earlier years observed
    at the same month).

    >>> first_year()
    2025
    """
    for year in sorted(set(partial_periods()["year"] + 1)):
        if _degrees_of_freedom(int(year)) >= 1:
            return int(year)
    raise NowcastError("partial periods", "(too few)", "ship partial periods of at least two years", "no usable history")


@lru_cache(maxsize=None)
def seasonality(before: int) -> Seasonality:
    """The seasonality estimated from the partial periods of years before ``before``.

    >>> s = seasonality(2026)
    >>> round(float(s.share[6]), 4), s.df
    (0.452, 3)
    """
    table = partial_periods()
    table = table[(table["region"] == "Global") & (table["year"] < before)]
    shares = (table["units"] / table["full_year_units"]).to_numpy()
    months = table["months"].to_numpy()
    observed = sorted(set(int(m) for m in months if 0 < m < 12))
    df = sum(int((months == k).sum()) - 1 for k in observed)
    if df < 1:
        raise NowcastError(
            "year", before, f"give {first_year()} or a later year (partial periods of two earlier years are needed)",
            "too little partial-period history before it",
        )
    xs = [0.0] + [float(k) for k in observed] + [12.0]
    ys = [0.0] + [float(shares[months == k].mean()) for k in observed] + [1.0]
    counts = [math.inf] + [float((months == k).sum()) for k in observed] + [math.inf]
    tau2 = 0.0
    for k in observed:
        x = shares[months == k]
        m = x.mean()
        tau2 += float(((x - m) ** 2).sum()) / (m * (1 - m))
    tau2 /= df
    grid = np.arange(13, dtype=float)
    share = np.interp(grid, xs, ys)
    years = np.empty(13)
    for k in range(13):
        j = int(np.searchsorted(xs, k))
        years[k] = counts[j] if xs[j] == k else min(counts[j - 1], counts[j])
    for a in (grid, share, years):
        a.setflags(write=False)
    return Seasonality(grid, share, years, tau2, df, int(before))


# -- the nowcast --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Nowcast:
    """The full-year distribution given year-to-date units (read-only result of :func:`nowcast`).

    Attributes
    ----------
    units_to_date : float
        Worldwide units from January through ``months``.
    months : int
        Months covered, 1 to 12.
    year : int
        The calendar year.
    share : float
        Expected share of the year sold by then, ``c(months)``.
    scale : float
        Spread of the logit of that share (0 at 12 months).
    df : int
        Degrees of freedom of the Student-t.
    """

    units_to_date: float
    months: int
    year: int
    share: float
    scale: float
    df: int

    def ppf(self, p: npt.ArrayLike) -> np.ndarray:
        """Full-year units at probability ``p`` (inverse distribution function).

        Feed it uniform draws to condition a simulated year: ``nc.ppf(rng.random(n))``.
        Units are at least ``units_to_date``; ``p = 0.5`` gives ``units_to_date / share``.
        """
        q = np.asarray(p, dtype=float)
        if self.scale == 0.0:
            return np.full(q.shape, self.units_to_date / self.share)
        logit = math.log(self.share / (1 - self.share)) - self.scale * t_ppf(q, self.df)  # high p: low share
        s = 1.0 / (1.0 + np.exp(-logit))
        return self.units_to_date / s

    def percentiles(self, percentiles: npt.ArrayLike = DEFAULT_PERCENTILES) -> list[float]:
        """Full-year units at the given percentiles (0-100), in the order given."""
        ps = [v.number(p, "percentiles", "percentile", error=NowcastError) for p in np.atleast_1d(percentiles).tolist()]
        return [float(x) for x in self.ppf(np.array(ps) / 100.0)]

    def sample(self, size: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
        """``size`` draws of the full year (units), reproducible for a given seed."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        return self.ppf(rng.random(int(size)))


def nowcast(units_to_date: Any, months: Any, year: Any = None) -> Nowcast:
    """The full-year distribution of worldwide units from year-to-date actuals.

    Parameters
    ----------
    units_to_date : float
        Worldwide units (registrations) from January through month ``months``, 0 or more.
    months : int
        How many months the units cover, 1 to 12.
    year : int, optional
        The calendar year (default: the year after the latest full-year actual, 2026).
        Only partial periods of earlier years set the seasonality.

    Returns
    -------
    Nowcast
        ``.percentiles()`` for P10/P50/P90, ``.ppf(p)`` and ``.sample(n, seed)``.

    Raises
    ------
    NowcastError
        Negative or non-numeric units, months outside 1-12, a year without enough
        earlier partial-period history (before 2024 as shipped).

    Examples
    --------
    >>> nc = nowcast(33020, 6)
    >>> round(nc.share, 4), round(nc.percentiles([50])[0])
    (0.452, 73058)
    >>> nowcast(73000, 12).percentiles()
    [73000.0, 73000.0, 73000.0]
    """
    units = v.number(units_to_date, "units_to_date", "ytd_units", error=NowcastError)
    k = v.whole(months, "months", "ytd_months", error=NowcastError)
    default_year = latest_actual()[0] + 1
    y = v.year(year, "year", error=NowcastError, default=default_year)
    s = seasonality(y)
    share = float(s.share[k])
    if k == 12:
        return Nowcast(units, k, y, 1.0, 0.0, s.df)
    scale = math.sqrt(s.tau2 * (1 + 1 / s.years[k]) / (share * (1 - share)))
    return Nowcast(units, k, y, share, scale, s.df)
