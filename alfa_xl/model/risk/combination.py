r"""The tail of a quantile-averaged combination, derived from its definition.

The headline forecast may be a combination (:func:`alfa_xl.model.evidence.forecast.combined_paths`):
in each year *j*, the path of the structural model of rank *k* becomes

.. math::

    w\,x_{(k)} + (1 - w)\,Q^{rw}_j\!\left(\frac{k + 1/2}{n}\right),

*w* the model's weight and :math:`Q^{rw}_j` the quantile of the log random walk with drift,
lognormal in closed form. Each year's combined value is an increasing function of the
model's value that year, :math:`g_j(x) = w\,x + (1-w)\,Q^{rw}_j(F_j(x))` with :math:`F_j` the
model's distribution function (the comonotone coupling by rank), so the paths keep the
model's dependence between years and

* the combination's quantile is :math:`Q^c_j(p) = w\,Q_j(p) + (1 - w)\,Q^{rw}_j(p)`;
* it reaches the line *T* in year *j* exactly when the model's value is at least
  :math:`c_j = Q_j(p_j^*)`, where :math:`Q^c_j(p_j^*) = T`; equivalently, :math:`c_j` is the
  smallest *x* with :math:`S_j(x) \le S^{rw}_j\big((T - w\,x) / (1 - w)\big)`, *S* the tail
  functions (the random walk's one is closed form);
* "reached by year *Y*" is the union of those yearly events:
  :math:`P = P\big(\bigcup_{j \le Y} \{x_j \ge c_j\}\big)`, a probability of the model alone.

The model's :math:`S_j` at the extreme levels this needs, and the union, are estimated on
importance-sampled weighted paths of the model (:mod:`alfa_xl.model.risk.tails`, aimed at the
lines :math:`c_j`): the weighted tail sums give :math:`S_j` (with the half-weight offset of a
path's own mid-rank, as ``(k + 1/2) / n`` on plain paths), hence each :math:`c_j`, and the
weighted share of paths over any :math:`c_j` the probability. The :math:`c_j` depend on the
proposal and the proposal on them: a first guess from a lognormal fit to plain paths,
then up to :data:`ROUNDS` refinements, each aimed at the lines of the last weighted sample.

**Weight 0** (a random walk's quantiles on the model's ranks): each year's own probability is
the walk's closed form, so "by year *Y*" is the likeliest year's exact probability plus an
estimate of the rest of the union (:func:`_exact_years`), and only the rest carries Monte
Carlo error. With fewer than 30 paths in the rest the whole union is estimated instead, and
never put below that year's figure; a single year, or a union whose likeliest year is certain
to double precision, is given exactly (``"closed form"``).

**Precision.** The estimate is a non-linear function of the weighted sample (the lines are
estimated from it), so its standard error is by batch means: the final paths are split into
:data:`GROUPS` groups in the order drawn, the whole estimator is run on each, and the
standard error is the standard deviation of the group estimates over ``sqrt(GROUPS)``.
Paths are drawn until it is at most ``rel_se`` of the estimate (10%: the 95% interval
within +-20%).
"""

from __future__ import annotations

import math
import time
from statistics import NormalDist

import numpy as np

from alfa_xl.model.risk.draws import stream_keys
from alfa_xl.model.risk.tails import (
    IS_PATHS,
    MIN_HITS,
    REL_SE,
    TINY,
    TailProbability,
    proposal,
    standard_error,
    weighted_sample,
)

__all__ = ["combination_tail_probabilities", "combination_lines", "walk_tail", "GROUPS", "ROUNDS", "EXACT_AND_SAMPLED"]

#: ASSUMPTION (the usual batch-means choice, 10 to 30 groups): groups of the final paths for
#: the standard error; 16 groups give 15 degrees of freedom.
GROUPS = 16
#: ASSUMPTION (speed): refinements of the lines the proposal aims at. The estimate is unbiased
#: whatever lines the proposal aims at (they only make it precise); one refinement after the
#: lognormal guess gives the headline a relative standard error of a few percent in one batch.
ROUNDS = 1
#: ASSUMPTION (a bound on the time of a call): most final paths before stopping short of ``rel_se``.
MAX_PATHS = 320_000
#: ASSUMPTION (a bound on the time of a call): most final paths drawn for the joint estimates
#: with the route once those alone are precise; past it a joint estimate is given with the
#: precision it has (a lineup of 100 models never gets it precise: 320,000 paths take 50 s).
ROUTE_PATHS = 40_000
_PLAIN_PILOT = 4_000
#: ``method`` of an estimate "by a year" at weight 0 made of its likeliest year's exact
#: probability and the sampled rest of the union.
EXACT_AND_SAMPLED = "closed form and importance sampling"
_N01 = NormalDist()


