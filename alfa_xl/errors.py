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
    """

    def __init__(self, field: str, value: object, fix: str, problem: str = "invalid value"):
        self.field = field
        self.value = value
        self.fix = fix
        self.problem = problem
        super().__init__(f"{field}: {problem} (got {value!r}); {fix}")


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
