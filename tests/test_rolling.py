"""Tests of the rolling-origin backtest: the scores and the naive forecasters against hand
calculations, the origins, the combination's weights without look-ahead, the headline,
scenario-name resolution and the ``--rolling`` command."""

from __future__ import annotations

import csv
import json
import math
from importlib import resources
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from alfa_xl.model.engine.scenarios import get_scenario, scenario_key
from alfa_xl.model.evidence import rolling as ro
from alfa_xl.model.evidence import scores as sc
from alfa_xl.model.evidence.baselines import no_change, random_walk, target_path
from alfa_xl.model.evidence.replay import replay

PATHS = 1_000


@pytest.fixture(scope="module")
def shipped_rolling():
    """The rolling backtest at the defaults of alfa-xl backtest (20,000 paths, the default seed)."""
    return ro.rolling(paths=20_000, seed=20140506)


# -- scores on a tiny made-up case, by hand ------------------------------------------------------
# three years: actual 100, 200, 50; P10/P50/P90 (80, 90, 120), (150, 210, 220), (60, 70, 90)
A = [100.0, 200.0, 50.0]
L, M, U = [80.0, 150.0, 60.0], [90.0, 210.0, 70.0], [120.0, 220.0, 90.0]


class TestScoresByHand:
    def test_coverage(self):
        # 100 in [80, 120] yes; 200 in [150, 220] yes; 50 in [60, 90] no
        assert sc.coverage(A, L, U) == pytest.approx(2 / 3)

    def test_winkler(self):
        # widths 40, 70, 30; the third misses below by 10: penalty 2 / 0.2 x 10 = 100
        by_hand = (40 / 100 + 70 / 200 + (30 + 100) / 50) / 3
        assert sc.interval_score(A, L, U) == pytest.approx(by_hand)  # (0.4 + 0.35 + 2.6) / 3

    def test_pinball(self):
        # year 1: P10 80 < 100: 0.1 x 20 = 2; P50 90 < 100: 0.5 x 10 = 5; P90 120 > 100: 0.1 x 20 = 2
        # year 2: P10 0.1 x 50 = 5; P50 210 > 200: 0.5 x 10 = 5; P90 220 > 200: 0.1 x 20 = 2
        # year 3: P10 60 > 50: 0.9 x 10 = 9; P50 0.5 x 20 = 10; P90 0.1 x 40 = 4
        by_hand = ((2 + 5 + 2) / 3 / 100 + (5 + 5 + 2) / 3 / 200 + (9 + 10 + 4) / 3 / 50) / 3
        assert sc.pinball(A, L, M, U) == pytest.approx(by_hand)

    def test_p50_error_and_skill(self):
        assert sc.p50_error(A, M) == pytest.approx((0.1 + 0.05 + 0.4) / 3)
        assert sc.skill(1.5, 2.0) == pytest.approx(0.25)
        assert sc.skill(3.0, 2.0) == pytest.approx(-0.5)

    def test_score_table_skill_is_against_the_best_naive(self):
        # two cases at horizon 1; rw the best naive on the interval score
        rows = []
        for a in (100.0, 120.0):
            row = {"Year": 2020, "Horizon": 1, "Actual": a}
            quantiles = {
                "model": (90, 100, 115),
                "combination": (90, 100, 115),
                "no_change": (100, 100, 100),
                "rw": (80, 100, 125),
                "rw_drift": (70, 100, 140),
                "target_path": (np.nan, np.nan, np.nan),
            }
            for m, (lo, mid, hi) in quantiles.items():
                row.update({f"{m} P10": lo, f"{m} P50": mid, f"{m} P90": hi})
            rows.append(row)
        t = ro.score_table(pd.DataFrame(rows)).set_index(["Method", "Band"])
        model = (25 / 100 + (25 + 10 * 5) / 120) / 2
        no_ch = (0 / 100 + 10 * 20 / 120) / 2
        rw = (45 / 100 + 45 / 120) / 2
        rwd = (70 / 100 + 70 / 120) / 2
        assert t.loc[("model", "1-2"), "Interval score"] == pytest.approx(model)
        assert t.loc[("model", "1-2"), "Interval skill"] == pytest.approx(1 - model / min(no_ch, rw, rwd))
        assert t.loc[("target_path", "1-2"), "Cases"] == 0
        assert t.loc[("model", "3-5"), "Cases"] == 0


