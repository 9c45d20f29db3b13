"""Rolling-origin backtest (Hyndman and Athanasopoulos, "evaluation on a rolling forecasting
origin"): the calibrated recipe at every origin the data supports, next to naive
forecasters measured the same way, and the combination chosen without look-ahead.

Origins
-------
Every year whose previous year has an actual in ``history.csv`` and with at least one
actual among its horizons 1 to 5: 2010, 2011, 2014 to 2025 (2011 and 2012 have no sales
figure in any source, only production, which is not mixed in; 2003 has no actual among
its horizons). At each origin the replay (:func:`~alfa_xl.model.evidence.replay.replay`)
reads :class:`~alfa_xl.model.data.vintage.Vintage` ``(as_of)`` only; the three shipped
decision points are the origins 2014, 2018 and 2023.

Methods
-------
``model`` (the structural Monte Carlo), ``no_change``, ``rw``, ``rw_drift`` and
``target_path`` (:mod:`alfa_xl.model.evidence.baselines`), and ``combination``: quantile
averaging ``w Q_model + (1 - w) Q_rw_drift`` at P10, P50 and P90. The weight ``w`` of an
origin is the one of 0, 0.1, ..., 1 with the lowest mean pinball loss over the cases of
earlier origins whose actual was known before it (year before the origin); with fewer
than :data:`MIN_CASES` such cases it is the stated default :data:`DEFAULT_WEIGHT` (equal
weights).

Headline
--------
The forecast of today is the one of :data:`CANDIDATES` (the model, the combination and the
two random walks: the forecasts with a band) with the lowest mean pinball loss over every
scored case, each as its origin forecast it (all of them before today); the combination's
weight of today is chosen the same way on every case: :func:`headline` (shipped in
``headline.csv`` so the forecast needs no backtest; a test recomputes it). The choice itself
is scored without look-ahead too: made at each origin on the cases known then.

Track record tables
-------------------
The workbook's Track record sheet shows these scores, the headline and the replays of the
shipped decision points (:func:`track_tables`). They depend on the shipped data and the
code only, so they are computed at release and shipped in ``track_record.json``
(:func:`shipped_track_tables`); a test recomputes them. ``python -m
alfa_xl.model.evidence.rolling`` regenerates both files (docs/workbook.md).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl.model.data.sources import data_path, read_table
from alfa_xl.model.data.vintage import Vintage, current_year
from alfa_xl.model.evidence import scores as sc
from alfa_xl.model.evidence.baselines import NAIVE, no_change, random_walk, target_path
from alfa_xl.model.evidence.replay import MAX_HORIZON, Replay, replay, replay_all, summary
from alfa_xl.model.evidence.track_file import TrackTable, read_tables, write_tables
from alfa_xl.model.risk.settings import BACKTEST_PATHS, DEFAULT_SEED

__all__ = [
    "rolling_origins",
    "RollingPoint",
    "Rolling",
    "rolling",
    "choose_weight",
    "combine_quantiles",
    "headline",
    "Headline",
    "CANDIDATES",
    "CANDIDATE_NAMES",
    "DEFAULT_CHOICE",
    "margin_standard_error",
    "goals_text",
    "GOAL_INTERVAL_GAIN",
    "GOAL_COVERAGE",
    "METHODS",
    "BANDS",
    "SCORE_COLUMNS",
    "DEFAULT_WEIGHT",
    "MIN_CASES",
    "WEIGHTS",
    "POINT_COLUMNS",
    "TrackTable",
    "track_tables",
    "shipped_track_tables",
    "shipped_track_settings",
    "write_track_tables",
    "regenerate",
    "REGENERATE",
]

#: Every method scored, the product first.
METHODS = ("model", "combination", "no_change", "rw", "rw_drift", "target_path")
#: Horizon bands of the scores: (label, first, last).
BANDS = (("1-2", 1, 2), ("3-5", 3, 5), ("1-5", 1, 5))
#: Columns of :attr:`Rolling.scores`.
SCORE_COLUMNS = (
    "Method",
    "Band",
    "Cases",
    "Coverage",
    "Interval score",
    "Pinball",
    "P50 error",
    "Interval skill",
    "Pinball skill",
    "P50 skill",
)
#: ASSUMPTION (stated default): equal weights until enough cases are known.
DEFAULT_WEIGHT = 0.5
#: Fewest earlier cases with a known actual before a weight is estimated.
MIN_CASES = 3
#: The weights tried (model's share).
WEIGHTS = tuple(round(w, 1) for w in np.arange(0, 1.01, 0.1))
_Q = ("P10", "P50", "P90")


def rolling_origins() -> tuple[int, ...]:
    """The origins (module docstring), from the shipped history.

    >>> rolling_origins()
    (2010, 2011, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025)
    """
    years = set(pd.to_numeric(read_table("history.csv")["year"]).astype(int))
    return tuple(
        y
        for y in range(min(years) + 1, current_year())
        if y - 1 in years and any(y + k in years for k in range(MAX_HORIZON))
    )


def combine_quantiles(model: np.ndarray, other: np.ndarray, weight: float) -> np.ndarray:
    """Quantile averaging: ``weight * model + (1 - weight) * other``, quantile by quantile.

    >>> combine_quantiles(np.array([10.0, 20.0]), np.array([30.0, 40.0]), 0.25).tolist()
    [25.0, 35.0]
    """
    return weight * np.asarray(model, float) + (1.0 - weight) * np.asarray(other, float)


def _pinball_of(frame: pd.DataFrame, q: np.ndarray) -> float:
    return sc.pinball(frame["Actual"], q[:, 0], q[:, 1], q[:, 2])


def choose_weight(cases: pd.DataFrame) -> tuple[float, int]:
    """The model's weight with the lowest mean pinball loss over ``cases`` (columns
    ``Actual``, ``model P10``... and ``rw_drift P10``...), and the number of cases; the
    default with fewer than :data:`MIN_CASES`."""
    cases = cases[cases["Actual"].notna()]
    if len(cases) < MIN_CASES:
        return DEFAULT_WEIGHT, len(cases)
    m = cases[[f"model {q}" for q in _Q]].to_numpy(float)
    r = cases[[f"rw_drift {q}" for q in _Q]].to_numpy(float)
    losses = [_pinball_of(cases, combine_quantiles(m, r, w)) for w in WEIGHTS]
    return float(WEIGHTS[int(np.argmin(losses))]), len(cases)


@dataclass(frozen=True)
class RollingPoint:
    """One origin: the replay, the baselines and the combination, year by year."""

    as_of: int
    replay: Replay
    weight: float
    weight_cases: int
    frame: pd.DataFrame

    def table(self, method: str = "model") -> pd.DataFrame:
        """``Year``, ``Horizon``, ``Actual``, ``P10``, ``P50``, ``P90`` of one method."""
        cols = {f"{method} {q}": q for q in _Q}
        return self.frame[["Year", "Horizon", "Actual", *cols]].rename(columns=cols)


@dataclass(frozen=True)
class Rolling:
    """Read-only result of :func:`rolling`."""

    points: tuple[RollingPoint, ...]
    paths: int
    seed: int

    def cases(self) -> pd.DataFrame:
        """Every origin's years, one row each: ``as_of``, ``Year``, ``Horizon``, ``Actual``
        and ``<method> P10`` ... for every method."""
        return pd.concat([p.frame.assign(as_of=p.as_of) for p in self.points], ignore_index=True)

    @property
    def scores(self) -> pd.DataFrame:
        """Scores by method and band (:data:`SCORE_COLUMNS`); skills against the best naive
        forecaster (:data:`~alfa_xl.model.evidence.baselines.NAIVE`) of the band."""
        return score_table(self.cases())


def _score_row(t: pd.DataFrame, method: str) -> tuple[int, float, float, float, float]:
    t = t[t[f"{method} P50"].notna()]
    if t.empty:
        return 0, np.nan, np.nan, np.nan, np.nan
    a = t["Actual"]
    lo, mid, hi = (t[f"{method} {q}"] for q in _Q)
    return (
        len(t),
        sc.coverage(a, lo, hi),
        sc.interval_score(a, lo, hi),
        sc.pinball(a, lo, mid, hi),
        sc.p50_error(a, mid),
    )


def score_table(cases: pd.DataFrame) -> pd.DataFrame:
    """:attr:`Rolling.scores` of a frame of cases."""
    scored = cases[cases["Actual"].notna()]
    rows = []
    for band, lo, hi in BANDS:
        t = scored[(scored["Horizon"] >= lo) & (scored["Horizon"] <= hi)]
        raw = {m: _score_row(t, m) for m in METHODS}
        best = [min(raw[m][k] for m in NAIVE) for k in (2, 3, 4)]
        for m in METHODS:
            n, cov, isc, pin, ape = raw[m]
            rows.append(
                (m, band, n, cov, isc, pin, ape, sc.skill(isc, best[0]), sc.skill(pin, best[1]), sc.skill(ape, best[2]))
            )
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def _point_frame(r: Replay) -> pd.DataFrame:
    v = Vintage.at(r.as_of)
    hist = v.history()
    t = r.cases()
    t = t[t["Horizon"] <= MAX_HORIZON].reset_index(drop=True)
    h = t["Horizon"].to_numpy(int)  # the last actual is as_of - 1: h years ahead
    out = t[["Year", "Horizon", "Actual"]].copy()
    methods = {
        "model": t[list(_Q)].to_numpy(float).T,
        "no_change": no_change(hist, h),
        "rw": random_walk(hist, h),
        "rw_drift": random_walk(hist, h, drift=True),
    }
    path = target_path(t["Year"].to_numpy(float), v.target_knots())
    methods["target_path"] = np.vstack([path, path, path])
    for m, q in methods.items():
        for i, name in enumerate(_Q):
            out[f"{m} {name}"] = q[i]
    return out


def rolling(
    paths: int = 20_000,
    seed: int | None = DEFAULT_SEED,
    origins: tuple[int, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Rolling:
    """The recipe at every origin with the baselines and the combination (module docstring).
    ``progress(done, total)`` is called as paths are simulated, over all origins.

    >>> r = rolling(paths=500, origins=(2023, 2024))
    >>> [p.as_of for p in r.points], r.points[0].weight
    ([2023, 2024], 0.5)
    """
    points: list[RollingPoint] = []
    seen: list[pd.DataFrame] = []
    years = rolling_origins() if origins is None else tuple(origins)
    for i, y in enumerate(years):
        step = None if progress is None else (lambda done, n, i=i: progress(i * n + done, n * len(years)))
        rep = replay(y, paths=paths, seed=seed, end_year=y + MAX_HORIZON - 1, progress=step)
        frame = _point_frame(rep)
        known = pd.concat(seen, ignore_index=True) if seen else frame.iloc[0:0]
        weight, n = choose_weight(known[known["Year"] < y])
        m = frame[[f"model {q}" for q in _Q]].to_numpy(float)
        r = frame[[f"rw_drift {q}" for q in _Q]].to_numpy(float)
        comb = combine_quantiles(m, r, weight)
        for i, q in enumerate(_Q):
            frame[f"combination {q}"] = comb[:, i]
        frame = frame[["Year", "Horizon", "Actual", *[f"{m_} {q}" for m_ in METHODS for q in _Q]]]
        points.append(RollingPoint(y, rep, weight, n, frame))
        seen.append(frame)
    return Rolling(tuple(points), rep.paths if points else paths, rep.seed if points else DEFAULT_SEED)


# -- the goals -----------------------------------------------------------------------------------
#: The goals of the rolling backtest (issue 14), in both bands: interval score at least this
#: much better than the random walk with drift, coverage in this range, P50 error below no
#: change and the random walk with drift.
GOAL_INTERVAL_GAIN = 0.10
GOAL_COVERAGE = (0.70, 0.90)


def goals_text(scores: pd.DataFrame, method: str = "model") -> str:
    """The goals met and missed by ``method``, band by band, with the numbers (no verdict
    is softened: a miss says by how much)."""
    t = scores.set_index(["Method", "Band"])
    parts = []
    for band in ("1-2", "3-5"):
        m, rwd, nc = t.loc[(method, band)], t.loc[("rw_drift", band)], t.loc[("no_change", band)]
        gain = 1.0 - m["Interval score"] / rwd["Interval score"]
        ok_i = gain >= GOAL_INTERVAL_GAIN
        ok_c = GOAL_COVERAGE[0] <= m["Coverage"] <= GOAL_COVERAGE[1]
        ok_p = m["P50 error"] < min(nc["P50 error"], rwd["P50 error"])
        verdict = (
            "all met"
            if ok_i and ok_c and ok_p
            else "missed: "
            + ", ".join(w for w, ok in (("interval score", ok_i), ("coverage", ok_c), ("P50 error", ok_p)) if not ok)
        )
        parts.append(
            f"{band} years {verdict} (interval score {m['Interval score']:.2f} against "
            f"{rwd['Interval score']:.2f} for the random walk with drift, {gain:+.0%}, goal +{GOAL_INTERVAL_GAIN:.0%}; "
            f"coverage {m['Coverage']:.0%}, goal {GOAL_COVERAGE[0]:.0%}-{GOAL_COVERAGE[1]:.0%}; P50 error "
            f"{m['P50 error']:.1%} against {nc['P50 error']:.1%} for no change and {rwd['P50 error']:.1%} for the "
            "random walk with drift)"
        )
    return f"{method}: " + "; ".join(parts) + "."


# -- the headline ------------------------------------------------------------------------------
#: The forecasts that can be the headline, in the order ties are broken: each gives a band in
#: every year and paths for the probabilities. ``no_change`` and ``target_path`` are points
#: (no band, no probability), so they are scored but cannot be the headline.
CANDIDATES = ("model", "combination", "rw_drift", "rw")
#: What each candidate is called in the headline's line.
CANDIDATE_NAMES = {
    "model": "the structural model alone",
    "combination": "the combination of the structural model and a log random walk with drift",
    "rw_drift": "a log random walk with drift",
    "rw": "a log random walk",
}
#: The same, in the list of the others.
SHORT_NAMES = {
    "model": "the structural model alone",
    "combination": "the combination (weights chosen origin by origin)",
    "rw_drift": "the random walk with drift",
    "rw": "the random walk without drift",
}
#: ASSUMPTION (no evidence either way): the headline an origin would have chosen with fewer than
#: :data:`MIN_CASES` earlier cases: the combination, itself at equal weights then.
DEFAULT_CHOICE = "combination"


@dataclass(frozen=True)
class Headline:
    """Which forecast is the headline, with the evidence (module docstring).

    ``method`` is one of :data:`CANDIDATES`; ``weight`` the model's share in the combination
    chosen on every scored case; ``pinball`` the mean pinball loss of each candidate over the
    rolling origins (horizons 1-5), as each origin forecast it, in the order of
    :data:`CANDIDATES`; ``cases`` how many; ``paths`` / ``seed`` the backtest's settings.
    ``pinball_then`` is the score of the choice itself made without look-ahead: at each origin,
    the candidate with the lowest pinball loss on the cases known before it. ``margin_se`` is
    the standard error of the headline's lead over the runner-up (the mean of their case-by-case
    differences), clustered by origin (:func:`margin_standard_error`).
    """

    method: str
    weight: float
    pinball: tuple[float, ...]
    cases: int
    paths: int
    seed: int
    pinball_then: float
    margin_se: float

    def score(self, method: str) -> float:
        """The mean pinball loss of one candidate."""
        return self.pinball[CANDIDATES.index(method)]

    def weight_of(self, method: str) -> float:
        """The structural model's weight in ``method``'s forecast: 1 for the model alone, the
        combination's weight chosen on every scored case, 0 for a random walk."""
        return {"model": 1.0, "combination": float(self.weight)}.get(method, 0.0)

    @property
    def model_weight(self) -> float:
        """The structural model's weight in the headline (:meth:`weight_of`)."""
        return self.weight_of(self.method)

    @property
    def runner_up(self) -> str:
        """The candidate with the next lowest pinball loss."""
        return sorted((m for m in CANDIDATES if m != self.method), key=self.score)[0]

    @property
    def improvement(self) -> float:
        """Relative gain of the headline's pinball loss over the runner-up's (>= 0)."""
        best, second = self.score(self.method), self.score(self.runner_up)
        return float(1.0 - best / second) if second > 0 else 0.0

    def text(self) -> str:
        """The headline's line for the outlook, the Track record sheet and the README (the Cover names it)."""
        what = CANDIDATE_NAMES[self.method]
        if self.method == "combination":
            what += f" (model weight {self.weight:.1f})"
        rest = sorted((m for m in CANDIDATES if m != self.method), key=self.score)
        others = ", ".join(f"{SHORT_NAMES[m]} {self.score(m):.3f}" for m in rest[1:])
        lineup = (
            " Its yearly bands ignore the lineup, which orders its paths (cumulative, probabilities) and drives"
            " the bridge and the scenarios."
            if self.model_weight == 0
            else ""
        )
        lead = self.score(rest[0]) - self.score(self.method)
        told = "told apart" if lead > 2 * self.margin_se else "not told apart"
        return (
            f"Headline: {what}: lowest mean pinball loss over {self.cases} rolling-origin cases, "
            f"{self.score(self.method):.3f}, {self.improvement:.0%} better than {SHORT_NAMES[rest[0]]} "
            f"({self.score(rest[0]):.3f}; lead {lead:.4f}, standard error {self.margin_se:.4f} clustered by origin: "
            f"{told}); {others}. Chosen this way at each origin on earlier cases only, "
            f"the headline scored {self.pinball_then:.3f}.{lineup}"
        )


