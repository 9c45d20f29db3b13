"""The workbook's buttons and the Python module their VBA macro imports.

Everything the buttons depend on is here: the VBA macro each button runs, its caption and
size, and the text of the module written beside the workbook (``alfa_outlook.py``). The
VBA project itself is ``alfa_xl/book/data/vbaProject.bin`` (see ``docs/workbook.md``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MACRO_REFRESH", "MACRO_IMPORT", "REFRESH_CAPTION", "IMPORT_CAPTION", "MODULE_SOURCE",
           "insert_refresh_button", "insert_import_button"]

#: VBA macro of the Refresh button (name as shipped by xlwings' standalone quickstart):
#: it imports the module named like the workbook and calls its ``main()``.
MACRO_REFRESH = "SampleCall"
#: VBA macro of the Import functions button (xlwings' ``ImportPythonUDFs``).
MACRO_IMPORT = "ImportPythonUDFs"
REFRESH_CAPTION = "Refresh scenarios and risk"
IMPORT_CAPTION = "Import functions"

#: The module written beside the workbook; ``SampleCall`` imports it and calls ``main()``.
MODULE_SOURCE = '''"""Macros of alfa_outlook.xlsm (xlwings quickstart convention).

The button "Refresh scenarios and risk" runs the VBA macro ``SampleCall``, which imports
this module (named like the workbook) and calls :func:`main`. Run it from a terminal with the
workbook open in Excel: ``python alfa_outlook.py``.
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
