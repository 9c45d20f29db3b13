"""The tail of a combination (or, at weight 0, a random-walk headline), derived from its definition, against closed forms and plain paths.

The combination averages, year by year, the structural model's quantiles (weight w) and a
log random walk's (weight 1 - w), paths coupled by rank. With a model part that is itself
lognormal the tail is closed form: it reaches the line T in year j exactly when the model's
normal score is at least z_j*, where w Q_m(z) + (1 - w) Q_rw(z) = T (solved here by
bisection), and "by year Y" is the union of those events over the model's own random walk.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from closed_form import solo, walk_by_hand
from plain_route import plain_paths_on_route

from alfa_xl.model.data.vintage import Vintage
from alfa_xl.model.engine.scenarios import get_scenario
from alfa_xl.model.evidence.forecast import combined_paths, forecast
from alfa_xl.model.risk.combination import EXACT_AND_SAMPLED, combination_lines, combination_tail_probabilities
from alfa_xl.model.risk.simulate import PathFrame, simulate
from alfa_xl.model.risk.tails import TailProbability
from alfa_xl.model.risk.uncertainty import Uncertainty

N01 = NormalDist()
SIGMA = 0.25  # the model's yearly log noise
W = 0.1  # the model's weight, as the combination's today (headline.csv)
LOC0, S = math.log(50_000.0), 0.3  # the random walk: median 50,000 one year ahead, sd of the log 0.3 a year
MU = -0.4  # its drift a year (steep, so that both years matter in the union)


def upper(z: float) -> float:
    """P(N(0, 1) >= z)."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def walk(h: int) -> tuple[float, float]:
    return LOC0 + (h - 1) * MU, S * math.sqrt(h)


def combined_quantile(z: float, h: int) -> float:
    loc, scale = walk(h)
    return W * 10_000 * math.exp(SIGMA * math.sqrt(h) * z) + (1 - W) * math.exp(loc + scale * z)


def score_at(target: float, h: int) -> float:
    """The normal score z with combined_quantile(z, h) = target (bisection, increasing in z)."""
    lo, hi = -20.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if combined_quantile(mid, h) < target else (lo, mid)
    return (lo + hi) / 2


def estimate(last_year: int, target: float, seed: int):
    lu, u = solo(SIGMA)
    frame = PathFrame(lu, get_scenario("base"), 2026, last_year, u, 2025)
    hs = range(1, last_year - 2025 + 1)
    loc = np.array([walk(h)[0] for h in hs])
    scale = np.array([walk(h)[1] for h in hs])
    return combination_tail_probabilities(frame, target, (last_year,), W, loc, scale, seed=seed)[(last_year, False)]


class TestClosedForm:
    def test_the_model_part_is_flat_at_10000(self):
        lu, _ = solo(SIGMA)
        sim = simulate(lu, "base", 2026, 2027, 10, 1, Uncertainty.none(), base_year=2025)
        assert np.allclose(sim.totals, 10_000.0)

    @pytest.mark.parametrize("p", [1e-4, 1e-6])
    def test_one_year(self, p):
        # the combination's quantile at 1 - p is the line: P = p exactly
        target = combined_quantile(N01.inv_cdf(1 - p), 1)
        est = estimate(2026, target, seed=11)
        assert est.relative_error <= 0.1
        assert abs(est.probability - p) < 4 * est.standard_error

    def test_two_years_is_the_union_over_the_model_walk(self):
        # reached in 2026 when Z1 >= a, in 2027 when (Z1 + Z2) / sqrt(2) >= b; by inclusion-
        # exclusion P = P(Z1 >= a) + P(.. >= b) - P(both), the last the integral over u >= a of
        # phi(u) P(Z2 >= sqrt(2) b - u) du (20,000 nodes, a smooth integrand)
        target = 150_000.0
        a, b = score_at(target, 1), score_at(target, 2)
        u = np.linspace(a, a + 12.0, 20_000)
        dens = np.exp(-(u**2) / 2) / math.sqrt(2 * math.pi)
        both = float(np.trapezoid(dens * np.array([upper(math.sqrt(2) * b - x) for x in u]), u))
        exact = upper(a) + upper(b) - both
        assert 1e-5 < exact < 1e-3 and exact > 1.2 * max(upper(a), upper(b))  # rare, and a real union
        est = estimate(2027, target, seed=12)
        assert est.relative_error <= 0.1
        assert abs(est.probability - exact) < 4 * est.standard_error