def _choices(cases: pd.DataFrame) -> dict[int, str]:
    """The candidate each origin would have chosen: the lowest mean pinball loss over the cases of
    earlier origins whose actual was known before it; :data:`DEFAULT_CHOICE` with too few."""
    out = {}
    for origin in sorted(set(cases["as_of"])):
        known = cases[(cases["as_of"] < origin) & (cases["Year"] < origin)]
        if len(known) < MIN_CASES:
            out[int(origin)] = DEFAULT_CHOICE
            continue
        losses = [_pinball_of(known, known[[f"{m} {q}" for q in _Q]].to_numpy(float)) for m in CANDIDATES]
        out[int(origin)] = CANDIDATES[int(np.argmin(losses))]
    return out


def margin_standard_error(cases: pd.DataFrame, first: str, second: str) -> float:
    """Standard error of the mean of ``second``'s pinball loss minus ``first``'s over ``cases``,
    clustered by origin (the years of one origin share its errors): with ``D_o`` the sum of the
    differences at origin ``o``, ``n_o`` its cases, ``N`` all cases, ``G`` origins and ``d`` the
    mean, ``sqrt(G / (G - 1) * sum((D_o - n_o d)^2)) / N``; NaN with fewer than two origins."""
    sums, sizes = [], []
    for _, t in cases.groupby("as_of"):
        a = _pinball_of(t, t[[f"{second} {q}" for q in _Q]].to_numpy(float))
        b = _pinball_of(t, t[[f"{first} {q}" for q in _Q]].to_numpy(float))
        sums.append(len(t) * (a - b))
        sizes.append(len(t))
    g, n = len(sums), float(sum(sizes))
    if g < 2:
        return float("nan")
    d = sum(sums) / n
    return float(np.sqrt(g / (g - 1) * sum((s - k * d) ** 2 for s, k in zip(sums, sizes))) / n)


