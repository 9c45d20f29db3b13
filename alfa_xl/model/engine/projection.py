"""Project yearly units by model and region for a lineup under a scenario.

For model *m* in calendar year *y* (after the scenario's launch shifts, peak multipliers
and cancellations), units in region *r* are

.. math::

    u_{y,m,r} = P_m \\, s_m(y - L_m) \\, h_{y,m} \\, a_m \\, e_{y,m} \\, (1+g)^{\\max(0,\\,y-Y_0)}
                \\, w_{m,r} \\, (1 + \\tau [r = \\text{NA},\\ y > Y_0])

with *P* the peak, *s* the lifecycle curve of :mod:`alfa_xl.model.engine.curve`, *L* the launch year,
*a* 1 unless cancelled, *e* 1 up to the end year, *g* the market trend, *Y0* the latest
actual year (2025), *w* the regional split and *tau* the North America tariff effect.
A model on sale with a ``hold_until`` year stops ageing after *Y0* until that year (its
level of *Y0* is held: evidence such as an order book or a facelift says so) and ages again
afterwards: its age is :math:`y - L_m - \\min(\\max(0, y - Y_0), \\max(0, \\text{hold} - Y_0))`.
*h* hands a predecessor over to its successor: 1 before the successor's launch year *H*,
``1 - f`` in year *H* (f is the successor's launch fraction, so the two together sell one
model-year there and nothing is counted twice), 0 afterwards. A cancelled successor hands
over nothing and its predecessor runs on.

Only models that are not yet on sale are delayed, brought forward or scaled by the
scenario's all-model parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.model.engine.curve import lifecycle_share
from alfa_xl.errors import HorizonError, ScenarioError
from alfa_xl.model.engine.lineup import REGIONS, Lineup, default_lineup
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.data.sources import history, latest_actual

__all__ = [
    "Projection",
    "project",
    "default_horizon",
    "check_horizon",
    "effective_inputs",
    "curve_units",
    "market_factor",
    "tariff_weight",
    "MIN_START",
    "MAX_END",
]

#: Earliest start and latest end year accepted by :func:`project` (``LIMITS["projection_year"]``).
MIN_START, MAX_END = int(validation.LIMITS["projection_year"].lo), int(validation.LIMITS["projection_year"].hi)
_NA = REGIONS.index("North America")


def default_horizon() -> tuple[int, int]:
    """The default projection years: the year after the latest actual through
    :data:`~alfa_xl.validation.DEFAULT_YEAR` (``validation.default_horizon``).

    >>> default_horizon()
    (2026, 2030)
    """
    return validation.default_horizon(latest_actual()[0])


def check_horizon(start: int, end: int) -> tuple[int, int]:
    """Validate a projection horizon (``validation.horizon``): whole years from
    :data:`MIN_START` to :data:`MAX_END`, the end on or after the start.

    >>> check_horizon(2026.0, 2030)
    (2026, 2030)
    """
    return validation.horizon(start, end, error=HorizonError)


@dataclass(frozen=True)
class Projection:
    """Read-only result of :func:`project`.

    Attributes
    ----------
    lineup : Lineup
    scenario : Scenario
    years : numpy.ndarray
        Calendar years, shape ``(Y,)``.
    units : numpy.ndarray
        Units sold, shape ``(Y, M, R)``: years x models (lineup order) x regions
        (:data:`~alfa_xl.model.engine.lineup.REGIONS` order). Not rounded.
    base_year : int
        The latest actual year used for trend and tariff timing.
    """

    lineup: Lineup
    scenario: Scenario
    years: np.ndarray
    units: np.ndarray
    base_year: int

    @cached_property
    def totals(self) -> np.ndarray:
        """Total units per year, shape ``(Y,)``."""
        return self.units.sum(axis=(1, 2))

    def total(self, year: int) -> float:
        """Total units in one year of the horizon."""
        idx = np.flatnonzero(self.years == int(year))
        if idx.size == 0:
            raise HorizonError("year", year, f"give a year from {self.years[0]} to {self.years[-1]}", "outside the projection")
        return float(self.totals[idx[0]])

    def by_model(self) -> pd.DataFrame:
        """Units by year (index ``Year``) and model (columns, lineup order), plus ``Total``."""
        frame = pd.DataFrame(self.units.sum(axis=2), index=pd.Index(self.years, name="Year"), columns=list(self.lineup.names))
        frame["Total"] = self.totals
        return frame

    def by_region(self) -> pd.DataFrame:
        """Units by year (index ``Year``) and region (columns), plus ``Total``."""
        frame = pd.DataFrame(self.units.sum(axis=1), index=pd.Index(self.years, name="Year"), columns=list(REGIONS))
        frame["Total"] = self.totals
        return frame

    def with_history(self) -> pd.DataFrame:
        """Projected totals joined to the sourced history, for context.

        Index ``Year`` covers every history year and every projection year; columns
        ``Actual`` (worldwide sales from :func:`alfa_xl.model.data.sources.history`, NaN where no
        figure exists) and ``Projection`` (NaN outside the horizon).

        >>> t = project(end_year=2027).with_history()
        >>> float(t.loc[2025, "Actual"]), bool(t.loc[2026:, "Actual"].isna().all()), bool(t.loc[:2025, "Projection"].isna().all())
        (73000.0, True, True)
        """
        actual = history().set_index("year")["units"].astype(float)
        proj = pd.Series(self.totals, index=self.years)
        frame = pd.DataFrame({"Actual": actual, "Projection": proj})
        frame.index.name = "Year"
        return frame.sort_index()

    def long(self) -> pd.DataFrame:
        """Tidy table: one row per year, model and region with columns
        ``year``, ``model``, ``region``, ``units``."""
        y, m, r = self.units.shape
        return pd.DataFrame({
            "year": np.repeat(self.years, m * r),
            "model": np.tile(np.repeat(np.array(self.lineup.names, dtype=object), r), y),
            "region": np.tile(np.array(REGIONS, dtype=object), y * m),
            "units": self.units.reshape(-1),
        })


# -- the one projection kernel ------------------------------------------------------------
def curve_units(
    years: np.ndarray,
    launch: np.ndarray,
    launch_fraction: np.ndarray,
    plateau: np.ndarray,
    decay: np.ndarray,
    decline_after: np.ndarray,
    decline_rate: np.ndarray,
    end_year: np.ndarray | float = np.inf,
    handover: np.ndarray | float = np.inf,
    successor_fraction: np.ndarray | float = 0.0,
    peak: np.ndarray | float = 1.0,
    hold_until: np.ndarray | float = -np.inf,
    base_year: float = np.inf,
) -> np.ndarray:
    r"""Units per unit of peak, :math:`s_m(y - L_m)\,h_{y,m}\,e_{y,m}` of the module formula.

    Every argument broadcasts (NumPy rules), so one call covers a years x models grid
    (:func:`project`), a table of every launch slip and handover a Monte Carlo path can
    draw (:mod:`alfa_xl.model.risk.simulate`) or one extra launch (:mod:`alfa_xl.model.engine.gap`).
    ``handover`` is the successor's launch year (``inf``: no active successor) and
    ``successor_fraction`` its launch fraction. With ``peak`` the result is units
    (:math:`P_m s_m h_{y,m} e_{y,m}`) instead of units per unit of peak. ``hold_until``
    (with ``base_year``, the latest actual year) pauses the ageing after ``base_year``
    through that year (module docstring).

    >>> float(curve_units(2027, 2026, 0.5, 0.5, 0.7, 7, 0.15))
    1.0
    >>> float(curve_units(2028, 2026, 0.5, 0.5, 0.7, 7, 0.15, handover=2028, successor_fraction=0.25).round(4))
    0.5612
    """
    years = np.asarray(years, dtype=float)
    held = np.clip(years - base_year, 0.0, np.maximum(0.0, np.asarray(hold_until, float) - base_year))
    share = lifecycle_share(years - launch - held, launch_fraction, plateau, decay, decline_after, decline_rate)
    hand = np.where(years < handover, 1.0, np.where(years == handover, 1.0 - np.asarray(successor_fraction, float), 0.0))
    return peak * share * hand * (years <= end_year)


def market_factor(years: np.ndarray, base_year: int, trend: np.ndarray | float) -> np.ndarray:
    r"""The market trend term :math:`(1+g)^{\max(0,\,y-Y_0)}` (broadcasts).

    >>> market_factor(np.array([2025, 2027]), 2025, 0.1).round(4).tolist()
    [1.0, 1.21]
    """
    elapsed = np.maximum(0.0, np.asarray(years, dtype=float) - base_year)
    return (1.0 + np.asarray(trend, dtype=float)) ** elapsed


def tariff_weight(years: np.ndarray, base_year: int, tariff: np.ndarray | float) -> np.ndarray:
    r"""The North America tariff term :math:`1 + \tau [y > Y_0]` (broadcasts).

    >>> tariff_weight(np.array([2025, 2026]), 2025, -0.2).tolist()
    [1.0, 0.8]
    """
    after = np.asarray(years, dtype=float) > base_year
    return np.where(after, 1.0 + np.asarray(tariff, dtype=float), 1.0)


def effective_inputs(lineup: Lineup, scenario: Scenario) -> dict[str, np.ndarray]:
    """Launch years (``launch``), peaks (``peak``) and activity (``active``) of each model
    after the scenario's shifts, multipliers and cancellations (lineup order)."""
    a = lineup.arrays
    status_new = np.array([m.status != "on_sale" for m in lineup.models])
    scenario.check_models(lineup.names)
    launch = np.where(status_new & scenario.use_announced_dates, a["announced_year"], a["launch_year"])
    launch = launch + np.where(status_new, scenario.delay_years, 0)
    peak = a["peak_units"] * np.where(status_new, scenario.peak_multiplier, 1.0)
    active = ~(a["reported_cancelled"] & (not scenario.include_reported_cancelled))
    if scenario.delays or scenario.peak_multipliers or scenario.cancel:
        launch, peak, active = launch.copy(), peak.copy(), active.copy()
        for name, years in scenario.delays:
            i = lineup.names.index(lineup.resolve(name))
            if not status_new[i]:
                raise ScenarioError(f"delay:{name}", years, f"{lineup.names[i]!r} is already on sale; delay only planned models", "model on sale")
            launch[i] += years
        for name, mult in scenario.peak_multipliers:
            peak[lineup.names.index(lineup.resolve(name))] *= mult
        for name in scenario.cancel:
            active[lineup.names.index(lineup.resolve(name))] = False
    return {"launch": launch, "peak": peak, "active": active}


