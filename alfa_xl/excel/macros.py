"""Macros behind the workbook's buttons: refresh the scenario and risk tables, or clear
the scenario tables.

Each macro takes the workbook (``xw.Book.caller()`` when none is given), so the same code
runs from a button through RunPython (classic xlwings, Windows and macOS), as an xlwings
Lite ``@script`` and from Python with any object shaped like ``xw.Book``.

The workbook contract (defined names, never cell addresses) is declared once in
:mod:`alfa_xl.book.layout`: the inputs ``in_*`` and the table ``tbl_lineup``, the owned
areas ``out_scenarios`` (on Scenarios), ``out_risk`` (on Risk), ``out_track`` (on Track
record: the backtest of :mod:`alfa_xl.model.evidence.replay`) and ``out_forecast`` (on the Cover:
the calibrated forecast, conditioned on ``in_ytd_units``/``in_ytd_months`` when given), the
last three optional, and the status cell ``out_status``. The inputs are read by the same reader as ``alfa-xl refresh``
(:func:`alfa_xl.book.inputs.read_book_inputs`, here through :class:`XlwingsSource`), so a
value means the same in Excel and headless, and a bad one gives the same message.

A refresh reads and validates every input, computes every table of both areas and checks
where they go (:mod:`alfa_xl.book.owned`: each name on its own sheet, no overlap with
another area, the status cell or an input, no growing over non-empty cells it did not
write) before it writes anything. It then switches calculation to manual and screen
updating off, clears the previous rectangle of each area, writes the new one, redefines
the name and restores both settings, also when writing fails. Text that Excel would take
for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with Excel's text prefix ``'``, so a model named ``=HYPERLINK(...)`` stays text.
Errors are shown in ``out_status`` and in a message box where the platform has one.

RunPython (button macro in VBA)::

    Sub RefreshScenarios()
        RunPython "import alfa_xl.macros as m; m.refresh_scenarios()"
    End Sub
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from alfa_xl.book.inputs import Cell, InputsError, TableCells, missing_fix, read_book_inputs
from alfa_xl.book.layout import (
    INPUT_NAMES,
    OWNED_AREAS,
    STATUS_NAME,
    STATUS_SHEET,
    status_text,
    written_anchor_name,
    written_name,
    written_record,
)
from alfa_xl.book.locate import search_region
from alfa_xl.book.moved import held_rectangle, parse_rows_record, rows_name, rows_record, trusted_rectangle
from alfa_xl.book.owned import OwnedAreaError, check_sheet, plan, recorded_fix, recorded_rectangle
from alfa_xl.book.stored import stored_names
from alfa_xl.book.text import excel_value
from alfa_xl.book.xlsx import MAX_COL, MAX_ROW, CellRange, range_ref
from alfa_xl.errors import AlfaInputError

__all__ = [
    "refresh_scenarios",
    "refresh_scenario",
    "clear_scenarios",
    "XlwingsSource",
    "OUTPUT_NAME",
    "RISK_NAME",
    "STATUS_NAME",
    "INPUT_NAMES",
    "text_safe",
]

logger = logging.getLogger(__name__)

#: Defined name of the output rectangle the refresh owns.
OUTPUT_NAME = OWNED_AREAS[0].name
#: Defined name of the Risk sheet's output rectangle (optional).
RISK_NAME = OWNED_AREAS[1].name
#: Who the status line names as having refreshed the workbook.
REFRESHED_BY = "the Refresh button"
_TITLE = "alfa-xl"


def text_safe(value: Any) -> Any:
    """``value`` as it must be given to ``Range.value`` so that Excel stores what the
    headless refresh stores (:func:`alfa_xl.book.text.excel_value`, the one text rule):
    text Excel would read as a formula, a number, a date, a boolean or a percentage, or
    whose leading apostrophe it would drop, gets the text prefix ``'`` (Excel keeps the
    text without it); text is cut at Excel's 32,767-character limit with a visible mark.

    >>> text_safe('=HYPERLINK("http://x")'), text_safe("Junior"), text_safe("0012"), text_safe(-5.0)
    ('\\'=HYPERLINK("http://x")', 'Junior', "'0012", -5.0)
    """
    return excel_value(value)


# -- reading the workbook -------------------------------------------------------------------------
def _caller(book):
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _has_name(book, name: str) -> bool:
    try:
        return name in book.names
    except Exception:  # some platforms have no membership test on names
        try:
            book.names[name]
            return True
        except Exception:
            return False


def _named_range(book, name: str, required: bool = True):
    if _has_name(book, name):
        try:
            return book.names[name].refers_to_range
        except Exception:
            raise InputsError(
                f"defined name {name}", None, f"make the defined name {name} refer to cells", "not a range"
            ) from None
    if required:
        raise InputsError(f"defined name {name}", None, missing_fix(name), "missing")
    return None


def _extent(rng) -> CellRange:
    """A worksheet range as a :class:`CellRange` (0-based)."""
    rows, cols = rng.shape
    r0, c0 = rng.row - 1, rng.column - 1
    return CellRange(str(rng.sheet.name), r0, c0, r0 + rows - 1, c0 + cols - 1)


def _grid(data: Any, rows: int, cols: int) -> list[list[Any]]:
    if rows == 1 and cols == 1 and not isinstance(data, (list, tuple)):
        return [[data]]
    data = [list(r) if isinstance(r, (list, tuple)) else [r] for r in data]
    return data if len(data) == rows else [[x] for r in data for x in r]


class XlwingsSource:
    """:class:`~alfa_xl.book.inputs.CellSource` over an open workbook (``xw.Book`` or an
    object shaped like it): values as xlwings gives them, error values as their text
    (``err_to_str``), and each cell's formula."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def has(self, name: str) -> bool:
        return _has_name(self.book, name)

    def cells(self, name: str) -> list[list[Cell]]:
        return self._cells(_named_range(self.book, name))

    def _cells(self, rng) -> list[list[Cell]]:
        ext = _extent(rng)
        rows, cols = ext.r1 - ext.r0 + 1, ext.c1 - ext.c0 + 1
        values = _grid(rng.options(ndim=2, err_to_str=True).value, rows, cols)
        try:
            formulas = _grid(rng.formula, rows, cols)
        except Exception:  # a platform without formulas: every cell is a value
            formulas = [[""] * cols for _ in range(rows)]
        fmt = "General"
        if rows == cols == 1:
            with contextlib.suppress(Exception):  # a platform without number formats
                fmt = str(rng.number_format or "General")
        return [
            [
                Cell(
                    values[i][j],
                    f if isinstance(f, str) and f.startswith("=") else None,
                    ext.at(ext.r0 + i, ext.c0 + j),
                    fmt,
                )
                for j, f in enumerate(formulas[i])
            ]
            for i in range(rows)
        ]

    def table(self, name: str) -> TableCells | None:
        for sheet in self.book.sheets:
            try:
                tables = list(sheet.tables)
            except Exception:  # a platform without table support
                break
            for table in tables:
                if str(getattr(table, "name", "")).lower() == name.lower():
                    block = self._cells(table.range)
                    return TableCells(
                        ["" if c.value is None else str(c.value) for c in block[0]], block[1:], str(sheet.name)
                    )
        if not self.has(name):
            return None
        block = self.cells(name)
        return TableCells(
            ["" if c.value is None else str(c.value) for c in block[0]], block[1:], block[0][0].where.split("!")[0]
        )


# -- planning -------------------------------------------------------------------------------------
def _plan(book, inputs) -> list[tuple[str, Any, list[list[Any]]]]:  # (name, range, grid)
    """Every owned area's range (the top-left of the last one) and grid, planned and checked
    by :func:`alfa_xl.book.owned.plan`, the headless refresh's planner."""
    areas = XlwingsAreas(book)
    return [(p.area.name, areas.ranges[p.area.name], p.grid) for p in plan(areas, inputs).areas]


class XlwingsAreas:
    """:class:`~alfa_xl.book.owned.AreaSource` over an open book (``xw.Book``-shaped);
    keeps the ranges of the owned names it resolved, for writing."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.ranges: dict[str, Any] = {}

    def owned(self, name: str, required: bool, fix: str) -> CellRange | None:
        rng = _named_range(self.book, name, required=required)
        if rng is None:
            return None
        self.ranges[name] = rng
        return _extent(rng)

    def recorded(self, area, old: CellRange) -> CellRange | None:
        return _recorded(self.book, area, old)

    def protected(self, sheet: str) -> bool:
        return _locked(self.book, sheet)

    def input_range(self, name: str) -> CellRange | None:
        rng = _named_range(self.book, name, required=False)
        return None if rng is None else _extent(rng)

    def table(self, name: str) -> CellRange | None:
        found = next(
            (t for s in self.book.sheets for t in _tables(s) if str(getattr(t, "name", "")).lower() == name.lower()),
            None,
        )
        return None if found is None else _extent(found.range)

    def trusted(self, area, old: CellRange, written: CellRange) -> CellRange:
        return _trusted(self.book, area.name, old, written)

    def filled(self, name: str, old: CellRange, new: CellRange) -> list[tuple[int, int]]:
        """Every non-empty cell the owned name or the new tables cover, read in one block
        from the top-left."""
        rng = self.ranges[name]
        rows, cols = max(old.r1, new.r1) - old.r0 + 1, max(old.c1, new.c1) - old.c0 + 1
        values = _grid(rng.resize(1, 1).resize(rows, cols).options(ndim=2, err_to_str=True).value, rows, cols)
        return [
            (old.r0 + i, old.c0 + j)
            for i, row in enumerate(values)
            for j, x in enumerate(row)
            if x is not None and x != ""
        ]


def _locked(book, sheet: str) -> bool:
    """Whether Excel has ``sheet``'s cells protected (``Worksheet.ProtectContents``);
    ``False`` where the platform does not say."""
    try:
        return bool(book.sheets[sheet].api.ProtectContents)
    except Exception:  # no COM object on this platform (macOS, Lite, a double)
        return False


def _recorded(book, area, old: CellRange) -> CellRange | None:
    """The rectangle recorded as written last time for ``area`` (the rule of
    :func:`alfa_xl.book.owned.recorded_rectangle`), ``None`` when the book has no record."""
    name = written_name(area.name)
    if not _has_name(book, name):
        return None
    anchor = _named_range(book, written_anchor_name(area.name), required=False)
    try:
        size = book.names[name].refers_to
    except Exception:
        raise OwnedAreaError(f"defined name {name}", None, recorded_fix(area.name), "unreadable") from None
    return recorded_rectangle(area, str(size), None if anchor is None else _extent(anchor), old)


def _trusted(book, name: str, old: CellRange, written: CellRange) -> CellRange:
    """The rectangle whose rows are the ones the last refresh wrote (the rule of
    :func:`alfa_xl.book.moved.trusted_rectangle`): the owned name's and the recorded
    rectangles read first; when they do not hold the rows as written, the sheet's used range
    read in one block (cut as :func:`alfa_xl.book.locate.search_region` says: at most a
    million cells), where moved tables are looked for."""
    if not _has_name(book, rows_name(name)):
        return written
    try:
        marks = parse_rows_record(str(book.names[rows_name(name)].refers_to))
    except Exception:
        marks = None
    if marks is None or len(marks) != written.r1 - written.r0 + 1:
        return written  # no readable record: the size alone is trusted, as before the marks existed
    sheet = book.sheets[written.sheet]
    near = CellRange(
        written.sheet,
        min(old.r0, written.r0),
        min(old.c0, written.c0),
        max(old.r1, written.r1),
        max(old.c1, written.c1),
    )
    held = held_rectangle(old, written, marks, _values(sheet, near))  # the common case: one small read
    if held is not None:
        return held
    try:
        used: CellRange | None = _extent(sheet.used_range)
    except Exception:  # a platform without it: the rows and columns around the recorded rectangle
        h, w = len(marks), written.c1 - written.c0 + 1
        used = CellRange(
            written.sheet,
            max(0, near.r0 - h),
            max(0, near.c0 - w),
            min(MAX_ROW, near.r1 + h),
            min(MAX_COL, near.c1 + w),
        )
    cells = _values(sheet, search_region(old, written, used))
    return trusted_rectangle(name, old, written, marks, cells, OwnedAreaError)


def _values(sheet, area: CellRange) -> dict[tuple[int, int], Any]:
    """The non-empty values of ``area`` on ``sheet``, read in one block (0-based keys)."""
    block = sheet.range(range_ref(area.r0, area.c0, area.r1, area.c1))
    values = _grid(block.options(ndim=2, err_to_str=True).value, area.r1 - area.r0 + 1, area.c1 - area.c0 + 1)
    return {
        (area.r0 + i, area.c0 + j): x
        for i, row in enumerate(values)
        for j, x in enumerate(row)
        if x is not None and x != ""
    }


def _tables(sheet) -> list:
    try:
        return list(sheet.tables)
    except Exception:  # a platform without table support
        return []


# -- writing --------------------------------------------------------------------------------------
def _address(rng) -> str:
    sheet = str(rng.sheet.name).replace("'", "''")
    return f"='{sheet}'!{rng.address}"


def _redefine(book, name: str, rng) -> None:
    if _has_name(book, name):
        book.names[name].refers_to = _address(rng)
    else:
        book.names.add(name, _address(rng))


def _report(book, message: str, error: bool) -> None:
    """Show ``message`` in ``out_status`` (when defined on its own sheet) and, for errors,
    in a message box where the platform has one."""
    try:
        status = _named_range(book, STATUS_NAME, required=False)
        if status is not None and _extent(status).sheet == STATUS_SHEET:  # never a cell on another sheet
            status.resize(1, 1).value = text_safe(message)
    except Exception:
        logger.warning("could not write the status cell", exc_info=True)
    if error:
        try:
            book.app.alert(message, title=_TITLE, mode="critical")
        except Exception:  # no message boxes on this platform (or in a headless run)
            logger.info("%s", message)


class _Quiet:
    """Manual calculation and no screen updating inside the block; both restored after,
    also on failure. Settings a platform lacks are left alone."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.saved: dict[str, Any] = {}

    def __enter__(self):
        for attr, value in (("calculation", "manual"), ("screen_updating", False)):
            try:
                self.saved[attr] = getattr(self.app, attr)
                setattr(self.app, attr, value)
            except Exception:
                self.saved.pop(attr, None)
        return self

    def __exit__(self, *exc):
        for attr, value in self.saved.items():
            try:
                setattr(self.app, attr, value)
            except Exception:
                logger.warning("could not restore %s", attr, exc_info=True)
        return False


def _write_area(book, name: str, owned, grid: list[list[Any]]) -> Any:
    """Clear the rectangle ``owned`` covers, write ``grid`` from its top-left cell (text
    kept as text) and point ``name`` at what was written."""
    anchor = owned.resize(1, 1)
    rows, cols = len(grid), max((len(r) for r in grid), default=0)
    owned.clear_contents()
    if rows and cols:
        target = anchor.resize(rows, cols)
        target.value = [[text_safe(x) for x in r] for r in grid]
    else:
        target = anchor
    _redefine(book, name, target)
    record = "=" + written_record(rows or 1, cols or 1)  # the size the headless refresh trusts
    if _has_name(book, written_name(name)):
        book.names[written_name(name)].refers_to = record
    else:
        book.names.add(written_name(name), record)
    _redefine(book, written_anchor_name(name), anchor)
    marks = "=" + (rows_record(grid) or '""')
    if _has_name(book, rows_name(name)):
        book.names[rows_name(name)].refers_to = marks
    else:
        book.names.add(rows_name(name), marks)
    return target


def _calculate(app) -> None:
    """Recalculate now, also when the user keeps calculation on manual: every formula over
    the written areas (the Checks, the chart data, the charts) shows the new output."""
    calculate = getattr(app, "calculate", None)
    if not callable(calculate):
        return
    try:
        calculate()
    except Exception:  # a platform without it: the output is written; Excel recalculates when it next does
        logger.warning("could not recalculate after the refresh", exc_info=True)


def _run(book, single: bool) -> str:
    book = _caller(book)
    try:  # one validation pass: every input read, every table computed, every area checked
        inputs = read_book_inputs(XlwingsSource(book), single=single)
        planned = _plan(book, inputs)
        stored = {name: text for name, text in stored_names(inputs).items() if _has_name(book, name)}
    except AlfaInputError as exc:
        message = f"Refresh stopped, nothing changed: {exc}"
        _report(book, message, error=True)
        return message
    try:
        with _Quiet(book.app):
            for name, rng, grid in planned:
                _write_area(book, name, rng, grid)
            for name, text in stored.items():  # the live tables' copies for Excel without the add-in
                book.names[name].refers_to = text
        _calculate(book.app)
    except Exception as exc:
        message = (
            f"Refresh failed while writing ({type(exc).__name__}); run it again, or report this message if it repeats"
        )
        logger.exception("refresh failed while writing")
        _report(book, message, error=True)
        raise
    message = status_text(inputs, REFRESHED_BY)
    _report(book, message, error=False)
    return message


# -- macros ---------------------------------------------------------------------------------------
def refresh_scenarios(book=None) -> str:
    """Refresh the Scenarios sheet for every scenario in ``in_scenario_list``, and the
    Risk sheet around ``in_scenario``.

    Writes the comparison, one projection table and one gap table per scenario into the
    ``out_scenarios`` rectangle, the fan, the probability by year and the tornado into
    ``out_risk``, the backtest summary and the decision points into ``out_track`` and the
    calibrated forecast's headline into ``out_forecast``, each when the workbook defines
    it (see the module docstring).

    Parameters
    ----------
    book : xlwings.Book, optional
        The workbook; ``xw.Book.caller()`` (the workbook whose button ran the macro) when
        omitted.

    Returns
    -------
    str
        The message also shown in ``out_status``. Input errors are reported, not raised;
        an unexpected failure while writing is reported and raised.
    """
    return _run(book, single=False)


def refresh_scenario(book=None) -> str:
    """Refresh the Scenarios sheet for the single scenario in ``in_scenario``, and the
    Risk sheet around it.

    Same output layout and rules as :func:`refresh_scenarios`, for one scenario.
    """
    return _run(book, single=True)


def clear_scenarios(book=None) -> str:
    """Clear the ``out_scenarios`` rectangle and point the name at its top-left cell.

    Calculation and screen updating are handled as in :func:`refresh_scenarios`.
    """
    book = _caller(book)
    area = OWNED_AREAS[0]
    try:
        owned = _named_range(book, area.name)
        check_sheet(area.name, _extent(owned), area.sheet, area.anchor)
    except (AlfaInputError, OwnedAreaError) as exc:
        message = f"Clear stopped, nothing changed: {exc}"
        _report(book, message, error=True)
        return message
    with _Quiet(book.app):
        owned.clear_contents()
        _redefine(book, area.name, owned.resize(1, 1))
    message = "Scenario tables cleared"
    _report(book, message, error=False)
    return message