def compute_headline(result: Rolling) -> Headline:
    """The headline choice from a rolling backtest: the one of :data:`CANDIDATES` with the lowest
    mean pinball loss over the scored cases *as each was forecast then* (the combination with
    the weight of its origin, chosen on earlier cases only; the random walks fitted on the
    history known then); the weight of today is chosen on every scored case. Also scored: the
    same choice made at each origin on earlier cases only (:attr:`Headline.pinball_then`)."""
    cases = result.cases()
    cases = cases[cases["Actual"].notna()]
    weight, n = choose_weight(cases)
    losses = tuple(_pinball_of(cases, cases[[f"{m} {q}" for q in _Q]].to_numpy(float)) for m in CANDIDATES)
    chosen = _choices(cases)
    then = np.vstack(
        [cases.loc[cases["as_of"] == o, [f"{m} {q}" for q in _Q]].to_numpy(float) for o, m in chosen.items()]
    )
    order = pd.concat([cases[cases["as_of"] == o] for o in chosen], ignore_index=True)
    method = CANDIDATES[int(np.argmin(losses))]
    runner_up = sorted((m for m in CANDIDATES if m != method), key=lambda m: losses[CANDIDATES.index(m)])[0]
    se = margin_standard_error(cases, method, runner_up)
    return Headline(method, weight, losses, n, result.paths, result.seed, _pinball_of(order, then), se)


