"""Safe, bounded access to the parts of an Excel package (``.xlsx``/``.xlsm``).

Reading refuses, before anything is parsed, what is not a workbook this module can read
within its budget: a file that is not a zip archive, a truncated or corrupt archive, a
file over :data:`MAX_FILE` bytes, parts that unpack beyond :data:`MAX_UNPACKED` bytes or
by more than :data:`MAX_RATIO` (zip bombs), an XML part to be parsed over
:data:`MAX_XML_PART` bytes (or all parsed parts together over :data:`MAX_PARSED`),
encrypted entries, unsafe part names, or a package without ``xl/workbook.xml``. XML is
parsed with :mod:`defusedxml` (no DTD, no entities), from bytes, so any encoding the XML
declares is read; every structural number (a cell reference, a style index, a
shared-string index, a table's header count) is checked and a bad one is a
:class:`WorkbookFileError`, never a traceback.

Writing copies every part it is not told to replace with the same name, order, date and
bytes. A part that is rewritten is serialised from its parsed tree with the namespace
prefixes and declarations of the original (:func:`serialize`), never edited as text.
"""

from __future__ import annotations

import copy
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, TreeBuilder, XMLParser

from defusedxml.ElementTree import iterparse as _safe_iterparse
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_range, xl_range_abs, xl_rowcol_to_cell

from alfa_xl.errors import AlfaInputError

__all__ = [
    "NS",
    "M",
    "MAX_FILE",
    "MAX_UNPACKED",
    "MAX_XML_PART",
    "MAX_REWRITTEN",
    "MAX_PARSED",
    "WorkbookFileError",
    "Package",
    "read_package",
    "check_file_size",
    "write_package",
    "serialize",
    "parse_part",
    "plain_utf8",
    "split_ref",
    "cell_ref",
    "col_letters",
    "range_ref",
    "CellRange",
    "parse_range",
    "quote_sheet",
    "int_attr",
    "column_of",
]

#: Largest workbook file accepted (bytes).
MAX_FILE = 50 * 1024 * 1024
#: Largest total size of the unpacked parts (bytes): each is read through once to check it;
#: the parts a refresh does not change are copied compressed, never unpacked again.
MAX_UNPACKED = 128 * 1024 * 1024
#: Largest XML part that is parsed (workbook, styles, shared strings, the sheets read).
#: Assumption: 6 MiB holds some 250,000 filled cells on Inputs (the built one is 15 KB).
MAX_XML_PART = 6 * 1024 * 1024
#: Largest part that is rewritten (the owned sheets, Checks, Cover, ``xl/workbook.xml``).
MAX_REWRITTEN = 4 * 1024 * 1024
#: Largest total of the XML parts parsed in one refresh. Derived from the goal (any accepted
#: workbook refreshes within 5 s and 500 MB): building the trees costs about 0.25 s a MiB
#: on this 2-core machine, so 8 MiB of XML stay near 2 s of the budget, the rest being the
#: engine, the Monte Carlo and the write (``benchmarks/bench_worst_workbook.py``).
MAX_PARSED = 8 * 1024 * 1024
#: Largest compression ratio of one part (zip-bomb guard).
MAX_RATIO = 200
#: Most parts in one package.
MAX_PARTS = 5000
#: Excel's grid (0-based bounds inclusive).
MAX_ROW, MAX_COL = 1_048_575, 16_383

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
M = f"{{{NS['m']}}}"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_RESAVE = "open and re-save the workbook in Excel, or build a new one with alfa-xl build-workbook"


class WorkbookFileError(AlfaInputError):
    """A file that is not an Excel workbook this tool can read or write safely."""


def _bad(path: Path | str, problem: str, fix: str = _RESAVE) -> WorkbookFileError:
    return WorkbookFileError("workbook file", str(path), fix, problem)


# -- cell references (xlsxwriter.utility, with Excel's bounds checked) -------------------
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")
_COLUMNS: dict[str, int] = {}


