"""Cost of the files a user gives: the largest lineup accepted, and refusals.

1. Reading the largest lineup the bounds accept (``LIMITS``: 100 models, each row near
   the line limit with a comment and a source of about 32,000 characters, 6.5 MB) with
   ``load_lineup``, in process. Target: median <= 0.5 s.
2. ``alfa-xl outlook --lineup`` with 100 ordinary models, as a subprocess (imports, the
   calibrated forecast at 20,000 paths, five scenarios, rendering): median wall time and
   CPU time (what the wall time is on an idle machine), target <= 5 s, and the peak
   resident memory of the process, target <= 500 MB.
3. Refusals, in process: a 2 GB sparse file (refused from its size), a file one byte
   over the size limit (read up to the limit), 101 models (parsing stops at row 101),
   8 MB of line breaks (stops at line 10,001) and a quoted field past the csv module's
   own limit. Target: median <= 1 s each, peak
   Python allocation (tracemalloc) <= 200 MB each.
4. The same 2 GB refusal through ``alfa-xl outlook`` as a subprocess: almost all of it is
   the interpreter and the imports, shown next to ``alfa-xl --help``.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
import tracemalloc

import pytest

from alfa_xl.errors import LineupError
from alfa_xl.model.engine.lineup import load_lineup
from alfa_xl.validation import LIMITS

HEAD = "model,launch_year,peak_units,share_italy,share_rest_of_europe,share_north_america,share_rest_of_world"
MB = 2**20


def _cli() -> list[str]:
    exe = shutil.which("alfa-xl")
    return [exe] if exe else [sys.executable, "-m", "alfa_xl.cli"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    n = int(LIMITS["lineup_models"].hi)
    comment = "c" * 32_767
    source = "s" * (int(LIMITS["csv_line_chars"].hi) - 32_767 - 200)
    largest = d / "largest.csv"
    largest.write_text(
        HEAD
        + ",source,comment\n"
        + "".join(f"M{i},{2015 + i % 15},{1000 + i},0.25,0.25,0.25,0.25,{source},{comment}\n" for i in range(n)),
        encoding="utf-8",
    )
    ordinary = d / "ordinary.csv"
    ordinary.write_text(
        HEAD
        + ",status\n"
        + "".join(
            f"M{i},{2015 + i % 15},{1000 + i % 500},0.25,0.25,0.25,0.25,{'on_sale' if i % 2 else 'planned'}\n"
            for i in range(n)
        ),
        encoding="utf-8",
    )
    sparse = d / "sparse.csv"
    with open(sparse, "wb") as fh:
        fh.truncate(2 * 2**30)
    over = d / "over.csv"
    over.write_bytes(b"model,launch_year,peak_units\n" + b"#" * int(LIMITS["csv_bytes"].hi))
    too_many = d / "too_many.csv"
    too_many.write_text(
        HEAD + "\n" + "".join(f"M{i},2027,1000,0.25,0.25,0.25,0.25\n" for i in range(n + 1)), encoding="utf-8"
    )
    breaks = d / "breaks.csv"
    breaks.write_bytes(b"model,launch_year,peak_units\n" + b"\n" * (int(LIMITS["csv_bytes"].hi) - 100))
    field = d / "field.csv"
    field.write_text(HEAD + '\n"' + ("x" * 999 + "\n") * 140 + '",2027,1000,0.25,0.25,0.25,0.25\n', encoding="utf-8")
    return {
        "largest": largest,
        "ordinary": ordinary,
        "sparse": sparse,
        "over": over,
        "too_many": too_many,
        "breaks": breaks,
        "field": field,
    }


def bench_read_largest_lineup(benchmark, figures, files):
    lineup = benchmark(load_lineup, files["largest"])
    assert len(lineup) == LIMITS["lineup_models"].hi
    size = files["largest"].stat().st_size
    figures.timing(benchmark, f"load_lineup, largest accepted ({size / MB:.1f} MB, 100 models)", 0.5, "ms")


def bench_outlook_largest_lineup(benchmark, figures, files):
    cmd = _cli() + ["outlook", "--lineup", str(files["ordinary"])]

    cpu: list[float] = []

    def run():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

    benchmark.pedantic(run, rounds=figures.rounds(5, 2), warmup_rounds=0)
    figures.timing(benchmark, "alfa-xl outlook --lineup (100 models, subprocess)", 5.0, "s")
    # CPU time does not grow with the machine's load as wall time does: the wall time of an idle machine
    figures.values("alfa-xl outlook --lineup (100 models): CPU time, user + system", cpu, 5.0, "s")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux; the largest child so far
    figures.line(
        f"alfa-xl outlook --lineup (100 models): peak RSS of the largest child so far {peak / MB:,.0f} MiB "
        f"(target <= 500 MB)"
    )


def _refuse(path) -> None:
    try:
        load_lineup(path)
    except LineupError:
        return
    raise AssertionError(f"{path} was accepted")


@pytest.mark.parametrize("case", ["sparse", "over", "too_many", "breaks", "field"])
def bench_refusal(benchmark, figures, files, case):
    benchmark(_refuse, files[case])
    figures.timing(benchmark, f"load_lineup refuses: {case}", 1.0, "ms")
    tracemalloc.start()
    _refuse(files[case])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures.line(f"load_lineup refuses {case}: peak Python allocation {peak / MB:.1f} MiB (target <= 200 MB)")


def bench_refusal_subprocess(benchmark, figures, files):
    refuse = _cli() + ["outlook", "--lineup", str(files["sparse"])]
    help_ = _cli() + ["--help"]

    def run(cmd, code):
        assert subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == code

    times = []
    for _ in range(figures.rounds(5, 2)):
        for cmd, code, bucket in ((refuse, 2, 0), (help_, 0, 1)):
            t = time.perf_counter()
            run(cmd, code)
            times.append((bucket, time.perf_counter() - t))
    benchmark.pedantic(run, args=(refuse, 2), rounds=1, warmup_rounds=0)
    figures.values("alfa-xl outlook --lineup 2 GB (subprocess, refused)", [t for b, t in times if b == 0], None, "s")
    figures.values("alfa-xl --help (subprocess: interpreter and imports)", [t for b, t in times if b == 1], None, "s")
