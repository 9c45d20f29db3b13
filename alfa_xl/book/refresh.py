"""Refresh a workbook's owned sheets without Excel (``alfa-xl refresh PATH``).

The same numbers as the Excel macro: the inputs are read from the workbook's defined
names and the ``tbl_lineup`` table, ``report.refresh_blocks`` computes the tables and
``report.blocks_to_grid`` lays them out. Only these parts change:

* the worksheet XML of each owned sheet (``Scenarios``, ``Risk``): inside its
  ``<sheetData>``, the cells of the rectangle last written (the defined names
  ``out_scenarios``, ``out_risk``) are cleared and the new rectangle is written with
  inline strings, so ``sharedStrings.xml`` stays as it is; every other cell, row
  attribute and element of that sheet is kept as text;
* the one cell named ``out_status`` (on ``Scenarios`` in a built workbook): the status
  line, in the cell's own format;
* ``xl/workbook.xml``: the text of the ``out_scenarios`` and ``out_risk`` defined names
  only (and only when a rectangle changed size).

Every other part is copied with the same bytes. The file is replaced atomically (a
temporary file in the same folder, then :func:`os.replace`) and the previous version is
kept as ``NAME.bak``. Nothing is written when an input is invalid, when Excel holds the
file open (its lock file ``~$NAME`` is beside it), or when the file is not a workbook
that can be read safely.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from alfa_xl.book.inputs import read_book_inputs
from alfa_xl.book.layout import OWNED_AREAS, ROLE_STYLES, OUTPUT_FONT, STATUS_NAME, OwnedArea, status_text
from alfa_xl.book.xlsx import (
    NS,
    CellRange,
    Package,
    WorkbookFileError,
    cell_ref,
    defined_names,
    parse_range,
    resolve_name,
    quote_sheet,
    range_ref,
    read_package,
    sheet_parts,
    split_ref,
    write_package,
)

__all__ = ["refresh_workbook", "RefreshReport", "lock_file", "backup_path", "REFRESHED_BY"]

#: Who the status line names as having refreshed the workbook.
REFRESHED_BY = "alfa-xl refresh"

_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}
_M = "{%s}" % NS["m"]


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
    """

    path: Path
    backup: Path | None
    areas: dict[str, str] = field(default_factory=dict)
    changed_parts: list[str] = field(default_factory=list)
    unchanged_parts: int = 0
    status: str = ""


