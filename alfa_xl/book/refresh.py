"""Refresh a workbook's owned sheets without Excel (``alfa-xl refresh PATH``).

The same numbers as the Excel macro: the inputs are read by the one reader
(:func:`alfa_xl.book.inputs.read_book_inputs`) from the workbook's defined names and the
``tbl_lineup`` table, the owned areas of the contract (:data:`~alfa_xl.book.layout.OWNED_AREAS`)
compute their tables, and the refresh writes only:

* each owned area (``out_scenarios`` on Scenarios, ``out_risk`` on Risk, ``out_track`` on
  Track record, ``out_forecast`` on the Cover): the cells of the rectangle last written are
  cleared and the new rectangle is written at its top-left cell, with inline strings
  (``sharedStrings.xml`` stays as it is);
* the one cell ``out_status`` on Scenarios: the status line, in the cell's own format;
* in ``xl/workbook.xml``: the owned names' references, the stored copies of the live tables,
  and ``fullCalcOnLoad`` so that Excel recalculates every formula when the file is opened;
* the cached value of every formula a build of the same Inputs writes (the Checks, the
  chart data, the live tables and their stored copies) and the charts' cached points, from
  a build made in memory (:mod:`alfa_xl.book.recalc`); a check it cannot compute gets
  ``STALE``. No formula and no typed value changes.

Before anything is written the plan is checked (:mod:`alfa_xl.book.owned`): an owned name
on another sheet, or overlapping another owned area, the status cell or an input, is
refused; so is an area that grows over a non-empty cell it did not write last time
(the message names the cells). Parts are edited as parsed XML trees and serialised with
their namespaces (:func:`alfa_xl.book.xlsx.serialize`); each rewritten part is parsed again
and the new file read back before it replaces the old one, through
:mod:`alfa_xl.book.replace` (backup ``NAME.bak``, lock files, crash safety).
"""

from __future__ import annotations

import gc
import math
import os
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from alfa_xl.book import xlsx
from alfa_xl.book.bookfile import BookFile, sheet_rows
from alfa_xl.book.edges import check_blocks_across, expand_shared_across
from alfa_xl.book.inputs import FileSource, read_book_inputs
from alfa_xl.book.layout import (
    OUTPUT_FONT,
    ROLE_STYLES,
    STALE,
    STATUS_NAME,
    status_text,
    written_anchor_name,
    written_name,
    written_record,
)
from alfa_xl.book.moved import rows_name, rows_record
from alfa_xl.book.owned import Plan, plan_areas
from alfa_xl.book.recalc import recalculate
from alfa_xl.book.replace import (
    Target,
    backup_path,
    check_target,
    clean_debris,
    lock_files,
    refresh_lock,
    replace_with_backup,
)
from alfa_xl.book.text import cell_text
from alfa_xl.book.xlsx import (
    CellRange,
    M,
    WorkbookFileError,
    cell_ref,
    int_attr,
    parse_part,
    parse_range,
    range_ref,
    read_package,
    split_ref,
    write_package,
)

__all__ = ["refresh_workbook", "RefreshReport", "lock_file", "lock_files", "backup_path", "REFRESHED_BY"]

#: Who the status line names as having refreshed the workbook.
REFRESHED_BY = "alfa-xl refresh"

_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}
_RESAVE = "open and re-save the workbook in Excel, or build a new one with alfa-xl build-workbook"


def lock_file(path: Path) -> Path:
    """Excel's owner file for an open workbook: ``~$NAME`` beside it."""
    return lock_files(path)[0]


@dataclass
class RefreshReport:
    """What a refresh did.

    Attributes
    ----------
    path, backup : pathlib.Path
    areas : dict
        Defined name -> new reference (``"Scenarios!$A$6:$K$92"``).
    changed_parts : list of str
        Zip parts rewritten.
    unchanged_parts : int
        Zip parts copied byte for byte.
    status : str
        The line written to ``out_status`` (empty when the workbook has none).
    cleaned : list of str
        Temporary files of an interrupted earlier refresh that were removed.
    """

    path: Path
    backup: Path | None
    areas: dict[str, str] = field(default_factory=dict)
    changed_parts: list[str] = field(default_factory=list)
    unchanged_parts: int = 0
    status: str = ""
    cleaned: list[str] = field(default_factory=list)