_HEADLINE_FILE = "headline.csv"


@lru_cache(maxsize=1)
def headline() -> Headline:
    """The shipped headline choice (``headline.csv``, written by :func:`write_headline`)."""
    row = read_table(_HEADLINE_FILE).iloc[0]
    return Headline(
        row["method"],
        float(row["combination_weight"]),
        tuple(float(row[f"pinball_{m}"]) for m in CANDIDATES),
        int(row["cases"]),
        int(row["paths"]),
        int(row["seed"]),
        float(row["pinball_then"]),
        float(row["margin_se"]),
    )


def write_headline(h: Headline) -> None:
    """Write ``headline.csv`` (after a change to the recipe or the data: ``python -m
    alfa_xl.model.evidence.rolling``)."""
    row: dict[str, Any] = {"method": h.method, "combination_weight": h.weight}
    row.update({f"pinball_{m}": repr(h.score(m)) for m in CANDIDATES})
    row.update(
        {
            "pinball_then": repr(h.pinball_then),
            "margin_se": repr(h.margin_se),
            "cases": h.cases,
            "paths": h.paths,
            "seed": h.seed,
            "note": "DERIVED by rolling.compute_headline on the rolling backtest",
        }
    )
    path = data_path(_HEADLINE_FILE)
    tmp = path.with_suffix(".tmp")
    pd.DataFrame([row]).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)


