r"""Monte Carlo over the lineup: how likely is a volume target, and what drives it.

A scenario (:mod:`alfa_xl.model.scenarios`) is one set of assumptions; this module draws
thousands of variations *around* it and runs each through the projection formula of
:mod:`alfa_xl.model.projection` (same curve, same handover, same trend and tariff terms),
vectorised over paths x years x models and processed in chunks of paths to bound memory.
Launch years are whole years, so each model's curve (:func:`alfa_xl.model.curve.lifecycle_share`)
and hand-over are evaluated once on the grid of every slip a path can draw; each path
gathers its rows and one batched product applies peaks, regional split and tariff.

What is drawn, per path
-----------------------
Only models that are not yet on sale and that the scenario keeps active ("planned
models") get model draws; models on sale keep their known curve.

=======================  ==================================  ================================
driver                   distribution (default)              grounded in
=======================  ==================================  ================================
launch slip, per model   Poisson, mean ``max(0, 2.33 - d)``  2014 plan: built models slipped
                         whole years added to the launch     1, 1 and 5 years (mean 2.33);
                                                             *d* = delay the scenario already
                                                             applies (counted once)
cancellation, per model  Bernoulli, p = 0.625                2014 plan: 5 of 8 models never
                                                             built
peak realisation,        lognormal, median 1 (the            past targets: log(actual/target)
per model                scenario's peak), sigma 0.664       has standard deviation 0.664
                                                             (9 counted targets, 2010-2024)
market trend, per path   normal, mean = scenario's trend,    bear and bull trends (-2%, +2%)
                         sd 0.0156                           taken as the P10 and P90
North America tariff     normal, mean = scenario's           bear's further -20% taken as the
effect                   ``na_tariff``, sd 0.156             P10
=======================  ==================================  ================================

**Correlation.** Every draw is made through a one-factor Gaussian copula: for each path a
common "brand year" factor :math:`F \sim N(0, 1)` and for each draw an own
:math:`\varepsilon \sim N(0, 1)` give the latent
:math:`Z = \sqrt{\rho}\,F + \sqrt{1-\rho}\,\varepsilon` (default :math:`\rho = 0.5`), which
is mapped onto the driver's distribution by its inverse CDF, oriented so that a low *F*
is bad for every driver (longer slips, more cancellations, lower peaks, weaker market,
harsher tariffs). Plan revisions moved every model together in the track record (the
January 2016 revision delayed the whole plan; October 2019 dropped three models at
once), hence a strong common factor. Each driver keeps exactly its marginal distribution.

**Zero spreads.** With :meth:`Uncertainty.none` every draw equals the scenario and
:func:`simulate` reproduces :func:`alfa_xl.model.projection.project` exactly (to rounding,
1e-12 relative: sums are taken in another order).

**Reproducibility.** Paths are grouped in blocks of :data:`BLOCK` paths; in block *b*
each driver draws from its own independent stream
``SeedSequence(seed, spawn_key=(b, driver[, model]))`` (a child of ``SeedSequence(seed)``
in NumPy's spawn tree), per-model drivers keyed by the model's name. A path's draws
therefore depend only on the seed and the path's number: the same seed gives the same
paths whatever the chunk size, the first *n* paths of a longer run are the *n* paths of
a shorter one, and a model keeps its draws when other models are added or dropped.

The distributions and their reasons are discussed in ``docs/simulation.md``.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from alfa_xl.model.calibration import track_record
from alfa_xl.errors import HorizonError, SimulationError
from alfa_xl.model.gap import DEFAULT_TARGET
from alfa_xl.model.lineup import REGIONS, Lineup, default_lineup
from alfa_xl.model.projection import (
    check_horizon,
    curve_units,
    default_horizon,
    effective_inputs,
    market_factor,
    project,
    tariff_weight,
)
from alfa_xl.model.scenarios import BUILTIN, Scenario, get_scenario
from alfa_xl.model.sources import latest_actual

__all__ = [
    "Uncertainty",
    "Draws",
    "Simulation",
    "simulate",
    "draw",
    "tornado",
    "check_paths",
    "check_seed",
    "check_percentiles",
    "check_target",
    "DEFAULT_PATHS",
    "DEFAULT_SEED",
    "DEFAULT_PERCENTILES",
    "MAX_PATHS",
    "MAX_SLIP",
    "BLOCK",
    "TORNADO_COLUMNS",
]

#: Paths simulated when none is given.
DEFAULT_PATHS = 10_000
#: Largest number of paths accepted in one run (one million): percentiles from P1 to P99
#: are stable to well under 1% long before that, and the totals kept for a 2026-2060
#: horizon still fit in about 300 MB.
MAX_PATHS = 1_000_000
#: Seed used when none is given, so that a workbook recalculates to the same figures
#: (6 May 2014, the day the 400,000 plan was presented).
DEFAULT_SEED = 20140506
#: Percentiles shown when none are given.
DEFAULT_PERCENTILES: tuple[float, ...] = (10.0, 50.0, 90.0)
#: Paths per independent random stream.
BLOCK = 16_384
#: Longest launch slip drawn, in years: the Poisson tail beyond it is below 1e-12 for any
#: allowed mean (at most 10 years), and it puts any launch after 2020 past 2060, the last
#: supported year.
MAX_SLIP = 40
#: Columns of :func:`tornado`.
TORNADO_COLUMNS = ("Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario")

_NORMAL = NormalDist()
_Z90 = _NORMAL.inv_cdf(0.9)
_NA = REGIONS.index("North America")
_CELLS_PER_CHUNK = 1_500_000  # paths x years x models per chunk: ~12 MB per float array


def _inv_cdf(p: float) -> float:
    if p >= 1.0:
        return math.inf
    if p <= 0.0:
        return -math.inf
    return _NORMAL.inv_cdf(p)


def _number(field: str, value: Any, lo: float, hi: float, fix: str) -> float:
    if isinstance(value, bool):
        raise SimulationError(field, value, fix, "not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SimulationError(field, value, fix, "not a number") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise SimulationError(field, value, fix, f"outside {lo:g} to {hi:g}")
    return number


# -- validation ---------------------------------------------------------------------------
def check_paths(paths: Any) -> int:
    """Validate a number of paths: a whole number from 1 to :data:`MAX_PATHS`.

    >>> check_paths(2000.0)
    2000
    """
    fix = f"give a whole number of paths from 1 to {MAX_PATHS:,} (for example 10000)"
    if isinstance(paths, bool):
        raise SimulationError("paths", paths, fix, "not a number")
    try:
        number = float(paths)
    except (TypeError, ValueError):
        raise SimulationError("paths", paths, fix, "not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise SimulationError("paths", paths, fix, "not a whole number")
    if number < 1:
        raise SimulationError("paths", paths, fix, "must be at least 1")
    if number > MAX_PATHS:
        raise SimulationError("paths", paths, fix, f"more than the maximum of {MAX_PATHS:,}")
    return int(number)


def check_seed(seed: Any) -> int:
    """Validate a seed: a whole number from 0 to 2**63 - 1 (``None`` = :data:`DEFAULT_SEED`).

    >>> check_seed(None) == DEFAULT_SEED, check_seed(7.0)
    (True, 7)
    """
    if seed is None:
        return DEFAULT_SEED
    fix = "give a whole number of 0 or more as the seed (for example 1), or leave it out"
    if isinstance(seed, bool):
        raise SimulationError("seed", seed, fix, "not a number")
    if isinstance(seed, (int, np.integer)):
        number = int(seed)
    else:
        try:
            value = float(seed)
        except (TypeError, ValueError):
            raise SimulationError("seed", seed, fix, "not a number") from None
        if not math.isfinite(value) or value != int(value):
            raise SimulationError("seed", seed, fix, "not a whole number")
        number = int(value)
    if not 0 <= number < 2**63:
        raise SimulationError("seed", seed, fix, "outside 0 to 2**63 - 1")
    return number


def check_percentiles(percentiles: Any) -> tuple[float, ...]:
    """Validate percentiles: one number or a list of numbers from 0 to 100 (``None`` =
    :data:`DEFAULT_PERCENTILES`); at most 101 of them.

    >>> check_percentiles([5, 50.0, 95])
    (5.0, 50.0, 95.0)
    """
    if percentiles is None:
        return DEFAULT_PERCENTILES
    fix = "give percentiles between 0 and 100, for example 10, 50, 90"
    values = [percentiles] if isinstance(percentiles, (str, bytes, int, float, np.number)) else list(percentiles)
    if not values:
        raise SimulationError("percentiles", percentiles, fix, "none given")
    if len(values) > 101:
        raise SimulationError("percentiles", f"{len(values)} values", "give at most 101 percentiles", "too many")
    return tuple(_number("percentiles", v, 0.0, 100.0, fix) for v in values)


def check_target(target: Any) -> float:
    """Validate a target in units a year: a number above 0.

    >>> check_target("400000")
    400000.0
    """
    fix = "give the target in units a year, above 0 (for example 400000)"
    value = _number("target", target, -math.inf, math.inf, fix)
    if value <= 0:
        raise SimulationError("target", target, fix, "must be a number above 0")
    return value


# -- the uncertainty settings ----------------------------------------------------------
@dataclass(frozen=True)
class Uncertainty:
    """How far each driver may move around a scenario; validated when built.

    Build the calibrated default with :meth:`track_record` (also
    ``Uncertainty()``), no uncertainty at all with :meth:`none`, and variations with
    :meth:`with_`.

    Attributes
    ----------
    slip_mean : float
        Expected launch slip of a planned model in years, *counting the delay the
        scenario already applies to it*: the extra slip drawn is Poisson with mean
        ``max(0, slip_mean - scenario delay)``. 0 to 10.
    cancel_probability : float
        Probability that a planned model is never built, 0 to 1.
    peak_sigma : float
        Standard deviation of the log of a planned model's peak multiplier (median 1:
        the scenario's peak). 0 to 2.
    trend_sigma : float
        Standard deviation of the yearly market trend around the scenario's, as a rate
        (0.0156 = 1.56 percentage points a year). 0 to 0.2.
    tariff_sigma : float
        Standard deviation of the North America volume effect around the scenario's
        ``na_tariff`` (0.156 = 15.6% of North America volume). 0 to 1.
    correlation : float
        Weight of the common "brand year" factor in every draw (share of variance of
        each latent normal), 0 to 1.
    """

    slip_mean: float = field(default_factory=lambda: _calibrated()["slip_mean"])
    cancel_probability: float = field(default_factory=lambda: _calibrated()["cancel_probability"])
    peak_sigma: float = field(default_factory=lambda: _calibrated()["peak_sigma"])
    trend_sigma: float = field(default_factory=lambda: _calibrated()["trend_sigma"])
    tariff_sigma: float = field(default_factory=lambda: _calibrated()["tariff_sigma"])
    correlation: float = field(default_factory=lambda: _calibrated()["correlation"])

    def __post_init__(self) -> None:
        for f in fields(self):
            lo, hi, fix = _LIMITS[f.name]
            object.__setattr__(self, f.name, _number(f.name, getattr(self, f.name), lo, hi, fix))

    @classmethod
    def track_record(cls) -> "Uncertainty":
        """The default, calibrated on Alfa Romeo's past plans (see the module docstring).

        >>> u = Uncertainty.track_record()
        >>> round(u.slip_mean, 3), u.cancel_probability, round(u.peak_sigma, 3)
        (2.333, 0.625, 0.664)
        """
        return cls(**_calibrated())

    @classmethod
    def none(cls) -> "Uncertainty":
        """No uncertainty: every path is the scenario itself."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    def with_(self, **changes: Any) -> "Uncertainty":
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)

    def to_frame(self) -> pd.DataFrame:
        """The settings as a two-column table (parameter, value)."""
        return pd.DataFrame([(f.name, getattr(self, f.name)) for f in fields(self)], columns=["parameter", "value"])


