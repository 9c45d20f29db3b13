"""The cached values of a refreshed workbook's formulas, computed without a spreadsheet.

A headless refresh rewrites the owned areas; every native formula that reads them (the
Checks sheet, the Risk sheet's chart data, the Projection and Gap sheets' cross-checks),
every live ``ALFA_*`` table and every chart cache would otherwise keep the values of the
previous output, and LibreOffice shows cached values as stored (it does not recalculate
on load). The build already computes the cached value of every formula it writes, from
the engine; so the refresh builds the workbook again in memory from the refreshed
Inputs and copies, cell by cell, the cached value of every formula whose text is the
same at the same cell in both files (:func:`copy_cached_values`), with the spilled
tables' cells and extents, the chart caches of every series whose reference is the same
(:func:`copy_chart_caches`) and the stored copies of the live tables
(:func:`stored_names`). A formula the fresh build does not have at that cell (typed by a
user, or moved) keeps its cached value; :func:`copy_cached_values` returns them, and
Excel recalculates them on open (``fullCalcOnLoad``). docs/workbook.md says why.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, tostring

from alfa_xl.book.bookfile import BookFile, sheet_rows
from alfa_xl.book.layout import CHECKS_SHEET, MASTER_NAME, BookInputs
from alfa_xl.book.xlsx import M, Package, parse_range, split_ref

__all__ = ["FreshBook", "fresh_book", "copy_cached_values", "copy_chart_caches", "stored_names", "STORED_PREFIX"]

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
#: Hidden defined names holding the last computed value of each live table (an array constant).
STORED_PREFIX = "_stored_"


@dataclass
class FreshBook:
    """A workbook built in memory from a refresh's inputs: its formula cells by sheet."""

    book: BookFile
    #: sheet -> (row, col) -> the cell element
    cells: dict[str, dict[tuple[int, int], Element]] = field(default_factory=dict)

    def sheet(self, name: str) -> dict[tuple[int, int], Element]:
        if name not in self.cells:
            part = self.book.sheet_parts.get(name)
            out: dict[tuple[int, int], Element] = {}
            if part is not None and self.book.pkg.has(part):
                data = self.book.pkg.xml(part).find(M + "sheetData")
                for row in sheet_rows(data, part, self.book.path).values() if data is not None else []:
                    for c in row.findall(M + "c"):
                        out[split_ref(c.get("r", ""))] = c
            self.cells[name] = out
        return self.cells[name]


def fresh_book(inputs: BookInputs) -> FreshBook:
    """The workbook :func:`alfa_xl.book.build.build_workbook` writes for ``inputs``, in memory."""
    from alfa_xl.book.build import write_for  # the builder is loaded only when a refresh needs it

    buf = io.BytesIO()
    write_for(buf, inputs)
    raw = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i.filename) for i in infos}
    return FreshBook(BookFile(Package(Path("<fresh build>"), infos, parts, raw)))


def _formula(c: Element) -> tuple[str, str] | None:
    f = c.find(M + "f")
    if f is None or f.get("t") == "shared":
        return None
    return (f.get("t") or "", (f.text or "").strip())


def _formula_element(c: Element) -> Element:
    """The ``<f>`` of a cell :func:`_formula` found a formula in."""
    f = c.find(M + "f")
    assert f is not None, f"cell {c.get('r')} has no formula"
    return f


def _set_cached(c: Element, fresh: Element | None) -> bool:
    """Give ``c`` the cached value (type and ``<v>``) of ``fresh`` (none: no value). Whether it changed."""
    want_t = fresh.get("t") if fresh is not None else None
    v_new = fresh.find(M + "v") if fresh is not None else None
    text: str | None
    if (
        fresh is not None and want_t == "inlineStr"
    ):  # the build writes spilled text as inline strings only in value cells
        want_t, text = "str", "".join(t.text or "" for t in fresh.iter(M + "t"))
    else:
        text = v_new.text if v_new is not None else None
    v_old = c.find(M + "v")
    if c.get("t") == want_t and (v_old.text if v_old is not None else None) == text and c.find(M + "is") is None:
        return False
    for x in c.findall(M + "v") + c.findall(M + "is"):
        c.remove(x)
    if want_t:
        c.set("t", want_t)
    else:
        c.attrib.pop("t", None)
    if text is not None:
        v = Element(M + "v")
        v.text = text
        c.append(v)
    return True


