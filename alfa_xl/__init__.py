"""alfa-xl: project Alfa Romeo's yearly sales and measure the gap to 400,000 a year.

The engine (this package minus ``udfs``, ``macros`` and the workbook tools) is pure
pandas/NumPy and never imports xlwings. Typical use::

    >>> import alfa_xl as ax
    >>> p = ax.project(scenario="base", end_year=2030)
    >>> int(p.years[0]), int(p.years[-1])
    (2026, 2030)
"""

# No import at all at the top (not even ``from __future__``, which imports a module): the
# console command's Ctrl-C handler (alfa_xl.entry) is installed right after this runs.

#: Where each public name lives. The names are imported on first use (PEP 562), so that
#: ``import alfa_xl.entry`` (the console command) does not load pandas before it can
#: answer a Ctrl-C with one line.
_EXPORTS = {
    "lifecycle_share": "alfa_xl.model.engine.curve",
    **dict.fromkeys(
        ["AlfaInputError", "HorizonError", "LineupError", "ScenarioError", "UnknownModelError", "UnknownScenarioError"],
        "alfa_xl.errors",
    ),
    **dict.fromkeys(
        [
            "DEFAULT_TARGET",
            "cagr",
            "first_year_at_target",
            "gap_table",
            "required_extra_launches",
            "required_peak_multiplier",
            "years_to_target",
        ],
        "alfa_xl.model.engine.gap",
    ),
    **dict.fromkeys(["REGIONS", "Lineup", "Model", "default_lineup", "load_lineup"], "alfa_xl.model.engine.lineup"),
    **dict.fromkeys(["Projection", "default_horizon", "project"], "alfa_xl.model.engine.projection"),
    **dict.fromkeys(
        ["BUILTIN", "Scenario", "get_scenario", "load_scenario", "scenario_names"], "alfa_xl.model.engine.scenarios"
    ),
    **dict.fromkeys(["facts", "history", "latest_actual"], "alfa_xl.model.data.sources"),
    "Uncertainty": "alfa_xl.model.risk.uncertainty",
    "simulate": "alfa_xl.model.risk.simulate",
    "tornado": "alfa_xl.model.risk.tornado",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alfa-xl")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"


def __getattr__(name: str):
    import importlib

    if name == "__version__":
        value = _version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        try:  # a subpackage used as an attribute (alfa_xl.model) without importing it first
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


#: The public names: every name of :data:`_EXPORTS` (written there once, with its module) and the version.
__all__ = [*_EXPORTS, "__version__"]
