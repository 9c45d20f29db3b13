"""Tests of alfa_xl.model.evidence.replay (and the alfa_xl.backtest alias): what a replay may
know, leave-one-out, and its scores recomputed by hand."""

from __future__ import annotations

import csv
import doctest
import importlib
import math
import statistics
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.data.vintage import Vintage
from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.evidence import replay as bt
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

PATHS = 4_000


def data_rows(name: str) -> list[dict[str, str]]:
    with (
        resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p,
        open(p, newline="", encoding="utf-8") as fh,
    ):
        return list(csv.DictReader(fh))


FORECAST = ["Year", "Point", "P10", "P50", "P90"]


class TestAlias:
    def test_both_import_forms(self):
        import alfa_xl.backtest as b2
        from alfa_xl import backtest

        assert backtest.replay is bt.replay is b2.replay
        assert backtest.DECISION_POINTS is bt.DECISION_POINTS


class TestDecisionPoints:
    def test_shipped_points_with_sources(self):
        assert [d.as_of for d in bt.DECISION_POINTS] == [2014, 2018, 2023]
        for d in bt.DECISION_POINTS:
            assert d.source.startswith("http")
            rows = data_rows(d.lineup_file)
            assert rows and all(r["source"].startswith("http") for r in rows)
            # every model marked as announced or as known at the time
            assert all(r["comment"].startswith(("AS ANNOUNCED", "AS KNOWN")) for r in rows)
            # nothing launched after the decision is on sale in its lineup
            assert all(int(r["launch_year"]) < d.as_of for r in rows if r["status"] == "on_sale")

    def test_equal_split_peaks_by_hand(self):
        # the plan's increment over the last actual, split equally over its new models (no curve)
        by_hand = {2014: (400_000 - 74_000) / 8, 2018: (400_000 - 118_000) / 5, 2023: (200_000 - 55_000) / 4}
        for d in bt.DECISION_POINTS:
            rows = data_rows(d.lineup_file)
            planned = [float(r["peak_units"]) for r in rows if r["status"] == "planned"]
            assert planned and all(p == pytest.approx(by_hand[d.as_of], abs=50) for p in planned)

    def test_target_path_by_hand(self):
        d = bt.decision_point(2014)
        r = bt.replay(2014, paths=200)
        path = r.benchmarks.set_index("Year")["Target path"]
        assert path[2016] == pytest.approx(74_000 * (400_000 / 74_000) ** (3 / 5))
        assert path[2018] == pytest.approx(400_000) and path[2025] == pytest.approx(400_000)
        assert d.target_path == ((2013, 74_000.0), (2018, 400_000.0))


