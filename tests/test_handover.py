"""A launch never lowers the expected units of the model it replaces plus its successor.

Rule (docs/simulation.md, "Hand-over"): a successor's stated peak times the built models'
median peak realisation is above its predecessor's late-life level, so on the calibrated
recipe the pair sells at least as much, on average, on the paths where the successor is
built by a year as on the paths where it is cancelled.
"""

from __future__ import annotations

import numpy as np
import pytest

from alfa_xl.model.engine.lineup import Lineup, default_lineup
from alfa_xl.model.evidence.replay import as_of_scenario
from alfa_xl.model.risk.simulate import draw, simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

PATHS, SEED = 20_000, 11
PAIRS = [("Tonale", "Tonale successor"), ("Stelvio", "Stelvio (next)"), ("Giulia", "Giulia (next)")]


@pytest.mark.parametrize("pred, succ", PAIRS)
def test_expected_pair_with_the_launch_is_at_least_the_pair_without(pred, succ):
    full = default_lineup()
    lineup = Lineup([full[pred], full[succ]])
    recipe = as_of_scenario(full, 2026)
    sc = recipe.with_(peak_multipliers=tuple(x for x in recipe.peak_multipliers if x[0] == succ))
    u = Uncertainty.as_of(2026)
    sim = simulate(lineup, sc, 2026, 2035, PATHS, SEED, u, base_year=2025)
    d = draw(PATHS, SEED, lineup, sc, u, start_year=2026, end_year=2035, base_year=2025)
    j = lineup.names.index(succ)
    launch = full[succ].launch_year + sc.delay_years + d.slip[:, j]
    checked = 0
    for k, year in enumerate(range(2026, 2036)):
        built = ~d.cancelled[:, j] & (launch <= year)
        cancelled = d.cancelled[:, j]
        if built.sum() < 200:
            continue
        a, b = sim.totals[built, k], sim.totals[cancelled, k]
        se = np.sqrt(a.var() / a.size + b.var() / b.size)
        assert a.mean() >= b.mean() - 2 * se, (year, a.mean(), b.mean())
        checked += 1
    assert checked >= 5
