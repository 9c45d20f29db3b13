"""The error a worksheet function raises for an argument it cannot use.

Its own module so that :mod:`alfa_xl.excel.cells` (which raises it) and
:mod:`alfa_xl.excel.messages` (which turns it into the cell's line of text) both import it
without importing each other.
"""

from __future__ import annotations

from typing import Any

from alfa_xl.errors import AlfaInputError

__all__ = ["ArgumentError", "error_value"]

_ERROR_FIX = "correct the cell it comes from or the formula feeding it (an Excel error is not a value)"


class ArgumentError(AlfaInputError):
    """A worksheet argument the function cannot use.

    Parameters
    ----------
    argument : str
        The worksheet function's argument (``"start_year"``).
    value : object
        What Excel sent.
    fix : str
        What to type instead, as an instruction.
    problem : str
        What is wrong with the value.
    detail : str, optional
        The part of the argument that is wrong (a parameter row of a scenario range,
        a column of a lineup table).
    """

    def __init__(
        self, argument: str, value: object, fix: str, problem: str = "invalid value", detail: str | None = None
    ):
        self.argument = argument
        self.detail = detail
        where = argument if not detail or detail == argument else f"{argument} [{detail}]"
        super().__init__(where, value, fix, problem)


def error_value(arg: str, value: Any, error: str) -> ArgumentError:
    """The :class:`ArgumentError` for an Excel error value in ``arg``."""
    if isinstance(value, (list, tuple)):
        return ArgumentError(arg, value, _ERROR_FIX, f"Excel error value {error} inside the range")
    return ArgumentError(arg, error, _ERROR_FIX, f"Excel error value {error}")
