"""The workbook's buttons and the Python module their VBA macro imports.

Everything the buttons depend on is here: the VBA macro each button runs, its caption and
size, and the text of the module written beside the workbook (``alfa_outlook.py``). The
VBA project itself is ``alfa_xl/book/data/vbaProject.bin``, made by :mod:`alfa_xl.book.vba`
(see ``docs/excel.md``).
"""

from __future__ import annotations

from typing import Any

from alfa_xl.book.vba import MACROS

__all__ = [
    "MACRO_REFRESH",
    "MACRO_REFRESH_ONE",
    "MACRO_CLEAR",
    "MACRO_IMPORT",
    "REFRESH_CAPTION",
    "REFRESH_ONE_CAPTION",
    "CLEAR_CAPTION",
    "IMPORT_CAPTION",
    "MODULE_SOURCE",
    "insert_refresh_button",
    "insert_refresh_one_button",
    "insert_clear_button",
    "insert_import_button",
    "LITE_BUTTONS",
    "insert_lite_buttons",
]

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
    ws.insert_button(
        row, col, {"macro": MACRO_REFRESH, "caption": REFRESH_CAPTION, "width": 170, "height": height, **offsets}
    )


def insert_import_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The Import functions button at ``(row, col)`` of worksheet ``ws``."""
    ws.insert_button(
        row, col, {"macro": MACRO_IMPORT, "caption": IMPORT_CAPTION, "width": 150, "height": 28, **offsets}
    )


def insert_refresh_one_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The button that refreshes only the scenario in ``in_scenario``."""
    ws.insert_button(
        row, col, {"macro": MACRO_REFRESH_ONE, "caption": REFRESH_ONE_CAPTION, "width": 150, "height": 28, **offsets}
    )


def insert_clear_button(ws: Any, row: int, col: int, **offsets: int) -> None:
    """The button that clears the scenario tables."""
    ws.insert_button(row, col, {"macro": MACRO_CLEAR, "caption": CLEAR_CAPTION, "width": 150, "height": 28, **offsets})


#: Sheet buttons for xlwings Lite, which cannot run VBA: a shape with a hyperlink to the
#: cell behind it, bound in main.py by ``@script(button="[SHAPE]Sheet!CELL")`` (the
#: README's main.py; xlwings Lite docs, "Running a script via sheet button").
#: (script in main.py, caption)
LITE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("refresh_scenarios", "xlwings Lite: " + REFRESH_CAPTION),
    ("refresh_scenario", "xlwings Lite: " + REFRESH_ONE_CAPTION),
    ("clear_scenarios", "xlwings Lite: " + CLEAR_CAPTION),
)


def insert_lite_buttons(ws: Any, sheet: str, row: int, col: int) -> list[tuple[str, str, str]]:
    """One text box per :data:`LITE_BUTTONS` entry, one row each from ``(row, col)``, each
    linked to the cell behind it. Returns ``(script, shape name, "Sheet!CELL")`` per
    button (XlsxWriter names the shapes of a sheet "TextBox 1", "TextBox 2", ... in
    insertion order; the sheet must have no other shape or image)."""
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    out = []
    for i, (script, caption) in enumerate(LITE_BUTTONS):
        cell = xl_rowcol_to_cell(row + i, col)
        ws.insert_textbox(
            row + i,
            col,
            caption,
            {
                "width": 300,
                "height": 19,
                "url": f"internal:{quote_sheetname(sheet)}!{cell}",
                "tip": f"Runs {script} in xlwings Lite (main.py)",
                "font": {"color": "#1F3864", "size": 9},
                "fill": {"color": "#DDEBF7"},
                "line": {"color": "#1F3864"},
                "align": {"vertical": "middle"},
            },
        )
        out.append((script, f"TextBox {i + 1}", f"{sheet}!{cell}"))
    return out
