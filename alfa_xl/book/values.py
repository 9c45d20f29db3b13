"""Values safe for a cell, shared by the worksheet functions and the workbook build.

NaN, infinity, ``pd.NA`` and ``NaT`` become empty cells (``None``) and NumPy scalars
plain Python values, so a cached value the build writes is the value the worksheet
function returns for the same cell (:mod:`alfa_xl.excel.results` serves them to Excel).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Iterable

__all__ = ["clean_value", "clean_result", "frame_grid"]


def clean_value(value: Any) -> Any:
    """A value safe for a cell: NaN, infinity, ``pd.NA``/``NaT`` -> ``None``; NumPy
    scalars -> Python; ``date``/``datetime`` kept; anything else unknown -> its text."""
    t = type(value)
    if t is float:
        return value if value - value == 0 else None
    if value is None or t is str or t is int or t is bool:
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        try:
            return None if value != value else value  # NaT
        except TypeError:
            return value
    if hasattr(value, "item") and hasattr(value, "dtype"):  # NumPy scalar
        return clean_value(value.item())
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, int):
        return int(value)
    try:
        if value != value:  # pd.NA raises TypeError here
            return None
    except TypeError:
        return None
    return str(value)


def clean_result(result: Any) -> Any:
    """A scalar, a 1-D list or a list of rows with every value passed through
    :func:`clean_value` (new lists; tuples become lists)."""
    if isinstance(result, (list, tuple)):
        return [clean_result(r) if isinstance(r, (list, tuple)) else clean_value(r) for r in result]
    return clean_value(result)


def frame_grid(frame, header: Iterable[str] | None = None) -> list[list[Any]]:
    """A DataFrame as rows: the header (``header`` or the column names) first, then the
    values (index dropped)."""
    head = [str(c) for c in (header if header is not None else frame.columns)]
    return [head] + [list(r) for r in frame.itertuples(index=False, name=None)]
