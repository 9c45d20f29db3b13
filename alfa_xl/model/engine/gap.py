"""Gap to a volume target and what it would take to close it.

Sign convention: ``gap = target - projection``, in units a year; positive means short of
the target, negative means the target is beaten. Growth rates are yearly and compound
from the latest full-year actual (2025, 73,000 units), as Excel users know CAGR:

* growth required by year *Y*: the rate *r* with ``A (1 + r)^(Y - Y0) = T``, solved by
  ``numpy_financial.rate(Y - Y0, 0, -A, T)``;
* years to target at the scenario's own growth: with that scenario's CAGR *g* from *A*
  to its projection for *Y*, ``numpy_financial.nper(g, 0, -A, T)`` (no answer when
  *g* <= 0: the target is never reached at that pace);
* Junior-equivalents: ``max(gap, 0) / P_J``, how many more models selling like the
  Junior at its peak (*P_J*, 33,000 a year in the default lineup) would close the gap.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import HorizonError
from alfa_xl.validation import DEFAULT_YEAR
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import Projection, curve_units, project, projection_units
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.data.sources import latest_actual

__all__ = [
    "DEFAULT_TARGET",
    "GAP_COLUMNS",
    "cagr",
    "years_to_target",
    "reference_peak",
    "gap_table",
    "first_year_at_target",
    "required_peak_multiplier",
    "required_extra_launches",
]

#: Marchionne's 400,000 units a year (May 2014 plan).
DEFAULT_TARGET = 400_000.0
#: Columns of :func:`gap_table`, in order.
GAP_COLUMNS = (
    "Year", "Projection", "Target", "Gap", "Share of target", "Growth required",
    "Years to target", "Junior-equivalents",
)


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound yearly growth rate taking ``start_value`` to ``end_value`` in ``years``.

    Solved with ``numpy_financial.rate(years, 0, -start_value, end_value)``.

    Examples
    --------
    >>> round(cagr(70_000, 400_000, 5), 5)
    0.41707
    """
    start = validation.positive(start_value, "start_value", fix="give the starting volume as a number above 0")
    end = validation.positive(end_value, "end_value", fix="give the ending volume as a number above 0")
    n = validation.positive(years, "years", fix="give the number of years as a number above 0")
    return float(npf.rate(n, 0, -start, end))


def years_to_target(current: float, growth: float, target: float = DEFAULT_TARGET) -> float:
    """Years for ``current`` to reach ``target`` growing ``growth`` a year (compound).

    Solved with ``numpy_financial.nper(growth, 0, -current, target)``. Returns ``inf``
    when ``growth`` <= 0 and the target is above the current level, 0 when the target is
    already reached.

    Examples
    --------
    >>> round(years_to_target(73_000, 0.10), 2)
    17.85
    >>> years_to_target(73_000, 0.0)
    inf
    """
    cur = validation.positive(current, "current", fix="give the current volume as a number above 0")
    tgt = validation.number(target, "target", "target")
    g = validation.number(growth, "growth", "growth")
    if cur >= tgt:
        return 0.0
    if g <= 0:
        return math.inf
    with np.errstate(divide="ignore", invalid="ignore"):  # nper's pmt=0 branch divides by 0
        return float(npf.nper(g, 0, -cur, tgt))


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
    n = years - base_year
    ahead = n > 0
    safe_n = np.where(ahead, n, 1)
    growth_req = np.where(ahead, npf.rate(safe_n, 0, -base_units, tgt), np.nan)
    own = np.where(ahead & (total > 0), (np.maximum(total, 1e-300) / base_units) ** (1.0 / safe_n) - 1.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        nper = np.where(own > 0, npf.nper(np.where(own > 0, own, 0.1), 0, -base_units, tgt), np.nan)
    if base_units >= tgt:
        nper = np.where(ahead, 0.0, np.nan)
    gap = tgt - total
    ref_peak = reference_peak(projection.lineup, reference)
    junior_eq = np.maximum(gap, 0.0) / ref_peak if ref_peak > 0 else np.full(len(years), np.nan)
    return pd.DataFrame({
        "Year": years,
        "Projection": total,
        "Target": np.full(len(years), tgt),
        "Gap": gap,
        "Share of target": total / tgt,
        "Growth required": growth_req,
        "Years to target": nper,
        "Junior-equivalents": junior_eq,
    }, columns=list(GAP_COLUMNS))


def first_year_at_target(projection: Projection, target: float = DEFAULT_TARGET) -> int | None:
    """First projection year whose total reaches ``target``, or ``None`` within the horizon."""
    tgt = validation.number(target, "target", "target")
    hit = np.flatnonzero(projection.totals >= tgt)
    return int(projection.years[hit[0]]) if hit.size else None


def required_peak_multiplier(
    year: int = DEFAULT_YEAR, target: float = DEFAULT_TARGET, lineup: Lineup | None = None, scenario: Scenario | str = "base",
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
        raise HorizonError("launch_year", launch_year, f"give a launch year on or before {int(year)}", "after the target year")
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
    per_launch = float(projection_units([[per_peak]], [ref.peak_units], [ref.shares], [y], base_year, scen.market_trend,
                                        scen.na_tariff, total=True)[0])
    if per_launch <= 0:
        return None
    return gap / per_launch
