"""Backtests: replay the engine on Alfa Romeo's past with only what was known then.

A replay at ``as_of`` (the first forecast year) runs :func:`~alfa_xl.model.evidence.recipe.calibrated_recipe`
on :class:`~alfa_xl.model.data.vintage.Vintage` ``(as_of)``: the history, plans,
outcomes and late-life records dated before the origin, and the lineup a user would have
built then (a shipped decision point's, :data:`DECISION_POINTS`, or the dated
``lineup_events.csv``). A shipped decision point's plan is also left out of the
calibration (leave one out). :mod:`alfa_xl.model.evidence.rolling` runs it at every origin.

It scores the fan against what happened, year by year, next to two naive benchmarks
measured the same way: **no change** from the last actual, and the company's own
**target path** (the plan's figures, geometric between them, held after the last).

Scores (over the years with an actual)
--------------------------------------
* ``coverage``: share of years whose actual lies in [P10, P90] (80% if calibrated);
* ``sharpness``: median of P90 / P10;
* ``p50_error``, ``point_error``, ``no_change_error``, ``target_error``: median absolute
  percentage error, ``median(|forecast - actual| / actual)``;
* ``interval_score``: mean Winkler score of the 80% interval relative to the actual,
  ``[(U - L) + (2 / 0.2) (L - A)^+ + (2 / 0.2) (A - U)^+] / A`` (lower is better).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import HorizonError
from alfa_xl.model.data.vintage import DecisionPoint, Vintage, current_year, decision_points
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import MAX_END, MIN_START
from alfa_xl.model.engine.scenarios import Scenario
from alfa_xl.model.evidence.baselines import target_path
from alfa_xl.model.evidence.recipe import CALIBRATED, anchor_to_actual, as_of_scenario, calibrated_recipe
from alfa_xl.model.risk.settings import (
    BACKTEST_PATHS,
    DEFAULT_PERCENTILES,
    DEFAULT_SEED,
    check_number,
    check_paths,
    check_seed,
    check_target,
)
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = [
    "DecisionPoint",
    "DECISION_POINTS",
    "Replay",
    "replay",
    "replay_all",
    "summary",
    "decision_point",
    "anchor_to_actual",
    "as_of_scenario",
    "TABLE_COLUMNS",
    "SCORE_COLUMNS",
    "BUCKETS",
]

#: Horizons every replay covers (1 = ``as_of``), whether or not an actual exists yet.
MAX_HORIZON = 5
#: Columns of :attr:`Replay.table`.
TABLE_COLUMNS = ("Year", "Actual", "Point", "P10", "P50", "P90")
#: Horizon buckets of the scores: (label, first horizon, last horizon); horizon 1 = as_of.
BUCKETS = (("1-2y", 1, 2), ("3+y", 3, 10_000), ("all", 1, 10_000))
#: Columns of :attr:`Replay.scores` and :func:`summary`.
SCORE_COLUMNS = (
    "Horizon",
    "Cases",
    "Coverage",
    "Sharpness",
    "P50 error",
    "Point error",
    "No-change error",
    "Target-path error",
    "Interval score",
)
_ALPHA = 0.2  # the P10-P90 interval


# -- decision points ------------------------------------------------------------------------
#: The shipped decision points, oldest first (May 2014, June 2018, the 2022-23 plan).
DECISION_POINTS: tuple[DecisionPoint, ...] = decision_points()


def decision_point(as_of: int) -> DecisionPoint | None:
    """The shipped decision point whose first forecast year is ``as_of``, if any."""
    return next((d for d in DECISION_POINTS if d.as_of == int(as_of)), None)


def _check_as_of(as_of: Any) -> int:
    fix = f"give the first forecast year as a whole year from {MIN_START + 1} to {MAX_END}"
    value = check_number("as_of", as_of, MIN_START + 1, MAX_END, fix)
    if value != int(value):
        raise HorizonError("as_of", as_of, fix, "not a whole year")
    return int(value)


# -- the replay --------------------------------------------------------------------------------
def _mdape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.median(np.abs(forecast - actual) / actual)) if actual.size else math.nan


def _scores(label: str, t: pd.DataFrame) -> tuple[Any, ...]:
    a = t["Actual"].to_numpy(float)
    lo, hi = t["P10"].to_numpy(float), t["P90"].to_numpy(float)
    if a.size == 0:
        return (label, 0, *[math.nan] * 7)
    winkler = (hi - lo) + (2 / _ALPHA) * np.maximum(0.0, lo - a) + (2 / _ALPHA) * np.maximum(0.0, a - hi)
    return (
        label,
        int(a.size),
        float(np.mean((lo <= a) & (a <= hi))),
        float(np.median(hi / lo)),
        _mdape(t["P50"].to_numpy(float), a),
        _mdape(t["Point"].to_numpy(float), a),
        _mdape(t["No change"].to_numpy(float), a),
        _mdape(t["Target path"].to_numpy(float), a),
        float(np.mean(winkler / a)),
    )


def _score_frame(t: pd.DataFrame) -> pd.DataFrame:
    scored = t[t["Actual"].notna()]
    rows = [_scores(label, scored[(scored["Horizon"] >= lo) & (scored["Horizon"] <= hi)]) for label, lo, hi in BUCKETS]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


@dataclass(frozen=True)
class Replay:
    """Read-only result of :func:`replay`.

    ``table`` (a copy each time) has :data:`TABLE_COLUMNS`: ``Actual`` is empty (NaN)
    where no actual is known, ``Point`` is the scenario without uncertainty, ``P10``,
    ``P50`` and ``P90`` the fan. ``benchmarks`` has ``Year``, ``Horizon``, ``No change``
    and ``Target path``; ``scores`` one row per horizon bucket (:data:`SCORE_COLUMNS`).
    The attributes ``coverage``, ``sharpness``, ``p50_error``, ``point_error``,
    ``no_change_error``, ``target_error`` and ``interval_score`` are over every scored year.
    """

    as_of: int
    label: str
    lineup: Lineup
    scenario: Scenario
    uncertainty: Uncertainty
    paths: int
    seed: int
    last_actual: tuple[int, float]
    anchor_factor: float
    _frame: pd.DataFrame = field(repr=False)

    @property
    def table(self) -> pd.DataFrame:
        return self._frame[list(TABLE_COLUMNS)].copy()

    @property
    def benchmarks(self) -> pd.DataFrame:
        return self._frame[["Year", "Horizon", "No change", "Target path"]].copy()

    def cases(self) -> pd.DataFrame:
        """Every column, horizons included (one row per year)."""
        return self._frame.copy()

    @property
    def scores(self) -> pd.DataFrame:
        return _score_frame(self._frame)

    def _all(self, column: str) -> float:
        return float(self.scores.set_index("Horizon").loc["all", column])

    @property
    def coverage(self) -> float:
        return self._all("Coverage")

    @property
    def sharpness(self) -> float:
        return self._all("Sharpness")

    @property
    def p50_error(self) -> float:
        return self._all("P50 error")

    @property
    def point_error(self) -> float:
        return self._all("Point error")

    @property
    def no_change_error(self) -> float:
        return self._all("No-change error")

    @property
    def target_error(self) -> float:
        return self._all("Target-path error")

    @property
    def interval_score(self) -> float:
        return self._all("Interval score")


def replay(
    as_of: int | Vintage,
    lineup: Lineup | str | Path | None = None,
    *,
    scenario: Scenario | str = CALIBRATED,
    target: float | None = None,
    target_year: int | None = None,
    paths: int = BACKTEST_PATHS,
    seed: int | None = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
    end_year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Replay:
    """Replay the engine at ``as_of`` with only what was known then.

    Parameters
    ----------
    as_of : int or Vintage
        First forecast year (history known at its origin), or the vintage itself.
    lineup : Lineup or path, optional
        The lineup of the time; the vintage's (:meth:`Vintage.lineup_frame`) when omitted.
        A CSV's blank curve cells take the late-life fit known then, as in the CLI. Models
        on sale are scaled to the last actual (:func:`anchor_to_actual`).
    scenario : Scenario or str
        ``"track_record"`` in any spelling :func:`~alfa_xl.model.engine.scenarios.get_scenario`
        accepts (default): calibrated at the origin; any other scenario is used as given.
    target, target_year : optional
        The promise for the target-path benchmark (geometric from the last actual to the
        target, held after); the company's target path known then when omitted
        (:meth:`Vintage.target_knots`), none (NaN) without one. A shipped decision
        point's plan is always left out of the calibration, whatever lineup is given.
    paths, seed : int
        Monte Carlo paths (default 20,000) and seed.
    uncertainty : Uncertainty, optional
        Spreads; :meth:`Uncertainty.as_of` (the vintage, leaving out the replayed plan).
    end_year : int, optional
        Last year of the table; default the later of the latest shipped actual, the
        target year and horizon 5 (the rolling backtest stops at horizon 5).
    progress : callable, optional
        Called as ``progress(done_paths, total_paths)`` as the simulation goes.

    Examples
    --------
    >>> r = replay(2018, paths=2000)
    >>> list(r.table.columns), int(r.table["Year"].iloc[0])
    (['Year', 'Actual', 'Point', 'P10', 'P50', 'P90'], 2018)
    """
    vintage = as_of if isinstance(as_of, Vintage) else Vintage.at(_check_as_of(as_of))
    as_of = vintage.as_of
    n, seed = check_paths(paths), check_seed(seed)
    point = vintage.decision_point()
    exclude = point.plan_keys if point is not None else ()
    if vintage.history().empty:
        first = int(Vintage.everything(vintage.data_dir).history()["year"].min())
        raise HorizonError(
            "as_of", as_of, f"give a year after the first history year ({first})", "no history before it"
        )
    recipe = calibrated_recipe(vintage, lineup, scenario=scenario, uncertainty=uncertainty, exclude_plans=exclude)
    last = recipe.last_actual
    knots: tuple[tuple[int, float], ...] = ()
    t_year = as_of
    if validation.both_or_neither(
        target, target_year, ("target", "target_year"), "give both target and target_year, or neither"
    ):
        t_units = check_target(target)
        fix = f"give a whole year from {as_of} to {MAX_END}"
        t_year = int(check_number("target_year", target_year, as_of, MAX_END, fix))
        knots = ((last[0], last[1]), (t_year, t_units))
    else:
        knots = vintage.target_knots()
        t_year = max([as_of, *(k[0] for k in knots)])
    hist = Vintage.everything(vintage.data_dir).history()  # the actuals the replay is scored on
    end = max(current_year() - 1, t_year, as_of + MAX_HORIZON - 1)  # through the latest shipped actual
    if end_year is not None:
        end = int(check_number("end_year", end_year, as_of, MAX_END, f"give a whole year from {as_of} to {MAX_END}"))
    sim = simulate(
        recipe.lineup, recipe.scenario, as_of, end, n, seed, recipe.uncertainty, base_year=last[0], progress=progress
    )
    pct = np.percentile(sim.totals, DEFAULT_PERCENTILES, axis=0)  # P10, P50, P90
    years = sim.years
    actual = hist.set_index("year")["units"].astype(float).reindex(years)
    frame = pd.DataFrame(
        {
            "Year": years,
            "Horizon": years - as_of + 1,
            "Actual": actual.to_numpy(),
            "Point": sim.deterministic,
            "P10": pct[0],
            "P50": pct[1],
            "P90": pct[2],
            "No change": np.full(len(years), last[1]),
            "Target path": target_path(years.astype(float), knots),
        }
    )
    label = point.label if point is not None else f"Replay from {as_of}"
    return Replay(
        as_of, label, recipe.lineup, recipe.scenario, recipe.uncertainty, n, seed, last, recipe.anchor_factor, frame
    )


def replay_all(
    paths: int = BACKTEST_PATHS, seed: int | None = DEFAULT_SEED, scenario: Scenario | str = "track_record"
) -> list[Replay]:
    """A replay of every shipped decision point (leave-one-out)."""
    return [replay(d.as_of, scenario=scenario, paths=paths, seed=seed) for d in DECISION_POINTS]


def summary(replays: Iterable[Replay]) -> pd.DataFrame:
    """Scores pooled over the replays' years, by horizon bucket (:data:`SCORE_COLUMNS`)."""
    frames = [r.cases() for r in replays]
    if not frames:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    return _score_frame(pd.concat(frames, ignore_index=True))