_LIMITS = {
    "slip_mean": (0.0, 10.0, "give the expected slip in years, 0 to 10"),
    "cancel_probability": (0.0, 1.0, "give a probability between 0 and 1"),
    "peak_sigma": (0.0, 2.0, "give a standard deviation of log peak between 0 and 2"),
    "trend_sigma": (0.0, 0.2, "give a standard deviation of the yearly trend between 0 and 0.2"),
    "tariff_sigma": (0.0, 1.0, "give a standard deviation of the North America effect between 0 and 1"),
    "correlation": (0.0, 1.0, "give a correlation between 0 and 1"),
}


@lru_cache(maxsize=1)
def _calibrated() -> dict[str, float]:
    tr = track_record()
    bull, bear = BUILTIN["bull"], BUILTIN["bear"]
    return {
        "slip_mean": float(tr.mean_slip_years),
        "cancel_probability": 1.0 - float(tr.build_rate),
        "peak_sigma": float(np.std(np.log(tr.realisations), ddof=1)),
        "trend_sigma": (bull.market_trend - bear.market_trend) / (2 * _Z90),
        "tariff_sigma": abs(bear.na_tariff) / _Z90,
        "correlation": 0.5,
    }


# -- the deterministic frame every path shares ------------------------------------------
class _Frame:
    """Years, lineup arrays and the scenario's effective inputs, computed once per run.

    The projection formula is evaluated here per model on a small table of every launch
    slip a path can draw (launch years are whole years, so a model's curve takes at most
    ``MAX_SLIP + 1`` shapes) crossed with every handover year of its successor; each path
    then gathers its row. The values are those of the broadcast formula of
    :func:`~alfa_xl.model.projection.project`, element by element.
    """

    def __init__(self, lineup: Lineup, scenario: Scenario, start: int, end: int, uncertainty: Uncertainty):
        a = lineup.arrays
        eff = effective_inputs(lineup, scenario)
        undelayed = effective_inputs(lineup, scenario.with_(delay_years=0, delays=()))
        self.lineup, self.scenario, self.uncertainty = lineup, scenario, uncertainty
        self.base_year, _ = latest_actual()
        self.years = np.arange(start, end + 1, dtype=float)
        self.launch, self.peak, self.active = eff["launch"], eff["peak"], eff["active"]
        #: models that draw under this scenario: not on sale, and kept active
        self.planned = np.array([m.status != "on_sale" for m in lineup.models]) & self.active
        self.keys = [_model_key(name) for name in lineup.names]
        own_delay = np.maximum(0.0, eff["launch"] - undelayed["launch"])
        self.slip_mean = np.where(self.planned, np.maximum(0.0, uncertainty.slip_mean - own_delay), 0.0)
        succ = a["successor"]
        self.succ = np.where(succ >= 0, succ, -1)
        self.weights = np.stack([a["shares"].sum(axis=1), a["shares"][:, _NA]], axis=1)  # (M, 2)
        self.after = (self.years > self.base_year).astype(float)  # (Y,)
        # Poisson slip thresholds on the latent normal: K = #{k : Z > t_k}.
        self.slip_thresholds = np.array([_poisson_thresholds(mu) for mu in self.slip_mean])  # (M, MAX_SLIP)
        self.cancel_threshold = _inv_cdf(uncertainty.cancel_probability)
        self._tables = self._build_tables(a)
        self._stack()

    @property
    def n_models(self) -> int:
        return len(self.launch)

    def _stack(self) -> None:
        """Stack the tables of the active models, one block of rows per model."""
        y = len(self.years)
        self.before = int(np.count_nonzero(self.after == 0))
        self.n_succ = np.ones(self.n_models, dtype=np.intp)
        moving, parts, offsets, start = [], [], [], 0
        for m, table in enumerate(self._tables):
            if table is None:
                continue
            s = self.succ[m]
            if s >= 0 and self.active[s]:
                self.n_succ[m] = (MAX_SLIP + 2) if self.planned[s] else 2
            moving.append(m)
            parts.append(table)
            offsets.append(start)
            start += table.shape[0]
        self.moving = moving
        self.offsets = offsets
        self.stacked = np.vstack(parts) if parts else np.zeros((1, y))
        self.w_all = self.weights[moving, 0]
        self.w_na = self.weights[moving, 1]

    def _build_tables(self, a: dict[str, np.ndarray]) -> list[np.ndarray | None]:
        """Per active model, units per unit of peak by (own slip, successor state, year)."""
        years = self.years
        slips = np.arange(MAX_SLIP + 1, dtype=float)
        tables: list[np.ndarray | None] = []
        for m in range(self.n_models):
            if not self.active[m]:
                tables.append(None)
                continue
            own = slips if self.planned[m] else slips[:1]
            launch = self.launch[m] + own[:, None, None]  # (K, 1, 1)
            s = self.succ[m]
            if s >= 0 and self.active[s]:
                # successor launched with slip j (rows 0..), or never built (last row: no handover)
                handover = np.append(self.launch[s] + (slips if self.planned[s] else slips[:1]), np.inf)
                f = a["launch_fraction"][s]
            else:
                handover, f = np.array([np.inf]), 0.0
            table = curve_units(years[None, None, :], launch, a["launch_fraction"][m], a["plateau"][m], a["decay"][m],
                                a["decline_after"][m], a["decline_rate"][m], a["end_year"][m],
                                handover[None, :, None], f)  # (K, H, Y)
            tables.append(table.reshape(-1, len(years)))
        return tables

    def totals(self, slip: np.ndarray, cancelled: np.ndarray, peak_mult: np.ndarray,
               trend: np.ndarray, tariff: np.ndarray) -> np.ndarray:
        """Total units per path and year for given draws (the projection formula).

        ``slip`` (P, M) whole years from 0 to :data:`MAX_SLIP`, ``cancelled`` (P, M)
        bool, ``peak_mult`` (P, M), ``trend`` (P,) yearly rate, ``tariff`` (P,) North
        America effect. Only models in ``planned`` read their slip, cancellation and
        multiplier. Returns (P, Y).
        """
        n, y = slip.shape[0], len(self.years)
        k = self.before  # years up to the latest actual come first: no tariff, no trend
        idx = np.empty((len(self.moving), n), dtype=np.intp)
        peak = np.empty((len(self.moving), n))
        for j, m in enumerate(self.moving):
            s, n_succ = self.succ[m], self.n_succ[m]
            if self.planned[m]:
                np.multiply(slip[:, m], n_succ, out=idx[j])
                idx[j] += self.offsets[j]
                np.multiply(peak_mult[:, m], self.peak[m], out=peak[j])
                peak[j][cancelled[:, m]] = 0.0
            else:
                idx[j] = self.offsets[j]
                peak[j] = self.peak[m]
            if n_succ == MAX_SLIP + 2:  # successor launched with its slip (rows 0..), or never built (last row)
                idx[j] += np.where(cancelled[:, s], MAX_SLIP + 1, slip[:, s])
        rows = np.take(self.stacked, idx.T, axis=0)  # (P, J, Y): units per unit of peak
        total = np.empty((n, y))
        # all regions, with North America scaled by (1 + tariff) after the latest actual
        if k:
            np.matmul((peak * self.w_all[:, None]).T[:, None, :], rows[:, :, :k], out=total[:, None, :k])
        if k < y:
            na = tariff_weight(self.base_year + 1, self.base_year, tariff) - 1.0  # (P,)
            coef = peak * (self.w_all[:, None] + self.w_na[:, None] * na[None, :])
            np.matmul(coef.T[:, None, :], rows[:, :, k:], out=total[:, None, k:])
            total[:, k:] *= market_factor(self.years[None, k:], self.base_year, trend[:, None])
        return total


