"""One central answer: the headline of the rolling backtest, on the calibrated recipe's paths.

:func:`forecast` runs what :func:`alfa_xl.model.evidence.replay.replay` replays on past
plans, today: the lineup with its models on sale scaled to the latest actual, the
``track_record`` scenario calibrated on every plan resolved so far (launches delayed by
the rounded mean slip, each planned peak times the built models' median peak
realisation) and the calibrated spreads (:meth:`Uncertainty.track_record`). Those paths
become the headline's (:func:`alfa_xl.model.evidence.rolling.headline`): the structural
model's own, combined with a log random walk with drift, or (today) a log random walk's
quantiles handed to them by rank (:func:`combined_paths`). It returns per year P10/P50/P90
(or other percentiles), the cumulative over a span of years with its band, and the
probability of reaching 400,000 a year by 2030 and by 2035, with its Monte Carlo precision
(:meth:`Forecast.tails`).

Year to date
------------
With ``ytd`` units over ``ytd_months`` months of the first forecast year, that year is
conditioned on :func:`alfa_xl.model.risk.nowcast.nowcast` (through
:func:`alfa_xl.model.risk.simulate.simulate`'s ``ytd``): each path's total for the year is
replaced by the nowcast quantile of the same rank (paths keep their order; the year's
band becomes the nowcast's), and the path's later years are scaled by the same ratio, as
the yearly noise of the models on sale carries a level on (in the current year nearly
all volume is from models on sale). A headline that is or contains a random walk takes
the conditioned year's band as it is and walks on from it (:func:`combined_paths`), so a
strong or weak first half moves the later years too. Without it, ``conditioned`` is False
and the current year is the curve's alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import AlfaInputError, HorizonError
from alfa_xl.model.data.vintage import Vintage, current_year
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import MAX_END, check_horizon
from alfa_xl.model.engine.scenarios import Scenario
from alfa_xl.model.evidence.baselines import normal_scores, random_walk, random_walk_lognormal, walk_parameters
from alfa_xl.model.evidence.recipe import calibrated_recipe
from alfa_xl.model.evidence.rolling import CANDIDATES, headline
from alfa_xl.model.risk.combination import combination_tail_probabilities, walk_tail
from alfa_xl.model.risk.result import percentile_label
from alfa_xl.model.risk.settings import (
    BACKTEST_PATHS,
    DEFAULT_SEED,
    YTD_PAIR_FIX,
    check_paths,
    check_percentiles,
    check_seed,
    check_target,
)
from alfa_xl.model.risk.simulate import PathFrame, simulate
from alfa_xl.model.risk.tails import (
    MIN_HITS,
    TailProbability,
    mc_probability,
    plan_route_probability,
    tail_probabilities,
)
from alfa_xl.model.risk.uncertainty import Uncertainty
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["Forecast", "forecast", "combined_paths", "FORECAST_PATHS", "PROBABILITY_YEARS"]

#: Paths of the central forecast (those the backtests were scored with).
FORECAST_PATHS = BACKTEST_PATHS
#: Years of the headline probabilities ("400,000 a year by 2030 and by 2035").
PROBABILITY_YEARS = (DEFAULT_YEAR, 2035)


@dataclass(frozen=True)
class Forecast:
    """Read-only result of :func:`forecast`.

    Attributes
    ----------
    years : numpy.ndarray
        Years of the table, ``(Y,)``.
    totals : numpy.ndarray
        Yearly totals per path from the first forecast year through the later of the end
        year, 2035 and the cumulative span, ``(paths, Y_all)``; read-only.
    all_years : numpy.ndarray
        The years of ``totals``.
    percentiles : tuple of float
    cumulative_years : (int, int)
        First and last year of :meth:`cumulative`.
    target : float
        Units a year of the headline probabilities.
    conditioned : bool
        Whether the first forecast year is conditioned on year-to-date units.
    ytd, ytd_months : float or None, int or None
    scenario, uncertainty, lineup, paths, seed, anchor_factor
        What produced the paths; ``anchor_factor`` scaled the models on sale to the
        latest actual.
    method : str
        ``model`` (the structural Monte Carlo), ``combination`` (its paths combined with a
        log random walk with drift, :func:`combined_paths`), ``rw_drift`` or ``rw`` (a log
        random walk with or without drift, its quantiles given to the model's paths by rank:
        :func:`combined_paths` at weight 0): the headline of the rolling backtest unless
        ``method`` said otherwise.
    headline : str
        Which forecast the rolling backtest scores best without look-ahead, and by how much
        (:meth:`alfa_xl.model.evidence.rolling.Headline.text`).
    weight : float
        The structural model's weight: 1 for the model alone, the combination's, 0 for a
        random walk.
    walk : tuple of (float, float)
        The log random walk of the combination or the headline from the latest actual,
        lognormal in each year of ``all_years``: (log median, sd of the log); empty for the
        model alone. (When the first year is conditioned, the walk of the later years starts
        from it instead, :func:`combined_paths`, and the tails are counted on the paths.)
    """

    years: np.ndarray
    all_years: np.ndarray
    totals: np.ndarray
    percentiles: tuple[float, ...]
    cumulative_years: tuple[int, int]
    target: float
    conditioned: bool
    ytd: float | None
    ytd_months: int | None
    scenario: Scenario
    uncertainty: Uncertainty
    lineup: Lineup
    paths: int
    seed: int
    anchor_factor: float
    method: str = "model"
    headline: str = ""
    weight: float = 1.0
    walk: tuple[tuple[float, float], ...] = ()

    def _cols(self, first: int, last: int) -> np.ndarray:
        return np.flatnonzero((self.all_years >= first) & (self.all_years <= last))

    def table(self) -> pd.DataFrame:
        """``Year`` and one column per percentile (``P10``...), units a year."""
        cols = self._cols(int(self.years[0]), int(self.years[-1]))
        values = np.percentile(self.totals[:, cols], self.percentiles, axis=0)
        frame = pd.DataFrame({"Year": self.years})
        for p, row in zip(self.percentiles, values):
            frame[percentile_label(p)] = row
        return frame

    def cumulative_paths(self, first: int | None = None, last: int | None = None) -> np.ndarray:
        """Each path's units summed over ``first`` to ``last`` (default: the cumulative span)."""
        a, b = self.cumulative_years if first is None else (int(first), int(last if last is not None else first))
        return self.totals[:, self._cols(a, b)].sum(axis=1)

    def cumulative(self) -> dict[str, float]:
        """Percentiles of the cumulative over :attr:`cumulative_years` (labels ``P10``...)."""
        values = np.percentile(self.cumulative_paths(), self.percentiles)
        return {percentile_label(p): float(v) for p, v in zip(self.percentiles, values)}

    def probability_by(self, year: int, target: float | None = None) -> float:
        """Share of paths whose yearly total reaches ``target`` (default :attr:`target`)
        in at least one year from the first forecast year through ``year``."""
        tgt = self.target if target is None else check_target(target)
        cols = self._cols(int(self.all_years[0]), int(year))
        if int(year) > int(self.all_years[-1]) or cols.size == 0:
            raise HorizonError(
                "year", year, f"give a year from {self.all_years[0]} to {self.all_years[-1]}", "outside the forecast"
            )
        return float(np.mean((self.totals[:, cols] >= tgt).any(axis=1)))

    def tails(
        self, years: Iterable[int] = PROBABILITY_YEARS, target: float | None = None
    ) -> dict[tuple[int, bool], TailProbability]:
        """P(``target`` a year reached by each of ``years``) with its Monte Carlo precision
        (:mod:`alfa_xl.model.risk.tails`), alone (key ``(year, False)``) and jointly with the
        route where the plan succeeds (``(year, True)``): importance sampling on the recipe's
        own draws, with a standard error. When the headline is a combination or a random walk
        (the combination at weight 0), the probability alone is the headline's, derived from its
        definition (quantile averaging, paths coupled by rank:
        :mod:`alfa_xl.model.risk.combination`) on importance-sampled paths of the model, with a
        batch-means standard error (at weight 0, the likeliest year's exact figure plus an
        estimate of the rest of the union: :mod:`alfa_xl.model.risk.combination`), and the joint
        probability with the route from the same weighted paths (a combined path is a function
        of the model's path, so the route is an event of the same draws). When the first year is
        conditioned on the year to date, or no weighted path reaches the line, the count of
        the plain paths (with its standard error, or its 95% bound) instead."""
        tgt = self.target if target is None else check_target(target)
        ys = tuple(sorted({int(y) for y in years}))
        plain = {y: self.probability_by(y, tgt) for y in ys}  # validates the years
        first = int(self.all_years[0])
        est: dict[tuple[int, bool], TailProbability | None] = {}
        if not self.conditioned:
            frame = PathFrame(self.lineup, self.scenario, first, ys[-1], self.uncertainty, first - 1)
            if self.weight < 1.0:
                est = self._combination(frame, tgt, ys, route=True)
            else:
                est = tail_probabilities(frame, tgt, ys, seed=self.seed)
        out = {(y, False): est.get((y, False)) or mc_probability(round(plain[y] * self.paths), self.paths) for y in ys}
        for y in ys:
            # a year without an estimate: reaching the line by then is reaching it by any later year
            alone = out[(y, False)]
            later = [(out[(z, False)].upper, z) for z in ys if z > y and out[(z, False)].standard_error is not None]
            if alone.standard_error is None and later and min(later)[0] < alone.upper:
                b, z = min(later)
                out[(y, False)] = TailProbability(
                    0.0, None, b, alone.paths, 0, "bound", basis=f"at most the probability by {z}"
                )
        route_p = None
        for y in ys:
            # the route's paths are not counted among the plain ones: without an estimate of
            # its own, the joint probability is at most the probability alone and the route's
            joint = est.get((y, True))
            if joint is None:
                route_p = self.plan_route_probability() if route_p is None else route_p
                b = min(out[(y, False)].upper, route_p)
                why = "the probability without the route" if b < route_p else "the route's own probability"
                joint = TailProbability(0.0, None, b, self.paths, 0, "bound", basis=f"at most {why}")
            out[(y, True)] = joint
        return out

    def tail(self, year: int, target: float | None = None, *, route: bool = False) -> TailProbability:
        """One entry of :meth:`tails`."""
        return self.tails((int(year),), target)[(int(year), route)]

    def _combination(
        self, frame: PathFrame, target: float, years: tuple[int, ...], route: bool = False
    ) -> dict[tuple[int, bool], TailProbability | None]:
        cols = self._cols(int(frame.years[0]), int(frame.years[-1]))
        loc = np.array([self.walk[c][0] for c in cols])
        scale = np.array([self.walk[c][1] for c in cols])
        return combination_tail_probabilities(
            frame, target, years, self.weight, loc, scale, seed=self.seed, route=route
        )

    def tail_in(self, year: int, target: float | None = None) -> TailProbability | None:
        """P(the total of ``year`` alone reaches ``target``) estimated efficiently: importance
        sampling on the model's draws, for a combination its tail derived from its definition
        (:meth:`tails`), and for a random walk (weight 0) the walk's closed form, exact;
        ``None`` when the paths are conditioned on the year to date or no weighted path
        reaches the line."""
        tgt = self.target if target is None else check_target(target)
        y = int(year)
        self.probability_by(y, tgt)  # validates the year
        if self.conditioned:
            return None
        if self.weight == 0.0:
            return self._walk_chance(y, tgt)
        frame = PathFrame(self.lineup, self.scenario, y, y, self.uncertainty, int(self.all_years[0]) - 1)
        if self.weight < 1.0:
            return self._combination(frame, tgt, (y,))[(y, False)]
        return tail_probabilities(frame, tgt, (y,), seed=self.seed, route=False)[(y, False)]

    def chance_in(self, year: int, target: float | None = None) -> TailProbability:
        """P(the total of ``year`` alone reaches ``target``) as the worksheet and the Risk sheet
        give it: the closed form of a random-walk headline; otherwise the share of the paths,
        or with fewer than :data:`~alfa_xl.model.risk.tails.MIN_HITS` paths over the line the
        efficient estimate of :meth:`tail_in` (the share when there is none)."""
        tgt = self.target if target is None else check_target(target)
        y = int(year)
        self.probability_by(y, tgt)  # validates the year
        if self.weight == 0.0 and not self.conditioned:
            return self._walk_chance(y, tgt)
        hits = int(np.count_nonzero(self.totals[:, self._cols(y, y)[0]] >= tgt))
        est = mc_probability(hits, self.paths)
        return est if hits >= MIN_HITS else (self.tail_in(y, tgt) or est)

    def _walk_chance(self, year: int, target: float) -> TailProbability:
        """A random-walk headline's own tail in ``year``: exact, standard error 0."""
        loc, scale = self.walk[self._cols(year, year)[0]]
        return TailProbability(walk_tail(target, loc, scale), 0.0, None, 0, 0, "closed form")

    def plan_route_probability(self) -> float:
        """P(every planned model built, on its stated date, at least at its stated peak; the
        models reported cancelled brought back) under the recipe's draws (quadrature, no
        Monte Carlo error)."""
        first = int(self.all_years[0])
        return plan_route_probability(PathFrame(self.lineup, self.scenario, first, first, self.uncertainty, first - 1))

    @property
    def probability_2030(self) -> float:
        """P(``target`` a year reached by 2030)."""
        return self.probability_by(PROBABILITY_YEARS[0])

    @property
    def probability_2035(self) -> float:
        """P(``target`` a year reached by 2035)."""
        return self.probability_by(PROBABILITY_YEARS[1])

    def grid(self) -> list[list[Any]]:
        """Header, one row per year, then the cumulative row labelled ``"first-last"``."""
        t = self.table()
        rows: list[list[Any]] = [["Year", *t.columns[1:]]]
        rows += [[int(r[0]), *map(float, r[1:])] for r in t.itertuples(index=False, name=None)]
        a, b = self.cumulative_years
        rows.append([f"{a}-{b}", *self.cumulative().values()])
        return rows


