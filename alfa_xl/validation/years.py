"""Years: whole numbers, dates, ISO date text or Excel date serials, and projection horizons."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import Any

from alfa_xl.errors import AlfaInputError, HorizonError
from alfa_xl.validation.limits import DEFAULT_YEAR, is_blank  # noqa: F401  DEFAULT_YEAR: the doctest of year() reads it
from alfa_xl.validation.numbers import _limit, number

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})([T ].*)?$")


def excel_serial_year(serial: float) -> int:
    """The calendar year of an Excel date serial number (1900 date system).

    >>> excel_serial_year(47484), excel_serial_year(47483.99)
    (2030, 2029)
    """
    return (_EXCEL_EPOCH + dt.timedelta(days=float(serial))).year


def excel_serial_range(lo: float, hi: float) -> tuple[float, float]:
    """Excel date serials of 1 Jan of year ``lo`` (inclusive) and the day after 31 Dec of
    year ``hi`` (exclusive): the serials that stand for a date in those years.

    >>> excel_serial_range(2000, 2060)
    (36526, 58807)
    """
    first = (dt.datetime(int(lo), 1, 1) - _EXCEL_EPOCH).days
    last = (dt.datetime(int(hi), 12, 31) - _EXCEL_EPOCH).days + 1
    return first, last


def year(
    value: Any,
    field: str,
    kind: str = "projection_year",
    *,
    error: type[AlfaInputError] = AlfaInputError,
    default: int | None = None,
    lo: float | None = None,
    hi: float | None = None,
) -> int:
    """A calendar year of ``kind`` (``"projection_year"``: 2000-2060; ``"model_year"``:
    1950-2100).

    A date, an ISO date text or an Excel date serial number (as Excel stores a date cell)
    gives its year; ``0`` is not a year. Blank gives ``default`` (an error without one).

    >>> import datetime
    >>> year("2031", "end_year"), year(datetime.date(2032, 6, 30), "end_year"), year("2033-01-15", "end_year")
    (2031, 2032, 2033)
    >>> year(None, "end_year", default=DEFAULT_YEAR)
    2030
    """
    limit = _limit(kind, lo, hi, None)
    if (type(value) is int or type(value) is float) and limit.lo <= value <= limit.hi and value == int(value):
        return int(value)  # fast path: a plain whole year
    if is_blank(value) and default is not None:
        return int(default)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.year
    elif isinstance(value, str) and _ISO_DATE.match(value):
        value = int(_ISO_DATE.match(value).group(1))  # type: ignore[union-attr]
    elif isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value):
        first, last = excel_serial_range(limit.lo, limit.hi)
        serial = float(value)
        if first <= serial < last:
            value = excel_serial_year(serial)
    return int(number(value, field, kind, lo=limit.lo, hi=limit.hi, error=error))


def horizon(start: Any, end: Any, *, error: type[AlfaInputError] = HorizonError) -> tuple[int, int]:
    """Validate a projection's first and last year (``LIMITS["projection_year"]``, end on or
    after start).

    >>> horizon(2026, "2030")
    (2026, 2030)
    """
    s = year(start, "start_year", error=error)
    e = year(end, "end_year", error=error)
    end_after_start(s, e, error=error)
    return s, e


def end_after_start(
    start: int,
    end: int,
    *,
    field: str = "end_year",
    got: Any = None,
    verb: str = "give",
    error: type[AlfaInputError] = HorizonError,
) -> None:
    """The rule of every year range: the end on or after the start. The error names
    ``field`` (a worksheet argument, an Inputs cell), shows ``got`` (default: ``end``) and
    says ``verb`` ("give", or "type" at a cell).

    >>> end_after_start(2030, 2026)
    Traceback (most recent call last):
    ...
    alfa_xl.errors.HorizonError: end_year: before the start year (got 2026); give an end year on or
    after the start year 2030
    """
    if end < start:
        raise error(
            field,
            end if got is None else got,
            f"{verb} an end year on or after the start year {start}",
            "before the start year",
        )