def _poisson_thresholds(mu: float) -> np.ndarray:
    """Latent-normal thresholds of a Poisson(mu) truncated at :data:`MAX_SLIP`."""
    out = np.full(MAX_SLIP, math.inf)
    if mu <= 0:
        return out
    pmf = math.exp(-mu)
    cdf = pmf
    for k in range(MAX_SLIP):
        out[k] = _inv_cdf(cdf)
        pmf *= mu / (k + 1)
        cdf += pmf
    return out


# -- random draws ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Draws:
    """The random inputs of a range of paths (read-only arrays).

    Attributes
    ----------
    slip : ndarray of int, (P, M)
        Extra launch slip in whole years (0 for models that are not planned).
    cancelled : ndarray of bool, (P, M)
        Model never built on that path (always False for models not planned).
    peak_multiplier : ndarray, (P, M)
        Multiplier on the scenario's peak (1 for models not planned).
    market_trend : ndarray, (P,)
        Yearly market trend of the path (rate).
    na_tariff : ndarray, (P,)
        North America volume effect of the path (-0.2 = 20% fewer), at least -1.
    factor : ndarray, (P,)
        The common "brand year" factor (standard normal; low is bad).
    """

    slip: np.ndarray
    cancelled: np.ndarray
    peak_multiplier: np.ndarray
    market_trend: np.ndarray
    na_tariff: np.ndarray
    factor: np.ndarray


