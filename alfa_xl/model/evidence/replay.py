"""Backtests: replay the engine on Alfa Romeo's past plans with only what was known then.

A replay at ``as_of`` (the first forecast year) uses the history through ``as_of - 1``,
the calibration of :mod:`alfa_xl.model.evidence.calibration` and :mod:`alfa_xl.model.risk.uncertainty`
on plans and outcomes resolved before ``as_of``, never the plan being replayed (leave one
out), and the lineup a user would have built then (:data:`DECISION_POINTS`, read from
``model/data/decision_points.csv`` and the ``decision_*.csv`` lineups, every row marked
as announced or as known at the time).

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
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import AlfaInputError, HorizonError
from alfa_xl.model.evidence.calibration import late_life_fit, track_record
from alfa_xl.model.engine.lineup import Lineup, lineup_from_table, read_lineup_table, table_frame
from alfa_xl.model.engine.projection import MAX_END, MIN_START, project
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
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
from alfa_xl.model.data.sources import history
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

#: Columns of :attr:`Replay.table`.
TABLE_COLUMNS = ("Year", "Actual", "Point", "P10", "P50", "P90")
#: Horizon buckets of the scores: (label, first horizon, last horizon); horizon 1 = as_of.
BUCKETS = (("1-2y", 1, 2), ("3+y", 3, 10_000), ("all", 1, 10_000))
#: Columns of :attr:`Replay.scores` and :func:`summary`.
SCORE_COLUMNS = ("Horizon", "Cases", "Coverage", "Sharpness", "P50 error", "Point error",
                 "No-change error", "Target-path error", "Interval score")
_CURVE = ("plateau", "decay", "decline_after", "decline_rate")
_ALPHA = 0.2  # the P10-P90 interval


# -- decision points ------------------------------------------------------------------------
def _data(name: str) -> Path:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p:
        return Path(p)


@dataclass(frozen=True)
class DecisionPoint:
    """One shipped past plan: when, what was promised, and the lineup of the time."""

    id: str
    as_of: int
    label: str
    plan_keys: tuple[str, ...]
    target_units: float
    target_year: int
    target_path: tuple[tuple[int, float], ...]
    lineup_file: str
    source: str
    notes: str

    def lineup_frame(self) -> pd.DataFrame:
        """The lineup CSV as text cells (blank curve cells stay blank)."""
        return pd.read_csv(_data(self.lineup_file), dtype=str, keep_default_na=False)

    def lineup(self) -> Lineup:
        """The lineup as a user would have built it then: blank curve cells take the
        late-life fit on the records known before ``as_of``."""
        return _filled_lineup(self.lineup_frame(), self.as_of)


def _filled_lineup(frame: pd.DataFrame, as_of: int) -> Lineup:
    fit = late_life_fit(as_of)
    frame = frame.copy()
    for col in _CURVE:
        if col not in frame.columns:
            frame[col] = ""
        blank = frame[col].astype(str).str.strip() == ""
        frame.loc[blank, col] = str(fit[col])
    return Lineup.from_frame(frame)


def _path(text: str) -> tuple[tuple[int, float], ...]:
    knots = []
    for part in text.split(">"):
        year, units = part.split(":")
        knots.append((int(year), float(units)))
    return tuple(knots)


@lru_cache(maxsize=1)
def _decision_points() -> tuple[DecisionPoint, ...]:
    table = pd.read_csv(_data("decision_points.csv"), dtype=str, keep_default_na=False)
    return tuple(
        DecisionPoint(id=r["id"], as_of=int(r["as_of"]), label=r["label"], plan_keys=tuple(r["plan_keys"].split(";")),
                      target_units=float(r["target_units"]), target_year=int(r["target_year"]),
                      target_path=_path(r["target_path"]), lineup_file=r["lineup_file"], source=r["source"], notes=r["notes"])
        for _, r in table.iterrows()
    )


#: The shipped decision points, oldest first (May 2014, June 2018, the 2022-23 plan).
DECISION_POINTS: tuple[DecisionPoint, ...] = _decision_points()


def decision_point(as_of: int) -> DecisionPoint | None:
    """The shipped decision point whose first forecast year is ``as_of``, if any."""
    return next((d for d in DECISION_POINTS if d.as_of == int(as_of)), None)


# -- what was known then ---------------------------------------------------------------------
def anchor_to_actual(lineup: Lineup, year: int, units: float, base_year: int | None = None) -> tuple[Lineup, float]:
    """Scale the peaks of the models on sale so the lineup reproduces ``units`` in ``year``
    (a user sets the known models to the last actual); returns the lineup and the factor.

    >>> from alfa_xl.model.engine.lineup import Model
    >>> lu, k = anchor_to_actual(Lineup([Model("A", 2020, 10_000, status="on_sale")]), 2021, 12_000)
    >>> round(k, 3), lu["A"].peak_units
    (1.2, 12000.0)
    """
    per_model = project(lineup, "base", year, year, base_year=base_year).units[0].sum(axis=1)
    on_sale = np.array([m.status == "on_sale" for m in lineup.models])
    known = float(per_model[on_sale].sum())
    if known <= 0:
        return lineup, 1.0
    factor = max(0.0, (units - float(per_model[~on_sale].sum())) / known)
    models = [replace(m, peak_units=m.peak_units * factor) if m.status == "on_sale" else m for m in lineup.models]
    return Lineup(models), factor


def as_of_scenario(lineup: Lineup, as_of: int, exclude_plans: tuple[str, ...] = ()) -> Scenario:
    """The ``track_record`` scenario calibrated before ``as_of``: launches delayed by the
    rounded mean slip known then, each planned model's peak times the median realisation
    of built models' peaks (:attr:`~alfa_xl.model.evidence.calibration.TrackRecord.peak_realisation`)."""
    tr = track_record(as_of, tuple(exclude_plans))
    delay = round(tr.mean_slip_years)
    mults = tuple((m.model, tr.realisation(m.launch_year + delay + 1 - as_of)) for m in lineup.models if m.status != "on_sale")
    return Scenario(
        name="track_record", delay_years=delay, peak_multipliers=mults,
        description=f"As past plans ended, known before {as_of}: launches {delay} year(s) late, new-model peaks "
                    f"x{tr.peak_realisation:.2f} (built models' peaks against those assumed), slips and "
                    "cancellations drawn per model",
    )


