"""Values of every ALFA_ function, checked against calculations made here by hand."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from alfa_xl.excel import functions as udfs
from alfa_xl.excel.results import ResultCache, cache_info

DATA = Path(__file__).parent.parent / "alfa_xl" / "model" / "data"
MODELS = [r["model"] for r in csv.DictReader((DATA / "lineup.csv").open(encoding="utf-8"))]
E07 = math.exp(-0.7)
E18 = math.exp(-1.8)  # the fitted default decay (blank curve cells)


def one_model(peak=10_000.0, launch=2026.0, italy=1.0, rest=0.0, extra_blank_rows=1):
    """A one-model lineup range as Excel sends it (floats, None for blanks)."""
    header = [
        "model",
        "launch_year",
        "peak_units",
        "share_italy",
        "share_rest_of_europe",
        "share_north_america",
        "share_rest_of_world",
        None,
    ]
    rows = [header, ["X", launch, peak, italy, rest, 0.0, 0.0, None]]
    return rows + [[None] * len(header)] * extra_blank_rows


# Units of one model with peak 10,000 launched 2026, defaults f=0.5, p=0.5, k=0.7:
# 2026: f x peak = 5,000; 2027 (peak year) 10,000; 2028: (0.5 + 0.5 e^-0.7) x 10,000.
ONE_MODEL_UNITS = {2026: 5000.0, 2027: 10000.0, 2028: 10000 * (0.5 + 0.5 * E18)}


class TestAlfaProject:
    def test_defaults_are_base_2026_to_2030_by_model(self):
        out = udfs.alfa_project()
        assert out[0] == ["Year", *MODELS, "Total"]
        assert [r[0] for r in out[1:]] == [2026, 2027, 2028, 2029, 2030]
        assert out == udfs.alfa_project("base", 2026, 2030, "model")

    def test_rows_add_up_and_known_cells(self):
        out = udfs.alfa_project()
        for row in out[1:]:
            assert row[-1] == pytest.approx(sum(row[1:-1]))
        junior, tonale = out[0].index("Junior"), out[0].index("Tonale")
        assert out[1][junior] == pytest.approx(33000)  # held at its 2025 peak through 2026 (hold_until)
        # the Tonale held at its 2025 level (age 3) through 2026 by its facelift (hold_until)
        assert out[1][tonale] == pytest.approx(40000 * (0.5 + 0.5 * math.exp(-1.4)))
        assert out[1][out[0].index("US E-SUV")] == 0  # reported cancelled in base

    def test_by_region_and_total_match_by_model(self):
        model, region, total = (
            udfs.alfa_project(by="model"),
            udfs.alfa_project(by="region"),
            udfs.alfa_project(by="total"),
        )
        assert region[0] == ["Year", "Italy", "Rest of Europe", "North America", "Rest of world", "Total"]
        assert total[0] == ["Year", "Total"]
        for m, r, t in zip(model[1:], region[1:], total[1:]):
            assert m[-1] == pytest.approx(r[-1]) == pytest.approx(t[-1])
            assert r[-1] == pytest.approx(sum(r[1:-1]))

    def test_one_model_lineup_range(self):
        out = udfs.alfa_project(None, 2025, 2028, "region", one_model())
        assert out[0][1] == "Italy"
        assert [r[0] for r in out[1:]] == [2025, 2026, 2027, 2028]
        assert [r[1] for r in out[1:]] == pytest.approx([0.0, *ONE_MODEL_UNITS.values()])
        assert all(r[2] == r[3] == r[4] == 0 for r in out[1:])

    def test_scenario_range_overrides_base(self):
        # delay 1 year and peak x 2 for planned models: the launch moves to 2027 at 2 x 10,000 x 0.5
        rng = [["parameter", "value"], ["delay_years", 1.0], ["peak_multiplier", 2.0], [None, None]]
        out = udfs.alfa_project(rng, 2026, 2028, "total", one_model())
        assert [r[1] for r in out[1:]] == pytest.approx([0.0, 10000.0, 20000.0])

    def test_scenario_names_ignore_case_and_spaces(self):
        assert udfs.alfa_project("  BULL ") == udfs.alfa_project("bull") != udfs.alfa_project("base")

    def test_bad_arguments_name_function_argument_and_fix(self):
        assert udfs.alfa_project(start_year=2031, end_year=2030) == (
            "#VALUE! ALFA_PROJECT: end_year: before the start year (got 2030); give an end year on or after the start year 2031"
        )
        msg = udfs.alfa_project(by="brand")
        assert msg.startswith("#VALUE! ALFA_PROJECT: by: unknown choice (got 'brand'); use one of")
        msg = udfs.alfa_project([["peak:Junior", 20.0]])
        assert msg.startswith("#VALUE! ALFA_PROJECT: scenario [peak:Junior]: outside 0 to 10 (got 20)")
        msg = udfs.alfa_project([["delay:Nope", 1.0]])
        assert msg.startswith("#VALUE! ALFA_PROJECT: scenario [delay:Nope]: unknown model")
        msg = udfs.alfa_project(lineup=[["model", "launch_year"], ["X", 2026.0]])
        assert msg.startswith("#VALUE! ALFA_PROJECT: lineup [columns]: missing required column") and "peak_units" in msg


class TestTotalAndGap:
    def test_total_of_one_model(self):
        for year, units in ONE_MODEL_UNITS.items():
            assert udfs.alfa_total(year, None, one_model()) == pytest.approx(units)

    def test_total_matches_project_total(self):
        assert udfs.alfa_total(2029) == pytest.approx(udfs.alfa_project()[4][-1])

    def test_gap_is_target_minus_total(self):
        assert udfs.alfa_gap() == pytest.approx(400_000 - udfs.alfa_total(2030))
        assert udfs.alfa_gap(250_000.0, 2028.0, "bear") == pytest.approx(250_000 - udfs.alfa_total(2028, "bear"))
        assert udfs.alfa_gap(20_000, 2027, None, one_model()) == pytest.approx(10_000)
        assert udfs.alfa_gap(5_000, 2027, None, one_model()) == pytest.approx(-5_000)  # beaten: negative

    def test_total_needs_a_year(self):
        assert (
            udfs.alfa_total(None)
            == "#VALUE! ALFA_TOTAL: year: missing (got an empty cell); give a whole year between 2000 and 2060, e.g. 2030"
        )

    def test_gap_target_must_be_positive(self):
        assert udfs.alfa_gap(-1).startswith("#VALUE! ALFA_GAP: target: must be above 0 (got -1)")


class TestGapTable:
    def test_columns_and_values(self):
        out = udfs.alfa_gap_table(20_000, None, 2026, 2028, one_model())
        assert out[0] == [
            "Year",
            "Projection",
            "Target",
            "Gap",
            "Share of target",
            "Growth required",
            "Years to target",
            "Junior-equivalents",
        ]
        for row, (year, units) in zip(out[1:], ONE_MODEL_UNITS.items()):
            assert row[0] == year
            assert row[1] == pytest.approx(units)
            assert row[2] == 20_000 and row[3] == pytest.approx(20_000 - units)
            assert row[4] == pytest.approx(units / 20_000)
            # from 73,000 actual in 2025 down to 20,000: rate r with 73,000 (1 + r)^n = 20,000
            assert row[5] == pytest.approx((20_000 / 73_000) ** (1 / (year - 2025)) - 1)

    def test_default_growth_required_2030(self):
        last = udfs.alfa_gap_table()[-1]
        assert last[0] == 2030 and last[5] == pytest.approx((400_000 / 73_000) ** (1 / 5) - 1)

    def test_years_not_defined_are_empty(self):
        out = udfs.alfa_gap_table(None, None, 2024, 2025)
        assert out[1][5] is None and out[1][6] is None


class TestGrowth:
    def test_cagr_as_excel_users_know_it(self):
        assert round(udfs.alfa_cagr(70000, 400000, 5), 5) == 0.41707
        assert udfs.alfa_cagr(70000.0, "400,000", " 5 ") == pytest.approx((400000 / 70000) ** 0.2 - 1)

    def test_cagr_errors(self):
        assert udfs.alfa_cagr(0, 400000, 5).startswith(
            "#VALUE! ALFA_CAGR: start_value: must be above 0 (got 0); give the starting volume as a number above 0"
        )
        assert udfs.alfa_cagr(None, 1, 1).startswith("#VALUE! ALFA_CAGR: start_value: missing")

    def test_years_to_target(self):
        assert udfs.alfa_years_to_target(73000, 0.1) == pytest.approx(math.log(400000 / 73000) / math.log(1.1))
        assert udfs.alfa_years_to_target(73000, "10%", 146000) == pytest.approx(math.log(2) / math.log(1.1))
        assert udfs.alfa_years_to_target(500000, 0.1) == 0

    def test_never_reached_is_an_empty_cell(self):
        assert udfs.alfa_years_to_target(73000, 0) is None
        assert udfs.alfa_years_to_target(73000, -0.05) is None


class TestTables:
    def test_scenarios(self):
        out = udfs.alfa_scenarios()
        assert out[0][:2] == ["Scenario", "Description"] and out[0][-1] == "Reasoning"
        assert [r[0] for r in out[1:]] == ["base", "bear", "bull", "plan", "track_record"]
        bear = out[2]
        assert bear[out[0].index("delay_years")] == 1 and bear[out[0].index("peak_multiplier")] == 0.8

    def test_compare(self):
        out = udfs.alfa_compare()
        assert out[0] == ["Scenario", "Total", "Target", "Gap", "Share of target", "First year at target"]
        for row in out[1:]:
            assert row[1] == pytest.approx(udfs.alfa_total(2030, row[0]))
            assert row[3] == pytest.approx(400_000 - row[1])
            assert row[5] is None  # no scenario reaches 400,000 by 2040
        low = udfs.alfa_compare(2030, 50_000)
        assert all(r[5] is not None and 2026 <= r[5] <= 2040 for r in low[1:] if r[1] >= 50_000)

    def test_facts(self):
        rows = list(csv.DictReader((DATA / "facts.csv").open(encoding="utf-8")))
        out = udfs.alfa_facts()
        assert out[0] == ["Key", "Value", "Unit", "As of", "Source"]
        assert [r[0] for r in out[1:]] == [r["key"] for r in rows]
        assert out[1][1] == float(rows[0]["value"]) and out[1][3] == rows[0]["as_of"]

    def test_fact(self):
        assert udfs.alfa_fact("global_units_2025") == 73000
        assert udfs.alfa_fact("  Global_Units_H1_2025 ") == 33020
        assert udfs.alfa_fact("nope").startswith(
            "#VALUE! ALFA_FACT: key: unknown fact (got 'nope'); use a key listed by ALFA_FACTS()"
        )


class TestCache:
    def test_hit_returns_the_same_values_as_a_fresh_copy(self):
        first = udfs.alfa_project()
        info = cache_info()
        second = udfs.alfa_project()
        assert cache_info()["hits"] == info["hits"] + 1
        assert second == first and second is not first and second[1] is not first[1]
        second[1][1] = "changed"
        assert udfs.alfa_project() == first

    def test_normalised_arguments_share_one_entry(self):
        udfs.alfa_project("bear", 2026, 2030)
        misses = cache_info()["misses"]
        udfs.alfa_project(" BEAR ", 2026.0, "2030", "Model")
        assert cache_info()["misses"] == misses

    def test_different_arguments_never_share_a_result(self):
        results = {
            "base": udfs.alfa_project(),
            "bear": udfs.alfa_project("bear"),
            "2027": udfs.alfa_project(None, 2027),
            "region": udfs.alfa_project(by="region"),
            "range": udfs.alfa_project([["delay_years", 1]]),
            "lineup": udfs.alfa_project(lineup=one_model()),
        }
        assert len({repr(v) for v in results.values()}) == len(results)
        assert udfs.alfa_total(2030) != udfs.alfa_total(2029)
        assert udfs.alfa_gap(400_000) != udfs.alfa_gap(300_000)
        assert udfs.alfa_cagr(1, 2, 1) != udfs.alfa_cagr(1, 2, 2)

    def test_true_is_not_one_in_a_range(self):
        ok = udfs.alfa_project([["delay_years", 1]])
        assert not isinstance(ok, str)
        bad = udfs.alfa_project([["delay_years", True]])
        assert bad.startswith("#VALUE! ALFA_PROJECT: scenario [delay_years]: not a number")
        assert isinstance(udfs.alfa_project(lineup=one_model(peak=1.0)), list)
        assert udfs.alfa_project(lineup=one_model(peak=True)).startswith(
            "#VALUE! ALFA_PROJECT: lineup [peak_units of 'X']"
        )

    def test_cache_is_bounded(self):
        cache = ResultCache(maxsize=3)
        for i in range(5):
            cache.get(("k", i), lambda i=i: i)
        assert len(cache) == 3 and cache.get(("k", 0), lambda: "recomputed") == "recomputed"


@pytest.mark.parametrize("name", ["alfa_xl.excel.readers", "alfa_xl.excel.messages"])
def test_excel_argument_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 1 and result.failed == 0