class TestNaiveByHand:
    # four actuals: 100, 110, 99, 120 (no gaps)
    H = pd.DataFrame({"year": [2020, 2021, 2022, 2023], "units": [100.0, 110.0, 99.0, 120.0]})

    def test_random_walk_with_drift(self):
        d = [math.log(110 / 100), math.log(99 / 110), math.log(120 / 99)]
        mu = sum(d) / 3  # = ln(1.2) / 3
        sd = math.sqrt(sum((x - mu) ** 2 for x in d) / 2)
        z = NormalDist().inv_cdf(0.9)
        for h in (1, 3):
            q = random_walk(self.H, [h], (0.1, 0.5, 0.9), drift=True)[:, 0]
            assert q[1] == pytest.approx(120 * math.exp(h * mu))
            assert q[0] == pytest.approx(120 * math.exp(h * mu - z * sd * math.sqrt(h)))
            assert q[2] == pytest.approx(120 * math.exp(h * mu + z * sd * math.sqrt(h)))

    def test_random_walk_without_drift_and_no_change(self):
        d = [math.log(110 / 100), math.log(99 / 110), math.log(120 / 99)]
        sd = math.sqrt(sum(x * x for x in d) / 3)
        q = random_walk(self.H, [2], (0.1, 0.5, 0.9))[:, 0]
        assert q[1] == pytest.approx(120.0)
        assert q[2] == pytest.approx(120 * math.exp(NormalDist().inv_cdf(0.9) * sd * math.sqrt(2)))
        assert no_change(self.H, [1, 2]).tolist() == [[120.0, 120.0]] * 3

    def test_many_levels_asked_again_give_each_level_its_own_quantile(self):
        # the combined forecast asks for the same 2,000 levels year after year, then others
        d = [math.log(110 / 100), math.log(99 / 110), math.log(120 / 99)]
        mu = sum(d) / 3
        sd = math.sqrt(sum((x - mu) ** 2 for x in d) / 2)
        levels = (np.arange(2_000) + 0.5) / 2_000
        for h, qs in ((1, levels), (4, levels), (2, levels[::-1]), (1, [0.25, 0.75])):
            got = random_walk(self.H, [h], qs, drift=True)[:, 0]
            by_hand = [120 * math.exp(h * mu + NormalDist().inv_cdf(q) * sd * math.sqrt(h)) for q in qs]
            assert got.tolist() == pytest.approx(by_hand, rel=1e-13)

    def test_a_gap_counts_as_several_years(self):
        h = pd.DataFrame({"year": [2010, 2013, 2014], "units": [100.0, 125.0, 125.0]})
        mu = math.log(1.25) / 4  # sum of changes over four years
        assert random_walk(h, [1], (0.5,), drift=True)[0, 0] == pytest.approx(125 * math.exp(mu))

    def test_target_path_geometric_then_held(self):
        p = target_path([2024, 2025, 2030], ((2023, 100.0), (2025, 400.0)))
        assert p.tolist() == pytest.approx([200.0, 400.0, 400.0])


# -- origins, weights, headline ------------------------------------------------------------------
def shipped_years() -> set[int]:
    with (
        resources.as_file(resources.files("alfa_xl.model") / "data" / "history.csv") as p,
        open(p, encoding="utf-8") as fh,
    ):
        return {int(r["year"]) for r in csv.DictReader(fh)}


