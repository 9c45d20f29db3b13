"""One reader per kind of worksheet argument: number, whole number, year, text, choice.

Each takes what Excel sent and the argument's name (for messages), returns a clean
Python value or raises :class:`~alfa_xl.excel.argument_error.ArgumentError`. Blank means
``None`` or empty text only (:func:`alfa_xl.excel.cells.is_blank`); ``0`` is a number.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from alfa_xl import validation
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.cells import is_blank, scalar

__all__ = ["number", "whole", "year", "serial_year", "text", "choice", "YEAR_MIN", "YEAR_MAX"]

#: Years accepted by year arguments (the projection's supported range).
YEAR_MIN, YEAR_MAX = validation.LIMITS["projection_year"].lo, validation.LIMITS["projection_year"].hi
#: Excel serial numbers of 1 Jan 2000 and 31 Dec 2060 (date cells read as numbers).
_SERIAL_MIN, _SERIAL_MAX = validation.excel_serial_range(YEAR_MIN, YEAR_MAX)


def number(
    value: Any,
    arg: str,
    default: float | None = None,
    fix: str | None = None,
    zero_is_blank: bool = False,
    lo: float = -math.inf,
    hi: float = math.inf,
) -> float:
    """A finite number from a cell.

    Parameters
    ----------
    value : object
        What Excel sent: a number, numeric text (``" 400,000 "``, ``"40%"``) or a 1-cell
        range. Booleans, dates and Excel error values are refused.
    arg : str
        Argument name used in messages.
    default : float, optional
        Returned for an empty cell; without it an empty cell is an error.
    fix : str, optional
        Instruction shown when the value is wrong.
    zero_is_blank : bool
        Count ``0`` as an empty cell. Worksheet functions never set it (``0`` is a
        number); it is kept for callers with their own rule.
    lo, hi : float
        Inclusive bounds.

    Examples
    --------
    >>> number(" 400,000 ", "target"), number("10%", "growth"), number(None, "target", default=400000), number(0, "x")
    (400000.0, 0.1, 400000.0, 0.0)
    """
    value = scalar(value, arg, zero_is_blank)
    if zero_is_blank and is_blank(value, True):
        value = None
    return validation.number(
        value,
        arg,
        "cell_number",
        lo=lo,
        hi=hi,
        fix=fix or f"give {arg} as a number",
        error=ArgumentError,
        default=None if default is None else float(default),
    )


def whole(
    value: Any,
    arg: str,
    default: int | None = None,
    fix: str | None = None,
    zero_is_blank: bool = False,
    lo: float = -math.inf,
    hi: float = math.inf,
) -> int:
    """A whole number (``int``) from a cell; ``2030.0`` and ``" 2030 "`` give ``2030``."""
    fix = fix or f"give {arg} as a whole number"
    result = number(value, arg, default, fix, zero_is_blank, lo, hi)
    if result != int(result):
        raise ArgumentError(arg, value, fix, "not a whole number")
    return int(result)


def serial_year(value: Any) -> Any:
    """The year of a date: a ``date``/``datetime`` (classic xlwings) or an Excel date serial
    number between 1 Jan 2000 and 31 Dec 2060 (what Office.js sends for a date cell);
    anything else unchanged.

    >>> import datetime
    >>> serial_year(47484), serial_year(47484.5), serial_year(datetime.date(2030, 1, 1)), serial_year(2030)
    (2030, 2030, 2030, 2030)
    """
    if isinstance(value, (dt.datetime, dt.date)):
        return value.year
    if not isinstance(value, bool) and isinstance(value, (int, float)) and _SERIAL_MIN <= value < _SERIAL_MAX:
        return validation.excel_serial_year(value)
    return value


def year(value: Any, arg: str, default: int | None = None, lo: float = YEAR_MIN, hi: float = YEAR_MAX) -> int:
    """A calendar year from a cell.

    Accepts ``2030``, ``2030.0``, ``" 2030 "``, a date or ISO date text (its year) or an
    Excel date serial number between 1 Jan 2000 and 31 Dec 2060 (its year), by
    :func:`alfa_xl.validation.year`. An empty cell gives
    ``default``; ``0`` is a year outside the range, so an error.

    >>> import datetime
    >>> (year(2030.0, "year"), year(" 2031 ", "year"),
    ...  year(datetime.date(2032, 6, 30), "year"), year(None, "year", default=2030))
    (2030, 2031, 2032, 2030)
    """
    t = type(value)
    if value is None and default is not None:  # fast paths: empty cell, plain whole year
        return int(default)
    if (t is int or t is float) and lo <= value <= hi and value == int(value):
        return int(value)
    return validation.year(scalar(value, arg), arg, error=ArgumentError, default=default, lo=lo, hi=hi)


def text(value: Any, arg: str, default: str | None = None) -> str | None:
    """Stripped text (inner runs of spaces collapsed); ``default`` for an empty cell.

    Whole numbers are shown without a decimal point (``156.0`` -> ``"156"``); booleans
    and dates are refused.
    """
    value = scalar(value, arg)
    if is_blank(value):
        return default
    if isinstance(value, (bool, dt.datetime, dt.date)):
        raise ArgumentError(arg, value, f"give {arg} as text", "not text")
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    return validation.squash(value)


def choice(value: Any, arg: str, options: Mapping[str, str], default: str) -> str:
    """One of ``options`` (accepted spelling -> canonical value); case and spaces ignored;
    an empty cell gives ``default``."""
    if value is None:
        return default
    if type(value) is str and value in options:  # fast path: a spelling typed exactly
        return options[value]
    value = scalar(value, arg)
    if is_blank(value):
        return default
    key = validation.identifier(value)
    try:
        return options[key]
    except KeyError:
        shown = ", ".join(f'"{v}"' for v in dict.fromkeys(options.values()))
        raise ArgumentError(arg, value, f"use one of {shown}, or leave it empty", "unknown choice") from None
