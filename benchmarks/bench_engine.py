"""Speed of the engine and of ``alfa-xl outlook``, against the targets of the project.

* One projection of the default lineup under one scenario, 2026-2035, in process:
  target median <= 1 ms.
* ``alfa-xl outlook`` end to end as a subprocess (interpreter start, imports, all
  scenarios, rendering): target median <= 3 s wall.

Run ``python benchmarks/bench_engine.py`` (``--quick`` for fewer repetitions). Prints
median, p90 and the ratio median / target for each measurement; the exit code is 0
even when a target is missed (this is a measurement, not a test).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import numpy as np
from timing import report, timings

from alfa_xl.model.lineup import default_lineup
from alfa_xl.model.projection import project
from alfa_xl.model.scenarios import BUILTIN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    n_engine, n_cli = (200, 3) if args.quick else (2000, 7)

    lineup = default_lineup()
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}; default lineup of {len(lineup)} models")
    for name in ("base", "bear"):
        scenario = BUILTIN[name]
        report(f"project(default lineup, {name}, 2026-2035)",
               timings(lambda: project(lineup, scenario, 2026, 2035), n_engine), 1e-3, "ms")
    report("project(..., 'bear' by name, 2026-2035)",
           timings(lambda: project(None, "bear", 2026, 2035), n_engine), 1e-3, "ms")

    exe = shutil.which("alfa-xl")
    cmd = [exe, "outlook"] if exe else [sys.executable, "-m", "alfa_xl.cli", "outlook"]
    run = lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # noqa: E731
    report("alfa-xl outlook (subprocess, end to end)", timings(run, n_cli, warmup=1), 3.0, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
