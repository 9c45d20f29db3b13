"""Named exceptions raised by the engine.

Every error says which field is wrong, what value was given and how to fix it, so that
the command line and the Excel adapters can show it as one line without a traceback.
"""

from __future__ import annotations

__all__ = [
    "AlfaInputError",
    "LineupError",
    "ScenarioError",
    "UnknownScenarioError",
    "UnknownModelError",
    "HorizonError",
    "MissingExtraError",
    "SimulationError",
    "shown_value",
]


class AlfaInputError(ValueError):
    """An input that the engine cannot use.

    Parameters
    ----------
    field : str
        The argument, column or parameter that is wrong (``"peak_units"``).
    value : object
        The value that was given.
    fix : str
        What the user should do instead, written as an instruction.
    problem : str, optional
        What is wrong with the value; defaults to ``"invalid value"``.

    Examples
    --------
    >>> str(AlfaInputError("peak_units of 'Junior'", -5, "give yearly units of 0 or more", "negative"))
    "peak_units of 'Junior': negative (got -5); give yearly units of 0 or more"

    Nothing given (``None``) adds no ``(got ...)``; a long value is shown by its two ends:

    >>> str(AlfaInputError("ytd_months", None, "give the months too", "missing"))
    'ytd_months: missing; give the months too'
    >>> str(AlfaInputError("scenario", "x" * 500, "...", "unknown"))  # 40 + 3 + 21 of the 502 of its repr
    "scenario: unknown (got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxx' (500 characters)); ..."
    """

    def __init__(self, field: str, value: object, fix: str, problem: str = "invalid value"):
        self.field = field
        self.value = value
        self.fix = fix
        self.problem = problem
        got = "" if value is None else f" (got {shown_value(value)})"
        super().__init__(f"{field}: {problem}{got}; {fix}")


#: The longest value an error message repeats, in characters (assumption: enough to
#: recognise what was typed; the message must stay one readable line).
SHOWN_VALUE = 64


def shown_value(value: object) -> str:
    """``repr(value)``, its middle left out when longer than :data:`SHOWN_VALUE`; a whole
    number held as a float is shown as the user typed it (``400000``, not ``400000.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
    if len(text) <= SHOWN_VALUE:
        return text
    head = SHOWN_VALUE * 5 // 8
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:head]}...{text[-(SHOWN_VALUE - head - 3) :]} ({size:,} characters)"


class LineupError(AlfaInputError):
    """A model lineup (table of models) that fails validation."""


class ScenarioError(AlfaInputError):
    """A scenario definition that fails validation."""


class UnknownScenarioError(ScenarioError):
    """A scenario name that is not built in."""


class UnknownModelError(ScenarioError):
    """A scenario refers to a model that the lineup does not contain."""


class HorizonError(AlfaInputError):
    """A start or end year outside the supported range, or an end before the start."""


class MissingExtraError(AlfaInputError):
    """An optional feature asked for whose extra dependency is not installed
    (for example a chart without matplotlib)."""


class SimulationError(AlfaInputError):
    """A Monte Carlo setting that cannot be used: number of paths, seed, percentiles,
    target or an uncertainty parameter."""
