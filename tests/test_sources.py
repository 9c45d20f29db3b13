"""Tests of alfa_xl.model.sources: the shipped history and facts."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from alfa_xl.model.sources import fact, facts, history, latest_actual, plan_2014, plan_targets


def raw(name: str) -> list[dict[str, str]]:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p, open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


class TestHistory:
    def test_matches_the_csv_sorted_by_year(self):
        h = history()
        rows = sorted(raw("history.csv"), key=lambda r: int(r["year"]))
        assert h["year"].tolist() == [int(r["year"]) for r in rows]
        assert h["units"].tolist() == [float(r["units"]) for r in rows]
        assert h["year"].is_unique
        assert set(h["kind"]) <= {"official", "estimate"}
        assert h["source"].str.startswith("http").all()

    def test_latest_actual_is_2025(self):
        assert latest_actual() == (2025, 73_000.0)

    def test_chosen_conflicts(self):
        h = history().set_index("year")["units"]
        assert h[2023] == 68_683  # explicit count preferred to the rounded '>70000'
        assert h[2024] == pytest.approx(73_000 / 1.201, abs=50)  # derived from the 2025 growth
        assert h[2017] == 118_000  # low end of the 118-125k estimate

    def test_copy_is_safe_to_modify(self):
        h = history()
        h.loc[0, "units"] = -1
        assert history().loc[0, "units"] > 0


class TestFacts:
    def test_columns_and_sources(self):
        f = facts()
        assert list(f.columns) == ["key", "value", "unit", "as_of", "source", "note"]
        assert f["key"].is_unique
        assert (f["source"].str.len() > 0).all() and (f["as_of"].str.len() >= 4).all()
        assert len(f) == len(raw("facts.csv"))

    @pytest.mark.parametrize(
        "key, value",
        [("global_units_2025", 73_000), ("global_units_h1_2025", 33_020), ("target_units", 400_000),
         ("us_units_2025", 5_652), ("us_tariff_eu_cars", 0.15), (" Global_Units_2025 ", 73_000)],
    )
    def test_fact(self, key, value):
        assert fact(key) == value

    def test_unknown_fact(self):
        with pytest.raises(KeyError):
            fact("global_units_2099")

    def test_history_and_facts_agree_on_2025(self):
        assert fact("global_units_2025") == latest_actual()[1]


def test_plan_tables_are_complete():
    assert len(plan_2014()) == len(raw("plan_2014.csv")) == 12
    assert len(plan_targets()) == len(raw("plan_targets.csv"))
