"""Build ``workbook/alfa_outlook.xlsm`` with XlsxWriter, reproducibly.

The workbook follows the FAST Standard: a Cover with the colour key, one Inputs sheet
(named ranges and the lineup table), calculations (Projection, Gap), the refresh-owned
outputs (the Cover's calibrated forecast, Scenarios, Risk with its fan and tornado charts,
Track record with the backtest and its charts), sourced data (Facts), Checks
with one master check, and the active ``xlwings.conf`` sheet. One module per sheet in
:mod:`alfa_xl.book.sheets`; the cells one sheet's formulas read on another are declared
once in :class:`~alfa_xl.book.sheets.base.BookLayout`. Every formula cell carries a cached
value computed here, so the file shows true numbers in any spreadsheet application before
Python runs:

* ``ALFA_*`` cells: the worksheet functions of :mod:`alfa_xl.excel.functions` called directly
  (their xlwings decorators are pass-throughs outside Excel);
* native formulas: the same arithmetic done in Python.

Fixed document properties and XlsxWriter's fixed zip dates make two builds of the same
inputs byte-identical.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import xlsxwriter

from alfa_xl.book.build_inputs import BuildInputs
from alfa_xl.book.buttons import MODULE_SOURCE
from alfa_xl.book.layout import (
    INPUTS,
    LOADED_NAME,
    OWNED_AREAS,
    SHEETS,
    STATUS_ANCHOR,
    STATUS_NAME,
    STATUS_SHEET,
    WORKBOOK_NAME,
    BookInputs,
    laid_out,
    owned_area,
    status_text,
)
from alfa_xl.book.replace import write_beside
from alfa_xl.book.sheets import checks, conf, cover, facts, gap, projection, risk, scenarios, track_record
from alfa_xl.book.sheets import inputs as inputs_sheet
from alfa_xl.book.sheets.base import BookLayout, Context, Formats, Live
from alfa_xl.book.sheets.checks import checks_values, forecast_checks_values, risk_checks_values
from alfa_xl.book.sheets.risk import risk_shape
from alfa_xl.book.stored import LOADED_FORMULA
from alfa_xl.book.xlsx import quote_sheet, range_ref, split_ref
from alfa_xl.model.data.sources import history, latest_actual

__all__ = [
    "build_workbook",
    "write_book",
    "default_path",
    "MODULE_SOURCE",
    "BuildInputs",
    "BuildResult",
    "checks_values",
    "risk_checks_values",
    "risk_shape",
]

#: Who the status line written by the build names.
BUILT_BY = "alfa-xl build-workbook (values as built; press Refresh after changing Inputs)"
#: Fixed creation date written to docProps/core.xml (keeps builds reproducible).
DOC_DATE = _dt.datetime(2026, 1, 1, 0, 0, 0)


def default_path() -> Path:
    """``workbook/alfa_outlook.xlsm`` in the source tree (next to the package)."""
    return Path(__file__).resolve().parents[2] / "workbook" / WORKBOOK_NAME


@dataclass(frozen=True)
class BuildResult:
    """Where the workbook and its module were written, and the checks' cached master."""

    workbook: Path
    module: Path
    master: str


def build_workbook(out: str | os.PathLike | None = None, inputs: BuildInputs | None = None) -> BuildResult:
    """Build the outlook workbook and its same-named Python module.

    Parameters
    ----------
    out : path, optional
        Workbook to write (default ``workbook/alfa_outlook.xlsm`` in the source tree).
        The module is written beside it as ``<stem>.py``.
    inputs : BuildInputs, optional
        What goes into the Inputs sheet; the shipped data by default.

    Returns
    -------
    BuildResult
    """
    path = Path(out) if out is not None else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    inputs = inputs or BuildInputs.default()
    master = write_beside(path, lambda fh: _write_through_memory(fh, inputs))
    module = path.with_suffix(".py")
    write_beside(module, lambda fh: fh.write(MODULE_SOURCE.encode("utf-8")))
    return BuildResult(path, module, master)


def _write_through_memory(fh, inputs: BuildInputs) -> str:
    """Write the workbook into memory, then its bytes into ``fh``: the zip archive never
    wraps the file, so an interrupted build leaves no archive that tries to finish writing
    into a file already closed (Python's ``ZipFile.__del__ ... seek of closed file``)."""
    buf = io.BytesIO()
    master = write_book(buf, inputs)
    fh.write(buf.getbuffer())
    return master


