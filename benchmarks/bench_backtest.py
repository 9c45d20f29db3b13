"""Speed of the backtest (``alfa_xl.model.evidence.replay`` and ``alfa-xl backtest``).

1. Every shipped decision point replayed at 20,000 paths and the pooled summary, in
   process (``replay_all`` + ``summary``): median wall time. Target: <= 5 s.
2. The command itself, ``alfa-xl backtest --format json`` at 20,000 paths, as a fresh
   process (imports included): median wall time. Target: <= 5 s.
3. The rolling-origin backtest (14 origins) at 20,000 paths in process, with its scores
   by band: median wall time. Target: <= 10 s.
4. ``alfa-xl backtest --rolling --format json`` at 20,000 paths, a fresh process: median
   wall time. Target: <= 10 s.

The summary table of the replay is printed with the figures.
"""

from __future__ import annotations

import subprocess
import sys

from alfa_xl.model.evidence.replay import replay_all, summary
from alfa_xl.model.evidence.rolling import rolling

PATHS = 20_000
TARGET_SECONDS = 5.0
ROLLING_TARGET_SECONDS = 10.0


def in_process():
    return summary(replay_all(paths=PATHS))


def bench_replay_all(benchmark, figures):
    table = benchmark.pedantic(in_process, rounds=figures.rounds(7, 3), warmup_rounds=1)
    figures.timing(benchmark, f"replay_all + summary: every decision point x {PATHS:,} paths", TARGET_SECONDS, "s")
    for line in table.round(3).to_string(index=False).splitlines():
        figures.line("  " + line)


def bench_backtest_command(benchmark, figures):
    cmd = [sys.executable, "-m", "alfa_xl.cli", "backtest", "--paths", str(PATHS), "--format", "json"]
    benchmark.pedantic(
        lambda: subprocess.run(cmd, check=True, capture_output=True), rounds=figures.rounds(7, 3), warmup_rounds=1
    )
    figures.timing(benchmark, "alfa-xl backtest --format json (fresh process)", TARGET_SECONDS, "s")


def bench_rolling(benchmark, figures):
    result = benchmark.pedantic(lambda: rolling(paths=PATHS), rounds=figures.rounds(5, 3), warmup_rounds=1)
    figures.timing(
        benchmark,
        f"rolling: {len(result.points)} origins x {PATHS:,} paths, with baselines and scores",
        ROLLING_TARGET_SECONDS,
        "s",
    )
    table = result.scores[["Method", "Band", "Coverage", "Interval score", "Pinball", "P50 error", "Interval skill"]]
    for line in table.round(3).to_string(index=False).splitlines():
        figures.line("  " + line)


def bench_rolling_command(benchmark, figures):
    cmd = [sys.executable, "-m", "alfa_xl.cli", "backtest", "--rolling", "--paths", str(PATHS), "--format", "json"]
    benchmark.pedantic(
        lambda: subprocess.run(cmd, check=True, capture_output=True), rounds=figures.rounds(5, 3), warmup_rounds=1
    )
    figures.timing(benchmark, "alfa-xl backtest --rolling --format json (fresh process)", ROLLING_TARGET_SECONDS, "s")
