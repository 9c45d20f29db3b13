"""The calibrated forecast (:func:`alfa_xl.model.evidence.forecast.forecast`) on a lineup whose percentiles
are known in closed form.

The lineup is :func:`closed_form.solo`: one model on sale with a flat curve (plateau 1, no decline, launched
2015: full peak in every year from 2016), Italy only (no tariff); the spreads are all zero but the yearly noise
of the models on sale, ``volume_sigma`` = 0.2. Then:

* the recipe scales the model to the latest actual, 73,000 in 2025 (``history.csv``), and the calibrated
  ``track_record`` scenario changes nothing for a model on sale (no delay, no peak multiplier, no trend,
  no tariff);
* the yearly noise is a random walk in log from 2025 with N(0, sigma^2) steps, so in year 2025 + h the total
  is 73,000 x exp(sigma sqrt(h) Z), Z ~ N(0, 1): the percentile p is 73,000 x exp(z_p sigma sqrt(h)), the
  P50 is 73,000 in every year (no drift), and P(total of 2026 >= 73,000 x exp(z_0.9 sigma)) = 0.1.

The combination replaces the path of rank k in each year by w x itself + (1 - w) x the log random
walk with drift's quantile (k + 0.5) / n; quantile averaging is linear, so its percentile p is
w x the model's + (1 - w) x the walk's, and the walk's is closed form from ``history.csv``.

Monte Carlo tolerance (n = 20,000 paths). The sample p-quantile of Z has standard error
sqrt(p (1 - p) / n) / phi(z_p): for p = 0.1 or 0.9, sqrt(0.09 / 20,000) / 0.17550 = 0.01209; for
p = 0.5, sqrt(0.25 / 20,000) / 0.39894 = 0.00886. In log units that is times sigma sqrt(h): at
h = 10, 0.01209 x 0.2 x 3.1623 = 0.00765 (0.8% of the percentile), at h = 1, 0.00242. The tests allow
4 standard errors (a chance of about 6e-5 each to fail by bad luck; with a fixed seed the run is repeatable).

What a wrong engine would do (each fails): a sigma of 0.22 instead of 0.2 moves the 2035 P90 by
z_0.9 x 0.02 x sqrt(10) = 0.081 in log units, 10 times the tolerance there (0.0306), and the 2026 P90 by
0.0256 against 0.0097; a lognormal mean correction (drift -sigma^2 / 2 a year) moves the 2035 P50 by 0.2
against 0.0224; a noise year lost or counted twice changes sqrt(h) to sqrt(h -/+ 1), in 2035 by
z_0.9 x 0.2 x (sqrt(11) - sqrt(10)) = 0.039 against 0.0306.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from closed_form import SOLO_UNITS, solo

import alfa_xl
from alfa_xl.model.evidence.forecast import forecast

#: z_0.9, the 90th percentile of the standard normal: 1.282 in the table of critical values of the NIST/SEMATECH
#: e-Handbook of Statistical Methods (1.3.6.7.1, upper tail 0.10); to double precision 1.2815515655446004, which
#: the standard library's ``NormalDist().inv_cdf(0.9)`` gives too (checked in ``test_constants``).
Z90 = 1.2815515655446004
#: phi(z_0.9) = exp(-Z90^2 / 2) / sqrt(2 pi) = 0.17550 and phi(0) = 1 / sqrt(2 pi) = 0.39894.
PHI = {10: math.exp(-(Z90**2) / 2) / math.sqrt(2 * math.pi), 50: 1 / math.sqrt(2 * math.pi)}
PHI[90] = PHI[10]
Z = {10: -Z90, 50: 0.0, 90: Z90}

SIGMA = 0.2
PATHS = 20_000
LAST_ACTUAL = (2025, 73_000.0)  # history.csv, the brand's press release (checked against the file below)
YEARS = np.arange(2026, 2036)
H = YEARS - LAST_ACTUAL[0]  # years since the latest actual
DATA = Path(alfa_xl.__file__).parent / "model" / "data"


def _run(method: str):
    lineup, noise_only = solo(SIGMA)
    return forecast(lineup, 2026, 2035, paths=PATHS, seed=7, uncertainty=noise_only, method=method)


def _log_se(p: int, h: np.ndarray) -> np.ndarray:
    """Standard error of the log of the sample p-percentile of 73,000 x exp(sigma sqrt(h) Z)."""
    q = p / 100
    return math.sqrt(q * (1 - q) / PATHS) / PHI[p] * SIGMA * np.sqrt(h)


@pytest.fixture(scope="module")
def model_only():
    return _run("model")


def test_constants():
    assert NormalDist().inv_cdf(0.9) == pytest.approx(Z90, abs=1e-12)
    assert PHI[10] == pytest.approx(0.17550, abs=5e-6) and PHI[50] == pytest.approx(0.39894, abs=5e-6)
    with open(DATA / "history.csv", newline="", encoding="utf-8") as fh:
        last = max(csv.DictReader(fh), key=lambda r: int(r["year"]))
    assert (int(last["year"]), float(last["units"])) == LAST_ACTUAL


def test_model_percentiles_are_the_lognormal_ones(model_only):
    f = model_only
    assert f.method == "model" and f.anchor_factor == pytest.approx(LAST_ACTUAL[1] / SOLO_UNITS)  # 7.3
    table = f.table()
    assert table["Year"].tolist() == YEARS.tolist()
    for p in (10, 50, 90):
        expected = LAST_ACTUAL[1] * np.exp(Z[p] * SIGMA * np.sqrt(H))
        error = np.abs(np.log(table[f"P{p}"].to_numpy() / expected))
        assert (error <= 4 * _log_se(p, H)).all(), (p, error.round(4).tolist())


def test_chance_of_the_first_year_past_its_p90_line(model_only):
    # P(73,000 exp(sigma Z) >= 73,000 exp(z_0.9 sigma)) = P(Z >= z_0.9) = 0.1; binomial standard error
    # sqrt(0.1 x 0.9 / 20,000) = 0.00212, 4 of them 0.0085 (a sigma of 0.22 gives 0.122: fails)
    line = LAST_ACTUAL[1] * math.exp(Z90 * SIGMA)
    assert model_only.probability_by(2026, line) == pytest.approx(0.1, abs=4 * math.sqrt(0.09 / PATHS))


def _random_walk_with_drift(p: int) -> np.ndarray:
    """The walk's percentile p by year, by hand from history.csv: log units move by N(g mu, g s^2) over a gap
    of g years; mu = sum of the log changes / sum of the gaps, s^2 = sum((d - g mu)^2 / g) / (changes - 1)."""
    with open(DATA / "history.csv", newline="", encoding="utf-8") as fh:
        rows = sorted((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
    d = [math.log(b[1] / a[1]) for a, b in itertools.pairwise(rows)]
    g = [b[0] - a[0] for a, b in itertools.pairwise(rows)]
    mu = sum(d) / sum(g)
    s = math.sqrt(sum((di - gi * mu) ** 2 / gi for di, gi in zip(d, g)) / (len(d) - 1))
    return rows[-1][1] * np.exp(H * mu + Z[p] * s * np.sqrt(H))


def test_combination_is_the_weighted_average_of_the_two_percentiles():
    with open(DATA / "headline.csv", newline="", encoding="utf-8") as fh:
        w = float(next(csv.DictReader(fh))["combination_weight"])  # 0.1, derived by the rolling backtest
    f = _run("combination")
    assert f.method == "combination"
    table = f.table()
    for p in (10, 50, 90):
        model = LAST_ACTUAL[1] * np.exp(Z[p] * SIGMA * np.sqrt(H))
        walk = _random_walk_with_drift(p)
        expected = w * model + (1 - w) * walk
        # only the model's part is Monte Carlo: w x its standard error in units, 4 of them; the walk's part
        # is read at level (k + 0.5) / n against the percentile's position p (n - 1): 0.4 / 20,000 = 2e-5
        # apart at most, 2e-5 / phi(z_0.9) = 1.2e-4 in z, times s sqrt(h) (0.76 in 2035): under 1e-4 of the
        # walk's value (allowed 1e-3)
        tolerance = 4 * w * model * _log_se(p, H) + 1e-3 * (1 - w) * walk
        error = np.abs(table[f"P{p}"].to_numpy() - expected)
        assert (error <= tolerance).all(), (p, error.round(1).tolist(), tolerance.round(1).tolist())


@pytest.mark.parametrize("method", ["rw_drift", "rw"])
def test_a_random_walk_headline_is_the_walks_percentiles(method):
    # weight 0: each year's paths are the walk's quantiles (k + 0.5) / n, whatever the model; the walk by hand
    # from history.csv (drift 0 and the sd sqrt(sum(d^2 / g) / n) without drift); the level offset (under
    # 2e-5) is under 1e-3 of the value, as above
    f = _run(method)
    assert f.method == method and f.weight == 0.0
    table = f.table()
    for p in (10, 50, 90):
        if method == "rw_drift":
            expected = _random_walk_with_drift(p)
        else:
            with open(DATA / "history.csv", newline="", encoding="utf-8") as fh:
                rows = sorted((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
            d = [math.log(b[1] / a[1]) for a, b in itertools.pairwise(rows)]
            g = [b[0] - a[0] for a, b in itertools.pairwise(rows)]
            s = math.sqrt(sum(di**2 / gi for di, gi in zip(d, g)) / len(d))
            expected = rows[-1][1] * np.exp(Z[p] * s * np.sqrt(H))
        error = np.abs(table[f"P{p}"].to_numpy() / expected - 1)
        assert (error <= 1e-3).all(), (p, error.tolist())