def _bad(book: BookFile, problem: str) -> WorkbookFileError:
    return WorkbookFileError("workbook file", str(book.path), _RESAVE, problem)


# -- styles -----------------------------------------------------------------------------
def _role_styles(book: BookFile) -> dict[str, int]:
    """Cell format index for each output role, found by its properties in styles.xml."""
    if not book.pkg.has("xl/styles.xml"):
        return {}
    part, path = "xl/styles.xml", book.path
    root = book.pkg.xml(part)
    codes = dict(_BUILTIN_FORMATS)
    nf = root.find(M + "numFmts")
    for n in nf if nf is not None else []:
        codes[int_attr(n, "numFmtId", -1, part, path, -1)] = n.get("formatCode", "")
    fonts = []
    for font in root.iter(M + "font"):
        b, it, rgb = font.find(M + "b"), font.find(M + "i"), font.find(M + "color")
        bold = b is not None and b.get("val", "1") not in ("0", "false")
        italic = it is not None and it.get("val", "1") not in ("0", "false")
        fonts.append((bold, "" if italic else (rgb.get("rgb", "") if rgb is not None else "")[-6:].upper()))
    fills = []
    fl = root.find(M + "fills")
    for fill in fl if fl is not None else []:
        fg = fill.find(f"{M}patternFill/{M}fgColor")
        fills.append((fg.get("rgb", "") if fg is not None else "")[-6:].upper())
    out: dict[str, int] = {}
    xfs = root.find(M + "cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        code = codes.get(int_attr(xf, "numFmtId", 0, part, path), "")
        font_id, fill_id = int_attr(xf, "fontId", 0, part, path), int_attr(xf, "fillId", 0, part, path)
        if font_id >= len(fonts) or fill_id >= len(fills):
            continue
        bold, color = fonts[font_id]
        if color != OUTPUT_FONT:
            continue
        for role, (want_code, want_bold, want_fill) in ROLE_STYLES.items():
            if role not in out and code == want_code and bold == want_bold and fills[fill_id] == want_fill.upper():
                out[role] = i
    return out


# -- sheet trees --------------------------------------------------------------------------
class _Sheet:
    """The ``<sheetData>`` of one parsed worksheet, by row number."""

    def __init__(self, book: BookFile, part: str):
        self.book, self.part = book, part
        size = book.pkg.size(part)
        if size > xlsx.MAX_REWRITTEN:
            raise WorkbookFileError(
                "workbook file",
                str(book.path),
                "keep the refresh-owned sheets, Checks and Cover free of large extra content",
                f"the sheet part {part} is too large to rewrite ({size:,} bytes, limit {xlsx.MAX_REWRITTEN:,})",
            )
        self.root = book.pkg.xml(part)
        data = self.root.find(M + "sheetData")
        if data is None:
            raise _bad(book, f"{part} has no sheetData")
        self.data = data
        self.rows: dict[int, Element] = sheet_rows(data, part, book.path)

    def _at(self, c: Element) -> tuple[int, int]:
        try:
            return split_ref(c.get("r", ""))
        except ValueError:
            raise _bad(self.book, f"{self.part}: bad cell reference {c.get('r')!r}") from None

    def row(self, r: int) -> Element:
        if r not in self.rows:
            el = Element(M + "row", {"r": str(r + 1)})
            after = [k for k in self.rows if k < r]
            index = 0 if not after else list(self.data).index(self.rows[max(after)]) + 1
            self.data.insert(index, el)
            self.rows[r] = el
        return self.rows[r]

    def cell(self, r: int, c: int) -> Element | None:
        row = self.rows.get(r)
        for el in row.findall(M + "c") if row is not None else []:
            if self._at(el) == (r, c):
                return el
        return None

    def clear(self, rng: CellRange) -> None:
        for r in range(rng.r0, rng.r1 + 1):
            row = self.rows.get(r)
            if row is None:
                continue
            for el in row.findall(M + "c"):
                if rng.contains(*self._at(el)):
                    row.remove(el)

    def put(self, r: int, c: int, el: Element) -> None:
        row = self.row(r)
        row.attrib.pop("spans", None)
        cells = row.findall(M + "c")
        index = next((i for i, x in enumerate(cells) if self._at(x)[1] > c), len(cells))
        position = list(row).index(cells[index]) if index < len(cells) else len([x for x in row if x.tag == M + "c"])
        row.insert(position, el)

    def tidy(self, lo: int, hi: int) -> None:
        """Drop rows in ``lo..hi`` left empty with nothing of their own."""
        for r in range(lo, hi + 1):
            row = self.rows.get(r)
            if row is not None and len(row) == 0 and not (set(row.attrib) - {"r", "spans"}):
                self.data.remove(row)
                del self.rows[r]

    def extend_dimension(self, rng: CellRange) -> None:
        dim = self.root.find(M + "dimension")
        if dim is None:
            return
        try:
            cur = parse_range("x!" + dim.get("ref", ""))
            box = (min(cur.r0, rng.r0), min(cur.c0, rng.c0), max(cur.r1, rng.r1), max(cur.c1, rng.c1))
        except ValueError:
            box = (rng.r0, rng.c0, rng.r1, rng.c1)
        dim.set("ref", range_ref(*box))


def _cell(r: int, c: int, value: Any, style: int | None) -> Element:
    attrs = {"r": cell_ref(r, c)}
    if style:
        attrs["s"] = str(style)
    el = Element(M + "c", attrs)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return el
    if isinstance(value, bool):
        el.set("t", "b")
        SubElement(el, M + "v").text = str(int(value))
    elif isinstance(value, (int, float)):
        SubElement(el, M + "v").text = str(int(value)) if isinstance(value, int) else repr(float(value))
    else:  # text: an inline string, never a formula
        el.set("t", "inlineStr")
        t = SubElement(SubElement(el, M + "is"), M + "t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = cell_text(str(value))
    return el


def _write_area(
    sheet: _Sheet,
    cleared: list[CellRange],
    new: CellRange,
    grid: list[list[Any]],
    roles: list[list[str | None]],
    styles: Mapping[str, int | None],
) -> None:
    """Clear ``cleared`` (checked to hold only the refresh's own cells) and write ``grid`` at ``new``;
    formulas crossing their edge are expanded or refused first (:mod:`alfa_xl.book.edges`)."""
    check_blocks_across(sheet.rows, [*cleared, new], new.sheet, str(sheet.book.path))
    expand_shared_across(sheet.rows, [*cleared, new], new.sheet, str(sheet.book.path))
    for rng in cleared:
        sheet.clear(rng)
    for i, (row, rrow) in enumerate(zip(grid, roles)):
        for j, (value, role) in enumerate(zip(row, rrow)):
            if value is None and role is None:
                continue
            sheet.put(new.r0 + i, new.c0 + j, _cell(new.r0 + i, new.c0 + j, value, styles.get(role) if role else None))
    sheet.tidy(min(x.r0 for x in cleared), max(x.r1 for x in cleared))
    sheet.extend_dimension(new)


def _mark_stale(sheet: _Sheet, only: set[str] | None, values: dict[str, str], cells: set[str] | None = None) -> bool:
    """Give every formula cell of ``sheet`` (or those whose formula is in ``only``, or whose
    reference is in ``cells``) the cached value ``STALE`` (or ``values[formula]``). Whether
    anything changed."""
    changed = False
    for row in sheet.rows.values():
        for c in row.findall(M + "c"):
            f = c.find(M + "f")
            if f is None or (cells is not None and c.get("r") not in cells):
                continue
            formula = (f.text or "").strip().lstrip("=")
            if only is not None and formula not in only:
                continue
            text = values.get(formula, STALE)
            v = c.find(M + "v")
            if v is not None and v.text == text and c.get("t") == "str":
                continue
            if v is not None:
                c.remove(v)
            for x in c.findall(M + "is"):
                c.remove(x)
            c.set("t", "str")
            SubElement(c, M + "v").text = text
            changed = True
    return changed


def _set_names(book: BookFile, refs: dict[str, str]) -> bool:
    """Point the owned defined names at their new rectangles, and record their top-left
    cells and sizes in the hidden names of what was written (added when missing); flag a full recalculation on load.
    Whether anything changed."""
    root = book.pkg.xml("xl/workbook.xml")
    dn = root.find(M + "definedNames")
    changed = False
    seen: set[str] = set()
    for d in dn if dn is not None else []:
        name = d.get("name")
        if d.get("localSheetId") is None and name is not None and name in refs:
            seen.add(name)
            if (d.text or "").strip() != refs[name]:
                d.text = refs[name]
                changed = True
    missing = sorted(set(refs) - seen)  # a workbook built before the record existed
    if missing:
        if dn is None:
            sheets = root.find(M + "sheets")
            dn = Element(M + "definedNames")
            root.insert(list(root).index(sheets) + 1 if sheets is not None else len(root), dn)
        for name in missing:
            SubElement(dn, M + "definedName", {"name": name, "hidden": "1"}).text = refs[name]
        changed = True
    calc = root.find(M + "calcPr")
    if calc is None:
        calc = Element(M + "calcPr")
        before = ("definedNames", "externalReferences", "functionGroups", "sheets")
        anchor = next((root.find(M + t) for t in before if root.find(M + t) is not None), None)
        root.insert(list(root).index(anchor) + 1 if anchor is not None else len(root), calc)
    if calc.get("fullCalcOnLoad") not in ("1", "true"):
        calc.set("fullCalcOnLoad", "1")
        changed = True
    return changed


# -- entry point ------------------------------------------------------------------------
def refresh_workbook(path: str | os.PathLike, backup: bool = True) -> RefreshReport:
    """Recompute the refresh-owned sheets of a workbook from its own Inputs, without Excel.

    Parameters
    ----------
    path : path
        An ``.xlsm``/``.xlsx`` built by ``alfa-xl build-workbook`` (or saved from one). A
        symlink is followed: its target is refreshed and the link stays.
    backup : bool
        Keep the previous file as ``NAME.bak`` (default).

    Returns
    -------
    RefreshReport

    Raises
    ------
    AlfaInputError
        (:class:`~alfa_xl.book.inputs.InputsError`, :class:`~alfa_xl.book.xlsx.WorkbookFileError`)
        with a one-line message; the file and its backup are left as they were.
    """
    target = check_target(path, backup)
    with (
        refresh_lock(target),  # one refresh at a time; the clean-up below then removes only a dead refresh's files
        _without_cycle_collection(),
    ):
        return _refresh_locked(path, target, backup)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for one refresh, as it was before afterwards. A large
    accepted workbook holds hundreds of thousands of parsed XML elements, and every full
    collection walks all of them: 1.5 s of a 8.6 s refresh of the largest accepted file.
    A refresh is bounded and keeps no cycles beyond its own end (peak memory measured
    unchanged: 286 MB either way); docs/workbook.md."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refresh_locked(path: str | os.PathLike, target: Target, backup: bool) -> RefreshReport:
    report = RefreshReport(Path(path), None, cleaned=clean_debris(target))
    pkg = read_package(target.path)
    try:
        replaced = _refresh_parts(BookFile(pkg), report)
    except RecursionError:
        raise WorkbookFileError("workbook file", str(path), _RESAVE, "nested too deeply to read") from None
    report.changed_parts = sorted(replaced)
    report.unchanged_parts = len(pkg.parts) - len(replaced)
    if not replaced:  # already up to date: the file is left as it is, byte for byte
        return report

    def verify(tmp: Path) -> None:
        """The new file is a zip with the same parts and sizes; each rewritten part reads
        back with the intended bytes and parses (before the rename)."""
        try:
            with zipfile.ZipFile(tmp) as z:
                infos = {i.filename: i.file_size for i in z.infolist()}
                if infos != {
                    i.filename: i.file_size if i.filename not in replaced else len(replaced[i.filename])
                    for i in pkg.infos
                }:
                    raise WorkbookFileError(
                        "workbook file", str(path), "refresh it again", "the new file lists other parts"
                    )
                for name, data in replaced.items():
                    if z.read(name) != data:
                        raise WorkbookFileError(
                            "workbook file", str(path), "refresh it again", f"the new {name} did not read back"
                        )
                    parse_part(data, name, tmp)
        except (zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise WorkbookFileError(
                "workbook file", str(path), "refresh it again", f"the new file did not read back ({exc})"
            ) from None

    original = pkg.raw  # the bytes that were read become the backup
    if len(original) != target.stamp[1]:
        raise WorkbookFileError("workbook file", str(path), "refresh it again", "changed while it was being refreshed")
    report.backup = replace_with_backup(target, lambda fh: write_package(pkg, replaced, fh), original, verify, backup)
    return report


def _refresh_parts(book: BookFile, report: RefreshReport) -> dict[str, bytes]:
    """Every rewritten part, serialised and parsed back; ``report`` filled in."""
    inputs = read_book_inputs(FileSource(book))
    plan: Plan = plan_areas(book, inputs)
    styles = _role_styles(book)
    sheets: dict[str, _Sheet] = {}

    def sheet(name: str) -> _Sheet:
        part = book.sheet_part(name)
        if part not in sheets:
            sheets[part] = _Sheet(book, part)
        return sheets[part]

    refs = {}
    for area in plan.areas:
        _write_area(sheet(area.old.sheet), area.cleared, area.new, area.grid, area.roles, styles)
        refs[area.area.name] = area.new.ref
        refs[written_name(area.area.name)] = written_record(
            area.new.r1 - area.new.r0 + 1, area.new.c1 - area.new.c0 + 1
        )
        refs[written_anchor_name(area.area.name)] = CellRange(
            area.new.sheet, area.new.r0, area.new.c0, area.new.r0, area.new.c0
        ).ref
        refs[rows_name(area.area.name)] = rows_record(area.grid) or '""'
        report.areas[area.area.name] = area.new.ref
    if plan.status is not None:
        report.status = status_text(inputs, REFRESHED_BY)
        s = sheet(plan.status.sheet)
        old = s.cell(plan.status.r0, plan.status.c0)
        s_attr = (old.get("s") or "") if old is not None else ""
        style = int(s_attr) if s_attr.isdigit() else None
        _write_area(s, [plan.status], plan.status, [[report.status]], [["status"]], {"status": style})
    written = set(sheets)
    fresh = recalculate(book, inputs, sheet)  # every cached value a build of these inputs knows
    refs.update(fresh.names)
    touched = written | fresh.parts | ({"xl/workbook.xml"} if _set_names(book, refs) else set())
    for name, cells in fresh.stale.items():  # checks a build does not write (all, in a workbook of an older build)
        if _mark_stale(sheet(name), None, {}, set(cells)):
            touched.add(book.sheet_parts[name])
    if (
        report.status
        and "Cover" in book.sheet_parts
        and book.pkg.has(book.sheet_parts["Cover"])
        and _mark_stale(sheet("Cover"), {STATUS_NAME}, {STATUS_NAME: report.status})
    ):
        touched.add(book.sheet_parts["Cover"])
    replaced = {}
    for part in touched:
        data = book.pkg.serialized(part)  # parsed back from the new file before the rename (verify)
        if data != book.pkg.parts[part]:
            replaced[part] = data
    return replaced
