"""The Track record sheet: the refresh-owned ``out_track`` as built (the summary of
``alfa-xl backtest`` and one table per shipped decision point), the sources of the
decision points, and one native chart per decision point of what was promised (the target
path), what happened (the actuals) and what the tool would have said (P50 with P10/P90).

The charts read the cells of ``out_track`` where the build puts them. The replays depend
only on the shipped data (decision points, their lineups, the history), not on the Inputs,
so a refresh writes the same rectangle with the same shape and the charts stay on it.
"""

from __future__ import annotations

import textwrap
from typing import Any

from alfa_xl.book.layout import laid_out, owned_area
from alfa_xl.book.sheets.base import Context, legend_below, new_sheet, units_axis
from alfa_xl.book.sheets.scenarios import write_owned
from alfa_xl.book.tables.report import Block
from alfa_xl.book.tables.track_record import POINT_COLUMNS, TRACK_PATHS
from alfa_xl.book.xlsx import split_ref
from alfa_xl.model.evidence.replay import DECISION_POINTS
from alfa_xl.model.risk.settings import DEFAULT_SEED

__all__ = ["SHEET", "AREA", "write", "point_rows", "CHART_SERIES"]

AREA = owned_area("out_track")
SHEET = AREA.sheet
#: Column of ``POINT_COLUMNS`` each chart series plots, its legend name and its line.
CHART_SERIES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("P90", "Tool would have said: P90", {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"}),
    ("P50", "Tool would have said: P50", {"color": "#2E75B6", "width": 2.25}),
    ("P10", "Tool would have said: P10", {"color": "#9DC3E6", "width": 1.5, "dash_type": "dash"}),
    ("Target path", "Promised: the plan's target path", {"color": "#C00000", "width": 1.5, "dash_type": "dash"}),
    ("Actual", "Happened: actual", {"color": "#262626", "width": 1.75}),
)
_CHART_COL = 10  # column K: the charts, right of the tables
_CHART_HEIGHT = 300  # pixels; 20 px a row
_CHART_ROW = 5  # the charts start beside out_track, below the notes
_WRAP = 130  # characters a line of the sources' notes (kept left of the charts)
_NOTES = (
    "Written by the refresh (button Refresh scenarios and risk, or alfa-xl refresh): every shipped decision point "
    "replayed "
    f"with only what was known then, as alfa-xl backtest does ({TRACK_PATHS:,} paths, seed {DEFAULT_SEED}).",
    "Do not type in the grey area: the next refresh clears it; the name out_track always covers the area last written.",
    "Units a year. Coverage: share of actuals inside P10-P90 (80% if calibrated). Sharpness: median P90/P10. Errors: "
    "median "
    "absolute % error of the P50, the point projection, no change from the last actual and the company's target path.",
    "Interval score: mean Winkler score of P10-P90 / actual (lower is better); pinball: quantile loss of P10/P50/P90 "
    "/ actual; "
    "skill: 1 - score / the best naive forecaster's in the band. Horizon 1-2: the first two forecast years. Point: the "
    "scenario without uncertainty.",
)


def point_rows(blocks: list[Block]) -> dict[str, tuple[int, int]]:
    """First and last data row (0-based, on the sheet) of each decision point's table in
    ``out_track`` as built: every table is a title, a header and its rows, one blank row
    between tables (:func:`alfa_xl.book.tables.report.blocks_to_grid`)."""
    r0, _ = split_ref(AREA.anchor)
    out, row = {}, r0
    for b in blocks:
        if b.name[len("track_") :].isdigit():
            out[b.name] = (row + 2, row + 1 + len(b.frame))
        row += len(b.frame) + 3
    return out


def write(ctx: Context, blocks: list[Block]) -> None:
    """The Track record sheet with the output tables ``blocks`` (``out_track``)."""
    f = ctx.f
    ws = new_sheet(ctx, SHEET, {0: 12, **{j: 13 for j in range(1, 6)}, 6: 16, 7: 17, 8: 14, 9: 3})
    ws.write(0, 0, "Track record: what was promised, what happened, and what this tool would have said", f.title())
    for i, line in enumerate(_NOTES):
        ws.write(1 + i, 0, line, f.subtitle())
    grid, roles = laid_out(blocks)
    write_owned(ctx, ws, AREA, grid, roles)
    r0, _ = split_ref(AREA.anchor)
    r = r0 + len(grid) + 1
    ws.write(
        r,
        0,
        "Sources of the decision points (alfa_xl/model/data/decision_points.csv; actuals: Facts sheet)",
        f.section(),
    )
    for j in range(1, 9):
        ws.write_blank(r, j, None, f.section())
    for d in DECISION_POINTS:
        r += 1
        ws.write(r, 0, d.label, f.get(bold=True))
        for line in [f"Source: {d.source}", *textwrap.wrap(d.notes, _WRAP)]:
            r += 1
            ws.write(r, 0, line, f.note())
    _charts(ctx, ws, blocks)


def _charts(ctx: Context, ws, blocks: list[Block]) -> None:
    """One scatter chart per decision point, from the point's table cells."""
    rows = point_rows(blocks)
    by_name = {b.name: b for b in blocks}
    c0 = split_ref(AREA.anchor)[1]
    for k, (name, (first, last)) in enumerate(rows.items()):
        frame = by_name[name].frame
        chart = ctx.wb.add_chart({"type": "scatter", "subtype": "straight"})
        year_col = c0 + POINT_COLUMNS.index("Year")
        years = [int(y) for y in frame["Year"]]
        for column, label, line in CHART_SERIES:
            j = c0 + POINT_COLUMNS.index(column)
            values = [None if v != v else float(v) for v in frame[column]]
            marker = (
                {"type": "circle", "size": 5, "fill": {"color": "#262626"}, "border": {"color": "#262626"}}
                if column == "Actual"
                else {"type": "none"}
            )
            chart.add_series(
                {
                    "name": label,
                    "categories": [SHEET, first, year_col, last, year_col],
                    "values": [SHEET, first, j, last, j],
                    "categories_data": years,
                    "values_data": values,
                    "line": line,
                    "marker": marker,
                }
            )
        title = by_name[name].title.split(":")[0]
        chart.set_title({"name": title, "name_font": {"size": 10, "bold": True}})
        chart.set_x_axis(
            {
                "major_unit": 1,
                "num_format": "0",
                "num_font": {"size": 8},
                "major_gridlines": {"visible": False},
                "min": years[0],
                "max": years[-1],
            }
        )
        chart.set_y_axis(units_axis())
        chart.set_legend(legend_below())
        chart.show_blanks_as("gap")
        chart.set_size({"width": 640, "height": _CHART_HEIGHT})
        ws.insert_chart(_CHART_ROW + k * (_CHART_HEIGHT // 20 + 1), _CHART_COL, chart, {"x_offset": 10, "y_offset": 10})
