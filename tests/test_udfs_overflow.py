"""ALFA_CAGR and ALFA_YEARS_TO_TARGET never show an empty cell for an overflow or a NaN:
one ``#VALUE!`` line instead. The empty cell stays for the documented case only (growth
of 0 or less with the target above the current volume)."""

from __future__ import annotations

import math

import pytest

from alfa_xl import udfs


def _one_line(out, name, argument):
    assert isinstance(out, str), out
    assert out.startswith(f"#VALUE! {name}: {argument}: ") and "\n" not in out, out
    assert "overflow" in out


@pytest.mark.parametrize(
    "start, end, years",
    [
        (100, 200, 1e-300),  # 2 ** 1e300 - 1
        (1, 1e300, 0.1),  # 1e3000 - 1
        (1e-300, 1e300, 1),  # 1e600 - 1
    ],
)
def test_alfa_cagr_overflow_is_one_line(start, end, years):
    _one_line(udfs.alfa_cagr(start, end, years), "ALFA_CAGR", "years")


@pytest.mark.parametrize("start, end, years", [(70_000, 400_000, 5), (1, 1e6, 1), (1e6, 1, 1), (100, 200, 0.01)])
def test_alfa_cagr_large_but_finite_rates_still_answer(start, end, years):
    expected = math.exp(math.log(end / start) / years) - 1  # closed form of start*(1+r)**years = end
    assert udfs.alfa_cagr(start, end, years) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "current, growth, target",
    [
        (1e-300, 1e-310, 1e300),  # log(1e600) / log1p(1e-310): about 1.4e313 years, past a float's range
        (1e-300, 5e-324, 1),  # the smallest growth a float holds: about 1.4e326 years
    ],
)
def test_alfa_years_to_target_overflow_is_one_line(current, growth, target):
    _one_line(udfs.alfa_years_to_target(current, growth, target), "ALFA_YEARS_TO_TARGET", "growth")


@pytest.mark.parametrize(
    "current, growth, target, expected",
    [
        (1e-300, 1e-300, 1e300, 600 * math.log(10) / 1e-300),  # 1.4e303 years: large, still a number
        (1e-300, 1e300, 1e300, 600 * math.log(10) / (300 * math.log(10))),  # target / current overflows; 2 years
    ],
)
def test_alfa_years_to_target_extreme_but_finite(current, growth, target, expected):
    assert udfs.alfa_years_to_target(current, growth, target) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("growth", [0, -0.5])
def test_alfa_years_to_target_never_reached_stays_empty(growth):
    assert udfs.alfa_years_to_target(73_000, growth, 400_000) is None


def test_alfa_years_to_target_ordinary_answer():
    expected = math.log(400_000 / 73_000) / math.log(1.1)
    assert udfs.alfa_years_to_target(73_000, 0.1, 400_000) == pytest.approx(expected, rel=1e-12)
