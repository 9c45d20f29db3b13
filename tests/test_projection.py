"""Tests of alfa_xl.model.engine.projection with hand-checkable lineups and the built-in scenarios."""

from __future__ import annotations

import csv
import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alfa_xl.errors import HorizonError, ScenarioError, UnknownModelError
from alfa_xl.model.engine.lineup import REGIONS, Lineup, Model, default_lineup
from alfa_xl.model.engine.projection import default_horizon, project
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from strategies import horizons, lineups, scenarios

E = math.exp
SPLIT = dict(share_italy=0.1, share_rest_of_europe=0.2, share_north_america=0.3, share_rest_of_world=0.4)
NA = REGIONS.index("North America")


def history_rows() -> dict[int, float]:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / "history.csv") as p, open(p, newline="") as fh:
        return {int(r["year"]): float(r["units"]) for r in csv.DictReader(fh)}


def one(**kw) -> Lineup:
    """One planned model X: peak 10,000 from 2026, half of 2026 on sale, split 10/20/30/40."""
    args = dict(model="X", launch_year=2026, peak_units=10_000, **SPLIT)
    args.update(kw)
    return Lineup([Model(**args)])


def pair(successor_status="planned") -> Lineup:
    """P on sale since 2020 (peak 20,000) replaced by S in 2028 (a quarter of 2028, peak 8,000)."""
    return Lineup(
        [
            Model("P", 2020, 20_000, status="on_sale", **SPLIT),
            Model("S", 2028, 8_000, status=successor_status, launch_fraction=0.25, replaces="P", **SPLIT),
        ]
    )


def units(proj, model: str) -> dict[int, float]:
    i = proj.lineup.names.index(model)
    return {int(y): float(v) for y, v in zip(proj.years, proj.units[:, i, :].sum(axis=1))}


class TestOneModel:
    def test_curve_by_hand(self):
        p = project(one(), "base", 2025, 2029)
        assert p.years.tolist() == [2025, 2026, 2027, 2028, 2029]
        expected = [0, 5_000, 10_000, 10_000 * (0.5 + 0.5 * E(-1.8)), 10_000 * (0.5 + 0.5 * E(-3.6))]
        assert p.totals == pytest.approx(expected)

    def test_regional_split(self):
        p = project(one(), "base", 2027, 2027)
        assert p.units[0, 0].tolist() == pytest.approx([1_000, 2_000, 3_000, 4_000])
        assert p.by_region().loc[2027, "North America"] == pytest.approx(3_000)

    def test_end_year_is_the_last_year_on_sale(self):
        u = units(project(one(end_year=2028), "base", 2026, 2030), "X")
        assert u[2028] == pytest.approx(10_000 * (0.5 + 0.5 * E(-1.8)))
        assert u[2029] == 0 and u[2030] == 0

    def test_late_life_decline(self):
        # age 9 with decline from age 5 at 25% a year (the fitted defaults): four years of decline
        u = units(project(one(launch_year=2020, status="on_sale"), "base", 2029, 2029), "X")
        assert u[2029] == pytest.approx(10_000 * (0.5 + 0.5 * E(-1.8 * 8)) * 0.75**4)

    def test_hold_until_pauses_the_ageing_after_the_latest_actual(self):
        # on sale since 2022, held from 2025 (the latest actual) through 2027: 2026 and 2027 at the
        # 2025 level (age 3), then age 4 in 2028 and 5 in 2029
        s = lambda age: 10_000 * (0.5 + 0.5 * E(-1.8 * (age - 1)))  # noqa: E731
        lu = one(launch_year=2022, status="on_sale", hold_until=2027)
        u = units(project(lu, "base", 2024, 2029), "X")
        assert [u[y] for y in range(2024, 2030)] == pytest.approx([s(2), s(3), s(3), s(3), s(4), s(5)])

    def test_hold_until_is_ignored_for_a_planned_model(self):
        held = units(project(one(hold_until=2028), "base", 2026, 2029), "X")
        assert held == pytest.approx(units(project(one(), "base", 2026, 2029), "X"))


