"""The Risk sheet's tables: the calibrated forecast by default, the scenario's Monte Carlo as a labelled what-if."""

from __future__ import annotations

import math

import numpy as np
import pytest
from closed_form import walk_by_hand

from alfa_xl.book.tables.report import RefreshInputs
from alfa_xl.book.tables.risk import risk_blocks
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.risk.simulate import simulate

PATHS, SEED = 2_000, 7


@pytest.fixture(scope="module")
def blocks():
    return risk_blocks(RefreshInputs(start_year=2024, end_year=2030), paths=PATHS, seed=SEED, scenario="bear")


def test_the_fan_is_the_calibrated_forecast_of_alfa_forecast(blocks):
    fan = blocks[0].frame.set_index("Year")
    f = forecast(start_year=2026, end_year=2030, paths=PATHS, seed=SEED)  # what ALFA_FORECAST gives
    table = f.table().set_index("Year")
    for col in ("P10", "P50", "P90"):
        assert fan.loc[2026:2030, col].tolist() == pytest.approx(table[col].tolist(), rel=1e-12)
    # the headline of headline.csv (the log random walk with drift since the choice included the walks)
    assert f.method == "rw_drift" and "a log random walk with drift, in the model's path order" in blocks[0].title
    # the years before the first forecast year are actuals, not forecasts: blank
    assert fan.loc[[2024, 2025], ["P10", "P50", "P90", "Mean"]].isna().all().all()


def test_the_scenario_is_a_labelled_what_if(blocks):
    fan = blocks[0].frame.set_index("Year")
    sim = simulate(None, "bear", 2024, 2030, PATHS, SEED)
    assert fan["What-if P50"].tolist() == pytest.approx(np.percentile(sim.totals, 50, axis=0).tolist(), rel=1e-12)
    assert fan["Scenario"].tolist() == pytest.approx(sim.deterministic.tolist(), rel=1e-12)
    assert "what-if, 2,000 paths around scenario bear, seed 7" in blocks[0].title
    assert "What-if columns: 2,000 paths around scenario bear" in blocks[1].title
    assert blocks[2].title.startswith("What-if tornado:") and "scenario bear" in blocks[2].title
    prob = blocks[1].frame.set_index("Year")
    share = (sim.totals >= 400_000).mean(axis=0)
    assert prob["What-if probability"].tolist() == pytest.approx(share.tolist())


def test_every_calibrated_probability_carries_its_precision(blocks):
    prob = blocks[1].frame.set_index("Year")
    f = forecast(start_year=2026, end_year=2030, paths=PATHS, seed=SEED)
    assert f.method == "rw_drift"  # headline.csv: each year's chance is the walk's closed form, exact
    last_year, last, mu, sd = walk_by_hand()
    for year in range(2026, 2031):
        p, se, bound = prob.loc[year, ["Probability", "Standard error", "95% upper bound"]]
        h = year - last_year
        exact = 0.5 * math.erfc((math.log(400_000 / last) - h * mu) / (sd * math.sqrt(h)) / math.sqrt(2))
        assert p == pytest.approx(exact, rel=1e-9) and se == 0 and np.isnan(bound)
    # the structural model alone: with fewer than 30 of its paths over the line, the efficient
    # estimate, far more precise than a share of 2,000 paths
    g = forecast(start_year=2026, end_year=2030, paths=PATHS, seed=SEED, method="model")
    for year in (2027, 2030):
        hits = int(np.count_nonzero(g.totals[:, g.all_years.tolist().index(year)] >= 400_000))
        est = g.chance_in(year, 400_000)
        assert hits < 30 and est.method == "importance sampling"
        assert 0 < est.standard_error < math.sqrt(max(est.probability, 1 / PATHS) / PATHS)
    assert prob.loc[[2024, 2025], "Probability"].isna().all()


def test_checks_accept_the_blank_past_years(blocks):
    from alfa_xl.book.sheets.checks import risk_checks_values
    from types import SimpleNamespace

    inputs = SimpleNamespace(refresh=RefreshInputs(start_year=2024, end_year=2030))
    values = risk_checks_values(blocks, inputs)
    assert values["order"] == "OK" and values["within"] == "OK" and values["years"] == "OK"
