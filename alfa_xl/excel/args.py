"""Excel-shaped arguments in, clean cell values out: the one import of every ALFA_ function.

This module only re-exports; each job lives in its own module:

=========================================  ============================================
:mod:`alfa_xl.excel.cells`                 blanks, Excel error values, one value out of
                                           a range, a range as rows
:mod:`alfa_xl.excel.readers`               ``number``, ``whole``, ``year``, ``text``,
                                           ``choice``
:mod:`alfa_xl.excel.ranges`                ``scenario``, ``lineup`` (memoised on typed
                                           cells)
:mod:`alfa_xl.excel.messages`              ``ArgumentError``, ``error_text``,
                                           ``excel_function``
:mod:`alfa_xl.excel.log`                   the traceback of an unexpected failure
:mod:`alfa_xl.excel.registration`          ``xlwings_decorators``, ``CATEGORY``,
                                           ``wizard_help``
:mod:`alfa_xl.excel.results`               ``clean_result``, ``frame_grid``, the result
                                           cache
=========================================  ============================================

None of them imports xlwings, so any worksheet-function module can use them.

Writing a worksheet function
----------------------------
::

    from alfa_xl.excel import args as xa

    xw = xa.xlwings_decorators()

    @xa.wizard_help                         # outermost: Wizard help, err_to_str on every argument
    @xw.func(category=xa.CATEGORY)
    @xw.arg("year", doc="Calendar year, e.g. 2030.")
    @xa.excel_function                      # innermost: errors become "#VALUE! ..." text
    def alfa_something(year, scenario=None):
        \"\"\"First sentence: Function Wizard help.\"\"\"
        y = xa.year(year, "year", default=2030)
        sc = xa.scenario(scenario)          # Scenario (built-in name or parameter range)
        return xa.cached(("ALFA_SOMETHING", y, sc), lambda: compute(y, sc))

Rules every reader follows: only ``None`` and empty text are blank (``0`` is a number);
an Excel error value in an argument or inside a range is reported by name; a date gives
its year in a year argument, whether it arrives as a date or as a serial number.
"""

from __future__ import annotations

from alfa_xl.excel.cells import EXCEL_ERRORS, error_in, excel_error, grid, is_blank, scalar
from alfa_xl.excel.messages import ArgumentError, error_text, excel_function
from alfa_xl.excel.ranges import lineup, scenario
from alfa_xl.excel.readers import YEAR_MAX, YEAR_MIN, choice, number, serial_year, text, whole, year
from alfa_xl.excel.registration import CATEGORY, summary, wizard_help, xlwings_decorators
from alfa_xl.excel.results import CACHE, ResultCache, cached, clean_result, clean_value, frame_grid

__all__ = [
    "ArgumentError",
    "EXCEL_ERRORS",
    "excel_error",
    "error_in",
    "is_blank",
    "scalar",
    "number",
    "whole",
    "year",
    "serial_year",
    "text",
    "choice",
    "grid",
    "scenario",
    "lineup",
    "excel_function",
    "error_text",
    "summary",
    "wizard_help",
    "xlwings_decorators",
    "CATEGORY",
    "clean_value",
    "clean_result",
    "frame_grid",
    "ResultCache",
    "CACHE",
    "cached",
    "cache_clear",
    "cache_info",
    "YEAR_MIN",
    "YEAR_MAX",
]


def cache_clear() -> None:
    """Empty the shared result cache and the parsed scenario and lineup ranges."""
    from alfa_xl.excel import ranges

    CACHE.clear()
    ranges.clear()


def cache_info() -> dict[str, int]:
    """Hits, misses, size and capacity of the shared result cache."""
    return CACHE.info()