class TestOrigins:
    def test_every_year_after_an_actual_with_an_actual_to_score(self):
        years = shipped_years()
        expected = [y for y in range(2000, 2026) if y - 1 in years and any(y + k in years for k in range(5))]
        assert list(ro.rolling_origins()) == expected
        assert expected[:3] == [2010, 2011, 2014] and expected[-1] == 2025
        assert 2012 not in expected and 2013 not in expected  # 2011 and 2012 have no sales figure


def made_up(actual, model, rwd):
    rows = []
    for a, m, r in zip(actual, model, rwd):
        rows.append(
            {
                "Actual": a,
                "model P10": m[0],
                "model P50": m[1],
                "model P90": m[2],
                "rw_drift P10": r[0],
                "rw_drift P50": r[1],
                "rw_drift P90": r[2],
            }
        )
    return pd.DataFrame(rows)


class TestWeights:
    def test_default_until_enough_cases(self):
        cases = made_up([100, 100], [(90, 100, 110)] * 2, [(50, 60, 70)] * 2)
        assert ro.choose_weight(cases) == (ro.DEFAULT_WEIGHT, 2) and ro.DEFAULT_WEIGHT == 0.5

    def test_the_better_forecaster_gets_the_weight(self):
        good, bad = [(90, 100, 110)] * 4, [(50, 60, 70)] * 4
        assert ro.choose_weight(made_up([100] * 4, good, bad))[0] == 1.0
        assert ro.choose_weight(made_up([100] * 4, bad, good))[0] == 0.0
        # halfway between: the actual is the average of the two medians
        assert ro.choose_weight(made_up([100] * 4, [(80, 80, 80)] * 4, [(120, 120, 120)] * 4))[0] == 0.5

    def test_weights_use_only_actuals_known_before_each_origin(self):
        r = ro.rolling(paths=PATHS, origins=(2021, 2022, 2023, 2024))
        cases = r.cases()
        for p in r.points:
            earlier = cases[(cases["as_of"] < p.as_of) & (cases["Year"] < p.as_of) & cases["Actual"].notna()]
            # by hand: the pinball loss of every weight on those cases
            if len(earlier) < ro.MIN_CASES:
                assert p.weight == ro.DEFAULT_WEIGHT
                continue
            losses = []
            for w in ro.WEIGHTS:
                q = [w * earlier[f"model {k}"] + (1 - w) * earlier[f"rw_drift {k}"] for k in ("P10", "P50", "P90")]
                losses.append(sc.pinball(earlier["Actual"], *q))
            assert p.weight == ro.WEIGHTS[int(np.argmin(losses))]
            comb = p.weight * p.frame["model P50"] + (1 - p.weight) * p.frame["rw_drift P50"]
            assert np.allclose(p.frame["combination P50"], comb)

    def test_shipped_headline_is_the_one_the_backtest_gives(self, shipped_rolling):
        shipped = ro.headline()
        assert (shipped.paths, shipped.seed) == (shipped_rolling.paths, shipped_rolling.seed)
        again = ro.compute_headline(shipped_rolling)
        assert again.method == shipped.method and again.weight == shipped.weight and again.cases == shipped.cases
        assert again.pinball == pytest.approx(shipped.pinball, rel=1e-12)
        assert again.pinball_then == pytest.approx(shipped.pinball_then, rel=1e-12)
        assert again.margin_se == pytest.approx(shipped.margin_se, rel=1e-12)

    def test_the_lead_has_a_standard_error_clustered_by_origin(self):
        # every quantile at x, actual 100: the pinball loss of a case is (0.1 + 0.5 + 0.9) x (100 - x) / 3 / 100,
        # 0.05 at x = 90 and 0.10 at x = 80; "a" is exact everywhere. Origin 1: two cases at 90 (sum 0.1),
        # origin 2: one at 80 (0.1), origin 3: one exact (0); mean difference 0.2 / 4 = 0.05; residuals
        # 0.1 - 2 x 0.05 = 0, 0.1 - 0.05 = 0.05, 0 - 0.05 = -0.05; SE = sqrt(3 / 2 x 0.005) / 4 = 0.021651
        rows = [(1, 90.0), (1, 90.0), (2, 80.0), (3, 100.0)]
        frame = pd.DataFrame(
            [
                {"as_of": o, "Actual": 100.0, **{f"a {q}": 100.0 for q in ("P10", "P50", "P90")}}
                | {f"b {q}": x for q in ("P10", "P50", "P90")}
                for o, x in rows
            ]
        )
        assert ro.margin_standard_error(frame, "a", "b") == pytest.approx(math.sqrt(1.5 * 0.005) / 4, rel=1e-12)
        assert math.isnan(ro.margin_standard_error(frame[frame["as_of"] == 1], "a", "b"))

    def test_the_headline_is_the_candidate_with_the_lowest_pinball_loss(self, shipped_rolling):
        # by hand, case by case: the quantile loss max(q d, (q - 1) d) of P10, P50 and P90, d = actual - forecast,
        # averaged over the three and divided by the actual, then averaged over the scored cases
        cases = shipped_rolling.cases()
        cases = cases[cases["Actual"].notna()]
        h = ro.compute_headline(shipped_rolling)
        by_hand = {}
        for m in ("model", "combination", "rw_drift", "rw"):
            total = 0.0
            for _, row in cases.iterrows():
                a = row["Actual"]
                for q, k in ((0.1, "P10"), (0.5, "P50"), (0.9, "P90")):
                    d = a - row[f"{m} {k}"]
                    total += max(q * d, (q - 1) * d) / 3 / a
            by_hand[m] = total / len(cases)
            assert h.score(m) == pytest.approx(by_hand[m], rel=1e-12)
        assert h.method == min(by_hand, key=by_hand.get) and h.cases == len(cases) == 56
        # the scores table's 1-5 band holds the same losses (computed there by band)
        s = shipped_rolling.scores
        for m, loss in by_hand.items():
            assert float(s[(s["Method"] == m) & (s["Band"] == "1-5")]["Pinball"].iloc[0]) == pytest.approx(loss)
        # no change (a point: no band) is never a candidate, even where it would score best
        assert "no_change" not in ro.CANDIDATES and "target_path" not in ro.CANDIDATES

    def test_the_choice_made_at_each_origin_uses_earlier_cases_only(self, shipped_rolling):
        cases = shipped_rolling.cases()
        cases = cases[cases["Actual"].notna()]
        losses, n = [], 0
        for origin in sorted(set(cases["as_of"])):
            known = cases[(cases["as_of"] < origin) & (cases["Year"] < origin)]
            if len(known) < ro.MIN_CASES:
                pick = ro.DEFAULT_CHOICE
            else:
                means = {
                    m: sc.pinball(known["Actual"], *(known[f"{m} {k}"] for k in ("P10", "P50", "P90")))
                    for m in ro.CANDIDATES
                }
                pick = min(ro.CANDIDATES, key=lambda m: (means[m], ro.CANDIDATES.index(m)))
            now = cases[cases["as_of"] == origin]
            losses.append(sc.pinball(now["Actual"], *(now[f"{pick} {k}"] for k in ("P10", "P50", "P90"))) * len(now))
            n += len(now)
        assert ro.compute_headline(shipped_rolling).pinball_then == pytest.approx(sum(losses) / n, rel=1e-12)

    def test_the_line_says_which_by_how_much_and_against_what(self):
        h = ro.Headline("rw_drift", 0.1, (0.25, 0.14, 0.12, 0.13), 56, 1, 1, 0.15, 0.004)
        text = h.text()
        # the runner-up is the random walk without drift: 1 - 0.12 / 0.13 = 7.7%
        assert "a log random walk with drift: lowest mean pinball loss over 56 rolling-origin cases, 0.120" in text
        assert "8% better than the random walk without drift (0.130; lead 0.0100, standard error 0.0040" in text
        assert "clustered by origin: told apart)" in text  # 0.01 > 2 x 0.004
        assert "the combination (weights chosen origin by origin) 0.140, the structural model alone 0.250" in text
        assert "the headline scored 0.150" in text and "ignore the lineup" in text
        assert h.model_weight == 0.0
        model = ro.Headline("model", 0.3, (0.1, 0.2, 0.3, 0.4), 56, 1, 1, 0.15, 0.2)
        assert model.model_weight == 1.0 and "ignore the lineup" not in model.text()
        assert "50% better than the combination (weights chosen origin by origin) (0.200; lead 0.1000" in model.text()
        assert "not told apart" in model.text()  # 0.1 < 2 x 0.2
        comb = ro.Headline("combination", 0.3, (0.2, 0.1, 0.3, 0.4), 56, 1, 1, 0.15, 0.01)
        assert comb.model_weight == 0.3 and "(model weight 0.3)" in comb.text()

    def test_forecast_says_which_and_by_how_much(self):
        from alfa_xl.model.evidence.forecast import forecast

        h = ro.headline()
        f = forecast(paths=500)
        assert f.method == h.method and f.headline == h.text() and f.weight == h.model_weight
        assert f"{h.improvement:.0%} better" in f.headline