def cut_copy(tmp_path, origin: str, edit=None) -> str:
    """Copies of every shipped data file in ``tmp_path``, each dated file without its rows
    dated at or after ``origin`` (plain csv: an independent reader of the files)."""
    folder = resources.files("alfa_xl.model") / "data"
    for entry in folder.iterdir():
        if not entry.name.endswith(".csv"):
            continue
        with resources.as_file(entry) as p, open(p, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            fields = list(rows[0].keys()) if rows else []
        if entry.name in DATED and "as_of" in fields:
            rows = [r for r in rows if r["as_of"] < origin]
        if edit is not None:
            rows = edit(entry.name, rows)
        with open(tmp_path / entry.name, "w", newline="", encoding="utf-8") as out:
            w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    return str(tmp_path)


DATED = (
    "history.csv",
    "late_life.csv",
    "plan_2014.csv",
    "plan_targets.csv",
    "facts.csv",
    "partial_periods.csv",
    "lineup_events.csv",
    "plan_paths.csv",
    "peak_realisation.csv",
    "dropped_models.csv",
)
ORIGINS = (2010, 2011, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026)
KNOWN_THEN = ["Year", "Point", "P10", "P50", "P90", "No change", "Target path"]


class TestWhatWasKnown:
    @pytest.mark.parametrize("as_of", ORIGINS)
    def test_replay_equals_the_replay_on_data_cut_at_the_origin(self, tmp_path, as_of):
        """Every row dated at or after the origin removed from copies of the files: the
        replay is the same to the last digit (2026: the forecast of today)."""
        shipped = bt.replay(as_of, paths=PATHS)
        origin = Vintage.at(as_of).origin
        cut = bt.replay(Vintage(as_of, origin, cut_copy(tmp_path, origin)), paths=PATHS)
        a, b = shipped.cases()[KNOWN_THEN].to_numpy(float), cut.cases()[KNOWN_THEN].to_numpy(float)
        assert np.array_equal(a, b, equal_nan=True)
        assert shipped.lineup == cut.lineup and shipped.uncertainty == cut.uncertainty
        assert shipped.scenario == cut.scenario

    def test_origins_by_hand(self):
        # decision points: the month after the plan; other years early February; today: December
        assert [Vintage.at(y).origin for y in (2014, 2018, 2023, 2016, 2026)] == [
            "2014-06",
            "2018-07",
            "2023-05",
            "2016-02",
            "2026-12",
        ]

    def test_history_before_as_of_does_matter(self, tmp_path):
        before = bt.replay(2018, paths=PATHS).cases()

        def edit(name, rows):
            if name == "history.csv":
                for r in rows:
                    if r["year"] == "2017":
                        r["units"] = "100000"
            return rows

        after = bt.replay(Vintage(2018, "2018-07", cut_copy(tmp_path, "9999", edit)), paths=PATHS).cases()
        assert not np.allclose(after["P50"], before["P50"])

    def test_leave_one_out(self, tmp_path):
        """A plan's own resolved outcome never calibrates its replay; another plan's does."""

        def with_row(plan_key):
            def edit(name, rows):
                if name == "peak_realisation.csv":
                    row = {c: "" for c in rows[0]}
                    row.update(
                        model="Test model",
                        plan=plan_key,
                        planned_peak="100000",
                        actual_peak="10000",
                        actual_year="2016",
                        counted="yes",
                        as_of="2016-12",
                    )
                    rows = rows + [row]
                return rows

            return edit

        def run(name, edit):
            (tmp_path / name).mkdir()
            return bt.replay(Vintage(2018, "2018-07", cut_copy(tmp_path / name, "9999", edit)), paths=PATHS).cases()

        plain = bt.replay(2018, paths=PATHS).cases()
        own = run("own", with_row("2018-06"))  # the replayed plan's key: left out
        other = run("other", with_row("2016-01"))  # another plan: used
        assert_allclose(own[FORECAST].to_numpy(float), plain[FORECAST].to_numpy(float), rtol=1e-12)
        assert not np.allclose(other["P50"], plain["P50"])

    def test_cli_and_api_fill_a_lineup_file_the_same_way(self, tmp_path, capsys):
        import json

        from alfa_xl.cli import main

        p = tmp_path / "lu.csv"
        p.write_text("model,launch_year,peak_units,status\nGiulia,2016,48521,on_sale\nStelvio,2016,55703,on_sale\n")
        api = bt.replay(2018, str(p), paths=300).table
        assert main(["backtest", "--as-of", "2018", "--lineup", str(p), "--paths", "300", "--format", "json"]) == 0
        rows = json.loads(capsys.readouterr().out)["points"][0]["table"]
        assert [r["P50"] for r in rows] == api["P50"].tolist()

    def test_calibrated_before_as_of_without_the_plan(self):
        r = bt.replay(2023, paths=200)
        assert r.uncertainty == Uncertainty.as_of(2023, ("2022", "2023"))
        assert r.last_actual == (2022, 55_000.0)


class TestZeroSpread:
    def test_every_percentile_is_the_point(self):
        r = bt.replay(2018, paths=50, uncertainty=Uncertainty.none())
        t = r.table
        for c in ("P10", "P50", "P90"):
            assert_allclose(t[c], t["Point"], rtol=1e-12)
        assert r.sharpness == pytest.approx(1.0)


class TestScoresByHand:
    def test_tiny_lineup(self):
        """One model on sale since 2016, replayed from 2021: anchoring, the fan and every
        score recomputed here from the history rows and an independent simulation."""
        lu = Lineup(
            [Model("A", 2016, 50_000, status="on_sale", plateau=0.5, decay=0.7, decline_after=7, decline_rate=0.15)]
        )
        u = Uncertainty.none().with_(volume_sigma=0.2)
        r = bt.replay(2021, lu, scenario="base", target=120_000, target_year=2024, paths=3_000, seed=7, uncertainty=u)
        hist = {int(x["year"]): float(x["units"]) for x in data_rows("history.csv")}
        # anchoring: 2020 (age 4) = 50,000 (0.5 + 0.5 e^-2.1) -> 63,300
        share_2020 = 0.5 + 0.5 * math.exp(-0.7 * 3)
        factor = hist[2020] / (50_000 * share_2020)
        assert r.anchor_factor == pytest.approx(factor)
        anchored = Lineup(
            [
                Model(
                    "A",
                    2016,
                    50_000 * factor,
                    status="on_sale",
                    plateau=0.5,
                    decay=0.7,
                    decline_after=7,
                    decline_rate=0.15,
                )
            ]
        )
        sim = simulate(anchored, "base", 2021, 2025, 3_000, 7, u, base_year=2020)
        t = r.table.set_index("Year")
        for q in (10, 50, 90):
            assert_allclose(t[f"P{q}"], np.percentile(sim.totals, q, axis=0), rtol=1e-12)
        years = [2021, 2022, 2023, 2024, 2025]
        actual = [hist[y] for y in years]
        assert t["Actual"].tolist() == actual
        lo, mid, hi = t["P10"].tolist(), t["P50"].tolist(), t["P90"].tolist()
        inside = [lo[i] <= actual[i] <= hi[i] for i in range(5)]
        s = r.scores.set_index("Horizon")
        assert s.loc["1-2y", "Coverage"] == pytest.approx(sum(inside[:2]) / 2)
        assert s.loc["3+y", "Coverage"] == pytest.approx(sum(inside[2:]) / 3)
        assert r.coverage == pytest.approx(sum(inside) / 5)
        assert r.sharpness == pytest.approx(statistics.median(hi[i] / lo[i] for i in range(5)))
        assert r.p50_error == pytest.approx(statistics.median(abs(mid[i] - actual[i]) / actual[i] for i in range(5)))
        assert r.no_change_error == pytest.approx(statistics.median(abs(hist[2020] - a) / a for a in actual))
        # target path: geometric from 2020's 63,300 to 120,000 in 2024, held after
        path = [hist[2020] * (120_000 / hist[2020]) ** ((min(y, 2024) - 2020) / 4) for y in years]
        assert r.target_error == pytest.approx(
            statistics.median(abs(path[i] - actual[i]) / actual[i] for i in range(5))
        )
        winkler = [(hi[i] - lo[i]) + 10 * max(0, lo[i] - actual[i]) + 10 * max(0, actual[i] - hi[i]) for i in range(5)]
        assert r.interval_score == pytest.approx(sum(w / a for w, a in zip(winkler, actual)) / 5)

    def test_summary_pools_the_cases(self):
        rs = [bt.replay(2018, paths=500), bt.replay(2023, paths=500)]
        s = bt.summary(rs).set_index("Horizon")
        cases = pd.concat([r.cases() for r in rs])
        scored = cases[cases["Actual"].notna()]
        assert s.loc["all", "Cases"] == len(scored) == 8 + 3
        inside = (scored["P10"] <= scored["Actual"]) & (scored["Actual"] <= scored["P90"])
        assert s.loc["all", "Coverage"] == pytest.approx(inside.mean())


class TestReadOnly:
    def test_table_is_a_copy(self):
        r = bt.replay(2023, paths=100)
        t = r.table
        t.loc[0, "P50"] = -1.0
        assert r.table.loc[0, "P50"] != -1.0
        with pytest.raises(Exception):
            r.as_of = 1999  # type: ignore[misc]


class TestBadInput:
    @pytest.mark.parametrize("as_of", ["soon", 2014.5, 1990, True])
    def test_as_of(self, as_of):
        with pytest.raises(AlfaInputError):
            bt.replay(as_of, paths=10)

    def test_an_unshipped_year_takes_the_dated_lineup_of_the_time(self):
        # lineup_events.csv: the 2018 plan's lineup, then October 2019 drops four models and
        # adds a small SUV; nothing else is dated before February 2020
        r = bt.replay(2020, paths=10)
        assert set(r.lineup.names) == {
            "MiTo",
            "Giulietta",
            "Giulia",
            "Stelvio",
            "C-SUV (2018 plan)",
            "Small SUV (2019 plan)",
        }

    def test_target_needs_its_year(self):
        lu = Lineup([Model("A", 2016, 50_000, status="on_sale")])
        with pytest.raises(AlfaInputError, match="target_year"):
            bt.replay(2021, lu, target=100_000, paths=10)

    def test_missing_lineup_file(self, tmp_path):
        with pytest.raises(AlfaInputError):
            bt.replay(2018, tmp_path / "nope.csv", paths=10)

    def test_lineup_csv_without_the_new_columns(self, tmp_path):
        p = tmp_path / "old.csv"
        p.write_text("model,launch_year,peak_units,status\nA,2016,50000,on_sale\n")
        r = bt.replay(2021, p, scenario="base", paths=100)
        assert r.benchmarks["Target path"].isna().all()  # no decision point, no target given
        assert r.lineup["A"].status == "on_sale"


@pytest.mark.parametrize(
    "name",
    [
        "alfa_xl.model.evidence.replay",
        "alfa_xl.model.risk.uncertainty",
        "alfa_xl.model.risk.settings",
        "alfa_xl.model.risk.result",
        "alfa_xl.model.risk.tornado",
        "alfa_xl.model.data.past_plans",
        "alfa_xl.model.evidence.calibration",
        "alfa_xl.model.evidence.forecast",
    ],
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


class TestCommand:
    def run(self, capsys, *args):
        from alfa_xl.cli import main

        code = main(["backtest", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    def test_json_matches_the_engine(self, capsys):
        import json

        code, out, _ = self.run(capsys, "--paths", "500", "--format", "json")
        assert code == 0
        doc = json.loads(out)
        assert [p["as_of"] for p in doc["points"]] == [2014, 2018, 2023]
        rs = bt.replay_all(paths=500)
        assert doc["summary"][0]["Coverage"] == pytest.approx(bt.summary(rs)["Coverage"].iloc[0])
        assert doc["points"][1]["table"][0]["P50"] == pytest.approx(rs[1].table["P50"].iloc[0])

    def test_one_point_csv(self, capsys):
        code, out, _ = self.run(capsys, "--as-of", "2018", "--paths", "300", "--format", "csv")
        assert code == 0
        t = pd.read_csv(__import__("io").StringIO(out))
        assert list(t.columns) == ["section", "as_of", "key", "item", "value"]
        assert set(t["section"]) == {"table", "scores", "summary"}
        p50 = t[(t["section"] == "table") & (t["key"] == "2018") & (t["item"] == "P50")]["value"].astype(float).iloc[0]
        assert p50 == pytest.approx(bt.replay(2018, paths=300).table["P50"].iloc[0])

    def test_table_and_plot(self, capsys, tmp_path):
        pytest.importorskip("matplotlib")
        png = tmp_path / "fan.png"
        code, out, _ = self.run(capsys, "--paths", "300", "--plot", str(png))
        assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "May 2014 plan" in out and "Summary over every point" in out

    def test_lineup_file(self, capsys, tmp_path):
        p = tmp_path / "lu.csv"
        p.write_text("model,launch_year,peak_units,status\nGiulia,2016,48521,on_sale\nStelvio,2016,55703,on_sale\n")
        code, out, _ = self.run(capsys, "--as-of", "2018", "--lineup", str(p), "--paths", "300", "--format", "json")
        assert code == 0 and '"as_of": 2018' in out

    @pytest.mark.parametrize(
        "args, word",
        [
            (["--lineup", "x.csv"], "--as-of"),
            (["--paths", "0"], "paths"),
            (["--scenario", "nope"], "scenario"),
            (["--plot", "out.gif"], "plot"),
            (["--as-of", "1990"], "as_of"),
        ],
    )
    def test_bad_input_exit_2_and_one_line(self, capsys, args, word):
        code, out, err = self.run(capsys, *args)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and word in err
