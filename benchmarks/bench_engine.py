"""Speed of the engine and of ``alfa-xl outlook``, against the targets of the project.

* One projection of the default lineup under one scenario, 2026-2035, in process:
  target median <= 1 ms.
* ``alfa-xl outlook`` end to end as a subprocess (interpreter start, imports, all
  scenarios, rendering): target median <= 3 s wall.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from alfa_xl.model.engine.lineup import default_lineup
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import BUILTIN

LINEUP = default_lineup()


@pytest.mark.parametrize("name", ["base", "bear"])
def bench_project(benchmark, figures, name):
    scenario = BUILTIN[name]
    result = benchmark(project, LINEUP, scenario, 2026, 2035)
    assert result.years[-1] == 2035
    figures.timing(benchmark, f"project(default lineup, {name}, 2026-2035)", 1e-3, "ms")


def bench_project_by_name(benchmark, figures):
    benchmark(project, None, "bear", 2026, 2035)
    figures.timing(benchmark, "project(..., 'bear' by name, 2026-2035)", 1e-3, "ms")


def bench_outlook_end_to_end(benchmark, figures):
    exe = shutil.which("alfa-xl")
    cmd = [exe, "outlook"] if exe else [sys.executable, "-m", "alfa_xl.cli", "outlook"]

    def run():
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    benchmark.pedantic(run, rounds=figures.rounds(7, 3), warmup_rounds=1)
    figures.timing(benchmark, "alfa-xl outlook (subprocess, end to end)", 3.0, "s")
