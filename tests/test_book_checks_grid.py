"""The Checks sheet finds the tables of out_scenarios with one piece of arithmetic
(alfa_xl.book.sheets.checks.ScenarioGrid): the cached values and the formulas agree."""

from __future__ import annotations

import pytest

from alfa_xl.book.sheets.checks import ScenarioGrid, Term


def test_the_grid_by_hand():
    # 2 scenarios of 5 years: comparison = title, header, 2 rows, blank (5 rows); each table
    # then takes title, header, 5 rows, blank (8 rows). Offsets count from the grid's first row.
    grid = ScenarioGrid(2, 5)
    assert grid.projection_start(1) == 5 + 2  # 0-4 comparison and blank, 5 title, 6 header -> 7
    assert grid.projection_start(2) == 7 + 8
    assert grid.gap_start(1) == 7 + 2 * 8
    assert grid.gap_start(2) == 7 + 3 * 8


def test_the_formulas_are_the_same_arithmetic():
    cells = ScenarioGrid(Term("$C$7"), Term("$C$8"))
    k = Term("$A12")
    assert cells.projection_start(k).text == "$C$7+5+($A12-1)*($C$8+3)"
    assert cells.gap_start(k).text == "$C$7+5+($C$7+$A12-1)*($C$8+3)"


@pytest.mark.parametrize("n, y, k", [(1, 1, 1), (5, 5, 3), (3, 35, 3), (10, 12, 7)])
def test_the_formula_evaluates_to_the_cached_value(n, y, k):
    cells = ScenarioGrid(Term("N"), Term("Y"))
    for formula, value in (
        (cells.projection_start(Term("K")), ScenarioGrid(n, y).projection_start(k)),
        (cells.gap_start(Term("K")), ScenarioGrid(n, y).gap_start(k)),
    ):
        text = formula.text.replace("N", str(n)).replace("Y", str(y)).replace("K", str(k))
        assert eval(text, {}) == value  # Excel's + - * and parentheses read as Python's