# -- the Track record tables -------------------------------------------------------------------
#: ASSUMPTION (the printed page): characters a row of the headline's text on the Track record
#: sheet. The sheet prints at the scale that fits its widest row, and one row of 330
#: characters took it to 57%, under the 60% floor of tests/test_book_print.py (210 gave 61%).
HEADLINE_WRAP = 130
#: The command that regenerates the shipped files of this module.
REGENERATE = "python -m alfa_xl.model.evidence.rolling"
#: Columns of each decision point's table on the Track record sheet.
POINT_COLUMNS = ("Year", "Actual", "Target path", "P10", "P50", "P90", "Point", "No change")
_TRACK_FILE = "track_record.json"


def track_tables(
    paths: int = BACKTEST_PATHS, seed: int = DEFAULT_SEED, result: Rolling | None = None
) -> list[TrackTable]:
    """The Track record sheet's tables, computed: the rolling-origin scores of ``alfa-xl
    backtest --rolling`` (``track_rolling``), the headline choice (``track_headline``), the
    summary of ``alfa-xl backtest`` (``track_summary``, scores pooled over the decision
    points by horizon) and one table per decision point (``track_<as_of>``,
    :data:`POINT_COLUMNS`). ``result``: the rolling backtest at ``paths`` and ``seed``,
    when already computed. The workbook reads :func:`shipped_track_tables`.
    """
    roll = rolling(paths=paths, seed=seed) if result is None else result
    replays = replay_all(paths=paths, seed=seed)
    origins = [p.as_of for p in roll.points]
    tables = [
        TrackTable(
            "track_rolling",
            f"Rolling-origin backtest: {len(origins)} origins {origins[0]}-{origins[-1]}, horizons 1-5, "
            f"by band; skill against the best naive forecaster ({paths:,} paths, seed {seed}; as "
            f"alfa-xl backtest --rolling prints it)",
            roll.scores,
        ),
        TrackTable(
            "track_headline",
            "Headline forecast",
            pd.DataFrame({"Choice": textwrap.wrap(compute_headline(roll).text(), HEADLINE_WRAP)}),
        ),
        TrackTable(
            "track_summary",
            f"Backtest summary, every shipped decision point pooled, leave-one-out "
            f"({paths:,} paths, seed {seed}; as alfa-xl backtest prints it)",
            summary(replays),
        ),
    ]
    for r in replays:
        cases = r.cases()
        tables.append(
            TrackTable(
                f"track_{r.as_of}",
                f"{r.label}: first forecast year {r.as_of}, last actual "
                f"{r.last_actual[0]} {r.last_actual[1]:,.0f} (units a year)",
                pd.DataFrame({c: cases[c] for c in POINT_COLUMNS}),
            )
        )
    return tables


