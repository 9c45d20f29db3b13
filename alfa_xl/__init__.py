"""alfa-xl: project Alfa Romeo's yearly sales and measure the gap to 400,000 a year.

The engine (this package minus ``udfs``, ``macros`` and the workbook tools) is pure
pandas/NumPy and never imports xlwings. Typical use::

    >>> import alfa_xl as ax
    >>> p = ax.project(scenario="base", end_year=2030)
    >>> int(p.years[0]), int(p.years[-1])
    (2026, 2030)
"""

from importlib.metadata import PackageNotFoundError, version

from alfa_xl.model.curve import lifecycle_share
from alfa_xl.errors import AlfaInputError, HorizonError, LineupError, ScenarioError, UnknownModelError, UnknownScenarioError
from alfa_xl.model.gap import (
    DEFAULT_TARGET,
    cagr,
    first_year_at_target,
    gap_table,
    required_extra_launches,
    required_peak_multiplier,
    years_to_target,
)
from alfa_xl.model.lineup import REGIONS, Lineup, Model, default_lineup, load_lineup
from alfa_xl.model.projection import Projection, default_horizon, project
from alfa_xl.model.scenarios import BUILTIN, Scenario, get_scenario, load_scenario, scenario_names
from alfa_xl.model.sources import facts, history, latest_actual

try:
    __version__ = version("alfa-xl")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "AlfaInputError", "HorizonError", "LineupError", "ScenarioError", "UnknownModelError", "UnknownScenarioError",
    "DEFAULT_TARGET", "cagr", "first_year_at_target", "gap_table", "required_extra_launches",
    "required_peak_multiplier", "years_to_target", "REGIONS", "Lineup", "Model", "default_lineup",
    "load_lineup", "Projection", "default_horizon", "project", "BUILTIN", "Scenario", "get_scenario",
    "load_scenario", "scenario_names", "facts", "history", "latest_actual", "lifecycle_share",
    "__version__",
]
