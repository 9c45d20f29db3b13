"""ALFA_NOWCAST (category "Alfa Romeo"): the current year's full-year P10/P50/P90 from
year-to-date actuals.

It follows :mod:`alfa_xl.excel.functions` exactly (same decorators, same argument helpers
from the argument modules of :mod:`alfa_xl.excel`, same ``#VALUE!`` messages and result cache) and is
registered through it: ``alfa_xl.excel.functions`` imports it at its end. The arithmetic
is :func:`alfa_xl.model.risk.nowcast.nowcast` (docs/nowcast.md); this module only reads the
cells. Excel error values in the arguments are refused by name (``#N/A``, ``#DIV/0!``,
...), never read as empty cells.
"""

from __future__ import annotations

from typing import Any

from alfa_xl import validation as v
from alfa_xl.excel.argument_error import ArgumentError
from alfa_xl.excel.cells import is_blank, scalar
from alfa_xl.excel.messages import excel_function
from alfa_xl.excel.registration import CATEGORY, wizard_help, xlwings_decorators
from alfa_xl.excel.results import cached
from alfa_xl.model.risk.nowcast import check_pace, nowcast
from alfa_xl.model.risk.result import percentile_label
from alfa_xl.model.risk.settings import DEFAULT_PERCENTILES

__all__ = ["alfa_nowcast"]

_LABELS = [percentile_label(p) for p in DEFAULT_PERCENTILES]

xw = xlwings_decorators()


def _cell(value: Any, arg: str) -> Any:
    """One value; an Excel error value (as text or an Office.js error object) is refused."""
    value = scalar(value, arg)
    err = v.excel_error(value)
    if err:
        raise ArgumentError(arg, err, "correct the cell it refers to", f"Excel error value {err}")
    return value


@wizard_help
@xw.func(category=CATEGORY)
@xw.arg(
    "units_to_date",
    err_to_str=True,
    doc="Worldwide Alfa Romeo units sold from January to the end of the months covered, 0 or more.",
)
@xw.arg(
    "months", err_to_str=True, doc="How many months the units cover, a whole number from 1 to 12 (6 = January to June)."
)
@xw.arg(
    "year",
    err_to_str=True,
    doc="The calendar year, 2025-2060. Empty = the current year (the year after the latest actual).",
)
@xw.arg("override", err_to_str=True, doc="TRUE to use units far from last year's pace (else refused). Empty = FALSE.")
@excel_function
def alfa_nowcast(units_to_date=None, months=None, year=None, override=None):
    """Full-year Alfa Romeo sales from year-to-date units: spills P10, P50 and P90 (units a year)
    from past within-year seasonality.

    Returns
    -------
    list of rows
        Header ``P10, P50, P90``, then one row: the full-year units at those
        percentiles, from the share of the year sold by that month in the shipped
        partial-period history (first half 44.6-45.7% of the year in 2023-2025) and its
        year-to-year spread (docs/nowcast.md). Twelve months give the units themselves.
        Units implying a full year further from the year before than any yearly change
        in the history are refused unless ``override`` is TRUE
        (:func:`alfa_xl.model.risk.nowcast.check_pace`).
    """
    units = _cell(units_to_date, "units_to_date")
    k = _cell(months, "months")
    y = _cell(year, "year")
    y = None if is_blank(y) else y
    accept = v.flag(_cell(override, "override"), "override", error=ArgumentError, default=False)
    if accept:
        nc = nowcast(units, k, y)
    else:
        nc = check_pace(units, k, y, field="units_to_date", override="set override to TRUE")
    key = ("ALFA_NOWCAST", nc.units_to_date, nc.months, nc.year)
    return cached(key, lambda: [list(_LABELS), nc.percentiles()])