#: Stream keys of the per-path drivers; per-model drivers add the model's key.
_FACTOR, _TREND, _TARIFF, _SLIP, _CANCEL, _PEAK = range(6)


def _model_key(name: str) -> int:
    """A stable number for a model name (CRC-32 of its case-folded, space-normalised text)."""
    return zlib.crc32(" ".join(name.split()).casefold().encode("utf-8"))


def _block_normals(seed: int, block: int, key: tuple[int, ...]) -> np.ndarray:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, *key))))
    return rng.standard_normal(BLOCK)


def _normals(seed: int, first: int, stop: int, key: tuple[int, ...]) -> np.ndarray:
    """Standard normals of stream ``key`` for paths ``first`` to ``stop - 1``."""
    b0, b1 = first // BLOCK, (stop - 1) // BLOCK
    parts = [_block_normals(seed, b, key) for b in range(b0, b1 + 1)]
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return values[first - b0 * BLOCK: stop - b0 * BLOCK]


def _draws(frame: _Frame, seed: int, first: int, stop: int) -> Draws:
    """Draws of paths ``first`` to ``stop - 1``.

    Every driver has its own stream of standard normals per block of paths: the common
    factor, the trend and the tariff one each, and each planned model one for its slip,
    one for its cancellation and one for its peak, keyed by the model's name. A model's
    draws therefore do not change when other models are added to the lineup or left out
    by the scenario, and scenarios run with one seed share their draws. Streams a run does
    not use (zero spread, models on sale) are not generated.
    """
    u, sc, m = frame.uncertainty, frame.scenario, frame.n_models
    n = stop - first
    factor = _normals(seed, first, stop, (_FACTOR,))
    load, own = math.sqrt(u.correlation), math.sqrt(1.0 - u.correlation)
    common = load * factor

    def latent(key: tuple[int, ...]) -> np.ndarray:
        z = _normals(seed, first, stop, key)
        z *= own
        z += common
        return z

    trend = np.full(n, sc.market_trend)
    if u.trend_sigma > 0:
        trend = np.maximum(sc.market_trend + u.trend_sigma * latent((_TREND,)), -0.99)
    tariff = np.full(n, sc.na_tariff)
    if u.tariff_sigma > 0:
        tariff = np.maximum(sc.na_tariff + u.tariff_sigma * latent((_TARIFF,)), -1.0)

    slip = np.zeros((m, n), dtype=np.intp)
    cancelled = np.zeros((m, n), dtype=bool)
    peak_mult = np.ones((m, n))
    for j in np.flatnonzero(frame.planned):
        key = frame.keys[j]
        if frame.slip_mean[j] > 0:  # high latent = longer slip
            slip[j] = np.searchsorted(frame.slip_thresholds[j], -latent((_SLIP, key)))
        if u.cancel_probability > 0:  # low latent = cancelled
            cancelled[j] = latent((_CANCEL, key)) < frame.cancel_threshold
        if u.peak_sigma > 0:  # low latent = smaller peak
            peak_mult[j] = np.exp(u.peak_sigma * latent((_PEAK, key)))
    slip, cancelled, peak_mult = slip.T, cancelled.T, peak_mult.T
    out = Draws(slip, cancelled, peak_mult, trend, tariff, factor)
    for f in fields(out):
        getattr(out, f.name).setflags(write=False)
    return out


