"""Macros behind the workbook's buttons: refresh the scenario and risk tables, or clear
the scenario tables.

Each macro takes the workbook (``xw.Book.caller()`` when none is given), so the same code
runs from a button through RunPython (classic xlwings, Windows and macOS), as an xlwings
Lite ``@script`` and from Python with any object shaped like ``xw.Book``.

Workbook contract (defined names, never cell addresses):

=====================  ==========================================================
``in_target``          target, units a year (empty = 400,000)
``in_start_year``      first projection year (empty = 2026)
``in_end_year``        last projection year (empty = 2030)
``in_compare_year``    year of the scenario comparison and the tornado (empty = 2030)
``in_scenario``        the scenario :func:`refresh_scenario` writes, and the one the
                       Risk sheet's paths vary around (empty = base)
``in_scenario_list``   vertical range of scenario names (blank cells ignored;
                       empty = every built-in scenario)
``in_paths``           Monte Carlo paths of the Risk sheet (empty or 0 = 10,000)
``in_seed``            seed of the Risk sheet's draws (empty = the default seed)
``tbl_lineup``         Excel table of models, columns as the lineup CSV (or a
                       defined name of that range; absent = the shipped lineup)
``out_scenarios``      on sheet ``Scenarios``: the rectangle last written; its
                       top-left cell is where the output starts
``out_risk``           on sheet ``Risk``: the same for the fan, the probability by
                       year and the tornado (optional: skipped when not defined)
``out_status``         optional one-cell range where the macros report the outcome
=====================  ==========================================================

A refresh reads and validates every input and computes every table of both areas before
it writes anything (one validation pass). It then switches calculation to manual and
screen updating off, clears the previous ``out_scenarios`` rectangle, writes the new one
(comparison, one projection per scenario, one gap table per scenario), does the same for
``out_risk`` (:func:`alfa_xl.book.layout.risk_area_blocks`), redefines both names and
restores both settings, also when writing fails. The tables and the status line come from
:mod:`alfa_xl.book.layout`, as in ``alfa-xl refresh``, so both write the same cells.
Errors are shown in ``out_status`` and in a message box where the platform has one; the
output is left as it was when validation fails.

RunPython (button macro in VBA)::

    Sub RefreshScenarios()
        RunPython "import alfa_xl.excel.macros as m; m.refresh_scenarios()"
    End Sub
"""

from __future__ import annotations

import logging
from typing import Any

from alfa_xl.excel import args as xa
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.gap import DEFAULT_TARGET
from alfa_xl.model.projection import default_horizon
from alfa_xl.book.layout import BookInputs, risk_area_blocks, scenario_area_blocks, status_text
from alfa_xl.model.report import RefreshInputs, blocks_to_grid
from alfa_xl.model.simulate import DEFAULT_PATHS, check_paths, check_seed

__all__ = [
    "refresh_scenarios",
    "refresh_scenario",
    "clear_scenarios",
    "read_inputs",
    "read_book_inputs",
    "OUTPUT_NAME",
    "RISK_NAME",
    "STATUS_NAME",
    "INPUT_NAMES",
]

logger = logging.getLogger(__name__)

#: Defined name of the output rectangle the refresh owns.
OUTPUT_NAME = "out_scenarios"
#: Defined name of the Risk sheet's output rectangle (optional).
RISK_NAME = "out_risk"
#: Who the status line names as having refreshed the workbook.
REFRESHED_BY = "the Refresh button"
#: Defined name of the optional status cell.
STATUS_NAME = "out_status"
#: Defined names read by the refresh, by role.
INPUT_NAMES = {
    "target": "in_target",
    "start_year": "in_start_year",
    "end_year": "in_end_year",
    "compare_year": "in_compare_year",
    "scenario": "in_scenario",
    "scenario_list": "in_scenario_list",
    "paths": "in_paths",
    "seed": "in_seed",
    "lineup": "tbl_lineup",
}
_TITLE = "alfa-xl"


class _Stop(Exception):
    """A problem found before anything was written."""


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
            raise AlfaInputError(name, "(not a range)", f"make the defined name {name} refer to cells", "not a range") from None
    if required:
        raise AlfaInputError(name, "(missing)", f"define the name {name} (Formulas > Name Manager)", "defined name missing")
    return None


def _named_value(book, name: str) -> Any:
    rng = _named_range(book, name, required=False)
    return None if rng is None else rng.value


def _table_values(book, name: str) -> Any:
    """Values of an Excel table (header row included) by name, searched on every sheet;
    a defined name of the same name is accepted too."""
    for sheet in book.sheets:
        try:
            tables = list(sheet.tables)
        except Exception:  # a platform without table support
            break
        for table in tables:
            if str(getattr(table, "name", "")).lower() == name.lower():
                return table.range.value
    return _named_value(book, name)