def _upper(z: float) -> float:
    """P(N(0, 1) >= z)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def walk_tail(target: float, loc: float, scale: float) -> float:
    """P(a lognormal with log median ``loc`` and sd of the log ``scale`` is at least ``target``):
    a random walk's tail in one year, exact (``scale`` 0: 1 or 0).

    >>> walk_tail(100.0, math.log(100.0), 0.3), walk_tail(101.0, math.log(100.0), 0.0)
    (0.5, 0.0)
    """
    log_t = math.log(target)
    if scale > 0:
        return _upper((log_t - loc) / scale)
    return 0.0 if log_t > loc else 1.0


def combination_lines(
    totals: np.ndarray,
    weights: np.ndarray,
    weight: float,
    target: float,
    loc: np.ndarray,
    scale: np.ndarray,
    orders: list[np.ndarray] | None = None,
) -> np.ndarray:
    """The model's line :math:`c_j` of each year (module docstring) from weighted paths:
    ``totals`` ``(n, Y)``, ``weights`` ``(n,)`` (1 for plain paths), the model's ``weight``
    in the combination, the random walk's lognormal ``loc`` (log median) and ``scale`` (sd of
    the log) by year; ``orders``, each year's path numbers from the largest total down, when
    already known. ``inf`` where no path reaches the line.

    On plain paths this is the rule of :func:`~alfa_xl.model.evidence.forecast.combined_paths`:

    >>> x = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> # w = 0.5 and a random walk sure to be 10 (sd 0): combined 5.5, 6, 6.5, 7; line 6.5
    >>> combination_lines(x, np.ones(4), 0.5, 6.5, np.array([math.log(10.0)]), np.array([0.0])).tolist()
    [3.0]
    """
    n, years = totals.shape
    lines = np.full(years, math.inf)
    if weight >= 1.0:
        return np.full(years, float(target))
    for j in range(years):
        order = np.argsort(-totals[:, j], kind="stable") if orders is None else orders[j]
        xs = totals[order, j]
        cum = np.cumsum(weights[order])
        tail = (cum - 0.5 * weights[order]) / n  # S at the path's own mid-rank

        def reached(k: int, j: int = j, xs: np.ndarray = xs, tail: np.ndarray = tail) -> bool:
            need = (target - weight * float(xs[k])) / (1.0 - weight)  # Python floats: inf past the largest double
            if need <= 0:
                return True
            if scale[j] == 0:
                return bool(math.log(need) <= loc[j])
            return bool(tail[k] <= _upper((math.log(need) - loc[j]) / scale[j]))

        # reached() holds for the top ranks and not below (the tail grows, the walk's shrinks)
        lo, hi = 0, n  # first rank not reached lies in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            if reached(mid):
                lo = mid + 1
            else:
                hi = mid
        if lo > 0:
            lines[j] = xs[lo - 1]
    return lines


def _estimate(
    totals: np.ndarray,
    weights: np.ndarray,
    upto: list[int],
    args: tuple[float, float, np.ndarray, np.ndarray],
    orders: list[np.ndarray] | None = None,
    on_route: np.ndarray | None = None,
    exact: list[tuple[float, int] | None] | None = None,
) -> tuple[list[float], list[int], list[int]]:
    """The estimates by each year of ``upto``, then (with ``on_route``) the same jointly with
    the route; for each, the paths over the line; and for each of the first, the paths over a
    line but not over the one of its ``exact`` year. Where ``exact`` gives ``(p, j)`` (a year
    ``j`` whose probability ``p`` is known exactly: :func:`_exact_years`), the estimate is the
    weighted share of the rest of the union only (paths over a line of another year, not over
    year ``j``'s), to which the caller adds ``p`` (after its standard error: the sum would
    round a rest below 1e-16 of ``p`` away)."""
    weight, target, loc, scale = args
    lines = combination_lines(totals, weights, weight, target, loc, scale, orders)
    over = totals >= lines[None, :]
    hit = [over[:, :u].any(axis=1) for u in upto]
    est, rest_hits = [], []
    for i, h in enumerate(hit):
        known = None if exact is None else exact[i]
        rest = h if known is None else h & ~over[:, known[1]]
        est.append(float(np.mean(np.where(rest, weights, 0.0))))
        rest_hits.append(int(np.count_nonzero(rest)))
    if on_route is not None:
        route_hit = [h & on_route for h in hit]
        est += [float(np.mean(np.where(h, weights, 0.0))) for h in route_hit]
        hit += route_hit
    return est, [int(np.count_nonzero(h)) for h in hit], rest_hits


def _exact_years(
    args: tuple[float, float, np.ndarray, np.ndarray], upto: list[int]
) -> list[tuple[float, int] | None] | None:
    """At weight 0 (a random walk's quantiles on the model's ranks) each year's own probability is
    the walk's closed form: for each entry of ``upto``, ``(p, j)`` of its likeliest year; None at
    any other weight."""
    weight, target, loc, scale = args
    if weight != 0.0:
        return None
    single = [walk_tail(target, m, s) for m, s in zip(loc, scale)]
    return [max((single[j], j) for j in range(u)) for u in upto]


def _batch_means(
    totals: np.ndarray,
    weights: np.ndarray,
    upto: list[int],
    args: tuple[float, float, np.ndarray, np.ndarray],
    on_route: np.ndarray | None = None,
) -> tuple[list[float], np.ndarray, list[int], list[bool]]:
    """The estimates on all paths, their batch-means standard errors (module docstring), their
    paths over the line, and whether each (of ``upto``) rests on a year known exactly; each
    year's paths are sorted once, each group's order taken from it. A year known exactly at
    weight 0 (:func:`_exact_years`) is used when at least
    :data:`~alfa_xl.model.risk.tails.MIN_HITS` paths fall in the rest of the union."""
    n = totals.shape[0]
    orders = [np.argsort(-totals[:, j], kind="stable") for j in range(totals.shape[1])]
    exact = _exact_years(args, upto)
    if exact is not None:
        rest = _estimate(totals, weights, upto, args, orders, None, exact)[2]
        exact = [e if r >= MIN_HITS else None for e, r in zip(exact, rest)]
    rest_est, hits, _ = _estimate(totals, weights, upto, args, orders, on_route, exact)
    group = np.arange(n) * GROUPS // n
    values = []
    for g in range(GROUPS):
        keep = np.flatnonzero(group == g)
        first = int(keep[0])
        sub = [o[group[o] == g] - first for o in orders]  # groups are contiguous
        route = None if on_route is None else on_route[keep]
        values.append(_estimate(totals[keep], weights[keep], upto, args, sub, route, exact)[0])
    known = [0.0 if e is None else e[0] for e in (exact or [None] * len(upto))]
    known += [0.0] * (len(rest_est) - len(known))  # the joint estimates with the route
    used = [e is not None for e in (exact or [None] * len(upto))]
    return [p + r for p, r in zip(known, rest_est)], standard_error(np.array(values), axis=0), hits, used


def _guess(frame, rng: np.random.Generator, weight: float, target: float, loc, scale) -> np.ndarray:
    """First lines: the model's yearly totals fitted by a lognormal on plain paths, and the
    level where the two quantile functions average to the line solved on that fit."""
    totals, _, _ = weighted_sample(frame, np.zeros((1, len(stream_keys(frame)))), rng, _PLAIN_PILOT)
    lines = np.full(totals.shape[1], math.inf)
    for j in range(totals.shape[1]):
        x = totals[:, j][totals[:, j] > 0]
        if x.size < 2:
            continue
        m, s = float(np.log(x).mean()), float(np.log(x).std())

        def comb(z: float, j: int = j, m: float = m, s: float = s) -> float:
            return weight * math.exp(m + s * z) + (1.0 - weight) * math.exp(loc[j] + scale[j] * z)

        lo, hi = -10.0, 40.0
        if comb(hi) < target:
            continue
        for _ in range(80):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if comb(mid) < target else (lo, mid)
        lines[j] = math.exp(m + s * hi)
    return lines


def combination_tail_probabilities(
    frame,
    target: float,
    years: tuple[int, ...],
    weight: float,
    loc: np.ndarray,
    scale: np.ndarray,
    *,
    seed: int = 20140506,
    rel_se: float = REL_SE,
    batch: int = IS_PATHS,
    max_paths: int = MAX_PATHS,
    route: bool = False,
) -> dict[tuple[int, bool], TailProbability | None]:
    """P(the combination reaches ``target`` in at least one year of ``frame`` up to each of
    ``years``) (module docstring), key ``(year, False)``; with ``route`` also jointly with the
    route where the plan succeeds, key ``(year, True)``, from the same weighted paths (the
    combined path is a function of the model's path, so the joint event is one of the model's
    draws). ``weight`` is the structural model's in the combination, ``loc`` and ``scale`` the
    random walk's lognormal by year of ``frame``. The standard errors are by batch means over
    :data:`GROUPS` groups; paths are drawn until every estimate is precise, the joint ones
    for at most :data:`ROUTE_PATHS` paths (then given with the precision they have). ``None``
    where fewer than :data:`~alfa_xl.model.risk.tails.MIN_HITS` paths of the first batch,
    aimed at the line, reach it, where no path does, or where the estimate is below
    :data:`TINY`. Reproducible for a seed."""
    t0 = time.perf_counter()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    all_years = [int(y) for y in frame.years]
    wanted = tuple(int(y) for y in years)
    upto = [all_years.index(y) + 1 for y in wanted]
    loc, scale = np.asarray(loc, float), np.asarray(scale, float)
    args = (float(weight), float(target), loc, scale)
    pilot = max(400, batch // 16)
    lines = _guess(frame, rng, *args)
    mus = proposal(frame, lines, rng, pilot)
    for _ in range(ROUNDS):
        totals, w, _ = weighted_sample(frame, mus, rng, batch)
        new = combination_lines(totals, w, *args)
        with np.errstate(invalid="ignore", divide="ignore"):
            moved = np.abs(np.log(new / lines))
        same = np.array_equal(np.isfinite(new), np.isfinite(lines))
        lines = new
        if same and not np.any(np.isfinite(moved) & (moved > 0.05)):
            break
        mus = proposal(frame, lines, rng, pilot)
    parts_x: list[np.ndarray] = []
    parts_w: list[np.ndarray] = []
    parts_r: list[np.ndarray] = []
    k = len(upto)
    exact = _exact_years(args, upto)
    floor = [0.0] * k if exact is None else [0.0 if e is None else e[0] for e in exact]
    # known exactly: a single year at weight 0, or a union whose likeliest year is certain to
    # double precision (the rest of the union is then below 1e-12)
    known = [p > 0 and (u == 1 or p >= 1.0 - 1e-12) if exact else False for p, u in zip(floor, upto)]
    n = 0
    while n < max_paths:
        totals, w, r = weighted_sample(frame, mus, rng, batch, route)
        parts_x.append(totals)
        parts_w.append(w)
        if r is not None:
            parts_r.append(r)
        n += batch
        x, wt = np.concatenate(parts_x), np.concatenate(parts_w)
        on_route = np.concatenate(parts_r) if route else None
        est, se, hits, decomposed = _batch_means(x, wt, upto, args, on_route)
        if n == batch:
            # an estimate whose first batch, aimed at its line, put fewer than MIN_HITS paths
            # over it, or whose groups all give one value (no spread to measure its error by), is
            # not given: more of the same paths would rarely make it precise (the caller bounds it)
            given = [(h >= MIN_HITS and s > 0) or c for h, s, c in zip(hits[:k], se[:k], known)]
            if not any(given):
                break
        precise = [0 < s <= rel_se * p for p, s in zip(est, se)]
        precise[:k] = [p or c for p, c in zip(precise[:k], known)]
        joints_done = all(p or not g for p, g in zip(precise[k:], given)) or n >= ROUTE_PATHS
        if all(p or not g for p, g in zip(precise[:k], given)) and joints_done:
            break
    seconds = time.perf_counter() - t0
    out: dict[tuple[int, bool], TailProbability | None] = {}
    flags = (False, True) if route else (False,)
    for i, (flag, y) in enumerate((f, y) for f in flags for y in wanted):
        p, s, h = est[i], se[i], hits[i]
        if not flag and known[i]:
            out[(y, flag)] = TailProbability(floor[i], 0.0, None, int(x.shape[0]), h, "closed form", seconds)
            continue
        if not flag:
            p = max(p, floor[i])  # the union holds its likeliest year, known exactly at weight 0
        how = EXACT_AND_SAMPLED if not flag and decomposed[i] else "importance sampling"
        out[(y, flag)] = (
            None
            if h < MIN_HITS or p < TINY or not given[i % k]
            else TailProbability(min(1.0, p), float(s), None, int(x.shape[0]), h, how, seconds)
        )
    return out
