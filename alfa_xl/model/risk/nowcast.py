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
asked for are used (a replay of 2025 does not see 2025's first half), and only those
known at the origin of that year: the table is read through the year's
:class:`~alfa_xl.model.data.vintage.Vintage` (rows dated at or after its origin left
out), so a replay never sees a partial period published after it. See
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
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from alfa_xl import validation as v
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.data.sources import history, latest_actual
from alfa_xl.model.data.vintage import Vintage
from alfa_xl.model.risk.settings import DEFAULT_PERCENTILES

__all__ = [
    "Nowcast",
    "nowcast",
    "seasonality",
    "first_year",
    "t_ppf",
    "t_cdf",
    "NowcastError",
    "Pace",
    "pace",
    "check_pace",
    "widest_yearly_change",
    "PaceError",
]


class NowcastError(AlfaInputError):
    """Year-to-date inputs the nowcast cannot use."""


class PaceError(NowcastError):
    """Year-to-date units that imply a full year further from the year before than any
    change in the brand's history (:func:`check_pace`)."""


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


def known_partial_periods(before: int, vintage: Vintage | None = None) -> pd.DataFrame:
    """The worldwide partial periods of years before ``before`` known at the origin of
    ``vintage`` (default: the vintage of ``before``, :meth:`Vintage.at`), with numeric
    ``year``, ``months``, ``units`` and ``full_year_units``."""
    cut = Vintage.at(int(before)) if vintage is None else vintage
    table = cut.table("partial_periods.csv")
    for col in ("year", "months"):
        table[col] = table[col].astype(int)
    for col in ("units", "full_year_units"):
        table[col] = table[col].astype(float)
    return table[(table["region"] == "Global") & (table["year"] < before)].reset_index(drop=True)


def _degrees_of_freedom(before: int, vintage: Vintage | None = None) -> int:
    months = known_partial_periods(before, vintage)["months"]
    return int(sum(n - 1 for k, n in months.value_counts().items() if 0 < k < 12))


def first_year(vintage: Vintage | None = None) -> int:
    """The first year the shipped partial periods can nowcast (two earlier years observed
    at the same month, known at that year's origin or at ``vintage``'s).

    >>> first_year()
    2025
    """
    years = Vintage.everything(None if vintage is None else vintage.data_dir).table("partial_periods.csv")["year"]
    for year in sorted({int(y) + 1 for y in years}):
        if _degrees_of_freedom(year, vintage) >= 1:
            return int(year)
    raise NowcastError(
        "partial periods", "(too few)", "ship partial periods of at least two years", "no usable history"
    )


@cache
def seasonality(before: int, vintage: Vintage | None = None) -> Seasonality:
    """The seasonality estimated from the partial periods of years before ``before`` known
    at the origin of ``vintage`` (default: the vintage of ``before``).

    >>> s = seasonality(2026)
    >>> round(float(s.share[6]), 4), s.df
    (0.452, 3)
    """
    table = known_partial_periods(before, vintage)
    shares = (table["units"] / table["full_year_units"]).to_numpy()
    months = table["months"].to_numpy()
    observed = sorted(set(int(m) for m in months if 0 < m < 12))
    df = sum(int((months == k).sum()) - 1 for k in observed)
    if df < 1:
        raise NowcastError(
            "year",
            before,
            f"give {first_year(vintage)} or a later year (partial periods of two earlier years are needed)",
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


def nowcast(units_to_date: Any, months: Any, year: Any = None, *, vintage: Vintage | None = None) -> Nowcast:
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
    vintage : Vintage, optional
        The data cut the partial periods are read through (default ``Vintage.at(year)``:
        the rows known at the year's origin).

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
    s = seasonality(y, vintage)
    share = float(s.share[k])
    if k == 12:
        return Nowcast(units, k, y, 1.0, 0.0, s.df)
    scale = math.sqrt(s.tau2 * (1 + 1 / s.years[k]) / (share * (1 - share)))
    return Nowcast(units, k, y, share, scale, s.df)


# -- plausibility of year-to-date units against the brand's own pace ----------------------------
def widest_yearly_change(before: int) -> tuple[float, int, int]:
    """The largest change from one year to the next in the history before ``before``, as a
    factor of 1 or more, with the two years: ``Y_t / Y_(t-1)`` or its inverse, whichever
    is larger, over consecutive years only.

    As shipped: 2018 to 2019, 131,000 to 77,000, a factor of 131000 / 77000 = 1.701 (the
    largest rise, 2016 to 2017, 71,700 to 118,000, is 1.646).

    >>> f, a, b = widest_yearly_change(2026)
    >>> round(f, 4), a, b
    (1.7013, 2018, 2019)
    """
    h = history()
    units = dict(zip(h["year"].astype(int), h["units"].astype(float)))
    best = (1.0, 0, 0)
    for year in sorted(units):
        if year - 1 in units and year < before and units[year] > 0 and units[year - 1] > 0:
            ratio = units[year] / units[year - 1]
            factor = max(ratio, 1 / ratio)
            if factor > best[0]:
                best = (factor, year - 1, year)
    return best


@dataclass(frozen=True)
class Pace:
    """Year-to-date units set against the year before (read-only result of :func:`pace`).

    Attributes
    ----------
    nowcast : Nowcast
        The full year the units imply.
    band : tuple of float
        Its P10 and P90 (units).
    last_year, last_units : int, float
        The latest full-year actual before the year.
    low, high : float
        The full years the history allows: ``last_units`` divided and multiplied by the
        widest yearly change once per year between them.
    change : tuple of (float, int, int)
        :func:`widest_yearly_change`.
    """

    nowcast: Nowcast
    band: tuple[float, float]
    last_year: int
    last_units: float
    low: float
    high: float
    change: tuple[float, int, int]

    @property
    def plausible(self) -> bool:
        """Whether the P10-P90 band of the implied full year reaches into ``[low, high]``."""
        return self.band[1] >= self.low and self.band[0] <= self.high

    @property
    def ratio(self) -> float:
        """The implied full year (P50) over the latest full-year actual."""
        return self.nowcast.units_to_date / self.nowcast.share / self.last_units


def pace(units_to_date: Any, months: Any, year: Any = None) -> Pace:
    """Year-to-date units against the brand's own pace: the full year they imply (the
    nowcast, with the seasonality of :func:`seasonality`) beside the full years the
    history allows.

    The bounds come from the data: the latest full-year actual before the year, divided
    and multiplied by the widest change from one year to the next in the history
    (:func:`widest_yearly_change`, a factor of 1.70 as shipped), once per year in between.
    For 2026 that is 73,000 x 77,000 / 131,000 = 42,908 to 73,000 x 131,000 / 77,000 = 124,195 units. The
    implied full year counts as within them when its P10-P90 band reaches into them, so
    a month or two of data, whose band is wide, is not refused for the seasonality's sake.

    >>> p = pace(33020, 6)                    # H1 2025's figure given as 2026's
    >>> p.plausible, round(p.low), round(p.high)
    (True, 42908, 124195)
    >>> pace(400000, 6).plausible           # a typo: 885,000 implied
    False
    """
    nc = nowcast(units_to_date, months, year)
    h = history()
    before = h[h["year"] < nc.year]
    if before.empty:  # pragma: no cover - the nowcast needs two earlier years of data
        raise NowcastError("year", nc.year, "give a year after the first year of the history", "no full year before it")
    last_year, last_units = int(before["year"].iloc[-1]), float(before["units"].iloc[-1])
    change = widest_yearly_change(nc.year)
    factor = change[0] ** (nc.year - last_year)
    p10, p90 = nc.percentiles((10, 90))
    return Pace(nc, (p10, p90), last_year, last_units, last_units / factor, last_units * factor, change)


def check_pace(
    units_to_date: Any, months: Any, year: Any = None, *, field: str = "ytd_units", override: str = "give the override"
) -> Nowcast:
    """The nowcast of ``units_to_date`` over ``months``, refused with :class:`PaceError`
    when the full year it implies is outside what the history allows (:func:`pace`).

    ``field`` names the input in the message and ``override`` says how to accept the figure
    anyway (``"give --ytd-override"``, ``"set override to TRUE"``): the one rule of the
    command line, ``ALFA_NOWCAST`` and the Inputs cells.

    >>> try:
    ...     check_pace(400000, 6, override="give --ytd-override")
    ... except PaceError as exc:
    ...     print(exc.problem.replace("; ", ";\\n"))
    ...     print(exc.fix)
    implies 885,015 for 2026, 12.1x 2025's 73,000;
    history allows 42,908 to 124,195 (widest yearly change x1.70)
    check the units (worldwide, January to month 6) or give --ytd-override if they are right
    """
    p = pace(units_to_date, months, year)
    if p.plausible:
        return p.nowcast
    nc = p.nowcast
    implied = nc.units_to_date / nc.share
    times = f"{p.ratio:.1f}x" if p.ratio >= 1 else f"{p.ratio:.0%} of"
    span = f"January to month {nc.months}" if nc.months > 1 else "January"
    raise PaceError(
        field,
        units_to_date,
        f"check the units (worldwide, {span}) or {override} if they are right",
        f"implies {implied:,.0f} for {nc.year}, {times} {p.last_year}'s {p.last_units:,.0f}; history allows "
        f"{p.low:,.0f} to {p.high:,.0f} (widest yearly change x{p.change[0]:.2f})",
    )