class TestTheDefinition:
    def test_lines_on_plain_paths_are_the_rank_rule_of_the_combined_paths(self):
        # on plain paths (weights 1) a path of the combination reaches the line in a year
        # exactly when its model total is at or above that year's line
        f = forecast(paths=3_000, seed=5, method="model")
        history = Vintage.at(2026).history()
        years = f.all_years
        combined = combined_paths(f.totals, years, history, W)
        d = np.diff(np.log(history["units"].to_numpy(float)))
        g = np.diff(history["year"].to_numpy(float))
        mu = d.sum() / g.sum()  # the drift and sd of baselines' docstring, by hand
        sd = math.sqrt(float(np.sum((d - g * mu) ** 2 / g)) / (len(d) - 1))
        h = years - int(history["year"].max())
        loc = math.log(float(history["units"].iloc[-1])) + h * mu
        for target in (120_000.0, 200_000.0):
            lines = combination_lines(f.totals, np.ones(f.paths), W, target, loc, sd * np.sqrt(h))
            assert np.array_equal(f.totals >= lines[None, :], combined >= target)

    @pytest.mark.parametrize("method", ["combination", "rw_drift"])
    def test_against_many_plain_paths_of_the_recipe(self, method):
        # a moderate line, reached by about 2% of paths by 2030 and 5% by 2035
        target = 200_000.0
        plain = forecast(paths=100_000, seed=9, method=method)
        f = forecast(paths=1_000, seed=4, method=method)
        assert f.method == method and f.weight == (0.0 if method == "rw_drift" else W)
        for year in (2030, 2035):
            p = plain.probability_by(year, target)
            se = math.sqrt(p * (1 - p) / plain.paths)
            est = f.tail(year, target)
            # at weight 0 the likeliest year is exact and only the rest of the union is sampled
            assert est.method == ("importance sampling" if method == "combination" else EXACT_AND_SAMPLED)
            assert est.relative_error <= 0.1
            assert abs(est.probability - p) < 4 * math.hypot(se, est.standard_error)

    def test_jointly_with_the_route_against_many_plain_paths(self):
        # the combination's paths over 200,000 by 2030 that are also on the route where the plan
        # succeeds, counted on 200,000 plain paths of the model: the route from each path's draws
        # (no slip, built, at least its stated peak), the combined paths by rank (combined_paths,
        # the headline's weight), the same seed giving the same paths to both
        target, n = 200_000.0, 200_000
        f = forecast(paths=1_000, seed=4, method="combination")
        assert f.method == "combination"
        totals, on_route = plain_paths_on_route(f, n, 17)
        combined = combined_paths(totals, np.arange(2026, 2031), Vintage.at(2026).history(), f.weight)
        hits = int((on_route & (combined >= target).any(axis=1)).sum())
        p = hits / n
        se = math.sqrt(p * (1 - p) / n)
        joint = f.tails((2030,), target)[(2030, True)]
        assert hits > 100 and joint.method == "importance sampling" and joint.relative_error <= 0.2
        assert abs(joint.probability - p) < 4 * math.hypot(se, joint.standard_error)

    def test_at_weight_zero_a_year_alone_is_the_walks_closed_form(self):
        # the random walk's quantiles given to the model's paths by rank: in one year the tail is
        # the walk's, P(N(0, 1) >= (ln T - h mu) / (s sqrt(h))) from the last actual, mu and s by
        # hand from history.csv; given exactly (standard error 0), by the forecast and by the
        # combination's estimator asked for that one year at weight 0 (the sampler had put 2030 alone
        # at 2.29e-4 against the exact 1.95e-4)
        last_year, last, mu, sd = walk_by_hand()
        f = forecast(paths=1_000, seed=4, method="rw_drift")
        frame = PathFrame(f.lineup, f.scenario, 2026, 2030, f.uncertainty, 2025)
        walk = np.array(f.walk[:5])
        for year, target in ((2030, 400_000.0), (2028, 150_000.0)):
            h = year - last_year
            exact = upper((math.log(target / last) - h * mu) / (sd * math.sqrt(h)))
            est = f.tail_in(year, target)
            assert est.method == "closed form" and est.standard_error == 0
            assert est.probability == pytest.approx(exact, rel=1e-9)
            assert f.chance_in(year, target).probability == est.probability
            j = year - 2026
            one = PathFrame(f.lineup, f.scenario, year, year, f.uncertainty, 2025)
            sampled = combination_tail_probabilities(one, target, (year,), 0.0, walk[j : j + 1, 0], walk[j : j + 1, 1])
            s = sampled[(year, False)]
            assert s.method == "closed form" and s.standard_error == 0
            assert s.probability == pytest.approx(exact, rel=1e-9)
        # by a year, at least the likeliest single year's (the union holds each year's event: known
        # exactly, it is not estimated again) and at most the sum of the years'; at the default seed, an
        # estimate of the whole union put 800,000 by 2030 at 6.16e-7, below 2030 alone (6.64e-7)
        g = forecast(paths=1_000, method="rw_drift")
        # below the current level: each year is near certain; by a year is never below the first year's
        # exact figure, and a certain event is 1 exactly (the whole union estimated gave 0.9978)
        for target, first in ((30_000.0, 0.999786), (0.5, 1.0)):
            out = g.tails((2026, 2030), target)
            alone = upper((math.log(target / last) - mu) / sd)
            assert alone == pytest.approx(first, abs=1e-6)
            assert out[(2026, False)].method == "closed form" and out[(2026, False)].probability == alone
            assert out[(2030, False)].probability >= alone
        for target in (400_000.0, 800_000.0):
            by = g.tails((2030, 2035), target)[(2030, False)]
            alone = [upper((math.log(target / last) - h * mu) / (sd * math.sqrt(h))) for h in range(1, 6)]
            assert by.method == EXACT_AND_SAMPLED and by.relative_error <= 0.1
            assert max(alone) <= by.probability < sum(alone), (target, by.probability, alone)
        assert frame.years.tolist() == list(range(2026, 2031))

    def test_the_headline_probability_carries_its_standard_error(self):
        f = forecast(paths=2_000)
        t = f.tail(2030)
        d = t.to_dict()
        assert d["method"] == EXACT_AND_SAMPLED and d["standard_error"] == t.standard_error  # headline.csv: rw_drift
        assert t.relative_error <= 0.1 and 1e-6 < t.probability < 1e-2
        # the estimate is far more precise than the count of the forecast's own 2,000 paths
        assert t.standard_error < math.sqrt(t.probability / f.paths)


