"""alfa_xl.model.risk.assumptions and ``alfa-xl facts --assumptions`` (issue 9 item 5)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from alfa_xl.cli import main
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.risk.assumptions import PERTURBATIONS, RANK_COLUMNS, perturb, rank_assumptions
from alfa_xl.model.engine.lineup import REGION_COLUMNS, Lineup, Model, default_lineup
from alfa_xl.model.data.sources import lineup_basis

PATHS = 600  # modest: each run shares one seed, so differences are the assumption's


@pytest.fixture(scope="module")
def ranked():
    return rank_assumptions(paths=PATHS, seed=7)


class TestPerturb:
    def test_only_the_named_model_and_column_move(self):
        lu = default_lineup()
        out = perturb(lu, "Tonale", "plateau")
        assert out["Tonale"].plateau == pytest.approx(0.4)
        assert [m for m in out if m.model != "Tonale"] == [m for m in lu if m.model != "Tonale"]

    @pytest.mark.parametrize(
        "column, before, after",
        [
            ("peak_units", 40000.0, 32000.0),
            ("launch_year", 2027, 2028),
            ("launch_fraction", 0.3, 0.05),
            ("decay", 1.8, 2.1),
            ("decline_after", 5.0, 3.0),
            ("decline_rate", 0.25, 0.35),
        ],
    )
    def test_stated_amounts(self, column, before, after):
        lu = default_lineup()
        assert getattr(lu["Tonale successor"], column) == pytest.approx(before)
        assert getattr(perturb(lu, "Tonale successor", column)["Tonale successor"], column) == pytest.approx(after)

    def test_regional_split_moves_five_points_and_still_sums_to_one(self):
        m = perturb(default_lineup(), "Junior", "share_italy")["Junior"]
        assert (m.share_north_america, m.share_rest_of_europe) == pytest.approx((0.05, 0.46))
        assert sum(m.shares) == pytest.approx(1.0)


class TestRanking:
    def test_every_assumption_of_the_shipped_lineup_is_ranked_once(self, ranked):
        basis = lineup_basis()
        expected = basis[(basis["basis"] == "assumption") & (basis["model"] != "(default)")]
        singles = {(r.model, r.column) for r in expected.itertuples() if r.column not in REGION_COLUMNS}
        splits = {(r.model, "regional split") for r in expected.itertuples() if r.column in REGION_COLUMNS}
        got = list(zip(ranked["Model"], ranked["Column"]))
        assert len(got) == len(set(got)) and set(got) == singles | splits
        assert list(ranked.columns) == list(RANK_COLUMNS)
        assert ranked["Rank"].tolist() == list(range(1, len(ranked) + 1))

    def test_sorted_by_the_larger_relative_move(self, ranked):
        size = ranked[["Change P50 year %", "Change P50 cumulative %"]].abs().max(axis=1).tolist()
        assert size == sorted(size, reverse=True) and size[0] > 0.02

    def test_changes_are_against_the_stated_baseline(self, ranked):
        b = ranked.attrs["baseline"]
        assert (b["year"], b["start_year"], b["paths"], b["seed"]) == (2030, 2026, PATHS, 7)
        diff = ranked["P50 year"] - b["p50_year"]
        assert diff.to_numpy() == pytest.approx(ranked["Change P50 year"].to_numpy())
        pct = ranked["Change P50 cumulative"] / b["p50_cumulative"]
        assert pct.to_numpy() == pytest.approx(ranked["Change P50 cumulative %"].to_numpy())

    def test_a_reported_cancelled_model_moves_less_than_the_planned_models(self, ranked):
        # the base scenario leaves reported_cancelled models out; the Monte Carlo builds them only on
        # the paths where they are revived (20%), so their assumptions move the medians less
        esuv = ranked[ranked["Model"] == "US E-SUV"]
        planned = ranked[ranked["Model"].isin(["Tonale successor", "Stelvio (next)", "Giulia (next)"])]
        assert len(esuv) > 0 and len(planned) > 0
        assert esuv["Change P50 year"].abs().max() < planned["Change P50 year"].abs().max()

    def test_scaling_the_only_model_scales_both_medians_by_the_same_factor(self):
        # one model on sale: every path is proportional to its peak, and a median is scale-invariant,
        # so a peak 20% lower moves P50 of the year and of the cumulative by exactly -20%
        lu = Lineup([Model("Solo", 2020, 10_000.0, status="on_sale")])
        basis = pd.DataFrame(
            [
                {
                    "model": "Solo",
                    "column": "peak_units",
                    "value": "10000",
                    "basis": "assumption",
                    "evidence": "a test assumption",
                    "url": "",
                    "as_of": "",
                }
            ]
        )
        t = rank_assumptions(paths=500, seed=3, lineup=lu, basis=basis)
        assert t["Change P50 year %"].iloc[0] == pytest.approx(-0.2, abs=1e-12)
        assert t["Change P50 cumulative %"].iloc[0] == pytest.approx(-0.2, abs=1e-12)

    def test_same_seed_same_table(self):
        a = rank_assumptions(paths=200, seed=11)
        b = rank_assumptions(paths=200, seed=11)
        pd.testing.assert_frame_equal(a, b)

    @pytest.mark.parametrize("kwargs", [{"paths": 0}, {"seed": -1}, {"year": 2061}, {"year": 2026, "start_year": 2030}])
    def test_bad_settings(self, kwargs):
        with pytest.raises(AlfaInputError):
            rank_assumptions(**kwargs)

    def test_every_perturbed_column_is_a_lineup_column(self):
        cols = set(default_lineup().to_frame().columns)
        assert set(PERTURBATIONS) <= cols


class TestCommand:
    def test_json(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "300", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["baseline"]["paths"] == 300 and out["baseline"]["year"] == 2030
        first = out["assumptions"][0]
        assert first["Rank"] == 1 and {"Model", "Column", "Moved", "Reason", "Change P50 year %"} <= first.keys()

    def test_csv(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "300", "--format", "csv"]) == 0
        t = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert list(t.columns) == list(RANK_COLUMNS) and len(t) > 30

    def test_table(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "300"]) == 0
        out = capsys.readouterr().out
        assert "Lineup assumptions ranked" in out and "peak 20% lower" in out and "Junior" in out

    def test_bad_paths_is_one_line(self, capsys):
        assert main(["facts", "--assumptions", "--paths", "0"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("alfa-xl: error: paths:")

    def test_facts_without_the_flag_is_unchanged(self, capsys):
        assert main(["facts", "--format", "csv"]) == 0
        assert capsys.readouterr().out.startswith("key,value,unit,as_of,source,note")


def test_docstring_examples():
    import doctest

    import alfa_xl.model.risk.assumptions as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0
