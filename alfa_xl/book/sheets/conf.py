"""The ``xlwings.conf`` sheet: settings xlwings reads from the workbook.

xlwings reads the keys in column A from A1 down to the first blank cell, and takes the
value in column B whenever the key's row exists (an empty value blanks the add-in's
setting). Keep machine-specific paths out of it.
"""

from __future__ import annotations

from alfa_xl.book.sheets.base import Context

SHEET = "xlwings.conf"

#: (key, value): only what this workbook must override. Every row present wins over the
#: add-in's setting even when its value is empty, so the interpreter, conda and path
#: settings stay with the user (xlwings tab, or xlwings.conf beside the workbook).
SETTINGS: tuple[tuple[str, str | bool | None], ...] = (("UDF Modules", "alfa_xl.udfs"),)
NOTES = (
    "Instructions:",
    "Settings start in cell A1, one per row, with no blank row between them (xlwings reads "
    "down to the first blank cell).",
    "A row here overrides the xlwings add-in's setting even when its value is empty: add a "
    "row only to override on purpose.",
    "Set the Python interpreter (Interpreter_Win / Interpreter_Mac) on the xlwings tab or in "
    "a local xlwings.conf file, never here.",
)


def write(ctx: Context) -> None:
    """The settings from A1 down, the notes three rows below them."""
    ws = ctx.wb.add_worksheet(SHEET)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 16)
    for i, (key, value) in enumerate(SETTINGS):
        ws.write_string(i, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(i, 1, value)
        elif value is not None:
            ws.write_string(i, 1, value)
    for i, line in enumerate(NOTES):
        ws.write_string(len(SETTINGS) + 3 + i, 0, line, ctx.f.get(bold=(i == 0)))
