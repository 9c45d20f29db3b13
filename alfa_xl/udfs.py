"""The worksheet functions, under the module name Excel users type.

Workbooks set *UDF Modules* to ``alfa_xl.udfs`` (classic add-in) or write
``from alfa_xl.udfs import *`` in xlwings Lite's ``main.py``; the functions themselves live
in :mod:`alfa_xl.excel.functions`. This module only re-exports them, so both names stay
valid.
"""

from alfa_xl.excel.functions import *  # noqa: F403
from alfa_xl.excel.functions import __all__  # noqa: F401
