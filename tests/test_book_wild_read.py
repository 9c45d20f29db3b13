"""Cells read as Excel means them, in workbooks as Excel and other tools write them:
phonetic and rich-text runs, Strict Open XML, prefixed namespaces, a sheet renamed by case
only, a name defined twice, an ISO 8601 date cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from book_edits import book, pristine  # noqa: F401  (fixtures)
from book_edits import (
    INPUTS_PART,
    SCENARIOS_PART,
    STRINGS_PART,
    WORKBOOK_PART,
    edit,
    parts,
    rewrite,
    set_cell_xml,
    style_of,
    text,
)

from alfa_xl.book.owned import OwnedAreaError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.xlsx import WorkbookFileError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _inline(path: Path, ref: str, body: str) -> None:
    set_cell_xml(
        path, INPUTS_PART, ref, f'<c r="{ref}"{style_of(path, INPUTS_PART, ref)} t="inlineStr"><is>{body}</is></c>'
    )


def test_phonetic_runs_of_a_shared_string_are_not_part_of_a_model_name(book):
    edit(
        book,
        STRINGS_PART,
        "<si><t>Giulia</t></si>",
        '<si><t>Giulia</t><rPh sb="0" eb="6"><t>ジュリア</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>',
    )
    refresh_workbook(book)
    out = text(book, SCENARIOS_PART)
    assert "ジュリア" not in out
    assert re.search(r"<t[^>]*>Giulia</t>", out)


@pytest.mark.parametrize(
    "body",
    [
        '<t>bear</t><rPh sb="0" eb="4"><t>ベア</t></rPh><phoneticPr fontId="1"/>',  # plain text with its reading
        '<r><t>be</t></r><r><rPr><b/></rPr><t>ar</t></r><rPh sb="0" eb="4"><t>ベア</t></rPh>',  # rich text runs
    ],
)
def test_inline_strings_read_as_their_text_runs(book, body):
    _inline(book, "B9", body)  # in_scenario
    _inline(book, "B14", body)  # the entry of in_scenario_list that holds bear
    report = refresh_workbook(book)
    assert "around bear" in report.status
    assert "ベア" not in report.status


def test_a_shared_string_in_rich_text_runs_is_their_concatenation(book):
    edit(
        book,
        STRINGS_PART,
        "<si><t>Giulia</t></si>",
        '<si><r><t>Giu</t></r><r><rPr><i/></rPr><t xml:space="preserve">lia</t></r></si>',
    )
    refresh_workbook(book)
    assert re.search(r"<t[^>]*>Giulia</t>", text(book, SCENARIOS_PART))


def test_a_strict_open_xml_file_is_refused_with_the_way_to_convert_it(book):
    edit(book, WORKBOOK_PART, f'xmlns="{MAIN}"', 'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"')
    before = book.read_bytes()
    with pytest.raises(WorkbookFileError, match=r'Strict Open XML.*save it as "Excel Macro-Enabled Workbook"'):
        refresh_workbook(book)
    assert book.read_bytes() == before


def _prefixed(xml: str) -> str:
    """The same part with the main namespace bound to the prefix ``x`` (as some tools write)."""
    xml = re.sub(r"<(/?)([A-Za-z]+)(?=[\s/>])", r"<\1x:\2", xml)
    return xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')


def test_parts_with_a_prefixed_main_namespace_are_read_and_written(book):
    _inline(book, "B14", "<t>bear</t>")
    p = parts(book)
    rewrite(book, {k: _prefixed(p[k].decode()) for k in (WORKBOOK_PART, INPUTS_PART, SCENARIOS_PART, STRINGS_PART)})
    refresh_workbook(book)
    out = text(book, SCENARIOS_PART)
    assert "<x:sheetData>" in out and 'xmlns="' + MAIN not in out
    assert re.search(r"<x:t[^>]*>bear</x:t>", out)


def test_a_sheet_renamed_by_case_only_is_found_as_excel_finds_it(book):
    wb = text(book, WORKBOOK_PART).replace('<sheet name="Scenarios"', '<sheet name="scenarios"')
    wb = wb.replace(">Scenarios!", ">scenarios!")  # Excel renames the references in defined names
    rewrite(book, {WORKBOOK_PART: wb})
    report = refresh_workbook(book)
    assert report.areas["out_scenarios"].lower() == "scenarios!$a$6:$k$92"


def test_an_owned_name_defined_twice_is_refused(book):
    edit(
        book,
        WORKBOOK_PART,
        "</definedNames>",
        '<definedName name="OUT_SCENARIOS">Scenarios!$A$120</definedName></definedNames>',
    )
    before = book.read_bytes()
    with pytest.raises(WorkbookFileError, match=r"defined twice.*Name Manager"):
        refresh_workbook(book)
    assert book.read_bytes() == before


def test_an_iso_date_cell_in_a_year_input_gives_its_year(book):
    set_cell_xml(
        book, INPUTS_PART, "B6", f'<c r="B6"{style_of(book, INPUTS_PART, "B6")} t="d"><v>2027-03-01T00:00:00</v></c>'
    )
    report = refresh_workbook(book)
    assert "2027-2030" in report.status


def test_a_protected_sheet_is_not_written_into(book):
    edit(book, SCENARIOS_PART, "</sheetData>", '</sheetData><sheetProtection sheet="1" objects="1" scenarios="1"/>')
    before = book.read_bytes()
    with pytest.raises(OwnedAreaError, match=r"sheet Scenarios: protected.*Review > Unprotect Sheet"):
        refresh_workbook(book)
    assert book.read_bytes() == before


def test_a_sheet_protected_then_unprotected_is_written(book):
    edit(book, SCENARIOS_PART, "</sheetData>", '</sheetData><sheetProtection sheet="0"/>')
    assert refresh_workbook(book).areas["out_scenarios"] == "Scenarios!$A$6:$K$92"