def _check_as_of(as_of: Any) -> int:
    fix = f"give the first forecast year as a whole year from {MIN_START + 1} to {MAX_END}"
    value = check_number("as_of", as_of, MIN_START + 1, MAX_END, fix)
    if value != int(value):
        raise HorizonError("as_of", as_of, fix, "not a whole year")
    return int(value)


def _target_path(years: np.ndarray, knots: tuple[tuple[int, float], ...]) -> np.ndarray:
    ky = np.array([k[0] for k in knots], float)
    kv = np.log([k[1] for k in knots])
    return np.exp(np.interp(years, ky, kv))  # geometric between knots, held outside


# -- the replay --------------------------------------------------------------------------------
def _mdape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.median(np.abs(forecast - actual) / actual)) if actual.size else math.nan


def _scores(label: str, t: pd.DataFrame) -> tuple[Any, ...]:
    a = t["Actual"].to_numpy(float)
    lo, hi = t["P10"].to_numpy(float), t["P90"].to_numpy(float)
    if a.size == 0:
        return (label, 0, *[math.nan] * 7)
    winkler = (hi - lo) + (2 / _ALPHA) * np.maximum(0.0, lo - a) + (2 / _ALPHA) * np.maximum(0.0, a - hi)
    return (label, int(a.size), float(np.mean((lo <= a) & (a <= hi))), float(np.median(hi / lo)),
            _mdape(t["P50"].to_numpy(float), a), _mdape(t["Point"].to_numpy(float), a),
            _mdape(t["No change"].to_numpy(float), a), _mdape(t["Target path"].to_numpy(float), a),
            float(np.mean(winkler / a)))


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


def _resolve_lineup(lineup: Lineup | str | Path | None, as_of: int, point: DecisionPoint | None) -> Lineup:
    if lineup is None:
        if point is None:
            shipped = ", ".join(str(d.as_of) for d in DECISION_POINTS)
            raise AlfaInputError("lineup", None, f"give a lineup (a Lineup or a CSV file) for this as_of, or use a "
                                 f"shipped decision point ({shipped})", f"no shipped decision point for {as_of}")
        return point.lineup()
    if isinstance(lineup, Lineup):
        return lineup
    if isinstance(lineup, (str, Path)):
        table = read_lineup_table(lineup)
        lineup_from_table(table, Path(lineup).name)  # each model's errors, with its line, before the gaps are filled
        return _filled_lineup(table_frame(table), as_of)
    raise AlfaInputError("lineup", lineup, "give a Lineup or the path of a lineup CSV file", "wrong type")


