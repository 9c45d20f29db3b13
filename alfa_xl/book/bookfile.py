"""The workbook inside a package (:class:`BookFile`): sheets, defined names, tables, number
formats, shared strings and cells, each parsed once and checked (a bad cell reference,
style index, shared-string index or table header count is a
:class:`~alfa_xl.book.xlsx.WorkbookFileError`, never a traceback).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, replace
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from alfa_xl.book.sheetstream import CannotCut, ItemStream, RowStream
from alfa_xl.book.xlsx import (
    NS,
    CellRange,
    M,
    Package,
    WorkbookFileError,
    column_of,
    int_attr,
    parse_range,
    plain_utf8,
    quote_sheet,
    split_ref,
)
from alfa_xl.errors import AlfaInputError

__all__ = [
    "ExcelError",
    "TableInfo",
    "XlCell",
    "BookFile",
    "sheet_rows",
    "item_text",
    "check_workbook_root",
    "STRICT_MAIN",
]

_STRINGS = "xl/sharedStrings.xml"
_RESAVE = "open and re-save the workbook in Excel, or build a new one with alfa-xl build-workbook"


def _bad(path, problem: str, fix: str = _RESAVE) -> WorkbookFileError:
    return WorkbookFileError("workbook file", str(path), fix, problem)


class ExcelError(str):
    """An Excel error value read from a cell (``#N/A``, ``#REF!``, ...): text that knows it is one."""


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


_DATE_IDS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) | frozenset(range(50, 59))
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}
_EPOCH = _dt.datetime(1899, 12, 30)


