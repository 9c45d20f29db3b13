"""Tests of alfa_xl.model.engine.scenarios: built-ins, user-defined scenarios and validation."""

from __future__ import annotations

import pandas as pd
import pytest

from alfa_xl.errors import ScenarioError, UnknownModelError, UnknownScenarioError
from alfa_xl.model.engine.scenarios import BUILTIN, PARAMETERS, Scenario, get_scenario, load_scenario, scenario_names


class TestBuiltins:
    def test_names_in_display_order(self):
        assert scenario_names() == ("base", "bear", "bull", "plan", "track_record")

    @pytest.mark.parametrize(
        "name, delay, mult, tariff, trend, announced, revived",
        [
            ("base", 0, 1.0, 0.0, 0.0, False, False),
            ("bear", 1, 0.8, -0.2, -0.02, False, False),
            ("bull", 0, 1.25, 0.0, 0.02, False, False),
            ("plan", 0, 1.0, 0.0, 0.0, True, True),
            # 2014 plan slips 1, 1, 5 -> mean 2.33 -> 2 whole years; peak realisation of the built models:
            # median of 48,521/53,500, 55,703/53,500, 34,342/72,900 and 33,000/61,300 (peak_realisation.csv)
            ("track_record", 2, (33_000 / 36_250 + 48_521 / 40_750) / 2, 0.0, 0.0, False, False),
        ],
    )
    def test_parameters(self, name, delay, mult, tariff, trend, announced, revived):
        s = BUILTIN[name]
        assert (s.delay_years, s.na_tariff, s.market_trend) == (delay, tariff, trend)
        assert s.peak_multiplier == pytest.approx(mult, abs=1e-9)
        assert (s.use_announced_dates, s.include_reported_cancelled) == (announced, revived)
        assert s.delays == () and s.peak_multipliers == () and s.cancel == ()

    def test_every_builtin_has_a_description_and_reasoning(self):
        for s in BUILTIN.values():
            assert len(s.description) > 20 and len(s.reasoning) > 80, s.name

    def test_track_record_reasoning_quotes_its_calibration(self):
        text = BUILTIN["track_record"].reasoning
        assert "2.33 years" in text and "slips 1, 1, 5" in text and "38.3%" in text and "37.5%" in text

    def test_lookup_ignores_case_spaces_and_hyphens(self):
        assert get_scenario(" Track-Record ") is BUILTIN["track_record"]
        assert get_scenario(BUILTIN["bear"]) is BUILTIN["bear"]

    def test_unknown_name(self):
        with pytest.raises(UnknownScenarioError) as info:
            get_scenario("optimistic")
        assert (
            str(info.value)
            == "scenario: unknown scenario (got 'optimistic'); use one of base, bear, bull, plan, track_record"
        )


class TestFromPairs:
    def test_dict_on_top_of_base(self):
        s = Scenario.from_pairs({"Delay Years": "2", "peak:Junior": "110%", "market_trend": "2%", "cancel": "A; B,A"})
        assert s.delay_years == 2 and s.peak_multipliers == (("Junior", 1.1),)
        assert s.market_trend == pytest.approx(0.02) and s.cancel == ("A", "B")
        assert s.name == "base (custom)" and s.reasoning == ""

    def test_on_top_of_another_builtin(self):
        s = Scenario.from_pairs({"name": "bear+", "na_tariff": -0.3}, base="bear")
        assert (s.name, s.delay_years, s.peak_multiplier, s.na_tariff) == ("bear+", 1, 0.8, -0.3)

    def test_two_column_frame_and_pairs(self):
        frame = pd.DataFrame(
            {"parameter": ["delay:Stelvio (next)", "use_announced_dates", None], "value": [1, "yes", None]}
        )
        s = Scenario.from_pairs(frame)
        assert s.delays == (("Stelvio (next)", 1),) and s.use_announced_dates is True
        assert Scenario.from_pairs([("peak_multiplier", 0.5)]).peak_multiplier == 0.5

    def test_round_trip_through_to_frame(self):
        s = Scenario(
            name="x", delay_years=1, delays=(("B", 2),), peak_multipliers=(("A", 1.5),), cancel=("C",), na_tariff=-0.1
        )
        assert Scenario.from_pairs(s.to_frame(), base=None) == s

    def test_hashable_and_equal_by_value(self):
        a = Scenario(name="x", cancel=("b", "a"))
        b = Scenario(name="x", cancel=("a", "b"))
        assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1

    @pytest.mark.parametrize(
        "pairs, field, value_text, fix",
        [
            ({"delay_years": 1.5}, "delay_years", "1.5", "whole number of years between -10 and 20"),
            ({"delay_years": 40}, "delay_years", "40", "between -10 and 20"),
            ({"peak_multiplier": -1}, "peak_multiplier", "-1", "multiplier between 0 and 10"),
            ({"peak:Junior": "big"}, "peak:Junior", "'big'", "multiplier between 0 and 10"),
            ({"delay:Junior": "x"}, "delay:Junior", "'x'", "whole number of years"),
            ({"na_tariff": -1.5}, "na_tariff", "-1.5", "North America volume between -1 and 1"),
            ({"market_trend": "60%"}, "market_trend", "'60%'", "between -0.5 and 0.5"),
            ({"use_announced_dates": "maybe"}, "use_announced_dates", "'maybe'", "TRUE or FALSE"),
            ({"speed": 1}, "parameter", "'speed'", "use one of name, description, delay_years"),
            ({"name": ""}, "name", "''", "non-empty name"),
        ],
    )
    def test_bad_values_name_field_value_and_fix(self, pairs, field, value_text, fix):
        with pytest.raises(ScenarioError) as info:
            Scenario.from_pairs(pairs)
        message = str(info.value)
        assert info.value.field == field and message.startswith(field + ":")
        assert f"(got {value_text})" in message and fix in message

    def test_frame_of_wrong_shape(self):
        with pytest.raises(ScenarioError) as info:
            Scenario.from_pairs(pd.DataFrame({"a": [1], "b": [2], "c": [3]}))
        assert (
            "scenario table" in str(info.value) and "3 columns" in str(info.value) and "two columns" in str(info.value)
        )

    def test_direct_construction_is_validated(self):
        with pytest.raises(ScenarioError, match="na_tariff"):
            Scenario(na_tariff=2)
        with pytest.raises(ScenarioError, match="delay:A"):
            Scenario(delays=(("A", 0.5),))

    def test_parameters_listed(self):
        assert set(PARAMETERS) >= {"delay_years", "peak_multiplier", "cancel", "na_tariff", "market_trend"}


