"""Speed of the backtest (``alfa_xl.model.backtest`` and ``alfa-xl backtest``).

Run from the repository root::

    python benchmarks/bench_backtest.py            # full run
    python benchmarks/bench_backtest.py --quick    # fewer repeats

Prints:

1. Every shipped decision point replayed at 20,000 paths and the pooled summary, in
   process (``replay_all`` + ``summary``): median wall time. Target: <= 5 s.
2. The command itself, ``alfa-xl backtest --format json`` at 20,000 paths, as a fresh
   process (imports included): median wall time. Target: <= 5 s.

Timings are medians of repeated runs (the machine may be shared); the warm-up run is
not counted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from alfa_xl.model.backtest import replay_all, summary

PATHS = 20_000
TARGET_SECONDS = 5.0


def in_process():
    return summary(replay_all(paths=PATHS))


def command():
    subprocess.run([sys.executable, "-m", "alfa_xl.cli", "backtest", "--paths", str(PATHS), "--format", "json"],
                   check=True, capture_output=True)


def timed(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    ok = True
    fast = timed(in_process, repeats)
    print(f"replay_all + summary: 3 decision points x {PATHS:,} paths, median of {repeats}: {fast:.3f} s "
          f"(target <= {TARGET_SECONDS} s)")
    ok &= fast <= TARGET_SECONDS
    cli = timed(command, repeats)
    print(f"alfa-xl backtest --format json, fresh process, median of {repeats}: {cli:.3f} s (target <= {TARGET_SECONDS} s)")
    ok &= cli <= TARGET_SECONDS
    print(summary(replay_all(paths=PATHS)).round(3).to_string(index=False))
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
