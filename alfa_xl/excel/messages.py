"""Every failure of a worksheet function becomes one line of text for its cell.

``#VALUE! FUNCTION: argument: problem (got value); fix``. Input errors name the worksheet
argument; an Excel error value in an argument (or anywhere inside a range argument) is
named as such; anything unexpected gets a generic line, and its traceback goes to the log
(:mod:`alfa_xl.excel.log`), never to the cell.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable

from alfa_xl.errors import AlfaInputError, LineupError, ScenarioError
from alfa_xl.excel import cells
from alfa_xl.excel.argument_error import ArgumentError, error_value
from alfa_xl.excel.cells import error_in
from alfa_xl.excel.log import log_unexpected

__all__ = ["error_text", "excel_function", "MAX_MESSAGE"]

#: Longest message a cell gets (longer ones end in "...").
MAX_MESSAGE = 300


def error_text(function: str, exc: BaseException, arguments: Iterable[str] = ()) -> str:
    """One line of text for a cell: ``#VALUE! FUNCTION: argument: problem (got value); fix``.

    An :class:`AlfaInputError` raised by the engine is attributed to the worksheet
    argument it concerns (its field when that is an argument name, ``scenario`` for
    scenario errors, ``lineup`` for lineup errors). Any other exception gives a generic
    line without internals.

    >>> error_text("ALFA_TOTAL", ArgumentError("year", 1990.0, "give a year from 2000 to 2060", "too early"), ["year"])
    '#VALUE! ALFA_TOTAL: year: too early (got 1990); give a year from 2000 to 2060'
    """
    arguments = tuple(arguments)
    if isinstance(exc, ArgumentError):
        where = exc.field
    elif isinstance(exc, AlfaInputError):
        field = str(exc.field)
        if field in arguments:
            where = field
        elif isinstance(exc, ScenarioError) and "scenario" in arguments:
            where = f"scenario [{field}]"
        elif isinstance(exc, LineupError) and "lineup" in arguments:
            where = f"lineup [{field}]"
        else:
            where = field
    else:
        return (
            f"#VALUE! {function}: unexpected error ({type(exc).__name__}); check the arguments, "
            "or report this message with the log file named in the README if they look right"
        )
    message = f"#VALUE! {function}: {where}: {exc.problem} (got {cells.show(exc.value)}); {exc.fix}"
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


def excel_function(func: Callable | None = None, *, name: str | None = None):
    """Decorator for a worksheet function: exceptions become a one-line ``#VALUE!`` text.

    Place it innermost (right above ``def``), under ``@xw.func``/``@xw.arg``; the signature,
    name and docstring are kept, so xlwings registers the function as written. ``name`` is
    the Excel name used in messages (default: the Python name upper-cased). Before the
    function runs, every argument is searched for Excel error values (``#N/A``, ``#REF!``
    ... also inside ranges): the first one found is the message. Unexpected exceptions
    are logged with their traceback. The function itself should return through
    :func:`alfa_xl.excel.results.cached` or :func:`~alfa_xl.excel.results.clean_result`.
    """

    def wrap(f: Callable) -> Callable:
        excel_name = name or f.__name__.upper()
        params = tuple(inspect.signature(f).parameters)

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            try:
                for arg, value in zip(params, args):
                    t = type(value)
                    if value is None or t is float or t is int or (t is str and "#" not in value):
                        continue  # the common cells, no error possible
                    err = error_in(value)
                    if err:
                        raise error_value(arg, value, err)
                for arg, value in kwargs.items():
                    err = error_in(value)
                    if err:
                        raise error_value(arg, value, err)
                return f(*args, **kwargs)
            except Exception as exc:  # every failure becomes text in the cell
                if not isinstance(exc, AlfaInputError):
                    log_unexpected(excel_name, exc)
                return error_text(excel_name, exc, params)

        wrapper.excel_name = excel_name  # type: ignore[attr-defined]
        return wrapper

    return wrap(func) if func is not None else wrap
