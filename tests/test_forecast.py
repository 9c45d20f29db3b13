"""Tests of alfa_xl.model.evidence.forecast: the central answer, recomputed from its own paths by
hand, the zero-spread identity, year-to-date conditioning and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.engine.lineup import default_lineup
from alfa_xl.model.engine.projection import project
from alfa_xl.model.evidence.forecast import forecast
from alfa_xl.model.evidence.replay import anchor_to_actual, as_of_scenario
from alfa_xl.model.risk.nowcast import nowcast
from alfa_xl.model.risk.uncertainty import Uncertainty


@pytest.fixture(scope="module")
def f():
    return forecast(paths=3_000, seed=11)


class TestCentralAnswer:
    def test_table_is_the_percentiles_of_the_paths(self, f):
        t = f.table()
        assert list(t.columns) == ["Year", "P10", "P50", "P90"] and t["Year"].tolist() == [2026, 2027, 2028, 2029, 2030]
        for q in (10, 50, 90):
            assert_allclose(t[f"P{q}"], np.percentile(f.totals[:, :5], q, axis=0))

    def test_cumulative_band_by_hand(self, f):
        sums = f.totals[:, :5].sum(axis=1)  # 2026..2030
        c = f.cumulative()
        assert c["P50"] == pytest.approx(np.percentile(sums, 50)) and c["P10"] < c["P50"] < c["P90"]
        assert f.grid()[-1] == ["2026-2030", *c.values()]

    def test_probability_by_a_year_is_any_year_up_to_it(self, f):
        hit_2030 = (f.totals[:, :5] >= 400_000).any(axis=1).mean()
        hit_2035 = (f.totals[:, :10] >= 400_000).any(axis=1).mean()
        assert f.probability_2030 == pytest.approx(hit_2030) and f.probability_2035 == pytest.approx(hit_2035)
        assert f.probability_by(2030, 1.0) == 1.0
        assert f.all_years[-1] == 2035  # the paths run to 2035 for the headline

    def test_read_only(self, f):
        with pytest.raises(ValueError):
            f.totals[0, 0] = 1.0
        with pytest.raises(Exception):
            f.paths = 1  # type: ignore[misc]

    def test_zero_spread_is_the_anchored_track_record_projection(self):
        g = forecast(paths=20, uncertainty=Uncertainty.none(), end_year=2035, method="model")
        lu, factor = anchor_to_actual(default_lineup(), 2025, 73_000.0)
        # the models on sale reproduce 2025's 73,000 after anchoring
        assert project(lu, "base", 2025, 2025).total(2025) == pytest.approx(73_000.0)
        expected = project(lu, as_of_scenario(lu, 2026), 2026, 2035).totals
        for col in ("P10", "P50", "P90"):
            assert_allclose(g.table()[col], expected, rtol=1e-12)
        assert g.anchor_factor == pytest.approx(factor)


class TestYearToDate:
    def test_current_year_takes_the_nowcast_band(self):
        n = 4_000
        plain = forecast(paths=n, seed=3, method="model")
        g = forecast(paths=n, seed=3, ytd=33_020, ytd_months=6, method="model")
        assert g.conditioned and not plain.conditioned
        nc = nowcast(33_020, 6, 2026)
        got = np.percentile(g.totals[:, 0], [10, 50, 90])
        assert_allclose(got, nc.ppf(np.array([0.1, 0.5, 0.9])), rtol=2e-3)
        # later years carry the same ratio, path by path
        ratio = g.totals[:, 0] / plain.totals[:, 0]
        assert_allclose(g.totals[:, 3], plain.totals[:, 3] * ratio, rtol=1e-12)
        # paths keep their order in the conditioned year
        order = np.argsort(plain.totals[:, 0], kind="stable")
        assert (np.diff(g.totals[order, 0]) >= 0).all()

    def test_a_random_walk_headline_walks_on_from_the_conditioned_year(self):
        # the walk after a year conditioned on 40,000 units in six months starts from that year,
        # not from the 2025 actual: h years on, the year's total N (the nowcast) times
        # exp(h mu + s sqrt(h) Z), Z independent; brute force on 400,000 draws, mu and s by hand
        # from history.csv (the walk of tests/test_forecast_closed_form.py)
        import csv
        import itertools
        import math
        from pathlib import Path

        import alfa_xl

        with open(Path(alfa_xl.__file__).parent / "model" / "data" / "history.csv", encoding="utf-8") as fh:
            rows = sorted((int(r["year"]), float(r["units"])) for r in csv.DictReader(fh))
        d = [math.log(b[1] / a[1]) for a, b in itertools.pairwise(rows)]
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(rows)]
        mu = sum(d) / sum(gaps)
        sd = math.sqrt(sum((di - gi * mu) ** 2 / gi for di, gi in zip(d, gaps)) / (len(d) - 1))
        g = forecast(paths=20_000, seed=3, ytd=40_000, ytd_months=6, method="rw_drift")
        rng = np.random.default_rng(1)
        n0 = nowcast(40_000, 6, 2026).sample(400_000, rng)
        table = g.table().set_index("Year")
        for h in (1, 4):
            brute = n0 * np.exp(h * mu + sd * math.sqrt(h) * rng.standard_normal(n0.size))
            # 20,000 paths: a percentile's relative standard error under 0.3% (4 of them allowed)
            assert_allclose(table.loc[2026 + h, ["P10", "P50", "P90"]], np.percentile(brute, [10, 50, 90]), rtol=0.012)
        # from the 2025 actual instead, the 2027 median would be 73,000 exp(mu), 17% lower
        assert table.loc[2027, "P50"] > 1.15 * 73_000 * math.exp(mu)


class TestDeprecated:
    def test_combine_still_chooses_the_method_with_a_warning(self):
        with pytest.warns(DeprecationWarning, match=r"method='model'"):
            f = forecast(paths=200, seed=3, combine=False)
        assert f.method == "model" and f.weight == 1.0
        with pytest.warns(DeprecationWarning, match=r"method='combination'"):
            g = forecast(paths=200, seed=3, combine=True)
        assert g.method == "combination" and 0 < g.weight < 1


class TestBadInput:
    @pytest.mark.parametrize(
        "kwargs, word",
        [
            (dict(start_year=2024), "start_year"),
            (dict(start_year=2030, end_year=2028), "end_year"),
            (dict(ytd=30_000), "ytd_months"),
            (dict(ytd_months=6), "ytd"),
            (dict(ytd=30_000, ytd_months=13), "months"),
            (dict(percentiles=[10, 150]), "percentiles"),
            (dict(paths=0), "paths"),
            (dict(target=-1), "target"),
            (dict(cumulative=(2020, 2030)), "cumulative"),
            (dict(method="best"), "method: unknown (got 'best'); give one of model, combination, rw_drift, rw"),
        ],
    )
    def test_one_named_error(self, kwargs, word):
        with pytest.raises(AlfaInputError) as e:
            forecast(paths=kwargs.pop("paths", 100), **kwargs)
        assert word in str(e.value)