def _set_value(c: Element, fresh: Element | None, strings: list[str]) -> bool:
    """A spilled cell (no formula of its own): the value of ``fresh`` (none: empty), its own format kept."""
    if fresh is None or (fresh.find(M + "v") is None and fresh.find(M + "is") is None):
        had = c.find(M + "v") is not None or c.find(M + "is") is not None
        for x in c.findall(M + "v") + c.findall(M + "is"):
            c.remove(x)
        c.attrib.pop("t", None)
        return had
    before = _value_of(c)
    for x in c.findall(M + "v") + c.findall(M + "is"):
        c.remove(x)
    t = fresh.get("t")
    if t == "s":  # a shared string of the fresh build: written inline, sharedStrings.xml stays as it is
        index = int(fresh.findtext(M + "v") or "0")
        text = strings[index] if 0 <= index < len(strings) else ""
        c.set("t", "inlineStr")
        is_ = Element(M + "is")
        tt = Element(M + "t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        tt.text = text
        is_.append(tt)
        c.append(is_)
    else:
        if t:
            c.set("t", t)
        else:
            c.attrib.pop("t", None)
        for x in fresh:
            if x.tag in (M + "v", M + "is"):
                c.append(copy.deepcopy(x))
    return _value_of(c) != before


def _value_of(c: Element) -> tuple[str | None, list[bytes]]:
    """A cell's type and value elements (text of inline strings included), to compare."""
    return c.get("t"), [tostring(x) for x in c if x.tag in (M + "v", M + "is")]


def copy_cached_values(
    fresh: FreshBook, sheet_name: str, sheet: Any, put: Callable[[int, int, Element], None]
) -> tuple[bool, list[str]]:
    """Copy the cached values of ``fresh`` into the parsed sheet ``sheet`` (an object with
    ``rows`` by 0-based row number, and ``cell(r, c)``) for every formula whose type and
    text are the same at the same cell. A spilled table (an array formula with a ``ref``)
    also takes the fresh extent and the values of its cells; ``put(r, c, element)`` adds a
    cell the sheet lacks. Returns whether anything changed and the cells (``A1``) whose
    formula the fresh build does not have."""
    mine = fresh.sheet(sheet_name)
    changed, unknown = False, []
    for row in list(sheet.rows.values()):
        for c in list(row.findall(M + "c")):
            f = _formula(c)
            if f is None:
                if c.find(M + "f") is not None:
                    unknown.append(c.get("r", ""))
                continue
            at = split_ref(c.get("r", ""))
            other = mine.get(at)
            if other is None or _formula(other) != f:
                unknown.append(c.get("r", ""))
                continue
            changed |= _set_cached(c, other)
            old_ref, new_ref = _formula_element(c).get("ref"), _formula_element(other).get("ref")
            if f[0] == "array" and new_ref and ":" in (old_ref or "") + new_ref:
                changed |= _copy_spill(sheet, c, old_ref or new_ref, new_ref, mine, fresh.book.strings(), put)
    return changed, unknown


def _copy_spill(
    sheet: Any,
    c: Element,
    old_ref: str,
    new_ref: str,
    mine: dict[tuple[int, int], Element],
    strings: list[str],
    put: Callable[[int, int, Element], None],
) -> bool:
    """The spilled cells of an array formula: the union of the old and new extents takes
    the fresh values; the anchor takes the fresh extent."""
    old, new = parse_range("x!" + old_ref), parse_range("x!" + new_ref)
    f = _formula_element(c)
    changed = f.get("ref") != new_ref
    f.set("ref", new_ref)
    anchor = split_ref(c.get("r", ""))
    for r in range(min(old.r0, new.r0), max(old.r1, new.r1) + 1):
        for col in range(min(old.c0, new.c0), max(old.c1, new.c1) + 1):
            if (r, col) == anchor:
                continue
            src = mine.get((r, col)) if new.contains(r, col) else None
            el = sheet.cell(r, col)
            if el is None:
                if src is None or (src.find(M + "v") is None and src.find(M + "is") is None):
                    continue
                el = Element(M + "c", {"r": src.get("r", "")})
                put(r, col, el)
            if el.find(M + "f") is not None:  # another formula: not this table's cell
                continue
            changed |= _set_value(el, src, strings)
    return changed


def copy_chart_caches(fresh: FreshBook, chart: Element) -> bool:
    """Give every series reference of ``chart`` (a parsed ``xl/charts/chartN.xml``) whose
    formula (``<c:f>``) the fresh build also plots the fresh build's cached points.
    Whether anything changed."""
    caches = _fresh_caches(fresh)
    changed = False
    for ref in list(chart.iter(C + "numRef")) + list(chart.iter(C + "strRef")):
        f = ref.find(C + "f")
        key = (ref.tag, (f.text or "").strip() if f is not None else "")
        if key not in caches:
            continue
        new = caches[key]
        old = next((x for x in ref if x.tag in (C + "numCache", C + "strCache")), None)
        if old is not None and _same_tree(old, new):
            continue
        if old is not None:
            ref.remove(old)
        ref.append(copy.deepcopy(new))
        changed = True
    return changed


def _same_tree(a: Element, b: Element) -> bool:
    return (
        (a.tag, a.attrib, (a.text or "").strip()) == (b.tag, b.attrib, (b.text or "").strip())
        and len(a) == len(b)
        and all(_same_tree(x, y) for x, y in zip(a, b))
    )


def _fresh_caches(fresh: FreshBook) -> dict[tuple[str, str], Element]:
    if not hasattr(fresh, "_caches"):
        out: dict[tuple[str, str], Element] = {}
        for name in fresh.book.pkg.parts:
            if name.startswith("xl/charts/chart") and name.endswith(".xml"):
                for ref in list(fresh.book.pkg.xml(name).iter(C + "numRef")) + list(
                    fresh.book.pkg.xml(name).iter(C + "strRef")
                ):
                    f, cache = (
                        ref.find(C + "f"),
                        next((x for x in ref if x.tag in (C + "numCache", C + "strCache")), None),
                    )
                    if f is not None and cache is not None:
                        out[(ref.tag, (f.text or "").strip())] = cache
        fresh._caches = out  # type: ignore[attr-defined]
    return fresh._caches  # type: ignore[attr-defined]


def stored_names(fresh: FreshBook) -> dict[str, str]:
    """The fresh build's stored copies of the live tables (hidden names ``_stored_*``)."""
    return {k: v for k, v in fresh.book.names.items() if k.startswith(STORED_PREFIX)}


@dataclass
class Recalculated:
    """What :func:`recalculate` changed."""

    parts: set[str] = field(default_factory=set)
    #: defined name -> new text (the stored copies of the live tables)
    names: dict[str, str] = field(default_factory=dict)
    #: sheet -> formula cells the fresh build does not have (their cached values are kept)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    #: sheet -> check cells whose cached value cannot be computed: the refresh marks them ``STALE``
    stale: dict[str, list[str]] = field(default_factory=dict)


def recalculate(book: BookFile, inputs: BookInputs, sheet: Callable[[str], Any]) -> Recalculated:
    """Bring every cached value the fresh build knows up to date in ``book`` (parsed
    sheets through ``sheet(name)``, which gives an object with ``rows``, ``cell`` and
    ``put``; chart parts through the package)."""
    fresh = fresh_book(inputs)
    out = Recalculated()
    missing = [n for n in fresh.book.names if not n.startswith(("_", STORED_PREFIX)) and n not in book.names]
    if missing:  # a workbook of an older build (without out_risk, say): its formulas read names it lacks
        for name, only in ((CHECKS_SHEET, None), ("Cover", MASTER_NAME)):
            part = book.sheet_parts.get(name)
            if part is not None and book.pkg.has(part):
                out.stale[name] = [
                    c.get("r", "")
                    for row in sheet(name).rows.values()
                    for c in row.findall(M + "c")
                    if (formula := _formula(c)) and (only is None or formula[1] == only)
                ]
        return out
    out.names = stored_names(fresh)
    for name, part in book.sheet_parts.items():
        if not book.pkg.has(part) or not any(_formula(c) for c in fresh.sheet(name).values()):
            continue
        s = sheet(name)
        changed, unknown = copy_cached_values(fresh, name, s, s.put)
        if changed:
            out.parts.add(part)
        if unknown:
            out.unknown[name] = unknown
            if name == CHECKS_SHEET:  # a check the build does not write: its cached value says it is not current
                out.stale[name] = unknown
    for part in book.pkg.parts:
        if (
            part.startswith("xl/charts/chart")
            and part.endswith(".xml")
            and copy_chart_caches(fresh, book.pkg.xml(part))
        ):
            out.parts.add(part)
    return out
