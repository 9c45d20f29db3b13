"""Speed of the ALFA_ worksheet functions, against the targets of the project.

* ``=ALFA_PROJECT()`` through the adapter (argument normalisation, projection, table,
  cleaning), result cache emptied before each call: target median <= 1 ms.
* The same call served from the result cache: target median <= 20 us.
* ``import alfa_xl.excel.functions`` in a fresh interpreter, minus ``import pandas``
  alone (paired fresh interpreters, each timing its own import): target <= 0.3 s. Also for a
  host that has already loaded pandas and xlwings (Excel's UDF server, RunPython, xlwings Lite),
  where the module adds only its own cost.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from alfa_xl.excel import functions as udfs
from alfa_xl.excel.results import CACHE


def uncached():
    CACHE.clear()
    return udfs.alfa_project()


def bench_alfa_project_uncached(benchmark, figures):
    assert isinstance(benchmark(uncached), list)
    figures.timing(benchmark, "=ALFA_PROJECT() uncached (base, 2026-2030, by model)", 1e-3, "ms")


def bench_alfa_project_cached(benchmark, figures):
    udfs.alfa_project()
    benchmark(udfs.alfa_project)
    figures.timing(benchmark, "=ALFA_PROJECT() cached repeat", 20e-6, "us")


def bench_alfa_project_cached_region(benchmark, figures):
    call = lambda: udfs.alfa_project("bear", 2026.0, 2035.0, "region")  # noqa: E731
    call()
    benchmark(call)
    figures.timing(benchmark, '=ALFA_PROJECT("bear", 2026, 2035, "region") cached', 20e-6, "us")


def import_seconds(statement: str, before: str = "") -> float:
    """Seconds ``statement`` takes in a fresh interpreter, after ``before`` (not timed),
    as the interpreter itself measures it (its start and exit are left out)."""
    code = f"{before}\nimport time\nt0 = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("host", ["fresh", "xlwings"])
def bench_import_cost(benchmark, figures, host):
    """Paired fresh interpreters, one round each: ``import alfa_xl.excel.functions`` and
    ``import pandas`` alone. pytest-benchmark times the pair; the figure quoted is what
    the module itself adds, measured inside each interpreter."""
    before = "import pandas, xlwings" if host == "xlwings" else ""
    own: list[float] = []
    pandas: list[float] = []

    def pair():
        own.append(import_seconds("import alfa_xl.excel.functions", before))
        pandas.append(import_seconds("import pandas", before))

    benchmark.pedantic(pair, rounds=figures.rounds(9, 3), warmup_rounds=1)
    own_s, pandas_s = np.array(own[1:]), np.array(pandas[1:])  # the warm-up round is not counted
    if host == "fresh":
        figures.values("import alfa_xl.excel.functions minus import pandas (fresh process)", own_s - pandas_s, 0.3, "s")
        figures.line(
            f"{'':<62} medians: alfa_xl.excel.functions {np.median(own_s):.3f} s, pandas {np.median(pandas_s):.3f} s"
        )
    else:
        figures.values("import alfa_xl.excel.functions, xlwings already loaded (UDF host)", own_s, 0.3, "s")