def replay(
    as_of: int,
    lineup: Lineup | str | Path | None = None,
    *,
    scenario: Scenario | str = "track_record",
    target: float | None = None,
    target_year: int | None = None,
    paths: int = BACKTEST_PATHS,
    seed: int | None = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Replay:
    """Replay the engine at ``as_of`` with only what was known then.

    Parameters
    ----------
    as_of : int
        First forecast year (history through ``as_of - 1``).
    lineup : Lineup or path, optional
        The lineup of the time; the shipped decision point's for that year when omitted.
        A CSV's blank curve cells take the late-life fit known before ``as_of``. Models on
        sale are scaled to the last actual (:func:`anchor_to_actual`).
    scenario : Scenario or str
        ``"track_record"`` (default): calibrated before ``as_of`` (:func:`as_of_scenario`);
        any other scenario is used as given.
    target, target_year : optional
        The promise for the target-path benchmark (geometric from the last actual to the
        target, held after); the shipped decision point's path when omitted, none (NaN)
        when there is no decision point. A shipped decision point's plan is always left
        out of the calibration, whatever lineup is given.
    paths, seed : int
        Monte Carlo paths (default 20,000) and seed.
    uncertainty : Uncertainty, optional
        Spreads; :meth:`Uncertainty.as_of` (``as_of``, leaving out the replayed plan).
    progress : callable, optional
        Called as ``progress(done_paths, total_paths)`` as the simulation goes.

    Examples
    --------
    >>> r = replay(2018, paths=2000)
    >>> list(r.table.columns), int(r.table["Year"].iloc[0])
    (['Year', 'Actual', 'Point', 'P10', 'P50', 'P90'], 2018)
    """
    as_of = _check_as_of(as_of)
    n, seed = check_paths(paths), check_seed(seed)
    point = decision_point(as_of)
    exclude = point.plan_keys if point is not None else ()
    hist = history()
    known = hist[hist["year"] < as_of]
    if known.empty:
        raise HorizonError("as_of", as_of, f"give a year after the first history year ({int(hist['year'].min())})", "no history before it")
    last = (int(known["year"].iloc[-1]), float(known["units"].iloc[-1]))
    base_year = as_of - 1
    lu = _resolve_lineup(lineup, as_of, point)
    lu, factor = anchor_to_actual(lu, last[0], last[1], base_year)
    sc = as_of_scenario(lu, as_of, exclude) if isinstance(scenario, str) and scenario.strip().lower().replace("-", "_") == "track_record" else get_scenario(scenario)
    u = Uncertainty.as_of(as_of, exclude) if uncertainty is None else uncertainty
    knots: tuple[tuple[int, float], ...] = ()
    t_year = as_of
    if validation.both_or_neither(target, target_year, ("target", "target_year"),
                                  "give both target and target_year, or neither"):
        t_units = check_target(target)
        fix = f"give a whole year from {as_of} to {MAX_END}"
        t_year = int(check_number("target_year", target_year, as_of, MAX_END, fix))
        knots = ((last[0], last[1]), (t_year, t_units))
    elif point is not None:
        knots, t_year = point.target_path, point.target_year
    end = max(int(hist["year"].max()), t_year)
    sim = simulate(lu, sc, as_of, end, n, seed, u, base_year=base_year, progress=progress)
    pct = np.percentile(sim.totals, DEFAULT_PERCENTILES, axis=0)  # P10, P50, P90
    years = sim.years
    actual = hist.set_index("year")["units"].astype(float).reindex(years)
    frame = pd.DataFrame({
        "Year": years, "Horizon": years - as_of + 1, "Actual": actual.to_numpy(),
        "Point": sim.deterministic, "P10": pct[0], "P50": pct[1], "P90": pct[2],
        "No change": np.full(len(years), last[1]),
        "Target path": _target_path(years.astype(float), knots) if knots else np.full(len(years), np.nan),
    })
    label = point.label if point is not None else f"Replay from {as_of}"
    return Replay(as_of, label, lu, sc, u, n, seed, last, factor, frame)


def replay_all(paths: int = BACKTEST_PATHS, seed: int | None = DEFAULT_SEED, scenario: Scenario | str = "track_record") -> list[Replay]:
    """A replay of every shipped decision point (leave-one-out)."""
    return [replay(d.as_of, scenario=scenario, paths=paths, seed=seed) for d in DECISION_POINTS]


def summary(replays: Iterable[Replay]) -> pd.DataFrame:
    """Scores pooled over the replays' years, by horizon bucket (:data:`SCORE_COLUMNS`)."""
    frames = [r.cases() for r in replays]
    if not frames:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    return _score_frame(pd.concat(frames, ignore_index=True))