def forecast(
    lineup: Lineup | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    percentiles: Iterable[float] | float | None = None,
    paths: int = FORECAST_PATHS,
    seed: int | None = DEFAULT_SEED,
    target: float = DEFAULT_TARGET,
    cumulative: tuple[int, int] | None = None,
    ytd: float | None = None,
    ytd_months: int | None = None,
    uncertainty: Uncertainty | None = None,
    method: str | None = None,
    combine: bool | None = None,
) -> Forecast:
    """The calibrated forecast (module docstring).

    Parameters
    ----------
    lineup : Lineup, optional
        Models; the shipped default lineup when omitted.
    start_year, end_year : int, optional
        Years of the table: from the year after the latest actual (2026, the default) to
        2060; end default 2030.
    percentiles : optional
        Percentiles of the table and the cumulative (default 10, 50, 90).
    paths, seed : int
        Monte Carlo paths (default 20,000) and seed.
    target : float
        Units a year of the probabilities (default 400,000).
    cumulative : (int, int), optional
        Span of the cumulative; default the first forecast year through 2030.
    ytd, ytd_months : optional
        Year-to-date worldwide units of the first forecast year and the months they
        cover (1 to 12), both or neither.
    uncertainty : Uncertainty, optional
        Spreads; the calibrated :meth:`Uncertainty.as_of` the first forecast year.
    method : str, optional
        ``model`` (the structural model alone), ``combination`` (with the log random walk
        with drift, at the weight of the rolling backtest), ``rw_drift`` or ``rw`` (a log
        random walk); default the headline of the rolling backtest.
    combine : bool, optional
        Deprecated (version 0.1's name): ``True`` is ``method="combination"``, ``False``
        ``method="model"``; a ``DeprecationWarning`` says so.

    Examples
    --------
    >>> f = forecast(paths=2000)
    >>> list(f.table().columns), f.cumulative_years, 0 <= f.probability_2030 <= f.probability_2035 <= 1
    (['Year', 'P10', 'P50', 'P90'], (2026, 2030), True)
    """
    vintage = Vintage.at(current_year())
    base_year = vintage.last_actual()[0]
    first = base_year + 1
    start = first if start_year is None else start_year
    end = max(DEFAULT_YEAR, first) if end_year is None else end_year
    start, end = check_horizon(start, end)
    if start < first:
        raise HorizonError(
            "start_year",
            start,
            f"give a year from {first} (the year after the latest actual) to {MAX_END}",
            "before the forecast starts",
        )
    ps = check_percentiles(percentiles)
    n, sd, tgt = check_paths(paths), check_seed(seed), check_target(target)
    span = (first, max(DEFAULT_YEAR, first)) if cumulative is None else check_horizon(*cumulative)
    if span[0] < first:
        raise HorizonError("cumulative", span, f"give years from {first} on", "before the forecast starts")
    validation.both_or_neither(ytd, ytd_months, ("ytd", "ytd_months"), YTD_PAIR_FIX, error=HorizonError)
    recipe = calibrated_recipe(vintage, lineup, uncertainty=uncertainty)
    lu, sc, u, factor = recipe.lineup, recipe.scenario, recipe.uncertainty, recipe.anchor_factor
    last = max(end, PROBABILITY_YEARS[1], span[1])
    sim = simulate(lu, sc, first, last, n, sd, u, base_year=base_year, ytd=ytd, ytd_months=ytd_months)
    totals = sim.totals
    if combine is not None:
        new = "combination" if combine else "model"
        warnings.warn(f"forecast(combine=...) is deprecated: use method={new!r}", DeprecationWarning, stacklevel=2)
        method = new if method is None else method
    chosen = headline()
    use = chosen.method if method is None else _method(method)
    weight = chosen.weight_of(use)
    drift = use != "rw"
    walk = random_walk_lognormal(vintage.history(), sim.years - base_year, drift=drift)
    if weight < 1.0:
        skip = 1 if sim.ytd is not None else 0  # a conditioned year keeps the nowcast's band
        totals = combined_paths(totals, sim.years, vintage.history(), weight, skip, drift=drift, seed=sd)
    years = np.arange(start, end + 1)
    years.setflags(write=False)
    all_years = sim.years.copy()
    all_years.setflags(write=False)
    done = sim.ytd
    return Forecast(
        years,
        all_years,
        totals,
        ps,
        (int(span[0]), int(span[1])),
        tgt,
        done is not None,
        None if done is None else done[0],
        None if done is None else done[1],
        sc,
        u,
        lu,
        n,
        sd,
        factor,
        use,
        chosen.text(),
        weight,
        tuple(zip(map(float, walk[0]), map(float, walk[1]))) if weight < 1.0 else (),
    )


