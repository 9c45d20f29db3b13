"""Tests of alfa_xl.book.tables.report: scenario comparison and the blocks a refresh writes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alfa_xl.errors import AlfaInputError, UnknownScenarioError
from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.engine.projection import project
from alfa_xl.book.tables.report import (
    COMPARE_COLUMNS,
    Block,
    RefreshInputs,
    blocks_to_grid,
    clean,
    compare_scenarios,
    refresh_blocks,
    scenarios_table,
)
from alfa_xl.model.engine.scenarios import Scenario


def growing() -> Lineup:
    """One model: 250,000 in 2027 (half year), 500,000 at its 2028 peak."""
    return Lineup([Model("Big", 2027, 500_000, plateau=1.0, decline_after=100)])


class TestCompareScenarios:
    def test_rows_and_gap(self):
        t = compare_scenarios(2030)
        assert tuple(t.columns) == COMPARE_COLUMNS
        assert t["Scenario"].tolist() == ["base", "bear", "bull", "plan", "track_record"]
        for _, r in t.iterrows():
            assert r["Total"] == pytest.approx(project(None, r["Scenario"], 2030, 2030).totals[0])
            assert r["Gap"] == pytest.approx(400_000 - r["Total"])
            assert r["Share of target"] == pytest.approx(r["Total"] / 400_000)
            assert r["First year at target"] is None  # no built-in scenario reaches 400,000 by 2040

    def test_first_year_at_target(self):
        t = compare_scenarios(2030, 400_000, growing(), ["base", Scenario(name="late", delay_years=3)])
        assert t["First year at target"].tolist() == [2028, 2031]  # searched past 2030, to 2040
        assert t["Total"].tolist() == pytest.approx([500_000, 250_000])

    def test_bad_target_and_scenario(self):
        with pytest.raises(AlfaInputError, match="target"):
            compare_scenarios(2030, -1)
        with pytest.raises(UnknownScenarioError):
            compare_scenarios(2030, scenarios=["nope"])


def test_scenarios_table():
    t = scenarios_table()
    assert t["Scenario"].tolist() == ["base", "bear", "bull", "plan", "track_record"]
    bear = t.set_index("Scenario").loc["bear"]
    assert (bear["delay_years"], bear["peak_multiplier"], bear["na_tariff"], bear["market_trend"]) == (
        1,
        0.8,
        -0.2,
        -0.02,
    )
    assert t["Reasoning"].str.len().min() > 80


class TestRefreshBlocks:
    def test_blocks(self):
        inputs = RefreshInputs(
            target=300_000, start_year=2026, end_year=2028, scenarios=("base", "bear"), lineup=growing()
        )
        b = refresh_blocks(inputs)
        assert set(b) == {"scenarios", "compare", "gap"}
        assert [x.name for x in b["scenarios"]] == ["projection_base", "projection_bear"]
        assert b["scenarios"][0].frame["Total"].tolist() == pytest.approx([0, 250_000, 500_000])
        assert b["gap"][0].frame["Gap"].tolist() == pytest.approx([300_000, 50_000, -200_000])
        assert b["compare"][0].title == "Scenarios compared in 2030 against 300,000"

    def test_defaults(self):
        inputs = RefreshInputs()
        assert (inputs.start_year, inputs.end_year, inputs.target, inputs.compare_year) == (2026, 2030, 400_000, 2030)


class TestGrid:
    def test_layout(self):
        a = Block("a", "Title A", pd.DataFrame({"x": [1, 2], "y": [np.nan, 3.5]}))
        b = Block("b", "Title B", pd.DataFrame({"z": ["t"]}))
        grid = blocks_to_grid([a, b])
        assert grid == [
            ["Title A", None],
            ["x", "y"],
            [1, None],
            [2, 3.5],
            [None, None],
            ["Title B", None],
            ["z", None],
            ["t", None],
        ]
        assert type(grid[2][0]) is int

    def test_empty(self):
        assert blocks_to_grid([]) == []


@pytest.mark.parametrize(
    "value, expected",
    [
        (np.int64(3), 3),
        (np.float64(2.5), 2.5),
        (float("nan"), None),
        (math.inf, None),
        (pd.NA, None),
        (None, None),
        (np.bool_(True), True),
        ("text", "text"),
    ],
)
def test_clean(value, expected):
    got = clean(value)
    assert got == expected and type(got) is type(expected)
