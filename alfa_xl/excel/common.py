"""Arguments several ALFA_ functions share: the target, a span of years, their help text."""

from __future__ import annotations

import functools
import re
from typing import Any

from alfa_xl import validation
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.cells import grid, is_blank, scalar
from alfa_xl.excel.readers import number, whole, year
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.projection import default_horizon
from alfa_xl.validation import DEFAULT_YEAR

__all__ = [
    "target",
    "year_span",
    "horizon",
    "paths",
    "seed",
    "percentiles",
    "EXCEL_MAX_PATHS",
    "MAX_SEED",
    "DOC_TARGET",
    "DOC_START",
    "DOC_END",
]

DOC_TARGET = "Volume target in units a year, above 0. Empty = 400000."
DOC_START = "First year of the table, 2000-2060. Empty = 2026 (the year after the latest actual)."
DOC_END = f"Last year of the table, 2000-2060. Empty = {DEFAULT_YEAR}."
#: Most paths a worksheet call simulates (``LIMITS["cell_paths"]``: about 0.2 s for 2026-2035 on one core).
EXCEL_MAX_PATHS = int(validation.LIMITS["cell_paths"].hi)
#: Largest seed accepted from a cell (``LIMITS["cell_seed"]``: Excel numbers are exact up to 2**53).
MAX_SEED = int(validation.LIMITS["cell_seed"].hi)
_PERCENTILE = validation.LIMITS["percentile"]
_MAX_PERCENTILES = int(validation.LIMITS["percentiles_count"].hi)
_P_TEXT = re.compile(r"^\s*[pP]?\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*%?\s*$")
_TARGET_FIX = "give the target in units a year, above 0 (e.g. 400000), or leave it empty"


@functools.lru_cache(maxsize=1)
def horizon() -> tuple[int, int]:
    """The default first and last projection years (:func:`alfa_xl.model.engine.projection.default_horizon`)."""
    return default_horizon()


def target(value: Any, arg: str = "target") -> float:
    """The volume target in units a year: above 0; empty gives 400,000 (``0`` is an error)."""
    return validation.number(
        scalar(value, arg), arg, "target", fix=_TARGET_FIX, error=ArgumentError, default=float(DEFAULT_TARGET)
    )


def year_span(start_year: Any, end_year: Any) -> tuple[int, int]:
    """First and last year of a table; empty gives the default horizon, the end never
    before the start."""
    d_start, d_end = horizon()
    start = year(start_year, "start_year", default=d_start)
    end = year(end_year, "end_year", default=max(d_end, start))
    validation.end_after_start(start, end, got=end_year, error=ArgumentError)
    return start, end


def paths(value: Any, default: int) -> int:
    """Number of simulated paths for a worksheet call: 1 to :data:`EXCEL_MAX_PATHS`; empty gives ``default``."""
    fix = f"give a whole number of paths from 1 to {EXCEL_MAX_PATHS:,} (e.g. {default}), or leave it empty"
    return whole(value, "paths", default=default, fix=fix, lo=1, hi=EXCEL_MAX_PATHS)


def seed(value: Any, default: int) -> int:
    """Seed of the random numbers: a whole number from 0 to 2**53; empty gives ``default`` (``0`` is seed 0)."""
    fix = "give a whole number from 0 to 2^53 as the seed, or leave it empty for the fixed default"
    s = whole(value, "seed", default=default, fix=fix)
    if not 0 <= s <= MAX_SEED:
        raise ArgumentError("seed", value, fix, "negative" if s < 0 else "too large")
    return s


def percentiles(value: Any, default: tuple[float, ...]) -> tuple[float, ...]:
    """Percentiles from 0 to 100, one cell or a range (``10``, ``"P10"`` and ``"10%"`` all mean the
    10th); empty gives ``default``."""
    fix = "give percentiles from 0 to 100, e.g. 10, 50, 90 (one cell or a range), or leave it empty"
    cells = [v for row in grid(value, zero_blank=False) for v in row] if isinstance(value, (list, tuple)) else [value]
    cells = [v for v in cells if not is_blank(v)]
    if not cells:
        return default
    if len(cells) > _MAX_PERCENTILES:
        raise ArgumentError(
            "percentiles", value, f"give at most {_MAX_PERCENTILES} percentiles", f"{len(cells)} values"
        )
    out = []
    for v in cells:
        if isinstance(v, str):
            m = _P_TEXT.match(v)
            if not m:
                raise ArgumentError("percentiles", v, fix, "not a number")
            v = float(m.group(1))
        out.append(number(v, "percentiles", fix=fix, lo=_PERCENTILE.lo, hi=_PERCENTILE.hi))
    return tuple(out)
