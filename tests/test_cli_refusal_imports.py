"""A refused input is answered before the engine is loaded (issue 17, item 5).

Each case runs the command line in a fresh interpreter, as ``alfa-xl`` does, and reports
which modules were imported by the time it exited: a file over its size limit, a CSV with
a line or too many rows past its bounds, an oversized workbook for ``refresh``, must be
refused with exit code 2 and one line, without pandas or NumPy ever imported. This checks
the cause of a slow refusal (importing the engine first) deterministically, without timing
anything; ``benchmarks/bench_refusal_cost.py`` measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alfa_xl.book.xlsx import MAX_FILE
from alfa_xl.validation import LIMITS

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy")
HEAD = "model,launch_year,peak_units,share_italy,share_rest_of_europe,share_north_america,share_rest_of_world\n"

#: Runs the command line as the console script does and prints the exit code and the heavy
#: modules that were imported, as JSON, on the last line of stdout.
RUN = """
import json, sys
from alfa_xl.entry import run
code = run(sys.argv[1:])
heavy = [m for m in HEAVY if m in sys.modules]
sys.stdout.write("\\n" + json.dumps({"code": code, "heavy": heavy}) + "\\n")
""".replace("HEAVY", repr(HEAVY))


def refuse(*args: str) -> tuple[dict, str]:
    """(exit code and heavy modules, stderr) of ``alfa-xl ARGS`` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def sparse(path: Path, size: int) -> str:
    """A file of ``size`` bytes that takes no room on disk."""
    with open(path, "wb") as fh:
        fh.truncate(size)
    return str(path)


@pytest.fixture
def over_csv(tmp_path) -> str:
    return sparse(tmp_path / "huge.csv", int(LIMITS["csv_bytes"].hi) + 1)


def check_refused(result: dict, err: str, *fragments: str) -> None:
    assert result["code"] == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alfa-xl: error: "), err
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    assert result["heavy"] == [], f"imported {result['heavy']} before refusing: {lines[0]}"


@pytest.mark.parametrize(
    "command",
    [
        ["outlook", "--lineup"],
        ["simulate", "--lineup"],
        ["backtest", "--as-of", "2018", "--lineup"],
        ["outlook", "--scenario"],
        ["simulate", "--scenario"],
    ],
    ids=["outlook-lineup", "simulate-lineup", "backtest-lineup", "outlook-scenario", "simulate-scenario"],
)
def test_a_csv_over_the_size_limit_is_refused_before_the_engine_loads(over_csv, command):
    size = int(LIMITS["csv_bytes"].hi) + 1
    result, err = refuse(*command, over_csv)
    check_refused(result, err, "too large", f"{size:,} bytes")


def test_a_line_past_the_line_limit_is_refused_before_the_engine_loads(tmp_path):
    limit = int(LIMITS["csv_line_chars"].hi)
    path = tmp_path / "long.csv"
    path.write_text(HEAD + "x" * (limit + 1) + ",2027,1000,0.25,0.25,0.25,0.25\n", encoding="utf-8")
    result, err = refuse("outlook", "--lineup", str(path))
    length = limit + 1 + len(",2027,1000,0.25,0.25,0.25,0.25")  # the whole second line, counted by hand
    check_refused(result, err, f"line 2 is {length:,} characters long")


def test_one_model_too_many_is_refused_before_the_engine_loads(tmp_path):
    n = int(LIMITS["lineup_models"].hi) + 1
    path = tmp_path / "many.csv"
    path.write_text(HEAD + "".join(f"M{i},2027,1000,0.25,0.25,0.25,0.25\n" for i in range(n)), encoding="utf-8")
    result, err = refuse("outlook", "--lineup", str(path))
    check_refused(result, err, f"more than {n - 1:,} rows")


def test_a_workbook_over_the_size_limit_is_refused_before_the_engine_loads(tmp_path):
    book = sparse(tmp_path / "huge.xlsm", MAX_FILE + 1)
    result, err = refuse("refresh", book)
    check_refused(result, err, "too large", f"{MAX_FILE + 1:,} bytes")


def test_an_accepted_lineup_still_loads_the_engine(tmp_path):
    """The check above can fail: a command that gets past its files imports pandas."""
    path = tmp_path / "ok.csv"
    path.write_text(HEAD + "Junior,2024,33000,0.4,0.4,0.1,0.1\n", encoding="utf-8")
    result, err = refuse("outlook", "--lineup", str(path), "--format", "json", "--end", "2027")
    assert result["code"] == 0, err
    assert "pandas" in result["heavy"]
