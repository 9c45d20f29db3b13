"""Inputs of a Monte Carlo run: defaults and the validators of paths, seeds, percentiles
and targets. Each is a thin wrapper over :mod:`alfa_xl.validation` (the bounds live in
its ``LIMITS``) that raises :class:`~alfa_xl.errors.SimulationError`."""

from __future__ import annotations

from typing import Any

import numpy as np

from alfa_xl import validation
from alfa_xl.errors import SimulationError
from alfa_xl.model.defaults import BACKTEST_PATHS, DEFAULT_PATHS, DEFAULT_SEED  # the defaults, documented there

__all__ = [
    "DEFAULT_PATHS",
    "BACKTEST_PATHS",
    "DEFAULT_SEED",
    "DEFAULT_PERCENTILES",
    "MAX_PATHS",
    "check_number",
    "check_paths",
    "check_seed",
    "check_percentiles",
    "check_target",
    "YTD_PAIR_FIX",
]

#: Largest number of paths accepted in one run (``LIMITS["paths"].hi``, one million):
#: percentiles from P1 to P99 are stable to well under 1% long before that, and the
#: totals kept for a 2026-2060 horizon still fit in about 300 MB.
MAX_PATHS = int(validation.LIMITS["paths"].hi)
#: Percentiles shown when none are given.
DEFAULT_PERCENTILES: tuple[float, ...] = (10.0, 50.0, 90.0)
#: The instruction when year-to-date units come without the months they cover, or the reverse.
YTD_PAIR_FIX = "give both the year-to-date units and the months they cover, or neither"
#: Most percentiles asked for at once (every whole percentile, 0 to 100).
_MAX_PERCENTILES = int(validation.LIMITS["percentiles_count"].hi)


def check_number(
    field: str,
    value: Any,
    lo: float | None = None,
    hi: float | None = None,
    fix: str | None = None,
    kind: str = "number",
) -> float:
    """A finite number of ``kind`` (a key of ``validation.LIMITS``), or SimulationError.

    ``lo``/``hi``/``fix`` narrow the kind for a bound known only at run time (the years
    simulated, the first forecast year of a backtest).

    >>> check_number("year", 2030.0, 2026, 2035, "give a year from 2026 to 2035")
    2030.0
    """
    return validation.number(value, field, kind, lo=lo, hi=hi, fix=fix, error=SimulationError)


def check_paths(paths: Any) -> int:
    """Validate a number of paths: a whole number from 1 to :data:`MAX_PATHS`.

    >>> check_paths(2000.0)
    2000
    """
    return validation.paths(paths, error=SimulationError)


def check_seed(seed: Any) -> int:
    """Validate a seed: a whole number from 0 to 2**63 - 1 (``None`` = :data:`DEFAULT_SEED`).

    >>> check_seed(None) == DEFAULT_SEED, check_seed(7.0)
    (True, 7)
    """
    return validation.seed(seed, DEFAULT_SEED, error=SimulationError)


def check_percentiles(percentiles: Any) -> tuple[float, ...]:
    """Validate percentiles: one number or a list of numbers from 0 to 100 (``None`` =
    :data:`DEFAULT_PERCENTILES`); at most 101 of them.

    >>> check_percentiles([5, 50.0, 95])
    (5.0, 50.0, 95.0)
    """
    if percentiles is None:
        return DEFAULT_PERCENTILES
    values = [percentiles] if isinstance(percentiles, (str, bytes, int, float, np.number)) else list(percentiles)
    if not values:
        raise SimulationError("percentiles", percentiles, validation.LIMITS["percentile"].instruction(), "none given")
    if len(values) > _MAX_PERCENTILES:
        raise SimulationError(
            "percentiles", f"{len(values)} values", f"give at most {_MAX_PERCENTILES} percentiles", "too many"
        )
    return tuple(validation.number(v, "percentiles", "percentile", error=SimulationError) for v in values)


def check_target(target: Any) -> float:
    """Validate a target in units a year: a number above 0.

    >>> check_target("400000")
    400000.0
    """
    return validation.number(target, "target", "target", error=SimulationError)