class TestShippedTrackRecord:
    """The Track record tables are computed at release and shipped (``track_record.json``);
    recomputed here from the engine, they must equal the shipped file."""

    def test_shipped_tables_are_the_ones_the_engine_gives(self, shipped_rolling):
        paths, seed = ro.shipped_track_settings()
        assert (paths, seed) == (20_000, 20140506)  # the defaults of alfa-xl backtest (model/defaults.py)
        again = ro.track_tables(paths, seed, shipped_rolling)
        shipped = ro.shipped_track_tables()
        fix = f"alfa_xl/model/data/track_record.json is out of date: regenerate it with {ro.REGENERATE}"
        assert [t.name for t in shipped] == [t.name for t in again], fix
        for s, a in zip(shipped, again):
            assert s.title == a.title, fix
            try:  # 12 significant digits, as the committed workbook's test
                pd.testing.assert_frame_equal(
                    s.frame, a.frame.reset_index(drop=True), check_exact=False, rtol=1e-12, atol=0.0
                )
            except AssertionError as e:
                pytest.fail(f"{fix} ({s.name}: {e})")

    def test_shipped_tables_keep_blank_cells_and_types(self):
        tables = {t.name: t.frame for t in ro.shipped_track_tables()}
        # 2014 plan: forecast years 2014-2018 (its target year); every actual known, the target path from 2014
        t2014 = tables["track_2014"]
        assert t2014["Year"].tolist() == list(range(2014, 2026)) and t2014["Year"].dtype.kind == "i"
        # the 2023 plan's years run to 2025 at least: 2023-2025 have actuals, none after
        t2023 = tables["track_2023"]
        assert t2023["Actual"].notna().tolist() == [y <= 2025 for y in t2023["Year"]]
        assert tables["track_rolling"]["Cases"].dtype.kind == "i"

    def test_a_malformed_file_names_the_regeneration_command(self, tmp_path):
        from alfa_xl.model.evidence.track_file import read_tables

        bad = tmp_path / "track_record.json"
        bad.write_text(
            json.dumps(
                {"paths": 1, "tables": [{"name": "t", "title": "", "columns": ["A"], "dtypes": ["x"], "rows": []}]}
            ),
            encoding="utf-8",
        )
        with pytest.raises(ValueError, match=r"'t' is malformed; regenerate it with python -m alfa_xl"):
            read_tables(bad, f"regenerate it with {ro.REGENERATE}")

    def test_the_workbook_area_ignores_every_input(self):
        from alfa_xl.book.layout import BookInputs, track_area_blocks
        from alfa_xl.book.tables.report import RefreshInputs
        from alfa_xl.model.engine.lineup import default_lineup

        lineup = default_lineup()
        other = BookInputs(
            RefreshInputs(target=123_456.0, start_year=2027, end_year=2032, scenarios=("bear",), lineup=lineup),
            scenario="bull",
            paths=777,
            seed=5,
            ytd_units=30_000.0,
            ytd_months=6,
        )
        got = track_area_blocks(other)
        assert [(b.name, b.title) for b in got] == [(t.name, t.title) for t in ro.shipped_track_tables()]
        for b, t in zip(got, ro.shipped_track_tables()):
            pd.testing.assert_frame_equal(b.frame, t.frame, check_exact=True)