def column_of(letters: str) -> int | None:
    """0-based column of upper-case column letters (``"B"`` -> 1); ``None`` unless 1 to 3
    letters within Excel's grid."""
    col = _COLUMNS.get(letters)
    if col is None:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()):
            return None
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        col -= 1
        if col > MAX_COL:
            return None
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    return col


def split_ref(ref: str) -> tuple[int, int]:
    """``"B5"`` or ``"$B$5"`` -> 0-based ``(row, col)``; ``ValueError`` outside Excel's grid."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = column_of(m.group(1).upper())
    row = int(m.group(2)) - 1
    if col is None or not 0 <= row <= MAX_ROW:
        raise ValueError(f"outside the grid: {ref!r}")
    return row, col


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """0-based ``(row, col)`` -> ``"B5"`` (``"$B$5"`` when absolute)."""
    return xl_rowcol_to_cell(row, col, absolute, absolute)


def col_letters(col: int) -> str:
    """0-based column -> letters (0 -> ``A``)."""
    return xl_col_to_name(col)


def range_ref(r0: int, c0: int, r1: int, c1: int, absolute: bool = False) -> str:
    """``A1:C9`` (one cell: ``A1``)."""
    return (xl_range_abs if absolute else xl_range)(r0, c0, r1, c1)


def quote_sheet(sheet: str) -> str:
    """A sheet name as written in a reference: bare when it is a plain identifier that is
    not also a cell reference (xlsxwriter's rules), otherwise quoted (``'xlwings.conf'``).

    >>> quote_sheet("Inputs"), quote_sheet("xlwings.conf"), quote_sheet("My sheet"), quote_sheet("A1")
    ('Inputs', "'xlwings.conf'", "'My sheet'", "'A1'")
    """
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) and quote_sheetname(sheet) == sheet:
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


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

    def overlaps(self, other: CellRange) -> bool:
        return (
            self.sheet == other.sheet
            and self.r0 <= other.r1
            and other.r0 <= self.r1
            and self.c0 <= other.c1
            and other.c0 <= self.c1
        )

    @property
    def a1(self) -> str:
        return range_ref(self.r0, self.c0, self.r1, self.c1)

    @property
    def ref(self) -> str:
        """``Sheet!$A$1:$C$9``, as a defined name holds it."""
        return f"{quote_sheet(self.sheet)}!{range_ref(self.r0, self.c0, self.r1, self.c1, absolute=True)}"

    def at(self, row: int | None = None, col: int | None = None) -> str:
        """``Sheet!B5`` for one cell (the top-left by default), as messages name it."""
        return f"{quote_sheet(self.sheet)}!{cell_ref(self.r0 if row is None else row, self.c0 if col is None else col)}"


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
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    a, _, b = cells.partition(":")
    r0, c0 = split_ref(a)
    r1, c1 = split_ref(b) if b else (r0, c0)
    return CellRange(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


# -- XML --------------------------------------------------------------------------------
def parse_part(data: bytes, name: str = "part", path: Path | str = "") -> tuple[Element, list[tuple[str, str]]]:
    """Parse one part (no DTD, no entities); its root and namespace declarations in order.

    A UTF-8 part without a document type declaration (what Excel writes) is parsed by the
    standard library's C parser (no DTD means no entity can be declared, so nothing to
    expand); any other is parsed by :mod:`defusedxml`, which refuses DTDs and entities.
    """
    decls: list[tuple[str, str]] = []
    try:
        if plain_utf8(data):
            target = _Builder(decls)
            parser = XMLParser(target=target)
            parser.feed(data)
            root = parser.close()
        else:
            it = _safe_iterparse(io.BytesIO(data), events=("start-ns",), forbid_dtd=True)
            for _, ns in it:
                if ns not in decls:
                    decls.append(ns)
            root = it.root
    except Exception as exc:  # ParseError, a defusedxml refusal (DTD, entities), a bad encoding
        raise _bad(path, f"{name} is not readable XML ({type(exc).__name__})") from None
    prefixes: dict[str, str] = {}
    for prefix, uri in decls:
        if prefixes.setdefault(prefix, uri) != uri:
            raise _bad(path, f"{name} uses the namespace prefix {prefix!r} for two namespaces")
    return root, decls


_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def plain_utf8(data: bytes) -> bool:
    """UTF-8 (or ASCII) XML without a document type or entity declaration."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body[:1] != b"<" or body[1:2] == b"\x00" or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return False
    m = _DECLARED.match(data)
    return m is None or m.group(1).lower() in (b"utf-8", b"utf8", b"us-ascii", b"ascii")


