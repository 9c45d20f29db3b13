"""Backtests on Alfa Romeo's past plans, under a short public name.

``from alfa_xl import backtest`` then ``backtest.replay(2018)`` or
``backtest.DECISION_POINTS``; the code lives in :mod:`alfa_xl.model.evidence.replay`.
"""

from alfa_xl.model.evidence.replay import *  # noqa: F403
from alfa_xl.model.evidence.replay import __all__  # noqa: F401
