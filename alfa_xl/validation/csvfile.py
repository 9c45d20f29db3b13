"""The one reader of every CSV a user gives (a lineup, a scenario): bounded, and the way
Excel writes CSVs in every locale.

Bounds (:data:`~alfa_xl.validation.limits.LIMITS`): the file size (``csv_bytes``, from the
file system before anything is read), the length of each line (``csv_line_chars``, before
the text is parsed), then while parsing, stopping at the first excess: the number of rows
(``max_rows``, the caller's: ``lineup_models`` for a lineup), of lines (``csv_lines``) and
the length of each field (``csv_field_chars``, a spreadsheet cell's limit). A refused
file costs what reading at most ``csv_bytes`` costs, whatever its size on disk; an
accepted one costs time and memory in proportion to its size.

Dialect, from the header line: the separator is the one of ``,`` ``;`` and tab that splits
the header into columns (a header split by two of them is refused). In a
semicolon-separated file (Excel's "CSV" in locales whose decimal mark is the comma) the
comma is read as the decimal mark when the file shows it (a number such as ``0,43`` or
``33000,5`` whose comma cannot be a thousands separator); the dot is then a thousands
separator (``33.000``). Where the file does not show it, a number such as ``1,234`` (1.234
or 1234?) is refused rather than guessed. In comma- and tab-separated files numbers pass
unchanged to :func:`~alfa_xl.validation.numbers.parse_number_text`. See
``docs/validation.md``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from alfa_xl.errors import AlfaInputError
from alfa_xl.validation.limits import LIMITS
from alfa_xl.validation.texts import existing_file, identifier, name_key

__all__ = ["CsvTable", "read_csv_file", "column_key"]

_SEPARATORS = (",", ";", "\t")
_SHOWN = {",": "comma", ";": "semicolon", "\t": "tab"}
#: A line break as the csv module reads one (Windows, Unix, or the old Mac "CSV (Macintosh)").
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SAVE_UTF8 = "save it as a UTF-8 CSV (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"

# a number as a decimal-comma locale writes it: optional sign, thousands grouped by dots or
# spaces, a decimal comma, an optional percent sign
_GROUPS = r"[+\-\u2212]?(?:[1-9]\d{0,2}(?:[.\u00a0\u202f ]\d{3})+|\d+)"
_COMMA_NUMBER = re.compile(rf"^{_GROUPS}(?:,\d+)?\s*%?$")
# a comma that may be a thousands separator (1,234 or 12,345,678): no evidence either way
_COMMA_THOUSANDS = re.compile(r"^[+\-\u2212]?[1-9]\d{0,2}(?:,\d{3})+\s*%?$")
# a dot that can only be a decimal mark (0.43, 33000.5, 1.5), not a grouping (1.234)
_DOT_DECIMAL = re.compile(r"^[+\-\u2212]?\d*\.\d+\s*%?$")
_DOT_THOUSANDS = re.compile(r"^[+\-\u2212]?[1-9]\d{0,2}(?:\.\d{3})+\s*%?$")


@dataclass(frozen=True)
class CsvTable:
    """A CSV read by :func:`read_csv_file`.

    Attributes
    ----------
    header : list of str
        The first row as written (stripped of a byte-order mark).
    rows : list of list of str
        Every row below the header that has a non-blank field, as long as the header
        (short rows padded with ``""``); numbers in a decimal-comma file rewritten with
        the dot as decimal mark.
    lines : list of int
        The file line on which each row ends (for messages).
    separator : str
        ``","``, ``";"`` or ``"\\t"``.
    decimal_comma : bool
        The file's numbers were read with the comma as decimal mark.
    """

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    separator: str
    decimal_comma: bool

    def line_of_last(self, column: str, value: str) -> int | None:
        """The file line of the last row whose ``column`` (compared by :func:`column_key`)
        holds ``value`` (spaces and case ignored), or ``None``."""
        keys = [column_key(h) for h in self.header]
        if column_key(column) not in keys:
            return None
        col = keys.index(column_key(column))
        want = name_key(value)
        found = None
        for row, line in zip(self.rows, self.lines):
            if name_key(row[col]) == want:
                found = line
        return found


def column_key(name: object) -> str:
    """A column's name compared across spellings: ``Peak Units`` is ``peak_units``
    (:func:`~alfa_xl.validation.texts.identifier`)."""
    return identifier(name)


def read_csv_file(
    path: Any,
    field: str,
    *,
    error: type[AlfaInputError] = AlfaInputError,
    max_rows: int,
    rows_kind: str,
    empty_fix: str | None,
    form: str,
    text_columns: Collection[str] = (),
) -> CsvTable:
    """Read a user's CSV file within the bounds of :data:`LIMITS`, in any of Excel's dialects.

    Parameters
    ----------
    path : str or Path
        The file.
    field : str
        Names the file in messages (``"lineup file"``).
    error : AlfaInputError subclass
        Raised for every refusal, with the path as the value.
    max_rows : int
        Most rows accepted below the header.
    rows_kind : str
        The key of :data:`LIMITS` whose ``fix`` explains ``max_rows`` (``"lineup_models"``).
    empty_fix : str or None
        The instruction for a file with a header and no rows; ``None``: the caller checks
        (its rows are then empty).
    form : str
        The file expected, for an empty file (``"a UTF-8 CSV with a header row ..."``).
    text_columns : collection of str
        Columns never read as numbers (names, comments), by :func:`column_key`.

    Raises
    ------
    AlfaInputError (``error``)
        Too large, too many lines or rows, a line or field too long, not UTF-8 or UTF-16
        text, no header, no rows, a header split by two separators, mixed decimal marks,
        an ambiguous ``1,234`` in a semicolon file, or a row longer than the header.
    OSError
        The file system refused to read it (the caller names the file).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as fh:
    ...     _ = fh.write("model;peak_units;share_italy\\nJunior;33.000;0,43\\n")
    >>> t = read_csv_file(fh.name, "lineup file", max_rows=100, rows_kind="lineup_models", empty_fix="add rows",
    ...                   form="a lineup CSV", text_columns={"model"})
    >>> t.rows, t.separator, t.decimal_comma
    ([['Junior', '33000', '0.43']], ';', True)
    >>> os.remove(fh.name)
    """
    p = existing_file(path, field, error=error)
    shown = str(path)

    def refuse(problem: str, fix: str) -> AlfaInputError:
        return error(field, shown, fix, problem)

    size_limit = int(LIMITS["csv_bytes"].hi)
    size = os.stat(p).st_size
    if size > size_limit:
        raise refuse(f"too large: {size:,} bytes, more than {size_limit:,}", LIMITS["csv_bytes"].instruction())
    chunks: list[bytes] = []
    total = 0
    with open(p, "rb") as fh:  # at most one byte past the limit, whatever stat said (/proc, a growing file)
        while chunk := fh.read(min(1 << 16, size_limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > size_limit:
                raise refuse(f"too large: more than {size_limit:,} bytes", LIMITS["csv_bytes"].instruction())
    data = b"".join(chunks)
    del chunks
    text = _decode(data, refuse)
    del data
    line_limit = int(LIMITS["csv_line_chars"].hi)
    long_line = _long_line(text, line_limit)
    if long_line is not None:
        number, length = long_line
        raise refuse(
            f"line {number} is {length:,} characters long, more than {line_limit:,}",
            LIMITS["csv_line_chars"].instruction(),
        )
    separator = _separator(text, form, refuse)
    header, rows, lines = _parse(text, separator, max_rows, rows_kind, form, refuse)
    if not rows and empty_fix is not None:
        raise refuse("no rows below the header", empty_fix)
    decimal_comma = False
    if separator == ";":
        skip = {i for i, h in enumerate(header) if column_key(h) in {column_key(c) for c in text_columns}}
        decimal_comma = _decimal_comma(rows, lines, skip, refuse)
        if decimal_comma:
            for row in rows:
                for i, value in enumerate(row):
                    if i not in skip and _COMMA_NUMBER.match(value.strip()):
                        row[i] = _dotted(value.strip())
    return CsvTable(header, rows, lines, separator, decimal_comma)


def _decode(data: bytes, refuse) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 when a byte-order mark says so
    (Excel's "Unicode Text"); anything else is refused with how to save it."""
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise refuse(f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})", _SAVE_UTF8) from None
    if "\x00" in text:
        raise refuse("not a text file (it contains NUL bytes)", _SAVE_UTF8)
    return text