class TestHandOver:
    def test_no_double_counting_in_the_hand_over_year(self):
        p = project(pair(), "base", 2027, 2030)
        P, S = units(p, "P"), units(p, "S")
        assert P[2027] == pytest.approx(20_000 * (0.5 + 0.5 * E(-1.8 * 6)) * 0.75**2)
        # 2028: the successor sells a quarter of the year, the predecessor the other 3/4
        assert S[2028] == pytest.approx(8_000 * 0.25)
        assert P[2028] == pytest.approx(20_000 * (0.5 + 0.5 * E(-1.8 * 7)) * 0.75**3 * 0.75)
        assert P[2029] == 0 and P[2030] == 0
        assert S[2029] == pytest.approx(8_000)

    def test_cancelled_successor_hands_over_nothing(self):
        P = units(project(pair(), Scenario(cancel=("S",)), 2029, 2029), "P")
        assert P[2029] == pytest.approx(20_000 * (0.5 + 0.5 * E(-1.8 * 8)) * 0.75**4)

    def test_reported_cancelled_successor_only_counts_when_included(self):
        lu = pair("reported_cancelled")
        base = project(lu, "base", 2029, 2029)
        assert units(base, "S")[2029] == 0 and units(base, "P")[2029] > 0
        back = project(lu, Scenario(include_reported_cancelled=True), 2029, 2029)
        assert units(back, "S")[2029] == pytest.approx(8_000) and units(back, "P")[2029] == 0

    def test_delayed_successor_keeps_the_predecessor_on_sale(self):
        P = units(project(pair(), Scenario(delays=(("S", 1),)), 2028, 2029), "P")
        assert P[2028] == pytest.approx(20_000 * (0.5 + 0.5 * E(-1.8 * 7)) * 0.75**3)
        assert P[2029] == pytest.approx(20_000 * (0.5 + 0.5 * E(-1.8 * 8)) * 0.75**4 * 0.75)


class TestAdjustments:
    def test_delay_shifts_the_curve(self):
        plain = units(project(one(), "base", 2026, 2032), "X")
        late = units(project(one(), Scenario(delay_years=2), 2026, 2032), "X")
        assert late[2026] == 0 and late[2027] == 0
        for y in range(2028, 2033):
            assert late[y] == pytest.approx(plain[y - 2])

    def test_models_on_sale_are_not_delayed_or_scaled(self):
        lu = one(status="on_sale", launch_year=2024)
        plain = project(lu, "base", 2026, 2028).totals
        adjusted = project(lu, Scenario(delay_years=3, peak_multiplier=0.5), 2026, 2028).totals
        assert adjusted == pytest.approx(plain)

    def test_per_model_delay_of_a_model_on_sale_is_refused(self):
        with pytest.raises(ScenarioError) as info:
            project(one(status="on_sale"), Scenario(delays=(("X", 1),)))
        assert "delay:X" in str(info.value) and "delay only planned models" in str(info.value)

    def test_unknown_model_in_scenario(self):
        with pytest.raises(UnknownModelError) as info:
            project(one(), Scenario(cancel=("Alfetta",)))
        assert (
            "cancel" in str(info.value)
            and "'Alfetta'" in str(info.value)
            and "use a model in the lineup: X" in str(info.value)
        )

    def test_cancellation(self):
        assert project(one(), Scenario(cancel=("x",)), 2026, 2030).totals.tolist() == [0.0] * 5

    def test_peak_multipliers(self):
        lu = one(status="on_sale", launch_year=2024)
        got = project(lu, Scenario(peak_multipliers=(("X", 1.5),)), 2025, 2025).totals[0]
        assert got == pytest.approx(15_000)  # per-model multiplier applies to models on sale too
        assert project(one(), Scenario(peak_multiplier=0.8), 2027, 2027).totals[0] == pytest.approx(8_000)

    def test_announced_dates(self):
        lu = one(launch_year=2028, announced_year=2026)
        assert units(project(lu, Scenario(use_announced_dates=True), 2026, 2027), "X") == pytest.approx(
            {2026: 5_000, 2027: 10_000}
        )

    def test_tariff_on_north_america_only_after_the_latest_actual(self):
        lu = one(status="on_sale", launch_year=2018)
        plain = project(lu, "base", 2025, 2027).units
        taxed = project(lu, Scenario(na_tariff=-0.2), 2025, 2027).units
        assert taxed[0] == pytest.approx(plain[0])  # 2025 is an actual year
        assert taxed[1:, 0, NA] == pytest.approx(plain[1:, 0, NA] * 0.8)
        others = [i for i in range(4) if i != NA]
        assert taxed[1:, 0, others] == pytest.approx(plain[1:, 0, others])

    def test_market_trend_compounds_from_the_latest_actual(self):
        lu = one(status="on_sale", launch_year=2018)
        plain = project(lu, "base", 2024, 2028).totals
        grown = project(lu, Scenario(market_trend=0.02), 2024, 2028).totals
        assert grown == pytest.approx(plain * np.array([1, 1, 1.02, 1.02**2, 1.02**3]))