def _is_date_code(code: str) -> bool:
    """Whether a number format shows a date or time (quoted text, [colours] and escapes ignored)."""
    plain, i, quoted = [], 0, False
    while i < len(code):
        ch = code[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif ch == "\\":
            i += 1
        elif ch == "[":
            end = code.find("]", i)
            inner = code[i + 1 : end if end > 0 else len(code)].lower()
            if inner in ("h", "hh", "m", "mm", "s", "ss"):
                plain.append("h")
            i = end if end > 0 else len(code)
        else:
            plain.append(ch.lower())
        i += 1
    text = "".join(plain).split(";")[0]
    return text != "general" and any(c in text for c in "dmyhs")


@dataclass(frozen=True)
class XlCell:
    """One cell as stored: ``value`` (None, float, bool, str, :class:`ExcelError` or a
    ``datetime`` for a date-formatted number), its formula text, and whether the formula
    has a cached value."""

    value: Any
    formula: str | None = None
    number_format: str = "General"


class BookFile:
    """A workbook package read once: its sheets, defined names, tables, styles, shared
    strings and cells, each parsed on first use and kept."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.path = pkg.path
        self._row_index: dict[str, tuple[str, dict[int, Element]]] = {}
        self._streams: dict[str, RowStream | None] = {}
        self._dates: dict[int, bool] = {}
        root = pkg.xml("xl/workbook.xml")
        check_workbook_root(root, self.path)
        rels = self.rels("xl/workbook.xml")
        self.sheet_parts: dict[str, str] = {}
        sheets = root.find(M + "sheets")
        seen: dict[str, str] = {}
        for s in sheets if sheets is not None else []:
            rid = s.get(f"{{{NS['r']}}}id")
            name = s.get("name", "")
            if name.casefold() in seen:  # Excel compares sheet names without case
                raise _bad(
                    self.path,
                    f"two sheets are named {name!r}"
                    + (f" and {seen[name.casefold()]!r}" if seen[name.casefold()] != name else ""),
                )
            seen[name.casefold()] = name
            if rid in rels:
                part = rels[rid]
                other = next((k for k, v in self.sheet_parts.items() if v == part), None)
                if other is not None:
                    raise _bad(self.path, f"sheets {other!r} and {name!r} point at the same part {part}")
                self.sheet_parts[name] = part
        #: workbook-scoped defined names -> their formula text (sheet-scoped ones left out)
        self.names: dict[str, str] = {}
        dn = root.find(M + "definedNames")
        named: dict[str, str] = {}
        for d in dn if dn is not None else []:
            name = d.get("name") or ""
            if d.get("localSheetId") is None and name:
                if name.casefold() in named:  # Excel compares names without case; which one counts is unknown
                    raise _bad(
                        self.path,
                        f"the defined name {name} is defined twice",
                        f"delete one of the two {name} in Formulas > Name Manager (keep the one on the right "
                        "cells), then refresh",
                    )
                named[name.casefold()] = name
                self.names[name] = (d.text or "").strip()
        self._strings: list[str] | None = None
        self._string_stream: ItemStream | bool | None = None  # False: the part is parsed whole
        self._formats: list[str] | None = None

    # structure
    def rels(self, part: str) -> dict[str, str]:
        """Relationship id -> target part name (resolved) of ``part``."""
        folder, _, base = part.rpartition("/")
        rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if not self.pkg.has(rels_name):
            return {}
        out = {}
        for rel in self.pkg.xml(rels_name).findall(f"{{{NS['rel']}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            segs = (
                target[1:].split("/")
                if target.startswith("/")
                else (folder.split("/") if folder else []) + target.split("/")
            )
            stack: list[str] = []
            for s in segs:
                if s == "..":
                    if stack:
                        stack.pop()
                elif s and s != ".":
                    stack.append(s)
            out[rel.get("Id", "")] = "/".join(stack)
        return out

    def sheet_name(self, sheet: str) -> str | None:
        """The workbook's own spelling of ``sheet``, found as Excel finds it (case ignored);
        ``None`` when there is no such sheet."""
        if sheet in self.sheet_parts:
            return sheet
        key = sheet.casefold()
        return next((s for s in self.sheet_parts if s.casefold() == key), None)

    def sheet_part(self, sheet: str) -> str:
        """The worksheet part of ``sheet`` (case ignored); an error when the package lacks it."""
        part = self.sheet_parts.get(self.sheet_name(sheet) or sheet)
        if part is None:
            raise _bad(self.path, f"sheet {sheet!r} not found")
        if not self.pkg.has(part):
            raise _bad(self.path, f"the part {part} of sheet {sheet!r} is missing")
        return part

    def resolve(self, name: str, error: type[AlfaInputError], fix: str, missing_fix: str) -> CellRange:
        """The cell range a defined name refers to, checked to lie on an existing sheet."""
        text = self.names.get(name)
        if text is None:
            raise error(f"defined name {name}", None, missing_fix, "missing")
        try:
            rng = parse_range(text)
        except ValueError:
            raise error(f"defined name {name}", text, fix, "not a cell range") from None
        sheet = self.sheet_name(rng.sheet)
        if sheet is None:
            raise error(f"defined name {name}", text, fix, "sheet not found")
        return rng if sheet == rng.sheet else replace(rng, sheet=sheet)

    def table(self, name: str) -> TableInfo | None:
        """The Excel table called ``name`` (case ignored), or ``None``."""
        for sheet, part in self.sheet_parts.items():
            if not self.pkg.has(part):
                continue
            for target in self.rels(part).values():
                if not target.startswith("xl/tables/") or not self.pkg.has(target):
                    continue
                t = self.pkg.xml(target)
                if (t.get("displayName") or t.get("name") or "").casefold() != name.casefold():
                    continue
                try:
                    rng = parse_range(f"{quote_sheet(sheet)}!{t.get('ref', '')}")
                except ValueError:
                    raise _bad(self.path, f"table {name}: bad reference {t.get('ref')!r}") from None
                cols = tuple(c.get("name", "") for c in t.iter(M + "tableColumn"))
                header = int_attr(t, "headerRowCount", 1, target, self.path, 0, 1)
                totals = int_attr(t, "totalsRowCount", 0, target, self.path, 0, 1)
                if len(cols) != rng.c1 - rng.c0 + 1 or rng.r1 - rng.r0 + 1 < header + totals:
                    raise _bad(self.path, f"table {name}: its columns do not match its reference {t.get('ref')!r}")
                return TableInfo(name, sheet, part, rng, cols, header, totals)
        return None

    # values
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self.pkg.has(_STRINGS):
                root = self.pkg.xml(_STRINGS)
                self._strings = [item_text(si) for si in root.findall(M + "si")]
        return self._strings

    def string(self, index: int) -> str | None:
        """Shared string ``index`` (``None`` when there is none), the part read only as far
        as that string (:class:`~alfa_xl.book.sheetstream.ItemStream`) unless it is parsed whole."""
        if index < 0:
            return None
        if self._strings is None and self.pkg.has(_STRINGS) and not self.pkg.parsed(_STRINGS):
            if self._string_stream is None:
                self.pkg.charge(_STRINGS)  # the budget counts the whole part, read or not
                data = self.pkg.parts[_STRINGS]
                self._string_stream = ItemStream(data, M + "si") if plain_utf8(data) else False
            stream = self._string_stream
            if isinstance(stream, ItemStream):
                try:
                    items = stream.upto(index)
                except ParseError:
                    raise _bad(self.path, f"{_STRINGS} is not readable XML (ParseError)") from None
                _check_prefixes(stream.decls, _STRINGS, self.path)
                return item_text(items[index]) if index < len(items) else None
        strings = self.strings()
        return strings[index] if index < len(strings) else None

    def formats(self) -> list[str]:
        """The number format code of each cell format (``cellXfs``), by index."""
        if self._formats is None:
            out: list[str] = []
            if self.pkg.has("xl/styles.xml"):
                root = self.pkg.xml("xl/styles.xml")
                codes: dict[int, str] = dict(_BUILTIN_FORMATS)
                nf = root.find(M + "numFmts")
                for n in nf if nf is not None else []:
                    codes[int_attr(n, "numFmtId", -1, "xl/styles.xml", self.path, -1)] = n.get("formatCode", "")
                xfs = root.find(M + "cellXfs")
                for xf in xfs if xfs is not None else []:
                    fid = int_attr(xf, "numFmtId", 0, "xl/styles.xml", self.path)
                    out.append("m/d/yyyy" if fid in _DATE_IDS else codes.get(fid, "General"))
            self._formats = out
        return self._formats

    def protected(self, sheet: str) -> bool:
        """Whether ``sheet``'s cells are locked against editing (Review > Protect Sheet)."""
        el = self.pkg.xml(self.sheet_part(sheet)).find(M + "sheetProtection")
        return el is not None and el.get("sheet", "0") in ("1", "true")

    def _rows(self, sheet: str) -> tuple[str, dict[int, Element]]:
        """The sheet's part and its rows by 0-based number (parsed and checked once)."""
        if sheet not in self._row_index:
            part = self.sheet_part(sheet)
            data = self.pkg.xml(part).find(M + "sheetData")
            # every row and cell checked once (a cell stored in another row is refused wherever it is)
            self._row_index[sheet] = (part, sheet_rows(data, part, self.path) if data is not None else {})
        return self._row_index[sheet]

    def _rows_through(self, sheet: str, last: int) -> tuple[str, dict[int, Element]]:
        """:meth:`_rows`, at least through row ``last`` (0-based): a sheet not parsed whole
        is read only that far (:mod:`alfa_xl.book.sheetstream`), its rows checked as far as read."""
        part = self.sheet_part(sheet)
        stream = None if sheet in self._row_index or self.pkg.parsed(part) else self._stream(part)
        if stream is not None:
            try:
                root = stream.through(last + 1)
            except CannotCut:
                self._streams[part] = None
                return self._rows(sheet)
            except ParseError:
                raise _bad(self.path, f"{part} is not readable XML (ParseError)") from None
            _check_prefixes(stream.decls, part, self.path)
            data = root.find(M + "sheetData") if root is not None else None
            return part, sheet_rows(data, part, self.path) if data is not None else {}
        return self._rows(sheet)

    def _stream(self, part: str) -> RowStream | None:
        """The part's row stream (``None`` when it must be parsed whole), counted whole against the parse budget."""
        if part not in self._streams:
            self.pkg.charge(part)
            data = self.pkg.parts[part]
            try:
                self._streams[part] = RowStream(data) if plain_utf8(data) else None
            except CannotCut:
                self._streams[part] = None
        return self._streams[part]

    def cells(self, sheet: str, within: CellRange | None = None) -> dict[tuple[int, int], XlCell]:
        """The cells of ``sheet`` (or of the rectangle ``within``) that hold a value or a
        formula: ``{(row, col): XlCell}``. Only the rows asked for are read."""
        part, rows = self._rows(sheet) if within is None else self._rows_through(sheet, within.r1)
        out: dict[tuple[int, int], XlCell] = {}
        numbers = (
            range(within.r0, within.r1 + 1)
            if within is not None and within.r1 - within.r0 < len(rows)
            else sorted(rows)
        )
        for r in numbers:
            row = rows.get(r)
            if row is None:
                continue
            for col, c in row_cells(row, r, part, self.path):
                at = (r, col)
                if within is not None and not within.contains(*at):
                    continue
                cell = self._cell(c, part)
                if cell.value is not None or cell.formula is not None:
                    out[at] = cell
        return out

    def _cell(self, c: Element, part: str) -> XlCell:
        f = c.find(M + "f")
        formula = None if f is None else (f.text or "").strip() or "(shared formula)"
        t = c.get("t", "n")
        if t == "inlineStr":
            inline = c.find(M + "is")
            return XlCell(item_text(inline) if inline is not None else None, formula)
        v = c.find(M + "v")
        if v is None or v.text is None:
            return XlCell(None, formula)
        text = v.text
        if t == "s":
            try:
                i = int(text)
            except ValueError:
                raise _bad(self.path, f"{part}: shared-string index {text!r} is not a whole number") from None
            string = self.string(i)
            if string is None:
                raise _bad(self.path, f"{part}: shared-string index {i} does not exist")
            return XlCell(string, formula)
        if t == "str":
            return XlCell(text, formula)
        if t == "e":
            return XlCell(ExcelError(text.strip()), formula)
        if t == "b":
            return XlCell(text.strip() in ("1", "true"), formula)
        if t == "d":  # an ISO 8601 date cell (Strict files, other tools): a date, as Excel shows it
            try:
                return XlCell(_dt.datetime.fromisoformat(text.strip().removesuffix("Z")), formula, "yyyy-mm-dd")
            except ValueError:
                raise _bad(
                    self.path, f"{part}: cell {c.get('r')} holds the date {text[:30]!r}, not an ISO 8601 date"
                ) from None
        try:
            number = float(text)
        except ValueError:
            raise _bad(self.path, f"{part}: the number {text[:20]!r} is not a number") from None
        if not math.isfinite(number):
            raise _bad(self.path, f"{part}: cell {c.get('r')} holds {text[:20]!r}, not a finite number")
        style = int_attr(c, "s", 0, part, self.path)
        formats = self.formats()
        code = formats[style] if style < len(formats) else "General"
        if style not in self._dates:
            self._dates[style] = _is_date_code(code)
        if self._dates[style]:  # Excel shows it as a date: xlwings gives a datetime
            try:
                return XlCell(_EPOCH + _dt.timedelta(days=number), formula, code)
            except (OverflowError, ValueError):
                pass
        return XlCell(number, formula, code)


def _check_prefixes(decls: list[tuple[str, str]], part: str, path) -> None:
    """A part read only in part follows the rule of one parsed whole (:func:`~alfa_xl.book.xlsx.parse_part`):
    one namespace per prefix."""
    prefixes: dict[str, str] = {}
    for prefix, uri in decls:
        if prefixes.setdefault(prefix, uri) != uri:
            raise _bad(path, f"{part} uses the namespace prefix {prefix!r} for two namespaces")


def item_text(el: Element) -> str:
    """The text of a shared-string item ``<si>`` or an inline string ``<is>`` as Excel
    shows it: its ``<t>``, or its rich-text runs ``<r><t>`` joined. Phonetic runs
    (``<rPh>``, the reading Excel keeps for text typed with a Japanese IME) and their
    settings (``<phoneticPr>``) are not part of the value."""
    out = []
    for child in el:
        if child.tag == M + "t":
            out.append(child.text or "")
        elif child.tag == M + "r":
            out.extend(t.text or "" for t in child.findall(M + "t"))
    return "".join(out)


#: The namespace of Strict Open XML spreadsheets (ISO 29500 Strict).
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def check_workbook_root(root: Element, path) -> None:
    """``xl/workbook.xml`` must be a transitional SpreadsheetML workbook (the one Excel
    writes for "Excel Workbook"): a Strict Open XML file, whose parts use other namespaces,
    is refused with the way to convert it."""
    if root.tag == f"{{{STRICT_MAIN}}}workbook":
        raise _bad(
            path,
            'saved as "Strict Open XML Spreadsheet"',
            'open it in Excel and save it as "Excel Macro-Enabled Workbook" (.xlsm) '
            'or "Excel Workbook" (.xlsx), then refresh',
        )
    if root.tag != M + "workbook":
        raise _bad(path, "xl/workbook.xml is not a SpreadsheetML workbook")


def sheet_rows(data: Element, part: str, path, check_cells: bool = True) -> dict[int, Element]:
    """The rows of a ``<sheetData>`` by 0-based number, every row checked (and, with
    ``check_cells``, every cell: :func:`row_cells`): each row carries its number and no row
    comes twice. Excel writes them so; a file that leaves them out or repeats them would
    be read by position or by the first or last copy, so it is refused with the cell named
    (the one rule for every sheet read or rewritten)."""
    rows: dict[int, Element] = {}
    for row in data.findall(M + "row"):
        if row.get("r") is None:
            raise _bad(path, f"{part}: a row without its number (after row {max(rows) + 1 if rows else 0})")
        r = int_attr(row, "r", 0, part, path, 1, 1_048_576) - 1
        if r in rows:
            raise _bad(path, f"{part}: row {r + 1} is stored twice")
        rows[r] = row
        if check_cells:
            row_cells(row, r, part, path)
    return rows


def row_cells(row: Element, r: int, part: str, path) -> list[tuple[int, Element]]:
    """The cells of row ``r`` (0-based) with their columns, checked: each carries its
    reference, lies in its own row, and comes once."""
    out: list[tuple[int, Element]] = []
    seen: set[int] = set()
    number = str(r + 1)
    for c in row.findall(M + "c"):
        ref = c.get("r")
        if not ref:
            raise _bad(path, f"{part}: a cell without its reference in row {r + 1}")
        letters = ref[: -len(number)]
        col = column_of(letters) if ref.endswith(number) and letters.isascii() and letters.isupper() else None
        if col is not None:  # the common case, "B5" in row 5, without a regular expression
            at = (r, col)
        else:
            try:
                at = split_ref(ref)
            except ValueError:
                raise _bad(path, f"{part}: bad cell reference {ref!r}") from None
        if at[0] != r:
            raise _bad(path, f"{part}: cell {ref} is stored in row {r + 1}")
        if at[1] in seen:
            raise _bad(path, f"{part}: cell {ref} is stored twice")
        seen.add(at[1])
        out.append((at[1], c))
    return out
