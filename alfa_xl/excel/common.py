"""Arguments several ALFA_ functions share: the target, a span of years, their help text."""

from __future__ import annotations

import functools
from typing import Any

from alfa_xl import validation
from alfa_xl.excel.cells import scalar
from alfa_xl.excel.messages import ArgumentError
from alfa_xl.excel.readers import year

__all__ = ["target", "year_span", "horizon", "DOC_TARGET", "DOC_START", "DOC_END"]

DOC_TARGET = "Volume target in units a year, above 0. Empty = 400000."
DOC_START = "First year of the table, 2000-2060. Empty = 2026 (the year after the latest actual)."
DOC_END = "Last year of the table, 2000-2060. Empty = 2030."
_TARGET_FIX = "give the target in units a year, above 0 (e.g. 400000), or leave it empty"


@functools.lru_cache(maxsize=1)
def horizon() -> tuple[int, int]:
    """The default first and last projection years (:func:`alfa_xl.model.projection.default_horizon`)."""
    from alfa_xl.model.projection import default_horizon

    return default_horizon()


def target(value: Any, arg: str = "target") -> float:
    """The volume target in units a year: above 0; empty gives 400,000 (``0`` is an error)."""
    from alfa_xl.model.gap import DEFAULT_TARGET

    return validation.number(scalar(value, arg), arg, "target", fix=_TARGET_FIX, error=ArgumentError, default=float(DEFAULT_TARGET))


def year_span(start_year: Any, end_year: Any) -> tuple[int, int]:
    """First and last year of a table; empty gives the default horizon, the end never
    before the start."""
    d_start, d_end = horizon()
    start = year(start_year, "start_year", default=d_start)
    end = year(end_year, "end_year", default=max(d_end, start))
    if end < start:
        raise ArgumentError("end_year", end_year, f"give an end year on or after the start year {start}", "before the start year")
    return start, end
