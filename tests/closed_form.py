"""A lineup whose answers are known in closed form, shared by the tests and the benchmarks
(``benchmarks/pytest.ini`` puts this folder on the path).

One model on sale since 2015 with a flat curve (plateau 1, no decline: full peak in every year
from 2016), 10,000 a year, Italy only (no tariff), and no spread but the yearly noise of the
models on sale: in year 2025 + h its total is 10,000 x exp(sigma sqrt(h) Z), Z ~ N(0, 1).
"""

from __future__ import annotations

from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.risk.uncertainty import Uncertainty

#: The model's peak, units a year.
SOLO_UNITS = 10_000.0


def solo(sigma: float) -> tuple[Lineup, Uncertainty]:
    """The one-model lineup and the spreads with only ``volume_sigma`` = ``sigma``."""
    m = Model(
        "Solo",
        2015,
        SOLO_UNITS,
        status="on_sale",
        plateau=1.0,
        decay=0.0,
        decline_after=50,
        decline_rate=0.0,
        share_italy=1.0,
        share_rest_of_europe=0.0,
        share_north_america=0.0,
        share_rest_of_world=0.0,
    )
    return Lineup([m]), Uncertainty.none().with_(volume_sigma=sigma)


def walk_by_hand(drift: bool = True) -> tuple[int, float, float, float]:
    """The log random walk of the shipped history, by hand from ``history.csv``: (last year, last
    actual, drift a year, sd a year). Log changes ``d`` over gaps of ``g`` years; with drift
    ``mu = sum(d) / sum(g)`` and ``s^2 = sum((d - g mu)^2 / g) / (changes - 1)``, without it
    ``mu = 0`` and ``s^2 = sum(d^2 / g) / changes``."""
    import csv
    import itertools
    import math
    from pathlib import Path

    import alfa_xl

    with open(Path(alfa_xl.__file__).parent / "model" / "data" / "history.csv", newline="", encoding="utf-8") as fh:
        rows = sorted((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
    d = [math.log(b[1] / a[1]) for a, b in itertools.pairwise(rows)]
    g = [b[0] - a[0] for a, b in itertools.pairwise(rows)]
    if not drift:
        return rows[-1][0], rows[-1][1], 0.0, math.sqrt(sum(di**2 / gi for di, gi in zip(d, g)) / len(d))
    mu = sum(d) / sum(g)
    return rows[-1][0], rows[-1][1], mu, math.sqrt(sum((di - gi * mu) ** 2 / gi for di, gi in zip(d, g)) / (len(d) - 1))
