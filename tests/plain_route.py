"""Plain paths of the recipe with, for each, whether it is on the route where the plan
succeeds, read from its draws (the brute force the importance-sampled joint estimates are
checked against in ``test_tails.py`` and ``test_tails_combination.py``)."""

from __future__ import annotations

import numpy as np

from alfa_xl.model.risk.simulate import PathFrame, draw, simulate


def plain_paths_on_route(f, n: int, seed: int, end_year: int = 2030) -> tuple[np.ndarray, np.ndarray]:
    """``n`` plain paths of forecast ``f``'s lineup, scenario and uncertainty from 2026 to
    ``end_year`` (yearly totals ``(n, years)``) and, for each, whether every planned model is
    built, on its stated date (no slip), at least at its stated peak; one seed gives both the
    same paths."""
    frame = PathFrame(f.lineup, f.scenario, 2026, end_year, f.uncertainty, 2025)
    d = draw(n, seed, f.lineup, f.scenario, f.uncertainty, start_year=2026, end_year=end_year, base_year=2025)
    sim = simulate(f.lineup, f.scenario, 2026, end_year, n, seed, f.uncertainty, base_year=2025)
    planned = np.flatnonzero(frame.planned)
    stated = f.lineup.arrays["peak_units"][planned]
    on_route = (
        (d.slip[:, planned] == 0)
        & ~d.cancelled[:, planned]
        & (d.peak_multiplier[:, planned] * frame.peak[planned] >= stated)
    ).all(axis=1)
    return sim.totals, on_route
