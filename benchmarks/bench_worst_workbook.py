"""The worst workbook the size limits accept, refreshed headless (targets: 5 s and 500 MB).

The file is a built workbook grown to every limit of :mod:`alfa_xl.book.xlsx` at once:
the Inputs sheet filled with number cells up to ``MAX_XML_PART``, the shared strings
grown until the parts a refresh parses (recorded from a refresh of the built file) reach
``MAX_PARSED``, an incompressible picture and a
compressible part bringing the unpacked total to ``MAX_UNPACKED`` and the file near
``MAX_FILE``. Also one with only empty cells on Inputs (as a sheet formatted far down
stores them). Each refresh runs in a fresh process; its wall time and peak resident
memory (``ru_maxrss`` of the child) are the figures.
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest

from alfa_xl.book import xlsx
from alfa_xl.book.build import build_workbook
from alfa_xl.book.refresh import refresh_workbook

TIME_TARGET_S = 5.0
MEMORY_TARGET_MB = 500
INPUTS = "xl/worksheets/sheet2.xml"


def parsed_parts(book: Path) -> set[str]:
    """The parts of ``book`` a refresh parses (the parts :data:`xlsx.MAX_PARSED` counts),
    recorded from a refresh of a copy, so the budget follows the refresh as it changes."""
    probe = book.with_name("probe_" + book.name)
    shutil.copy(book, probe)
    seen: set[str] = set()
    original = xlsx.Package.tree

    def tree(self, name):
        if Path(self.path).resolve() == probe.resolve():
            seen.add(name)
        return original(self, name)

    with mock.patch.object(xlsx.Package, "tree", tree):
        refresh_workbook(probe, backup=False)
    probe.unlink()
    return seen


RUN = """
import sys, time
from alfa_xl.book.refresh import refresh_workbook
t0 = time.perf_counter()
refresh_workbook(sys.argv[1])
print(time.perf_counter() - t0)
"""


def worst(path: Path, filled: bool) -> Path:
    """Grow a built workbook to the limits (see the module docstring)."""
    build_workbook(path)
    parsed = parsed_parts(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    inputs = parts[INPUTS].decode()
    cell = '<c r="{c}{r}" s="3"><v>1</v></c>' if filled else '<c r="{c}{r}" s="3"/>'
    rows, r, size = [], 200, len(inputs)
    while size < xlsx.MAX_XML_PART - 20_000:
        row = f'<row r="{r}">' + "".join(cell.format(c=c, r=r) for c in "CDEFGHIJKL") + "</row>"
        rows.append(row)
        size += len(row)
        r += 1
    parts[INPUTS] = inputs.replace("</sheetData>", "".join(rows) + "</sheetData>").encode()
    room = xlsx.MAX_PARSED - sum(len(parts[n]) for n in parsed | {INPUTS, "xl/sharedStrings.xml"} if n in parts)
    room -= 60_000
    one = len("<si><t>padding 00000000 of the shared strings</t></si>")
    pad = "".join(f"<si><t>padding {i:08d} of the shared strings</t></si>" for i in range(max(room, 0) // one))
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].decode().replace("</sst>", pad + "</sst>").encode()
    rng = random.Random(1)
    picture = 38 * 1024 * 1024
    parts["xl/media/image1.png"] = rng.randbytes(picture)
    words = " ".join(rng.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(200_000)).encode()
    left = xlsx.MAX_UNPACKED - sum(len(v) for v in parts.values()) - 100_000
    parts["xl/media/notes.bin"] = (words * (left // len(words) + 1))[:left]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED)
    assert path.stat().st_size <= xlsx.MAX_FILE
    return path


def _run(book: Path) -> tuple[float, float, float, float]:
    """(refresh seconds, process seconds, process CPU seconds, peak MB) of one refresh in a
    fresh process. The CPU time (user + system) shows what the wall time would be on an
    idle machine when other jobs share the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, str(book)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return float(done.stdout.strip().splitlines()[-1]), wall, cpu, after.ru_maxrss / 1024


@pytest.mark.parametrize("filled", [True, False], ids=["filled", "empty-cells"])
def bench_worst_accepted_workbook(benchmark, figures, tmp_path, filled):
    source = worst(tmp_path / "worst.xlsm", filled)
    runs = []

    def once():
        work = tmp_path / "work.xlsm"
        shutil.copy(source, work)
        runs.append(_run(work))

    benchmark.pedantic(once, rounds=figures.rounds(3, 1))
    mid = len(runs) // 2
    refresh_s, wall, cpu = (sorted(r[i] for r in runs)[mid] for i in range(3))
    peak = max(r[3] for r in runs)
    kind = "filled" if filled else "empty cells"
    figures.line(
        f"  worst accepted workbook ({kind}, {source.stat().st_size / 1e6:.1f} MB file): refresh {refresh_s:.2f} s "
        f"(target {TIME_TARGET_S:g} s), process {wall:.2f} s wall / {cpu:.2f} s CPU, "
        f"peak {peak:.0f} MB (target {MEMORY_TARGET_MB} MB)"
    )
