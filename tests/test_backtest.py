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

from alfa_xl.errors import AlfaInputError, HorizonError
from alfa_xl.model.evidence import replay as bt
from alfa_xl.model.data import sources
from alfa_xl.model.evidence import calibration
from alfa_xl.model.risk import uncertainty
from alfa_xl.model.engine.curve import EARLY_DEFAULTS
from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import Scenario
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.uncertainty import Uncertainty

PATHS = 4_000


def data_rows(name: str) -> list[dict[str, str]]:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p, open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def clear_caches() -> None:
    for fn in (sources._history, sources._plan_targets, sources._plan_2014, sources._facts, calibration.track_record,
               calibration.late_life_fit, calibration._late_life, calibration._data_table, uncertainty._settings):
        getattr(fn, "cache_clear", lambda: None)()  # a patched loader has no cache


FORECAST = ["Year", "Point", "P10", "P50", "P90"]


class TestAlias:
    def test_both_import_forms(self):
        from alfa_xl import backtest
        import alfa_xl.backtest as b2
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

    def test_equal_split_peaks_reach_the_plan_target(self):
        # planned peaks were split so the lineup as entered with the prior curve meets the target
        for d in bt.DECISION_POINTS:
            frame = d.lineup_frame()
            for col, value in EARLY_DEFAULTS.items():  # the curve the peaks were split with
                frame[col] = str(value)
            lu = Lineup.from_frame(frame)
            total = project(lu, "base", d.target_year, d.target_year).total(d.target_year)
            assert total == pytest.approx(d.target_units, rel=0.01)

    def test_target_path_by_hand(self):
        d = bt.decision_point(2014)
        r = bt.replay(2014, paths=200)
        path = r.benchmarks.set_index("Year")["Target path"]
        assert path[2016] == pytest.approx(74_000 * (400_000 / 74_000) ** (3 / 5))
        assert path[2018] == pytest.approx(400_000) and path[2025] == pytest.approx(400_000)
        assert d.target_path == ((2013, 74_000.0), (2018, 400_000.0))


class TestWhatWasKnown:
    def test_no_look_ahead(self, monkeypatch):
        """Changing any data dated at or after as_of changes nothing in the forecast."""
        before = bt.replay(2018, paths=PATHS).cases()
        hist = sources._history().copy()
        targets = sources._plan_targets().copy()
        plan = sources._plan_2014().copy()
        late = calibration._late_life().copy()
        hist.loc[hist["year"] >= 2018, "units"] *= 3.0
        late_rows = late["year"] >= 2018
        late.loc[late_rows, "share"] = 0.99
        ty = pd.to_numeric(targets["target_year"], errors="coerce")
        targets.loc[(ty >= 2018) & (targets["actual_units_found"] != ""), "actual_units_found"] = "999999"
        ry = pd.to_numeric(plan["resolved_year"], errors="coerce")
        plan.loc[ry >= 2018, "actual_launch_year"] = "2016"
        clear_caches()
        monkeypatch.setattr(sources, "_history", lambda: hist)
        monkeypatch.setattr(sources, "_plan_targets", lambda: targets)
        monkeypatch.setattr(sources, "_plan_2014", lambda: plan)
        monkeypatch.setattr(calibration, "_late_life", lambda: late)
        try:
            after = bt.replay(2018, paths=PATHS).cases()
        finally:
            monkeypatch.undo()
            clear_caches()
        assert_allclose(after[FORECAST].to_numpy(float), before[FORECAST].to_numpy(float), rtol=1e-12)
        assert (after["Actual"] == 3 * before["Actual"]).all()  # the outcomes did change

    def test_history_before_as_of_does_matter(self, monkeypatch):
        before = bt.replay(2018, paths=PATHS).cases()
        hist = sources._history().copy()
        hist.loc[hist["year"] == 2017, "units"] = 100_000.0
        clear_caches()
        monkeypatch.setattr(sources, "_history", lambda: hist)
        try:
            after = bt.replay(2018, paths=PATHS).cases()
        finally:
            monkeypatch.undo()
            clear_caches()
        assert not np.allclose(after["P50"], before["P50"])

    def test_leave_one_out(self, monkeypatch):
        """A plan's own resolved outcome never calibrates its replay; another plan's does."""
        tables = {name: calibration._data_table(name).copy() for name in ("peak_realisation.csv", "dropped_models.csv")}
        base = tables["peak_realisation.csv"]

        def with_row(plan_key):
            row = {c: "" for c in base.columns}
            row.update(model="Test model", plan=plan_key, planned_peak="100000", actual_peak="10000", actual_year="2016",
                       counted="yes")
            return pd.concat([base, pd.DataFrame([row])], ignore_index=True)

        def run(table):
            clear_caches()
            monkeypatch.setattr(calibration, "_data_table", lambda name: table if name == "peak_realisation.csv" else tables[name])
            return bt.replay(2018, paths=PATHS).cases()

        try:
            plain = run(base)
            own = run(with_row("2018-06"))  # the replayed plan's key: left out
            other = run(with_row("2016-01"))  # another plan: used
        finally:
            monkeypatch.undo()
            clear_caches()
        assert_allclose(own[FORECAST].to_numpy(float), plain[FORECAST].to_numpy(float), rtol=1e-12)
        assert not np.allclose(other["P50"], plain["P50"])

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
        lu = Lineup([Model("A", 2016, 50_000, status="on_sale", plateau=0.5, decay=0.7, decline_after=7, decline_rate=0.15)])
        u = Uncertainty.none().with_(volume_sigma=0.2)
        r = bt.replay(2021, lu, scenario="base", target=120_000, target_year=2024, paths=3_000, seed=7, uncertainty=u)
        hist = {int(x["year"]): float(x["units"]) for x in data_rows("history.csv")}
        # anchoring: 2020 (age 4) = 50,000 (0.5 + 0.5 e^-2.1) -> 63,300
        share_2020 = 0.5 + 0.5 * math.exp(-0.7 * 3)
        factor = hist[2020] / (50_000 * share_2020)
        assert r.anchor_factor == pytest.approx(factor)
        anchored = Lineup([Model("A", 2016, 50_000 * factor, status="on_sale", plateau=0.5, decay=0.7,
                                 decline_after=7, decline_rate=0.15)])
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
        assert r.target_error == pytest.approx(statistics.median(abs(path[i] - actual[i]) / actual[i] for i in range(5)))
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

    def test_no_lineup_for_an_unshipped_year(self):
        with pytest.raises(AlfaInputError, match="no shipped decision point"):
            bt.replay(2020, paths=10)

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


@pytest.mark.parametrize("name", ["alfa_xl.model.evidence.replay", "alfa_xl.model.risk.uncertainty", "alfa_xl.model.risk.settings",
                                  "alfa_xl.model.risk.result", "alfa_xl.model.risk.tornado", "alfa_xl.model.evidence.calibration",
                                  "alfa_xl.model.evidence.forecast"])
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

    @pytest.mark.parametrize("args, word", [
        (["--as-of", "2020"], "decision point"),
        (["--lineup", "x.csv"], "--as-of"),
        (["--paths", "0"], "paths"),
        (["--scenario", "nope"], "scenario"),
        (["--plot", "out.gif"], "plot"),
        (["--as-of", "1990"], "as_of"),
    ])
    def test_bad_input_exit_2_and_one_line(self, capsys, args, word):
        code, out, err = self.run(capsys, *args)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and word in err
