"""Tests of alfa_xl.model.engine.gap: CAGR, years to target, the gap table and the what-it-takes solvers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alfa_xl.errors import AlfaInputError, HorizonError
from alfa_xl.model.engine.gap import (
    DEFAULT_TARGET,
    GAP_COLUMNS,
    cagr,
    first_year_at_target,
    gap_table,
    reference_peak,
    required_extra_launches,
    required_peak_multiplier,
    years_to_target,
)
from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import Scenario
from strategies import horizons, lineups

LATEST = 73_000.0  # alfa_xl/model/data/history.csv, 2025


def flat(name, launch, peak, status):
    """A model that stays at its peak (plateau 1, no late-life decline)."""
    return Model(name, launch, peak, status=status, plateau=1.0, decline_after=100)


def two_models() -> Lineup:
    """Junior on sale since 2020 and B planned for 2028, each selling 50,000 a year at peak."""
    return Lineup([flat("Junior", 2020, 50_000, "on_sale"), flat("B", 2028, 50_000, "planned")])


class TestCagr:
    @pytest.mark.parametrize(
        "start, end, years, expected",
        [
            (70_000, 400_000, 5, 0.41707),
            (73_000, 400_000, 5, (400 / 73) ** 0.2 - 1),
            (100, 200, 1, 1.0),
            (100, 50, 1, -0.5),
            (100, 100, 10, 0.0),
        ],
    )
    def test_values(self, start, end, years, expected):
        assert cagr(start, end, years) == pytest.approx(expected, abs=5e-6)

    def test_against_the_textbook_formula(self):
        assert cagr(70_000, 400_000, 5) == pytest.approx((400_000 / 70_000) ** (1 / 5) - 1, rel=1e-10)

    @pytest.mark.parametrize(
        "args, field",
        [
            ((0, 400_000, 5), "start_value"),
            ((70_000, -1, 5), "end_value"),
            ((70_000, 400_000, 0), "years"),
            (("x", 400_000, 5), "start_value"),
            ((70_000, float("nan"), 5), "end_value"),
        ],
    )
    def test_bad_input(self, args, field):
        with pytest.raises(AlfaInputError) as info:
            cagr(*args)
        assert info.value.field == field and "above 0" in str(info.value)


class TestYearsToTarget:
    @pytest.mark.parametrize(
        "current, growth, target, expected",
        [
            (73_000, 0.10, 400_000, math.log(400 / 73) / math.log(1.1)),  # 17.85
            (70_000, 0.41707, 400_000, 5.0),
            (100, 1.0, 800, 3.0),
            (500_000, 0.05, 400_000, 0.0),  # already there
            (73_000, 0.0, 400_000, math.inf),
            (73_000, -0.1, 400_000, math.inf),
        ],
    )
    def test_values(self, current, growth, target, expected):
        assert years_to_target(current, growth, target) == pytest.approx(expected, abs=1e-4)

    @pytest.mark.parametrize("growth", [-1, -2, "fast", float("nan"), True])
    def test_bad_growth(self, growth):
        with pytest.raises(AlfaInputError) as info:
            years_to_target(73_000, growth)
        assert info.value.field == "growth" and "yearly growth rate" in info.value.fix


class TestGapTable:
    def test_columns_and_formulas(self):
        p = project(two_models(), "base", 2024, 2030)
        t = gap_table(p, 400_000)
        assert tuple(t.columns) == GAP_COLUMNS
        assert t["Year"].tolist() == list(range(2024, 2031))
        totals = {2024: 50_000, 2025: 50_000, 2026: 50_000, 2027: 50_000, 2028: 75_000, 2029: 100_000, 2030: 100_000}
        for _, r in t.iterrows():
            y = int(r["Year"])
            total = totals[y]
            assert r["Projection"] == pytest.approx(total)
            assert r["Target"] == 400_000
            assert r["Gap"] == pytest.approx(400_000 - total)
            assert r["Share of target"] == pytest.approx(total / 400_000)
            assert r["Junior-equivalents"] == pytest.approx((400_000 - total) / 50_000)
            if y <= 2025:
                assert math.isnan(r["Growth required"]) and math.isnan(r["Years to target"])
                continue
            n = y - 2025
            assert r["Growth required"] == pytest.approx((400_000 / LATEST) ** (1 / n) - 1)
            own = (total / LATEST) ** (1 / n) - 1
            if own > 0:
                assert r["Years to target"] == pytest.approx(math.log(400_000 / LATEST) / math.log(1 + own))
            else:  # shrinking from 73,000: never at this pace
                assert math.isnan(r["Years to target"])

    def test_growth_required_in_2030_from_the_latest_actual(self):
        t = gap_table(project(end_year=2030))
        assert t["Growth required"].iloc[-1] == pytest.approx((400 / 73) ** 0.2 - 1)  # 40.5%

    def test_beating_the_target_gives_a_negative_gap_and_no_junior_equivalents(self):
        t = gap_table(project(two_models(), "base", 2030, 2030), 60_000)
        assert t["Gap"].iloc[0] == pytest.approx(-40_000)
        assert t["Junior-equivalents"].iloc[0] == 0

    @pytest.mark.parametrize("target", [0, -400_000, "lots", float("inf")])
    def test_bad_target(self, target):
        with pytest.raises(AlfaInputError) as info:
            gap_table(project(), target)
        assert info.value.field == "target" and repr(target) in str(info.value) and "units a year" in str(info.value)

    def test_reference_peak_without_a_junior(self):
        lu = Lineup(
            [flat("A", 2020, 10_000, "on_sale"), flat("B", 2020, 30_000, "on_sale"), flat("C", 2028, 90_000, "planned")]
        )
        assert reference_peak(lu) == 30_000  # the largest model on sale


class TestFirstYearAtTarget:
    def test_reached(self):
        lu = Lineup([Model("Big", 2027, 500_000)])  # 250,000 in 2027, 500,000 in 2028
        assert first_year_at_target(project(lu, "base", 2026, 2032), 400_000) == 2028
        assert first_year_at_target(project(lu, "base", 2026, 2032), 250_000) == 2027

    def test_not_reached(self):
        assert first_year_at_target(project(two_models(), "base", 2026, 2040)) is None


class TestRequiredPeakMultiplier:
    def test_by_hand(self):
        # 2030: Junior (on sale) 50,000 + B (planned) 50,000 x m = 400,000  ->  m = 7
        assert required_peak_multiplier(2030, 400_000, two_models()) == pytest.approx(7.0)

    def test_with_the_scenario_multiplier_it_hits_the_target(self):
        m = required_peak_multiplier(2030, 400_000, two_models())
        p = project(two_models(), Scenario(peak_multiplier=m), 2030, 2030)
        assert p.totals[0] == pytest.approx(400_000)

    def test_below_one_when_already_beaten(self):
        assert required_peak_multiplier(2030, 75_000, two_models()) == pytest.approx(0.5)

    def test_none_when_no_new_model_sells(self):
        assert required_peak_multiplier(2027, 400_000, two_models()) is None


class TestRequiredExtraLaunches:
    def test_at_peak(self):
        # gap 300,000; each extra launch (in 2029) sells 50,000 in 2030
        assert required_extra_launches(2030, 400_000, two_models()) == pytest.approx(6.0)

    def test_launched_in_the_target_year_sells_half(self):
        assert required_extra_launches(2030, 400_000, two_models(), launch_year=2030) == pytest.approx(12.0)

    def test_with_trend_and_tariff(self):
        sc = Scenario(market_trend=0.02, na_tariff=-0.2)
        grow = 1.02**5
        na = 0.15  # default North America share
        total = 100_000 * grow * (1 - 0.2 * na)
        per_launch = 50_000 * grow * (1 - 0.2 * na)
        assert required_extra_launches(2030, 400_000, two_models(), sc) == pytest.approx((400_000 - total) / per_launch)

    def test_zero_when_reached(self):
        assert required_extra_launches(2030, 90_000, two_models()) == 0.0

    def test_default_lineup_answers_the_seed_question(self):
        # The seed article: "two, if not three" more Junior-like models. The engine's base
        # case needs (400,000 - base 2030 total) / 33,000 of them, far more than three.
        total = project(end_year=2030).total(2030)
        n = required_extra_launches(2030)
        assert n == pytest.approx((400_000 - total) / 33_000)
        assert n > 3

    def test_launch_after_the_year(self):
        with pytest.raises(HorizonError) as info:
            required_extra_launches(2030, 400_000, two_models(), launch_year=2031)
        assert "launch_year" in str(info.value) and "2031" in str(info.value) and "on or before 2030" in str(info.value)


@settings(max_examples=50, deadline=None)
@given(lu=lineups(), h=horizons(), target=st.floats(1, 2_000_000))
def test_gap_is_target_minus_projection(lu, h, target):
    p = project(lu, "base", *h)
    t = gap_table(p, target)
    assert np.allclose(t["Gap"], target - p.totals)
    assert np.allclose(t["Share of target"] * target, p.totals)
    if reference_peak(lu) > 0:
        assert (t["Junior-equivalents"] >= 0).all()
        assert np.allclose(t["Junior-equivalents"], np.maximum(target - p.totals, 0) / reference_peak(lu))
    else:
        assert t["Junior-equivalents"].isna().all()
    assert DEFAULT_TARGET == 400_000
