r"""Monte Carlo over the lineup: how likely is a volume target, and what drives it.

A scenario (:mod:`alfa_xl.model.engine.scenarios`) is one set of assumptions; this module draws
thousands of variations *around* it and runs each through the projection formula of
:mod:`alfa_xl.model.engine.projection` (same curve, same handover, same trend and tariff terms),
vectorised over paths x years x models and processed in chunks of paths to bound memory.
Launch years are whole years, so each model's curve (:func:`alfa_xl.model.engine.curve.lifecycle_share`)
and hand-over are evaluated once on the grid of every slip a path can draw; each path
gathers its rows and one batched product applies peaks, regional split and tariff.

What is drawn, per path
-----------------------
Planned models (not yet on sale, kept active by the scenario) get model draws; models on
sale get the brand's yearly noise. Defaults and their rules: :mod:`alfa_xl.model.risk.uncertainty`.

=======================  ==================================  ================================
driver                   distribution (default)              grounded in
=======================  ==================================  ================================
launch slip, per model   Poisson, mean ``max(2.33, d)``      2014 plan: built models slipped
                         whole years from the stated date    1, 1 and 5 years (mean 2.33);
                         (on time with probability           *d* = delay the scenario applies,
                         e^-2.33 = 0.097)                    counted once inside the draw
cancellation, per model  Bernoulli; p = 0.4 up to 2 years    2014 plan by lead, Laplace's
                         from the first forecast year to     rule: 1 of 3 near, 4 of 5 far
                         launch, 0.714 further; odds x0.5    dropped; firmness odds are an
                         if confirmed, x2 if a rumour        assumption (no labelled record)
revival, per model       a model reported cancelled is       models dropped from past plans:
reported cancelled       built after all with p = 0.2        1 of 8 built later (Laplace)
peak realisation,        lognormal, median 1 (the            built models: log(actual peak /
per model                scenario's peak), sigma 0.388       peak assumed before launch) has
                                                             standard deviation 0.388 (4)
yearly volume, models    random walk in log from the         worldwide history: sd of the
on sale (per path)       latest actual, steps N(0, 0.239)    log change per year (gaps of
                                                             several years count as several)
market trend, per path   normal around the scenario's,       0: the market's moves are in the
                         sd 0 by default                     brand's yearly noise already
North America tariff     normal, mean = scenario's           the one tariff year: US 2025 -36%
effect                   ``na_tariff``, sd 0.36
=======================  ==================================  ================================

The yearly-noise steps are independent of the common factor and of each other (one
stream per year after the latest actual, so a year keeps its draws whatever the horizon).

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
:func:`simulate` reproduces :func:`alfa_xl.model.engine.projection.project` exactly (to rounding,
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
from collections.abc import Callable
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np

from alfa_xl import validation
from alfa_xl.errors import HorizonError, SimulationError
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.engine.lineup import Lineup, default_lineup
from alfa_xl.model.engine.projection import (
    check_horizon,
    curve_units,
    default_horizon,
    effective_inputs,
    project,
    projection_units,
    successor_handover,
)
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.risk.draws import BLOCK, Draws, draws_for_paths, model_key, stream_columns
from alfa_xl.model.risk.nowcast import nowcast
from alfa_xl.model.risk.result import Simulation
from alfa_xl.model.risk.settings import (
    DEFAULT_PATHS,
    DEFAULT_SEED,
    YTD_PAIR_FIX,
    check_number,
    check_paths,
    check_seed,
)
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = [
    "simulate",
    "draw",
    "PathFrame",
    "resolve_inputs",
    "condition_on_year_to_date",
    "MAX_SLIP",
]

#: Longest launch slip drawn, in years: the Poisson tail beyond it is below 1e-12 for any
#: allowed mean (at most 10 years), and it puts any launch after 2020 past 2060, the last
#: supported year.
MAX_SLIP = 40

_NORMAL = NormalDist()
_Z90 = _NORMAL.inv_cdf(0.9)
_CELLS_PER_CHUNK = 1_500_000  # paths x years x models per chunk: ~12 MB per float array


def _inv_cdf(p: float) -> float:
    if p >= 1.0:
        return math.inf
    if p <= 0.0:
        return -math.inf
    return _NORMAL.inv_cdf(p)


# -- the deterministic frame every path shares ------------------------------------------
class PathFrame:
    """Years, lineup arrays and the scenario's effective inputs, computed once per run.

    The projection formula is evaluated here per model on a small table of every launch
    slip a path can draw (launch years are whole years, so a model's curve takes at most
    ``MAX_SLIP + 1`` shapes) crossed with every handover year of its successor; each path
    then gathers its row. The values are those of the broadcast formula of
    :func:`~alfa_xl.model.engine.projection.project`, element by element.
    """

    def __init__(
        self,
        lineup: Lineup,
        scenario: Scenario,
        start: int,
        end: int,
        uncertainty: Uncertainty,
        base_year: int | None = None,
    ):
        a = lineup.arrays
        eff = effective_inputs(lineup, scenario)
        undelayed = effective_inputs(lineup, scenario.with_(delay_years=0, delays=()))
        self.lineup, self.scenario, self.uncertainty = lineup, scenario, uncertainty
        self.base_year = latest_actual()[0] if base_year is None else int(base_year)
        self.years = np.arange(start, end + 1, dtype=float)
        self.launch, self.peak, self.active = eff["launch"], eff["peak"], eff["active"].copy()
        #: models reported cancelled that the scenario leaves out (not by name): on a path they
        #: are built after all with ``revival_probability``
        named = {lineup.resolve(n) for n in scenario.cancel}
        self.revived = a["reported_cancelled"] & ~self.active & np.array([n not in named for n in lineup.names])
        self.revived &= uncertainty.revival_probability > 0
        self.active |= self.revived
        #: models that draw under this scenario: not on sale, and kept active
        self.planned = np.array([m.status != "on_sale" for m in lineup.models]) & self.active
        self.keys = [model_key(name) for name in lineup.names]
        own_delay = np.maximum(0.0, eff["launch"] - undelayed["launch"])
        # Launch slips are drawn from the stated date (the delay the scenario applies is counted
        # once, inside the draw): mean the larger of the record's mean slip and the scenario's
        # delay, so a launch on time keeps its probability. ``central_slip`` is the draw that
        # reproduces the scenario's own launch year.
        drawn = self.planned & (uncertainty.slip_mean > 0)
        self.slip_mean = np.where(drawn, np.maximum(uncertainty.slip_mean, own_delay), 0.0)
        self.launch = np.where(drawn, undelayed["launch"], eff["launch"])
        self.central_slip = np.where(drawn, np.rint(own_delay), 0).astype(np.intp)
        succ = a["successor"]
        self.succ = np.where(succ >= 0, succ, -1)
        self.handover, self.succ_fraction = successor_handover(succ, self.launch, self.active, a["launch_fraction"])
        self.shares = a["shares"]
        self.after = (self.years > self.base_year).astype(float)  # (Y,)
        # Poisson slip thresholds on the latent normal: K = #{k : Z > t_k}.
        self.slip_thresholds = np.array([_poisson_thresholds(mu) for mu in self.slip_mean])  # (M, MAX_SLIP)
        # cancellation by lead (years from the first forecast year to launch) and firmness
        lead = undelayed["launch"] - (self.base_year + 1)
        firmness = [
            getattr(m, "firmness", None) or ("confirmed" if m.status == "on_sale" else "dated") for m in lineup.models
        ]
        self.cancel_p = np.where(self.planned, uncertainty.cancel_probabilities(lead, firmness), 0.0)
        self.cancel_p = np.where(self.revived, 1.0 - uncertainty.revival_probability, self.cancel_p)
        self.cancel_thresholds = np.array([_inv_cdf(float(p)) for p in self.cancel_p])
        #: yearly noise steps drawn: years from the latest actual to the end
        self.noise_steps = int(max(0, end - self.base_year)) if uncertainty.volume_sigma > 0 else 0
        self._tables = self._build_tables(a)
        self._stack()
        #: the columns of each driver among the standard normals of a path (:mod:`~alfa_xl.model.risk.draws`)
        self.stream_columns = stream_columns(self)

    @property
    def n_models(self) -> int:
        return len(self.launch)

    def _stack(self) -> None:
        """Stack the tables of the active models, one block of rows per model."""
        y = len(self.years)
        self.before = int(np.count_nonzero(self.after == 0))
        self.n_succ = np.ones(self.n_models, dtype=np.intp)
        moving, parts, offsets, start = [], [], [], 0
        order = [m for m in range(self.n_models) if not self.planned[m]] + [
            m for m in range(self.n_models) if self.planned[m]
        ]
        for m in order:  # models on sale first: the yearly noise then scales one contiguous block
            table = self._tables[m]
            if table is None:
                continue
            s = self.succ[m]
            if np.isfinite(self.handover[m]):
                self.n_succ[m] = (MAX_SLIP + 2) if self.planned[s] else 2
            moving.append(m)
            parts.append(table)
            offsets.append(start)
            start += table.shape[0]
        self.moving = moving
        self.offsets = offsets
        self.stacked = np.vstack(parts) if parts else np.zeros((1, y))
        self.w_moving = self.shares[moving]
        self.n_on_sale = sum(1 for m in moving if not self.planned[m])
        # the same per kind of row, for :meth:`totals` to gather every model's rows at once
        rows = np.array(moving, dtype=np.intp)
        self._offsets = np.array(offsets, dtype=np.intp)
        self._drawn = np.flatnonzero(self.planned[rows])  # stacked blocks of the planned models
        self._drawn_models = rows[self._drawn]
        self._steps = self.n_succ[self._drawn_models]
        self._handing = np.flatnonzero(self.n_succ[rows] == MAX_SLIP + 2)  # a successor that draws
        self._successors = self.succ[rows[self._handing]]
        self._peaks = self.peak[rows]

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
            if np.isfinite(self.handover[m]):
                # successor launched with slip j (rows 0..), or never built (last row: no handover)
                handover = np.append(self.handover[m] + (slips if self.planned[s] else slips[:1]), np.inf)
                f = self.succ_fraction[m]
            else:
                handover, f = np.array([np.inf]), 0.0
            table = curve_units(
                years[None, None, :],
                launch,
                a["launch_fraction"][m],
                a["plateau"][m],
                a["decay"][m],
                a["decline_after"][m],
                a["decline_rate"][m],
                a["end_year"][m],
                handover[None, :, None],
                f,
                1.0,
                a["hold_until"][m],
                self.base_year,
            )  # (K, H, Y)
            tables.append(table.reshape(-1, len(years)))
        return tables

    def totals(
        self,
        slip: np.ndarray,
        cancelled: np.ndarray,
        peak_mult: np.ndarray,
        trend: np.ndarray,
        tariff: np.ndarray,
        volume: np.ndarray | None = None,
    ) -> np.ndarray:
        """Total units per path and year for given draws (the projection formula).

        ``slip`` (P, M) whole years from 0 to :data:`MAX_SLIP`, ``cancelled`` (P, M)
        bool, ``peak_mult`` (P, M), ``trend`` (P,) yearly rate, ``tariff`` (P,) North
        America effect, ``volume`` (P, T) the cumulative log noise of models on sale for
        the years after the latest actual (``None``: none). Only models in ``planned``
        read their slip, cancellation and multiplier. Returns (P, Y).
        """
        n, y = slip.shape[0], len(self.years)
        k = self.before  # years up to the latest actual come first: no tariff, no trend
        drawn, models = self._drawn, self._drawn_models
        idx = np.empty((n, len(self.moving)), dtype=np.intp)  # each model's row in ``stacked``, per path
        idx[:] = self._offsets
        idx[:, drawn] += slip[:, models] * self._steps
        if self._handing.size:  # successor launched with its slip (rows 0..), or never built (last row)
            s = self._successors
            idx[:, self._handing] += np.where(cancelled[:, s], MAX_SLIP + 1, slip[:, s])
        peak = np.empty((len(self.moving), n))
        peak[:] = self._peaks[:, None]
        own = peak_mult[:, models].T * self._peaks[drawn, None]
        own[cancelled[:, models].T] = 0.0
        peak[drawn] = own
        rows = np.take(self.stacked, idx, axis=0)  # (P, J, Y): units per unit of peak
        if volume is not None and volume.shape[1] and k < y and self.n_on_sale:
            steps = (self.years[k:] - self.base_year).astype(np.intp) - 1  # year -> noise step
            rows[:, : self.n_on_sale, k:] *= np.exp(volume[:, steps])[:, None, :]
        return projection_units(
            rows, peak.T, self.w_moving, self.years, self.base_year, trend, tariff, total=True, out=np.empty((n, y))
        )


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


def resolve_inputs(
    lineup: Lineup | None, scenario: Scenario | str, uncertainty: Uncertainty | None, start_year: Any, end_year: Any
) -> tuple[Lineup, Scenario, Uncertainty, int, int]:
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
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    base_year: int | None = None,
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
    first = int(check_number("first_path", first_path, kind="path_index"))
    lineup, scenario, uncertainty, start, end = resolve_inputs(lineup, scenario, uncertainty, start_year, end_year)
    frame = PathFrame(lineup, scenario, start, end, uncertainty, base_year)
    return draws_for_paths(frame, check_seed(seed), first, first + n)


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
    *,
    base_year: int | None = None,
    ytd: float | None = None,
    ytd_months: int | None = None,
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
        :func:`~alfa_xl.model.engine.projection.project`: 2026 to 2030).
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
    base_year : int, optional
        The latest actual year (default: the shipped history's, 2025): trend, tariff and
        the yearly noise start after it, and a planned model's lead is counted from it. A
        backtest passes the year before its ``as_of``.
    ytd, ytd_months : optional
        Year-to-date worldwide units of the year after ``base_year`` and the months they
        cover (both or neither; the horizon must start in that year). That year's totals
        become the nowcast's (:func:`alfa_xl.model.risk.nowcast.nowcast`) quantile of the same
        rank, and each path's later years are scaled by the same ratio (the level the
        yearly noise of the models on sale carries on).

    Returns
    -------
    Simulation
        Totals per path and year (units a year, registrations) and summaries.

    Raises
    ------
    SimulationError
        Bad ``paths``, ``seed`` or ``chunk_paths``.
    HorizonError, ScenarioError
        Bad years or scenario, as :func:`~alfa_xl.model.engine.projection.project`.

    Notes
    -----
    The formula is :func:`~alfa_xl.model.engine.projection.project`'s with each path's launch years,
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
    lineup, scenario, uncertainty, start, end = resolve_inputs(lineup, scenario, uncertainty, start_year, end_year)
    frame = PathFrame(lineup, scenario, start, end, uncertainty, base_year)
    nc = _nowcast(ytd, ytd_months, start, frame.base_year)
    step = _chunk_paths(len(frame.years), frame.n_models, chunk_paths)
    part = min(step, max(1, _CELLS_PER_CHUNK // max(1, len(frame.years) * frame.n_models)))
    totals = np.empty((n, len(frame.years)))
    for first in range(0, n, step):
        stop = min(n, first + step)
        d = draws_for_paths(frame, seed, first, stop)
        # the draws come by whole blocks of streams; the totals in parts of the memory bound
        # (a path's totals do not depend on the others computed with it)
        for a in range(0, stop - first, part):
            b = min(stop - first, a + part)
            totals[first + a : first + b] = frame.totals(
                d.slip[a:b],
                d.cancelled[a:b],
                d.peak_multiplier[a:b],
                d.market_trend[a:b],
                d.na_tariff[a:b],
                d.volume[a:b],
            )
        if progress is not None:
            progress(stop, n)
    if nc is not None:
        condition_on_year_to_date(totals, nc.ppf)
    totals.setflags(write=False)
    years = frame.years.astype(int)
    years.setflags(write=False)
    deterministic = project(lineup, scenario, start, end, base_year=frame.base_year).totals.copy()
    deterministic.setflags(write=False)
    conditioned = None if nc is None else (float(nc.units_to_date), int(nc.months))
    return Simulation(lineup, scenario, uncertainty, seed, years, totals, deterministic, conditioned)


def _nowcast(ytd: Any, ytd_months: Any, start: int, base_year: int):
    if not validation.both_or_neither(ytd, ytd_months, ("ytd", "ytd_months"), YTD_PAIR_FIX, error=SimulationError):
        return None
    if start != base_year + 1:
        raise HorizonError(
            "start_year",
            start,
            f"start the horizon in {base_year + 1}, the year the year-to-date units are from",
            "year-to-date units need the current year",
        )
    return nowcast(ytd, ytd_months, base_year + 1)


def condition_on_year_to_date(totals: np.ndarray, ppf: Callable[[np.ndarray], np.ndarray]) -> None:
    """Condition paths (in place) on a full-year distribution for their first year.

    Each path's first-year total becomes ``ppf((rank + 0.5) / n)`` (paths keep their
    order) and its later years are scaled by the same ratio.

    >>> t = np.array([[10.0, 20.0], [30.0, 60.0]])
    >>> condition_on_year_to_date(t, lambda u: 100 * u)
    >>> t.tolist()
    [[25.0, 50.0], [75.0, 150.0]]
    """
    n = totals.shape[0]
    current = totals[:, 0].copy()
    ranks = np.argsort(np.argsort(current, kind="stable"), kind="stable")
    target = np.asarray(ppf((ranks + 0.5) / n), dtype=float)
    ratio = np.divide(target, current, out=np.ones(n), where=current > 0)
    totals[:, 0] = target
    totals[:, 1:] *= ratio[:, None]