def _check_contract(names: dict[str, str]) -> None:
    """The names the sheets defined are the contract's: every input, owned area and the
    status cell, each on its contract sheet."""
    missing = [i.name for i in INPUTS if i.name not in names] + [a.name for a in OWNED_AREAS if a.name not in names]
    wrong = [
        a.name for a in OWNED_AREAS if a.name in names and not names[a.name].startswith(f"={quote_sheet(a.sheet)}!")
    ]
    anchor = split_ref(STATUS_ANCHOR)
    if (
        STATUS_NAME not in names
        or names[STATUS_NAME] != f"={quote_sheet(STATUS_SHEET)}!{range_ref(*anchor, *anchor, absolute=True)}"
    ):
        wrong.append(STATUS_NAME)
    if missing or wrong:  # pragma: no cover - a sheet writer drifted from the contract
        raise RuntimeError(f"the build does not follow alfa_xl.book.layout: missing {missing}, misplaced {wrong}")


def write_for(dest, book: BookInputs) -> str:
    """The workbook a build writes for the inputs a refresh read (``book``), to ``dest``:
    the refresh takes its formulas' cached values from it (:mod:`alfa_xl.book.recalc`)."""
    return write_book(dest, BuildInputs.from_book(book), book, staged_in_memory=True)


def write_book(dest, inputs: BuildInputs, book: BookInputs | None = None, staged_in_memory: bool = False) -> str:
    """Write the workbook to ``dest`` (a path or a binary file open for writing); returns
    the cached master check. ``book``: the inputs as a refresh read them (default: ``inputs``').
    ``staged_in_memory``: XlsxWriter keeps the parts in memory instead of one temporary file
    each (the refresh's build, read back at once; the parts are the same, the archive's
    dates differ, so ``build-workbook`` keeps its reproducible archive). The temporary files
    go in a folder of their own, removed however the build ends (Ctrl-C included)."""
    if staged_in_memory:
        return _write_book(dest, inputs, book, {"in_memory": True})
    with tempfile.TemporaryDirectory(prefix="alfa-xl-build-") as staging:
        return _write_book(dest, inputs, book, {"tmpdir": staging})


def _write_book(dest, inputs: BuildInputs, book: BookInputs | None, staging: dict[str, object]) -> str:
    book = book or inputs.book_inputs()
    scenario_blocks = owned_area("out_scenarios").tables(book)
    risk_blocks = owned_area("out_risk").tables(book)
    track_blocks = owned_area("out_track").tables(book)
    forecast_blocks = owned_area("out_forecast").tables(book)
    base_year, base_units = latest_actual()
    wb = xlsxwriter.Workbook(
        dest if hasattr(dest, "write") else str(dest),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            **staging,
        },
    )
    wb.set_properties(
        {
            "title": "Alfa Romeo outlook",
            "subject": "Alfa Romeo yearly sales and the gap to 400,000",
            "author": "alfa-xl",
            "company": "",
            "comments": "Built by alfa-xl build-workbook",
            "created": DOC_DATE,
        }
    )
    wb.set_vba_name("ThisWorkbook")
    with resources.as_file(resources.files("alfa_xl.book") / "data" / "vbaProject.bin") as vba:
        wb.add_vba_project(str(vba))
    wb.set_calc_mode("auto")
    cv = checks_values(scenario_blocks, inputs.target, inputs.start_year, inputs.end_year, len(inputs.scenario_list))
    rv = risk_checks_values(risk_blocks, book)
    fv = forecast_checks_values(forecast_blocks, book)
    statuses = [cv.master, *rv.values(), *fv.values()]
    master = "ERROR" if "ERROR" in statuses else ("REFRESH" if "REFRESH" in statuses else "OK")
    layout = BookLayout()
    hist = history()
    ctx = Context(
        wb,
        Formats(wb),
        inputs,
        inputs.refresh_inputs(),
        Live(inputs),
        layout,
        base_year,
        base_units,
        hist,
        facts.history_rows(layout, hist),
        master,
        status_text(book, BUILT_BY, built=True),
    )
    ctx.outputs["scenarios"] = scenario_blocks
    wb.define_name(LOADED_NAME, "=" + LOADED_FORMULA)
    # sheets in contract order; the chart data on Projection links to Facts rows written
    # later, whose positions the layout gives
    cover.write(ctx, *laid_out(forecast_blocks))
    inputs_sheet.write(ctx)
    proj = projection.write(ctx)
    scenarios.write(ctx, *laid_out(scenario_blocks))
    gap_result = gap.write(ctx, proj)
    risk.write(ctx, risk_blocks)
    track_record.write(ctx, track_blocks)
    facts.write(ctx)
    checks.write(ctx, cv, rv, proj, gap_result, fv)
    conf.write(ctx)
    if [w.name for w in wb.worksheets()] != list(SHEETS):  # pragma: no cover
        raise RuntimeError("sheet order differs from the workbook contract")
    _check_contract(ctx.names)
    wb.close()
    return master
