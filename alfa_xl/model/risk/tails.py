r"""Probabilities with their Monte Carlo precision, and rare events estimated efficiently.

Every probability the product prints carries its precision (:class:`TailProbability`):

* counted on plain Monte Carlo paths (*h* of *n* over the line): :math:`\hat p = h / n`
  with standard error :math:`\sqrt{\hat p (1 - \hat p) / n}`; with no path over the line
  the estimate is only a bound, the exact binomial (Clopper-Pearson) 95% upper bound
  :math:`1 - 0.05^{1/n}` (about 3 / n, "the rule of three");
* estimated by importance sampling (:func:`tail_probability`): the weighted mean and its
  standard error over the weighted paths.

Importance sampling
-------------------
Every random input of a path is a function of independent standard normals, one per stream
(:func:`alfa_xl.model.risk.draws.stream_keys`: the common factor, each planned model's
slip, cancellation and peak, the tariff and one step of yearly noise per year). Reaching
400,000 a year is so rare under the calibrated recipe that plain Monte Carlo sees a
handful of paths in millions. The estimator draws the normals from :math:`N(\mu, I)`
instead of :math:`N(0, I)`, so that most paths reach the line, and weights each path by
the likelihood ratio :math:`w = \exp(-\mu \cdot z + |\mu|^2 / 2)`; the weighted mean of
the indicator is unbiased for any :math:`\mu`. The shift is chosen by the cross-entropy
method (Rubinstein and Kroese, *The Cross-Entropy Method*, 2004): pilot runs move
:math:`\mu` to the weighted mean of the best 10% of paths, raising the level each time,
until the level is the target itself. "Reached in at least one year" is a union of
yearly events with different routes (a year late in the horizon is reached by other draws
than an early one), so the proposal is a mixture of one shift per year plus 10% unshifted
draws ("defensive" mixture, Hesterberg 1995), each path weighted by :math:`\varphi(z) / g(z)`
with *g* the mixture density. Paths are then drawn in batches until the relative
standard error is at most ``rel_se`` (10% by default: the 95% interval within +-20%).

The route where the plan succeeds
---------------------------------
Every planned model built (the models reported cancelled included), none late (no slip
from its stated date) and each at least at its stated peak. With the one-factor copula the
three events of every model are independent given the common factor *F*, so

.. math::

    P(\text{route}) = \int \varphi(f) \prod_j \Phi\!\left(\frac{\sqrt{\rho} f - c_j^{slip}}{\sqrt{1-\rho}}\right)
    \Phi\!\left(\frac{\sqrt{\rho} f - c_j^{built}}{\sqrt{1-\rho}}\right)
    \Phi\!\left(\frac{\sqrt{\rho} f - c_j^{peak}}{\sqrt{1-\rho}}\right) df

with each :math:`c` the latent threshold of the event, computed by Gauss-Hermite
quadrature (:func:`plan_route_probability`). The joint probability of the route and the
line is estimated by importance sampling as above, with the route's margins as further
constraints of the cross-entropy score.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from alfa_xl.model.risk.draws import (
    CANCEL as _CANCEL,
)
from alfa_xl.model.risk.draws import (
    FACTOR as _FACTOR,
)
from alfa_xl.model.risk.draws import (
    PEAK as _PEAK,
)
from alfa_xl.model.risk.draws import (
    SLIP as _SLIP,
)
from alfa_xl.model.risk.draws import (
    VOLUME as _VOLUME,
)
from alfa_xl.model.risk.draws import draws_from_normals, stream_keys

__all__ = [
    "IS_PATHS",
    "REL_SE",
    "TINY",
    "FAR",
    "MIN_HITS",
    "standard_error",
    "TailProbability",
    "mc_probability",
    "plan_route_probability",
    "tail_probabilities",
    "tail_probability",
    "proposal",
    "weighted_sample",
    "path_totals",
]

#: DERIVED from the precision asked of a quoted tail (+-20% at 95%): 1.96 x 0.10 = 0.196.
REL_SE = 0.10
#: ASSUMPTION (speed): paths per importance-sampling batch; with the recipe one or two
#: batches reach REL_SE, and a batch of 8,000 paths over ten years takes about 0.1 s.
IS_PATHS = 8_000
#: ASSUMPTION (Hesterberg 1995's usual choice): share of the importance-sampling paths drawn
#: without a shift, which bounds each weight by 1 / 0.1 = 10.
DEFENSIVE = 0.1
#: ASSUMPTION (the cross-entropy method's usual settings, Rubinstein and Kroese 2004): the
#: best 10% of a pilot run set the next level; at most 10 levels; a level rising by less
#: than 0.01 of the line twice running has stalled.
_ELITE = 0.1
_MAX_LEVELS = 10
_STALL = 0.01
#: ASSUMPTION (a bound on the time of a call): the most paths drawn before stopping short of REL_SE.
_MAX_PATHS = 400_000
#: DERIVED: the fewest paths over the line a quoted figure rests on: with 30 paths the
#: relative standard error of a count is about 1 / sqrt(30) = 18%, the most a quoted figure
#: should carry. Below it a count gives way to importance sampling, and an importance-sampled
#: estimate is not precise whatever its standard error says.
MIN_HITS = 30
#: DERIVED: a relative standard error over 1 / 1.96 = 0.51 puts the lower end of the normal
#: 95% interval below zero, so such an estimate is quoted by its upper end alone.
_Z95 = 1.96
IMPRECISE = 1 / _Z95
#: DERIVED: the standard normal's 95th percentile, for a one-sided 95% upper end.
_Z95_ONE_SIDED = 1.645
#: ASSUMPTION (double precision): an estimate below this rests on likelihood ratios near the
#: smallest normal double (2.2e-308), which lose their digits; it is not given (``None``).
TINY = 1e-280
#: DERIVED from :data:`TINY`: an event first reached at distance r from the centre of the
#: standard normals has probability about exp(-r^2 / 2); below TINY when
#: r > sqrt(2 x 280 x ln 10) = sqrt(1,289.5) = 35.9. A shift farther than that aims at a line
#: the engine cannot reach in double precision (the peaks overflow on the way), so it is not made.
FAR = math.sqrt(-2.0 * math.log(TINY))


@dataclass(frozen=True)
class TailProbability:
    """A probability and its Monte Carlo precision.

    ``standard_error`` is given when the estimate rests on paths over the line;
    ``upper_95`` (exact binomial) when none of the ``paths`` plain paths is over it (the
    estimate 0 is then only a bound). ``method`` is ``"monte carlo"``,
    ``"importance sampling"``, ``"closed form"`` (exact: standard error 0), ``"closed form and
    importance sampling"`` (an exact part and a sampled rest, whose error the standard error
    is) or ``"bound"`` (a bound taken from another figure, ``basis`` says which); ``seconds``
    the time the estimate took.
    """

    probability: float
    standard_error: float | None
    upper_95: float | None
    paths: int
    hits: int
    method: str
    seconds: float = 0.0
    basis: str = ""

    @property
    def upper(self) -> float:
        """The figure's one-sided 95% upper end: its bound, or the estimate plus 1.645
        standard errors (normal approximation), at most 1."""
        if self.standard_error is None:
            return float(self.upper_95 or 0.0)
        return min(1.0, self.probability + _Z95_ONE_SIDED * self.standard_error)

    @property
    def relative_error(self) -> float | None:
        """Standard error over the estimate (``None`` without either)."""
        if self.standard_error is None or self.probability <= 0:
            return None
        return self.standard_error / self.probability

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``probability`` with ``standard_error`` or ``upper_95``, ``paths``, ``method``."""
        out: dict[str, Any] = {"probability": self.probability}
        if self.standard_error is not None:
            out["standard_error"] = self.standard_error
        else:
            out["upper_95"] = self.upper_95
        out.update(paths=self.paths, paths_over_the_line=self.hits, method=self.method)
        if self.basis:
            out["basis"] = self.basis
        return out

    def text(self) -> str:
        """The figure as it may be quoted: never more precise than its error.

        >>> mc_probability(0, 20_000).text()
        'below 1 in 6,600 (95% bound; no path of 20,000 reached it)'
        >>> TailProbability(2.6e-6, 2.1e-7, None, 40_000, 30_000, "importance sampling").text()
        '2.6e-06 (about 1 in 380,000; standard error 2.1e-07)'

        An estimate whose two-sided 95% interval reaches zero (a standard error over 1 / 1.96
        of it) is quoted by its one-sided 95% upper end alone, estimate + 1.645 standard
        errors (a normal approximation, said so).

        >>> TailProbability(5.4e-6, 5.4e-6, None, 8_000, 283, "importance sampling").text()
        'below 1 in 70,000 (95% bound, normal approximation; estimate 5.4e-06, standard error 5.4e-06)'
        >>> TailProbability(0.0, None, 5.0e-5, 20_000, 0, "bound", basis="at most the probability alone").text()
        'below 1 in 20,000 (95% bound; at most the probability alone)'
        >>> mc_probability(62, 20_000).text()  # the error in percent to two figures, never shown as 0.00%
        '0.31% (standard error 0.039%)'
        >>> TailProbability(1.945e-4, 0.0, None, 0, 0, "closed form").text()
        '0.00019 (about 1 in 5,100; exact, no Monte Carlo error)'
        """
        if self.method == "closed form":
            p = self.probability
            odds = f"about 1 in {_odds(1 / p)}; " if 0 < p < 0.5 else ""
            shown = f"{p:.1%}" if p >= 0.01 else (f"{p:.2%}" if p >= 0.001 else f"{p:.2g}")
            return f"{shown} ({odds}exact, no Monte Carlo error)"
        if self.standard_error is None:
            bound = self.upper_95 or 0.0
            basis = self.basis or f"no path of {self.paths:,} reached it"
            return f"below 1 in {_odds(1 / bound)} (95% bound; {basis})" if bound > 0 else "not estimated"
        p, se = self.probability, self.standard_error
        if se > IMPRECISE * p:
            return (
                f"below 1 in {_odds(1 / self.upper)} (95% bound, normal approximation; "
                f"estimate {p:.2g}, standard error {se:.2g})"
            )
        if p >= 0.001:
            return (
                f"{p:.1%} (standard error {100 * se:.2g}%)"
                if p >= 0.01
                else f"{p:.2%} (standard error {100 * se:.2g}%)"
            )
        return f"{p:.2g} (about 1 in {_odds(1 / p)}; standard error {se:.2g})"