def lock_file(path: Path) -> Path:
    """Excel's owner file for an open workbook: ``~$NAME`` beside it."""
    return path.with_name("~$" + path.name)


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: ``NAME.bak`` beside the workbook."""
    return path.with_name(path.name + ".bak")


# -- styles -----------------------------------------------------------------------------
def _role_styles(pkg: Package) -> dict[str, int]:
    """Cell format index for each output role, found by its properties in styles.xml."""
    if "xl/styles.xml" not in pkg.parts:
        return {}
    root = pkg.xml("xl/styles.xml")
    codes = dict(_BUILTIN_FORMATS)
    nf = root.find(_M + "numFmts")
    for n in (nf if nf is not None else []):
        codes[int(n.get("numFmtId", "-1"))] = n.get("formatCode", "")
    fonts = []
    for font in root.iter(_M + "font"):
        b = font.find(_M + "b")
        it = font.find(_M + "i")
        color = font.find(_M + "color")
        bold = b is not None and b.get("val", "1") not in ("0", "false")
        italic = it is not None and it.get("val", "1") not in ("0", "false")
        fonts.append((bold, "" if italic else (color.get("rgb", "") if color is not None else "")[-6:].upper()))
    fills = []
    fl = root.find(_M + "fills")
    for fill in (fl if fl is not None else []):
        fg = fill.find(f"{_M}patternFill/{_M}fgColor")
        fills.append((fg.get("rgb", "") if fg is not None else "")[-6:].upper())
    out: dict[str, int] = {}
    xfs = root.find(_M + "cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        try:
            code = codes.get(int(xf.get("numFmtId", "0")), "")
            bold, color = fonts[int(xf.get("fontId", "0"))]
            fill = fills[int(xf.get("fillId", "0"))]
        except (ValueError, IndexError):
            continue
        if color != OUTPUT_FONT:
            continue
        for role, (want_code, want_bold, want_fill) in ROLE_STYLES.items():
            if role not in out and code == want_code and bold == want_bold and fill == want_fill.upper():
                out[role] = i
    return out


# -- sheet XML surgery -----------------------------------------------------------------
def _cell_xml(ref: str, value: Any, style: int | None) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        text = str(int(value)) if isinstance(value, int) else repr(float(value))
        return f'<c r="{ref}"{s}><v>{text}</v></c>'
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _rewrite_sheet(xml: str, old: CellRange | None, anchor: tuple[int, int], grid: list[list[Any]],
                   roles: list[list[str | None]], styles: dict[str, int]) -> tuple[str, CellRange]:
    """Clear ``old`` and write ``grid`` at ``anchor`` inside the sheet's ``<sheetData>``."""
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    if not m:
        raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "no worksheet element")
    p = m.group(1) or ""
    r0, c0 = anchor
    height, width = len(grid), (len(grid[0]) if grid else 0)
    new = CellRange("", r0, c0, r0 + max(height, 1) - 1, c0 + max(width, 1) - 1)
    cleared = [new] + ([old] if old else [])
    lo = min(x.r0 for x in cleared)
    hi = max(x.r1 for x in cleared)

    sd = re.search(rf"<{p}sheetData\b[^>]*?(/>|>(.*?)</{p}sheetData>)", xml, re.S)
    if not sd:
        raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "no sheetData element")
    body = sd.group(2) or ""
    row_re = re.compile(rf"<{p}row\b([^>]*?)(/>|>(.*?)</{p}row>)", re.S)
    cell_re = re.compile(rf"<{p}c\b([^>]*?)(?:/>|>.*?</{p}c>)", re.S)
    rows: dict[int, str] = {}
    order: list[int] = []
    pos = 0
    for rm in row_re.finditer(body):
        if body[pos:rm.start()].strip():
            raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "unexpected content in sheetData")
        pos = rm.end()
        rn = re.search(r'\br="(\d+)"', rm.group(1))
        if not rn:
            raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "rows without numbers")
        idx = int(rn.group(1)) - 1
        order.append(idx)
        if not lo <= idx <= hi:
            rows[idx] = rm.group(0)
            continue
        keep: list[tuple[int, str]] = []
        for cm in cell_re.finditer(rm.group(3) or ""):
            ref = re.search(r'\br="([A-Z]+[0-9]+)"', cm.group(1))
            if not ref:
                raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "cells without references")
            rr, cc = split_ref(ref.group(1))
            if any(x.contains(rr, cc) for x in cleared):
                continue
            keep.append((cc, cm.group(0)))
        rows[idx] = (rm.group(1), keep)  # type: ignore[assignment]
    if body[pos:].strip():
        raise WorkbookFileError("worksheet", "", "open and re-save the workbook in Excel", "unexpected content in sheetData")
    for i in range(height):
        idx = r0 + i
        cells = [(c0 + j, _cell_xml(cell_ref(idx, c0 + j), v, styles.get(role) if role else None))
                 for j, (v, role) in enumerate(zip(grid[i], roles[i])) if not (v is None and role is None)]
        if idx not in rows:
            rows[idx] = ("", [])  # type: ignore[assignment]
            order.append(idx)
        entry = rows[idx]
        if isinstance(entry, str):  # pragma: no cover - rows in range are always parsed
            raise AssertionError
        entry[1].extend(cells)
    out = []
    for idx in sorted(set(order)):
        entry = rows[idx]
        if isinstance(entry, str):
            out.append(entry)
            continue
        attrs, cells = entry
        attrs = re.sub(r'\s+spans="[^"]*"', "", attrs)
        attrs = re.sub(r'\s*/\s*$', "", attrs)
        if not re.search(r'\br="\d+"', attrs):
            attrs = f' r="{idx + 1}"' + attrs
        if not cells and not re.search(r'\b(ht|s|customFormat|hidden|customHeight)="', attrs):
            continue  # an empty row with nothing of its own
        cells.sort(key=lambda t: t[0])
        out.append(f"<{p}row{attrs}>" + "".join(c for _, c in cells) + f"</{p}row>")
    new_data = f"<{p}sheetData>" + "".join(out) + f"</{p}sheetData>"
    xml = xml[:sd.start()] + new_data + xml[sd.end():]

    def _dimension(dm: re.Match) -> str:
        try:
            cur = parse_range("x!" + dm.group(2))
            box = (min(cur.r0, new.r0), min(cur.c0, new.c0), max(cur.r1, new.r1), max(cur.c1, new.c1))
        except ValueError:
            box = (new.r0, new.c0, new.r1, new.c1)
        return f'{dm.group(1)}{range_ref(*box)}{dm.group(3)}'

    xml = re.sub(rf'(<{p}dimension\b[^>]*?\bref=")([^"]*)(")', _dimension, xml, count=1)
    return xml, new


def _set_defined_name(xml: str, name: str, ref: str) -> str:
    pat = re.compile(r"<(\w+:)?definedName\b([^>]*)>([^<]*)</(\w+:)?definedName>")
    done = False

    def sub(m: re.Match) -> str:
        nonlocal done
        attrs = m.group(2)
        if re.search(rf'\bname="{re.escape(name)}"', attrs) and "localSheetId" not in attrs:
            done = True
            return f"<{m.group(1) or ''}definedName{attrs}>{escape(ref)}</{m.group(4) or ''}definedName>"
        return m.group(0)

    xml = pat.sub(sub, xml)
    if not done:  # pragma: no cover - presence is checked before
        raise WorkbookFileError(f"defined name {name}", None, "rebuild the workbook", "missing")
    return xml


