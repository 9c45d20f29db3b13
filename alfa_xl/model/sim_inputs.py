"""Inputs of a Monte Carlo run: defaults and the validators of paths, seeds, percentiles
and targets (one validator per kind of value, shared by the engine, the CLI and Excel)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from alfa_xl.errors import SimulationError

__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_SEED",
    "DEFAULT_PERCENTILES",
    "MAX_PATHS",
    "check_number",
    "check_paths",
    "check_seed",
    "check_percentiles",
    "check_target",
]

#: Paths simulated when none is given.
DEFAULT_PATHS = 10_000
#: Largest number of paths accepted in one run (one million): percentiles from P1 to P99
#: are stable to well under 1% long before that, and the totals kept for a 2026-2060
#: horizon still fit in about 300 MB.
MAX_PATHS = 1_000_000
#: Seed used when none is given, so that a workbook recalculates to the same figures
#: (6 May 2014, the day the 400,000 plan was presented).
DEFAULT_SEED = 20140506
#: Percentiles shown when none are given.
DEFAULT_PERCENTILES: tuple[float, ...] = (10.0, 50.0, 90.0)


def check_number(field: str, value: Any, lo: float, hi: float, fix: str) -> float:
    """A finite number from ``lo`` to ``hi`` (booleans refused), or SimulationError."""
    if isinstance(value, bool):
        raise SimulationError(field, value, fix, "not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SimulationError(field, value, fix, "not a number") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise SimulationError(field, value, fix, f"outside {lo:g} to {hi:g}")
    return number


# -- validation ---------------------------------------------------------------------------
def check_paths(paths: Any) -> int:
    """Validate a number of paths: a whole number from 1 to :data:`MAX_PATHS`.

    >>> check_paths(2000.0)
    2000
    """
    fix = f"give a whole number of paths from 1 to {MAX_PATHS:,} (for example 10000)"
    if isinstance(paths, bool):
        raise SimulationError("paths", paths, fix, "not a number")
    try:
        number = float(paths)
    except (TypeError, ValueError):
        raise SimulationError("paths", paths, fix, "not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise SimulationError("paths", paths, fix, "not a whole number")
    if number < 1:
        raise SimulationError("paths", paths, fix, "must be at least 1")
    if number > MAX_PATHS:
        raise SimulationError("paths", paths, fix, f"more than the maximum of {MAX_PATHS:,}")
    return int(number)


def check_seed(seed: Any) -> int:
    """Validate a seed: a whole number from 0 to 2**63 - 1 (``None`` = :data:`DEFAULT_SEED`).

    >>> check_seed(None) == DEFAULT_SEED, check_seed(7.0)
    (True, 7)
    """
    if seed is None:
        return DEFAULT_SEED
    fix = "give a whole number of 0 or more as the seed (for example 1), or leave it out"
    if isinstance(seed, bool):
        raise SimulationError("seed", seed, fix, "not a number")
    if isinstance(seed, (int, np.integer)):
        number = int(seed)
    else:
        try:
            value = float(seed)
        except (TypeError, ValueError):
            raise SimulationError("seed", seed, fix, "not a number") from None
        if not math.isfinite(value) or value != int(value):
            raise SimulationError("seed", seed, fix, "not a whole number")
        number = int(value)
    if not 0 <= number < 2**63:
        raise SimulationError("seed", seed, fix, "outside 0 to 2**63 - 1")
    return number


def check_percentiles(percentiles: Any) -> tuple[float, ...]:
    """Validate percentiles: one number or a list of numbers from 0 to 100 (``None`` =
    :data:`DEFAULT_PERCENTILES`); at most 101 of them.

    >>> check_percentiles([5, 50.0, 95])
    (5.0, 50.0, 95.0)
    """
    if percentiles is None:
        return DEFAULT_PERCENTILES
    fix = "give percentiles between 0 and 100, for example 10, 50, 90"
    values = [percentiles] if isinstance(percentiles, (str, bytes, int, float, np.number)) else list(percentiles)
    if not values:
        raise SimulationError("percentiles", percentiles, fix, "none given")
    if len(values) > 101:
        raise SimulationError("percentiles", f"{len(values)} values", "give at most 101 percentiles", "too many")
    return tuple(check_number("percentiles", v, 0.0, 100.0, fix) for v in values)


def check_target(target: Any) -> float:
    """Validate a target in units a year: a number above 0.

    >>> check_target("400000")
    400000.0
    """
    fix = "give the target in units a year, above 0 (for example 400000)"
    value = check_number("target", target, -math.inf, math.inf, fix)
    if value <= 0:
        raise SimulationError("target", target, fix, "must be a number above 0")
    return value
