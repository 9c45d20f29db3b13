"""One validator per kind of value, every bound declared once.

The engine, the worksheet functions, the workbook reader and the command line all take
numbers, years, shares, seeds and names from people. This module is the single place
that decides what is accepted: the bounds live in one table, :data:`LIMITS`, and each
kind of value has one function. Every failure raises an
:class:`~alfa_xl.errors.AlfaInputError` (or the subclass the caller names through
``error=``) whose message keeps the field, the value given and the fix::

    peak_units of 'Junior': outside 0 to 10,000,000 (got -5); give yearly units ...

Blank and zero
--------------
Only ``None``, empty or blank text and NaN (pandas' missing marker) are blank; ``0`` is a
number everywhere (a zero year is an error, a zero delay is no delay).

Numbers written as text
-----------------------
:func:`parse_number_text` reads ``"400000"``, ``" 1 234 "``, ``"1,234,567"``,
``"1.234.567"``, ``"1,234.5"``, ``"1.234,5"``, ``"40%"`` and ``"2.5e5"``. The dot is the
decimal mark; a comma or a dot is a thousands separator only where the grouping says so
unambiguously. Text that two readers would read two ways is refused with both readings
in the message: ``"1,5"`` (1.5 or 15?), ``"33000,5"`` (33000.5 or 330,005?),
``"1.234"`` (1.234 or 1234?). See ``docs/validation.md``.

Years
-----
A year field also takes a date (``datetime``/``date``/pandas ``Timestamp``), an ISO date
text (``"2030-06-30"``) or an Excel date serial number (the number Excel stores for a
date cell), each giving its year.

Examples
--------
>>> number("1,234,567", "units"), number(" 1 234 ", "units"), number("40%", "share", kind="share")
(1234567.0, 1234.0, 0.4)
>>> year(47484, "start_year")
2030
>>> number("33000,5", "peak_units of 'Junior'")
Traceback (most recent call last):
...
alfa_xl.errors.AlfaInputError: peak_units of 'Junior': ambiguous number: 33000.5 or 330005? (got '33000,5'); write 33000.5 for a decimal (dot as decimal mark) or 330005 without separators
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from alfa_xl.errors import AlfaInputError, HorizonError

__all__ = [
    "Limit", "LIMITS", "DEFAULT_YEAR", "EXCEL_ERRORS", "RESERVED_NAMES", "default_horizon", "is_blank",
    "parse_number_text", "NumberTextError", "number", "whole", "year", "share", "positive", "paths", "seed",
    "horizon", "flag", "text", "name", "existing_file", "excel_serial_year", "excel_error",
]

#: The year every default comparison looks at: the horizon of Alfa Romeo's current plan
#: (sourced: next Stelvio and Giulia "officially 2028", the 4.3 m model "by 2030"; see
#: ``model/data/facts.csv``). The default projection runs from the year after the latest
#: actual through this year (:func:`default_horizon`).
DEFAULT_YEAR = 2030


@dataclass(frozen=True)
class Limit:
    """The accepted range of one kind of value.

    Attributes
    ----------
    lo, hi : float
        Inclusive bounds (``lo`` exclusive when ``above`` is true).
    fix : str
        The instruction shown when a value is wrong; ``{lo}`` and ``{hi}`` are filled in.
    whole : bool
        Only whole numbers.
    percent : bool
        Text such as ``"40%"`` is accepted (as 0.4).
    above : bool
        The value must be strictly above ``lo``.
    """

    lo: float
    hi: float
    fix: str
    whole: bool = False
    percent: bool = False
    above: bool = False

    def instruction(self) -> str:
        return self.fix.format(lo=_bound(self.lo), hi=_bound(self.hi))

    def describe(self) -> str:
        if self.above and math.isinf(self.hi):
            return f"must be above {_bound(self.lo)}"
        return f"outside {_bound(self.lo)} to {_bound(self.hi)}"


_INF = math.inf

#: Every bound of every kind of value, declared once. Keys are the kinds named by the
#: callers (``number(value, field, kind="share")``).
LIMITS: dict[str, Limit] = {
    # calendar years
    "model_year": Limit(1950, 2100, "give a whole year between {lo} and {hi}, such as 2028", whole=True),
    "projection_year": Limit(2000, 2060, "give a whole year between {lo} and {hi}, e.g. 2030", whole=True),
    # a model's lifecycle (lineup columns)
    "units": Limit(0, 10_000_000, "give yearly units as a number from {lo} to {hi}"),
    "share": Limit(0, 1, "give a share between 0 and 1 (0.5 or 50%)", percent=True),
    "decay": Limit(0, 10, "give a decay rate per year between {lo} and {hi}"),
    "decline_after": Limit(1, 100, "give the age (years) when decline starts, {lo} to {hi}"),
    # scenario parameters
    "delay_years": Limit(-10, 20, "give a whole number of years between {lo} and {hi}", whole=True),
    "peak_multiplier": Limit(0, 10, "give a multiplier between {lo} and {hi} (1 = unchanged)", percent=True),
    "na_tariff": Limit(-1, 1, "give the change in North America volume between {lo} and {hi} (-0.2 = 20% fewer)", percent=True),
    "market_trend": Limit(-0.5, 0.5, "give a yearly change between {lo} and {hi} (0.02 = +2% a year)", percent=True),
    # Monte Carlo settings
    "paths": Limit(1, 1_000_000, "give a whole number of paths from {lo} to {hi} (for example 10000)", whole=True),
    "seed": Limit(0, 2**63 - 1, "give a whole number of 0 or more as the seed (for example 1), or leave it out", whole=True),
    "percentile": Limit(0, 100, "give percentiles between 0 and 100, for example 10, 50, 90"),
    "slip_mean": Limit(0, 10, "give the expected slip in years, {lo} to {hi}"),
    "probability": Limit(0, 1, "give a probability between 0 and 1", percent=True),
    "peak_sigma": Limit(0, 2, "give a standard deviation of log peak between {lo} and {hi}"),
    "trend_sigma": Limit(0, 0.2, "give a standard deviation of the yearly trend between {lo} and {hi}"),
    "tariff_sigma": Limit(0, 1, "give a standard deviation of the North America effect between {lo} and {hi}"),
    # targets and year-to-date actuals
    "target": Limit(0, _INF, "give the target in units a year, above 0 (for example 400000)", above=True),
    "positive": Limit(0, _INF, "give a number above 0", above=True),
    "ytd_units": Limit(0, 10_000_000, "give the worldwide units sold so far this year, {lo} to {hi}"),
    "ytd_months": Limit(1, 12, "give the number of months the units cover, a whole number from {lo} to {hi}", whole=True),
    # anything else: any finite number
    "number": Limit(-_INF, _INF, "give a number"),
}

#: Names a model or scenario may not take because the outputs use them for structure,
#: compared case-insensitively: ``Year`` is the index of every by-year table and the
#: first cell of each block on the workbook's Scenarios sheet (counted by its Checks);
#: ``Total`` is the last column of the by-model table, next to one column per model.
RESERVED_NAMES: frozenset[str] = frozenset({"Year", "Total"})

_RESERVED_KEYS = frozenset(n.casefold() for n in RESERVED_NAMES)

#: Error values Excel can put in a cell, as xlwings shows them when it sends them as text.
EXCEL_ERRORS: frozenset[str] = frozenset(
    "#N/A #DIV/0! #REF! #VALUE! #NAME? #NUM! #NULL! #SPILL! #CALC! #GETTING_DATA #FIELD! #BLOCKED! #UNKNOWN! #BUSY! #CONNECT!".split()
)


def _bound(x: float) -> str:
    if math.isinf(x):
        return "infinity" if x > 0 else "-infinity"
    if x == int(x) and abs(x) < 1e20:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def default_horizon(latest_actual_year: int) -> tuple[int, int]:
    """Default projection years: the year after the latest actual through :data:`DEFAULT_YEAR`
    (or just that next year once it is past :data:`DEFAULT_YEAR`).

    >>> default_horizon(2025), default_horizon(2031)
    ((2026, 2030), (2032, 2032))
    """
    start = int(latest_actual_year) + 1
    return start, max(start, DEFAULT_YEAR)


# -- blanks -------------------------------------------------------------------------------
def is_blank(value: Any) -> bool:
    """True for ``None``, empty or blank text and NaN; ``0`` is a value, never blank.

    >>> is_blank(None), is_blank("  "), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and value != value