def _long_line(text: str, limit: int) -> tuple[int, int] | None:
    """(line number, length) of the first line longer than ``limit`` characters, or ``None``.

    Any such line covers one of the points ``0, limit, 2 limit, ...``; around each the
    nearest line breaks are looked for within ``limit`` characters (``str.find``, no copy
    of the text), so the cost is linear in the text whatever its lines.

    >>> _long_line("ab\\ncdef\\r\\nx", 3), _long_line("ab\\ncd", 3)
    ((2, 4), None)
    """

    def next_break(start: int, stop: int) -> int:
        found = [i for i in (text.find("\n", start, stop), text.find("\r", start, stop)) if i != -1]
        return min(found) if found else stop

    for point in range(0, len(text), limit):
        low = max(0, point - limit - 1)
        start = max(text.rfind("\n", low, point + 1), text.rfind("\r", low, point + 1)) + 1
        if next_break(point, min(len(text), point + limit + 2)) - max(start, low) > limit:
            start = start if start > 0 else max(text.rfind("\n", 0, point + 1), text.rfind("\r", 0, point + 1)) + 1
            length = next_break(start, len(text)) - start
            number = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start) + 1
            return number, length
    return None


def _separator(text: str, form: str, refuse) -> str:
    """The separator that splits the header line; ``,`` for a one-column header."""
    first = _LINE_BREAK.split(text, 1)[0]
    if not text.strip():
        raise refuse("empty file", f"give {form}")
    if not first.strip():
        raise refuse("no header row (the first line is empty)", f"put the column names on the first line: give {form}")
    splits = [s for s in _SEPARATORS if len(next(csv.reader([first], delimiter=s), [])) > 1]
    if len(splits) > 1:
        names = " and ".join(_SHOWN[s] for s in splits)
        raise refuse(
            f"the header is split by both {names}",
            "separate the columns with one character (save from Excel as CSV) and rename columns containing the other",
        )
    return splits[0] if splits else ","