class TestBuiltinScenarios:
    """Each built-in scenario does what its description says, on the default lineup."""

    def test_base_leaves_out_the_cancelled_e_suv(self):
        assert sum(units(project(None, "base", 2026, 2040), "US E-SUV").values()) == 0

    def test_plan_brings_everything_as_announced(self):
        p = project(None, "plan", 2026, 2028)
        assert units(p, "US E-SUV")[2027] == pytest.approx(20_000 * 0.5)  # announced for 2027
        assert units(p, "Giulia (next)")[2026] == pytest.approx(20_000 * 0.25)  # announced for 2026
        assert units(p, "Stelvio (next)")[2026] == pytest.approx(35_000)  # announced for 2025: peak in 2026
        assert units(p, "Stelvio")[2026] == 0  # handed over in 2025

    def test_bear(self):
        p = project(None, "bear", 2028, 2029)
        s = units(p, "Stelvio (next)")
        assert s[2028] == 0  # a year late
        model_2029 = 35_000 * 0.8 * 0.25 * 0.98**4
        assert s[2029] == pytest.approx(model_2029 * (1 - 0.25 * 0.2))  # 25% of it in North America, -20% there

    def test_bull(self):
        p = project(None, "bull", 2030, 2030)
        assert units(p, "4.3 m model")[2030] == pytest.approx(30_000 * 1.25 * 0.5 * 1.02**5)
        # on sale: no peak multiplier; held through 2026 (hold_until), so 2030 is age 6 - 1 = 5
        junior = 33_000 * (0.6 + 0.4 * E(-0.7 * 4)) * 1.02**5
        assert units(p, "Junior")[2030] == pytest.approx(junior)

    def test_track_record(self):
        p = project(None, "track_record", 2028, 2029)
        t = units(p, "Tonale successor")
        assert t[2028] == 0  # 2027 + 2 years
        # peaks times the built models' median peak realisation, the middle two of
        # 34,342/56,400, 33,000/36,250, 48,521/40,750, 55,703/40,750 (peak_realisation.csv)
        assert t[2029] == pytest.approx(40_000 * (33_000 / 36_250 + 48_521 / 40_750) / 2 * 0.3)
        assert units(p, "Tonale")[2028] > 0

    def test_order_of_2030_totals(self):
        totals = {n: project(None, n, 2030, 2030).totals[0] for n in ("base", "bear", "bull", "plan", "track_record")}
        assert totals["bear"] < totals["track_record"] < totals["base"] < totals["plan"] < totals["bull"]


