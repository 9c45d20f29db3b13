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
from alfa_xl.book.sheetstream import CannotCut, ItemStream, RowStream
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


# -- the shared strings -------------------------------------------------------------------
SST = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_shared_strings_are_read_only_until_the_one_asked_for():
    items = b"".join(f"<si><t>s{i}</t></si>".encode() for i in range(20_000))
    stream = ItemStream(SST + items + b"<si><t>broken</sst>", M + "si")
    assert [si.find(M + "t").text for si in stream.upto(2)[:3]] == ["s0", "s1", "s2"]
    assert not stream.complete and len(stream.items) < 20_000
    assert stream.upto(12_345)[12_345].find(M + "t").text == "s12345"
    with pytest.raises(ParseError):
        stream.upto(20_000)


def test_rich_text_and_nested_runs_count_as_one_item():
    """Only the root's own children are items: the runs inside a rich-text item are not."""
    data = SST + b"<si><r><t>a</t></r><r><t>b</t></r></si><si><t>c</t></si></sst>"
    stream = ItemStream(data, M + "si")
    assert len(stream.upto(5)) == 2 and stream.complete


def _pad_strings(path, count: int) -> None:
    xml = text(path, "xl/sharedStrings.xml")
    pad = "".join(f"<si><t>padding {i}</t></si>" for i in range(count))
    rewrite(path, {"xl/sharedStrings.xml": xml.replace("</sst>", pad + "</sst>")})


def test_lineup_names_are_read_from_a_large_shared_strings_part_read_in_part(book):
    """The lineup's first and last models (rows 35 and 43 as built) are the shared strings
    their cells point at, read with 20,000 strings after them left unread."""
    xml = text(book, INPUTS_PART)
    first, last = (_row_xml(xml, r) for r in (35, 43))
    strings = text(book, "xl/sharedStrings.xml").split("<si>")[1:]
    names = [strings[int(_first_v(row))].split("<t>")[1].split("</t>")[0] for row in (first, last)]
    _pad_strings(book, 20_000)
    inputs, book_file = _inputs(book)
    models = [m.model for m in inputs.refresh.lineup.models]
    assert [models[0], models[-1]] == names
    assert not book_file.pkg.parsed("xl/sharedStrings.xml")


def _first_v(row: str) -> str:
    return row.split("<v>")[1].split("</v>")[0]


def test_a_shared_string_index_past_the_end_is_refused(book):
    xml = text(book, INPUTS_PART)
    row = _row_xml(xml, 35)
    v = _first_v(row)
    rewrite(book, {INPUTS_PART: xml.replace(row, row.replace(f"<v>{v}</v>", "<v>99999</v>", 1))})
    _pad_strings(book, 100)
    from alfa_xl.book.xlsx import WorkbookFileError

    with pytest.raises(WorkbookFileError, match="shared-string index 99999 does not exist"):
        _inputs(book)