def project(
    lineup: Lineup | None = None,
    scenario: Scenario | str = "base",
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    base_year: int | None = None,
) -> Projection:
    """Project units by year, model and region.

    Parameters
    ----------
    lineup : Lineup, optional
        Models to project; the shipped default lineup when omitted.
    scenario : Scenario or str
        A :class:`~alfa_xl.model.engine.scenarios.Scenario` or a built-in name (default ``"base"``).
    start_year, end_year : int, optional
        First and last calendar year, inclusive. Defaults: the year after the latest
        actual (2026) through 2030. Supported: 2000 to 2060.
    base_year : int, optional
        The latest actual year *Y0* for trend and tariff timing (default: the latest year
        of the shipped history, 2025); a backtest passes the year before its ``as_of``.

    Returns
    -------
    Projection
        Units sold (registrations), not rounded; see :class:`Projection`.

    Notes
    -----
    The formula is in the module docstring. The computation is one broadcast over a
    years x models grid; no Python loop runs over years or models.

    Examples
    --------
    A one-model lineup: peak 10,000, launched in 2026, half the launch year on sale.

    >>> from alfa_xl.model.engine.lineup import Lineup, Model
    >>> one = Lineup([Model("X", 2026, 10_000, share_italy=1, share_rest_of_europe=0,
    ...                     share_north_america=0, share_rest_of_world=0)])
    >>> project(one, start_year=2025, end_year=2028).totals.round(1).tolist()
    [0.0, 5000.0, 10000.0, 5826.5]
    """
    lineup = default_lineup() if lineup is None else lineup
    scenario = get_scenario(scenario)
    d_start, d_end = default_horizon()
    start, end = check_horizon(d_start if start_year is None else start_year, d_end if end_year is None else end_year)
    base_year = latest_actual()[0] if base_year is None else int(base_year)
    a = lineup.arrays
    eff = effective_inputs(lineup, scenario)
    launch, peak, active = eff["launch"], eff["peak"], eff["active"]

    years = np.arange(start, end + 1, dtype=float)
    yy = years[:, None]
    succ = a["successor"]
    has_succ = (succ >= 0) & active[np.maximum(succ, 0)]
    handover = np.where(has_succ, launch[np.maximum(succ, 0)], np.inf)
    succ_fraction = np.where(has_succ, a["launch_fraction"][np.maximum(succ, 0)], 0.0)
    units_before_market = curve_units(yy, launch, a["launch_fraction"], a["plateau"], a["decay"], a["decline_after"],
                                      a["decline_rate"], a["end_year"], handover, succ_fraction, peak,
                                      a["hold_until"], base_year)
    model_units = units_before_market * active * market_factor(years, base_year, scenario.market_trend)[:, None]

    units = model_units[:, :, None] * a["shares"][None, :, :]
    if scenario.na_tariff:
        units[:, :, _NA] *= tariff_weight(years, base_year, scenario.na_tariff)[:, None]
    units.setflags(write=False)
    return Projection(lineup=lineup, scenario=scenario, years=years.astype(int), units=units, base_year=base_year)