class TestHorizonAndHistory:
    def test_default_horizon_follows_the_latest_actual(self):
        latest = max(history_rows())
        assert default_horizon() == (latest + 1, 2030)
        p = project()
        assert p.years.tolist() == list(range(latest + 1, 2031))

    def test_backcast_2025_within_two_percent_of_the_source(self):
        actual = history_rows()[2025]
        assert actual == 73_000
        assert project(None, "base", 2025, 2025).totals[0] == pytest.approx(actual, rel=0.02)

    @pytest.mark.parametrize(
        "start, end, field, fix",
        [
            (2030, 2026, "end_year", "on or after the start year 2030"),
            (1999, 2030, "start_year", "between 2000 and 2060"),
            (2026, 2061, "end_year", "between 2000 and 2060"),
            (2026.5, 2030, "start_year", "whole year"),
            ("soon", 2030, "start_year", "whole year"),
            (True, 2030, "start_year", "whole year"),
        ],
    )
    def test_bad_horizon(self, start, end, field, fix):
        with pytest.raises(HorizonError) as info:
            project(None, "base", start, end)
        assert field in str(info.value) and repr(start if field == "start_year" else end) in str(info.value)
        assert fix in str(info.value)

    def test_total_outside_the_horizon(self):
        with pytest.raises(HorizonError, match="give a year from 2026 to 2030"):
            project().total(2031)

    def test_result_shapes_and_read_only(self):
        p = project(None, "base", 2026, 2035)
        assert p.units.shape == (10, len(default_lineup()), 4)
        assert list(p.by_model().columns) == [*default_lineup().names, "Total"]
        assert list(p.long().columns) == ["year", "model", "region", "units"]
        assert len(p.long()) == 10 * len(default_lineup()) * 4
        with pytest.raises(ValueError):
            p.units[0, 0, 0] = 1.0

    def test_with_history(self):
        t = project(None, "base", 2024, 2027).with_history()
        hist = history_rows()
        assert t.index.tolist() == sorted(set(hist) | {2024, 2025, 2026, 2027})
        assert t.loc[2025, "Actual"] == 73_000 and t.loc[2023, "Actual"] == hist[2023]
        assert np.isnan(t.loc[2026, "Actual"]) and np.isnan(t.loc[2023, "Projection"])
        assert t.loc[2026, "Projection"] == pytest.approx(project(None, "base", 2026, 2026).totals[0])

    def test_scenario_by_name_is_the_builtin(self):
        assert project(scenario=" Track-Record ").scenario == get_scenario("track_record")


# -- invariants -------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(lu=lineups(), h=horizons(), data=st.data())
def test_totals_add_up_over_models_and_regions(lu, h, data):
    p = project(lu, data.draw(scenarios(lu.names)), *h)
    bm, br = p.by_model(), p.by_region()
    assert np.allclose(bm.drop(columns="Total").sum(axis=1), p.totals)
    assert np.allclose(br.drop(columns="Total").sum(axis=1), p.totals)
    assert np.allclose(p.long().groupby("year")["units"].sum().to_numpy(), p.totals)


@settings(max_examples=60, deadline=None)
@given(lu=lineups(), h=horizons(), data=st.data())
def test_units_never_negative_or_nan(lu, h, data):
    p = project(lu, data.draw(scenarios(lu.names)), *h)
    assert np.all(np.isfinite(p.units)) and np.all(p.units >= 0)


@settings(max_examples=40, deadline=None)
@given(lu=lineups(peak=st.just(0.0)), h=horizons(), data=st.data())
def test_zero_volume_lineups_project_zero(lu, h, data):
    p = project(lu, data.draw(scenarios(lu.names)), *h)
    assert not p.units.any()


@settings(max_examples=60, deadline=None)
@given(lu=lineups(), delay=st.integers(0, 6), h=horizons())
def test_a_delay_never_adds_volume_before_the_original_launch(lu, delay, h):
    plain = project(lu, "base", *h)
    late = project(lu, Scenario(delay_years=delay), *h)
    years = plain.years
    for i, m in enumerate(lu.models):
        before = years < m.launch_year
        assert not late.units[before, i].any()
    planned = [m.launch_year for m in lu.models if m.status != "on_sale"]
    if planned:
        early = years < min(planned)
        assert np.allclose(late.totals[early], plain.totals[early])