def excel_error(value: Any) -> str | None:
    """The Excel error a value stands for (text ``"#N/A"`` or an Office.js error object)."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    if isinstance(value, Mapping) and str(value.get("type", "")).lower() == "error":
        return str(value.get("basicType") or value.get("errorType") or value.get("value") or "#VALUE!")
    return None


# -- numbers written as text --------------------------------------------------------------
class NumberTextError(ValueError):
    """Text that is not one unambiguous number; ``problem`` and ``fix`` say why and what to do."""

    def __init__(self, problem: str, fix: str):
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}")


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})
_PLAIN_EXP = re.compile(r"^(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_BODY = re.compile(r"^[\d., ]+$")


def _grouped(integer: str, sep: str) -> bool:
    groups = integer.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]) and all(g.isdigit() for g in groups)


def _show_number(text_: str) -> str:
    f = float(text_)
    return str(int(f)) if f == int(f) and "." not in text_ else text_


def parse_number_text(value: str) -> tuple[float, bool]:
    """Read one number written as text; return ``(number, was_percent)``.

    Accepted: an optional sign, digits with the dot as decimal mark, thousands grouped in
    threes by spaces, commas or dots where only one reading exists, a trailing ``%``
    (the number is divided by 100), and plain exponent notation. Refused, naming the
    readings: a lone comma (``1,5``, ``33000,5``: decimal or thousands?), a lone dot
    followed by exactly three digits (``1.234``: 1.234 or 1234?), bad grouping, Excel
    error values, and anything else that is not a number.

    Raises
    ------
    NumberTextError

    Examples
    --------
    >>> [parse_number_text(t)[0] for t in ["1,234,567", "1.234.567", "1 234", "1,234.5", "1.234,5", "-0.125", "2.5e5"]]
    [1234567.0, 1234567.0, 1234.0, 1234.5, 1234.5, -0.125, 250000.0]
    >>> parse_number_text("40%")
    (0.4, True)
    >>> parse_number_text("1,5")
    Traceback (most recent call last):
    ...
    alfa_xl.validation.NumberTextError: ambiguous number: 1.5 or 15?; write 1.5 for a decimal (dot as decimal mark) or 15 without separators
    """
    s = value.translate(_SPACES).strip()
    if s.upper() in EXCEL_ERRORS:
        raise NumberTextError(f"Excel error value {s.upper()}", "correct the cell it comes from")
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    sign = ""
    if s and s[0] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:].strip()
    not_a_number = NumberTextError("not a number", "type digits, with a dot as decimal mark (for example 1234.5)")
    if _PLAIN_EXP.match(s):
        number_ = float(sign + s)
        return (number_ / 100 if percent else number_), percent
    if not s or not _BODY.match(s) or not any(c.isdigit() for c in s):
        raise not_a_number
    s = re.sub(r" +", " ", s)
    spaced = " " in s
    marks = [c for c in s if c in ",."]
    kinds = set(marks)
    decimal: str | None = None
    thousands: str | None = " " if spaced else None
    if len(kinds) == 2:
        decimal = s[max(s.rfind(","), s.rfind("."))]
        if spaced or marks.count(decimal) != 1:
            raise NumberTextError("mixed separators", "write the number without thousands separators, with a dot for decimals")
        thousands = "," if decimal == "." else "."
    elif len(kinds) == 1:
        mark = marks[0]
        if spaced:
            if len(marks) > 1:
                raise NumberTextError("mixed separators", "write the number without thousands separators, with a dot for decimals")
            decimal = mark
        elif len(marks) > 1:
            thousands = mark
        else:
            integer, _, fraction = s.partition(mark)
            groupable = len(fraction) == 3 and fraction.isdigit() and _grouped(integer, mark) and not integer.startswith("0")
            if mark == "," and groupable:
                thousands = ","
            elif mark == "." and not groupable:
                decimal = "."
            else:
                reading = f"{integer or '0'}.{fraction}"
                as_decimal = reading + ("0" if mark == "." else "")  # 1.2340 cannot be a grouping
                as_whole = integer + fraction
                raise NumberTextError(
                    f"ambiguous number: {reading} or {_show_number(as_whole)}?",
                    f"write {as_decimal} for a decimal (dot as decimal mark) or {_show_number(as_whole)} without separators",
                )
    integer, _, fraction = s.partition(decimal) if decimal else (s, "", "")
    if thousands and thousands in integer and not _grouped(integer, thousands):
        raise NumberTextError("thousands not grouped in threes", "group thousands in threes (1,234,567) or leave the separators out")
    if thousands:
        integer = integer.replace(thousands, "")
    if (integer and not integer.isdigit()) or (fraction and not fraction.isdigit()) or not (integer or fraction):
        raise not_a_number
    number_ = float(f"{sign}{integer or '0'}.{fraction or '0'}")
    return (number_ / 100 if percent else number_), percent


# -- numbers ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=512)
def _limit(kind: str, lo: float | None, hi: float | None, fix: str | None) -> Limit:
    base = LIMITS[kind]
    if lo is None and hi is None and fix is None:
        return base
    return Limit(
        base.lo if lo is None else lo, base.hi if hi is None else hi, fix or base.fix,
        base.whole, base.percent, base.above,
    )


def number(
    value: Any,
    field: str,
    kind: str = "number",
    *,
    lo: float | None = None,
    hi: float | None = None,
    fix: str | None = None,
    error: type[AlfaInputError] = AlfaInputError,
    default: Any = None,
) -> float:
    """A finite number of ``kind`` (a key of :data:`LIMITS`) from a value or its text.

    Parameters
    ----------
    value : object
        A number (``int``, ``float``, NumPy scalar) or text read by
        :func:`parse_number_text`. Booleans, dates and Excel error values are refused.
    field : str
        Shown first in the message (``"peak_units of 'Junior'"``).
    kind : str
        Which bounds apply (``"units"``, ``"share"``, ...). ``lo``/``hi``/``fix`` override
        them for a one-off field.
    error : AlfaInputError subclass
        The exception raised (``LineupError``, ``ScenarioError``, ...).
    default : optional
        Returned for a blank value; without it a blank is an error ("missing").

    >>> number("1 250", "peak_units", "units"), number(0, "delay", "delay_years")
    (1250.0, 0.0)
    """
    limit = _limit(kind, lo, hi, fix)
    if type(value) is float or type(value) is int:  # fast path: a plain number within bounds
        if math.isfinite(value) and (limit.lo < value if limit.above else limit.lo <= value) and value <= limit.hi \
                and (not limit.whole or value == int(value)):
            return float(value)
    instruction = limit.instruction()
    if is_blank(value):
        if default is not None:
            return default
        raise error(field, value, instruction, "missing")
    err = excel_error(value)
    if err:
        raise error(field, err, "correct the cell it comes from, or leave it empty", f"Excel error value {err}")
    if isinstance(value, bool):
        raise error(field, value, instruction, "not a number")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise error(field, value, instruction, "a date is not a number here")
    if isinstance(value, str):
        try:
            result, percent = parse_number_text(value)
        except NumberTextError as exc:  # the field's own instruction unless the format is the problem
            raise error(field, value, instruction if exc.problem == "not a number" else exc.fix, exc.problem) from None
        if percent and not limit.percent:
            raise error(field, value, instruction, "a percentage is not accepted here")
    elif isinstance(value, numbers.Real):
        result = float(value)
    else:
        raise error(field, value, instruction, "not a number")
    if not math.isfinite(result):
        raise error(field, value, instruction, "not a finite number")
    if not (limit.lo < result if limit.above else limit.lo <= result) or result > limit.hi:
        raise error(field, value, instruction, limit.describe())
    if limit.whole and result != int(result):
        raise error(field, value, instruction, "not a whole number")
    return result


def whole(value: Any, field: str, kind: str = "number", **kwargs: Any) -> int:
    """A whole number (``int``): :func:`number` plus ``2030.0`` -> ``2030``; ``2.5`` refused.

    >>> whole("10,000", "paths", "paths")
    10000
    """
    if is_blank(value) and kwargs.get("default") is not None:
        return int(kwargs["default"])
    result = number(value, field, kind, **kwargs)
    if result != int(result):
        limit = _limit(kind, kwargs.get("lo"), kwargs.get("hi"), kwargs.get("fix"))
        raise kwargs.get("error", AlfaInputError)(field, value, limit.instruction(), "not a whole number")
    return int(result)


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})([T ].*)?$")


def excel_serial_year(serial: float) -> int:
    """The calendar year of an Excel date serial number (1900 date system).

    >>> excel_serial_year(47484), excel_serial_year(47483.99)
    (2030, 2029)
    """
    return (_EXCEL_EPOCH + dt.timedelta(days=float(serial))).year


def _serial_range(lo: float, hi: float) -> tuple[float, float]:
    first = (dt.datetime(int(lo), 1, 1) - _EXCEL_EPOCH).days
    last = (dt.datetime(int(hi), 12, 31) - _EXCEL_EPOCH).days + 1
    return first, last


def year(value: Any, field: str, kind: str = "projection_year", *, error: type[AlfaInputError] = AlfaInputError,
         default: int | None = None, lo: float | None = None, hi: float | None = None) -> int:
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
        first, last = _serial_range(limit.lo, limit.hi)
        if first <= value < last:
            value = excel_serial_year(value)
    return int(number(value, field, kind, lo=limit.lo, hi=limit.hi, error=error))


def share(value: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, fix: str | None = None) -> float:
    """A share from 0 to 1; ``"45%"`` gives 0.45.

    >>> share("45%", "plateau"), share(0, "plateau")
    (0.45, 0.0)
    """
    return number(value, field, "share", error=error, fix=fix)


def positive(value: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, fix: str | None = None) -> float:
    """A finite number above 0 (a target, a current volume).

    >>> positive("400,000", "target")
    400000.0
    """
    return number(value, field, "positive", error=error, fix=fix)


def paths(value: Any, *, field: str = "paths", error: type[AlfaInputError] = AlfaInputError) -> int:
    """A number of Monte Carlo paths: a whole number within ``LIMITS["paths"]``.

    >>> paths(2000.0)
    2000
    """
    return whole(value, field, "paths", error=error)


def seed(value: Any, default: int, *, field: str = "seed", error: type[AlfaInputError] = AlfaInputError) -> int:
    """A random seed: a whole number from 0 to 2**63 - 1; ``None`` gives ``default``.

    >>> seed(None, 7), seed(12.0, 7)
    (7, 12)
    """
    if value is None:
        return int(default)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if 0 <= int(value) <= LIMITS["seed"].hi:
            return int(value)
        raise error(field, value, LIMITS["seed"].instruction(), "outside 0 to 2**63 - 1")
    result = whole(value, field, "seed", error=error)
    if result > 2**63 - 1:  # 2.0**63 equals the float bound
        raise error(field, value, LIMITS["seed"].instruction(), "outside 0 to 2**63 - 1")
    return result


def horizon(start: Any, end: Any, *, error: type[AlfaInputError] = HorizonError) -> tuple[int, int]:
    """Validate a projection's first and last year (``LIMITS["projection_year"]``, end on or
    after start).

    >>> horizon(2026, "2030")
    (2026, 2030)
    """
    s = year(start, "start_year", error=error)
    e = year(end, "end_year", error=error)
    if e < s:
        raise error("end_year", e, f"give an end year on or after the start year {s}", "before the start year")
    return s, e


_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})


def flag(value: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, default: bool | None = None) -> bool:
    """A yes/no value: ``True``/``False``, 1/0, or text such as ``yes``, ``FALSE``, ``off``.

    >>> flag("Yes", "use_announced_dates"), flag(0, "use_announced_dates")
    (True, False)
    """
    if isinstance(value, bool):
        return value
    if is_blank(value):
        if default is not None:
            return default
        raise error(field, value, "use TRUE or FALSE", "missing")
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise error(field, value, "use TRUE or FALSE", "not a yes/no value")


def text(value: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, default: str | None = None) -> str:
    """Stripped text with inner runs of spaces collapsed; whole numbers shown without ``.0``.

    Blank gives ``default`` (an error without one); booleans, dates and Excel error values
    are refused.

    >>> text("  Tonale   successor ", "model"), text(156.0, "model")
    ('Tonale successor', '156')
    """
    if is_blank(value):
        if default is not None:
            return default
        raise error(field, value, f"fill in {field}", "missing")
    err = excel_error(value)
    if err:
        raise error(field, err, "correct the cell it comes from", f"Excel error value {err}")
    if isinstance(value, bool) or isinstance(value, (dt.datetime, dt.date)):
        raise error(field, value, f"give {field} as text", "not text")
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    return " ".join(str(value).split())


def name(value: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError,
         reserved: Iterable[str] = RESERVED_NAMES, what: str = "name") -> str:
    """A name for a model or scenario: non-empty text that is not one of the outputs'
    structural words (:data:`RESERVED_NAMES`: ``Year``, ``Total``, ...).

    >>> name(" Junior ", "model")
    'Junior'
    >>> name("TOTAL", "model", what="model name")
    Traceback (most recent call last):
    ...
    alfa_xl.errors.AlfaInputError: model: reserved model name (got 'TOTAL'); rename it (for example 'TOTAL 2'): Total, Year and the other output column names cannot name a model
    """
    result = text(value, field, error=error, default="")
    if not result:
        raise error(field, value, f"give every {what.split()[0]} a non-empty name", "missing name")
    key = result.casefold()
    if key in (_RESERVED_KEYS if reserved is RESERVED_NAMES else {r.casefold() for r in reserved}):
        kind = what.split()[0]
        raise error(
            field, result, f"rename it (for example '{result} 2'): Total, Year and the other output column names cannot name a {kind}",
            f"reserved {what}",
        )
    return result


def existing_file(path: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, what: str = "a CSV file") -> Path:
    """The path of an existing regular file (``~`` expanded).

    >>> existing_file("/no/such/file.csv", "lineup file")
    Traceback (most recent call last):
    ...
    alfa_xl.errors.AlfaInputError: lineup file: not found (got '/no/such/file.csv'); give the path of an existing CSV file
    """
    p = Path(str(path)).expanduser()
    if not p.is_file():
        problem = "a folder, not a file" if p.is_dir() else "not found"
        raise error(field, str(path), f"give the path of an existing {what.removeprefix('a ').removeprefix('an ')}", problem)
    return p

