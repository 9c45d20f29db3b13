"""A worksheet read only through the rows asked for (alfa_xl.book.sheetstream): the rows
read are the rows stored, whatever lies below them; any file the byte scan cannot vouch
for (rows out of order, another spelling, a row tag inside a row) is read whole, with the
same values. The expected values are the ones typed into the XML here."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

import pytest
from book_edits import INPUTS_PART, book, edit, parts, pristine, rewrite, text  # noqa: F401

from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.inputs import FileSource, read_book_inputs
from alfa_xl.book.sheetstream import CannotCut, RowStream
from alfa_xl.book.xlsx import M, read_package

HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def _row(r: int, value: int) -> bytes:
    return f'<row r="{r}"><c r="A{r}"><v>{value}</v></c></row>'.encode()


def _values(root) -> dict[int, str]:
    return {int(row.get("r")): row.find(f"{M}c/{M}v").text for row in root.find(M + "sheetData")}


def test_reads_only_through_the_rows_asked_for_then_reads_on():
    data = HEAD + b"".join(_row(r, r * 10) for r in range(1, 2001)) + TAIL
    stream = RowStream(data)
    assert _values(stream.through(3)) == {1: "10", 2: "20", 3: "30"}
    assert not stream.complete
    assert stream.through(2) is stream.root and len(_values(stream.root)) == 3  # nothing more read
    assert _values(stream.through(5)) == {1: "10", 2: "20", 3: "30", 4: "40", 5: "50"}
    assert len(_values(stream.through(10_000))) == 2000 and stream.complete
    assert stream.decls == [("", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")]


def test_the_part_below_the_rows_read_is_not_parsed():
    """Broken XML after row 3 is not read for rows 1 to 3; asked for, it is refused."""
    data = HEAD + _row(1, 1) + _row(3, 3) + _row(9, 9) + b"<c unclosed" + TAIL
    stream = RowStream(data)
    assert _values(stream.through(8)) == {1: "1", 3: "3"}
    with pytest.raises(ParseError):
        stream.through(9)


def test_no_row_that_low_reads_nothing():
    stream = RowStream(HEAD + _row(7, 70) + TAIL)
    assert stream.through(6) is None
    assert _values(stream.through(7)) == {7: "70"}


@pytest.mark.parametrize(
    "body",
    [
        _row(1, 1) + _row(5, 5) + _row(3, 3),  # out of order
        _row(1, 1) + _row(1, 2),  # stored twice
        b'<row spans="1:1" r="2"><c r="A2"><v>2</v></c></row>',  # another attribute first
        b"<row><c r='A2'><v>2</v></c></row>",  # no number
        _row(1, 1).replace(b"<row", b"<x:row").replace(b"</row", b"</x:row"),  # a prefix
    ],
    ids=["out-of-order", "twice", "spans-first", "no-number", "prefixed"],
)
def test_rows_the_scan_cannot_vouch_for_are_read_whole(body):
    with pytest.raises(CannotCut):
        RowStream(HEAD + body + TAIL)


def test_a_cut_inside_a_row_is_refused():
    """A comment inside row 2 spelling a row tag: cutting there would leave row 2 half read."""
    data = HEAD + _row(1, 1) + b'<row r="2"><c r="A2"><v>2</v></c><!-- <row r="50"> --><c r="B2"><v>3</v></c></row>'
    stream = RowStream(data + _row(60, 6) + TAIL)
    with pytest.raises(CannotCut):
        stream.through(2)


# -- through the workbook reader ----------------------------------------------------------
FILLER = "".join(f'<row r="{r}"><c r="C{r}"><v>{r}</v></c><c r="D{r}"/></row>' for r in range(200, 3200))


def _inputs(path):
    book_file = BookFile(read_package(path))
    return read_book_inputs(FileSource(book_file)), book_file


def _set_target(path, value: int) -> None:
    xml = text(path, INPUTS_PART)
    start = xml.index('<c r="B5"')
    end = xml.index("</c>", start) + 4
    rewrite(path, {INPUTS_PART: xml[:start] + f'<c r="B5"><v>{value}</v></c>' + xml[end:]})


def test_inputs_above_thousands_of_rows_are_read_and_the_rows_below_are_not_parsed(book):
    _set_target(book, 250_000)
    edit(book, INPUTS_PART, "</sheetData>", FILLER + "</sheetData>")
    inputs, book_file = _inputs(book)
    assert inputs.refresh.target == 250_000
    assert not book_file.pkg.parsed(INPUTS_PART)


def _row_xml(xml: str, r: int) -> str:
    start = xml.index(f'<row r="{r}"')
    return xml[start : xml.index("</row>", start) + 6]


@pytest.mark.parametrize("case", ["out-of-order", "row-tag-in-a-row"])
def test_a_sheet_read_whole_gives_the_same_inputs(book, case):
    """Row 5 (the target) stored after row 6, or a row tag spelled in a comment inside row 43
    (the lineup table's last, A34:T43 as built): the whole part is parsed, and the target typed
    and the table's 9 models are read."""
    _set_target(book, 250_000)
    xml = text(book, INPUTS_PART)
    assert 'ref="A34:T43"' in text(book, "xl/tables/table1.xml")
    if case == "out-of-order":
        xml = xml.replace(_row_xml(xml, 5) + _row_xml(xml, 6), _row_xml(xml, 6) + _row_xml(xml, 5))
    else:
        row43 = _row_xml(xml, 43)
        xml = xml.replace(row43, row43.replace("</c>", '</c><!-- <row r="100"> -->', 1))
    rewrite(book, {INPUTS_PART: xml.replace("</sheetData>", FILLER + "</sheetData>")})
    inputs, book_file = _inputs(book)
    assert inputs.refresh.target == 250_000
    assert len(inputs.refresh.lineup.models) == 9
    assert book_file.pkg.parsed(INPUTS_PART)


def test_the_parse_budget_counts_the_whole_part(book, monkeypatch):
    """Read only in part, the part still counts whole against the budget (refused before reading)."""
    from alfa_xl.book import xlsx

    edit(book, INPUTS_PART, "</sheetData>", FILLER + "</sheetData>")
    size = len(parts(book)[INPUTS_PART])
    monkeypatch.setattr(xlsx, "MAX_XML_PART", size - 1)
    with pytest.raises(xlsx.WorkbookFileError, match="too large to read"):
        _inputs(book)