def _resolve(lineup: Lineup | None, scenario: Scenario | str, uncertainty: Uncertainty | None,
             start_year: Any, end_year: Any) -> tuple[Lineup, Scenario, Uncertainty, int, int]:
    lineup = default_lineup() if lineup is None else lineup
    scenario = get_scenario(scenario)
    if uncertainty is None:
        uncertainty = _default_uncertainty()
    elif not isinstance(uncertainty, Uncertainty):
        raise SimulationError("uncertainty", uncertainty, "give an Uncertainty object, or leave it out", "wrong type")
    d_start, d_end = default_horizon()
    start, end = check_horizon(d_start if start_year is None else start_year, d_end if end_year is None else end_year)
    return lineup, scenario, uncertainty, start, end


@lru_cache(maxsize=1)
def _default_uncertainty() -> Uncertainty:
    return Uncertainty.track_record()


def draw(
    paths: int = DEFAULT_PATHS,
    seed: int | None = DEFAULT_SEED,
    lineup: Lineup | None = None,
    scenario: Scenario | str = "base",
    uncertainty: Uncertainty | None = None,
    first_path: int = 0,
) -> Draws:
    """The random inputs of paths ``first_path`` to ``first_path + paths - 1``.

    Exactly the draws :func:`simulate` uses for those paths with the same seed, lineup,
    scenario and uncertainty (useful to inspect or test the distributions).

    Examples
    --------
    >>> d = draw(paths=3, seed=1)
    >>> d.slip.shape == (3, len(default_lineup()))
    True
    >>> bool((draw(paths=5, seed=1).slip[2:] == draw(paths=3, seed=1, first_path=2).slip).all())
    True
    """
    n = check_paths(paths)
    first = int(_number("first_path", first_path, 0, 2**62, "give the number of the first path, 0 or more"))
    lineup, scenario, uncertainty, start, end = _resolve(lineup, scenario, uncertainty, None, None)
    frame = _Frame(lineup, scenario, start, end, uncertainty)
    return _draws(frame, check_seed(seed), first, first + n)


