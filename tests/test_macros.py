"""The scenario macros against a workbook double shaped like ``xlwings.Book``.

The double has what the macros touch in xlwings: ``book.sheets[...]``,
``book.names[...]`` with ``.refers_to`` / ``.refers_to_range``, ``book.names.add``,
``sheet.tables``, ``range.value``, ``range.resize``, ``range.clear_contents()``,
``range.address``, ``app.calculation``, ``app.screen_updating`` and ``app.alert``.
Every write and clear is recorded with its sheet and rectangle.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from alfa_xl import macros

LINEUP_CSV = Path(__file__).parent.parent / "alfa_xl" / "data" / "lineup.csv"
ALL = ["base", "bear", "bull", "plan", "track_record"]


# -- the workbook double ----------------------------------------------------------------------------
def col_letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_cell(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", text)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class Range:
    def __init__(self, sheet, row, column, rows=1, columns=1):
        self.sheet, self.row, self.column, self.rows, self.columns = sheet, row, column, rows, columns

    @property
    def shape(self):
        return self.rows, self.columns

    @property
    def address(self):
        first = f"${col_letters(self.column)}${self.row}"
        if self.shape == (1, 1):
            return first
        return f"{first}:${col_letters(self.column + self.columns - 1)}${self.row + self.rows - 1}"

    def resize(self, row_size=None, column_size=None):
        return Range(self.sheet, self.row, self.column, row_size or self.rows, column_size or self.columns)

    def cells(self):
        return [(r, c) for r in range(self.row, self.row + self.rows) for c in range(self.column, self.column + self.columns)]

    @property
    def value(self):
        grid = [[self.sheet.cells.get((r, c)) for c in range(self.column, self.column + self.columns)]
                for r in range(self.row, self.row + self.rows)]
        if self.shape == (1, 1):
            return grid[0][0]
        if self.rows == 1:
            return grid[0]
        if self.columns == 1:
            return [r[0] for r in grid]
        return grid

    @value.setter
    def value(self, data):
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [data if isinstance(data, list) else [data]]
        width = max(len(r) for r in rows)
        self.sheet.book.log.append(("write", self.sheet.name, self.row, self.column, len(rows), width))
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v is None or v == "":
                    self.sheet.cells.pop((self.row + i, self.column + j), None)
                else:
                    self.sheet.cells[(self.row + i, self.column + j)] = v

    def clear_contents(self):
        self.sheet.book.log.append(("clear", self.sheet.name, self.row, self.column, self.rows, self.columns))
        for key in self.cells():
            self.sheet.cells.pop(key, None)


class Table:
    def __init__(self, name, rng):
        self.name, self.range = name, rng


class Sheet:
    def __init__(self, book, name):
        self.book, self.name, self.cells, self.tables = book, name, {}, []

    def range(self, address):
        first, _, last = address.partition(":")
        r1, c1 = parse_cell(first)
        r2, c2 = parse_cell(last) if last else (r1, c1)
        return Range(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def __getitem__(self, address):
        return self.range(address)


class Name:
    def __init__(self, book, name, refers_to):
        self.book, self.name, self._refers_to = book, name, refers_to

    @property
    def refers_to(self):
        return self._refers_to

    @refers_to.setter
    def refers_to(self, value):
        self.book.log.append(("name", self.name, value))
        self._refers_to = value

    @property
    def refers_to_range(self):
        m = re.fullmatch(r"='?(.+?)'?!(.+)", self._refers_to)
        return self.book.sheets[m.group(1).replace("''", "'")].range(m.group(2))


class Names:
    def __init__(self, book):
        self.book, self.items = book, {}

    def __contains__(self, name):
        return name in self.items

    def __getitem__(self, name):
        return self.items[name]

    def add(self, name, refers_to):
        self.book.log.append(("name", name, refers_to))
        self.items[name] = Name(self.book, name, refers_to)
        return self.items[name]


class App:
    def __init__(self):
        self._calculation, self._screen_updating, self.changes, self.alerts = "automatic", True, [], []

    @property
    def calculation(self):
        return self._calculation

    @calculation.setter
    def calculation(self, value):
        self.changes.append(("calculation", value))
        self._calculation = value

    @property
    def screen_updating(self):
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value):
        self.changes.append(("screen_updating", value))
        self._screen_updating = value

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append(prompt)


class Sheets:
    def __init__(self, sheets):
        self._sheets = {s.name: s for s in sheets}

    def __getitem__(self, name):
        return self._sheets[name]

    def __iter__(self):
        return iter(self._sheets.values())


class Book:
    def __init__(self):
        self.log = []
        self.app = App()
        self.sheets = Sheets([Sheet(self, n) for n in ("Cover", "Inputs", "Projection", "Scenarios", "Gap", "Facts", "Checks")])
        self.names = Names(self)

    def define(self, name, sheet, address, value=None):
        self.names.items[name] = Name(self, name, f"='{sheet}'!{address}")
        if value is not None:
            self.names[name].refers_to_range.value = value

    def writes(self):
        return [e for e in self.log if e[0] in ("write", "clear")]


def lineup_rows():
    with LINEUP_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))

    def cell(text):
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            return text

    return [rows[0]] + [[cell(v) for v in r] for r in rows[1:]]


def make_book(scenarios=ALL, start=2026, end=2030, target=400000, lineup=None):
    book = Book()
    book.define("in_target", "Inputs", "$C$3", target)
    book.define("in_start_year", "Inputs", "$C$4", start)
    book.define("in_end_year", "Inputs", "$C$5", end)
    book.define("in_compare_year", "Inputs", "$C$6", 2030)
    book.define("in_scenario", "Inputs", "$C$7", "bear")
    book.define("in_scenario_list", "Inputs", "$C$9:$C$16", [[s] for s in scenarios] + [[None]] * (8 - len(scenarios)))
    rows = lineup or lineup_rows()
    inputs = book.sheets["Inputs"]
    table = inputs.range(f"$E$3:${col_letters(4 + len(rows[0]))}${2 + len(rows)}")
    table.value = rows
    inputs.tables.append(Table("tbl_lineup", table))
    book.define("out_scenarios", "Scenarios", "$B$5")
    book.define("out_status", "Scenarios", "$B$2")
    book.log.clear()
    return book


def expected_shape(k, years=5, models=9):
    """Rows and columns of the output, counted by hand: the comparison (title, header, one
    row per scenario), then per scenario a projection and a gap table, each preceded by a
    blank row and made of a title, a header and one row per year. Width: Year, models, Total."""
    return (k + 2) + 2 * k * (years + 3), models + 2


def owned_cells(book, *ranges):
    return {(r.sheet.name, rc) for r in ranges for rc in r.cells()}


def written_cells(book):
    out = set()
    for kind, sheet, row, col, nrows, ncols in book.writes():
        out |= {(sheet, (r, c)) for r in range(row, row + nrows) for c in range(col, col + ncols)}
    return out


# -- tests ------------------------------------------------------------------------------------------
class TestRefresh:
    def test_writes_the_tables_into_the_owned_rectangle(self):
        book = make_book()
        message = macros.refresh_scenarios(book)
        out = book.names["out_scenarios"].refers_to_range
        assert (out.sheet.name, out.row, out.column) == ("Scenarios", 5, 2)
        assert out.shape == expected_shape(5)
        grid = out.value
        assert grid[0][0] == "Scenarios compared in 2030 against 400,000"
        assert [r[0] for r in grid[2:7]] == ALL
        # base projection block: blank row, title, header, then 2026; Junior at age 2
        first = grid.index(next(r for r in grid if str(r[0]).startswith("Scenario: base")))
        header = grid[first + 1]
        assert header[0] == "Year" and header[-1] == "Total"
        assert grid[first + 2][0] == 2026
        assert grid[first + 2][header.index("Junior")] == pytest.approx(33000 * (0.6 + 0.4 * math.exp(-0.7)))
        assert message.startswith("Refreshed base, bear, bull, plan, track_record")
        assert book.sheets["Scenarios"].cells[(2, 2)] == message
        assert book.app.alerts == []

    def test_nothing_written_outside_owned_ranges(self):
        book = make_book()
        before = book.names["out_scenarios"].refers_to_range
        macros.refresh_scenarios(book)
        after = book.names["out_scenarios"].refers_to_range
        status = book.names["out_status"].refers_to_range
        assert written_cells(book) <= owned_cells(book, before, after, status)
        assert {e[1] for e in book.writes()} == {"Scenarios"}

    def test_calculation_manual_and_screen_off_while_writing_then_restored(self):
        book = make_book()
        macros.refresh_scenarios(book)
        assert book.app.changes[:2] == [("calculation", "manual"), ("screen_updating", False)]
        assert book.app.calculation == "automatic" and book.app.screen_updating is True

    def test_second_refresh_is_idempotent(self):
        book = make_book()
        macros.refresh_scenarios(book)
        cells, name = dict(book.sheets["Scenarios"].cells), book.names["out_scenarios"].refers_to
        macros.refresh_scenarios(book)
        assert book.sheets["Scenarios"].cells == cells
        assert book.names["out_scenarios"].refers_to == name

    def test_smaller_output_clears_the_previous_extent(self):
        book = make_book()
        macros.refresh_scenarios(book)
        big = book.names["out_scenarios"].refers_to_range
        book.names["in_scenario_list"].refers_to_range.value = [["bull"]] + [[None]] * 7
        macros.refresh_scenarios(book)
        small = book.names["out_scenarios"].refers_to_range
        assert small.shape == expected_shape(1) and small.shape[0] < big.shape[0]
        assert book.names["out_scenarios"].refers_to == f"='Scenarios'!$B$5:$L${5 + expected_shape(1)[0] - 1}"
        left = {rc for rc in book.sheets["Scenarios"].cells if rc != (2, 2)}
        assert left <= set(small.cells())
        assert [r[0] for r in small.value[2:3]] == ["bull"]

    def test_lineup_comes_from_the_table(self):
        rows = lineup_rows()
        junior = next(r for r in rows if r[0] == "Junior")
        junior[rows[0].index("peak_units")] = 66000.0
        book = make_book(scenarios=["base"], lineup=rows)
        macros.refresh_scenarios(book)
        grid = book.names["out_scenarios"].refers_to_range.value
        first = next(i for i, r in enumerate(grid) if str(r[0]).startswith("Scenario: base"))
        assert grid[first + 2][grid[first + 1].index("Junior")] == pytest.approx(66000 * (0.6 + 0.4 * math.exp(-0.7)))

    def test_uses_the_calling_book_when_none_is_given(self, mocker):
        book = make_book(scenarios=["base"])
        caller = mocker.patch("xlwings.Book.caller", return_value=book)
        macros.refresh_scenarios()
        caller.assert_called_once_with()
        assert book.names["out_scenarios"].refers_to_range.shape == expected_shape(1)

    def test_one_scenario_from_in_scenario(self):
        book = make_book()
        macros.refresh_scenario(book)
        grid = book.names["out_scenarios"].refers_to_range.value
        assert grid[2][0] == "bear" and len(grid) == expected_shape(1)[0]


class TestValidationFirst:
    @pytest.mark.parametrize("name, value, expected", [
        ("in_start_year", "next year", "in_start_year"),
        ("in_end_year", 2020, "in_end_year"),
        ("in_target", -5, "in_target"),
        ("in_scenario_list", [["base"], ["beer"]] + [[None]] * 6, "in_scenario_list"),
    ])
    def test_bad_input_writes_nothing_but_the_status(self, name, value, expected):
        book = make_book()
        book.names[name].refers_to_range.value = value
        book.log.clear()
        message = macros.refresh_scenarios(book)
        assert message.startswith("Refresh stopped, nothing changed:") and expected in message
        status = book.names["out_status"].refers_to_range
        assert written_cells(book) <= owned_cells(book, status)
        assert not [e for e in book.log if e[0] == "name"]
        assert book.app.changes == []
        assert book.app.alerts == [message]

    def test_bad_lineup_row_is_named(self):
        rows = lineup_rows()
        rows[1][rows[0].index("share_italy")] = 0.9
        book = make_book(lineup=rows)
        message = macros.refresh_scenarios(book)
        assert "tbl_lineup" in message and "regional shares of 'Junior'" in message
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]

    def test_missing_output_name(self):
        book = make_book()
        del book.names.items["out_scenarios"]
        message = macros.refresh_scenarios(book)
        assert "out_scenarios" in message and "Name Manager" in message
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]


class TestFailureWhileWriting:
    def test_settings_restored_and_error_reported(self, mocker):
        book = make_book()
        original = Range.value.fset

        def failing(self, data):
            if self.sheet.name == "Scenarios" and self.shape != (1, 1):
                raise OSError("Excel busy")
            original(self, data)

        mocker.patch.object(Range, "value", property(Range.value.fget, failing))
        with pytest.raises(OSError):
            macros.refresh_scenarios(book)
        assert book.app.calculation == "automatic" and book.app.screen_updating is True
        assert book.app.alerts and book.app.alerts[0].startswith("Refresh failed while writing (OSError)")
        assert book.sheets["Scenarios"].cells[(2, 2)] == book.app.alerts[0]

    def test_restores_settings_the_user_had(self):
        book = make_book()
        book.app._calculation, book.app._screen_updating = "semiautomatic", False
        macros.refresh_scenarios(book)
        assert book.app.calculation == "semiautomatic" and book.app.screen_updating is False


def test_platform_without_alert_or_app_settings(mocker):
    book = make_book(scenarios=["base"])

    class BareApp:  # e.g. a runtime without message boxes or calculation control
        pass

    book.app = BareApp()
    book.names["in_start_year"].refers_to_range.value = "soon"
    assert macros.refresh_scenarios(book).startswith("Refresh stopped")
    book.names["in_start_year"].refers_to_range.value = 2026
    assert macros.refresh_scenarios(book).startswith("Refreshed base")


def test_clear_scenarios():
    book = make_book()
    macros.refresh_scenarios(book)
    macros.clear_scenarios(book)
    assert set(book.sheets["Scenarios"].cells) == {(2, 2)}
    assert book.names["out_scenarios"].refers_to == "='Scenarios'!$B$5"
    assert book.app.calculation == "automatic" and book.app.screen_updating is True