class TestCheckModels:
    def test_known_models_pass_case_insensitively(self):
        Scenario(delays=(("junior", 1),), cancel=("TONALE",)).check_models(["Junior", "Tonale"])

    @pytest.mark.parametrize(
        "scenario, field",
        [
            (Scenario(delays=(("Alfetta", 1),)), "delay:Alfetta"),
            (Scenario(peak_multipliers=(("Alfetta", 2),)), "peak:Alfetta"),
            (Scenario(cancel=("Alfetta",)), "cancel"),
        ],
    )
    def test_unknown_model(self, scenario, field):
        with pytest.raises(UnknownModelError) as info:
            scenario.check_models(["Junior", "Tonale"])
        assert str(info.value) == f"{field}: unknown model (got 'Alfetta'); use a model in the lineup: Junior, Tonale"


class TestLoadScenario:
    def test_csv(self, tmp_path):
        p = tmp_path / "s.csv"
        p.write_text("parameter,value\nname,late\ndelay_years,2\ncancel,4.3 m model\n", encoding="utf-8")
        s = load_scenario(p)
        assert (s.name, s.delay_years, s.cancel) == ("late", 2, ("4.3 m model",))

    def test_missing_file(self, tmp_path):
        with pytest.raises(ScenarioError) as info:
            load_scenario(tmp_path / "none.csv")
        assert (
            "scenario file" in str(info.value)
            and "none.csv" in str(info.value)
            and "existing CSV file" in str(info.value)
        )

    def test_empty_file(self, tmp_path):
        p = tmp_path / "empty.csv"
        p.write_text("", encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            load_scenario(p)
        assert "empty.csv" in str(info.value) and "two columns: parameter, value" in str(info.value)

    def test_three_columns(self, tmp_path):
        p = tmp_path / "s.csv"
        p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
        with pytest.raises(ScenarioError, match="give two columns"):
            load_scenario(p)


class TestRegressions:
    """Issue 11: wrong numbers, silently."""

    def test_scenario_csv_without_header_row_is_refused_not_first_row_dropped(self, tmp_path):
        p = tmp_path / "noheader.csv"
        p.write_text("delay_years,2\nmarket_trend,0.01\n", encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            load_scenario(p)
        text = str(info.value)
        assert "\n" not in text
        assert text.startswith("scenario file noheader.csv, line 1: no header row")
        assert "'delay_years,2'" in text and "parameter,value" in text

    @pytest.mark.parametrize("first", ["peak:Junior,1.2", "Delay Years,1", "cancel,Junior", "delay:Tonale,1"])
    def test_headerless_per_model_and_spaced_parameters(self, tmp_path, first):
        p = tmp_path / "s.csv"
        p.write_text(first + "\n", encoding="utf-8")
        with pytest.raises(ScenarioError, match="no header row"):
            load_scenario(p)

    def test_any_other_header_is_a_header(self, tmp_path):
        p = tmp_path / "s.csv"
        p.write_text("Parameter,Value\ndelay_years,2\n", encoding="utf-8")
        assert load_scenario(p).delay_years == 2

    @pytest.mark.parametrize("reserved", ["Year", "Total", " total ", "YEAR"])
    def test_scenario_named_like_a_structural_column_is_refused(self, reserved):
        with pytest.raises(ScenarioError) as info:
            Scenario.from_pairs({"name": reserved})
        text = str(info.value)
        assert text.startswith("name: reserved scenario name") and "\n" not in text

    def test_scenario_file_named_total_is_refused_at_load(self, tmp_path):
        p = tmp_path / "s.csv"
        p.write_text("parameter,value\nname,Total\n", encoding="utf-8")
        with pytest.raises(ScenarioError, match="reserved scenario name"):
            load_scenario(p)

    @pytest.mark.parametrize("text, readings", [("1,5", ("1.5", "15")), ("0,2", ("0.2", "2"))])
    def test_ambiguous_decimal_comma_in_a_scenario_is_refused(self, text, readings):
        with pytest.raises(ScenarioError) as info:
            Scenario.from_pairs({"peak_multiplier": text})
        assert "ambiguous number" in str(info.value) and all(r in str(info.value) for r in readings)


def test_scenario_file_errors_name_the_line(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("parameter,value\nname,late\ndelay_years,1,5\n".replace("1,5", '"1,5"'), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert str(info.value).startswith("s.csv line 3: delay_years: ambiguous number: 1.5 or 15?")
