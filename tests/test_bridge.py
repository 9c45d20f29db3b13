"""The bridge from the last actual to each forecast year, by model."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from alfa_xl.model.evidence.bridge import bridge, bridge_table
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

YEARS = list(range(2026, 2036))


@pytest.fixture(scope="module")
def recipe():
    f = forecast(paths=1_000)
    return f, bridge(f.lineup, f.scenario, 2025, YEARS)


def test_starts_from_the_last_actual(recipe):
    with resources.as_file(resources.files("alfa_xl.model") / "data" / "history.csv") as p, open(p, newline="") as fh:
        last = max((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
    _, b = recipe
    assert last[0] == 2025 and b.attrs["base_units"] == pytest.approx(last[1], rel=1e-12)


def test_each_year_reconciles_to_the_central_case_of_the_monte_carlo_engine(recipe):
    # the central case computed another way: every path of the Monte Carlo with no spread
    f, b = recipe
    sim = simulate(f.lineup, f.scenario, 2026, 2035, 3, 1, Uncertainty.none(), base_year=2025)
    central = sim.totals[0]
    sums = b.groupby("year")["change"].sum()
    for i, y in enumerate(YEARS):
        assert b.attrs["base_units"] + sums[y] == pytest.approx(central[i], rel=1e-9)
        assert b.attrs["central"][y] == pytest.approx(central[i], rel=1e-9)


def test_models_held_by_their_evidence_do_not_move_in_2026(recipe):
    # lineup.csv: the Junior (order book) and the Tonale (facelift) are held through 2026
    with resources.as_file(resources.files("alfa_xl.model") / "data" / "lineup.csv") as p, open(p, newline="") as fh:
        held = {r["model"] for r in csv.DictReader(fh) if r["hold_until"].strip() == "2026"}
    _, b = recipe
    moves = b[b["year"] == 2026].set_index("model")["change"]
    assert held == {"Junior", "Tonale"}
    assert all(abs(moves[m]) < 1e-6 for m in held)
    # Giulia and Stelvio keep their late-life fall of 35% a year (Cassino output -28% in 9M 2025)
    assert moves["Giulia"] < 0 and moves["Stelvio"] < 0


def test_table_rows_add_up(recipe):
    _, b = recipe
    t = bridge_table(b, max_models=5)
    body = t.iloc[1:-1, 1:].to_numpy(float)
    assert t.iloc[0, 0] == "2025 actual" and t.iloc[-1, 0] == "Central case" and len(t) <= 7
    assert np.allclose(t.iloc[0, 1:].to_numpy(float) + body.sum(axis=0), t.iloc[-1, 1:].to_numpy(float))