def _parse(
    text: str, separator: str, max_rows: int, rows_kind: str, form: str, refuse
) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows with a non-blank field, and the line each row ends on."""
    field_limit = int(LIMITS["csv_field_chars"].hi)
    lines_limit = int(LIMITS["csv_lines"].hi)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if reader.line_num > lines_limit:  # blank lines count too; the rows' own limit usually comes first
                raise refuse(f"more than {lines_limit:,} lines", LIMITS["csv_lines"].instruction())
            for value in row:
                if len(value) > field_limit:
                    raise _field_too_long(reader.line_num, len(value), refuse)
            if header is None:
                if any("\n" in h or "\r" in h for h in row):
                    raise refuse("line 1: a quote opened in the header is not closed", "close the quote or remove it")
                header = row
                continue
            if not any(v.strip() for v in row):
                continue
            if len(rows) >= max_rows:
                raise refuse(f"more than {max_rows:,} rows below the header", LIMITS[rows_kind].instruction())
            if len(row) > len(header):
                if any(v.strip() for v in row[len(header) :]):
                    raise refuse(
                        f"line {reader.line_num}: {len(row)} fields, the header names {len(header)}",
                        "remove the extra fields or give their column a name in the header",
                    )
                row = row[: len(header)]
            rows.append(row + [""] * (len(header) - len(row)))
            lines.append(reader.line_num)
    except csv.Error as exc:  # a quoted field past the csv module's own limit, or broken quoting
        if "field limit" in str(exc):
            raise _field_too_long(reader.line_num, None, refuse) from None
        raise refuse(
            f"line {reader.line_num}: not a valid CSV row ({exc})",
            'check the quotes on that line: a field with the separator or a quote in it is enclosed in "..."',
        ) from None
    if header is None:
        raise refuse("empty file", f"give {form}")
    return header, rows, lines


def _field_too_long(line: int, length: int | None, refuse) -> AlfaInputError:
    limit = int(LIMITS["csv_field_chars"].hi)
    if length is None:
        problem = f"line {line}: a field longer than a spreadsheet cell holds ({limit:,} characters)"
    else:
        problem = f"line {line}: a field of {length:,} characters, more than a spreadsheet cell holds ({limit:,})"
    return refuse(problem, LIMITS["csv_field_chars"].instruction())


def _decimal_comma(rows: list[list[str]], lines: list[int], skip: set[int], refuse) -> bool:
    """Whether a semicolon file writes decimals with a comma: a comma that cannot be a
    thousands separator says yes, a dot that cannot be one says no; both is refused, and so
    is a ``1,234`` in a file that does not say."""
    comma = dot = thousands = None
    for row, line in zip(rows, lines):
        for i, raw in enumerate(row):
            value = raw.strip()
            if i in skip or not value:
                continue
            if "," in value and _COMMA_NUMBER.match(value):
                if _COMMA_THOUSANDS.match(value):
                    thousands = thousands or (line, value)
                else:
                    comma = comma or (line, value)
            elif _DOT_DECIMAL.match(value) and not _DOT_THOUSANDS.match(value):
                dot = dot or (line, value)
    if comma and dot:
        raise refuse(
            f"decimal commas (line {comma[0]}: {comma[1]}) and decimal dots (line {dot[0]}: {dot[1]}) in one file",
            "write every decimal with the same mark",
        )
    if comma:
        return True
    if thousands:
        line, value = thousands
        whole = value.replace(",", "")
        raise refuse(
            f"line {line}: ambiguous number {value}: {value.replace(',', '.')} (decimal comma) or {whole}?",
            f"write {whole} without separators, or {value}0 for a decimal",
        )
    return False


def _dotted(value: str) -> str:
    """A decimal-comma number with the dot as decimal mark and no thousands separators; three
    decimals get a fourth, 0, so that the number reader does not take ``1.234`` for a grouping.

    >>> _dotted("33.000"), _dotted("1 234,5"), _dotted("0,43"), _dotted("40,5 %"), _dotted("1,234")
    ('33000', '1234.5', '0.43', '40.5 %', '1.2340')
    """
    value = re.sub(r"(?<=\d)[.\u00a0\u202f ](?=\d{3})", "", value)
    return re.sub(r",(\d{3})(?!\d)", r".\g<1>0", value).replace(",", ".")
