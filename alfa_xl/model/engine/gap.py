"""Gap to a volume target and what it would take to close it.

Sign convention: ``gap = target - projection``, in units a year; positive means short of
the target, negative means the target is beaten. Growth rates are yearly and compound
from the latest full-year actual (2025, 73,000 units), as Excel users know CAGR:

* growth required by year *Y*: the rate *r* with ``A (1 + r)^(Y - Y0) = T``, that is
  ``r = (T / A)^(1 / (Y - Y0)) - 1`` (:func:`growth_required`);
* years to target at the scenario's own growth: with that scenario's CAGR *g* from *A*
  to its projection *P* for *Y*, ``n = ln(T / A) / ln(1 + g)``, which is
  ``(Y - Y0) ln(T / A) / ln(P / A)`` (no answer when *g* <= 0: the target is never
  reached at that pace);
* Junior-equivalents: ``max(gap, 0) / P_J``, how many more models selling like the
  Junior at its peak (*P_J*, 33,000 a year in the default lineup) would close the gap.

All three are closed forms of ``A (1 + r)^n = T``, computed through logarithms
(:func:`log_ratio`, ``expm1``, ``log1p``) so that they are exact at 0 growth, accurate near
it, and never overflow in an intermediate step; ``numpy_financial.rate``/``nper`` solve
the general annuity equation (a payment each period) by iteration, which with no payment
fails at 0 growth and overflows for long horizons (see ``docs/model.md``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import HorizonError
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.defaults import DEFAULT_TARGET  # Marchionne's 400,000 units a year (May 2014 plan)
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import Projection, curve_units, project, projection_units
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.validation import DEFAULT_YEAR

__all__ = [
    "DEFAULT_TARGET",
    "GAP_COLUMNS",
    "cagr",
    "growth_required",
    "log_ratio",
    "years_to_target",
    "reference_peak",
    "gap_table",
    "first_year_at_target",
    "required_peak_multiplier",
    "required_extra_launches",
]

#: Columns of :func:`gap_table`, in order.
GAP_COLUMNS = (
    "Year",
    "Projection",
    "Target",
    "Gap",
    "Share of target",
    "Growth required",
    "Years to target",
    "Junior-equivalents",
)


def log_ratio(end: float, start: float) -> float:
    """``ln(end / start)`` for two volumes above 0, exactly 0 when they are equal.

    Computed as ``log1p((end - start) / start)`` when the two are within a factor of 2
    (where ``log(end / start)`` would lose digits; ``end - start`` is then exact), as
    ``log(end / start)`` otherwise, and as ``log(end) - log(start)`` when the ratio is out
    of a float's range (``1e300 / 1e-300``).

    >>> log_ratio(73_000, 73_000), round(log_ratio(400_000, 73_000), 6)
    (0.0, 1.701005)
    """
    if start / 2 <= end <= start * 2:
        return math.log1p((end - start) / start)
    ratio = end / start
    if 2.2250738585072014e-308 <= ratio < math.inf:  # a normal float: one rounding, then log
        return math.log(ratio)
    return math.log(end) - math.log(start)


def _grow(log_factor: float, years: float) -> float:
    """``exp(log_factor / years) - 1``; ``inf`` past a float's range."""
    try:
        return math.expm1(log_factor / years)
    except OverflowError:
        return math.inf


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound yearly growth rate taking ``start_value`` to ``end_value`` in ``years``.

    The rate *r* with ``start_value (1 + r)^years = end_value``:
    ``r = (end_value / start_value)^(1 / years) - 1``, exactly 0 when the two volumes are
    equal (any ``years``, fractional too). ``inf`` when the rate is beyond a float's range.

    Examples
    --------
    >>> round(cagr(70_000, 400_000, 5), 5)
    0.41707
    >>> cagr(73_000, 73_000, 0.5), cagr(100, 400, 2)
    (0.0, 1.0)
    """
    start = validation.positive(start_value, "start_value", fix="give the starting volume as a number above 0")
    end = validation.positive(end_value, "end_value", fix="give the ending volume as a number above 0")
    n = validation.positive(years, "years", fix="give the number of years as a number above 0")
    return _grow(log_ratio(end, start), n)


def growth_required(current: float, target: float, years: float) -> float:
    """Yearly growth that takes ``current`` to ``target`` in ``years``: :func:`cagr` with
    the arguments named for the gap (0 when the target equals the current volume).

    >>> growth_required(73_000, 73_000, 5), round(growth_required(73_000, 400_000, 5), 6)
    (0.0, 0.40523)
    """
    return cagr(current, target, years)


def years_to_target(current: float, growth: float, target: float = DEFAULT_TARGET) -> float:
    """Years for ``current`` to reach ``target`` growing ``growth`` a year (compound).

    The *n* with ``current (1 + growth)^n = target``: ``n = ln(target / current) /
    ln(1 + growth)``. Returns 0 when the target is already reached, ``inf`` when
    ``growth`` <= 0 and the target is above the current level (never reached) or when
    the answer is beyond a float's range.

    Examples
    --------
    >>> round(years_to_target(73_000, 0.10), 2)
    17.85
    >>> years_to_target(100, 1.0, 800), years_to_target(73_000, 0.0)
    (3.0, inf)
    """
    cur = validation.positive(current, "current", fix="give the current volume as a number above 0")
    tgt = validation.number(target, "target", "target")
    g = validation.number(growth, "growth", "growth")
    if cur >= tgt:
        return 0.0
    if g <= 0:
        return math.inf
    return log_ratio(tgt, cur) / math.log1p(g)


def _log_ratios(values: np.ndarray, start: float) -> np.ndarray:
    """:func:`log_ratio` of each value above 0 against ``start``; NaN for values of 0 or less."""
    return np.array([log_ratio(float(x), start) if x > 0 else math.nan for x in values], dtype=float)


def reference_peak(lineup: Lineup, reference: str = "Junior") -> float:
    """Peak of the reference model (the Junior), or the largest peak among models on sale."""
    try:
        return float(lineup[lineup.resolve(reference)].peak_units)
    except KeyError:
        on_sale = [m.peak_units for m in lineup if m.status == "on_sale"] or [m.peak_units for m in lineup]
        return float(max(on_sale))


def gap_table(projection: Projection, target: float = DEFAULT_TARGET, reference: str = "Junior") -> pd.DataFrame:
    """Per-year gap metrics of a projection against a target.

    Parameters
    ----------
    projection : Projection
        From :func:`~alfa_xl.model.engine.projection.project`.
    target : float
        Units a year (default 400,000).
    reference : str
        Model whose peak defines one "Junior-equivalent".

    Returns
    -------
    pandas.DataFrame
        One row per year with :data:`GAP_COLUMNS`. ``Growth required`` and ``Years to
        target`` are NaN for years up to the latest actual; ``Years to target`` is NaN
        when the scenario does not grow (never reached at its pace) and counts years from
        the latest actual year. ``Junior-equivalents`` is NaN when the reference peak is 0.

    Examples
    --------
    >>> from alfa_xl.model.engine.projection import project
    >>> t = gap_table(project(end_year=2030))
    >>> row = t.set_index("Year").loc[2030]
    >>> bool(abs(row["Gap"] - (400_000 - row["Projection"])) < 1e-6)
    True
    >>> round(float(t["Growth required"].iloc[-1]), 4)  # 73,000 -> 400,000 in 5 years
    0.4052
    """
    tgt = validation.number(target, "target", "target")
    base_year, base_units = latest_actual()
    years = projection.years
    total = projection.totals
    n = (years - base_year).astype(float)
    ahead = n > 0
    to_target = log_ratio(tgt, base_units)  # ln(T / A)
    growth_req = np.array([_grow(to_target, k) if k > 0 else math.nan for k in n], dtype=float)
    growth_req[~np.isfinite(growth_req)] = np.nan  # beyond a float's range: no answer rather than infinity
    own = _log_ratios(total, base_units)  # ln(P / A) = n ln(1 + g)
    with np.errstate(over="ignore"):  # a ratio beyond a float's range is infinity (shown empty), not a warning
        nper = np.where(ahead & (own > 0), n * to_target / np.where(own > 0, own, 1.0), np.nan)
    if base_units >= tgt:
        nper = np.where(ahead, 0.0, np.nan)
    gap = tgt - total
    ref_peak = reference_peak(projection.lineup, reference)
    junior_eq = np.maximum(gap, 0.0) / ref_peak if ref_peak > 0 else np.full(len(years), np.nan)
    return pd.DataFrame(
        {
            "Year": years,
            "Projection": total,
            "Target": np.full(len(years), tgt),
            "Gap": gap,
            "Share of target": total / tgt,
            "Growth required": growth_req,
            "Years to target": nper,
            "Junior-equivalents": junior_eq,
        },
        columns=list(GAP_COLUMNS),
    )


def first_year_at_target(projection: Projection, target: float = DEFAULT_TARGET) -> int | None:
    """First projection year whose total reaches ``target``, or ``None`` within the horizon."""
    tgt = validation.number(target, "target", "target")
    hit = np.flatnonzero(projection.totals >= tgt)
    return int(projection.years[hit[0]]) if hit.size else None


def required_peak_multiplier(
    year: int = DEFAULT_YEAR,
    target: float = DEFAULT_TARGET,
    lineup: Lineup | None = None,
    scenario: Scenario | str = "base",
) -> float | None:
    """Multiplier on every planned model's peak that makes ``year``'s total equal ``target``.

    The projection is linear in the planned models' peaks, so the answer is exact:
    ``m = (T - P_on_sale) / P_planned``, on top of the scenario's own multiplier. A value
    below 1 means the scenario already beats the target; ``None`` means no planned model
    sells in that year (no multiplier can help).

    Examples
    --------
    >>> m = required_peak_multiplier(2030)
    >>> p = project(scenario=get_scenario("base").with_(peak_multiplier=m), end_year=2030)
    >>> round(p.total(2030))
    400000
    """
    tgt = validation.number(target, "target", "target")
    proj = project(lineup, scenario, start_year=int(year), end_year=int(year))
    per_model = proj.units[0].sum(axis=1)
    planned = np.array([m.status != "on_sale" for m in proj.lineup.models])
    new_units = float(per_model[planned].sum())
    if new_units <= 0:
        return None
    return (tgt - float(per_model[~planned].sum())) / new_units


def required_extra_launches(
    year: int = DEFAULT_YEAR,
    target: float = DEFAULT_TARGET,
    lineup: Lineup | None = None,
    scenario: Scenario | str = "base",
    launch_year: int | None = None,
    reference: str = "Junior",
) -> float | None:
    """How many extra models like the reference (the Junior) launched in ``launch_year``
    close the gap in ``year``; fractional (round up for a count of models).

    Each extra launch follows the reference model's curve and regional split from
    ``launch_year`` (default: the year before ``year``, so it is at its peak), with the
    scenario's market trend and tariff. Returns 0 when the target is already reached and
    ``None`` when an extra launch sells nothing in ``year``.

    Examples
    --------
    >>> from alfa_xl.model.engine.lineup import Lineup, Model
    >>> one = Lineup([Model("Junior", 2024, 30_000, status="on_sale", plateau=0.5)])
    >>> round(required_extra_launches(2026, 100_000, one, launch_year=2025), 3)  # (100k - 17,479) / 30k
    2.751
    """
    tgt = validation.number(target, "target", "target")
    lineup_obj = lineup
    proj = project(lineup_obj, scenario, start_year=int(year), end_year=int(year))
    gap = tgt - float(proj.totals[0])
    if gap <= 0:
        return 0.0
    launch = int(year) - 1 if launch_year is None else int(launch_year)
    if launch > int(year):
        raise HorizonError(
            "launch_year", launch_year, f"give a launch year on or before {int(year)}", "after the target year"
        )
    lu = proj.lineup
    try:
        ref = lu[lu.resolve(reference)]
    except KeyError:
        peak = reference_peak(lu, reference)
        ref = next(m for m in lu if m.peak_units == peak)
    scen = get_scenario(scenario)
    y = int(year)
    base_year, _ = latest_actual()
    per_peak = curve_units(y, launch, ref.launch_fraction, ref.plateau, ref.decay, ref.decline_after, ref.decline_rate)
    per_launch = float(
        projection_units(
            [[per_peak]], [ref.peak_units], [ref.shares], [y], base_year, scen.market_trend, scen.na_tariff, total=True
        )[0]
    )
    if per_launch <= 0:
        return None
    return gap / per_launch