def read_inputs(book, scenarios: tuple[str, ...] | None = None) -> RefreshInputs:
    """Read and validate the refresh inputs from the workbook's defined names and table.

    Parameters
    ----------
    book : xlwings.Book
        The workbook (or an object shaped like it).
    scenarios : tuple of str, optional
        Scenario names to refresh instead of ``in_scenario_list``.

    Raises
    ------
    AlfaInputError
        Naming the defined name that is wrong and how to fix it.
    """
    n = INPUT_NAMES
    target = xa.number(_named_value(book, n["target"]), n["target"], default=DEFAULT_TARGET,
                       fix="give the target in units a year, above 0", zero_is_blank=True)
    if target <= 0:
        raise xa.ArgumentError(n["target"], target, "give the target in units a year, above 0", "must be above 0")
    d_start, d_end = default_horizon()
    start = xa.year(_named_value(book, n["start_year"]), n["start_year"], default=d_start)
    end = xa.year(_named_value(book, n["end_year"]), n["end_year"], default=max(d_end, start))
    if end < start:
        raise xa.ArgumentError(n["end_year"], end, f"give an end year on or after the start year {start}", "before the start year")
    compare = xa.year(_named_value(book, n["compare_year"]), n["compare_year"], default=2030)
    if scenarios is None:
        raw = _named_value(book, n["scenario_list"])
        cells = raw if isinstance(raw, (list, tuple)) else [raw]
        flat = [v for row in cells for v in (row if isinstance(row, (list, tuple)) else [row])]
        chosen = [xa.scenario(v, n["scenario_list"]) for v in flat if not xa.is_blank(v, zero=True)]
    else:
        chosen = [xa.scenario(s, n["scenario"]) for s in scenarios]
    names = list(dict.fromkeys(s.name for s in chosen))
    if len(names) != len(chosen):
        raise xa.ArgumentError(n["scenario_list"], [s.name for s in chosen], "list each scenario once", "a scenario is listed twice")
    lineup = xa.lineup(_table_values(book, n["lineup"]), n["lineup"])
    kwargs: dict[str, Any] = {"target": target, "start_year": start, "end_year": end, "compare_year": compare}
    if chosen:
        kwargs["scenarios"] = tuple(names)
    if lineup is not None:
        kwargs["lineup"] = lineup
    return RefreshInputs(**kwargs)


def _checked(check, value: Any, name: str):
    try:
        return check(value)
    except AlfaInputError as exc:
        raise xa.ArgumentError(name, value, exc.fix, exc.problem) from None


def read_book_inputs(book, scenarios: tuple[str, ...] | None = None) -> BookInputs:
    """:func:`read_inputs` plus the Risk sheet's ``in_scenario``, ``in_paths`` and
    ``in_seed``, validated (the same rules as ``alfa-xl refresh``).

    Raises
    ------
    AlfaInputError
        Naming the defined name that is wrong and how to fix it.
    """
    n = INPUT_NAMES
    refresh = read_inputs(book, scenarios)
    scenario = xa.scenario(_named_value(book, n["scenario"]), n["scenario"])
    paths = _named_value(book, n["paths"])
    paths = DEFAULT_PATHS if xa.is_blank(paths, zero=True) else _checked(check_paths, paths, n["paths"])
    seed = _named_value(book, n["seed"])
    seed = _checked(check_seed, None if xa.is_blank(seed) else seed, n["seed"])
    return BookInputs(refresh, scenario, paths, seed)


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
    """Show ``message`` in ``out_status`` (when defined) and, for errors, in a message box
    where the platform has one."""
    try:
        status = _named_range(book, STATUS_NAME, required=False)
        if status is not None:
            status.resize(1, 1).value = message
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

    def __init__(self, app):
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


def _write_area(book, name: str, grid: list[list[Any]]) -> Any:
    """Clear the rectangle ``name`` covers, write ``grid`` from its top-left cell and
    point ``name`` at what was written."""
    owned = _named_range(book, name)
    anchor = owned.resize(1, 1)
    rows, cols = len(grid), max((len(r) for r in grid), default=0)
    owned.clear_contents()
    if rows and cols:
        target = anchor.resize(rows, cols)
        target.value = grid
    else:
        target = anchor
    _redefine(book, name, target)
    return target


def _run(book, scenarios: tuple[str, ...] | None) -> str:
    book = _caller(book)
    try:  # one validation pass: every input read and every table computed first
        _named_range(book, OUTPUT_NAME)
        risk = _named_range(book, RISK_NAME, required=False) is not None
        inputs = read_book_inputs(book, scenarios)
        grids = [(OUTPUT_NAME, blocks_to_grid(scenario_area_blocks(inputs)))]
        if risk:
            grids.append((RISK_NAME, blocks_to_grid(risk_area_blocks(inputs))))
    except AlfaInputError as exc:
        message = f"Refresh stopped, nothing changed: {exc}"
        _report(book, message, error=True)
        return message
    try:
        with _Quiet(book.app):
            for name, grid in grids:
                _write_area(book, name, grid)
    except Exception as exc:
        message = f"Refresh failed while writing ({type(exc).__name__}); run it again, or report this message if it repeats"
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
    ``out_scenarios`` rectangle, and the fan, the probability by year and the tornado
    into ``out_risk`` when the workbook defines it (see the module docstring).

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
    return _run(book, None)


def refresh_scenario(book=None) -> str:
    """Refresh the Scenarios sheet for the single scenario in ``in_scenario``, and the
    Risk sheet around it.

    Same output layout and rules as :func:`refresh_scenarios`, for one scenario.
    """
    book = _caller(book)
    try:
        name = xa.text(_named_value(book, INPUT_NAMES["scenario"]), INPUT_NAMES["scenario"], default="base")
    except AlfaInputError as exc:
        message = f"Refresh stopped, nothing changed: {exc}"
        _report(book, message, error=True)
        return message
    return _run(book, (name,))


def clear_scenarios(book=None) -> str:
    """Clear the ``out_scenarios`` rectangle and point the name at its top-left cell.

    Calculation and screen updating are handled as in :func:`refresh_scenarios`.
    """
    book = _caller(book)
    try:
        owned = _named_range(book, OUTPUT_NAME)
    except AlfaInputError as exc:
        message = f"Clear stopped, nothing changed: {exc}"
        _report(book, message, error=True)
        return message
    with _Quiet(book.app):
        owned.clear_contents()
        _redefine(book, OUTPUT_NAME, owned.resize(1, 1))
    message = "Scenario tables cleared"
    _report(book, message, error=False)
    return message