# -- the results object ---------------------------------------------------------------------
def _label(p: float) -> str:
    return f"P{p:g}"


@dataclass(frozen=True)
class Simulation:
    """Read-only result of :func:`simulate`.

    Attributes
    ----------
    lineup : Lineup
    scenario : Scenario
        The scenario the paths vary around.
    uncertainty : Uncertainty
    seed : int
    years : numpy.ndarray
        Calendar years, shape ``(Y,)``.
    totals : numpy.ndarray
        Total units (all models and regions) per path and year, shape ``(paths, Y)``;
        read-only, not rounded.
    deterministic : numpy.ndarray
        The scenario's own totals (:func:`~alfa_xl.model.projection.project`), shape ``(Y,)``.
    """

    lineup: Lineup
    scenario: Scenario
    uncertainty: Uncertainty
    seed: int
    years: np.ndarray
    totals: np.ndarray
    deterministic: np.ndarray

    @property
    def paths(self) -> int:
        """Number of simulated paths."""
        return int(self.totals.shape[0])

    def _column(self, year: Any) -> int:
        fix = f"give a year from {self.years[0]} to {self.years[-1]}"
        if year is None:
            return len(self.years) - 1
        value = _number("year", year, -math.inf, math.inf, fix)
        idx = np.flatnonzero(self.years == value)
        if idx.size == 0:
            raise HorizonError("year", year, fix, "outside the simulated years")
        return int(idx[0])

    def probability(self, target: float = DEFAULT_TARGET, year: int | None = None) -> float:
        """Share of paths whose total in ``year`` (default: the last year) reaches
        ``target`` (units a year, total >= target), between 0 and 1.

        Examples
        --------
        >>> sim = simulate(paths=2000, seed=1, end_year=2030)
        >>> sim.probability(1, 2030), sim.probability(10_000_000, 2030)
        (1.0, 0.0)
        """
        col = self._column(year)
        return float(np.count_nonzero(self.totals[:, col] >= check_target(target)) / self.paths)

    def probability_by_year(self, target: float = DEFAULT_TARGET) -> pd.DataFrame:
        """Columns ``Year`` and ``Probability``: share of paths at or above ``target``."""
        tgt = check_target(target)
        return pd.DataFrame({"Year": self.years, "Probability": (self.totals >= tgt).mean(axis=0)})

    def percentiles(self, percentiles: Iterable[float] | float | None = None) -> pd.DataFrame:
        """Percentiles of the yearly total: column ``Year``, then one column per
        percentile named ``P10``, ``P50``... (units a year; linear interpolation between
        paths, as Excel's ``PERCENTILE.INC``).

        Examples
        --------
        >>> sim = simulate(paths=2000, seed=1, end_year=2028)
        >>> list(sim.percentiles().columns)
        ['Year', 'P10', 'P50', 'P90']
        """
        ps = check_percentiles(percentiles)
        values = np.percentile(self.totals, ps, axis=0)  # (len(ps), Y)
        data = np.column_stack([self.years, values.T]).astype(object)
        data[:, 0] = self.years.tolist()  # years stay whole numbers
        frame = pd.DataFrame(data, columns=["Year", *[_label(p) for p in ps]])  # a repeated percentile repeats its column
        return frame.infer_objects()

    def summary(self, target: float = DEFAULT_TARGET, percentiles: Iterable[float] | None = None) -> pd.DataFrame:
        """One row per year: ``Year``, the percentiles, ``Mean``, ``Scenario`` (the
        deterministic projection) and ``Probability`` of reaching ``target``."""
        frame = self.percentiles(percentiles)
        frame["Mean"] = self.totals.mean(axis=0)
        frame["Scenario"] = self.deterministic
        frame["Probability"] = self.probability_by_year(target)["Probability"].to_numpy()
        return frame