class TestOneKernel:
    """project, the Monte Carlo and the gap solver share one kernel (alfa_xl.model.engine.projection)."""

    def test_curve_units_by_hand(self):
        from alfa_xl.model.engine.projection import curve_units

        # age 2 with decay 0.7: 0.5 + 0.5 e^-0.7; the successor's launch year keeps 1 - 0.25
        assert float(curve_units(2028, 2026, 0.5, 0.5, 0.7, 7, 0.15)) == pytest.approx(0.5 + 0.5 * E(-0.7))
        assert float(
            curve_units(2028, 2026, 0.5, 0.5, 0.7, 7, 0.15, handover=2028, successor_fraction=0.25)
        ) == pytest.approx(0.75 * (0.5 + 0.5 * E(-0.7)))
        assert float(curve_units(2029, 2026, 0.5, 0.5, 0.7, 7, 0.15, handover=2028)) == 0.0
        assert float(curve_units(2029, 2026, 0.5, 0.5, 0.7, 7, 0.15, end_year=2028)) == 0.0

    def test_no_private_cross_module_imports(self):
        import ast
        import pathlib

        root = pathlib.Path(__file__).resolve().parents[1]
        engine = [root / "alfa_xl" / "model" / f"{n}.py" for n in ("engine/projection", "risk/simulate", "engine/gap")]
        for path in [*engine, *(root / "benchmarks").glob("*.py")]:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("alfa_xl"):
                    private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                    assert not private, f"{path.name} imports private {private} from {node.module}"

    def test_the_formula_is_written_once(self):
        import pathlib

        root = pathlib.Path(__file__).resolve().parents[1] / "alfa_xl" / "model"
        users = [
            p.name
            for p in root.glob("**/*.py")
            if "lifecycle_share(" in p.read_text() and p.name not in ("curve.py", "calibration.py")
        ]  # calibration fits the curve
        assert users == ["projection.py"]

    def test_the_product_is_assembled_once(self):
        import pathlib

        root = pathlib.Path(__file__).resolve().parents[1] / "alfa_xl"
        for term in ("market_factor(", "tariff_weight(", "1.0 - np.asarray(successor_fraction"):
            users = sorted(p.name for p in root.glob("**/*.py") if term in p.read_text())
            assert users == ["projection.py"], (term, users)
        for name in ("simulate.py", "gap.py"):
            text = next(root.glob(f"model/*/{name}")).read_text()
            assert "projection_units(" in text, name
        assert "successor_handover(" in next(root.glob("model/*/simulate.py")).read_text()

    def test_the_product_by_hand(self):
        from alfa_xl.model.engine.projection import projection_units

        # two models, three years with 2025 the latest actual; trend +10%, tariff -50% in North America
        per_peak = np.array([[0.5, 1.0, 0.8], [0.0, 0.25, 1.0]])
        peak = np.array([100.0, 40.0])
        shares = np.array([[0.4, 0.1, 0.3, 0.2], [0.0, 0.0, 1.0, 0.0]])
        units = projection_units(per_peak, peak, shares, [2025, 2026, 2027], 2025, 0.1, -0.5)
        assert units.shape == (3, 2, 4)
        # model 1 in 2027: 100 x 0.8 x 1.1^2 = 96.8, North America 30% of it, halved
        assert units[2, 0].tolist() == pytest.approx([38.72, 9.68, 14.52, 19.36])
        # model 2 in 2026: 40 x 0.25 x 1.1 = 11, all in North America, halved
        assert units[1, 1].tolist() == pytest.approx([0.0, 0.0, 5.5, 0.0])
        # 2025: no trend, no tariff
        assert units[0].sum() == pytest.approx(50.0)
        totals = projection_units(per_peak, peak, shares, [2025, 2026, 2027], 2025, 0.1, -0.5, total=True)
        assert totals.tolist() == pytest.approx([50.0, 110 * 0.85 + 5.5, 96.8 * 0.85 + 48.4 * 0.5])

    def test_the_product_of_a_batch_of_paths(self):
        from alfa_xl.model.engine.projection import projection_units

        # path 1: no trend, no tariff; path 2: -20% market a year, North America lost
        per_peak = np.array([[[1.0, 1.0]], [[1.0, 1.0]]])
        shares = np.array([[0.5, 0.0, 0.5, 0.0]])
        totals = projection_units(
            per_peak, [[10.0], [10.0]], shares, [2026, 2027], 2025, [0.0, -0.2], [0.0, -1.0], total=True
        )
        assert np.allclose(totals, [[10.0, 10.0], [4.0, 3.2]], rtol=1e-12)

    def test_the_handover_rule(self):
        from alfa_xl.model.engine.projection import successor_handover

        # model 0 is followed by 1 (launch 2027, a quarter of the year), 1 by 2 (cancelled), 2 by none
        year, fraction = successor_handover([1, 2, -1], [2020, 2027, 2029], [True, True, False], [0.5, 0.25, 0.75])
        assert year.tolist() == [2027.0, np.inf, np.inf]
        assert fraction.tolist() == [0.25, 0.0, 0.0]