def _method(value: str) -> str:
    if value not in CANDIDATES:
        fix = f"give one of {', '.join(CANDIDATES)}, or none for the headline"
        raise AlfaInputError("method", value, fix, "unknown")
    return value


def combined_paths(
    totals: np.ndarray,
    years: np.ndarray,
    history: pd.DataFrame,
    weight: float,
    skip: int = 0,
    *,
    drift: bool = True,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Quantile averaging on paths: in each year, the path of rank ``k`` becomes
    ``weight x`` its value ``+ (1 - weight) x`` the log random walk's quantile
    ``(k + 0.5) / paths`` (:func:`alfa_xl.model.evidence.baselines.random_walk`, with drift
    unless ``drift`` is False), so every year's quantiles are the weighted average of the two
    and paths keep their order (the probabilities over several years keep the model's
    dependence; at weight 0 the paths are the walk's quantiles in the model's order).

    The first ``skip`` years (a year conditioned on the year to date) are left as they are,
    and the walk of the later years starts from the last of them instead of the last actual:
    ``h`` years after it, the walk is that year's total times ``exp(h mu + s sqrt(h) Z)``, Z
    standard normal and independent of it, the two paired as a Latin hypercube (the year's
    sorted totals against the normal's mid-rank quantiles in an order drawn from ``seed``);
    the sorted products take the place of the walk's quantiles.

    >>> h = pd.DataFrame({"year": [2023, 2024, 2025], "units": [100.0, 100.0, 100.0]})
    >>> combined_paths(np.array([[50.0], [150.0]]), np.array([2026]), h, 0.5).ravel().tolist()
    [75.0, 125.0]
    >>> # a flat history (no drift, no spread): after a conditioned year, the walk holds its level
    >>> combined_paths(np.array([[80.0, 70.0], [120.0, 90.0]]), np.array([2026, 2027]), h, 0.0, 1).tolist()
    [[80.0, 80.0], [120.0, 120.0]]
    """
    out = np.array(totals, float, copy=True)
    n = out.shape[0]
    levels = (np.arange(n) + 0.5) / n
    last_year = int(history["year"].max())
    if skip:
        _, mu, sd = walk_parameters(history, drift)
        start = np.sort(out[:, skip - 1])
        z = normal_scores(n)[np.random.default_rng(seed).permutation(n)]
    for j in range(skip, out.shape[1]):
        if skip:
            h = int(years[j]) - int(years[skip - 1])
            rw = np.sort(start * np.exp(h * mu + sd * math.sqrt(h) * z))
        else:
            rw = random_walk(history, [int(years[j]) - last_year], levels, drift=drift)[:, 0]
        order = np.argsort(out[:, j], kind="stable")
        out[order, j] = weight * out[order, j] + (1.0 - weight) * rw
    out.setflags(write=False)
    return out
