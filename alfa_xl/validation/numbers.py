"""Numbers: from a value or its text, checked against a kind's limits."""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import re
from typing import Any

from alfa_xl.errors import AlfaInputError
from alfa_xl.validation.limits import EXCEL_ERRORS, LIMITS, Limit, excel_error, is_blank


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
    alfa_xl.validation.numbers.NumberTextError: ambiguous number: 1.5 or 15?; write 1.5 for a decimal
    (dot as decimal mark) or 15 without separators
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
            raise NumberTextError(
                "mixed separators", "write the number without thousands separators, with a dot for decimals"
            )
        thousands = "," if decimal == "." else "."
    elif len(kinds) == 1:
        mark = marks[0]
        if spaced:
            if len(marks) > 1:
                raise NumberTextError(
                    "mixed separators", "write the number without thousands separators, with a dot for decimals"
                )
            decimal = mark
        elif len(marks) > 1:
            thousands = mark
        else:
            integer, _, fraction = s.partition(mark)
            groupable = (
                len(fraction) == 3 and fraction.isdigit() and _grouped(integer, mark) and not integer.startswith("0")
            )
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
                    f"write {as_decimal} for a decimal (dot as decimal mark) or {_show_number(as_whole)} "
                    "without separators",
                )
    integer, _, fraction = s.partition(decimal) if decimal else (s, "", "")
    if thousands and thousands in integer and not _grouped(integer, thousands):
        raise NumberTextError(
            "thousands not grouped in threes", "group thousands in threes (1,234,567) or leave the separators out"
        )
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
        base.lo if lo is None else lo,
        base.hi if hi is None else hi,
        fix or base.fix,
        base.whole,
        base.percent,
        base.above,
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
    if (
        (type(value) is float or type(value) is int)  # fast path: a plain number within bounds
        and math.isfinite(value)
        and (limit.lo < value if limit.above else limit.lo <= value)
        and value <= limit.hi
        and (not limit.whole or value == int(value))
    ):
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
        raise error(field, value, LIMITS["seed"].instruction(), _SEED_RANGE)
    result = whole(value, field, "seed", error=error)
    if result > 2**63 - 1:  # 2.0**63 equals the float bound
        raise error(field, value, LIMITS["seed"].instruction(), _SEED_RANGE)
    return result


#: The seeds NumPy's generator takes, written out for a person (2**63 - 1 is the largest).
_SEED_RANGE = f"outside 0 to {2**63 - 1:,}"