class _Builder(TreeBuilder):
    """The C tree builder, also noting each namespace declaration (once, in order)."""

    def __init__(self, decls: list[tuple[str, str]]):
        super().__init__()
        self.decls = decls

    def start_ns(self, prefix: str, uri: str) -> None:
        if (prefix or "", uri) not in self.decls:
            self.decls.append((prefix or "", uri))


def _escape(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    else:
        text = text.replace("\r", "&#13;")
    return text


def serialize(root: Element, decls: list[tuple[str, str]]) -> bytes:
    """UTF-8 XML of ``root`` with the original prefixes; every declaration on the root.

    Keeping each prefix and declaration matters: ``mc:Ignorable="x14ac xr"`` names
    prefixes that must stay declared even where no element uses them.
    """
    prefix_of: dict[str, str] = {}
    for prefix, uri in decls:
        prefix_of.setdefault(uri, prefix)
    prefix_of[_XML_NS] = "xml"
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n']

    def qname(tag: str) -> str:
        if tag[:1] != "{":
            return tag
        uri, local = tag[1:].split("}", 1)
        if uri not in prefix_of:
            raise ValueError(f"namespace {uri} has no declared prefix")
        p = prefix_of[uri]
        return f"{p}:{local}" if p else local

    def write(el: Element, top: bool) -> None:
        out.append("<" + qname(el.tag))
        if top:
            for prefix, uri in decls:
                out.append(f' xmlns:{prefix}="{_escape(uri, True)}"' if prefix else f' xmlns="{_escape(uri, True)}"')
        for k, v in el.attrib.items():
            out.append(f' {qname(k)}="{_escape(v, True)}"')
        if el.text is None and len(el) == 0:
            out.append("/>")
        else:
            out.append(">")
            if el.text:
                out.append(_escape(el.text))
            for child in el:
                write(child, False)
                if child.tail:
                    out.append(_escape(child.tail))
            out.append(f"</{qname(el.tag)}>")

    write(root, True)
    return "".join(out).encode("utf-8")


def int_attr(el: Element, name: str, default: int, part: str, path: Path | str, lo: int = 0, hi: int = 2**31) -> int:
    """A whole-number attribute of ``el``; a :class:`WorkbookFileError` when it is not one."""
    text = el.get(name)
    if text is None:
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise _bad(path, f"{part}: {name}={text!r} is not a whole number") from None
    if not lo <= value <= hi:
        raise _bad(path, f"{part}: {name}={text!r} is out of range")
    return value


# -- the package ------------------------------------------------------------------------
class _Parts(Mapping[str, bytes]):
    """The parts of a package by name, each unpacked from the file's bytes when first
    used and kept: a part that is only copied is never unpacked."""

    def __init__(self, path: Path, data: bytes, infos: list[zipfile.ZipInfo]):
        self._path, self._data = path, data
        self._infos = {i.filename: i for i in infos}
        self._cache: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._cache:
            info = self._infos[name]
            try:
                with zipfile.ZipFile(io.BytesIO(self._data)) as zf:
                    self._cache[name] = zf.read(info)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                ValueError,
            ) as exc:  # pragma: no cover - checked on reading
                raise _bad(self._path, f"part {name} is corrupt ({type(exc).__name__})") from None
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        """The unpacked size of a part, without unpacking it."""
        return self._infos[name].file_size


