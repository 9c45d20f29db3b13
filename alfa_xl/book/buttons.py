"""The workbook's buttons and the Python module their VBA macro imports.

Everything the buttons depend on is here: the VBA macro each button runs, its caption and
size, and the text of the module written beside the workbook (``alfa_outlook.py``). The
VBA project itself is ``alfa_xl/book/data/vbaProject.bin``, made by :mod:`alfa_xl.book.vba`
(see ``docs/excel.md``).
"""

from __future__ import annotations

from typing import Any

from alfa_xl.book.vba import MACROS

__all__ = ["MACRO_REFRESH", "MACRO_REFRESH_ONE", "MACRO_CLEAR", "MACRO_IMPORT", "REFRESH_CAPTION", "REFRESH_ONE_CAPTION",
           "CLEAR_CAPTION", "IMPORT_CAPTION", "MODULE_SOURCE", "insert_refresh_button", "insert_refresh_one_button",
           "insert_clear_button", "insert_import_button"]

#: VBA macros of the buttons (alfa_xl/book/vba.py writes them into the VBA project): the
#: three refreshes run ``alfa_xl.macros`` through RunPython, Import functions runs
#: xlwings' ``ImportPythonUDFs``.
MACRO_REFRESH, MACRO_REFRESH_ONE, MACRO_CLEAR, MACRO_IMPORT = MACROS
REFRESH_CAPTION = "Refresh scenarios and risk"
REFRESH_ONE_CAPTION = "Refresh in_scenario only"
CLEAR_CAPTION = "Clear scenario tables"
IMPORT_CAPTION = "Import functions"

#: The module written beside the workbook, for running the refresh from a terminal.
MODULE_SOURCE = '''"""Run the refresh of alfa_outlook.xlsm from a terminal, with the workbook open in Excel.

The workbook's buttons call alfa_xl.macros directly (VBA macros RefreshScenarios,
RefreshScenario, ClearScenarios, each one RunPython line); this module does the same for
the open workbook: ``python alfa_outlook.py``.
"""

import xlwings as xw

import alfa_xl.macros


def main():
    """Refresh the Scenarios and Risk sheets from the Inputs sheet of the calling workbook."""
    alfa_xl.macros.refresh_scenarios()


if __name__ == "__main__":
    xw.Book("alfa_outlook.xlsm").set_mock_caller()
    main()
'''


def insert_refresh_button(ws: Any, row: int, col: int, height: int = 28, **offsets: int) -> None:
    """The Refresh button at ``(row, col)`` of worksheet ``ws`` (``x_offset``/``y_offset`` in pixels)."""
    ws.insert_button(row, col, {"macro": MACRO_REFRESH, "caption": REFRESH_CAPTION, "width": 170, "height": height, **offsets})


def insert_import_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The Import functions button at ``(row, col)`` of worksheet ``ws``."""
    ws.insert_button(row, col, {"macro": MACRO_IMPORT, "caption": IMPORT_CAPTION, "width": 150, "height": 28, **offsets})


def insert_refresh_one_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The button that refreshes only the scenario in ``in_scenario``."""
    ws.insert_button(row, col, {"macro": MACRO_REFRESH_ONE, "caption": REFRESH_ONE_CAPTION, "width": 150, "height": 28, **offsets})


def insert_clear_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The button that clears the scenario tables."""
    ws.insert_button(row, col, {"macro": MACRO_CLEAR, "caption": CLEAR_CAPTION, "width": 150, "height": 28, **offsets})
