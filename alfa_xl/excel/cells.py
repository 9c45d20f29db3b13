"""What a cell holds: blanks, Excel error values, one value out of a range, a range as rows.

The only module that knows how Excel delivers cells. Classic xlwings sends ``None`` for
an empty cell, ``float`` for numbers, ``datetime`` for dates, a 1-D list for one row or
column and lists of lists for blocks. xlwings Lite (Office.js) sends ``None`` for an empty
cell in current Excel, ``int`` or ``float`` for numbers and serial numbers for dates.
Both deliver an error cell as its text (``"#DIV/0!"``) when the argument has
``err_to_str=True``, which :func:`alfa_xl.excel.registration.wizard_help` sets for every
argument of every ALFA_ function.

Only ``None`` and empty (or all-space) text are blank: ``0`` is a number. Some older
desktop builds send ``0`` for an empty cell to Office.js add-ins; those users see a
message naming the argument instead of a silent default (README, "Excel builds").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from alfa_xl import validation
from alfa_xl.excel.argument_error import ArgumentError, error_value

__all__ = [
    "EXCEL_ERRORS",
    "is_blank",
    "excel_error",
    "error_in",
    "flatten",
    "scalar",
    "grid",
    "show",
    "freeze",
    "typed",
]

#: Error values a cell can hold, as xlwings' ``err_to_str`` delivers them.
EXCEL_ERRORS = validation.EXCEL_ERRORS


def is_blank(value: Any, zero: bool = False) -> bool:
    """True for an empty cell: ``None``, empty or all-space text (and NaN, which no Excel
    sends but pandas may). ``zero=True`` also counts ``0`` as empty; no worksheet
    function uses it (``0`` is a number), it stays for callers that read workbook inputs
    under their own rules."""
    if validation.is_blank(value):
        return True
    return zero and not isinstance(value, bool) and isinstance(value, (int, float)) and value == 0


def excel_error(value: Any) -> str | None:
    """The Excel error value a single cell holds (``"#N/A"``), else ``None``.

    Office.js error objects (``{"type": "Error", "basicValue": "#N/A", ...}``) are
    recognised too, for callers that read them without xlwings' conversion.
    """
    if type(value) is str:
        if "#" not in value:
            return None  # the common case, decided without copying the text
        s = value.strip().upper()
        return s if s in EXCEL_ERRORS else None
    if isinstance(value, dict) and value.get("type") == "Error":
        text = str(value.get("basicValue") or "#VALUE!")
        return text.strip().upper()
    return None


def error_in(value: Any) -> str | None:
    """The first Excel error value in a cell or anywhere in a (nested) range, else ``None``."""
    t = type(value)
    if value is None or t is float or t is int or t is bool:
        return None
    if t is list or t is tuple:
        for v in value:
            hit = error_in(v)
            if hit:
                return hit
        return None
    return excel_error(value)


def flatten(value: Any) -> list[Any]:
    """Every cell of a (nested) range, row by row."""
    out: list[Any] = []
    for v in value:
        if isinstance(v, (list, tuple)):
            out.extend(flatten(v))
        else:
            out.append(v)
    return out


def scalar(value: Any, arg: str, zero_is_blank: bool = False) -> Any:
    """One value: a cell, or a range whose non-blank cells are exactly one.

    A range of blank cells gives ``None``; a range with several values, or any Excel
    error value, raises :class:`~alfa_xl.excel.argument_error.ArgumentError`.
    """
    t = type(value)
    if value is None or t is float or t is int or t is bool:
        return value  # the common single cells: nothing to check
    err = error_in(value)
    if err:
        raise error_value(arg, value, err)
    if not isinstance(value, (list, tuple)):
        return value
    values = [v for v in flatten(value) if not is_blank(v, zero_is_blank)]
    if not values:
        return None
    if len(values) > 1:
        raise ArgumentError(arg, value, "give one cell or one value, not a range", f"{len(values)} values")
    return values[0]


def grid(value: Any, zero_blank: bool = False) -> list[list[Any]]:
    """A range as a rectangular list of rows; trailing blank rows and columns removed.

    A single value gives one row of one cell; a 1-D list gives one row (xlwings sends a
    single row or a single column as a 1-D list). Shorter rows are padded with ``None``.
    """
    if isinstance(value, (list, tuple)):
        nested = value and any(isinstance(r, (list, tuple)) for r in value)
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value] if nested else [list(value)]
    else:
        rows = [[value]]
    while rows and all(is_blank(v, zero_blank) for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    while width and all(is_blank(r[width - 1], zero_blank) for r in rows):
        width -= 1
    return [r[:width] for r in rows]


def show(value: Any) -> str:
    """A short rendering of an argument value for a message."""
    if value is None:
        return "an empty cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (list, tuple)):
        cells = len(flatten(value))
        return f"a range of {cells} cell{'s' if cells != 1 else ''}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    err = excel_error(value)
    if err:
        return err
    text_ = repr(value) if isinstance(value, str) else str(value)
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= 60 else text_[:57] + "..."


def freeze(value: Any) -> Any:
    """Lists as tuples (hashable), NaN as ``None``."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    return value


def typed(rows: tuple) -> tuple:
    """A cache key that tells ``TRUE`` from ``1`` and ``1`` from ``1.0`` cell by cell."""
    return tuple(tuple((type(v), v) for v in r) for r in rows)
