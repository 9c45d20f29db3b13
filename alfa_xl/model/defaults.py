"""The engine's defaults that the command line shows in its options, as plain constants.

This module imports nothing, so ``alfa-xl`` can declare its options (defaults and help
text) without loading pandas or NumPy: a refused input is answered before the engine is
imported (``docs/exits.md``). The engine modules take these values from here:
:mod:`alfa_xl.model.engine.gap` (the target), :mod:`alfa_xl.model.risk.settings` (paths
and seed) and :mod:`alfa_xl.model.engine.scenarios` (the built-in scenarios' names, checked
against its ``BUILTIN`` when it is imported).
"""

__all__ = ["DEFAULT_TARGET", "DEFAULT_PATHS", "BACKTEST_PATHS", "DEFAULT_SEED", "SCENARIO_NAMES"]

#: Marchionne's 400,000 units a year (May 2014 plan).
DEFAULT_TARGET = 400_000.0
#: Paths simulated when none is given.
DEFAULT_PATHS = 10_000
#: ASSUMPTION: paths of a backtest replay and of the calibrated forecast, which is scored the
#: way the backtests are (twice :data:`DEFAULT_PATHS`: the scores by horizon pool few
#: years, so their sampling noise is kept well below the differences they are read for).
BACKTEST_PATHS = 20_000
#: Seed used when none is given, so that a workbook recalculates to the same figures
#: (6 May 2014, the day the 400,000 plan was presented).
DEFAULT_SEED = 20140506
#: Names of the built-in scenarios, in display order (the keys of ``scenarios.BUILTIN``).
SCENARIO_NAMES: tuple[str, ...] = ("base", "bear", "bull", "plan", "track_record")
