"""The Excel macro under the same rules as the headless refresh, on the workbook double:
rows moved by a tool that does not move names, and a protected sheet."""

from __future__ import annotations

import re
from types import SimpleNamespace

from test_macros import make_book

from alfa_xl.excel import macros


def test_tables_moved_down_without_their_name_stop_the_macro_and_the_advice_leads_to_a_clean_refresh():
    book = make_book(scenarios=["base"])
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    sheet = book.sheets["Scenarios"]
    out = book.names["out_scenarios"].refers_to_range
    first, rows = out.row, out.rows
    status = (2, 2)  # out_status: Scenarios!B2, above the area
    sheet.cells = {
        ((r + 3) if (r, c) != status else r, c): v for (r, c), v in sheet.cells.items()
    }  # 3 rows inserted above the area
    sheet.cells[(first, 2)] = "my note"  # the user's text now sits where the tables began
    book.log.clear()
    message = macros.refresh_scenarios(book)
    assert "now at" in message and "point out_scenarios at" in message, message
    assert book.writes() == [
        e for e in book.writes() if e[1] == "Scenarios" and e[2:4] == status
    ]  # only the status line
    moved = re.search(r"point out_scenarios at (\S+)", message).group(1)
    book.names["out_scenarios"].refers_to = "=" + moved  # the advice, followed
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    assert sheet.cells[(first, 2)] == "my note"
    assert (
        max(r for (r, c) in sheet.cells if c >= 2 and r > 2) == first + 3 + rows - 1
    )  # nothing stale below the tables


def test_a_protected_sheet_stops_the_macro_before_any_write():
    book = make_book(scenarios=["base"])
    book.sheets["Scenarios"].api = SimpleNamespace(ProtectContents=True)
    message = macros.refresh_scenarios(book)
    assert "sheet Scenarios: protected" in message and "Unprotect Sheet" in message, message
    assert [e for e in book.writes() if e[0] == "clear"] == []
