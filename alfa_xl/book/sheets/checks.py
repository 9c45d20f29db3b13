"""The Checks sheet: native Excel formulas over what the refresh wrote (``out_scenarios``,
``out_risk``), cross-checks of the live functions, and the master check ``chk_master``.

Every row comes from :class:`~alfa_xl.book.sheets.base.ChecksLayout`; the formulas refer to
cells of this sheet through it, so moving a section moves its references with it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy_financial as npf
from xlsxwriter.utility import xl_range, xl_range_abs, xl_rowcol_to_cell

from alfa_xl.book.layout import LOADED_NAME, BookInputs
from alfa_xl.book.sheets.base import TOLERANCE, Context, define, new_sheet, status_format
from alfa_xl.book.sheets.gap import DIFF_COL, GapResult
from alfa_xl.book.sheets.gap import SHEET as GAP_SHEET
from alfa_xl.book.sheets.projection import ProjectionResult
from alfa_xl.book.tables.report import Block

SHEET = "Checks"


# -- where the refresh puts each table of out_scenarios ---------------------------------
@dataclass(frozen=True)
class Term:
    """Excel text that composes like the number it stands for (``Term("$C$7") + 5`` is
    ``$C$7+5``), so one piece of arithmetic gives both the cached value and the formula."""

    text: str
    compound: bool = False  # a sum or difference at the top level: parenthesised in a product

    def __add__(self, other: Any) -> Term:
        return Term(f"{self.text}+{_text(other)}", True)

    def __radd__(self, other: Any) -> Term:
        return Term(f"{_text(other)}+{self.text}", True)

    def __sub__(self, other: Any) -> Term:
        return Term(f"{self.text}-{_text(other)}", True)

    def __mul__(self, other: Any) -> Term:
        return Term(f"{_factor(self)}*{_factor(other)}")


def _text(value: Any) -> str:
    return value.text if isinstance(value, Term) else str(value)


def _factor(value: Any) -> str:
    return f"({value.text})" if isinstance(value, Term) and value.compound else _text(value)


@dataclass(frozen=True)
class ScenarioGrid:
    """The grid the refresh writes to ``out_scenarios`` for ``n`` scenarios of ``y`` years
    (whole numbers, or :class:`Term` cell references for the sheet's formulas): the
    comparison (title, header, one row a scenario, a blank row), then one projection table
    per scenario, then one gap table per scenario, each a title, a header, ``y`` rows and
    a blank row. Offsets count rows from the grid's first, as ``OFFSET`` does."""

    n: Any
    y: Any

    #: rows before the first projection's data: the comparison's title, header and blank
    #: row, then that table's title and header
    HEAD = 5
    #: rows of a table besides its data: title, header and the blank row after it
    FRAME = 3

    def table_start(self, j: Any) -> Any:
        """Offset of the data of the ``j``-th table after the comparison (1-based)."""
        return self.n + self.HEAD + (j - 1) * (self.y + self.FRAME)

    def projection_start(self, k: Any) -> Any:
        """Offset of scenario ``k``'s projection rows (1-based ``k``)."""
        return self.table_start(k)

    def gap_start(self, k: Any) -> Any:
        """Offset of scenario ``k``'s gap rows: after the ``n`` projection tables."""
        return self.table_start(self.n + k)


@dataclass(frozen=True)
class ScenarioCheck:
    """Cached values of one row of the per-scenario checks (differences in units)."""

    k: int
    scenario: str
    p0: int
    g0: int
    sums: float
    ident: float
    link: float
    comp: float
    status: str
    total: float
    gap: float


@dataclass(frozen=True)
class ChecksValues:
    """Cached values of the Checks sheet's scenario rows (:func:`checks_values`)."""

    n: int
    y: int
    w: int
    per: tuple[ScenarioCheck, ...]
    stale_target: str
    stale_years: str
    stale_list: str
    master: str


_PER_HEADERS = [
    "#",
    "Scenario",
    "Projection rows start (offset)",
    "Gap rows start (offset)",
    "Total - sum of models",
    "Target - projection - gap",
    "Gap table projection - total",
    "Compare: target - total - gap",
    "Status",
    "Gap in compare year",
    "Own growth a year",
]


def write(
    ctx: Context, cv: ChecksValues, rv: dict[str, str], proj: ProjectionResult, gap: GapResult, fv: dict[str, str]
) -> None:
    """The Checks sheet, with ``cv`` (:func:`checks_values`), ``rv``
    (:func:`risk_checks_values`) and ``fv`` (:func:`forecast_checks_values`) as the cached values.

    Long because it is one table of formulas read top to bottom; each block is a few
    lines and they share the layout's cell references.
    """
    f = ctx.f
    inp = ctx.inputs
    L = ctx.layout.checks
    V = L.value_col
    ws = new_sheet(ctx, SHEET, {0: 5, 1: 62, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14, 9: 14, 10: 12, 11: 12})
    ws.write(0, 0, "Checks", f.title())
    ws.write(
        1,
        0,
        "Native Excel formulas over the values the refresh wrote (names out_scenarios and "
        "out_risk): they work with or without the Python add-in.",
        f.subtitle(),
    )
    ws.write(
        2,
        0,
        "The master check is ERROR when any check below fails or holds an error value (#VALUE!, #REF!, ...).",
        f.subtitle(),
    )
    per = xl_range(L.per_first, L.per_status_col, L.per_last, L.per_status_col)
    stale = xl_range(L.stale_first, V, L.stale_first + L.STALE_ROWS - 1, V)
    risk = xl_range(L.risk_first, V, L.risk_first + L.RISK_ROWS - 1, V)
    fc = xl_range(L.forecast_first, V, L.forecast_first + L.FORECAST_ROWS - 1, V)
    ws.write(L.master_row, 1, "Master check", f.get(bold=True, font_size=12))
    # any error value below the master (a #VALUE! in a check's inputs, a #REF! after a deletion) is an ERROR too
    # (the live functions' rows, not part of the master, left out)
    above = xl_range_abs(L.shape_row - 1, 0, L.live_first - 2, L.last_col)
    below = xl_range_abs(L.risk_first - 1, 0, L.last_row, L.last_col)
    ws.write_formula(
        L.master_row,
        V,
        f"=IF(SUMPRODUCT(--ISERROR({above}))+SUMPRODUCT(--ISERROR({below}))"
        f'+COUNTIF({per},"ERROR")+COUNTIF({stale},"ERROR")+COUNTIF({risk},"ERROR")'
        f'+COUNTIF({fc},"ERROR")>0,"ERROR",'
        f'IF(COUNTIF({stale},"REFRESH")+COUNTIF({risk},"REFRESH")+COUNTIF({fc},"REFRESH")>0,"REFRESH","OK"))',
        f.get(bold=True, font_size=12, align="center"),
        ctx.master,
    )
    define(ctx, "chk_master", SHEET, L.master_row, V)
    status_format(ctx, ws, L.master_row, V, L.master_row, V)
    ws.write(
        L.master_row,
        V + 1,
        "OK: all checks pass. REFRESH: press Refresh scenarios and risk (the output is older "
        "than the Inputs). ERROR: see below.",
        f.note(),
    )

    # the shape of the refresh output: n scenarios, Y years, W columns
    n, y, _w = (xl_rowcol_to_cell(L.shape_row + i, V) for i in range(3))
    n_abs, y_abs, w_abs = (xl_rowcol_to_cell(L.shape_row + i, V, True, True) for i in range(3))
    ws.write(L.shape_row - 1, 1, "Shape of the refresh output", f.section())
    shape = (
        ("Scenarios in the output (n)", '=COUNTIF(INDEX(out_scenarios,0,1),"Year")/2', cv.n, "0"),
        ("Years per scenario (Y)", f"=(ROWS(out_scenarios)-{n}-2)/(2*{n})-3", cv.y, "0"),
        (
            "Columns of a projection table (Year, models, Total)",
            f"=COUNTA(OFFSET(out_scenarios,{n}+4,0,1,COLUMNS(out_scenarios)))",
            cv.w,
            "0",
        ),
    )
    for i, (label, formula, count, fmt) in enumerate(shape):
        ws.write(L.shape_row + i, 1, label, f.label())
        ws.write_formula(L.shape_row + i, V, formula, f.calc(fmt), count)

    ws.write(L.per_header - 1, 1, "Per scenario (max absolute difference, units)", f.section())
    ws.write_row(L.per_header, 0, _PER_HEADERS, f.header(text_wrap=True))
    ws.set_row(L.per_header, 40)
    per_values = {p.k: p for p in cv.per}
    cells = ScenarioGrid(Term(n_abs), Term(y_abs))
    for k in range(1, L.rows + 1):
        r = L.per_header + k
        R = r + 1
        p = per_values.get(k)
        on = f"$A{R}<={n_abs}"
        ws.write_number(r, 0, k, f.calc("0"))
        k_cell = Term(f"$A{R}")
        ws.write_formula(r, 1, f'=IF({on},INDEX(out_scenarios,2+$A{R},1),"")', f.calc(), p.scenario if p else "")
        ws.write_formula(r, 2, f'=IF({on},{cells.projection_start(k_cell).text},"")', f.calc("0"), p.p0 if p else "")
        ws.write_formula(r, 3, f'=IF({on},{cells.gap_start(k_cell).text},"")', f.calc("0"), p.g0 if p else "")
        models = f"OFFSET(out_scenarios,C{R},1,{y_abs},{w_abs}-2)"
        ones = f"TRANSPOSE(COLUMN(OFFSET(out_scenarios,0,1,1,{w_abs}-2))^0)"
        total = f"OFFSET(out_scenarios,C{R},{w_abs}-1,{y_abs},1)"
        gcol = lambda c, R=R: f"OFFSET(out_scenarios,D{R},{c},{y_abs},1)"  # noqa: E731
        ws.write_array_formula(
            r,
            4,
            r,
            4,
            f'{{=IF({on},MAX(ABS(MMULT({models},{ones})-{total})),"")}}',
            f.calc("0.00"),
            p.sums if p else "",
        )
        ws.write_array_formula(
            r,
            5,
            r,
            5,
            f'{{=IF({on},MAX(ABS({gcol(2)}-{gcol(1)}-{gcol(3)})),"")}}',
            f.calc("0.00"),
            p.ident if p else "",
        )
        ws.write_array_formula(
            r, 6, r, 6, f'{{=IF({on},MAX(ABS({gcol(1)}-{total})),"")}}', f.calc("0.00"), p.link if p else ""
        )
        ws.write_formula(
            r,
            7,
            f'=IF({on},ABS(INDEX(out_scenarios,2+$A{R},3)-INDEX(out_scenarios,2+$A{R},2)-INDEX(out_scenarios,2+$A{R},4)),"")',
            f.calc("0.00"),
            p.comp if p else "",
        )
        ws.write_formula(
            r,
            L.per_status_col,
            f'=IF({on},IF(MAX(E{R}:H{R})<=in_tolerance,"OK","ERROR"),"")',
            f.calc(align="center"),
            p.status if p else "",
        )
        gap_native = inp.target - p.total if p else ""
        ws.write_formula(r, 9, f'=IF({on},in_target-INDEX(out_scenarios,2+$A{R},2),"")', f.calc("#,##0"), gap_native)
        own = (
            (p.total / ctx.base_units) ** (1 / (inp.compare_year - ctx.base_year)) - 1
            if p and inp.compare_year > ctx.base_year
            else ""
        )
        ws.write_formula(
            r,
            10,
            f'=IF(AND({on},in_compare_year>data_base_year),(INDEX(out_scenarios,2+$A{R},2)/data_base_units)^(1/(in_compare_year-data_base_year))-1,"")',
            f.calc("0.0%"),
            own,
        )
    status_format(ctx, ws, L.per_first, L.per_status_col, L.per_last, L.per_status_col)

    ws.write(L.stale_first - 1, 1, "Output up to date with the Inputs", f.section())
    stale_rows = (
        (
            "Target in the output equals in_target",
            '=IF(ABS(INDEX(out_scenarios,3,3)-in_target)<=in_tolerance,"OK","REFRESH")',
            cv.stale_target,
        ),
        (
            "Years in the output equal in_start_year to in_end_year",
            f'=IF(AND(INDEX(out_scenarios,{n}+6,1)=in_start_year,{y}=in_end_year-in_start_year+1),"OK","REFRESH")',
            cv.stale_years,
        ),
        (
            "Scenarios in the output equal the filled cells of in_scenario_list",
            f'=IF({n}=COUNTA(in_scenario_list),"OK","REFRESH")',
            cv.stale_list,
        ),
    )
    for i, (label, formula, value) in enumerate(stale_rows):
        ws.write(L.stale_first + i, 1, label, f.label())
        ws.write_formula(L.stale_first + i, V, formula, f.calc(align="center"), value)
    status_format(ctx, ws, L.stale_first, V, L.stale_first + L.STALE_ROWS - 1, V)

    r = L.native_section
    ws.write(r, 1, "Native figures (from Facts and Inputs)", f.section())
    years = inp.compare_year - ctx.base_year
    rate = float(npf.rate(years, 0, -ctx.base_units, inp.target)) if years > 0 else ""
    ws.write(r + 1, 1, "Growth a year required to reach the target by the compare year", f.label())
    ws.write_formula(
        r + 1,
        V,
        '=IF(in_compare_year>data_base_year,RATE(in_compare_year-data_base_year,0,-data_base_units,in_target),"")',
        f.calc("0.0%"),
        rate,
    )
    ws.write(r + 2, 1, "Latest actual (year, units)", f.label())
    ws.write_formula(r + 2, V, "=data_base_year", f.calc("0"), ctx.base_year)
    ws.write_formula(r + 2, V + 1, "=data_base_units", f.calc("#,##0"), ctx.base_units)

    r = L.live_first
    ws.write(r - 1, 1, "Live functions (Excel with the xlwings add-in; not part of the master check)", f.section())
    first_diff = xl_rowcol_to_cell(gap.first, DIFF_COL, True, True)
    diffs = f"OFFSET({GAP_SHEET}!{first_diff},0,0,in_end_year-in_start_year+1,1)"
    ws.write(r, 1, "ALFA_GAP_TABLE gap equals target - ALFA_PROJECT total", f.label())
    # without the functions the live tables show their stored copies: "not loaded", as the file is stored
    ws.write_formula(
        r,
        V,
        f'=IF(NOT({LOADED_NAME}),"not loaded",IF(SUMPRODUCT(ABS({diffs}))<=in_tolerance,"OK","ERROR"))',
        f.calc(align="center"),
        "not loaded",
    )
    ws.write(r + 1, 1, "ALFA_PROJECT total equals the sum of its models", f.label())
    spill = ctx.layout.by_model
    head = f"{spill.sheet}!{xl_rowcol_to_cell(spill.row, 0, True, True)}"
    head_row = f"{spill.sheet}!{xl_range_abs(spill.row, 0, spill.row, 25)}"
    rows = "(in_end_year-in_start_year+1)"
    spill_models = f"OFFSET({head},1,1,{rows},COUNTA({head_row})-2)"
    spill_ones = f"TRANSPOSE(COLUMN(OFFSET({head},0,1,1,COUNTA({head_row})-2))^0)"
    spill_total = f"OFFSET({head},1,COUNTA({head_row})-1,{rows},1)"
    ws.write_array_formula(
        r + 1,
        V,
        r + 1,
        V,
        f'{{=IF(NOT({LOADED_NAME}),"not loaded",'
        f'IF(MAX(ABS(MMULT({spill_models},{spill_ones})-{spill_total}))<=in_tolerance,"OK","ERROR"))}}',
        f.calc(align="center"),
        "not loaded",
    )
    status_format(ctx, ws, r, V, r + 1, V)

    r = L.risk_first
    ws.write(r - 1, 1, "Risk sheet (out_risk; Y years, D drivers as counted on the Risk sheet)", f.section())
    Y, D, T = "calc_risk_years", "calc_risk_drivers", "calc_risk_tornado_row"
    fan = lambda c: f"OFFSET(out_risk,2,{c},{Y},1)"  # noqa: E731 - P10, P50, P90 are columns 1-3
    prob = f"OFFSET(out_risk,5+{Y},1,{Y},1)"
    torn = lambda c, n=D, down=0: f"OFFSET(out_risk,{T}+{down},{c},{n},1)"  # noqa: E731 - Low, High, Swing are columns 1-3
    title = "INDEX(out_risk,1,1)"
    risk_rows = (
        (
            "Fan: P10 <= P50 <= P90 in every year",
            True,
            f'{{=IF(SUM(({fan(1)}>{fan(2)})+({fan(2)}>{fan(3)}))=0,"OK","ERROR")}}',
            rv["order"],
        ),
        (
            "Probability of reaching the target between 0 and 1 in every year",
            True,
            f'{{=IF(AND(MIN({prob})>=0,MAX({prob})<=1),"OK","ERROR")}}',
            rv["within"],
        ),
        (
            "Tornado: high >= low, swing = high - low, largest swing first",
            True,
            f'{{=IF({D}=0,"OK",IF(AND(MIN({torn(2)}-{torn(1)})>=0,MAX(ABS({torn(2)}-{torn(1)}-{torn(3)}))<=in_tolerance,'
            f'MIN({torn(3, f"MAX(1,{D}-1)")}-{torn(3, f"MAX(1,{D}-1)", 1)})>=0),"OK","ERROR"))}}',
            rv["tornado"],
        ),
        (
            "Risk years equal in_start_year to in_end_year",
            False,
            f'=IF(AND({Y}=in_end_year-in_start_year+1,INDEX(out_risk,3,1)=in_start_year),"OK","REFRESH")',
            rv["years"],
        ),
        (
            "Risk paths drawn with in_scenario, in_paths and in_seed",
            False,
            f'=IF(AND(ISNUMBER(SEARCH("around scenario "&in_scenario&",",{title})),'
            f'OR(ISBLANK(in_paths),ISNUMBER(SEARCH(" "&TEXT(in_paths,"#,##0")&" paths",{title}))),'
            f'OR(ISBLANK(in_seed),ISNUMBER(SEARCH("seed "&in_seed&" ",{title})))),"OK","REFRESH")',
            rv["made"],
        ),
    )
    for i, (label, array, formula, value) in enumerate(risk_rows):
        ws.write(r + i, 1, label, f.label())
        if array:
            ws.write_array_formula(r + i, V, r + i, V, formula, f.calc(align="center"), value)
        else:
            ws.write_formula(r + i, V, formula, f.calc(align="center"), value)
    status_format(ctx, ws, r, V, r + L.RISK_ROWS - 1, V)
    _forecast_rows(ctx, ws, fv)


def _forecast_rows(ctx: Context, ws, fv: dict[str, str]) -> None:
    """Two rows over the Cover's ``out_forecast`` (title, header, two band rows, ..., the
    current-year text in row 13): the bands ordered, and made with the year-to-date cells."""
    f, L = ctx.f, ctx.layout.checks
    V, r = L.value_col, L.forecast_first
    ws.write(r - 1, 1, "Cover forecast (out_forecast)", f.section())
    band = lambda i, j: f"INDEX(out_forecast,{i},{j})"  # noqa: E731 - rows 3-4, columns P10, P50, P90
    now = "INDEX(out_forecast,13,1)"
    rows = (
        (
            "Forecast: P10 <= P50 <= P90 for the year and the cumulative",
            f"=IF(AND({band(3, 2)}<={band(3, 3)},{band(3, 3)}<={band(3, 4)},"
            f'{band(4, 2)}<={band(4, 3)},{band(4, 3)}<={band(4, 4)}),"OK","ERROR")',
            fv["order"],
        ),
        (
            "Forecast made with in_ytd_units and in_ytd_months (both blank: unconditioned)",
            f'=IF(IF(AND(ISBLANK(in_ytd_units),ISBLANK(in_ytd_months)),ISNUMBER(SEARCH("unconditioned",{now})),'
            'ISNUMBER(SEARCH(TEXT(in_ytd_units,"#,##0")&" units in the first "&in_ytd_months&" month",'
            f'{now}))),"OK","REFRESH")',
            fv["made"],
        ),
    )
    for i, (label, formula, value) in enumerate(rows):
        ws.write(r + i, 1, label, f.label())
        ws.write_formula(r + i, V, formula, f.calc(align="center"), value)
    status_format(ctx, ws, r, V, r + L.FORECAST_ROWS - 1, V)


# -- cached values ---------------------------------------------------------------------
def _status(*statuses: str) -> str:
    return "ERROR" if "ERROR" in statuses else ("REFRESH" if "REFRESH" in statuses else "OK")


def checks_values(
    blocks: list[Block], target: float, start: int, end: int, listed: int, tol: float = TOLERANCE
) -> ChecksValues:
    """The cached values of the Checks sheet's scenario rows, from the tables of
    ``out_scenarios`` as built (``blocks``: the comparison, one projection per scenario,
    one gap table per scenario, as :func:`alfa_xl.book.layout.scenario_area_blocks` gives
    them). The sheet's formulas find the same tables from the shape of the written grid;
    LibreOffice's recalculation checks that both agree (``tests/test_book_libreoffice.py``).
    """
    compare = blocks[0].frame
    n = len(compare)
    proj, gaps = blocks[1 : 1 + n], blocks[1 + n : 1 + 2 * n]
    y = len(proj[0].frame) if n else 0
    w = len(proj[0].frame.columns) if n else 0
    grid = ScenarioGrid(n, y)
    per = []
    for k in range(1, n + 1):
        p = proj[k - 1].frame
        g = gaps[k - 1].frame
        models = p.drop(columns=["Year", "Total"])
        sums = float((models.sum(axis=1) - p["Total"]).abs().max())
        ident = float((g["Target"] - g["Projection"] - g["Gap"]).abs().max())
        link = float(abs(g["Projection"].to_numpy() - p["Total"].to_numpy()).max())
        row = compare.iloc[k - 1]
        comp = abs(float(row["Target"]) - float(row["Total"]) - float(row["Gap"]))
        per.append(
            ScenarioCheck(
                k,
                row["Scenario"],
                grid.projection_start(k),
                grid.gap_start(k),
                sums,
                ident,
                link,
                comp,
                "OK" if max(sums, ident, link, comp) <= tol else "ERROR",
                float(row["Total"]),
                float(row["Gap"]),
            )
        )
    stale_target = "OK" if n and abs(float(compare["Target"].iloc[0]) - target) <= tol else "REFRESH"
    stale_years = "OK" if n and int(proj[0].frame["Year"].iloc[0]) == start and y == end - start + 1 else "REFRESH"
    stale_list = "OK" if n == listed else "REFRESH"
    master = _status(*[q.status for q in per], stale_target, stale_years, stale_list)
    return ChecksValues(n, y, w, tuple(per), stale_target, stale_years, stale_list, master)


def risk_checks_values(blocks: list[Block], inputs: BookInputs, tol: float = TOLERANCE) -> dict[str, str]:
    """The cached values of the Checks sheet's Risk rows, from the tables of ``out_risk``
    as built (the fan, the probability by year, the tornado). The output is made from
    ``inputs``, which are the workbook's Inputs, so it is current (``made``)."""
    fan, prob, torn = (b.frame for b in blocks)
    fan = fan.dropna(subset=["P10", "P50", "P90"])  # years before the forecast are blank
    order = "OK" if ((fan["P10"] <= fan["P50"]) & (fan["P50"] <= fan["P90"])).all() else "ERROR"
    within = "OK" if prob["Probability"].dropna().between(0, 1).all() else "ERROR"
    fan = blocks[0].frame
    swings = list(torn["Swing"])
    tornado = (
        "OK"
        if (
            (torn["High"] >= torn["Low"]).all()
            and ((torn["High"] - torn["Low"] - torn["Swing"]).abs() <= tol).all()
            and all(a >= b for a, b in itertools.pairwise(swings))
        )
        else "ERROR"
    )
    r = inputs.refresh
    years = (
        "OK" if len(fan) == r.end_year - r.start_year + 1 and int(fan["Year"].iloc[0]) == r.start_year else "REFRESH"
    )
    return {"order": order, "within": within, "tornado": tornado, "years": years, "made": "OK"}


def forecast_checks_values(blocks: list[Block], inputs: BookInputs) -> dict[str, str]:
    """The cached values of the Checks sheet's Cover forecast rows, from the tables of
    ``out_forecast`` as built (made from ``inputs``, the workbook's Inputs, so current)."""
    band = blocks[0].frame
    order = "OK" if ((band["P10"] <= band["P50"]) & (band["P50"] <= band["P90"])).all() else "ERROR"
    return {"order": order, "made": "OK"}