@dataclass
class Package:
    """The parts of an Excel package, in archive order, with their zip metadata.

    Each XML part is parsed at most once (:meth:`xml`); the parsed parts together may not
    exceed :data:`MAX_PARSED` bytes, checked before parsing.
    """

    path: Path
    infos: list[zipfile.ZipInfo]
    parts: Mapping[str, bytes] = field(repr=False)
    raw: bytes = field(default=b"", repr=False)  # the file's bytes, as read
    _trees: dict[str, tuple[Element, list[tuple[str, str]]]] = field(default_factory=dict, repr=False)
    _parsed: int = 0
    _charged: set[str] = field(default_factory=set, repr=False)

    def has(self, name: str) -> bool:
        return name in self.parts

    def tree(self, name: str) -> tuple[Element, list[tuple[str, str]]]:
        """The parsed part and its namespace declarations (parsed once, then cached)."""
        if name not in self._trees:
            self.charge(name)
            self._trees[name] = parse_part(self.parts[name], name, self.path)
        return self._trees[name]

    def parsed(self, name: str) -> bool:
        """Whether the whole of ``name`` has been parsed (:meth:`tree`)."""
        return name in self._trees

    def charge(self, name: str) -> None:
        """Count ``name`` against the parse budget (once), refused before it is parsed when over it:
        before :meth:`tree`, or before a part is read only in part (:mod:`alfa_xl.book.sheetstream`)."""
        if name not in self._charged:
            if name not in self.parts:
                raise _bad(self.path, f"part {name} missing")
            size = self.size(name)
            if size > MAX_XML_PART:
                raise _bad(
                    self.path,
                    f"part {name} is too large to read ({size:,} bytes, limit {MAX_XML_PART:,})",
                    "keep the workbook's sheets smaller, or refresh it in Excel",
                )
            if self._parsed + size > MAX_PARSED:
                raise _bad(
                    self.path,
                    f"the parts to read total over {MAX_PARSED:,} bytes",
                    "keep the workbook's sheets smaller, or refresh it in Excel",
                )
            self._parsed += size
            self._charged.add(name)

    def xml(self, name: str) -> Element:
        return self.tree(name)[0]

    def size(self, name: str) -> int:
        """The unpacked size of a part (0 when it is missing), without unpacking it."""
        if name not in self.parts:
            return 0
        return self.parts.size(name) if isinstance(self.parts, _Parts) else len(self.parts[name])

    def serialized(self, name: str) -> bytes:
        """The part serialised from its (possibly edited) parsed tree."""
        root, decls = self.tree(name)
        return serialize(root, decls)


def check_file_size(path: str | os.PathLike, max_file: int = MAX_FILE) -> None:
    """Refuse, from the file system alone (nothing is read), a path that is not a file or
    is over ``max_file`` bytes: the first check of :func:`read_package`, which the command
    line makes before it loads the engine.

    Raises
    ------
    WorkbookFileError
        Not found, a folder, cannot be looked at, or too large.
    """
    p = Path(path)
    try:
        if not p.is_file():
            raise _bad(
                p, "a folder, not a file" if p.is_dir() else "not found", "give the path of an .xlsm or .xlsx workbook"
            )
        size = p.stat().st_size
    except OSError as exc:
        raise _bad(
            p, f"cannot be read ({exc.strerror or type(exc).__name__})", "check the file's permissions"
        ) from None
    if size > max_file:
        raise _bad(p, f"too large ({size:,} bytes, limit {max_file:,})", "give a workbook under the size limit")


