"""Time the workbook build and the headless refresh (medians; targets 5 s and 2 s).

Both include the Risk sheet (10,000 Monte Carlo paths, fan, probability and tornado);
its share is timed on its own as well.

Run: python benchmarks/bench_workbook.py [--repeat N]
Also prints how many zip parts a refresh copies unchanged.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from alfa_xl.book.build import BuildInputs, build_workbook
from alfa_xl.book.layout import risk_area_blocks
from alfa_xl.book.refresh import refresh_workbook

BUILD_TARGET_S = 5.0
REFRESH_TARGET_S = 2.0


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / "alfa_outlook.xlsm"
        t0 = time.perf_counter()
        build_workbook(book)  # cold: imports, data files, engine and function caches
        cold = time.perf_counter() - t0
        build = _median(lambda: build_workbook(book), args.repeat)
        work = Path(d) / "refresh" / "alfa_outlook.xlsm"
        work.parent.mkdir()
        shutil.copy(book, work)
        refresh_workbook(work)
        refresh = _median(lambda: refresh_workbook(work), args.repeat)
        book_inputs = BuildInputs.default().book_inputs()
        risk = _median(lambda: risk_area_blocks(book_inputs), args.repeat)

        # a refresh that changes the output: how many parts are copied unchanged
        changed = Path(d) / "changed" / "alfa_outlook.xlsm"
        changed.parent.mkdir()
        shutil.copy(book, changed)
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
    print(f"build-workbook  median {build:6.3f} s  target {BUILD_TARGET_S:.1f} s  ratio {build / BUILD_TARGET_S:.2f}")
    print(f"build-workbook  cold   {cold:6.3f} s  (first build: engine and function caches cold)")
    print(f"refresh         median {refresh:6.3f} s  target {REFRESH_TARGET_S:.1f} s  ratio {refresh / REFRESH_TARGET_S:.2f}")
    print(f"  of which Risk median {risk:6.3f} s  ({book_inputs.paths:,} paths around {book_inputs.scenario}, fan, probability, tornado)")
    print(f"zip parts compared unchanged in a refresh: {same} of {len(before)} (rewritten: {', '.join(report.changed_parts)})")


if __name__ == "__main__":
    main()
