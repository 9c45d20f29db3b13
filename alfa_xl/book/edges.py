"""Formulas that cross the edge of an area the refresh rewrites.

Excel stores a formula filled across or down as a *shared formula*: the first cell (the
master) holds the text and the range it was filled over, the others hold only a pointer
(``<f t="shared" si="0"/>``). When the refresh clears a master inside its area, the
dependents outside would lose their formula (LibreOffice and Excel show them empty). So
before an area is cleared, every shared formula with cells both inside and outside it is
expanded: each cell outside gets its own formula, the master's text moved to that cell
the way Excel moves relative references (:class:`openpyxl.formula.translate.Translator`).

An array formula (``t="array"``, one formula over a block) or a data table
(``t="dataTable"``) that lies partly inside cannot be split: the refresh is refused before
anything is written, with the cells named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from xml.etree.ElementTree import Element

from alfa_xl.book.xlsx import (
    CellRange,
    M,
    WorkbookFileError,
    cell_ref,
    parse_range,
    quote_sheet,
    split_ref,
)

__all__ = ["expand_shared_across", "check_blocks_across"]


def _inside(at: tuple[int, int], areas: Iterable[CellRange]) -> bool:
    return any(a.contains(*at) for a in areas)


def _formulas(rows: dict[int, Element]) -> Iterable[tuple[tuple[int, int], Element, Element]]:
    for row in rows.values():
        for c in row.findall(M + "c"):
            f = c.find(M + "f")
            if f is not None:
                yield split_ref(c.get("r", "")), c, f


def check_blocks_across(rows: dict[int, Element], areas: list[CellRange], sheet: str, path: str) -> None:
    """Refuse when an array formula or a data table lies partly inside ``areas``."""
    for _at, c, f in _formulas(rows):
        kind = f.get("t")
        if kind not in ("array", "dataTable"):
            continue
        try:
            block = parse_range("x!" + (f.get("ref") or c.get("r") or ""))
        except ValueError:
            raise WorkbookFileError(
                "workbook file",
                path,
                "open and re-save the workbook in Excel",
                f"{quote_sheet(sheet)}!{c.get('r')}: bad formula range {f.get('ref')!r}",
            ) from None
        cells = list(CellRange(sheet, block.r0, block.c0, block.r1, block.c1).cells())
        inside = [x for x in cells if _inside(x, areas)]
        if inside and len(inside) != len(cells):
            what = "an array formula" if kind == "array" else "a data table"
            where = f"{quote_sheet(sheet)}!{block.a1}"
            raise WorkbookFileError(
                "workbook file",
                path,
                f"move {what} {where} out of the refreshed area or delete it (select it, then Delete), "
                "then refresh again",
                f"{what} at {where} lies partly inside the area the refresh rewrites "
                f"({quote_sheet(sheet)}!{cell_ref(*inside[0])})",
            )


def expand_shared_across(rows: dict[int, Element], areas: list[CellRange], sheet: str, path: str) -> int:
    """Give every cell outside ``areas`` of a shared formula that has cells inside them its
    own formula; the number of cells rewritten. Call before the areas are cleared."""
    groups: dict[str, list[tuple[tuple[int, int], Element]]] = defaultdict(list)
    masters: dict[str, tuple[tuple[int, int], str]] = {}
    for at, _c, f in _formulas(rows):
        if f.get("t") != "shared" or f.get("si") is None:
            continue
        si = f.get("si", "")
        groups[si].append((at, f))
        text = (f.text or "").strip()
        if f.get("ref") is not None and text:
            masters[si] = (at, text)
    changed = 0
    for si, members in groups.items():
        inside = [at for at, _ in members if _inside(at, areas)]
        if not inside or len(inside) == len(members):
            continue
        if si not in masters:
            raise WorkbookFileError(
                "workbook file",
                path,
                "open and re-save the workbook in Excel",
                f"{quote_sheet(sheet)}: the shared formula {si} has no master cell",
            )
        origin, text = masters[si]
        # imported here: a shared formula across an area's edge is rare, and openpyxl costs
        # about 0.2 s of a refresh's start-up
        from openpyxl.formula.translate import Translator, TranslatorError

        for at, f in members:
            if _inside(at, areas):
                continue
            if at != origin:
                try:
                    text_here = Translator("=" + text, origin=cell_ref(*origin)).translate_formula(cell_ref(*at))[1:]
                except (TranslatorError, ValueError, IndexError):
                    raise WorkbookFileError(
                        "workbook file",
                        path,
                        f"give {quote_sheet(sheet)}!{cell_ref(*at)} its own formula in Excel, then refresh again",
                        f"the formula filled from {quote_sheet(sheet)}!{cell_ref(*origin)} "
                        f"could not be moved to {cell_ref(*at)}",
                    ) from None
                f.text = text_here
            for attr in ("t", "si", "ref"):
                f.attrib.pop(attr, None)
            changed += 1
    return changed