def read_package(path: str | os.PathLike, max_file: int = MAX_FILE) -> Package:
    """Read and check an Excel package (read once; every later step works on memory).

    Raises
    ------
    WorkbookFileError
        Not found, not a zip archive (wrong type, encrypted workbook, old ``.xls``),
        truncated or corrupt, oversized, a zip bomb, or without ``xl/workbook.xml``.
    """
    p = Path(path)
    fix_path = "give the path of an .xlsm or .xlsx workbook"
    check_file_size(p, max_file)
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_file + 1)
    except OSError as exc:
        raise _bad(
            p, f"cannot be read ({exc.strerror or type(exc).__name__})", "check the file's permissions"
        ) from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad(p, "an old .xls or a password-protected workbook", "save it as an unprotected .xlsm in Excel")
    if not data.startswith(b"PK"):
        raise _bad(p, "not a zip-based Excel file", fix_path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _bad(
            p, f"truncated or corrupt ({exc})", "restore the workbook from its backup (.bak) or build a new one"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise _bad(p, f"{len(infos)} parts (limit {MAX_PARTS})")
        total = 0
        names = set()
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name or name in names:
                raise _bad(p, f"unsafe or duplicate part name {name!r}")
            names.add(name)
            if info.flag_bits & 0x1:
                raise _bad(p, "encrypted parts", "save the workbook without a password")
            total += info.file_size
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bad(
                    p, f"part {name} expands {info.file_size / max(info.compress_size, 1):,.0f} times (zip bomb?)"
                )
        if total > MAX_UNPACKED:
            raise _bad(
                p, f"unpacks to {total:,} bytes (limit {MAX_UNPACKED:,})", "give a workbook under the size limit"
            )
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise _bad(p, "a zip archive but not an Excel workbook (no xl/workbook.xml)", fix_path)
        try:  # every part read through once (sizes and CRCs checked), in chunks: only the parts used are kept
            for info in infos:
                size = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        size += len(chunk)
                        if size > info.file_size:
                            break
                if size != info.file_size:
                    raise _bad(p, f"part {info.filename} has the wrong size")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise _bad(
                p,
                f"truncated or corrupt ({type(exc).__name__}: {exc})",
                "restore the workbook from its backup (.bak) or build a new one",
            ) from None
    return Package(p, infos, _Parts(p, data, infos), data)


def write_package(pkg: Package, replaced: dict[str, bytes], dest: IO[bytes]) -> None:
    """Write ``pkg`` to the open binary file ``dest`` with the parts in ``replaced`` swapped in.

    Every entry keeps its name, order, date, attributes and compression method. A part not
    in ``replaced`` is copied as it is stored, its compressed bytes unchanged (so a refresh
    never grows a file by compressing its pictures again, and costs no time for them);
    a replaced part is compressed with the method its original used.
    """
    unknown = set(replaced) - set(pkg.parts)
    if unknown:
        raise KeyError(f"not in the package: {sorted(unknown)}")
    with zipfile.ZipFile(dest, "w") as out:
        for info in pkg.infos:
            if info.filename not in replaced and pkg.raw:
                _copy_stored(out, pkg, info)
                continue
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            new.create_system = info.create_system
            new.comment = info.comment
            out.writestr(new, replaced[info.filename] if info.filename in replaced else pkg.parts[info.filename])


def _copy_stored(out: zipfile.ZipFile, pkg: Package, info: zipfile.ZipInfo) -> None:
    """Append ``info``'s entry to ``out`` with its compressed bytes taken from the original
    file as they are (the standard library has no raw copy: the local header is written
    from the entry's own record, and the archive's central directory lists it as usual)."""
    raw, at = pkg.raw, info.header_offset
    if raw[at : at + 4] != b"PK\x03\x04":
        raise _bad(pkg.path, f"part {info.filename}: its local header is missing")
    name_len, extra_len = struct.unpack("<HH", raw[at + 26 : at + 30])
    start = at + 30 + name_len + extra_len
    data = memoryview(raw)[start : start + info.compress_size]
    if len(data) != info.compress_size:
        raise _bad(pkg.path, f"part {info.filename} is truncated")
    new = copy.copy(info)
    new.flag_bits &= ~0x08  # sizes and CRC go in the local header: no data descriptor after the data
    fp = out.fp
    assert fp is not None, "the archive is open for writing"
    new.header_offset = fp.tell()
    fp.write(new.FileHeader())
    fp.write(data)
    out.filelist.append(new)
    out.NameToInfo[new.filename] = new
    out.start_dir = fp.tell()
