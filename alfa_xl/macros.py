"""The workbook macros, under the module name RunPython lines call.

A button's VBA runs ``RunPython "import alfa_xl.macros; alfa_xl.macros.refresh_scenarios()"``;
the macros live in :mod:`alfa_xl.excel.macros`. This module only re-exports them.
"""

from alfa_xl.excel.macros import *  # noqa: F403
from alfa_xl.excel.macros import __all__  # noqa: F401
