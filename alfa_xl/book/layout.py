"""The workbook contract: sheet names, defined names, the lineup table and the areas a
refresh owns, shared by the build and the headless refresh.

An owned area is described by an :class:`OwnedArea`: the sheet, the defined name that
always covers the rectangle last written, and a function turning the workbook's inputs
into the blocks to write. Adding another refresh-owned sheet (``Risk`` with ``out_risk``)
means adding one entry to :data:`OWNED_AREAS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..report import Block, RefreshInputs, blocks_to_grid, refresh_blocks

__all__ = [
    "WORKBOOK_NAME",
    "SHEETS",
    "INPUT_NAMES",
    "LINEUP_TABLE",
    "SCENARIO_LIST_ROWS",
    "OwnedArea",
    "OWNED_AREAS",
    "owned_area",
    "grid_roles",
    "ROLE_STYLES",
    "OUTPUT_FILL",
    "OUTPUT_HEADER_FILL",
    "OUTPUT_FONT",
]

#: File name of the workbook (and, without extension, of its Python module).
WORKBOOK_NAME = "alfa_outlook.xlsm"
#: Sheets in order (the ``Risk`` sheet joins later).
SHEETS: tuple[str, ...] = ("Cover", "Inputs", "Projection", "Scenarios", "Gap", "Facts", "Checks", "xlwings.conf")
#: Workbook-scoped input names and what each holds.
INPUT_NAMES: dict[str, str] = {
    "in_target": "target, units a year",
    "in_start_year": "first projection year",
    "in_end_year": "last projection year",
    "in_compare_year": "year in which scenarios are compared",
    "in_scenario": "scenario shown on the Projection and Gap sheets",
    "in_scenario_list": "scenarios the refresh computes (blank cells ignored)",
}
#: Excel table holding the lineup (columns as ``alfa_xl/data/lineup.csv``).
LINEUP_TABLE = "tbl_lineup"
#: Cells in ``in_scenario_list`` (and rows of the per-scenario checks).
SCENARIO_LIST_ROWS = 10

# Look of refresh-written cells. The headless refresh finds the matching cell formats in
# ``xl/styles.xml`` by these properties (fill colour, bold, number format), so a workbook
# re-saved by Excel, which may renumber its formats, still gets the right look.
OUTPUT_FILL = "F2F2F2"
OUTPUT_HEADER_FILL = "DDEBF7"
OUTPUT_FONT = "1F4E79"
#: role -> (number format, bold, fill)
ROLE_STYLES: dict[str, tuple[str, bool, str]] = {
    "title": ("General", True, OUTPUT_FILL),
    "header": ("General", True, OUTPUT_HEADER_FILL),
    "text": ("General", False, OUTPUT_FILL),
    "units": ("#,##0", False, OUTPUT_FILL),
    "year": ("0", False, OUTPUT_FILL),
    "share": ("0.0%", False, OUTPUT_FILL),
    "ratio": ("0.0", False, OUTPUT_FILL),
}
_COLUMN_ROLES = {
    "Year": "year",
    "First year at target": "year",
    "Share of target": "share",
    "Growth required": "share",
    "Years to target": "ratio",
    "Junior-equivalents": "ratio",
}


def grid_roles(blocks: Sequence[Block]) -> list[list[str | None]]:
    """The display role of every cell of ``report.blocks_to_grid(blocks)``, same shape.

    Title rows are ``"title"``, header rows ``"header"``; data cells take the role of
    their column (years, shares, ratios, text, otherwise units); blank cells ``None``.
    """
    grid = blocks_to_grid(blocks)
    width = len(grid[0]) if grid else 0
    roles: list[list[str | None]] = []
    for i, b in enumerate(blocks):
        if i:
            roles.append([None] * width)
        roles.append(["title"] + [None] * (width - 1))
        cols = [str(c) for c in b.frame.columns]
        roles.append(["header"] * len(cols) + [None] * (width - len(cols)))
        for _ in range(len(b.frame)):
            roles.append([_COLUMN_ROLES.get(c, "units") for c in cols] + [None] * (width - len(cols)))
    for r, row in zip(roles, grid):
        for j, v in enumerate(row):
            if isinstance(v, str) and r[j] not in ("title", "header"):
                r[j] = "text"
    if len(roles) != len(grid):  # pragma: no cover - guards against a report layout change
        raise RuntimeError("grid layout changed: update alfa_xl.book.layout.grid_roles")
    return roles


def _scenario_blocks(inputs: RefreshInputs) -> list[Block]:
    b = refresh_blocks(inputs)
    return list(b["compare"]) + list(b["scenarios"]) + list(b["gap"])


@dataclass(frozen=True)
class OwnedArea:
    """A rectangle written by the refresh (macro in Excel or ``alfa-xl refresh``).

    Attributes
    ----------
    sheet : str
        Sheet holding the area.
    name : str
        Workbook-scoped defined name that always covers the rectangle last written.
    anchor : str
        Top-left cell when the workbook is built (the refresh keeps the current one).
    blocks : callable
        ``RefreshInputs -> list[Block]``: the tables written, top to bottom.
    """

    sheet: str
    name: str
    anchor: str
    blocks: Callable[[RefreshInputs], list[Block]]

    def grid(self, inputs: RefreshInputs) -> tuple[list[list[Any]], list[list[str | None]]]:
        """Values (as ``report.blocks_to_grid``) and display roles for ``inputs``."""
        blocks = self.blocks(inputs)
        return blocks_to_grid(blocks), grid_roles(blocks)


#: Areas owned by the refresh, in the order they are written.
OWNED_AREAS: tuple[OwnedArea, ...] = (
    OwnedArea(sheet="Scenarios", name="out_scenarios", anchor="A6", blocks=_scenario_blocks),
)


def owned_area(name: str) -> OwnedArea:
    """The owned area with defined name ``name``."""
    for a in OWNED_AREAS:
        if a.name == name:
            return a
    raise KeyError(name)
