"""Probabilities with their precision, and the rare-event estimator against closed forms and brute force."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from closed_form import solo
from plain_route import plain_paths_on_route

from alfa_xl.model.engine.scenarios import get_scenario
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.risk import tails
from alfa_xl.model.risk.simulate import PathFrame, simulate
from alfa_xl.model.risk.tails import (
    FAR,
    TINY,
    mc_probability,
    plan_route_probability,
    tail_probabilities,
    tail_probability,
)

N01 = NormalDist()


class TestPlainPrecision:
    def test_standard_error_of_a_share(self):
        t = mc_probability(30, 1_000)
        assert t.probability == 0.03 and t.standard_error == pytest.approx(math.sqrt(0.03 * 0.97 / 1_000))
        assert t.upper_95 is None and t.to_dict()["standard_error"] == t.standard_error

    def test_no_path_gives_the_exact_binomial_bound(self):
        # P(0 of n | p) = (1 - p)^n = 0.05 at the bound: p = 1 - 0.05^(1/n), about 3 / n
        t = mc_probability(0, 20_000)
        assert t.standard_error is None and t.upper_95 == pytest.approx(1 - 0.05 ** (1 / 20_000))
        assert t.upper_95 == pytest.approx(3 / 20_000, rel=0.01)
        assert "standard_error" not in t.to_dict() and t.to_dict()["upper_95"] == t.upper_95
        assert t.text().startswith("below 1 in 6,600") or t.text().startswith("below 1 in 6,700")


class TestClosedForm:
    @pytest.mark.parametrize("p", [1e-4, 1e-6])
    def test_one_year_lognormal_tail(self, p):
        # total = 10,000 exp(sigma Z): P(total >= 10,000 exp(sigma z_p)) = p exactly
        lu, u = solo(0.25)
        target = 10_000 * math.exp(0.25 * N01.inv_cdf(1 - p))
        frame = PathFrame(lu, get_scenario("base"), 2026, 2026, u, 2025)
        est = tail_probability(frame, target, seed=3)
        assert est.relative_error <= 0.1
        assert abs(est.probability - p) < 4 * est.standard_error

    def test_two_years_of_a_random_walk(self):
        # P(max(V1, V2) >= b) for V1 = s Z1, V2 = s (Z1 + Z2): by inclusion-exclusion with the
        # bivariate normal, P = P(V1 >= b) + P(V2 >= b) - P(V1 >= b, V2 >= b); the last term by
        # conditioning on Z1 (numerical integral of a smooth function, 20,000 nodes)
        s, b = 0.25, 1.0
        lu, u = solo(s)
        z1 = np.linspace(b / s, 12, 20_000)
        dens = np.exp(-(z1**2) / 2) / math.sqrt(2 * math.pi)
        tail2 = np.array([1 - N01.cdf(b / s - z) for z in z1])
        both = float(np.trapezoid(dens * tail2, z1))
        exact = (1 - N01.cdf(b / s)) + (1 - N01.cdf(b / (s * math.sqrt(2)))) - both
        est = tail_probability(PathFrame(lu, get_scenario("base"), 2026, 2027, u, 2025), 10_000 * math.exp(b), seed=5)
        assert abs(est.probability - exact) < 4 * est.standard_error and est.relative_error <= 0.1


class TestAgainstBruteForce:
    def test_recipe_at_a_lower_line(self):
        # the calibrated recipe, 150,000 a year by 2030: frequent enough for 200,000 plain paths
        f = forecast(paths=1_000, method="model")
        frame = PathFrame(f.lineup, f.scenario, 2026, 2030, f.uncertainty, 2025)
        est = tail_probability(frame, 150_000, seed=9)
        sim = simulate(f.lineup, f.scenario, 2026, 2030, 200_000, 17, f.uncertainty, base_year=2025)
        hits = int((sim.totals >= 150_000).any(axis=1).sum())
        plain = mc_probability(hits, 200_000)
        assert hits > 100
        assert abs(est.probability - plain.probability) < 4 * math.hypot(est.standard_error, plain.standard_error)

    def test_route_probability_by_quadrature_matches_the_draws(self):
        f = forecast(paths=1_000, method="model")
        frame = PathFrame(f.lineup, f.scenario, 2026, 2026, f.uncertainty, 2025)
        n = 200_000
        _, on_route = plain_paths_on_route(f, n, 23, end_year=2026)
        share = on_route.mean()
        p = plan_route_probability(frame)
        assert on_route.sum() > 100
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / n)

    def test_the_joint_estimate_matches_plain_paths(self):
        # the joint estimate against 200,000 plain paths: each on the route by its draws (no
        # slip, built, at least its stated peak) and over 150,000 a year by 2030 by its totals
        # (same seed: same paths)
        f = forecast(paths=1_000, method="model")
        frame = PathFrame(f.lineup, f.scenario, 2026, 2030, f.uncertainty, 2025)
        est = tail_probabilities(frame, 150_000, (2030,), seed=9)
        assert set(est) == {(2030, False), (2030, True)}
        n = 200_000
        totals, on_route = plain_paths_on_route(f, n, 17)
        hits = int((on_route & (totals >= 150_000).any(axis=1)).sum())
        plain = mc_probability(hits, n)
        joint = est[(2030, True)]
        assert hits > 30 and joint.relative_error <= 0.1
        assert abs(joint.probability - plain.probability) < 4 * math.hypot(joint.standard_error, plain.standard_error)

    def test_the_joint_route_estimate_is_within_the_route(self):
        f = forecast(paths=1_000, method="model")
        joint = f.tail(2030, route=True)
        assert 0 < joint.probability <= f.plan_route_probability()
        assert joint.probability <= f.tail(2030).probability + 4 * f.tail(2030).standard_error


def test_a_forecast_conditioned_on_the_year_to_date_quotes_its_plain_paths():
    # the importance sampler does not carry the year-to-date conditioning: the plain count is
    # quoted instead, here with no path over the line, so only its exact binomial bound
    f = forecast(paths=2_000, ytd=40_000, ytd_months=6)
    t = f.tail(2030)
    assert f.conditioned and t.method == "monte carlo"
    hits = round(f.probability_by(2030) * 2_000)
    if hits == 0:
        assert t.standard_error is None and t.upper_95 == pytest.approx(1 - 0.05 ** (1 / 2_000))
        assert t.text().startswith("below 1 in ")
    else:
        assert t.standard_error == pytest.approx(math.sqrt(t.probability * (1 - t.probability) / 2_000))


class TestBeyondReach:
    """A line the engine cannot reach in double precision: one batch, no shift made, no warning."""

    def test_far_is_the_distance_whose_normal_tail_is_tiny(self):
        # exp(-r^2 / 2) = 1e-280  <=>  r = sqrt(2 x 280 x ln 10) = sqrt(1,289.46) = 35.909
        assert TINY == 1e-280 and abs(FAR - 35.909) < 1e-3

    @pytest.mark.filterwarnings("error")
    def test_an_unreachable_line_gives_nothing_after_one_batch(self, mocker):
        # 1e308 units: log(1e308 / 10,000) / 0.25 = 2,800 standard deviations of the one model's
        # yearly noise, far beyond FAR; no weighted path can reach it, so the estimate is None
        # (the caller gives the plain paths' 95% bound) and one batch of 8,000 paths is drawn
        lu, u = solo(0.25)
        frame = PathFrame(lu, get_scenario("base"), 2026, 2030, u, 2025)
        batches = mocker.spy(tails, "_sample")
        out = tail_probabilities(frame, 1e308, (2030,), seed=1, batch=8_000)
        assert out == {(2030, False): None, (2030, True): None}
        assert batches.call_count == 1
