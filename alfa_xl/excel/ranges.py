"""Range arguments: a scenario (built-in name or parameter/value range) and a lineup table.

Parsed ranges are memoised on their cells *with their types* (``cachetools`` with a typed
key): ``functools.lru_cache`` would treat ``TRUE`` and ``1`` as the same key and could
hand back a valid lineup for a cell that should be rejected. Failures are not kept.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

import cachetools

from alfa_xl import validation
from alfa_xl.errors import AlfaInputError
from alfa_xl.excel.argument_error import ArgumentError, error_value
from alfa_xl.excel.cells import error_in, freeze, grid, is_blank, typed
from alfa_xl.excel.readers import serial_year
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.scenarios import Scenario, get_scenario

__all__ = ["scenario", "lineup", "clear"]

_SCENARIO_FIX = (
    "give a scenario name (base, bear, bull, plan, track_record) or a two-column range of parameter and value"
)
_LINEUP_FIX = "give a table range whose first row holds the lineup columns (model, launch_year, peak_units, ...)"
_YEAR_COLUMNS = ("launch_year", "announced_year", "end_year", "hold_until")
_NAME_COLUMNS = ("model", "replaces")


def _memo(maxsize: int):
    """``cachetools.cached`` on an LRU cache keyed on the typed cells and the argument."""
    return cachetools.cached(
        cachetools.LRUCache(maxsize=maxsize),
        key=lambda rows, arg: (typed(rows), arg),
        lock=threading.Lock(),
    )


#: Built-in scenarios already looked up, by the exact text (or None) Excel sent: a plain
#: dict (reads and writes are atomic), filled up to 256 spellings, then left as it is.
_NAMED: dict = {}


def scenario(value: Any, arg: str = "scenario"):
    """The :class:`~alfa_xl.model.engine.scenarios.Scenario` an argument names or describes.

    Empty gives ``base``; text is a built-in name (case, spaces, hyphens ignored); a
    two-column range holds parameter/value rows applied on top of ``base`` (a row
    ``base | bear`` starts from another built-in scenario; rows with an empty parameter
    or value are skipped; a first row ``parameter | value`` is a header). A ``0`` in a
    range is that value; an Excel error value anywhere is refused.
    """
    if value is None or type(value) is str:
        hit = _NAMED.get(value)
        if hit is not None:
            return hit
    err = error_in(value)
    if err:
        raise error_value(arg, value, err)
    if isinstance(value, (list, tuple)):
        rows = grid(value)
        if not rows:
            return get_scenario("base")
        if len(rows) == 1 and len(rows[0]) == 1:
            value = rows[0][0]
        else:
            return _scenario_from_rows(freeze(rows), arg)
    if is_blank(value):
        result = get_scenario("base")
    elif not isinstance(value, str):
        raise ArgumentError(arg, value, _SCENARIO_FIX, "not a scenario")
    else:
        try:
            result = get_scenario(value)
        except AlfaInputError as exc:
            raise ArgumentError(arg, value, exc.fix, exc.problem) from None
    if (value is None or type(value) is str) and len(_NAMED) < 256:
        _NAMED[value] = result
    return result


@_memo(maxsize=128)
def _scenario_from_rows(rows: tuple[tuple[Any, ...], ...], arg: str):
    if len(rows[0]) != 2:
        raise ArgumentError(arg, rows, "give two columns: parameter and value", f"{len(rows[0])} columns")
    pairs: list[tuple[str, Any]] = []
    base, seen_base = "base", False
    for i, (key, value) in enumerate(rows):
        if is_blank(key):
            continue
        name = validation.squash(key)
        if i == 0 and name.lower() in ("parameter", "parameters"):
            continue
        if is_blank(value):
            continue
        if name.lower() in ("cancel", "name", "description") and not isinstance(value, str):
            if isinstance(value, float) and math.isfinite(value) and value == int(value):
                value = int(value)
            value = str(value)
        if name.lower() == "base":
            if seen_base:
                raise ArgumentError(
                    arg,
                    value,
                    "keep one base row (the built-in scenario to start from)",
                    "parameter given twice",
                    detail="base",
                )
            base, seen_base = str(value), True
            continue
        pairs.append((name, value))
    try:
        return Scenario.from_pairs(pairs, base=base)
    except AlfaInputError as exc:
        raise ArgumentError(arg, exc.value, exc.fix, exc.problem, detail=exc.field) from None


def lineup(value: Any, arg: str = "lineup"):
    """The :class:`~alfa_xl.model.engine.lineup.Lineup` in a table range, or ``None`` when empty.

    The first row holds column names as in the lineup CSV (case and spaces ignored);
    each following row is one model. Blank rows are ignored. Dates in year columns give
    their year, whether they arrive as dates (classic) or serial numbers (Office.js).
    """
    if isinstance(value, (list, tuple)):
        _refuse_too_many_models(value, arg)
    err = error_in(value)
    if err:
        raise error_value(arg, value, err)
    if not isinstance(value, (list, tuple)):
        if is_blank(value):
            return None
        raise ArgumentError(arg, value, _LINEUP_FIX, "not a table range")
    rows = grid(value)
    if not rows:
        return None
    return _lineup_from_rows(freeze(rows), arg)


def _refuse_too_many_models(value: list | tuple, arg: str) -> None:
    """Refuse a range with more filled rows than a header and ``LIMITS["lineup_models"]``
    models, before any cell is converted: counting stops at the first row past the limit."""
    from alfa_xl.validation import LIMITS

    limit = int(LIMITS["lineup_models"].hi)
    filled = 0
    for row in value:
        cells = row if isinstance(row, (list, tuple)) else (row,)
        if not all(is_blank(v) for v in cells):
            filled += 1
            if filled > limit + 1:  # the header row and the models
                raise ArgumentError(
                    arg, f"more than {limit} rows", LIMITS["lineup_models"].instruction(), f"more than {limit} models"
                )


@_memo(maxsize=32)
def _lineup_from_rows(rows: tuple[tuple[Any, ...], ...], arg: str):
    import pandas as pd

    header = ["" if is_blank(h) else validation.identifier(h) for h in rows[0]]
    if "model" not in header:
        raise ArgumentError(arg, rows, _LINEUP_FIX, "no header row with a 'model' column")
    body = [list(r) for r in rows[1:] if not all(is_blank(v) for v in r)]
    if not body:
        raise ArgumentError(arg, rows, "add at least one model row under the header", "no models")
    for r in body:
        for j, col in enumerate(header):
            v = r[j]
            if col in _YEAR_COLUMNS and isinstance(v, (dt.datetime, dt.date, int, float)):
                r[j] = serial_year(v)
            elif col in _NAME_COLUMNS and isinstance(v, float) and math.isfinite(v) and v == int(v):
                r[j] = str(int(v))
            elif isinstance(v, str) and not v.strip():
                r[j] = None
    keep = [j for j, h in enumerate(header) if h]
    frame = pd.DataFrame([[r[j] for j in keep] for r in body], columns=[header[j] for j in keep], dtype=object)
    try:
        return Lineup.from_frame(frame)
    except AlfaInputError as exc:
        raise ArgumentError(arg, exc.value, exc.fix, exc.problem, detail=exc.field) from None


def clear() -> None:
    """Forget the parsed ranges and the looked-up scenario names."""
    _scenario_from_rows.cache_clear()
    _lineup_from_rows.cache_clear()
    _NAMED.clear()
