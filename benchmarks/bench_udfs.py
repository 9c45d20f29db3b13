"""Speed of the ALFA_ worksheet functions, against the targets of the project.

* ``=ALFA_PROJECT()`` through the adapter (argument normalisation, projection, table,
  cleaning), result cache emptied before each call: target median <= 1 ms.
* The same call served from the result cache: target median <= 20 us.
* ``import alfa_xl.excel.functions`` in a fresh interpreter, minus ``import pandas`` alone (median
  of several subprocess runs each): target <= 0.3 s. Also shown for a host that has
  already loaded xlwings (Excel's UDF server, RunPython, xlwings Lite), where the
  module adds only its own cost.

Run ``python benchmarks/bench_udfs.py`` (``--quick`` for fewer repetitions). Prints
median, p90 and the ratio median / target; the exit code is 0 even when a target is
missed (this is a measurement, not a test).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np
from timing import report, timings

from alfa_xl.excel import args as xa
from alfa_xl.excel import functions as udfs


def import_seconds(statement: str, before: str = "") -> float:
    """Wall time of ``statement`` in a fresh interpreter, after ``before`` (not timed)."""
    code = (f"{before}\nimport time\nt0 = time.perf_counter()\n{statement}\n"
            "print(time.perf_counter() - t0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def import_cost(runs: int, before: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Paired runs: ``import alfa_xl.excel.functions`` and ``import pandas`` alone, alternating."""
    udf, pandas = np.empty(runs), np.empty(runs)
    for i in range(runs):
        udf[i] = import_seconds("import alfa_xl.excel.functions", before)
        pandas[i] = import_seconds("import pandas", before)
    return udf, pandas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    n_uncached, n_cached, n_import = (200, 2000, 3) if args.quick else (2000, 20000, 9)
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}")

    def uncached():
        xa.CACHE.clear()
        return udfs.alfa_project()

    assert isinstance(uncached(), list)
    report("=ALFA_PROJECT() uncached (base, 2026-2030, by model)", timings(uncached, n_uncached), 1e-3, "ms")
    udfs.alfa_project()
    report("=ALFA_PROJECT() cached repeat", timings(udfs.alfa_project, n_cached), 20e-6, "us")
    report('=ALFA_PROJECT("bear", 2026, 2035, "region") cached',
           timings(lambda: udfs.alfa_project("bear", 2026.0, 2035.0, "region"), n_cached), 20e-6, "us")

    udf, pandas = import_cost(n_import)
    report("import alfa_xl.excel.functions minus import pandas (fresh process)", udf - pandas, 0.3, "s")
    print(f"{'':<58} medians: alfa_xl.excel.functions {np.median(udf):.3f} s, pandas {np.median(pandas):.3f} s")
    udf, pandas = import_cost(n_import, before="import pandas, xlwings")
    report("import alfa_xl.excel.functions, xlwings already loaded (UDF host)", udf, 0.3, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