def _cell_style(xml: str, row: int, col: int) -> int | None:
    """The format index (``s``) of one cell in a sheet's XML, if the cell is there."""
    m = re.search(rf'<(?:\w+:)?c\b(?=[^>]*\br="{cell_ref(row, col)}")([^>]*?)/?>', xml)
    if not m:
        return None
    s = re.search(r'\bs="(\d+)"', m.group(1))
    return int(s.group(1)) if s else None


def _plan_status(pkg: Package) -> tuple[str, CellRange] | None:
    """The sheet part and cell of ``out_status``, or ``None`` when the workbook has none."""
    names = defined_names(pkg)
    if STATUS_NAME not in names:
        return None
    parts = sheet_parts(pkg)
    rng = resolve_name(names, parts, STATUS_NAME, WorkbookFileError,
                       f"make {STATUS_NAME} refer to one cell on an existing sheet, for example Scenarios!$B$5", "")
    return parts[rng.sheet], CellRange(rng.sheet, rng.r0, rng.c0, rng.r0, rng.c0)


# -- entry point ------------------------------------------------------------------------
def _plan(pkg: Package, area: OwnedArea) -> tuple[str, CellRange]:
    parts = sheet_parts(pkg)
    old = resolve_name(defined_names(pkg), parts, area.name, WorkbookFileError,
                       f"make {area.name} refer to cells on the sheet {area.sheet}",
                       f"define {area.name} on sheet {area.sheet} (for example {area.sheet}!{area.anchor}) or rebuild the workbook")
    return parts[old.sheet], old


def refresh_workbook(path: str | os.PathLike, backup: bool = True) -> RefreshReport:
    """Recompute the refresh-owned sheets of a workbook from its own Inputs, without Excel.

    Parameters
    ----------
    path : path
        An ``.xlsm``/``.xlsx`` built by ``alfa-xl build-workbook`` (or saved from one).
    backup : bool
        Keep the previous file as ``NAME.bak`` (default).

    Returns
    -------
    RefreshReport

    Raises
    ------
    AlfaInputError
        (:class:`~alfa_xl.book.inputs.InputsError`, :class:`~alfa_xl.book.xlsx.WorkbookFileError`)
        with a one-line message; the file is left untouched.
    """
    p = Path(path)
    if lock_file(p).exists():
        raise WorkbookFileError("workbook file", str(p), f"close it in Excel first (lock file {lock_file(p).name} found), then refresh", "open in Excel")
    pkg = read_package(p)
    inputs = read_book_inputs(pkg)
    status = _plan_status(pkg)
    planned = []
    for area in OWNED_AREAS:
        if area.name not in defined_names(pkg) and area is not OWNED_AREAS[0]:
            continue  # an optional area this workbook does not have
        part, old = _plan(pkg, area)
        grid, roles = area.grid(inputs)
        planned.append((area, part, old, grid, roles))
    styles = _role_styles(pkg)
    replaced: dict[str, bytes] = {}
    wb_xml = pkg.text("xl/workbook.xml")
    report = RefreshReport(p, None)
    for area, part, old, grid, roles in planned:
        xml = replaced[part].decode("utf-8") if part in replaced else pkg.text(part)
        xml, new = _rewrite_sheet(xml, old, (old.r0, old.c0), grid, roles, styles)
        replaced[part] = xml.encode("utf-8")
        ref = f"{quote_sheet(old.sheet)}!{range_ref(new.r0, new.c0, new.r1, new.c1, absolute=True)}"
        wb_xml = _set_defined_name(wb_xml, area.name, ref)
        report.areas[area.name] = ref
    if status is not None:
        part, cell = status
        xml = replaced[part].decode("utf-8") if part in replaced else pkg.text(part)
        report.status = status_text(inputs, REFRESHED_BY)
        style = _cell_style(xml, cell.r0, cell.c0)
        xml, _ = _rewrite_sheet(xml, None, (cell.r0, cell.c0), [[report.status]], [["status"]], {"status": style} if style else {})
        replaced[part] = xml.encode("utf-8")
    replaced["xl/workbook.xml"] = wb_xml.encode("utf-8")
    replaced = {k: v for k, v in replaced.items() if v != pkg.parts[k]}
    report.changed_parts = sorted(replaced)
    report.unchanged_parts = len(pkg.parts) - len(replaced)

    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        write_package(pkg, replaced, tmp)
        read_package(tmp)  # the new file must read back
        shutil.copymode(p, tmp)
        if backup:
            report.backup = backup_path(p)
            shutil.copy2(p, report.backup)
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return report
