"""Cost of the check that an owned area still holds what the refresh wrote
(:func:`alfa_xl.book.moved.trusted_rectangle`) on a large sheet: 87 rows by 11 columns of
tables above 30 columns of user data, 170,000 cells in all (about what the 4 MiB an owned
sheet may be rewritten from holds).

1. The tables in place: the recorded rectangle alone is read. Target: median <= 0.1 s
   (assumption: a small share of the refresh's 2 s).
2. Two columns inserted to the left by a tool that does not move names: the whole sheet
   is searched (:func:`alfa_xl.book.locate.locate`) and the refresh refused with where the
   tables are. Target: median <= 1 s (the issue's goal for a refusal).
"""

from __future__ import annotations

import random

import pytest

from alfa_xl.book.moved import grid_marks, trusted_rectangle
from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.xlsx import CellRange

CELLS = 170_000
IN_PLACE_TARGET_S = 0.1
REFUSAL_TARGET_S = 1.0
HEIGHT, WIDTH = 87, 11


def _sheet(shift: int) -> tuple[dict[tuple[int, int], float], list[str]]:
    rng = random.Random(1)
    tables = [[rng.random() * 1e5 for _ in range(WIDTH)] for _ in range(HEIGHT)]
    cells = {(200 + r, c): rng.random() for r in range(CELLS // 30) for c in range(30)}
    cells |= {(5 + i, j + shift): v for i, row in enumerate(tables) for j, v in enumerate(row)}
    return cells, grid_marks(tables)


WRITTEN = CellRange("S", 5, 0, 5 + HEIGHT - 1, WIDTH - 1)


def bench_tables_in_place(benchmark, figures):
    cells, marks = _sheet(0)
    found = benchmark.pedantic(
        trusted_rectangle, args=("out_x", WRITTEN, WRITTEN, marks, cells, OwnedAreaError), rounds=figures.rounds(7, 3)
    )
    assert found == WRITTEN
    figures.timing(benchmark, f"moved-table check, in place ({len(cells):,} cells)", IN_PLACE_TARGET_S, "s")


def bench_refusal_after_columns_inserted(benchmark, figures):
    cells, marks = _sheet(2)

    def refuse() -> str:
        with pytest.raises(OwnedAreaError, match=r"now at S!\$C\$6:\$M\$92") as info:
            trusted_rectangle("out_x", WRITTEN, WRITTEN, marks, cells, OwnedAreaError)
        return str(info.value)

    benchmark.pedantic(refuse, rounds=figures.rounds(5, 2))
    figures.timing(benchmark, f"moved-table search, columns inserted ({len(cells):,} cells)", REFUSAL_TARGET_S, "s")
