"""The one reader of a workbook's Inputs (defined names and the lineup table).

The Excel macro reads the open workbook through xlwings and ``alfa-xl refresh`` reads the
file; both hand their cells to :func:`read_book_inputs` through a :class:`CellSource`
(:class:`FileSource` here, ``XlwingsSource`` in :mod:`alfa_xl.excel.macros`), so the rules
exist once and both paths give the same values or the same one-line error. The values
themselves are checked by :mod:`alfa_xl.validation` (numbers, years, paths, seeds).

A cell reaches the rules as a :class:`Cell`: its value as xlwings gives it (``None`` for
empty, ``float``, ``bool``, ``str``, ``datetime`` for a date-formatted number, the error
text such as ``"#N/A"`` for an error value), its formula, and where it is. A problem
raises :class:`InputsError` whose message is one line naming the sheet and cell (or the
table column and row) and the fix, for example::

    Inputs!B5 (in_target): must be above 0 (got -5.0); give the target in units a year, above 0 (for example 400000)

Rules beyond the validators: an empty cell takes the documented default (target 400,000,
horizon :func:`~alfa_xl.model.engine.projection.default_horizon`, compare year
:data:`~alfa_xl.validation.DEFAULT_YEAR`, scenario ``base``, every built-in scenario,
10,000 paths, the default seed); ``0`` is a value, never "empty"; a formula without a
calculated value is refused (its value is unknown, not blank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from alfa_xl import validation as v
from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.layout import INPUT_NAMES, INPUT_ROLES, INPUTS, LINEUP_TABLE, MAX_YEARS, BookInputs
from alfa_xl.book.tables.report import RefreshInputs
from alfa_xl.book.xlsx import CellRange
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.lineup import REGION_COLUMNS, YEAR_COLUMNS, Lineup
from alfa_xl.model.engine.projection import default_horizon, project
from alfa_xl.model.engine.scenarios import BUILTIN, get_scenario
from alfa_xl.model.risk.nowcast import PaceError, check_pace, nowcast
from alfa_xl.model.risk.settings import DEFAULT_PATHS, DEFAULT_SEED

#: A cell the user may name (the build does not make it): TRUE accepts year-to-date units
#: that imply a full year outside the history's pace (:func:`alfa_xl.model.risk.nowcast.check_pace`).
YTD_OVERRIDE = "in_ytd_override"

__all__ = ["InputsError", "Cell", "TableCells", "CellSource", "FileSource", "read_inputs", "read_book_inputs"]


class InputsError(AlfaInputError):
    """A workbook input that a refresh cannot use; the message names the cell and the fix."""

    def __init__(self, where: str, value: object, fix: str, problem: str = "invalid value"):
        super().__init__(where, value, fix, problem)


@dataclass(frozen=True)
class Cell:
    """One input cell: its value as xlwings gives it, its formula (``None`` for a constant)
    and where it is (``Inputs!B5``)."""

    value: Any
    formula: str | None
    where: str
    number_format: str = "General"


@dataclass(frozen=True)
class TableCells:
    """An Excel table's column names and data rows."""

    columns: list[str]
    rows: list[list[Cell]]
    sheet: str


class CellSource(Protocol):
    """Where the reader gets cells: the open workbook (xlwings) or the file."""

    def has(self, name: str) -> bool:
        """Whether the workbook defines ``name``."""

    def cells(self, name: str) -> list[list[Cell]]:
        """The cells ``name`` refers to, row by row; :class:`InputsError` when it is not a range."""

    def table(self, name: str) -> TableCells | None:
        """The Excel table ``name`` (or a defined range of that name, header first), or ``None``."""


def missing_fix(name: str) -> str:
    return (
        f"define {name} ({INPUT_NAMES.get(name, 'see the workbook contract')}) with Formulas > "
        "Name Manager, or rebuild the workbook"
    )


