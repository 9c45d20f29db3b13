"""Tests of the ``alfa-xl`` command line, through the installed entry point and in process."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest
from cli_support import LINEUP_HEAD, strict_json, write

from alfa_xl.cli import main
from alfa_xl.cli.outlook_render import TIDY_COLUMNS
from alfa_xl.model.engine.lineup import default_lineup
from alfa_xl.model.risk.combination import EXACT_AND_SAMPLED

LATEST = 73_000.0
JUNIOR_PEAK = 33_000.0
MODELS = list(default_lineup().names)


def installed_script() -> str | None:
    """The ``alfa-xl`` console script of this interpreter's environment (the venv's ``bin`` or
    ``Scripts``), whether or not that environment is activated (on PATH)."""
    folders = dict.fromkeys([Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))])
    for folder in folders:
        for name in ("alfa-xl", "alfa-xl.exe"):
            if (folder / name).is_file():
                return str(folder / name)
    return None


def run(*args: str, exe: list[str] | None = None) -> subprocess.CompletedProcess:
    cmd = (exe or [sys.executable, "-m", "alfa_xl.cli"]) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def outlook_json():
    done = run("outlook", "--format", "json")
    assert done.returncode == 0, done.stderr
    return strict_json(done.stdout)


class TestThroughTheEntryPoint:
    def test_table(self):
        done = run("outlook")
        assert done.returncode == 0 and done.stderr == ""
        out = done.stdout
        for text in (
            "Units by model, scenario base",
            "Scenarios in 2030 against 400,000",
            "Gap to 400,000, scenario base",
            "What it takes to reach 400,000 in 2030",
            "Junior-like launches",
            *MODELS,
            "track_record",
        ):
            assert text in out

    def test_installed_script(self):
        exe = installed_script()
        assert exe, (
            f"no alfa-xl script beside {sys.executable}: install the package into this environment, "
            f'{sys.executable} -m pip install ".[test]"'
        )
        done = run("facts", "--format", "json", exe=[exe])
        assert done.returncode == 0
        facts = strict_json(done.stdout)
        assert {"key": "global_units_2025", "value": 73000.0}.items() <= facts[0].items()

    def test_json_content(self, outlook_json):
        d = outlook_json
        assert (
            d["inputs"]["start_year"] == 2026 and d["inputs"]["end_year"] == 2030 and d["inputs"]["target"] == 400_000
        )
        assert d["inputs"]["latest_actual"] == {"year": 2025, "units": LATEST}
        assert [r["Year"] for r in d["projection"]] == [2026, 2027, 2028, 2029, 2030]
        assert d["history"][-1] == {"Year": 2025, "Actual": LATEST}
        for r in d["projection"]:
            assert r["Total"] == pytest.approx(sum(r[m] for m in MODELS))
        for r in d["by_region"]:
            assert r["Total"] == pytest.approx(
                r["Italy"] + r["Rest of Europe"] + r["North America"] + r["Rest of world"]
            )
        assert [r["Scenario"] for r in d["compare"]] == ["base", "bear", "bull", "plan", "track_record"]
        for r in d["gap"]:
            assert r["Gap"] == pytest.approx(400_000 - r["Projection"])
            assert r["Growth required"] == pytest.approx((400_000 / LATEST) ** (1 / (r["Year"] - 2025)) - 1)
        k = d["what_it_takes"]
        total_2030 = d["projection"][-1]["Total"]
        assert k["gap"] == pytest.approx(400_000 - total_2030)
        # extra Junior-like launches in 2029 sell the Junior's peak in 2030 (flat market)
        assert k["extra_launches"] == pytest.approx((400_000 - total_2030) / JUNIOR_PEAK)
        assert k["extra_launches_needed"] == math.ceil(k["extra_launches"])
        assert k["with_seed_guess"] == pytest.approx(total_2030 + 3 * JUNIOR_PEAK)

    def test_csv_reads_back(self):
        done = run("outlook", "--format", "csv", "--scenario", "bear", "--end", "2032")
        assert done.returncode == 0
        t = pd.read_csv(io.StringIO(done.stdout))
        assert tuple(t.columns) == TIDY_COLUMNS
        assert t["value"].dtype == float  # numbers only; empty = none
        assert t.set_index(["section", "item"]).loc[("what_it_takes", "reference:Junior"), "value"] == JUNIOR_PEAK
        assert set(t["section"]) == {
            "forecast",
            "forecast_cumulative",
            "forecast_probability",
            "forecast_bridge",
            "history",
            "projection",
            "by_region",
            "compare",
            "gap",
            "what_it_takes",
        }
        hist = t[t["section"] == "history"].set_index("year")["value"]
        assert hist[2025] == LATEST and hist[2002] == 190_000
        proj = t[t["section"] == "projection"]
        assert set(proj["scenario"]) == {"bear"} and sorted(set(proj["year"])) == list(range(2026, 2033))
        by_year = proj.pivot(index="year", columns="item", values="value")
        assert by_year["Total"].to_numpy() == pytest.approx(by_year[MODELS].sum(axis=1).to_numpy())
        compare = t[t["section"] == "compare"]
        assert set(compare["year"]) == {2032} and len(set(compare["scenario"])) == 5

    def test_plot_is_a_png(self, tmp_path):
        target = tmp_path / "outlook.png"
        done = run("outlook", "--plot", str(target), "--end", "2035")
        assert done.returncode == 0, done.stderr
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        assert "Chart written to" in done.stdout

    def test_bad_input_through_the_entry_point(self):
        done = run("outlook", "--scenario", "optimistic")
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.strip().splitlines() == [
            "alfa-xl: error: scenario: unknown scenario (got 'optimistic'); use one of base, bear, bull, plan, track_record"
        ]


def bad_cases(tmp):
    return [
        (["outlook", "--scenario", "nope"], "unknown scenario (got 'nope'); use one of base"),
        (["outlook", "--start", "abc"], "--start"),
        (
            ["outlook", "--start", "1999"],
            "start_year: outside 2000 to 2060 (got 1999); give a whole year between 2000 and 2060",
        ),
        (
            ["outlook", "--end", "2061"],
            "end_year: outside 2000 to 2060 (got 2061); give a whole year between 2000 and 2060",
        ),
        (
            ["outlook", "--start", "2030", "--end", "2026"],
            "end_year: before the start year (got 2026); give an end year on or after",
        ),
        (["outlook", "--target", "-5"], "target: must be above 0 (got '-5'); give the target in units a year, above 0"),
        (["outlook", "--target", "0"], "target: must be above 0 (got '0'); give the target in units a year, above 0"),
        (["outlook", "--target", "nan"], "target: not a number (got 'nan'); give the target in units a year, above 0"),
        (["outlook", "--lineup", str(tmp / "missing.csv")], "lineup file: not found"),
        (["outlook", "--lineup", write(tmp / "cols.csv", "model,peak_units\nA,5\n")], "add the column(s) launch_year"),
        (
            ["outlook", "--lineup", write(tmp / "shares.csv", LINEUP_HEAD + "A,2027,5000,0.5,0.5,0.5,0\n")],
            "regional shares of 'A': do not sum to 1 (got 1.5)",
        ),
        (
            ["outlook", "--lineup", write(tmp / "dup.csv", LINEUP_HEAD + "A,2027,5000,1,0,0,0\na,2028,5000,1,0,0,0\n")],
            "model: duplicate model name (got 'a'); give every model a unique name",
        ),
        (["outlook", "--lineup", write(tmp / "neg.csv", LINEUP_HEAD + "A,2027,-5000,1,0,0,0\n")], "peak_units of 'A'"),
        (
            ["outlook", "--lineup", write(tmp / "text.csv", LINEUP_HEAD + "A,2027,many,1,0,0,0\n")],
            "peak_units of 'A': not a number (got 'many')",
        ),
        (["outlook", "--scenario", str(tmp / "none.csv")], "scenario file: not found"),
        (
            ["outlook", "--scenario", write(tmp / "param.csv", "parameter,value\nspeed,3\n")],
            "parameter: unknown parameter (got 'speed')",
        ),
        (
            ["outlook", "--scenario", write(tmp / "model.csv", "parameter,value\ncancel,Alfetta\n")],
            "cancel: unknown model (got 'Alfetta'); use a model in the lineup",
        ),
        (
            ["outlook", "--scenario", write(tmp / "delay.csv", "parameter,value\ndelay:Junior,1\n")],
            "delay only planned models",
        ),
        (["outlook", "--plot", str(tmp / "no" / "x.png")], "plot: folder not found"),
        (["outlook", "--plot", str(tmp / "x.txt")], "plot: unsupported file type"),
        (["outlook", "--format", "xml"], "--format"),
        (["facts", "--format", "xml"], "--format"),
        (["forecast"], "No such command"),
    ]


class TestInProcess:
    def test_every_bad_input_is_one_line_and_exit_2(self, tmp_path, capsys):
        for args, fragment in bad_cases(tmp_path):
            code = main(args)
            out, err = capsys.readouterr()
            assert code == 2, args
            assert out == "", args
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("alfa-xl: error: "), (args, err)
            assert fragment in lines[0], (args, lines[0])
            assert "Traceback" not in err

    def test_custom_lineup_and_scenario(self, tmp_path, capsys):
        lineup = write(tmp_path / "l.csv", LINEUP_HEAD + "Junior,2020,50000,1,0,0,0\nNew,2027,100000,0,1,0,0\n")
        scenario = write(tmp_path / "s.csv", "parameter,value\nname,late\ndelay:New,1\n")
        code = main(
            [
                "outlook",
                "--lineup",
                lineup,
                "--scenario",
                scenario,
                "--start",
                "2027",
                "--end",
                "2029",
                "--target",
                "200000",
                "--format",
                "json",
            ]
        )
        out, _ = capsys.readouterr()
        assert code == 0
        d = strict_json(out)
        assert d["inputs"]["scenario"] == "late" and d["inputs"]["lineup"] == lineup
        junior = [50_000 * (0.5 + 0.5 * math.exp(-1.8 * a)) for a in (6, 7, 8)]  # ages 7-9 of the default curve,
        junior = [j * 0.75 ** max(0, a - 5) for j, a in zip(junior, (7, 8, 9))]  # decline from age 5 at 25%
        new = [0, 50_000, 100_000]  # delayed a year: launch 2028 (half year), peak 2029
        assert [r["Total"] for r in d["projection"]] == pytest.approx([j + n for j, n in zip(junior, new)])
        assert [r["Scenario"] for r in d["compare"]] == ["base", "bear", "bull", "plan", "track_record", "late"]
        assert d["what_it_takes"]["reference_model"] == "Junior"

    def test_history_years_give_null_not_nan(self, capsys):
        assert main(["outlook", "--start", "2024", "--end", "2026", "--format", "json"]) == 0
        d = strict_json(capsys.readouterr().out)
        assert d["gap"][0]["Growth required"] is None and d["gap"][2]["Growth required"] is not None

    def test_plot_without_matplotlib(self, tmp_path, capsys, monkeypatch):
        for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends", "matplotlib.backends.backend_agg"):
            monkeypatch.setitem(sys.modules, name, None)  # makes "import matplotlib..." fail
        target = tmp_path / "x.png"
        assert main(["outlook", "--plot", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.strip() == (
            "alfa-xl: error: plot: matplotlib is not installed (got 'matplotlib'); "
            'install the plot extra: pip install "alfa-xl[plot]"'
        )
        assert not target.exists()

    def test_facts_csv(self, capsys):
        assert main(["facts", "--format", "csv"]) == 0
        t = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert list(t.columns) == ["key", "value", "unit", "as_of", "source", "note"]
        assert t.set_index("key").loc["target_units", "value"] == 400_000

    def test_facts_table(self, capsys):
        assert main(["facts"]) == 0
        out = capsys.readouterr().out
        assert "global_units_2025" in out and "73,000" in out and "auto-medienportal" in out

    def test_help_and_no_arguments(self, capsys):
        assert main(["--help"]) == 0
        assert "outlook" in capsys.readouterr().out
        assert main(["outlook", "--help"]) == 0
        assert "--scenario" in capsys.readouterr().out
        assert main([]) == 2


# -- the typed outlook result and its renderers ----------------------------------------------------------
class TestOutlookResult:
    def test_result_is_read_only_and_rendered_as_built(self, capsys):
        import dataclasses

        from rich.console import Console

        from alfa_xl.cli.outlook_render import outlook_csv, outlook_json, render_outlook
        from alfa_xl.cli.outlook_result import build_outlook

        o = build_outlook("base", end_year=2030)
        with pytest.raises(dataclasses.FrozenInstanceError):
            o.target = 1.0
        with pytest.raises(dataclasses.FrozenInstanceError):
            o.takes.gap = 1.0
        # the renderers show what the result says and compute nothing themselves
        odd = dataclasses.replace(
            o, takes=dataclasses.replace(o.takes, peak_multiplier=1.2345, extra_launches=7.5, extra_launches_needed=8)
        )
        console = Console(width=200, file=io.StringIO())
        render_outlook(odd, console)
        text = console.file.getvalue()
        assert "x 1.23" in text and "7.50 -> 8 models" in text
        assert strict_json(outlook_json(odd))["what_it_takes"]["peak_multiplier"] == 1.2345
        t = pd.read_csv(io.StringIO(outlook_csv(odd)))
        assert t.set_index(["section", "item"]).loc[("what_it_takes", "extra_launches"), "value"] == 7.5

    def test_cli_modules_examples_run(self):
        import doctest
        import importlib

        for name in ("alfa_xl.cli.common", "alfa_xl.cli.outlook_result"):
            result = doctest.testmod(importlib.import_module(name))
            assert result.attempted > 0 and result.failed == 0, name


# -- the calibrated forecast leads ---------------------------------------------------------------------------
class TestForecastFirst:
    def test_table_leads_with_the_forecast_and_calls_scenarios_what_they_are(self, capsys):
        assert main(["outlook"]) == 0
        out = capsys.readouterr().out
        order = [
            out.index(t)
            for t in (
                "Calibrated forecast, units a year",
                "2026-2030 cumulative",
                "Probability of reaching 400,000 a year",
                "Deterministic scenarios",
                "Units by model, scenario base (deterministic)",
                "Scenarios in 2030 against 400,000",
            )
        ]
        assert order == sorted(order)
        assert "not a forecast" in out and "not the expected value" in out
        assert "2026 unconditioned (give --ytd and --ytd-months" in " ".join(out.split())
        # the headline (headline.csv: the random walk with drift) is said, and why its P50 is not the bridge's
        flat = " ".join(out.split())
        assert "Headline: a log random walk with drift" in flat
        assert "the P50 is the headline's random walk, which does not use the lineup, so it differs" in flat

    def test_json_matches_the_model_forecast(self, capsys):
        from alfa_xl.model.evidence.forecast import forecast

        assert main(["outlook", "--end", "2032", "--format", "json"]) == 0
        d = strict_json(capsys.readouterr().out)
        f = d["forecast"]
        assert list(d)[:3] == ["inputs", "forecast", "history"]
        assert [r["Year"] for r in f["years"]] == list(range(2026, 2033))
        for r in f["years"]:
            assert 0 < r["P10"] <= r["P50"] <= r["P90"]
        c = f["cumulative"]
        assert (c["first_year"], c["last_year"]) == (2026, 2030) and c["P10"] <= c["P50"] <= c["P90"]
        # the cumulative band is wider than the sum of nothing and narrower than five extreme years
        assert sum(r["P10"] for r in f["years"][:5]) <= c["P50"] <= sum(r["P90"] for r in f["years"][:5])
        p = f["probability_of_target_by"]
        # reaching it by 2030 is reaching it by 2035 (both from one set of weighted paths)
        assert 0 <= p["2030"]["probability"] <= p["2035"]["probability"] <= 1
        # every probability comes with its precision: a standard error, or a 95% bound without a path over the line
        probs = [*p.values(), *f["plan_route"]["probability_with_target_by"].values()]
        assert all(("standard_error" in q) != ("upper_95" in q) for q in probs)
        # importance sampling runs until its standard error is within 10%; a count of plain paths
        # (a forecast conditioned on the year to date) has the binomial one, whatever its size
        assert all(
            q["standard_error"] <= 0.1 * q["probability"]
            for q in probs
            if "standard_error" in q and q.get("method") in ("importance sampling", EXACT_AND_SAMPLED)
        )
        # the bridge reconciles: last actual + the year's changes = the central case
        b = f["bridge"]
        for year, total in b["central_case"].items():
            moved = sum(c["change"] for c in b["changes"] if c["year"] == int(year))
            assert b["last_actual"]["units"] + moved == pytest.approx(total, rel=1e-9)
        model = forecast(None, 2026, 2032, paths=f["paths"], seed=f["seed"])
        assert [r["P50"] for r in f["years"]] == pytest.approx(model.table()["P50"].tolist())
        assert f["conditioned_on_ytd"] is False and f["ytd"] is None
        assert f["headline_method"] == "rw_drift"  # headline.csv

    def test_year_to_date_conditions_the_first_year(self, capsys):
        from alfa_xl.model.risk.nowcast import nowcast

        assert main(["outlook", "--ytd", "40000", "--ytd-months", "6", "--format", "json"]) == 0
        f = strict_json(capsys.readouterr().out)["forecast"]
        assert f["conditioned_on_ytd"] is True and f["ytd"] == 40_000 and f["ytd_months"] == 6
        full_year = nowcast(40_000, 6)  # the nowcast's own distribution of the full year
        first = f["years"][0]
        for label, q in (("P10", 0.1), ("P50", 0.5), ("P90", 0.9)):
            assert first[label] == pytest.approx(float(full_year.ppf(q)), rel=0.01)
        assert main(["outlook", "--ytd", "40000", "--ytd-months", "6"]) == 0
        assert "2026 conditioned on 40,000 units in 6 month(s)" in " ".join(capsys.readouterr().out.split())

    @pytest.mark.parametrize(
        "args, fragment",
        [
            (["--ytd", "40000"], "--ytd-months: missing"),
            (["--ytd-months", "6"], "--ytd: missing"),
            (["--ytd", "-5", "--ytd-months", "6"], "--ytd: outside 0 to"),
            (["--ytd", "40000", "--ytd-months", "13"], "--ytd-months: "),
        ],
    )
    def test_bad_year_to_date(self, capsys, args, fragment):
        code = main(["outlook", *args])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1 and fragment in err and "Traceback" not in err

    def test_simulate_takes_the_year_to_date_too(self, capsys):
        from alfa_xl.model.risk.nowcast import nowcast

        assert main(["simulate", "-n", "4000", "--ytd", "40000", "--ytd-months", "6", "--format", "json"]) == 0
        d = strict_json(capsys.readouterr().out)
        assert d["inputs"]["ytd"] == 40_000 and d["inputs"]["ytd_months"] == 6
        assert d["fan"][0]["P50"] == pytest.approx(float(nowcast(40_000, 6).ppf(0.5)), rel=0.01)
        assert main(["simulate", "-n", "500"]) == 0
        assert "2026 unconditioned (give --ytd and --ytd-months" in " ".join(capsys.readouterr().out.split())
        code = main(["simulate", "-n", "500", "--ytd", "40000"])
        err = capsys.readouterr().err
        assert (
            code == 2 and err.startswith("alfa-xl: error: --ytd-months: missing") and len(err.strip().splitlines()) == 1
        )

    def test_csv_sections(self, capsys):
        assert main(["outlook", "--format", "csv"]) == 0
        t = pd.read_csv(io.StringIO(capsys.readouterr().out))
        fc = t[t["section"] == "forecast"]
        assert set(fc["scenario"]) == {"calibrated"} and sorted(set(fc["year"])) == list(range(2026, 2031))
        assert set(t[t["section"] == "forecast_cumulative"]["item"]) == {
            "P10 2026-2030",
            "P50 2026-2030",
            "P90 2026-2030",
        }
        probs = t[t["section"] == "forecast_probability"]
        prob = probs[probs["item"].str.startswith("reach")].set_index("year")["value"]
        assert list(prob.index) == [2030, 2035] and prob[2030] <= prob[2035]
        precision = probs[~probs["item"].str.startswith("reach")]
        assert len(precision) == 2 and precision["item"].str.contains("standard error|95% upper bound").all()


# -- what it takes when the scenario is already above the target -------------------------------------------
class TestAlreadyAboveTarget:
    def test_table_says_so_instead_of_a_negative_multiplier(self, capsys):
        assert main(["outlook", "--target", "100"]) == 0
        out = capsys.readouterr().out
        takes = out[out.index("What it takes to reach 100 in 2030") :]
        assert takes.count("already above target") == 2
        assert "x -" not in out and "x 0." not in takes

    def test_json_and_csv(self, capsys):
        assert main(["outlook", "--target", "100", "--format", "json"]) == 0
        k = strict_json(capsys.readouterr().out)["what_it_takes"]
        assert k["above_target"] is True and k["peak_multiplier"] is None and k["extra_launches"] == 0
        assert k["gap"] == pytest.approx(100 - k["projection"]) and k["gap"] < 0
        assert main(["outlook", "--target", "1000000", "--format", "json"]) == 0
        k = strict_json(capsys.readouterr().out)["what_it_takes"]
        assert k["above_target"] is False and k["peak_multiplier"] > 1
        assert main(["outlook", "--target", "100", "--format", "csv"]) == 0
        t = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index(["section", "item"])["value"]
        assert t[("what_it_takes", "above_target")] == 1.0 and math.isnan(t[("what_it_takes", "peak_multiplier")])


# -- nothing typed into a name reaches a spreadsheet as a formula or the terminal as markup ----------------

# -- build-workbook writes only what it owns -------------------------------------------------------------
