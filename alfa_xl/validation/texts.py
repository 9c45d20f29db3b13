"""Yes/no flags, text, model and scenario names, file paths, and the three ways a typed
name is normalised (:func:`squash` to show it, :func:`name_key` to compare model names,
:func:`identifier` for a column, option, parameter or scenario word)."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alfa_xl.errors import AlfaInputError
from alfa_xl.validation.limits import _RESERVED_KEYS, RESERVED_NAMES, excel_error, is_blank


def squash(value: Any) -> str:
    """Text as a name is shown: the ends stripped, every run of white space one space.

    >>> squash("  Tonale \t successor ")
    'Tonale successor'
    """
    return " ".join(str(value).split())


def name_key(value: Any) -> str:
    """How two model names are compared: squashed and case-folded.

    >>> name_key(" tonale  SUCCESSOR") == name_key("Tonale successor")
    True
    """
    return squash(value).casefold()


def identifier(value: Any, *, dashes: bool = False) -> str:
    """A typed word for a column, option, parameter or scenario: lower case, each run of
    white space (and with ``dashes``, each hyphen) one underscore.

    >>> identifier(" Peak  Units"), identifier("Track-Record", dashes=True)
    ('peak_units', 'track_record')
    """
    text = str(value).lower()
    return "_".join((text.replace("-", " ") if dashes else text).split())


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
    if isinstance(value, (bool, dt.datetime, dt.date)):
        raise error(field, value, f"give {field} as text", "not text")
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    return squash(value)


def name(
    value: Any,
    field: str,
    *,
    error: type[AlfaInputError] = AlfaInputError,
    reserved: Iterable[str] = RESERVED_NAMES,
    what: str = "name",
) -> str:
    """A name for a model or scenario: non-empty text that is not one of the outputs'
    structural words (:data:`RESERVED_NAMES`: ``Year``, ``Total``, ...).

    >>> name(" Junior ", "model")
    'Junior'
    >>> name("TOTAL", "model", what="model name")
    Traceback (most recent call last):
    ...
    alfa_xl.errors.AlfaInputError: model: reserved model name (got 'TOTAL'); rename it (for example
    'TOTAL 2'): Total, Year and the other output column names cannot name a model
    """
    result = text(value, field, error=error, default="")
    if not result:
        raise error(field, value, f"give every {what.split()[0]} a non-empty name", "missing name")
    key = result.casefold()
    if key in (_RESERVED_KEYS if reserved is RESERVED_NAMES else {r.casefold() for r in reserved}):
        kind = what.split()[0]
        raise error(
            field,
            result,
            f"rename it (for example '{result} 2'): Total, Year and the other output column names cannot name a {kind}",
            f"reserved {what}",
        )
    return result


def existing_file(
    path: Any, field: str, *, error: type[AlfaInputError] = AlfaInputError, what: str = "a CSV file"
) -> Path:
    """The path of an existing regular file (``~`` expanded).

    >>> existing_file("/no/such/file.csv", "lineup file")
    Traceback (most recent call last):
    ...
    alfa_xl.errors.AlfaInputError: lineup file: not found (got '/no/such/file.csv'); give the path of
    an existing CSV file
    """
    p = Path(str(path)).expanduser()
    if not p.is_file():
        problem = "a folder, not a file" if p.is_dir() else "not found"
        raise error(
            field, str(path), f"give the path of an existing {what.removeprefix('a ').removeprefix('an ')}", problem
        )
    return p