class FileSource:
    """:class:`CellSource` over a workbook file read by :class:`~alfa_xl.book.xlsx.BookFile`."""

    def __init__(self, book: BookFile):
        self.book = book

    def has(self, name: str) -> bool:
        return name in self.book.names

    def range(self, name: str) -> CellRange:
        return self.book.resolve(
            name,
            InputsError,
            f"make {name} refer to cells on an existing sheet, for example Inputs!$B$5",
            missing_fix(name),
        )

    def cells(self, name: str) -> list[list[Cell]]:
        rng = self.range(name)
        return self._block(rng)

    def _block(self, rng: CellRange) -> list[list[Cell]]:
        stored = self.book.cells(rng.sheet, rng)
        out = []
        for r in range(rng.r0, rng.r1 + 1):
            row = []
            for c in range(rng.c0, rng.c1 + 1):
                x = stored.get((r, c))
                row.append(
                    Cell(x.value, x.formula, rng.at(r, c), x.number_format) if x else Cell(None, None, rng.at(r, c))
                )
            out.append(row)
        return out

    def table(self, name: str) -> TableCells | None:
        t = self.book.table(name)
        if t is None:
            if not self.has(name):
                return None
            block = self.cells(name)
            return TableCells([_header(c.value) for c in block[0]], block[1:], self.range(name).sheet)
        first, last = t.ref.r0 + t.header_rows, t.ref.r1 - t.totals_rows
        rows = self._block(CellRange(t.sheet, first, t.ref.c0, last, t.ref.c1)) if last >= first else []
        return TableCells(list(t.columns), rows, t.sheet)


def _header(value: Any) -> str:
    return "" if value is None else str(value)


# -- the rules ----------------------------------------------------------------------------
def _value(cell: Cell, name: str) -> Any:
    """The cell's value; a formula without a calculated value is refused."""
    if cell.formula is not None and v.is_blank(cell.value):
        raise InputsError(
            f"{cell.where} ({name})",
            f"={cell.formula.lstrip('=')}",
            "recalculate the workbook (Excel: Ctrl+Alt+F9) and save it, or type the value instead of the formula",
            "formula without a calculated value",
        )
    return cell.value


def _scalar(src: CellSource, name: str, percent: bool = True) -> tuple[Any, str]:
    """The value of a one-cell input and how messages name it; ``(None, name)`` when an
    optional input is not defined. ``percent=False``: a number shown as a percentage
    (typed ``40%``) is refused, as the same text would be."""
    if not src.has(name):
        if next(i for i in INPUTS if i.name == name).required:
            raise InputsError(f"defined name {name}", None, missing_fix(name), "missing")
        return None, name
    block = src.cells(name)
    cell = block[0][0]
    value, at = _value(cell, name), f"{cell.where} ({name})"
    if not percent:
        _not_percent(cell, value, at)
    return value, at


