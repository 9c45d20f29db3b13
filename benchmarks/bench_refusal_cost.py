"""What a refused input costs at the command line (targets: under 1 s and 200 MB each).

Each case runs ``alfa-xl`` as a fresh process (interpreter start, the command line's
imports, the check, the one-line message): a lineup CSV of 9 MiB (over the 8 MiB limit),
a 2 GB sparse file as ``--lineup`` and as ``--scenario``, a CSV with a line past the line
limit, and a workbook over the size limit for ``refresh``; ``alfa-xl --help`` is the floor
(the interpreter and the command line's own imports). Per case: the median wall time, the
median CPU time (user + system: what the wall time is on an idle machine when other jobs
share the cores) and the largest peak resident memory of the process (GNU ``time``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from alfa_xl.book.xlsx import MAX_FILE
from alfa_xl.validation import LIMITS

TIME_TARGET_S = 1.0
MEMORY_TARGET_MB = 200
MB = 2**20


def _cli() -> list[str]:
    exe = shutil.which("alfa-xl")
    return [exe] if exe else [sys.executable, "-m", "alfa_xl.cli"]


def _sparse(path, size: int) -> str:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return str(path)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    d = tmp_path_factory.mktemp("refusals")
    big = d / "big.csv"
    big.write_bytes(b"model,launch_year,peak_units\n" + b"#" * (9 * MB))
    long_line = d / "long.csv"
    long_line.write_text(
        "model,launch_year,peak_units\n" + "x" * (int(LIMITS["csv_line_chars"].hi) + 1) + ",2027,1000\n",
        encoding="utf-8",
    )
    sparse = _sparse(d / "sparse.csv", 2 * 2**30)
    return {
        "outlook --lineup 9 MiB": (["outlook", "--lineup", str(big)], 2),
        "outlook --lineup 2 GB sparse": (["outlook", "--lineup", sparse], 2),
        "outlook --scenario 2 GB sparse": (["outlook", "--scenario", sparse], 2),
        "outlook --lineup, a line too long": (["outlook", "--lineup", str(long_line)], 2),
        "refresh, workbook over the size limit": (["refresh", _sparse(d / "big.xlsm", MAX_FILE + 1)], 2),
        "--help (floor: interpreter and imports)": (["--help"], 0),
    }


#: GNU time starts the command, so its peak memory is the command's own: a child forked
#: straight from this process would count this process's memory (Linux keeps the peak from
#: before ``exec``).
TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def _run(args: list[str], code: int) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one run of ``alfa-xl ARGS``."""
    cmd = [*_cli(), *args]
    t0 = time.perf_counter()
    if TIME is not None:
        done = subprocess.run([TIME, "-f", "%U %S %M", *cmd], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        user, system, kib = done.stderr.strip().splitlines()[-1].split()
        cpu, peak, exit_code = float(user) + float(system), int(kib) / 1024, done.returncode
    else:  # the peak then includes this process's size at the fork
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        exit_code = os.waitstatus_to_exitcode(status)
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux
    assert exit_code == code, (args, exit_code)
    return wall, cpu, peak


def bench_refusal_cost(benchmark, figures, cases):
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(figures.rounds(5, 2)):  # alternate the cases, so the machine's load falls on all alike
        for name, (args, code) in cases.items():
            runs[name].append(_run(args, code))
    args, code = next(iter(cases.values()))
    benchmark.pedantic(_run, args=(args, code), rounds=1, warmup_rounds=0)
    for name, values in runs.items():
        target = None if name.startswith("--help") else TIME_TARGET_S
        figures.values(f"alfa-xl {name}: wall", [v[0] for v in values], target, "s")
        figures.values(f"alfa-xl {name}: CPU, user + system", [v[1] for v in values], target, "s")
        peak = max(v[2] for v in values)
        figures.line(f"alfa-xl {name}: peak RSS {peak:,.0f} MB (target <= {MEMORY_TARGET_MB} MB)")
