"""Formulas that cross the edge of an owned area: a shared formula filled from a cell the
refresh rewrites keeps its other cells (each gets its own formula); an array formula
partly inside is refused before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from book_edits import book, pristine  # noqa: F401  (fixtures)
from book_edits import SCENARIOS_PART, WORKBOOK_PART, cell_xml, edit, rewrite, text
from lo_support import convert

from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.xlsx import WorkbookFileError

SHARED = (
    '<c r="K20" s="8"><f t="shared" ref="K20:M20" si="0">K19*2</f><v>1</v></c>'
    '<c r="L20"><f t="shared" si="0"/><v>2</v></c><c r="M20"><f t="shared" si="0"/><v>3</v></c>'
)


def forget_record(path: Path) -> None:
    """Remove what the build recorded about out_scenarios (a workbook from before the record)."""
    wb = text(path, WORKBOOK_PART)
    rewrite(
        path,
        {WORKBOOK_PART: re.sub(r'<definedName name="_written[a-z_]*_out_scenarios"[^>]*>[^<]*</definedName>', "", wb)},
    )
    assert "_out_scenarios" not in text(path, WORKBOOK_PART).replace('name="out_scenarios"', "")


def test_a_shared_formula_filled_out_of_an_owned_area_keeps_its_other_cells(book):
    forget_record(book)
    edit(book, SCENARIOS_PART, cell_xml(book, SCENARIOS_PART, "K20"), SHARED)
    refresh_workbook(book)
    out = text(book, SCENARIOS_PART)
    # K19*2 filled from K20 to L20 and M20 is L19*2 and M19*2 there (relative references move)
    assert re.search(r'<c r="L20"[^>]*><f>L19\*2</f>', out)
    assert re.search(r'<c r="M20"[^>]*><f>M19\*2</f>', out)
    assert 't="shared"' not in out


def test_a_shared_formula_whose_master_stays_outside_is_kept_whole(book):
    forget_record(book)
    row = cell_xml(book, SCENARIOS_PART, "K20")
    edit(
        book,
        SCENARIOS_PART,
        row,
        row + '<c r="L20"><f t="shared" ref="L20:M20" si="7">L19+1</f><v>1</v></c>'
        '<c r="M20"><f t="shared" si="7"/><v>2</v></c>',
    )
    refresh_workbook(book)
    out = text(book, SCENARIOS_PART)
    assert '<f t="shared" ref="L20:M20" si="7">L19+1</f>' in out and '<f t="shared" si="7"/>' in out


def test_an_array_formula_across_the_edge_is_refused_before_writing(book):
    forget_record(book)
    row = cell_xml(book, SCENARIOS_PART, "K19")
    edit(
        book,
        SCENARIOS_PART,
        row,
        '<c r="K19"><f t="array" ref="K19:L19">J18:K18*2</f><v>1</v></c><c r="L19"><v>0</v></c>',
    )
    before = book.read_bytes()
    with pytest.raises(WorkbookFileError, match=r"array formula at Scenarios!K19:L19 lies partly inside.*move"):
        refresh_workbook(book)
    assert book.read_bytes() == before


@pytest.mark.libreoffice
def test_libreoffice_shows_the_cells_of_a_shared_formula_after_a_refresh(book, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    forget_record(book)
    edit(book, SCENARIOS_PART, cell_xml(book, SCENARIOS_PART, "K20"), SHARED)
    refresh_workbook(book)
    out = convert(book, "xlsx", tmp_path / "lo", tmp_path)  # skipped without LibreOffice, an error in CI
    ws = openpyxl.load_workbook(out)["Scenarios"]
    assert (ws["L20"].value, ws["M20"].value) == ("=L19*2", "=M19*2")