def _chunk_paths(n_years: int, n_models: int, chunk_paths: Any) -> int:
    if chunk_paths is None:
        rows = max(1, _CELLS_PER_CHUNK // max(1, n_years * n_models))
        return max(BLOCK, rows // BLOCK * BLOCK)
    return check_paths(chunk_paths)


def simulate(
    lineup: Lineup | None = None,
    scenario: Scenario | str = "base",
    start_year: int | None = None,
    end_year: int | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int | None = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
    chunk_paths: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate yearly totals over many paths drawn around a scenario.

    Parameters
    ----------
    lineup : Lineup, optional
        Models; the shipped default lineup when omitted.
    scenario : Scenario or str
        The scenario the draws vary around (default ``"base"``).
    start_year, end_year : int, optional
        First and last calendar year, inclusive (defaults as
        :func:`~alfa_xl.model.projection.project`: 2026 to 2030).
    paths : int
        Number of paths, 1 to :data:`MAX_PATHS` (default 10,000).
    seed : int, optional
        Seed of the random streams, 0 to 2**63 - 1 (default :data:`DEFAULT_SEED`).
    uncertainty : Uncertainty, optional
        Spreads of the drivers; :meth:`Uncertainty.track_record` when omitted.
    chunk_paths : int, optional
        Paths computed at a time (bounds memory; results do not depend on it).
    progress : callable, optional
        Called as ``progress(done_paths, total_paths)`` after each chunk.

    Returns
    -------
    Simulation
        Totals per path and year (units a year, registrations) and summaries.

    Raises
    ------
    SimulationError
        Bad ``paths``, ``seed`` or ``chunk_paths``.
    HorizonError, ScenarioError
        Bad years or scenario, as :func:`~alfa_xl.model.projection.project`.

    Notes
    -----
    The formula is :func:`~alfa_xl.model.projection.project`'s with each path's launch years,
    cancellations, peaks, trend and tariff (module docstring). With
    :meth:`Uncertainty.none` every path equals the deterministic projection.

    Examples
    --------
    >>> sim = simulate(paths=1000, seed=1, uncertainty=Uncertainty.none())
    >>> bool(np.allclose(sim.totals, project().totals, rtol=1e-12))
    True
    """
    n = check_paths(paths)
    seed = check_seed(seed)
    lineup, scenario, uncertainty, start, end = _resolve(lineup, scenario, uncertainty, start_year, end_year)
    frame = _Frame(lineup, scenario, start, end, uncertainty)
    step = _chunk_paths(len(frame.years), frame.n_models, chunk_paths)
    totals = np.empty((n, len(frame.years)))
    for first in range(0, n, step):
        stop = min(n, first + step)
        d = _draws(frame, seed, first, stop)
        totals[first:stop] = frame.totals(d.slip, d.cancelled, d.peak_multiplier, d.market_trend, d.na_tariff)
        if progress is not None:
            progress(stop, n)
    totals.setflags(write=False)
    years = frame.years.astype(int)
    years.setflags(write=False)
    deterministic = project(lineup, scenario, start, end).totals.copy()
    deterministic.setflags(write=False)
    return Simulation(lineup, scenario, uncertainty, seed, years, totals, deterministic)


# -- tornado --------------------------------------------------------------------------------
def _poisson_quantile(mu: float, q: float) -> int:
    if mu <= 0:
        return 0
    pmf = math.exp(-mu)
    cdf, k = pmf, 0
    while cdf < q and k < MAX_SLIP:
        k += 1
        pmf *= mu / k
        cdf += pmf
    return k


def tornado(
    year: int | None = None,
    scenario: Scenario | str = "base",
    lineup: Lineup | None = None,
    uncertainty: Uncertainty | None = None,
) -> pd.DataFrame:
    """Swing of the year's total when each driver moves alone between its P10 and P90.

    Each driver is set to its 10th and 90th percentile under ``uncertainty`` while every
    other input stays at the scenario; cancellations are one driver per planned model
    (built as in the scenario vs never built). No random numbers are used.

    Parameters
    ----------
    year : int, optional
        Calendar year of the total (default: 2030, the default end year).
    scenario : Scenario or str
        The scenario the drivers move around (default ``"base"``).
    lineup : Lineup, optional
        Models; the shipped default lineup when omitted.
    uncertainty : Uncertainty, optional
        Driver spreads; :meth:`Uncertainty.track_record` when omitted.

    Returns
    -------
    pandas.DataFrame
        :data:`TORNADO_COLUMNS`, one row per driver, largest ``Swing`` first. ``Low`` and
        ``High`` are the year's total (units) at the settings in ``Low setting`` and
        ``High setting``; ``Swing = High - Low`` >= 0; ``Scenario`` is the scenario's own
        total. Drivers that cannot move (zero spread, no planned model) are left out.

    Examples
    --------
    >>> t = tornado(2030)
    >>> bool((t["Swing"].diff().dropna() <= 0).all()), bool((t["High"] >= t["Low"]).all())
    (True, True)
    """
    lineup, scenario, uncertainty, _, end = _resolve(lineup, scenario, uncertainty, None, None)
    year = end if year is None else year
    start, end = check_horizon(year, year)
    frame = _Frame(lineup, scenario, start, end, uncertainty)
    m = frame.n_models
    planned = frame.planned
    names = lineup.names

    rows: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = []
    if planned.any() and frame.slip_mean.max() > 0:
        lo = np.array([_poisson_quantile(mu, 0.9) for mu in frame.slip_mean])
        hi = np.array([_poisson_quantile(mu, 0.1) for mu in frame.slip_mean])
        rows.append(("Launch slip, planned models", _years(lo, planned), _years(hi, planned), {"slip": lo}, {"slip": hi}))
    if planned.any() and uncertainty.peak_sigma > 0:
        lo_m, hi_m = math.exp(-_Z90 * uncertainty.peak_sigma), math.exp(_Z90 * uncertainty.peak_sigma)
        rows.append(("Peak realisation, planned models", f"x{lo_m:.2f}", f"x{hi_m:.2f}",
                     {"peak": np.where(planned, lo_m, 1.0)}, {"peak": np.where(planned, hi_m, 1.0)}))
    if uncertainty.trend_sigma > 0:
        lo_t, hi_t = scenario.market_trend - _Z90 * uncertainty.trend_sigma, scenario.market_trend + _Z90 * uncertainty.trend_sigma
        rows.append(("Market trend", f"{lo_t:+.1%}/yr", f"{hi_t:+.1%}/yr", {"trend": lo_t}, {"trend": hi_t}))
    if uncertainty.tariff_sigma > 0:
        lo_n = max(-1.0, scenario.na_tariff - _Z90 * uncertainty.tariff_sigma)
        hi_n = scenario.na_tariff + _Z90 * uncertainty.tariff_sigma
        rows.append(("North America tariff effect", f"{lo_n:+.0%}", f"{hi_n:+.0%}", {"tariff": lo_n}, {"tariff": hi_n}))
    if uncertainty.cancel_probability > 0:
        for j in np.flatnonzero(planned):
            cancel = np.zeros(m, dtype=bool)
            cancel[j] = True
            rows.append((f"{names[j]} built or cancelled", "cancelled", "built", {"cancel": cancel}, {}))

    columns = list(TORNADO_COLUMNS)
    det = float(frame.totals(np.zeros((1, m), np.int64), np.zeros((1, m), bool), np.ones((1, m)),
                             np.array([scenario.market_trend]), np.array([scenario.na_tariff]))[0, 0])
    if not rows:
        return pd.DataFrame(columns=columns)
    settings = [s for r in rows for s in (r[3], r[4])]
    k = len(settings)
    slip = np.zeros((k, m), np.int64)
    cancelled = np.zeros((k, m), bool)
    peak = np.ones((k, m))
    trend = np.full(k, scenario.market_trend)
    tariff = np.full(k, scenario.na_tariff)
    for i, s in enumerate(settings):
        if "slip" in s:
            slip[i] = s["slip"]
        if "cancel" in s:
            cancelled[i] = s["cancel"]
        if "peak" in s:
            peak[i] = s["peak"]
        if "trend" in s:
            trend[i] = s["trend"]
        if "tariff" in s:
            tariff[i] = s["tariff"]
    totals = frame.totals(slip, cancelled, peak, trend, tariff)[:, 0]
    out = []
    for i, (driver, lo_label, hi_label, _, _) in enumerate(rows):
        a, b = float(totals[2 * i]), float(totals[2 * i + 1])
        if a <= b:
            out.append((driver, a, b, b - a, lo_label, hi_label, det))
        else:
            out.append((driver, b, a, a - b, hi_label, lo_label, det))
    table = pd.DataFrame(out, columns=columns)
    order = sorted(range(len(out)), key=lambda i: (-out[i][3], i))
    return table.iloc[order].reset_index(drop=True)


def _years(slips: np.ndarray, planned: np.ndarray) -> str:
    values = sorted({int(v) for v in slips[planned]})
    text = "/".join(str(v) for v in values)
    return f"+{text} yr"
