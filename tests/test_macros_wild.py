"""The Excel macro under the same rules as the headless refresh, on the workbook double:
rows and columns moved by a tool that does not move names, and a protected sheet."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from test_macros import Sheet, expected_shape, make_book

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


def _moved(book, down: int, right: int) -> None:
    """Every cell of Scenarios but the status cell (B2) moved ``down`` rows and ``right`` columns,
    as rows and columns inserted by a tool that does not move defined names leave them."""
    sheet = book.sheets["Scenarios"]
    sheet.cells = {((r + down, c + right) if (r, c) != (2, 2) else (r, c)): v for (r, c), v in sheet.cells.items()}


@pytest.mark.parametrize(
    "down, right, moved",
    [
        # one scenario: 19 rows (3 of comparison, 2 tables of 8) by 11 columns from B5, so B5:L23 written
        (200, 0, "Scenarios!$B$205:$L$223"),  # 200 rows below: ten times the area's height
        (0, 2, "Scenarios!$D$5:$N$23"),  # two columns inserted left of the area
        (10, 3, "Scenarios!$E$15:$O$33"),  # both (fewer rows down than the area is high)
    ],
)
def test_tables_moved_anywhere_in_the_used_range_are_found_by_the_macro_and_the_advice_leads_to_a_clean_refresh(
    down, right, moved
):
    book = make_book(scenarios=["base"])
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    assert expected_shape(1) == (19, 11)
    sheet = book.sheets["Scenarios"]
    written = dict(sheet.cells)
    _moved(book, down, right)
    book.log.clear()
    message = macros.refresh_scenarios(book)
    assert f"now at {moved}" in message and f"point out_scenarios at {moved}" in message, message
    assert [e for e in book.writes() if e[0] == "clear"] == []
    book.names["out_scenarios"].refers_to = "=" + moved  # the advice, followed
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    tables = {(r + down, c + right): v for (r, c), v in written.items() if r >= 5}
    assert {k: v for k, v in sheet.cells.items() if k[0] >= 5} == tables  # where they moved, nothing stale


def test_without_a_used_range_the_macro_looks_around_the_recorded_rows(monkeypatch):
    """A platform whose sheets do not give their used range: the rows and columns within the
    area's height and width around it are searched."""
    monkeypatch.delattr(Sheet, "used_range")
    book = make_book(scenarios=["base"])
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    _moved(book, 10, 0)  # 10 rows down: within the 19 rows searched below B5:L23
    assert "now at Scenarios!$B$15:$L$33" in macros.refresh_scenarios(book)


def test_columns_inserted_inside_with_the_name_stretched_as_excel_does_are_cleared_with_the_tables():
    """Excel stretches a name over columns inserted inside it (its top-left cell, and so the
    recorded one, stays): the macro trusts the stretched name and leaves no stale column."""
    book = make_book(scenarios=["base"])
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    sheet = book.sheets["Scenarios"]
    written = {k: v for k, v in sheet.cells.items() if k[0] >= 5}  # B5:L23 (1-based rows and columns)
    # two columns inserted before E (column 5): E:L move to G:N, and the name stretches to B5:N23
    sheet.cells = {((r, c + 2) if c >= 5 else (r, c)): v for (r, c), v in sheet.cells.items()}
    book.names["out_scenarios"].refers_to = "='Scenarios'!$B$5:$N$23"
    assert macros.refresh_scenarios(book).startswith("Refreshed")
    assert {k: v for k, v in sheet.cells.items() if k[0] >= 5} == written  # the same tables, nothing left in M:N


class _Touched(BaseException):
    """Raised by a used range that must not be read (passes the macro's platform fallbacks)."""


def test_tables_in_place_are_checked_without_reading_the_used_range(monkeypatch):
    book = make_book(scenarios=["base"])
    assert macros.refresh_scenarios(book).startswith("Refreshed")

    def touched(self):
        raise _Touched

    monkeypatch.setattr(Sheet, "used_range", property(touched))
    assert macros.refresh_scenarios(book).startswith("Refreshed")  # the recorded rectangle alone is read
    _moved(book, 200, 0)
    with pytest.raises(_Touched):  # and the used range once the tables are not in it
        macros.refresh_scenarios(book)