@lru_cache(maxsize=1)
def _shipped_track() -> tuple[dict[str, Any], tuple[TrackTable, ...]]:
    return read_tables(data_path(_TRACK_FILE), f"regenerate it with {REGENERATE}")


def shipped_track_tables() -> tuple[TrackTable, ...]:
    """The Track record tables shipped in ``track_record.json`` (written by :func:`regenerate`):
    :func:`track_tables` at the backtest's defaults, without its cost. Callers only read them.

    >>> [t.name for t in shipped_track_tables()]
    ['track_rolling', 'track_headline', 'track_summary', 'track_2014', 'track_2018', 'track_2023']
    """
    return _shipped_track()[1]


def shipped_track_settings() -> tuple[int, int]:
    """``(paths, seed)`` the shipped Track record tables were computed with."""
    settings = _shipped_track()[0]
    return int(settings["paths"]), int(settings["seed"])


def write_track_tables(tables: list[TrackTable], paths: int, seed: int) -> None:
    """Write ``track_record.json`` (after a change to the recipe or the data: :data:`REGENERATE`)."""
    note = f"DERIVED by rolling.track_tables from the shipped data and the engine; regenerate with {REGENERATE}"
    settings = {"note": note, "paths": int(paths), "seed": int(seed)}
    write_tables(data_path(_TRACK_FILE), tables, settings, f"regenerate it with {REGENERATE}")


def regenerate(paths: int = BACKTEST_PATHS, seed: int = DEFAULT_SEED) -> None:
    """Recompute and write both shipped files of the backtest, ``headline.csv`` and
    ``track_record.json``, from one rolling backtest (:data:`REGENERATE`)."""
    result = rolling(paths=paths, seed=seed)
    tables = track_tables(paths, seed, result)
    write_headline(compute_headline(result))
    write_track_tables(tables, paths, seed)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    regenerate()
