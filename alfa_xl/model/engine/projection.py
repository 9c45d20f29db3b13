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
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import HorizonError, ScenarioError
from alfa_xl.model.data.sources import history, latest_actual
from alfa_xl.model.engine.curve import lifecycle_share
from alfa_xl.model.engine.lineup import REGIONS, Lineup, default_lineup
from alfa_xl.model.engine.scenarios import Scenario, get_scenario

__all__ = [
    "Projection",
    "project",
    "default_horizon",
    "check_horizon",
    "effective_inputs",
    "curve_units",
    "successor_handover",
    "projection_units",
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
            raise HorizonError(
                "year", year, f"give a year from {self.years[0]} to {self.years[-1]}", "outside the projection"
            )
        return float(self.totals[idx[0]])

    def by_model(self) -> pd.DataFrame:
        """Units by year (index ``Year``) and model (columns, lineup order), plus ``Total``."""
        frame = pd.DataFrame(
            self.units.sum(axis=2), index=pd.Index(self.years, name="Year"), columns=list(self.lineup.names)
        )
        frame["Total"] = self.totals
        return frame

    def by_region(self) -> pd.DataFrame:
        """Units by year (index ``Year``) and region (columns), plus ``Total``."""
        frame = pd.DataFrame(self.units.sum(axis=1), index=pd.Index(self.years, name="Year"), columns=list(REGIONS))
        frame["Total"] = self.totals
        return frame

    def rows(self, by: str = "model") -> list[list[Any]]:
        """The table ``ALFA_PROJECT`` spills: header ``Year, <models or regions>, Total``, then
        one row per year. ``by`` is ``"model"`` (lineup order), ``"region"``
        (:data:`~alfa_xl.model.engine.lineup.REGIONS` order) or ``"total"`` (no breakdown).

        >>> project(end_year=2027).rows("total")[0]
        ['Year', 'Total']
        """
        if by == "model":
            names, values = list(self.lineup.names), self.units.sum(axis=2).tolist()
        elif by == "region":
            names, values = list(REGIONS), self.units.sum(axis=1).tolist()
        else:
            names, values = [], [[] for _ in self.years]
        return [["Year", *names, "Total"]] + [
            [y, *v, t] for y, v, t in zip(self.years.tolist(), values, self.totals.tolist())
        ]

    def with_history(self) -> pd.DataFrame:
        """Projected totals joined to the sourced history, for context.

        Index ``Year`` covers every history year and every projection year; columns
        ``Actual`` (worldwide sales from :func:`alfa_xl.model.data.sources.history`, NaN where no
        figure exists) and ``Projection`` (NaN outside the horizon).

        >>> t = project(end_year=2027).with_history()
        >>> (float(t.loc[2025, "Actual"]), bool(t.loc[2026:, "Actual"].isna().all()),
        ...  bool(t.loc[:2025, "Projection"].isna().all()))
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
        return pd.DataFrame(
            {
                "year": np.repeat(self.years, m * r),
                "model": np.tile(np.repeat(np.array(self.lineup.names, dtype=object), r), y),
                "region": np.tile(np.array(REGIONS, dtype=object), y * m),
                "units": self.units.reshape(-1),
            }
        )


# -- the one projection kernel ------------------------------------------------------------
#: A float array, the kernel's results.
FloatArray = npt.NDArray[np.float64]


def curve_units(
    years: npt.ArrayLike,
    launch: npt.ArrayLike,
    launch_fraction: npt.ArrayLike,
    plateau: npt.ArrayLike,
    decay: npt.ArrayLike,
    decline_after: npt.ArrayLike,
    decline_rate: npt.ArrayLike,
    end_year: npt.ArrayLike = np.inf,
    handover: npt.ArrayLike = np.inf,
    successor_fraction: npt.ArrayLike = 0.0,
    peak: npt.ArrayLike = 1.0,
    hold_until: npt.ArrayLike = -np.inf,
    base_year: float = np.inf,
) -> FloatArray:
    r"""Units per unit of peak, :math:`s_m(y - L_m)\,h_{y,m}\,e_{y,m}` of the module formula.

    Every argument broadcasts (NumPy rules), so one call covers a models x years grid
    (:func:`project`), a table of every launch slip and handover a Monte Carlo path can
    draw (:mod:`alfa_xl.model.risk.simulate`) or one extra launch (:mod:`alfa_xl.model.engine.gap`).
    ``handover`` is the successor's launch year (``inf``: no active successor, see
    :func:`successor_handover`) and ``successor_fraction`` its launch fraction. With ``peak``
    the result is units (:math:`P_m s_m h_{y,m} e_{y,m}`) instead of units per unit of peak.
    ``hold_until`` (with ``base_year``, the latest actual year) pauses the ageing after
    ``base_year`` through that year (module docstring).

    >>> float(curve_units(2027, 2026, 0.5, 0.5, 0.7, 7, 0.15))
    1.0
    >>> float(curve_units(2028, 2026, 0.5, 0.5, 0.7, 7, 0.15, handover=2028, successor_fraction=0.25).round(4))
    0.5612
    """
    y = np.asarray(years, dtype=float)
    held = np.clip(y - base_year, 0.0, np.maximum(0.0, np.asarray(hold_until, float) - base_year))
    share = lifecycle_share(
        y - np.asarray(launch, dtype=float) - held, launch_fraction, plateau, decay, decline_after, decline_rate
    )
    hand = np.where(y < handover, 1.0, np.where(y == handover, 1.0 - np.asarray(successor_fraction, float), 0.0))
    return np.asarray(peak, dtype=float) * share * hand * (y <= np.asarray(end_year, dtype=float))


def successor_handover(
    successor: npt.ArrayLike,
    launch: npt.ArrayLike,
    active: npt.ArrayLike,
    launch_fraction: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """The hand-over rule: per model, the year *H* it hands over and the successor's launch
    fraction *f* (the ``handover`` and ``successor_fraction`` of :func:`curve_units`).

    A model hands over in its successor's launch year when it has a successor (index into
    the lineup, -1 for none) and that successor is active; otherwise ``H = inf`` and
    ``f = 0``: a cancelled successor hands over nothing and its predecessor runs on.

    >>> h, f = successor_handover([1, -1], [2020, 2026], [True, True], [0.5, 0.25])
    >>> h.tolist(), f.tolist()
    ([2026.0, inf], [0.25, 0.0])
    >>> successor_handover([1, -1], [2020, 2026], [True, False], [0.5, 0.25])[0].tolist()
    [inf, inf]
    """
    succ = np.asarray(successor, dtype=np.intp)
    s = np.maximum(succ, 0)
    has = (succ >= 0) & np.asarray(active, dtype=bool)[s]
    launch_s = np.asarray(launch, dtype=float)[s]
    fraction_s = np.asarray(launch_fraction, dtype=float)[s]
    return np.where(has, launch_s, np.inf), np.where(has, fraction_s, 0.0)


def market_factor(years: npt.ArrayLike, base_year: int, trend: npt.ArrayLike) -> FloatArray:
    r"""The market trend term :math:`(1+g)^{\max(0,\,y-Y_0)}` (broadcasts).

    >>> market_factor(np.array([2025, 2027]), 2025, 0.1).round(4).tolist()
    [1.0, 1.21]
    """
    elapsed = np.maximum(0.0, np.asarray(years, dtype=float) - base_year)
    return np.asarray((1.0 + np.asarray(trend, dtype=float)) ** elapsed, dtype=float)


def tariff_weight(years: npt.ArrayLike, base_year: int, tariff: npt.ArrayLike) -> FloatArray:
    r"""The North America tariff term :math:`1 + \tau [y > Y_0]` (broadcasts).

    >>> tariff_weight(np.array([2025, 2026]), 2025, -0.2).tolist()
    [1.0, 0.8]
    """
    after = np.asarray(years, dtype=float) > base_year
    return np.where(after, 1.0 + np.asarray(tariff, dtype=float), 1.0)


def projection_units(
    per_peak: npt.ArrayLike,
    peak: npt.ArrayLike,
    shares: npt.ArrayLike,
    years: npt.ArrayLike,
    base_year: int,
    trend: npt.ArrayLike = 0.0,
    tariff: npt.ArrayLike = 0.0,
    *,
    total: bool = False,
    out: FloatArray | None = None,
) -> FloatArray:
    r"""The projection's product: units :math:`u_{y,m,r}` of the module formula.

    ``per_peak`` (..., M, Y) is :func:`curve_units` per unit of peak (curve x hand-over x
    end year), ``peak`` (..., M) the peak times availability (0 for a model not built;
    :func:`project` passes the peak inside ``per_peak`` and the availability here, so its
    products are taken in the order they always were),
    ``shares`` (M, R) the regional split (:data:`~alfa_xl.model.engine.lineup.REGIONS`
    order), ``years`` (Y,) ascending, ``trend`` and ``tariff`` scalars or one per batch
    row (...). This function multiplies in the market term (:func:`market_factor`), the
    regional split and the North America tariff (:func:`tariff_weight`); it is the one
    place the product is assembled, for :func:`project` (one batch), the Monte Carlo (a
    batch of paths) and the gap solver (one extra launch).

    Returns units by year, model and region, shape (..., Y, M, R); with ``total`` the sum
    over models and regions, shape (..., Y), taken as one batched matrix product (the
    tariff is one step at :math:`Y_0`, so the regional weights take two values per
    model), written into ``out`` when given.

    One model (peak 10; full peak in 2025, half in 2026), split Italy 0.5, rest of Europe
    0.1, North America 0.25, rest of the world 0.15; market +10% a year, tariff -20%:

    >>> w = [[0.5, 0.1, 0.25, 0.15]]
    >>> projection_units([[1.0, 0.5]], [10.0], w, [2025, 2026], 2025, 0.1, -0.2)[:, 0].round(6).tolist()
    [[5.0, 1.0, 2.5, 1.5], [2.75, 0.55, 1.1, 0.825]]
    >>> projection_units([[1.0, 0.5]], [10.0], w, [2025, 2026], 2025, 0.1, -0.2, total=True).round(6).tolist()
    [10.0, 5.225]
    """
    rows = np.asarray(per_peak, dtype=float)
    peak_a = np.asarray(peak, dtype=float)
    w = np.asarray(shares, dtype=float)
    y = np.asarray(years, dtype=float)
    trend_a = np.asarray(trend, dtype=float)[..., None]
    tariff_a = np.asarray(tariff, dtype=float)[..., None]
    if not total:
        # years before models, in C order: sums over the result (totals) run in the same order whatever the caller
        model_units = np.ascontiguousarray(np.swapaxes(rows * peak_a[..., None], -1, -2))
        model_units *= market_factor(y, base_year, trend_a)[..., None]
        units = model_units[..., None] * w
        units[..., _NA] *= tariff_weight(y, base_year, tariff_a)[..., None]
        return units
    k = int(np.count_nonzero(y <= base_year))  # years up to the latest actual: no trend, no tariff
    batch = np.broadcast_shapes(rows.shape[:-2], peak_a.shape[:-1], trend_a.shape[:-1], tariff_a.shape[:-1])
    result = np.empty((*batch, len(y))) if out is None else out
    w_all, w_na = w.sum(axis=-1), w[..., _NA]
    if k:
        np.matmul((peak_a * w_all)[..., None, :], rows[..., :k], out=result[..., None, :k])
    if k < len(y):
        na = tariff_weight(base_year + 1, base_year, tariff_a) - 1.0  # (..., 1)
        coef = peak_a * (w_all + w_na * na)
        np.matmul(coef[..., None, :], rows[..., k:], out=result[..., None, k:])
        result[..., k:] *= market_factor(y[k:], base_year, trend_a)
    return result


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
                raise ScenarioError(
                    f"delay:{name}",
                    years,
                    f"{lineup.names[i]!r} is already on sale; delay only planned models",
                    "model on sale",
                )
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
    handover, succ_fraction = successor_handover(a["successor"], launch, active, a["launch_fraction"])
    col = (slice(None), None)  # per-model arrays against the years row
    peak_units = curve_units(
        years,
        launch[col],
        a["launch_fraction"][col],
        a["plateau"][col],
        a["decay"][col],
        a["decline_after"][col],
        a["decline_rate"][col],
        a["end_year"][col],
        handover[col],
        succ_fraction[col],
        peak[col],
        a["hold_until"][col],
        base_year,
    )  # (M, Y), the peak inside
    units = projection_units(
        peak_units, active, a["shares"], years, base_year, scenario.market_trend, scenario.na_tariff
    )
    units.setflags(write=False)
    return Projection(lineup=lineup, scenario=scenario, years=years.astype(int), units=units, base_year=base_year)