def standard_error(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Standard error of the mean of ``values`` (along ``axis``), computed on values scaled to
    at most 1: squared deviations of probabilities below about 1e-161 fall under the smallest
    double, and an unscaled standard deviation would be 0 there.

    >>> round(float(standard_error(np.array([1e-200, 3e-200]))) / 1e-200, 12)  # sd sqrt(2) e-200 over sqrt(2)
    1.0
    """
    a = np.asarray(values, dtype=float)
    scale = np.max(np.abs(a), axis=axis, keepdims=True)
    scale[scale == 0] = 1.0
    n = a.shape[axis] if axis is not None else a.size
    out = (a / scale).std(axis=axis, ddof=1, keepdims=True) * scale / math.sqrt(n)
    return out.squeeze(axis=axis) if axis is not None else out.reshape(())


def _odds(x: float) -> str:
    """ "N" of "1 in N", two significant figures rounded down; past a billion in powers of ten.

    >>> _odds(4_987.2), _odds(3.8e99)
    ('4,900', '3.8e+99')
    """
    n = _round_odds(x)
    return f"{n:,}" if n < 1e9 else f"{float(n):.2g}"


def _round_odds(x: float) -> int:
    """Two significant figures, rounded down (a bound quoted as "1 in N" must not overstate N)."""
    if x <= 0 or not math.isfinite(x):
        return 0
    digits = math.floor(math.log10(x)) - 1
    step = 10 ** max(0, digits)
    return int(x // step * step)


def mc_probability(hits: int, paths: int, seconds: float = 0.0) -> TailProbability:
    """Precision of a share of plain Monte Carlo paths.

    >>> t = mc_probability(50, 10_000)
    >>> t.probability, round(t.standard_error, 6)
    (0.005, 0.000705)
    >>> round(mc_probability(0, 20_000).upper_95, 6)  # 1 - 0.05 ** (1 / 20,000)
    0.00015
    """
    hits, paths = int(hits), int(paths)
    p = hits / paths
    if hits == 0:
        return TailProbability(0.0, None, float(1.0 - 0.05 ** (1.0 / paths)), paths, 0, "monte carlo", seconds)
    if hits == paths:
        return TailProbability(1.0, 0.0, None, paths, hits, "monte carlo", seconds)
    return TailProbability(p, math.sqrt(p * (1 - p) / paths), None, paths, hits, "monte carlo", seconds)


_ERFC = np.vectorize(math.erfc, otypes=[float])


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, elementwise."""
    return 0.5 * _ERFC(-np.asarray(x, float) / math.sqrt(2.0))


# -- the route where the plan succeeds -------------------------------------------------------
def _route_thresholds(frame) -> list[tuple[tuple[int, ...], float]]:
    """(stream key, c): the route holds when every latent ``sqrt(rho) F + sqrt(1-rho) e`` of
    the stream is at least ``c`` (no slip, built, peak at least the stated one)."""
    u = frame.uncertainty
    out: list[tuple[tuple[int, ...], float]] = []
    stated = frame.lineup.arrays["peak_units"]
    for j in np.flatnonzero(frame.planned):
        key = frame.keys[j]
        if frame.slip_mean[j] > 0:  # slip 0 when -latent <= t_0
            out.append(((_SLIP, key), -float(frame.slip_thresholds[j][0])))
        if frame.cancel_p[j] > 0:  # built when latent >= the cancellation threshold
            out.append(((_CANCEL, key), float(frame.cancel_thresholds[j])))
        # at least the stated peak: scenario peak x exp(sigma latent) >= stated
        ratio = stated[j] / frame.peak[j] if frame.peak[j] > 0 else math.inf
        if u.peak_sigma > 0:
            out.append(((_PEAK, key), math.log(ratio) / u.peak_sigma))
        elif ratio > 1:
            out.append(((_PEAK, key), math.inf))
    return out


def plan_route_probability(frame) -> float:
    """P(every planned model built, on its stated date, at least at its stated peak)
    under the draws of ``frame`` (module docstring; Gauss-Hermite quadrature, 80 nodes)."""
    rho = frame.uncertainty.correlation
    nodes, weights = hermegauss(80)
    weights = weights / weights.sum()
    own = math.sqrt(1.0 - rho)
    prob = np.ones_like(nodes)
    for _, c in _route_thresholds(frame):
        if own == 0:
            prob *= math.sqrt(rho) * nodes >= c
        else:
            prob *= _phi((math.sqrt(rho) * nodes - c) / own)
    return float(np.dot(weights, prob))


def _route_margin(frame, z: np.ndarray, cols: dict[tuple[int, ...], int]) -> np.ndarray:
    """The smallest margin ``latent - c`` over the route's events, per path (>= 0: on the route)."""
    rho = frame.uncertainty.correlation
    common = math.sqrt(rho) * z[:, cols[(_FACTOR,)]]
    own = math.sqrt(1.0 - rho)
    margin = np.full(z.shape[0], np.inf)
    route = _route_thresholds(frame)
    if route:  # every event at once: the same margins as one event at a time, and their minimum
        at = np.array([cols[key] for key, _ in route], dtype=np.intp)
        c = np.array([c for _, c in route], dtype=float)
        events = z[:, at[0] : at[-1] + 1] if np.array_equal(at, np.arange(at[0], at[-1] + 1)) else z[:, at]
        each = own * events
        each += common[:, None]  # common + own * z, as one event at a time
        each -= c
        np.minimum(margin, each.min(axis=1), out=margin)
    return margin


# -- importance sampling ----------------------------------------------------------------------
def path_totals(frame, z: np.ndarray) -> np.ndarray:
    """Each path's yearly totals, ``(P, Y)``, given its standard normals ``z`` (one column per
    stream of :func:`~alfa_xl.model.risk.draws.stream_keys`)."""
    d = draws_from_normals(frame, z)
    return frame.totals(d.slip, d.cancelled, d.peak_multiplier, d.market_trend, d.na_tariff, d.volume)


def _scores(frame, z: np.ndarray, target, route: bool, cols: dict[tuple[int, ...], int]) -> np.ndarray:
    """Each path's yearly totals over ``target`` (a number, or one line per year), ``(P, Y)``
    (>= 1: the line is reached that year); with ``route``, each capped at 1 + the route's margin."""
    scores = path_totals(frame, z) / target
    if route:
        np.minimum(scores, 1.0 + _route_margin(frame, z, cols)[:, None], out=scores)
    return scores


def _log_weights(z: np.ndarray, mus: np.ndarray, defensive: float) -> np.ndarray:
    """log(phi(z) / g(z)) for the mixture g = defensive N(0, I) + (1 - defensive) mean_c N(mu_c, I)."""
    log_ratio = z @ mus.T - 0.5 * np.sum(mus * mus, axis=1)[None, :]  # log N(mu_c) / N(0), (P, C)
    log_ratio += math.log((1.0 - defensive) / mus.shape[0])
    if defensive > 0:
        log_ratio = np.concatenate([log_ratio, np.full((z.shape[0], 1), math.log(defensive))], axis=1)
    top = log_ratio.max(axis=1)
    return -(top + np.log(np.exp(log_ratio - top[:, None]).sum(axis=1)))


def _sample(rng: np.random.Generator, n: int, mus: np.ndarray, defensive: float) -> np.ndarray:
    c = mus.shape[0]
    pick = rng.integers(0, c, size=n)
    shift = mus[pick]
    if defensive > 0:
        shift[rng.random(n) < defensive] = 0.0
    z = rng.standard_normal((n, mus.shape[1]))
    z += shift
    return z


def _cross_entropy(
    frame,
    target: float,
    route: bool,
    cols: dict[tuple[int, ...], int],
    rng: np.random.Generator,
    pilot: int,
    mask: np.ndarray,
    year: int,
) -> np.ndarray | None:
    """The shift of the normals in ``mask`` that makes column ``year`` reach the line on
    about half the paths (cross-entropy method); ``None`` when the level stops rising
    before the line (that year is reached far more rarely than through the others)."""
    mu = np.zeros(len(cols))
    level, stalls = -np.inf, 0
    for _ in range(_MAX_LEVELS):
        z = rng.standard_normal((pilot, len(cols))) + mu
        score = _scores(frame, z, target, route, cols)[:, year]
        new = min(1.0, float(np.quantile(score, 1.0 - _ELITE)))
        elite = score >= new
        logw = -(z[elite] @ mu) + 0.5 * float(mu @ mu)
        w = np.exp(logw - logw.max())
        mu = np.where(mask, (w[:, None] * z[elite]).sum(axis=0) / w.sum(), 0.0)
        if float(np.linalg.norm(mu)) > FAR:
            return None
        if new >= 1.0:
            return mu
        stalls = stalls + 1 if new - level < _STALL else 0
        if stalls >= 2:
            return None
        level = new
    return None


def _noise_shifts(frame, target, cols: dict[tuple[int, ...], int], noise: np.ndarray) -> list[np.ndarray]:
    """For each year, the smallest shift of the yearly-noise steps that brings the central
    path (every other normal 0) to the line in that year: a random walk reaches a level
    ``b`` after ``t`` steps most likely in a straight line, each step ``b / (sigma t)``.
    ``target`` is a number or one line per year (a year without a finite line is skipped)."""
    k = len(cols)
    z0 = np.zeros((2, k))
    steps = np.flatnonzero(noise)
    if steps.size == 0:
        return []
    z0[1, steps[0]] = math.log(2.0) / frame.uncertainty.volume_sigma  # the first step doubles the models on sale
    flat, doubled = path_totals(frame, z0)
    lines = np.broadcast_to(np.asarray(target, float), (len(frame.years),))
    first = int(np.flatnonzero(frame.years > frame.base_year)[0]) if np.any(frame.years > frame.base_year) else 0
    out = []
    for y in range(first, len(frame.years)):
        on_sale = doubled[y] - flat[y]  # units of the models on sale at V = 0
        planned = flat[y] - on_sale
        t = y - first + 1
        line = float(lines[y])
        if not math.isfinite(line) or on_sale <= 0 or planned >= line or t > steps.size:
            continue
        b = math.log((line - planned) / on_sale)
        if b / (frame.uncertainty.volume_sigma * math.sqrt(t)) > FAR:  # the norm of the shift below
            continue
        mu = np.zeros(k)
        mu[steps[:t]] = b / (frame.uncertainty.volume_sigma * t)
        out.append(mu)
    return out


def proposal(frame, target, rng: np.random.Generator, pilot: int) -> np.ndarray:
    """The shifts of the importance-sampling mixture (:func:`tail_probabilities`), one row
    each, for ``target`` a number or one line per year of ``frame`` (years whose line is
    not finite are not aimed at): one cross-entropy run per year and the yearly-noise
    straight lines; no shift at all (plain draws) when neither finds one."""
    keys = stream_keys(frame)
    cols = {k: i for i, k in enumerate(keys)}
    noise = np.array([k[0] == _VOLUME for k in keys])
    lines = np.broadcast_to(np.asarray(target, float), (len(frame.years),))
    found = [
        m
        for y in range(len(frame.years))
        if math.isfinite(float(lines[y]))
        for m in (_cross_entropy(frame, target, False, cols, rng, pilot, ~noise, y),)
        if m is not None
    ]
    found += _noise_shifts(frame, target, cols, noise)
    return np.array(found) if found else np.zeros((1, len(keys)))


def weighted_sample(
    frame, mus: np.ndarray, rng: np.random.Generator, n: int, route: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``n`` paths drawn from the mixture of ``mus`` (and :data:`DEFENSIVE` plain draws):
    their yearly totals ``(n, Y)``, likelihood-ratio weights ``(n,)`` (mean 1 in
    expectation; the weighted share of paths over a line estimates its probability) and,
    with ``route``, whether each path is on the route where the plan succeeds (else ``None``)."""
    z = _sample(rng, n, mus, DEFENSIVE)
    on_route = None
    if route:
        on_route = _route_margin(frame, z, {k: i for i, k in enumerate(stream_keys(frame))}) >= 0
    return path_totals(frame, z), np.exp(_log_weights(z, mus, DEFENSIVE)), on_route


def tail_probabilities(
    frame,
    target: float,
    years: tuple[int, ...] | None = None,
    *,
    seed: int = 20140506,
    rel_se: float = REL_SE,
    batch: int = IS_PATHS,
    max_paths: int = _MAX_PATHS,
    route: bool = True,
) -> dict[tuple[int, bool], TailProbability | None]:
    """P(the yearly total reaches ``target`` in at least one year of ``frame`` up to each of
    ``years`` (default: the last year)) by importance sampling (module docstring), and with
    ``route`` the same jointly with the route where the plan succeeds, all from one set of
    weighted paths: keys ``(year, False)`` and ``(year, True)``. ``frame`` is a
    :class:`~alfa_xl.model.risk.simulate.PathFrame`. Reproducible for a seed. A value is
    ``None`` when fewer than :data:`MIN_HITS` weighted paths reach the line (weighted paths
    give no bound; the caller bounds it).

    The proposal is a mixture. The line is reached two ways, seen in brute-force runs: the
    models on sale growing many times over (the yearly noise) or the planned models all built
    early and big (the common factor, launches and peaks), which is also the route where the
    plan succeeds. For the first, each year's shift of the noise steps is the straight line
    that brings the central path to the line that year (:func:`_noise_shifts`); for the
    second, the cross-entropy method is run for each year on the other normals, and each run
    whose level reaches the line gives one shift (a year late in the horizon is reached by
    other draws than an early one). The mixture is those shifts in equal parts and, with
    weight :data:`DEFENSIVE`, the unshifted draws, which bounds every weight by
    1 / DEFENSIVE. The estimates are unbiased whatever the shifts; they only make them
    precise. Paths are drawn in batches until every relative standard error is at most
    ``rel_se`` (or ``max_paths``).
    """
    t0 = time.perf_counter()
    keys = stream_keys(frame)
    cols = {k: i for i, k in enumerate(keys)}
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    all_years = [int(y) for y in frame.years]
    wanted = tuple(int(y) for y in (years or (all_years[-1],)))
    mus = proposal(frame, target, rng, max(400, batch // 16))
    upto = {y: all_years.index(y) + 1 for y in wanted}
    flags = (False, True) if route else (False,)
    # one row of every path's value per estimate, filled batch by batch (statistics over a
    # prefix of the row are those over the batches so far, concatenated)
    room = max(1, -(-max_paths // batch)) * batch
    values = {(y, r): np.zeros(room) for y in wanted for r in flags}
    n = 0
    while n < max_paths:
        z = _sample(rng, batch, mus, DEFENSIVE)
        scores = _scores(frame, z, target, False, cols)
        w = np.exp(_log_weights(z, mus, DEFENSIVE))
        on_route = _route_margin(frame, z, cols) >= 0 if route else None
        for y in wanted:
            hit = scores[:, : upto[y]].max(axis=1) >= 1.0
            values[(y, False)][n : n + batch] = np.where(hit, w, 0.0)
            if route:
                values[(y, True)][n : n + batch] = np.where(hit & on_route, w, 0.0)
        n += batch
        if n == batch and not any(np.any(v[:n]) for v in values.values()):
            break  # the paths aimed at the line found none: more would rarely do (the caller bounds it)
        precise = True
        for v in values.values():
            a = v[:n]
            p = float(a.mean())
            precise &= p > 0 and float(standard_error(a)) <= rel_se * p and int(np.count_nonzero(a)) >= MIN_HITS
        if precise:
            break
    seconds = time.perf_counter() - t0
    out: dict[tuple[int, bool], TailProbability | None] = {}
    for key, v in values.items():
        a = v[:n]
        hits = int(np.count_nonzero(a))
        out[key] = (
            None
            if hits < MIN_HITS  # too few paths over the line for the figure to be quoted (the caller bounds it)
            else TailProbability(
                min(1.0, float(a.mean())),  # weights average 1 only in expectation: a sure event may exceed it
                float(standard_error(a)),
                None,
                int(a.size),
                hits,
                "importance sampling",
                seconds,
            )
        )
    return out


def tail_probability(
    frame,
    target: float,
    *,
    seed: int = 20140506,
    rel_se: float = REL_SE,
    batch: int = IS_PATHS,
    max_paths: int = _MAX_PATHS,
    route: bool = False,
) -> TailProbability | None:
    """P(the yearly total reaches ``target`` in at least one year of ``frame``), with
    ``route`` jointly with the route where the plan succeeds (:func:`tail_probabilities`)."""
    year = int(frame.years[-1])
    est = tail_probabilities(
        frame, target, (year,), seed=seed, rel_se=rel_se, batch=batch, max_paths=max_paths, route=route
    )
    return est[(year, route)]
