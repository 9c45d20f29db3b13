"""The workbook build and the headless refresh (targets: median 5 s and 2 s).

Both include the Risk sheet (10,000 Monte Carlo paths, fan, probability and tornado);
its share is timed on its own as well. Also counts how many zip parts a refresh that
changes the output leaves byte-identical.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from alfa_xl.book.build import BuildInputs, build_workbook
from alfa_xl.book.layout import risk_area_blocks
from alfa_xl.book.refresh import refresh_workbook

BUILD_TARGET_S = 5.0
REFRESH_TARGET_S = 2.0


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("workbook")


COLD_SCRIPT = """
import sys, time
from alfa_xl.book.build import build_workbook
t0 = time.perf_counter()
build_workbook(sys.argv[1])
print(time.perf_counter() - t0)
"""


def bench_build(benchmark, figures, folder):
    book = folder / "alfa_outlook.xlsm"
    # cold: the first build in a fresh interpreter (modules imported, data files, engine and
    # function caches still empty), whatever this run has measured before
    done = subprocess.run([sys.executable, "-c", COLD_SCRIPT, str(book)], capture_output=True, text=True, check=True)
    cold = float(done.stdout.strip().splitlines()[-1])
    build_workbook(book)
    benchmark.pedantic(build_workbook, args=(book,), rounds=figures.rounds(7, 3))
    figures.timing(benchmark, "build-workbook", BUILD_TARGET_S, "s")
    figures.line(
        f"  build-workbook cold {cold:6.3f} s (first build in a fresh interpreter: engine and function caches cold)"
    )


def bench_refresh(benchmark, figures, folder):
    work = folder / "refresh" / "alfa_outlook.xlsm"
    work.parent.mkdir()
    build_workbook(work)
    refresh_workbook(work)
    benchmark.pedantic(refresh_workbook, args=(work,), rounds=figures.rounds(7, 3))
    figures.timing(benchmark, "refresh", REFRESH_TARGET_S, "s")


def bench_risk_share(benchmark, figures):
    book_inputs = BuildInputs.default().book_inputs()
    benchmark.pedantic(risk_area_blocks, args=(book_inputs,), rounds=figures.rounds(7, 3))
    figures.timing(
        benchmark,
        f"  of which Risk ({book_inputs.paths:,} paths around {book_inputs.scenario}, fan, probability, tornado)",
        None,
        "s",
    )


def bench_parts_kept(figures, folder):
    """A refresh that changes the output: zip parts compared unchanged (a count, not a timing)."""
    changed = folder / "changed" / "alfa_outlook.xlsm"
    changed.parent.mkdir()
    build_workbook(changed)
    with zipfile.ZipFile(changed) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b"<v>2030</v>", b"<v>2032</v>", 1)
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    with zipfile.ZipFile(changed) as z:
        before = {n: z.read(n) for n in z.namelist()}
    report = refresh_workbook(changed)
    with zipfile.ZipFile(changed) as z:
        after = {n: z.read(n) for n in z.namelist()}
    same = sum(1 for n in before if before[n] == after.get(n))
    figures.line(
        f"zip parts compared unchanged in a refresh: {same} of {len(before)} "
        f"(rewritten: {', '.join(report.changed_parts)})"
    )
    shutil.rmtree(changed.parent)


def bench_refresh_build_in_memory(benchmark, figures, folder):
    """The refresh's second build, in memory, for its formulas' cached values
    (:func:`alfa_xl.book.recalc.fresh_book`), the tables already computed by the refresh's
    plan: wall time, and CPU time (user + system: what the wall time is on an idle machine),
    next to the ``build-workbook`` staging of one temporary file per part that it used before."""
    import io
    import time

    from alfa_xl.book.bookfile import BookFile
    from alfa_xl.book.build import BuildInputs, write_book
    from alfa_xl.book.inputs import FileSource, read_book_inputs
    from alfa_xl.book.recalc import fresh_book
    from alfa_xl.book.xlsx import read_package

    work = folder / "fresh" / "alfa_outlook.xlsm"
    work.parent.mkdir()
    build_workbook(work)
    refresh_workbook(work)  # the tables of these inputs computed once, as in a refresh
    inputs = read_book_inputs(FileSource(BookFile(read_package(work))))
    b = BuildInputs.from_book(inputs)
    cpu: dict[bool, list[float]] = {True: [], False: []}
    wall: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(figures.rounds(7, 3)):  # alternate, so the machine's load falls on both alike
        for staged in (True, False):
            c, w = time.process_time(), time.perf_counter()
            write_book(io.BytesIO(), b, inputs, staged_in_memory=staged)
            cpu[staged].append(time.process_time() - c)
            wall[staged].append(time.perf_counter() - w)
    benchmark.pedantic(fresh_book, args=(inputs,), rounds=figures.rounds(7, 3))
    figures.timing(benchmark, "refresh's build in memory (fresh_book)", None, "s")
    for staged, label in ((True, "parts in memory (now)"), (False, "one temporary file a part (before)")):
        figures.values(f"  build for the cached values, {label}: wall", wall[staged], None, "s")
        figures.values(f"  build for the cached values, {label}: CPU", cpu[staged], None, "s")