def _not_percent(cell: Cell, value: Any, at: str) -> None:
    """A number shown as a percentage (typed ``40%``) where a count, a year or units are
    meant is refused, as the same text would be."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        raise InputsError(
            at,
            f"{value:.4g} shown as {cell.number_format}",
            "type the number itself and format the cell as a number, not a percentage",
            "a percentage is not accepted here",
        )


def _scenario_name(value: Any, at: str) -> str:
    try:
        return get_scenario(v.text(value, at, error=InputsError)).name
    except InputsError:
        raise
    except AlfaInputError as exc:
        raise InputsError(at, value, exc.fix, exc.problem) from None


def read_inputs(src: CellSource, scenarios: tuple[str, ...] | None = None) -> RefreshInputs:
    """The refresh inputs stored in a workbook, validated.

    Reads ``in_target`` (units a year, above 0; empty = 400,000), ``in_start_year`` and
    ``in_end_year`` (years 2000-2060, a date or date serial gives its year; end on or
    after start; empty = the default horizon), ``in_compare_year`` (empty = 2030),
    ``in_scenario_list`` (built-in scenario names, each once; blank cells ignored; all
    blank = every built-in scenario; ``scenarios`` replaces it) and the table
    ``tbl_lineup``; then runs one projection per scenario so that every error surfaces
    here, before anything is written.

    Raises
    ------
    InputsError
        One line naming the cell or table column and the fix.
    """
    n = INPUT_ROLES
    value, at = _scalar(src, n["target"], percent=False)
    target = DEFAULT_TARGET if v.is_blank(value) else v.number(value, at, "target", error=InputsError)
    d_start, d_end = default_horizon()
    value, at = _scalar(src, n["start_year"])
    start = v.year(value, at, error=InputsError, default=d_start)
    value, end_at = _scalar(src, n["end_year"])
    end = v.year(value, end_at, error=InputsError, default=max(d_end, start))
    v.end_after_start(start, end, field=end_at, verb="type", error=InputsError)
    if end - start + 1 > MAX_YEARS:
        raise InputsError(
            end_at,
            end,
            f"type an end year of {start + MAX_YEARS - 1} or earlier, or a later start year",
            f"{end - start + 1} years from {start}; the sheets hold at most {MAX_YEARS}",
        )
    value, at = _scalar(src, n["compare_year"])
    compare = v.year(value, at, error=InputsError, default=v.DEFAULT_YEAR)

    if scenarios is None:
        names = _scenario_list(src, n["scenario_list"])
    else:
        names = [_scenario_name(s, n["scenario"]) for s in scenarios]
    lineup = _lineup(src)
    for name in names:
        try:
            project(lineup, name, start, end)
        except AlfaInputError as exc:
            raise InputsError(
                f"scenario {name!r} on the lineup {LINEUP_TABLE}", exc.value, exc.fix, f"{exc.field}: {exc.problem}"
            ) from None
    return RefreshInputs(
        target=target, start_year=start, end_year=end, scenarios=tuple(names), lineup=lineup, compare_year=compare
    )


def _scenario_list(src: CellSource, name: str) -> list[str]:
    if not src.has(name):
        raise InputsError(f"defined name {name}", None, missing_fix(name), "missing")
    block = src.cells(name)
    if len(block[0]) != 1:
        raise InputsError(
            f"{block[0][0].where} ({name})", None, "make in_scenario_list one column of cells", "not a single column"
        )
    names: list[str] = []
    for row in block:
        cell = row[0]
        value = _value(cell, name)
        if v.is_blank(value):
            continue
        at = f"{cell.where} ({name})"
        scenario = _scenario_name(value, at)
        if scenario in names:
            raise InputsError(at, value, "list each scenario once", "a scenario is listed twice")
        names.append(scenario)
    return names or list(BUILTIN)


_FIELD = re.compile(r"^(?P<col>[a-z_ ]+?) of '(?P<model>.*)'$")


#: Lineup columns meant in units or years, where a percentage is refused (shares, rates
#: and fractions may be typed as percentages).
_NOT_PERCENT_COLUMNS = frozenset(("peak_units", "decline_after", *YEAR_COLUMNS))


def _lineup(src: CellSource) -> Lineup:
    t = src.table(LINEUP_TABLE)
    if t is None:
        raise InputsError(
            f"table {LINEUP_TABLE}",
            None,
            "restore the lineup table on the Inputs sheet, or rebuild the workbook",
            "missing",
        )
    _check_model_count(t)
    rows = [[_value(c, f"{LINEUP_TABLE}[{col}]") for c, col in zip(r, t.columns)] for r in t.rows]
    for r, values in zip(t.rows, rows):
        for c, col, value in zip(r, t.columns, values):
            if v.identifier(col) in _NOT_PERCENT_COLUMNS:
                _not_percent(c, value, f"{c.where} ({LINEUP_TABLE}[{col}])")
    frame = pd.DataFrame(rows, columns=t.columns, dtype=object)
    try:
        return Lineup.from_frame(frame)
    except AlfaInputError as exc:
        raise _lineup_error(exc, t, rows) from None


def _check_model_count(t: TableCells) -> None:
    """More models than :data:`~alfa_xl.validation.LIMITS` ``lineup_models`` are refused
    before anything is computed (the reason is in the limit's note)."""
    limit = v.LIMITS["lineup_models"]
    count = sum(1 for r in t.rows if any(not v.is_blank(c.value) for c in r))
    if count > limit.hi:
        raise InputsError(
            f"table {LINEUP_TABLE} on {t.sheet}",
            f"{count:,} models",
            limit.instruction(),
            f"more than {limit.hi:,.0f} models",
        )


def _lineup_error(exc: AlfaInputError, t: TableCells, rows: list[list[Any]]) -> InputsError:
    """The engine's lineup error, pointed at the table cell it is about."""
    cols = t.columns
    key = [v.identifier(c) for c in cols]
    m = _FIELD.match(str(exc.field))
    column, model = (m.group("col"), m.group("model")) if m else (str(exc.field), None)
    if column == "regional shares":
        column = REGION_COLUMNS[0]
    row = None
    if model is not None and "model" in key:
        j = key.index("model")
        row = next((i for i, r in enumerate(rows) if r[j] is not None and str(r[j]).strip() == model), None)
    elif column == "model" and "model" in key:  # duplicate or missing name
        j = key.index("model")
        seen: set[str] = set()
        for i, r in enumerate(rows):
            name = "" if r[j] is None else str(r[j]).strip().casefold()
            if (not name and any(x is not None for x in r)) or (name and name in seen):
                row = i
                break
            seen.add(name)
    if column in key and row is not None:
        at = f"{t.rows[row][key.index(column)].where} ({LINEUP_TABLE}[{cols[key.index(column)]}]" + (
            f", model {model!r})" if model else ")"
        )
    elif column in key:
        at = f"{LINEUP_TABLE}[{cols[key.index(column)]}] on {t.sheet}" + (f", model {model!r}" if model else "")
    else:
        at = f"{LINEUP_TABLE} on {t.sheet} ({exc.field})"
    return InputsError(at, exc.value, exc.fix, exc.problem)


def read_book_inputs(src: CellSource, scenarios: tuple[str, ...] | None = None, single: bool = False) -> BookInputs:
    """Everything a refresh reads, validated: :func:`read_inputs` plus the Risk sheet's
    ``in_scenario`` (a built-in scenario name; empty = ``base``), ``in_paths`` (a whole
    number from 1 to 1,000,000; empty = 10,000) and ``in_seed`` (a whole number of 0 or
    more; empty = the simulation's default seed), and ``in_ytd_units``/``in_ytd_months``
    (year-to-date units, 0 to 10,000,000, and the months they cover, 1 to 12; both blank =
    the current year unconditioned). A workbook built before the Risk sheet existed has no
    ``in_paths``/``in_seed`` (nor one built before the year-to-date cells): the defaults apply. ``single``: refresh only
    the scenario ``in_scenario`` (instead of ``in_scenario_list``).

    Raises
    ------
    InputsError
        One line naming the cell and the fix.
    """
    n = INPUT_ROLES
    value, at = _scalar(src, n["scenario"])
    scenario = "base" if v.is_blank(value) else _scenario_name(value, at)
    refresh = read_inputs(src, (scenario,) if single else scenarios)
    value, at = _scalar(src, n["paths"], percent=False)
    paths = DEFAULT_PATHS if v.is_blank(value) else v.paths(value, field=at, error=InputsError)
    value, at = _scalar(src, n["seed"], percent=False)
    seed = DEFAULT_SEED if v.is_blank(value) else v.seed(value, DEFAULT_SEED, field=at, error=InputsError)
    ytd, months = _year_to_date(src)
    return BookInputs(refresh, scenario, paths, seed, ytd, months)


def _year_to_date(src: CellSource) -> tuple[float | None, int | None]:
    """``in_ytd_units`` and ``in_ytd_months``: both blank (or not defined, in a workbook
    built before them) = the current year unconditioned; one without the other is refused.
    The nowcast is run once so that its errors name the cell too, with the pace check
    unless a cell named :data:`YTD_OVERRIDE` holds TRUE."""
    n = INPUT_ROLES
    units, u_at = _scalar(src, n["ytd_units"], percent=False)
    months, m_at = _scalar(src, n["ytd_months"], percent=False)
    fix = f"fill in both {n['ytd_units']} and {n['ytd_months']}, or leave both blank (current year unconditioned)"
    if not v.both_or_neither(
        units, months, (u_at, m_at), fix, problem="missing while {other} is given", error=InputsError, blank=v.is_blank
    ):
        return None, None
    ytd = v.number(units, u_at, "ytd_units", error=InputsError)
    k = v.whole(months, m_at, "ytd_months", error=InputsError)
    override = False
    if src.has(YTD_OVERRIDE):  # not built: a cell the user adds to accept units the pace check refuses
        cell = src.cells(YTD_OVERRIDE)[0][0]
        override = v.flag(
            _value(cell, YTD_OVERRIDE), f"{cell.where} ({YTD_OVERRIDE})", error=InputsError, default=False
        )
    try:
        if override:
            nowcast(ytd, k)
        else:
            check_pace(ytd, k, field=u_at, override=f"name a cell {YTD_OVERRIDE} holding TRUE")
    except PaceError as exc:
        raise InputsError(u_at, exc.value, exc.fix, exc.problem) from None
    except AlfaInputError as exc:
        raise InputsError(f"{u_at} and {m_at}", exc.value, exc.fix, f"{exc.field}: {exc.problem}") from None
    return ytd, k