@pytest.mark.filterwarnings("error")
def test_a_line_beyond_reach_gives_nothing():
    # 1e308 units is thousands of standard deviations above both parts' central paths: the
    # combination's lines are not finite on the lognormal guess, no weighted path reaches them,
    # and the estimate is None (the caller gives the plain paths' 95% bound)
    assert estimate(2027, 1e308, seed=11) is None


@pytest.mark.filterwarnings("error")
def test_a_tiny_estimate_keeps_its_standard_error():
    # at 1e12 units the 2030 estimate is about 2e-211: its 16 group estimates differ, but the
    # squares of their deviations fall below the smallest double, so an unscaled standard
    # deviation is 0 (and an estimate "with standard error 0" was quoted); scaled, it is not
    f = forecast(paths=1_000, seed=4)
    out = f.tails((2030, 2035), 1e12)
    assert all(v.standard_error is None or v.standard_error > 0 for v in out.values())
    est = out[(2030, False)]
    assert est.method == "importance sampling" and 1e-230 < est.probability < 1e-190
    assert 0 < est.relative_error <= 0.1


@pytest.mark.parametrize(
    ("p2035", "se2035", "basis_2030", "basis_2035"),
    [
        # 2035's upper end 1e-3 + 1.645 x 2e-5 = 1.0329e-3 is below 2030's plain bound (2.99e-3):
        # 2030 is bounded by it; both joints by the probability alone (below the route's 0.39%)
        (1e-3, 2e-5, "at most the probability by 2035", "at most the probability without the route"),
        # 2035's upper end 0.021645 is above both: 2030 keeps its plain bound (below the route's
        # 0.39%), 2035's joint is bounded by the route's own probability
        (0.02, 1e-3, "no path", "at most the route's own probability"),
    ],
)
def test_bounds_where_an_estimate_is_missing(mocker, p2035, se2035, basis_2030, basis_2035):
    # no weighted estimate for 2030 nor with the route (mocked away): a year without an
    # estimate is bounded by a later year's upper end when that is lower than its own plain
    # bound (reaching the line by 2030 is reaching it by 2035); a joint probability by the
    # probability alone and by the route's own probability, whichever is lower
    f = forecast(paths=1_000, seed=4)
    plain = 1 - 0.05 ** (1 / 1_000)  # no plain path of 1,000 reaches 400,000: the exact bound 2.99e-3
    alone_2035 = TailProbability(p2035, se2035, None, 16_000, 9_000, "importance sampling")
    mocker.patch.object(type(f), "_combination", return_value={(2030, False): None, (2035, False): alone_2035})
    out = f.tails((2030, 2035))
    assert out[(2035, False)] is alone_2035
    upper_2035 = p2035 + 1.645 * se2035
    b = out[(2030, False)]
    assert b.standard_error is None and b.upper_95 == pytest.approx(min(plain, upper_2035))
    assert basis_2030 in b.text()
    route = f.plan_route_probability()
    assert 0.003 < route < 0.005
    for y, basis in ((2030, "at most the probability without the route"), (2035, basis_2035)):
        j = out[(y, True)]
        assert j.method == "bound" and j.upper_95 == pytest.approx(min(out[(y, False)].upper, route))
        assert j.basis == basis
