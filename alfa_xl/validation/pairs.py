"""Options that only make sense together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alfa_xl.errors import AlfaInputError

__all__ = ["both_or_neither"]


def both_or_neither(
    first: Any,
    second: Any,
    fields: tuple[str, str],
    fix: str,
    *,
    problem: str = "missing",
    error: type[AlfaInputError] = AlfaInputError,
    blank: Callable[[Any], bool] = lambda value: value is None,
) -> bool:
    """``True`` when both values are given, ``False`` when neither is; one without the other
    raises ``error`` naming the missing one (``fields`` in the order of the values). The
    ``problem`` may name the other field as ``{other}``.

    >>> both_or_neither(None, None, ("ytd", "ytd_months"), "give both or neither")
    False
    >>> both_or_neither(5000.0, None, ("ytd", "ytd_months"), "give both or neither")
    Traceback (most recent call last):
    ...
    alfa_xl.errors.AlfaInputError: ytd_months: missing; give both or neither
    """
    first_blank, second_blank = blank(first), blank(second)
    if first_blank and second_blank:
        return False
    if first_blank or second_blank:
        missing, other = fields if first_blank else fields[::-1]
        raise error(missing, None, fix, problem.format(other=other))
    return True
