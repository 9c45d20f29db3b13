"""Speed and precision of the rare-event estimator (``alfa_xl.model.risk.tails``).

1. P(400,000 a year reached by 2030) under the calibrated recipe, by importance sampling
   (``Forecast.tail``): median wall time and the relative standard error it stops at.
   Target: <= 2 s with a relative standard error <= 10% (the 95% interval within +-20%).
2. The same by 2035, and jointly with the route where the plan succeeds (by 2030).
3. A line set so that the probability is 1e-6 exactly (one model on sale, lognormal
   yearly noise): the estimate, its standard error and the error against the closed form.
4. The headline's own tail (``alfa_xl.model.risk.combination``: a combination, or today a
   random walk with drift, the combination at weight 0) at lines where its probability by
   2030 is about 1e-4 and about 1e-6: time and relative standard error.

Brute force for comparison (not run here: minutes): 4,000,000 plain paths of the recipe
gave 55 paths over 400,000 by 2030 (1.4e-5 +- 0.19e-5) and 195 by 2035 (4.9e-5 +- 0.35e-5).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from closed_form import solo

from alfa_xl.model.engine.scenarios import get_scenario
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.risk.combination import combination_tail_probabilities
from alfa_xl.model.risk.simulate import PathFrame
from alfa_xl.model.risk.tails import tail_probability

TARGET_SECONDS = 2.0
_F = forecast(paths=1_000)


def _tail(year: int, route: bool = False):
    return _F.tail(year, route=route)


def bench_tail_2030(benchmark, figures):
    est = benchmark.pedantic(_tail, args=(2030,), rounds=figures.rounds(7, 3), warmup_rounds=1)
    figures.timing(benchmark, "P(400,000 by 2030), importance sampling", TARGET_SECONDS, "s")
    figures.line(
        f"  P(400,000 by 2030) = {est.probability:.3g}, relative SE {est.relative_error:.1%}, {est.paths:,} paths"
    )


def bench_tail_2035(benchmark, figures):
    est = benchmark.pedantic(_tail, args=(2035,), rounds=figures.rounds(5, 3), warmup_rounds=1)
    figures.timing(benchmark, "P(400,000 by 2035), importance sampling", TARGET_SECONDS, "s")
    figures.line(
        f"  P(400,000 by 2035) = {est.probability:.3g}, relative SE {est.relative_error:.1%}, {est.paths:,} paths"
    )


def bench_tail_route(benchmark, figures):
    est = benchmark.pedantic(_tail, args=(2030, True), rounds=figures.rounds(5, 3), warmup_rounds=1)
    figures.timing(benchmark, "P(400,000 by 2030 and the plan succeeds)", TARGET_SECONDS, "s")
    figures.line(
        f"  P(route) = {_F.plan_route_probability():.3g}; jointly with 400,000 by 2030: "
        f"{est.probability:.3g} (relative SE {est.relative_error:.1%})"
    )


def bench_tail_one_in_a_million(benchmark, figures):
    lineup, u = solo(0.25)
    target = 10_000 * math.exp(0.25 * NormalDist().inv_cdf(1 - 1e-6))
    frame = PathFrame(lineup, get_scenario("base"), 2026, 2026, u, 2025)
    est = benchmark.pedantic(tail_probability, args=(frame, target), rounds=figures.rounds(7, 3), warmup_rounds=1)
    figures.timing(benchmark, "P = 1e-6 exactly (closed form), importance sampling", TARGET_SECONDS, "s")
    figures.line(
        f"  estimate {est.probability:.4g} (SE {est.standard_error:.2g}), error {est.probability / 1e-6 - 1:+.1%}"
    )


def _combination(target: float):
    """The headline's P(target reached by 2030) (``alfa_xl.model.risk.combination`` at its weight)."""
    first = int(_F.all_years[0])
    frame = PathFrame(_F.lineup, _F.scenario, first, 2030, _F.uncertainty, first - 1)
    walk = np.array(_F.walk[: len(frame.years)])
    return combination_tail_probabilities(frame, target, (2030,), _F.weight, walk[:, 0], walk[:, 1], seed=_F.seed)[
        (2030, False)
    ]


@pytest.mark.parametrize(
    "target",
    # lines found by trial on this recipe: about 1e-4 and about 1e-6 by 2030 (400,000: 2.1e-4; with the
    # random walk with drift as the headline, 1.3e-4 and 1.4e-6)
    [430_000.0, 740_000.0],
)
def bench_combination_tail(benchmark, figures, target):
    est = benchmark.pedantic(_combination, args=(target,), rounds=figures.rounds(5, 3), warmup_rounds=1)
    figures.timing(benchmark, f"Headline ({_F.method}), P({target:,.0f} by 2030)", TARGET_SECONDS, "s")
    figures.line(
        f"  P = {est.probability:.3g}, relative SE {est.relative_error:.1%} (batch means), {est.paths:,} paths"
    )