class TestScenarioNames:
    @pytest.mark.parametrize("name", ["Track Record", " track-record ", "TRACK_RECORD"])
    def test_every_spelling_of_track_record_is_the_calibrated_recipe(self, name):
        assert scenario_key(name) == "track_record"
        plain = replay(2018, paths=PATHS)
        other = replay(2018, scenario=name, paths=PATHS)
        assert other.scenario == plain.scenario
        assert other.table["P50"].tolist() == plain.table["P50"].tolist()

    def test_a_scenario_object_is_used_as_given(self):
        built_in = get_scenario("track_record")
        r = replay(2018, scenario=built_in, paths=PATHS)
        assert r.scenario is built_in and r.scenario != replay(2018, paths=PATHS).scenario


class TestCommand:
    def test_rolling_json(self, capsys):
        from alfa_xl.cli import main

        assert main(["backtest", "--rolling", "--paths", "300", "--format", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert [p["as_of"] for p in doc["points"]] == list(ro.rolling_origins())
        first = doc["points"][0]
        assert list(first["table"][0]) == ["Year", "Horizon", "Actual", "P10", "P50", "P90"]
        assert set(first["baselines"]) == {"no_change", "rw", "rw_drift", "target_path"}
        assert {(s["Method"], s["Band"]) for s in doc["scores"]} >= {("model", "1-2"), ("rw_drift", "3-5")}
        assert doc["headline"]["method"] in ro.CANDIDATES
        assert set(doc["headline"]["pinball"]) == set(ro.CANDIDATES)

    def test_rolling_refuses_a_single_origin(self, capsys):
        from alfa_xl.cli import main

        assert main(["backtest", "--rolling", "--as-of", "2018"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--rolling" in err[0]


class TestDatedPriors:
    def test_correlation_only_once_a_plan_revision_is_known(self):
        from alfa_xl.model.data.vintage import Vintage
        from alfa_xl.model.risk.uncertainty import Uncertainty

        with (
            resources.as_file(resources.files("alfa_xl.model") / "data" / "plan_paths.csv") as p,
            open(p, encoding="utf-8") as fh,
        ):
            first = min(r["as_of"] for r in csv.DictReader(fh) if not r["target_units"].strip())
        assert first == "2015-10"  # Marchionne: 400,000 by 2018 not achievable
        for y in ro.rolling_origins():
            expected = 0.5 if first < Vintage.at(y).origin else 0.0
            assert Uncertainty.as_of(y).correlation == expected


class TestOneRecipe:
    def test_the_forecast_of_today_is_the_replay_at_the_current_year(self):
        from alfa_xl.model.evidence.forecast import forecast

        f = forecast(paths=PATHS, method="model").table().set_index("Year")
        r = replay(2026, paths=PATHS).table.set_index("Year").loc[f.index]
        for col in ("P10", "P50", "P90"):
            # the same draws and the same recipe; the two runs simulate to different end years, so
            # NumPy may sum a year's models in another order: equal to 12 significant digits
            assert f[col].tolist() == pytest.approx(r[col].tolist(), rel=1e-12, abs=0)
        assert r.index[0] == 2026 and replay(2026, paths=10).last_actual == (2025, 73_000.0)
