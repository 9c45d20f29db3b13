"""Tests of alfa_xl.model.risk.simulate and ``alfa-xl simulate``.

Expected moments come from the distributions' parameters worked out by hand (Poisson,
Bernoulli, lognormal, normal) and from the shipped plan tables; tolerances are four
standard errors of the estimate at the number of paths used.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from dataclasses import FrozenInstanceError
from importlib import resources

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from strategies import horizons, lineups, scenarios

from alfa_xl.cli import main
from alfa_xl.errors import AlfaInputError, HorizonError, SimulationError
from alfa_xl.model.engine.lineup import Lineup, Model, default_lineup
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import BUILTIN, Scenario, get_scenario
from alfa_xl.model.risk.simulate import MAX_SLIP, draw, simulate
from alfa_xl.model.risk.draws import BLOCK
from alfa_xl.model.risk.settings import DEFAULT_SEED, MAX_PATHS, check_percentiles
from alfa_xl.model.risk.uncertainty import Uncertainty
from alfa_xl.model.risk.tornado import tornado

N = 20_000  # paths for the moment tests
Z90 = 1.2815515655446004  # standard normal 90th percentile
NONE = Uncertainty.none()
PLANNED = ["Tonale successor", "Stelvio (next)", "Giulia (next)", "4.3 m model"]  # default lineup, base scenario
SPLIT = dict(share_italy=0.2, share_rest_of_europe=0.5, share_north_america=0.3, share_rest_of_world=0.0)


def se4(sd: float, n: int = N) -> float:
    """Four standard errors of a mean."""
    return 4 * sd / math.sqrt(n)


def columns(names: list[str]) -> list[int]:
    lu = default_lineup()
    return [lu.names.index(n) for n in names]


def one_model(**kw) -> Lineup:
    """One planned model X: peak 10,000 from 2026, half of 2026 on sale, 30% North America."""
    args = dict(model="X", launch_year=2026, peak_units=10_000, **SPLIT)
    args.update(kw)
    return Lineup([Model(**args)])


# -- calibration against the source tables --------------------------------------------------
class TestCalibration:
    def test_default_settings_from_the_plan_tables(self):
        # plan_2014.csv: Giulia planned 2015 built 2016, Stelvio 2016 -> 2017, compact SUV
        # 2016-2018 (midpoint 2017) -> 2022; five more models never built: 8 planned.
        slips = [2016 - 2015, 2017 - 2016, 2022 - 2017]
        with (
            resources.as_file(resources.files("alfa_xl.model") / "data" / "peak_realisation.csv") as p,
            open(p, newline="") as fh,
        ):
            rows = [r for r in csv.DictReader(fh) if r["counted"] == "yes"]
        # built models' peaks against the peak assumed before launch, one row per model
        logs = [math.log(float(r["actual_peak"]) / float(r["planned_peak"])) for r in rows]
        mean = sum(logs) / len(logs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
        u = Uncertainty.track_record()
        assert [r["model"] for r in rows] == ["Giulia", "Stelvio", "Tonale", "Junior"]
        # dropped_models.csv: 1 of 8 dropped models built later; Laplace (1 + 1) / (8 + 2)
        assert u.revival_probability == pytest.approx(2 / 10)
        assert u.slip_mean == pytest.approx(sum(slips) / 3)
        # lead <= 2 years (Giulia 2015, Stelvio 2016, Giulietta successor 2016): 1 of 3 dropped;
        # further (2016-2018 ranges, 2017): 4 of 5 dropped; Laplace (dropped + 1) / (n + 2)
        assert u.cancel_near == pytest.approx(2 / 5)
        assert u.cancel_probability == pytest.approx(5 / 7)
        assert u.peak_sigma == pytest.approx(sd)
        assert u.trend_sigma == 0.0  # the market is inside the brand's yearly noise
        assert u.tariff_sigma == pytest.approx(round(1 - 5652 / 8830, 2))  # US 2025 vs 2024 (NOTES.md)
        with (
            resources.as_file(resources.files("alfa_xl.model") / "data" / "history.csv") as p,
            open(p, newline="") as fh,
        ):
            hist = sorted((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
        steps = [(b[0] - a[0], math.log(b[1] / a[1])) for a, b in zip(hist, hist[1:])]
        assert u.volume_sigma == pytest.approx(math.sqrt(sum(d * d for _, d in steps) / sum(g for g, _ in steps)))
        assert u.correlation == 0.5
        assert Uncertainty() == u


# -- distributions ------------------------------------------------------------------------------
class TestSlip:
    @pytest.mark.parametrize(
        "scenario, mu",
        [
            # slips drawn from the stated date, the scenario's delay counted inside the draw:
            # mean max(7/3, delay) for every scenario whose delay is below the record's mean
            ("base", 7 / 3),
            ("bear", 7 / 3),
            ("track_record", 7 / 3),
        ],
    )
    def test_poisson_moments(self, scenario, mu):
        d = draw(N, seed=11, scenario=scenario)
        k = d.slip[:, columns(PLANNED)].astype(float)
        # Poisson(mu): mean = variance = mu; Var of the sample variance ~ (mu + 2 mu^2) / n
        assert abs(k.mean(axis=0) - mu).max() < se4(math.sqrt(mu))
        assert abs(k.var(axis=0) - mu).max() < 4 * math.sqrt((mu + 2 * mu**2) / N)
        p0 = math.exp(-mu)
        assert abs((k == 0).mean(axis=0) - p0).max() < se4(math.sqrt(p0 * (1 - p0)))

    def test_whole_years_never_negative(self):
        k = draw(N, seed=12).slip
        assert k.dtype.kind == "i" and k.min() == 0 and k.max() <= MAX_SLIP

    def test_scenario_delay_beyond_the_track_record_is_the_mean_of_the_draw(self):
        d = draw(N, seed=1, scenario=get_scenario("base").with_(delay_years=3))
        k = d.slip[:, columns(PLANNED)].astype(float)
        assert abs(k.mean(axis=0) - 3).max() < se4(math.sqrt(3))

    def test_a_launch_on_time_keeps_its_probability(self):
        # the calibrated recipe delays launches by 2 years in its central case; on a path a model
        # can still launch on its stated date, with the Poisson(7/3) probability of no slip
        k = draw(N, seed=13, scenario="track_record").slip[:, columns(PLANNED)]
        p0 = math.exp(-7 / 3)
        assert abs((k == 0).mean(axis=0) - p0).max() < se4(math.sqrt(p0 * (1 - p0)))

    def test_models_on_sale_and_inactive_models_never_move(self):
        d = draw(2000, seed=1, uncertainty=Uncertainty().with_(revival_probability=0.0))
        fixed = columns(["Junior", "Tonale", "Giulia", "Stelvio", "US E-SUV"])
        assert not d.slip[:, fixed].any() and not d.cancelled[:, fixed].any()
        assert (d.peak_multiplier[:, fixed] == 1).all()


class TestCancellation:
    def test_bernoulli_frequency_by_lead_and_firmness(self):
        # base year 2025: lead = launch - 2026. Tonale successor 2027, next Stelvio and Giulia
        # 2028: lead <= 2 (0.4); the 4.3 m model 2030: lead 4 (5/7); odds x2 for a rumour
        lu = default_lineup()
        odds = {"confirmed": 0.5, "dated": 1.0, "rumour": 2.0}
        expected = []
        for name in PLANNED:
            base = 0.4 if lu[name].launch_year - 2026 <= 2 else 5 / 7
            o = base / (1 - base) * odds[getattr(lu[name], "firmness", None) or "dated"]
            expected.append(o / (1 + o))
        c = np.array(expected)
        hit = draw(N, seed=13).cancelled[:, columns(PLANNED)].mean(axis=0)
        assert (abs(hit - c) < se4(np.sqrt(c * (1 - c)))).all()

    def test_firmness_moves_the_odds(self):
        u = NONE.with_(cancel_near=0.5, cancel_probability=0.5, confirmed_odds=0.5, rumour_odds=3.0)
        lead = np.array([1, 1, 1])
        assert u.cancel_probabilities(lead, ["confirmed", "dated", "rumour"]).tolist() == pytest.approx(
            [1 / 3, 0.5, 0.75]
        )

    def test_reported_cancelled_model_drawn_only_when_the_scenario_keeps_it(self):
        esuv = columns(["US E-SUV"])[0]
        u = Uncertainty()
        assert (
            not draw(2000, seed=1, scenario="base", uncertainty=u.with_(revival_probability=0.0))
            .cancelled[:, esuv]
            .any()
        )
        # left out by the scenario: built after all on 20% of paths (revival_probability)
        assert abs(1 - draw(N, seed=1, scenario="base").cancelled[:, esuv].mean() - 0.2) < se4(math.sqrt(0.2 * 0.8))
        # plan: announced 2027, lead 1 -> the near class, 0.4
        assert abs(draw(N, seed=1, scenario="plan").cancelled[:, esuv].mean() - 0.4) < se4(math.sqrt(0.4 * 0.6))


class TestVolumeNoise:
    """Models on sale: log volume a random walk from the latest actual, sd volume_sigma a year."""

    def test_random_walk_moments(self):
        s = 0.25
        d = draw(N, seed=21, uncertainty=NONE.with_(volume_sigma=s))
        w = d.volume  # (P, T): cumulative log noise after 2025 to the default end, 2030
        assert w.shape == (N, 5)
        steps = np.diff(np.column_stack([np.zeros(N), w]), axis=1)
        assert abs(steps.mean(axis=0)).max() < se4(s)
        assert abs(steps.std(axis=0) - s).max() < 4 * s / math.sqrt(2 * N)
        assert abs(np.corrcoef(steps[:, 0], steps[:, 3])[0, 1]) < 4 / math.sqrt(N)  # independent steps
        assert abs(w[:, 4].std() - s * math.sqrt(5)) < 4 * s * math.sqrt(5) / math.sqrt(2 * N)

    def test_only_models_on_sale_move(self):
        lu = Lineup([Model("P", 2020, 20_000, status="on_sale", **SPLIT), Model("X", 2027, 10_000, **SPLIT)])
        s = 0.2
        sim = simulate(lu, "base", 2025, 2029, paths=N, seed=22, uncertainty=NONE.with_(volume_sigma=s))
        d = draw(N, seed=22, lineup=lu, uncertainty=NONE.with_(volume_sigma=s))
        proj = project(lu, "base", 2025, 2029)
        p_units, x_units = proj.units[:, 0].sum(axis=1), proj.units[:, 1].sum(axis=1)
        assert_allclose(sim.totals[:, 0], p_units[0] + x_units[0])  # 2025 is an actual year: no noise
        expected = p_units[1:] * np.exp(d.volume[:, :4]) + x_units[1:]
        assert_allclose(sim.totals[:, 1:], expected, rtol=1e-12)


class TestPeak:
    def test_lognormal_moments(self):
        s = Uncertainty.track_record().peak_sigma
        m = draw(N, seed=14).peak_multiplier[:, columns(PLANNED)]
        logs = np.log(m)
        assert abs(logs.mean(axis=0)).max() < se4(s)  # median 1: the scenario's peak
        assert abs(logs.std(axis=0) - s).max() < 4 * s / math.sqrt(2 * N)
        # lognormal mean exp(s^2 / 2); sd of the multiplier sqrt((e^{s^2} - 1) e^{s^2})
        assert abs(m.mean(axis=0) - math.exp(s**2 / 2)).max() < se4(math.sqrt((math.exp(s**2) - 1) * math.exp(s**2)))


class TestMarket:
    @pytest.mark.parametrize("scenario", ["base", "bear", "bull"])
    def test_trend_and_tariff_normal_around_the_scenario(self, scenario):
        sc = get_scenario(scenario)
        d = draw(
            N, seed=15, scenario=sc, uncertainty=Uncertainty().with_(trend_sigma=0.02 / Z90, tariff_sigma=0.2 / Z90)
        )
        assert abs(d.market_trend.mean() - sc.market_trend) < se4(0.02 / Z90)
        assert abs(d.market_trend.std() - 0.02 / Z90) < 4 * (0.02 / Z90) / math.sqrt(2 * N)
        assert abs(d.na_tariff.mean() - sc.na_tariff) < se4(0.2 / Z90)
        assert abs(d.na_tariff.std() - 0.2 / Z90) < 4 * (0.2 / Z90) / math.sqrt(2 * N)


class TestCorrelation:
    def test_one_factor_copula(self):
        d = draw(N, seed=16, uncertainty=Uncertainty().with_(trend_sigma=0.01))
        cols = columns(PLANNED)
        logs = np.log(d.peak_multiplier[:, cols])
        tol = 4 * (1 - 0.5**2) / math.sqrt(N)
        # two latent normals sharing the factor with weight rho correlate at rho
        assert np.corrcoef(logs[:, 0], logs[:, 1])[0, 1] == pytest.approx(0.5, abs=tol)
        # each latent correlates with the factor at sqrt(rho)
        assert np.corrcoef(d.market_trend, d.factor)[0, 1] == pytest.approx(math.sqrt(0.5), abs=tol)
        assert np.corrcoef(d.na_tariff, d.factor)[0, 1] == pytest.approx(math.sqrt(0.5), abs=tol)

    def test_a_bad_year_is_bad_for_every_driver(self):
        d = draw(N, seed=17)
        cols = columns(PLANNED)
        bad = d.factor < np.quantile(d.factor, 0.2)
        good = d.factor > np.quantile(d.factor, 0.8)
        assert (d.slip[bad][:, cols].mean(axis=0) > d.slip[good][:, cols].mean(axis=0)).all()
        assert (d.cancelled[bad][:, cols].mean(axis=0) > d.cancelled[good][:, cols].mean(axis=0)).all()
        assert (d.peak_multiplier[bad][:, cols].mean(axis=0) < d.peak_multiplier[good][:, cols].mean(axis=0)).all()

    def test_no_correlation_gives_independent_draws(self):
        d = draw(N, seed=18, uncertainty=Uncertainty().with_(correlation=0.0))
        logs = np.log(d.peak_multiplier[:, columns(PLANNED)])
        assert abs(np.corrcoef(logs[:, 0], logs[:, 1])[0, 1]) < 4 / math.sqrt(N)


# -- the projection formula ----------------------------------------------------------------------
class TestZeroSpread:
    @pytest.mark.parametrize("scenario", list(BUILTIN))
    @pytest.mark.parametrize("horizon", [(2026, 2035), (2015, 2040)])
    def test_reproduces_the_deterministic_projection(self, scenario, horizon):
        sim = simulate(
            scenario=scenario, start_year=horizon[0], end_year=horizon[1], paths=500, seed=3, uncertainty=NONE
        )
        expected = project(scenario=scenario, start_year=horizon[0], end_year=horizon[1]).totals
        assert_allclose(sim.totals, np.broadcast_to(expected, sim.totals.shape), rtol=1e-12, atol=1e-9)
        assert_allclose(sim.deterministic, expected, rtol=1e-12)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_random_lineups_and_scenarios(self, data):
        lu = data.draw(lineups())
        sc = data.draw(scenarios(lu.names))
        start, end = data.draw(horizons())
        sim = simulate(lu, sc, start, end, paths=3, seed=1, uncertainty=NONE)
        expected = project(lu, sc, start, end).totals
        assert_allclose(sim.totals, np.broadcast_to(expected, sim.totals.shape), rtol=1e-12, atol=1e-9)


class TestEachPathIsAProjection:
    def test_path_equals_project_with_that_paths_draws_as_a_scenario(self):
        # smaller peak spread so every multiplier stays inside the scenario limits (0-10)
        u = Uncertainty().with_(peak_sigma=0.3, volume_sigma=0.0)
        base = get_scenario("plan")
        sim = simulate(scenario=base, start_year=2026, end_year=2040, paths=40, seed=5, uncertainty=u)
        d = draw(40, seed=5, scenario=base, uncertainty=u)
        names = default_lineup().names
        for p in range(40):
            moved = [i for i in range(len(names)) if d.slip[p, i] or d.cancelled[p, i] or d.peak_multiplier[p, i] != 1]
            sc = Scenario(
                name=f"path {p}",
                use_announced_dates=True,
                include_reported_cancelled=True,
                delays=tuple((names[i], int(d.slip[p, i])) for i in moved if d.slip[p, i]),
                peak_multipliers=tuple((names[i], float(d.peak_multiplier[p, i])) for i in moved),
                cancel=tuple(names[i] for i in moved if d.cancelled[p, i]),
                market_trend=float(d.market_trend[p]),
                na_tariff=float(d.na_tariff[p]),
            )
            assert_allclose(
                sim.totals[p], project(scenario=sc, start_year=2026, end_year=2040).totals, rtol=1e-12, atol=1e-9
            )

    def test_successor_cancelled_predecessor_runs_on(self):
        lu = Lineup(
            [
                Model("P", 2020, 20_000, status="on_sale", **SPLIT),
                Model("S", 2028, 8_000, launch_fraction=0.25, replaces="P", **SPLIT),
            ]
        )
        u = NONE.with_(cancel_probability=1.0, cancel_near=1.0)
        sim = simulate(lu, "base", 2027, 2030, paths=5, seed=1, uncertainty=u)
        only_p = project(lu, Scenario(name="c", cancel=("S",)), 2027, 2030).totals
        assert_allclose(sim.totals, np.broadcast_to(only_p, sim.totals.shape), rtol=1e-12)


# -- reproducibility -------------------------------------------------------------------------------
class TestReproducible:
    def test_same_seed_same_paths_whatever_the_chunk_size(self):
        n = 2 * BLOCK + 1234  # three random streams, chunks straddling their boundaries
        runs = [
            simulate(paths=n, seed=42, start_year=2026, end_year=2032, chunk_paths=c).totals
            for c in (None, 777, 5000, BLOCK, BLOCK + 1, n)
        ]
        for r in runs[1:]:
            assert_array_equal(r, runs[0])

    def test_a_block_whose_totals_are_computed_in_parts(self):
        # 2026-2045: 9 models x 20 years = 180 cells a path, so a block of 16,384 paths has its
        # totals computed in parts of 8,333 (the memory bound); chunks of 1,000 are one part each
        n = BLOCK + 500
        whole = simulate(paths=n, seed=3, start_year=2026, end_year=2045).totals
        assert_array_equal(whole, simulate(paths=n, seed=3, start_year=2026, end_year=2045, chunk_paths=1000).totals)

    def test_chunks_of_one_path(self):
        assert_array_equal(simulate(paths=40, seed=9, chunk_paths=1).totals, simulate(paths=40, seed=9).totals)

    def test_more_paths_extend_fewer(self):
        assert_array_equal(
            simulate(paths=BLOCK + 3000, seed=7).totals[: BLOCK + 100], simulate(paths=BLOCK + 100, seed=7).totals
        )
        assert_array_equal(simulate(paths=10_000, seed=7).totals[:3000], simulate(paths=3000, seed=7).totals)

    def test_a_model_keeps_its_draws_when_the_lineup_or_scenario_changes(self):
        full = default_lineup()
        fewer = Lineup([m for m in full.models if m.model != "4.3 m model"])
        a, b = draw(3000, seed=6, lineup=full), draw(3000, seed=6, lineup=fewer)
        for name in ["Tonale successor", "Stelvio (next)", "Giulia (next)"]:
            i, j = full.names.index(name), fewer.names.index(name)
            assert_array_equal(a.slip[:, i], b.slip[:, j])
            assert_array_equal(a.cancelled[:, i], b.cancelled[:, j])
            assert_array_equal(a.peak_multiplier[:, i], b.peak_multiplier[:, j])
        assert_array_equal(draw(3000, seed=6, scenario="bull").peak_multiplier, a.peak_multiplier)

    def test_draws_of_a_later_range_match(self):
        whole = draw(BLOCK + 50, seed=3)
        part = draw(100, seed=3, first_path=BLOCK - 50)
        assert_array_equal(part.slip, whole.slip[BLOCK - 50 :])
        assert_array_equal(part.peak_multiplier, whole.peak_multiplier[BLOCK - 50 :])

    def test_different_seeds_differ(self):
        assert not np.array_equal(simulate(paths=500, seed=1).totals, simulate(paths=500, seed=2).totals)

    def test_default_seed_is_fixed(self):
        assert_array_equal(simulate(paths=300).totals, simulate(paths=300, seed=DEFAULT_SEED).totals)

    def test_seed_as_excel_number(self):
        assert_array_equal(simulate(paths=300, seed=7.0).totals, simulate(paths=300, seed=7).totals)


# -- results ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sim():
    return simulate(paths=4000, seed=8, end_year=2035)


class TestResults:
    def test_read_only(self, sim):
        assert not sim.totals.flags.writeable
        with pytest.raises(ValueError):
            sim.totals[0, 0] = 1.0
        with pytest.raises(FrozenInstanceError):
            sim.seed = 1

    def test_shape_and_years(self, sim):
        assert sim.totals.shape == (4000, 10) and sim.paths == 4000
        assert sim.years.tolist() == list(range(2026, 2036))

    @settings(max_examples=60, deadline=None)
    @given(targets=st.lists(st.floats(1, 1_000_000), min_size=2, max_size=6), year=st.integers(2026, 2035))
    def test_probability_in_0_1_and_non_increasing_in_the_target(self, sim, targets, year):
        ps = [sim.probability(t, year) for t in sorted(targets)]
        assert all(0 <= p <= 1 for p in ps)
        assert all(a >= b for a, b in zip(ps, ps[1:]))

    def test_probability_is_the_share_of_paths(self, sim):
        col = sim.totals[:, 4]
        target = float(np.median(col))
        assert sim.probability(target, 2030) == np.count_nonzero(col >= target) / 4000
        assert sim.probability(1, 2030) == 1.0 and sim.probability(1e9, 2030) == 0.0

    def test_probability_one_minus_cancellation(self):
        # one model, only the cancellation uncertain: reaches a small target unless cancelled
        lu = one_model()
        s = simulate(lu, "base", 2026, 2028, paths=N, seed=4, uncertainty=NONE.with_(cancel_near=0.3))
        assert s.probability(5_000, 2027) == pytest.approx(0.7, abs=se4(math.sqrt(0.21)))

    @settings(max_examples=60, deadline=None)
    @given(ps=st.lists(st.floats(0, 100), min_size=1, max_size=8))
    def test_percentiles_monotone_in_p(self, sim, ps):
        ps = sorted(ps)
        table = sim.percentiles(ps).drop(columns="Year").to_numpy()
        assert (np.diff(table, axis=1) >= -1e-9).all()

    def test_percentiles_by_hand(self, sim):
        t = sim.percentiles([0, 50, 100])
        assert list(t.columns) == ["Year", "P0", "P50", "P100"]
        assert_allclose(t["P0"], sim.totals.min(axis=0))
        assert_allclose(t["P100"], sim.totals.max(axis=0))
        col = np.sort(sim.totals[:, 0])
        assert t["P50"].iloc[0] == pytest.approx((col[1999] + col[2000]) / 2)  # 4000 paths: mean of the middle two

    def test_repeated_percentile_repeats_its_column(self, sim):  # found by fuzzing the worksheet function
        t = sim.percentiles([50, 10, 50])
        assert list(t.columns) == ["Year", "P50", "P10", "P50"] and t.shape == (10, 4)
        assert_allclose(t.iloc[:, 1], t.iloc[:, 3])
        assert t["Year"].dtype.kind == "i"

    def test_summary(self, sim):
        s = sim.summary(100_000)
        assert list(s.columns) == ["Year", "P10", "P50", "P90", "Mean", "Scenario", "Probability"]
        assert_allclose(s["Mean"], sim.totals.mean(axis=0))


# -- tornado ------------------------------------------------------------------------------------------
class TestTornado:
    def test_one_model_by_hand(self):
        u = Uncertainty.track_record().with_(trend_sigma=0.02 / Z90, tariff_sigma=0.2 / Z90)
        t = tornado(2028, "base", one_model(), u).set_index("Driver")
        s2 = 0.5 + 0.5 * math.exp(-1.8)  # default curve at age 2 (2028 for a 2026 launch)
        base = 10_000 * s2
        # slip: Poisson(7/3) P10 = 1, P90 = 4 -> launched 2027 (age 1, the peak) or 2030 (nothing yet)
        assert t.loc["Launch slip, planned models", ["Low", "High"]].tolist() == pytest.approx([0.0, 10_000.0])
        k = Z90 * u.peak_sigma
        assert t.loc["Peak realisation, planned models", ["Low", "High"]].tolist() == pytest.approx(
            [base * math.exp(-k), base * math.exp(k)]
        )
        g = 0.02  # trend P10/P90 = -2% / +2% over 3 years after 2025
        assert t.loc["Market trend", ["Low", "High"]].tolist() == pytest.approx(
            [base * (1 - g) ** 3, base * (1 + g) ** 3]
        )
        assert t.loc["North America tariff effect", ["Low", "High"]].tolist() == pytest.approx(
            [base * (1 - 0.2 * 0.3), base * (1 + 0.2 * 0.3)]
        )
        assert t.loc["X built or cancelled", ["Low", "High"]].tolist() == pytest.approx([0.0, base])
        assert_allclose(t["Scenario"], base)

    def test_sorted_largest_swing_first(self):
        t = tornado(2030)
        assert list(t.columns) == ["Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario"]
        assert (np.diff(t["Swing"]) <= 0).all()
        assert_allclose(t["Swing"], t["High"] - t["Low"])
        assert t["Scenario"].iloc[0] == pytest.approx(project(end_year=2030).total(2030))
        assert {f"{m} built or cancelled" for m in PLANNED} <= set(t["Driver"])

    def test_no_uncertainty_no_rows(self):
        assert tornado(2030, uncertainty=NONE).empty

    def test_bad_year(self):
        with pytest.raises(HorizonError, match="start_year|end_year"):
            tornado(2070)


# -- bad input -------------------------------------------------------------------------------------------
class TestBadInput:
    @pytest.mark.parametrize(
        "paths, problem",
        [
            (0, "outside 1 to 1,000,000 (got 0)"),
            (-5, "outside 1 to 1,000,000 (got -5)"),
            (1.5, "not a whole number"),
            (MAX_PATHS + 1, "outside 1 to 1,000,000 (got 1000001)"),
            (10**12, "outside 1 to 1,000,000 (got 1000000000000)"),
            ("many", "not a number"),
            (True, "not a number"),
            (float("nan"), "missing (got nan)"),
            (None, "paths: missing;"),
        ],
    )
    def test_paths(self, paths, problem):
        with pytest.raises(SimulationError) as exc:
            simulate(paths=paths)
        msg = str(exc.value)
        assert msg.startswith("paths:") and problem in msg and "1 to 1,000,000" in msg and "\n" not in msg

    @pytest.mark.parametrize("seed", [-1, 1.5, "x", 2**63, True, float("inf")])
    def test_seed(self, seed):
        with pytest.raises(SimulationError, match=r"^seed: .*give a whole number of 0 or more"):
            simulate(paths=10, seed=seed)

    @pytest.mark.parametrize("ps", [[-1], [101], [10, 200], [], ["ten"], [float("nan")], list(range(102))])
    def test_percentiles(self, ps, sim):
        with pytest.raises(SimulationError, match=r"^percentiles: "):
            sim.percentiles(ps)

    def test_single_percentile_accepted(self, sim):
        assert check_percentiles(25) == (25.0,) and list(sim.percentiles(25).columns) == ["Year", "P25"]

    @pytest.mark.parametrize("target", [0, -1, "abc", float("nan"), None])
    def test_target(self, sim, target):
        with pytest.raises(SimulationError, match=r"^target: .*above 0"):
            sim.probability(target, 2030)

    @pytest.mark.parametrize("year", [2025, 2036, "next", 2030.5])
    def test_year(self, sim, year):
        with pytest.raises(AlfaInputError, match=r"^year: .*give a year from 2026 to 2035"):
            sim.probability(400_000, year)

    @pytest.mark.parametrize(
        "field, value",
        [
            ("slip_mean", -1),
            ("slip_mean", 11),
            ("cancel_probability", 1.5),
            ("peak_sigma", -0.1),
            ("trend_sigma", 0.5),
            ("tariff_sigma", 2),
            ("correlation", -0.2),
            ("correlation", "high"),
        ],
    )
    def test_uncertainty(self, field, value):
        with pytest.raises(SimulationError, match=rf"^{field}: "):
            Uncertainty().with_(**{field: value})

    def test_horizon_and_scenario(self):
        with pytest.raises(HorizonError):
            simulate(paths=10, start_year=2030, end_year=2026)
        with pytest.raises(AlfaInputError, match="unknown scenario"):
            simulate(paths=10, scenario="moon")


# -- command line ------------------------------------------------------------------------------------------
class TestCommandLine:
    def test_json_matches_the_engine(self, capsys):
        assert (
            main(
                [
                    "simulate",
                    "--paths",
                    "2000",
                    "--seed",
                    "5",
                    "--year",
                    "2031",
                    "--target",
                    "90000",
                    "--format",
                    "json",
                ]
            )
            == 0
        )
        doc = json.loads(capsys.readouterr().out)
        sim = simulate(paths=2000, seed=5, end_year=2031)
        assert doc["inputs"]["end_year"] == 2031 and doc["inputs"]["paths"] == 2000
        assert doc["probability"] == sim.probability(90_000, 2031)
        assert [r["P50"] for r in doc["fan"]] == pytest.approx(sim.percentiles()["P50"].tolist())
        assert doc["tornado"][0]["Swing"] >= doc["tornado"][-1]["Swing"]

    def test_csv(self, capsys):
        assert main(["simulate", "-n", "500", "--seed", "1", "--scenario", "bear", "--format", "csv"]) == 0
        rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
        assert list(rows[0]) == ["section", "year", "item", "value"]
        assert {r["section"] for r in rows} == {"probability", "fan", "tornado"}
        p50 = [float(r["value"]) for r in rows if r["section"] == "fan" and r["item"] == "P50"]
        assert p50 == pytest.approx(simulate(scenario="bear", paths=500, seed=1).percentiles()["P50"].tolist())

    def test_table_and_plot(self, capsys, tmp_path):
        out = tmp_path / "fan.png"
        assert main(["simulate", "-n", "1000", "--start", "2026", "--end", "2032", "--plot", str(out)]) == 0
        text = capsys.readouterr().out
        assert "Probability of reaching 400,000 in 2032" in text and "Tornado" in text
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000

    @pytest.mark.parametrize(
        "args, word",
        [
            (["--paths", "0"], "paths"),
            (["--paths", "5000000"], "paths"),
            (["--seed", "-3"], "seed"),
            (["--target", "0"], "target"),
            (["--year", "2070"], "year"),
            (["--year", "2020"], "year"),
            (["--scenario", "moon"], "scenario"),
            (["--plot", "chart.gif"], "plot"),
            (["--format", "xml"], "format"),
            (["--start", "2031", "--end", "2030"], "end_year"),
        ],
    )
    def test_bad_input_exit_2_and_one_line(self, capsys, args, word):
        assert main(["simulate", "-n", "50", *args]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("alfa-xl: error:") and word in err and "\n" not in err

    def test_progress_bar_on_a_terminal_for_long_runs(self):
        import os

        env = dict(os.environ, FORCE_COLOR="1")  # rich treats stderr as a terminal
        done = subprocess.run(
            [sys.executable, "-m", "alfa_xl.cli", "simulate", "-n", "200000"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert "simulating" in done.stderr and "/200,000 paths" in done.stderr
        assert "simulating" not in done.stdout  # the bar stays off stdout

    def test_installed_script(self):
        done = subprocess.run(
            [sys.executable, "-m", "alfa_xl.cli", "simulate", "-n", "300", "-f", "json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert 0 <= json.loads(done.stdout)["probability"] <= 1
        bad = subprocess.run(
            [sys.executable, "-m", "alfa_xl.cli", "simulate", "-n", "0"], capture_output=True, text=True, timeout=120
        )
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1


# -- Risk sheet blocks ----------------------------------------------------------------------------------------
class TestRiskBlocks:
    def test_blocks_match_the_engine(self):
        from alfa_xl.book.tables.report import RefreshInputs, blocks_to_grid
        from alfa_xl.book.tables.risk import RISK_BLOCKS, risk_blocks

        inputs = RefreshInputs(
            target=90_000, start_year=2026, end_year=2032, scenarios=("bear", "base"), compare_year=2031
        )
        blocks = risk_blocks(inputs, paths=1500, seed=3)
        assert tuple(b.name for b in blocks) == RISK_BLOCKS
        fan, chance, torn = (b.frame for b in blocks)
        sim = simulate(scenario="bear", start_year=2026, end_year=2032, paths=1500, seed=3)  # first listed scenario
        assert list(fan.columns) == ["Year", "P10", "P50", "P90", "Mean", "Scenario", "What-if P50"]
        assert_allclose(fan["What-if P50"], np.percentile(sim.totals, 50, axis=0))  # the what-if around bear
        assert_allclose(fan["Scenario"], project(scenario="bear", start_year=2026, end_year=2032).totals)
        assert_allclose(chance["What-if probability"], (sim.totals >= 90_000).mean(axis=0))
        assert list(torn.columns) == ["Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario"]
        assert_allclose(torn["Swing"], tornado(2031, "bear")["Swing"])
        assert_allclose(torn["Scenario"], project(scenario="bear", start_year=2031, end_year=2031).totals[0])
        grid = blocks_to_grid(blocks)
        assert len({len(r) for r in grid}) == 1 and grid[0][0].startswith("Calibrated forecast")
        assert "what-if, 1,500 paths around scenario bear" in grid[0][0]

    def test_bad_input_raises_before_writing(self):
        from alfa_xl.book.tables.report import RefreshInputs
        from alfa_xl.book.tables.risk import risk_blocks

        with pytest.raises(SimulationError, match="^paths"):
            risk_blocks(RefreshInputs(), paths=0)
        with pytest.raises(SimulationError, match="^target"):
            risk_blocks(RefreshInputs(target=-1), paths=10)


@pytest.mark.parametrize("name", ["alfa_xl.model.risk.simulate", "alfa_xl.book.tables.risk"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


class TestYearToDate:
    def test_first_year_takes_the_nowcast_quantile_of_its_rank(self):
        from alfa_xl.model.risk.nowcast import nowcast

        n = 2_000
        plain = simulate(paths=n, seed=8, end_year=2028)
        got = simulate(paths=n, seed=8, end_year=2028, ytd=33_020, ytd_months=6)
        assert got.ytd == (33_020.0, 6) and plain.ytd is None
        order = np.argsort(plain.totals[:, 0], kind="stable")
        expected = nowcast(33_020, 6, 2026).ppf((np.arange(n) + 0.5) / n)
        assert_allclose(got.totals[order, 0], expected, rtol=1e-12)
        ratio = got.totals[:, 0] / plain.totals[:, 0]
        assert_allclose(got.totals[:, 2], plain.totals[:, 2] * ratio, rtol=1e-12)

    def test_twelve_months_is_the_year_itself(self):
        got = simulate(paths=300, seed=8, end_year=2027, ytd=70_000, ytd_months=12)
        assert_allclose(got.totals[:, 0], 70_000.0)

    @pytest.mark.parametrize(
        "kwargs, word",
        [
            (dict(ytd=30_000), "ytd_months"),
            (dict(ytd_months=6), "ytd"),
            (dict(ytd=30_000, ytd_months=6, start_year=2027), "start_year"),
            (dict(ytd=-5, ytd_months=6), "units"),
        ],
    )
    def test_bad_input(self, kwargs, word):
        with pytest.raises(AlfaInputError) as e:
            simulate(paths=10, **kwargs)
        assert word in str(e.value)
