"""A parameter given twice in a scenario is refused, naming it, on every path: never a
silent last-wins."""

from __future__ import annotations

import pytest

from alfa_xl import udfs
from alfa_xl.cli import main
from alfa_xl.errors import ScenarioError
from alfa_xl.model.engine.scenarios import Scenario, load_scenario

from cli_support import one_line, write


@pytest.mark.parametrize(
    "pairs, named",
    [
        ([("delay_years", 1), ("delay_years", 2)], "delay_years"),
        ([("delay_years", 1), ("Delay Years", 0)], "Delay Years"),
        ([("market_trend", 0.01), ("MARKET_TREND", 0.02)], "MARKET_TREND"),
        ([("delay:Junior", 1), ("delays:  Junior", 2)], "delays:  Junior"),
        ([("peak:Junior", 1.1), ("peak_multiplier:Junior", 0.9)], "peak_multiplier:Junior"),
        ([("name", "a"), ("Name", "b")], "Name"),
    ],
)
def test_scenario_parameter_given_twice_is_refused(pairs, named):
    with pytest.raises(ScenarioError) as err:
        Scenario.from_pairs(pairs)
    assert err.value.field == named
    assert "given twice" in str(err.value)


def test_scenario_parameters_for_different_models_are_not_duplicates():
    s = Scenario.from_pairs([("delay:Junior", 1), ("delay:Tonale", 2)])
    assert dict(s.delays) == {"Junior": 1, "Tonale": 2}


@pytest.mark.parametrize(
    "rows",
    [
        [["delay_years", 1], ["delay_years", 2]],
        [["delay_years", 2], ["delay_years", 1]],
        [["delay_years", 1], ["Delay Years", 0]],
    ],
)
def test_scenario_parameter_given_twice_at_a_cell(rows):
    out = udfs.alfa_total(2030, rows)
    assert isinstance(out, str) and out.startswith("#VALUE! ALFA_TOTAL: ") and "\n" not in out
    assert "given twice" in out and "delay_years" in out


def test_scenario_csv_parameter_given_twice_names_the_line(tmp_path, capsys):
    path = write(tmp_path / "s.csv", "parameter,value\ndelay_years,1\nmarket_trend,0.01\ndelay_years,2\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "line 4" in err.value.field  # header is line 1, the repeat is the fourth line
    one_line(capsys, main(["outlook", "--scenario", path]), "delay_years", "given twice", "line 4")


def test_base_row_given_twice_at_a_cell_is_refused():
    # regression: a second "base" row silently replaced the first (last wins)
    out = udfs.alfa_total(2030.0, [["base", "bear"], ["base", "bull"]])
    assert isinstance(out, str) and out.startswith("#VALUE! ALFA_TOTAL: scenario [base]: parameter given twice")
    assert "\n" not in out


def test_one_base_row_still_starts_from_that_scenario():
    assert udfs.alfa_total(2030.0, [["base", "bear"]]) == udfs.alfa_total(2030.0, "bear")
