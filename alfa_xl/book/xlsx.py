"""Safe, minimal access to the parts of an Excel package (``.xlsx``/``.xlsm``).

Reading refuses what is not a workbook this module can read: a file that is not a zip
archive, a truncated or corrupt archive, an oversized file, an archive whose parts would
expand beyond :data:`MAX_UNPACKED` bytes or by more than :data:`MAX_RATIO` (zip bombs),
encrypted entries, unsafe part names, or a package without ``xl/workbook.xml``. XML is
parsed with :mod:`defusedxml` (no entity expansion, no external entities).

Writing copies every part it is not told to replace with the same name, order, date and
bytes, so the parts nobody owns (VBA project, drawings, buttons, charts, other sheets)
come out byte for byte as they went in.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring as _safe_fromstring

from alfa_xl.errors import AlfaInputError

__all__ = [
    "NS",
    "WorkbookFileError",
    "Package",
    "read_package",
    "write_package",
    "parse_xml",
    "col_letters",
    "col_index",
    "split_ref",
    "cell_ref",
    "parse_range",
    "resolve_name",
    "range_ref",
    "CellRange",
    "read_cells",
    "shared_strings",
]

#: Largest workbook file accepted (bytes).
MAX_FILE = 50 * 1024 * 1024
#: Largest total size of the unpacked parts (bytes).
MAX_UNPACKED = 300 * 1024 * 1024
#: Largest compression ratio of one part (zip-bomb guard).
MAX_RATIO = 200
#: Most parts in one package.
MAX_PARTS = 5000

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_M = "{%s}" % NS["m"]


class WorkbookFileError(AlfaInputError):
    """A file that is not an Excel workbook this tool can read or write safely."""


@dataclass
class Package:
    """The parts of an Excel package, in archive order, with their zip metadata.

    Attributes
    ----------
    path : pathlib.Path
    infos : list of zipfile.ZipInfo
        Entries in archive order.
    parts : dict
        Part name -> bytes (uncompressed).
    """

    path: Path
    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes] = field(repr=False)

    def xml(self, name: str) -> Element:
        """Parse one part as XML (safely)."""
        if name not in self.parts:
            raise WorkbookFileError("workbook file", str(self.path), "give a workbook saved by Excel or built by alfa-xl", f"part {name} missing")
        return parse_xml(self.parts[name], name, self.path)

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")


def parse_xml(data: bytes, name: str = "part", path: Path | str = "") -> Element:
    """Parse XML bytes with defusedxml; a clear error when the part is not XML."""
    try:
        return _safe_fromstring(data)
    except Exception as exc:  # ParseError or a defusedxml refusal (entities, DTD)
        raise WorkbookFileError("workbook file", str(path), "open and re-save the workbook in Excel", f"{name} is not readable XML ({type(exc).__name__})") from None


def _refuse(path: Path, problem: str, fix: str = "give the path of an .xlsm or .xlsx workbook") -> WorkbookFileError:
    return WorkbookFileError("workbook file", str(path), fix, problem)


def read_package(path: str | os.PathLike, max_file: int = MAX_FILE) -> Package:
    """Read and check an Excel package.

    Raises
    ------
    WorkbookFileError
        Not found, not a zip archive (wrong type, encrypted workbook, old ``.xls``),
        truncated or corrupt, oversized, a zip bomb, or without ``xl/workbook.xml``.
    """
    p = Path(path)
    if not p.is_file():
        raise _refuse(p, "not found")
    size = p.stat().st_size
    if size > max_file:
        raise _refuse(p, f"too large ({size:,} bytes, limit {max_file:,})", "give a workbook under the size limit")
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(p, "an old .xls or a password-protected workbook", "save it as an unprotected .xlsm in Excel")
    if not head.startswith(b"PK"):
        raise _refuse(p, "not a zip-based Excel file")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(p, f"truncated or corrupt ({exc})", "restore the workbook from its backup (.bak) or build a new one") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise _refuse(p, f"{len(infos)} parts (limit {MAX_PARTS})")
        total = 0
        names = set()
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name or name in names:
                raise _refuse(p, f"unsafe or duplicate part name {name!r}")
            names.add(name)
            if info.flag_bits & 0x1:
                raise _refuse(p, "encrypted parts", "save the workbook without a password")
            total += info.file_size
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(p, f"part {name} expands {info.file_size / max(info.compress_size, 1):,.0f} times (zip bomb?)")
        if total > MAX_UNPACKED:
            raise _refuse(p, f"unpacks to {total:,} bytes (limit {MAX_UNPACKED:,})")
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise _refuse(p, "a zip archive but not an Excel workbook (no xl/workbook.xml)")
        parts: dict[str, bytes] = {}
        try:
            for info in infos:
                with zf.open(info) as fh:
                    data = fh.read(info.file_size + 1)
                if len(data) != info.file_size:
                    raise _refuse(p, f"part {info.filename} has the wrong size")
                parts[info.filename] = data
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise _refuse(p, f"truncated or corrupt ({type(exc).__name__}: {exc})", "restore the workbook from its backup (.bak) or build a new one") from None
    return Package(p, infos, parts)


def write_package(pkg: Package, replaced: dict[str, bytes], dest: str | os.PathLike) -> None:
    """Write ``pkg`` to ``dest`` with the parts in ``replaced`` swapped in.

    Every entry keeps its name, order, date, attributes and compression method; parts
    not in ``replaced`` keep their bytes.
    """
    unknown = set(replaced) - set(pkg.parts)
    if unknown:
        raise KeyError(f"not in the package: {sorted(unknown)}")
    with zipfile.ZipFile(dest, "w") as out:
        for info in pkg.infos:
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            new.create_system = info.create_system
            new.comment = info.comment
            out.writestr(new, replaced.get(info.filename, pkg.parts[info.filename]))


# -- cell references -------------------------------------------------------------------
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def col_letters(index: int) -> str:
    """0-based column index -> letters (0 -> ``A``)."""
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """Column letters -> 0-based index (``A`` -> 0)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def split_ref(ref: str) -> tuple[int, int]:
    """``"B5"`` or ``"$B$5"`` -> 0-based ``(row, col)``."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """0-based ``(row, col)`` -> ``"B5"`` (``"$B$5"`` when absolute)."""
    d = "$" if absolute else ""
    return f"{d}{col_letters(col)}{d}{row + 1}"


@dataclass(frozen=True)
class CellRange:
    """A rectangle on one sheet, 0-based inclusive bounds."""

    sheet: str
    r0: int
    c0: int
    r1: int
    c1: int

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.r0, self.r1 + 1):
            for c in range(self.c0, self.c1 + 1):
                yield r, c

    def contains(self, row: int, col: int) -> bool:
        return self.r0 <= row <= self.r1 and self.c0 <= col <= self.c1

    @property
    def a1(self) -> str:
        return range_ref(self.r0, self.c0, self.r1, self.c1)


def range_ref(r0: int, c0: int, r1: int, c1: int, absolute: bool = False) -> str:
    a, b = cell_ref(r0, c0, absolute), cell_ref(r1, c1, absolute)
    return a if a == b else f"{a}:{b}"


def parse_range(text: str) -> CellRange:
    """``"Inputs!$B$5"``, ``"'My sheet'!$A$1:$C$9"`` -> :class:`CellRange`.

    Raises ``ValueError`` for anything else (formulas, several areas, whole columns).
    """
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    if "!" not in text:
        raise ValueError(f"no sheet in {text!r}")
    sheet, _, cells = text.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    a, _, b = cells.partition(":")
    r0, c0 = split_ref(a)
    r1, c1 = split_ref(b) if b else (r0, c0)
    return CellRange(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


def resolve_name(names: dict[str, str], parts: dict[str, str], name: str, error: type[AlfaInputError],
                 fix: str, missing_fix: str) -> CellRange:
    """The cell range a defined name refers to, checked to lie on an existing sheet.

    ``names`` is :func:`defined_names`, ``parts`` :func:`sheet_parts`; ``error`` is raised
    with ``missing_fix`` when the name is absent and with ``fix`` when it does not refer to
    cells on a sheet of the workbook.
    """
    text = names.get(name)
    if text is None:
        raise error(f"defined name {name}", None, missing_fix, "missing")
    try:
        rng = parse_range(text)
    except ValueError:
        raise error(f"defined name {name}", text, fix, "not a cell range") from None
    if rng.sheet not in parts:
        raise error(f"defined name {name}", text, fix, "sheet not found")
    return rng


def shared_strings(pkg: Package) -> list[str]:
    """The shared-string table (plain text of each entry)."""
    if "xl/sharedStrings.xml" not in pkg.parts:
        return []
    root = pkg.xml("xl/sharedStrings.xml")
    return ["".join(t.text or "" for t in si.iter(_M + "t")) for si in root.findall(_M + "si")]


def _value(c: Element, strings: list[str]):
    t = c.get("t", "n")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(_M + "t"))
    v = c.find(_M + "v")
    if v is None or v.text is None:
        return None
    if t == "s":
        i = int(v.text)
        return strings[i] if 0 <= i < len(strings) else None
    if t in ("str", "e"):
        return v.text
    if t == "b":
        return v.text.strip() in ("1", "true")
    try:
        return float(v.text)
    except ValueError:
        return v.text


def read_cells(pkg: Package, sheet_part: str, strings: list[str] | None = None) -> dict[tuple[int, int], object]:
    """Values of every cell of a sheet part that holds one: ``{(row, col): value}``.

    Numbers are floats, booleans bools, text (shared, inline or formula results) str,
    error values their text (``"#N/A"``). Cached values of formulas are returned.
    """
    strings = shared_strings(pkg) if strings is None else strings
    root = pkg.xml(sheet_part)
    data = root.find(_M + "sheetData")
    out: dict[tuple[int, int], object] = {}
    if data is None:
        return out
    for row in data.findall(_M + "row"):
        for c in row.findall(_M + "c"):
            ref = c.get("r")
            if not ref:
                continue
            v = _value(c, strings)
            if v is not None:
                out[split_ref(ref)] = v
    return out


# -- workbook structure ----------------------------------------------------------------
def _rels(pkg: Package, part: str) -> dict[str, str]:
    """Relationship id -> target part name (resolved) of ``part``."""
    folder, _, base = part.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name not in pkg.parts:
        return {}
    out = {}
    for rel in pkg.xml(rels_name).findall("{%s}Relationship" % NS["rel"]):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target[1:]
        else:
            segs = (folder.split("/") if folder else []) + target.split("/")
            stack: list[str] = []
            for s in segs:
                if s == "..":
                    if stack:
                        stack.pop()
                elif s and s != ".":
                    stack.append(s)
            resolved = "/".join(stack)
        out[rel.get("Id", "")] = resolved
    return out


def sheet_parts(pkg: Package) -> dict[str, str]:
    """Sheet name -> worksheet part name, in workbook order."""
    root = pkg.xml("xl/workbook.xml")
    rels = _rels(pkg, "xl/workbook.xml")
    out = {}
    sheets = root.find(_M + "sheets")
    for s in (sheets if sheets is not None else []):
        rid = s.get("{%s}id" % NS["r"])
        if rid in rels:
            out[s.get("name", "")] = rels[rid]
    return out


def defined_names(pkg: Package) -> dict[str, str]:
    """Workbook-scoped defined names -> their formula text (sheet-scoped ones left out)."""
    root = pkg.xml("xl/workbook.xml")
    out = {}
    dn = root.find(_M + "definedNames")
    for d in (dn if dn is not None else []):
        if d.get("localSheetId") is None and d.get("name"):
            out[d.get("name")] = (d.text or "").strip()
    return out


@dataclass(frozen=True)
class TableInfo:
    """An Excel table: its sheet, full range (header included) and column names."""

    name: str
    sheet: str
    part: str
    ref: CellRange
    columns: tuple[str, ...]
    header_rows: int
    totals_rows: int


def find_table(pkg: Package, name: str) -> TableInfo | None:
    """The Excel table called ``name`` (case ignored), or ``None``."""
    for sheet, part in sheet_parts(pkg).items():
        for target in _rels(pkg, part).values():
            if not target.startswith("xl/tables/") or target not in pkg.parts:
                continue
            t = pkg.xml(target)
            if (t.get("displayName") or t.get("name") or "").casefold() != name.casefold():
                continue
            rng = parse_range(f"'{sheet}'!{t.get('ref', '')}")
            cols = tuple(c.get("name", "") for c in t.iter(_M + "tableColumn"))
            return TableInfo(name, sheet, part, rng, cols, int(t.get("headerRowCount", "1")), int(t.get("totalsRowCount", "0")))
    return None


def quote_sheet(sheet: str) -> str:
    """A sheet name as written in a reference (quoted when needed)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"
