"""Same Inputs, same answer: each case is run through the Excel macro (against the xlwings
Book double of ``test_macros``, holding what Excel would hold for that cell) and through
``alfa-xl refresh`` (on a built workbook whose cell is stored as Excel stores it), and
both must give the same values or the same one-line error.

Expected values are written by hand: 47484 is the Excel serial of 2030-01-01; "400,000"
and "400.000" are four hundred thousand in the two thousands conventions.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from book_edits import parts, rewrite
from book_edits import pristine  # noqa: F401  (fixtures)
from defusedxml.ElementTree import fromstring
from python_calamine import CalamineWorkbook

from alfa_xl.book.inputs import FileSource, read_book_inputs
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.xlsx import read_package
from alfa_xl.errors import AlfaInputError
from alfa_xl.excel import macros
from test_macros import Book, Name, Table, XlErr, parse_cell

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INPUTS_PART = "xl/worksheets/sheet2.xml"
DATE_2030 = 47484  # Excel serial of 2030-01-01 (days since 1899-12-30)


# -- the file side: a cell stored as Excel stores it --------------------------------------
def _add_style(parts: dict[str, bytes], num_fmt_id: int) -> int:
    """Append a cell format with a built-in number format; its index."""
    xml = parts["xl/styles.xml"].decode()
    m = re.search(r'<cellXfs count="(\d+)">', xml)
    n = int(m.group(1))
    xml = xml.replace(m.group(0), f'<cellXfs count="{n + 1}">', 1)
    xml = xml.replace(
        "</cellXfs>",
        f'<xf numFmtId="{num_fmt_id}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>',
        1,
    )
    parts["xl/styles.xml"] = xml.encode()
    return n


def _set_xml_cell(parts: dict[str, bytes], ref: str, inner: str) -> None:
    xml = parts[INPUTS_PART].decode()
    m = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml)
    assert m, ref
    parts[INPUTS_PART] = (xml[: m.start()] + inner.replace("@@", ref) + xml[m.end() :]).encode()


@dataclass(frozen=True)
class Stored:
    """One cell both ways: ``xml`` as the file stores it (``@@`` for the reference, ``S``
    for a style index with number format ``num_fmt``), and what xlwings gives in Excel."""

    xml: str
    excel: Any
    formula: str | None = None
    num_fmt: int | None = None  # built-in number format id of the cell's style
    number_format: str = "General"  # Range.number_format in Excel


def number(x: float) -> Stored:
    return Stored(f'<c r="@@"><v>{x}</v></c>', float(x))


def text(t: str) -> Stored:
    return Stored(f'<c r="@@" t="inlineStr"><is><t>{t}</t></is></c>', t)


BLANK = Stored('<c r="@@"/>', None)
TRUE = Stored('<c r="@@" t="b"><v>1</v></c>', True)
DATE = Stored(f'<c r="@@" s="S"><v>{DATE_2030}</v></c>', dt.datetime(2030, 1, 1), num_fmt=14, number_format="m/d/yyyy")
PERCENT = Stored('<c r="@@" s="S"><v>0.4</v></c>', 0.4, num_fmt=9, number_format="0%")
NA = Stored('<c r="@@" t="e"><v>#N/A</v></c>', XlErr("#N/A"))
REF_ERROR = Stored('<c r="@@" t="e"><v>#REF!</v></c>', XlErr("#REF!"))
DATE_2031 = Stored(
    f'<c r="@@" s="S"><v>{DATE_2030 + 365}</v></c>', dt.datetime(2031, 1, 1), num_fmt=14, number_format="m/d/yyyy"
)
FORMULA = Stored('<c r="@@"><f>200000+50000</f><v>250000</v></c>', 250000.0, "=200000+50000")
FORMULA_NO_VALUE = Stored('<c r="@@"><f>200000+50000</f></c>', None, "=200000+50000")  # as openpyxl saves it


# -- the Excel side: a Book double holding the built workbook's Inputs ---------------------
def excel_double(path: Path, name: str, cell: Stored, at: str | None) -> Book:
    book = Book()
    book.names.items.clear()
    wb = fromstring(parts(path)["xl/workbook.xml"])
    for d in wb.iter(M + "definedName"):
        book.names.items[d.get("name")] = Name(book, d.get("name"), "=" + d.text)
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Inputs").to_python()
    inputs = book.sheets["Inputs"]
    for r, row in enumerate(values, start=1):
        for c, x in enumerate(row, start=1):
            if x != "":
                inputs.cells[(r, c)] = x
    table = fromstring(parts(path)["xl/tables/table1.xml"]).get("ref")
    inputs.tables.append(Table("tbl_lineup", inputs.range(table)))
    if at is None:
        at = book.names[name].refers_to_range.address
    key = parse_cell(at)
    inputs.cells.pop(key, None)
    if cell.excel is not None:
        inputs.cells[key] = cell.excel
    if cell.formula:
        inputs.formulas[key] = cell.formula
    inputs.formats[key] = cell.number_format
    book.log.clear()
    return book


def file_case(pristine: Path, tmp: Path, name: str, cell: Stored, at: str | None) -> Path:
    path = tmp / "alfa_outlook.xlsm"
    shutil.copy(pristine, path)
    stored = parts(path)
    if at is None:
        at = re.search(rf'<definedName name="{name}">Inputs!([^<]+)<', stored["xl/workbook.xml"].decode()).group(1)
    xml = cell.xml
    if cell.num_fmt is not None:
        xml = xml.replace('s="S"', f's="{_add_style(stored, cell.num_fmt)}"')
    _set_xml_cell(stored, at.replace("$", ""), xml)
    rewrite(path, stored)
    return path


# -- the cases -------------------------------------------------------------------------------
LINEUP_PEAK = "F35"  # tbl_lineup[peak_units] of Junior, the first model (table A34:T43, header row 34)
LINEUP_LAUNCH = "C42"  # tbl_lineup[launch_year] of the 4.3 m model, the eighth (planned for 2030, no successor)

CASES = [
    # (id, input name, cell, a cell address instead of the name's, expected: (attribute, value) or an error fragment)
    ("start year typed as a date", "in_start_year", DATE, None, ("start_year", 2030)),
    ("start year as a date serial", "in_start_year", number(DATE_2030), None, ("start_year", 2030)),
    ("end year as text", "in_end_year", text("2030"), None, ("end_year", 2030)),
    ("end year blank", "in_end_year", BLANK, None, ("end_year", 2030)),
    ("end year boolean", "in_end_year", TRUE, None, "Inputs!B7 (in_end_year): not a number (got True)"),
    ("start year error value", "in_start_year", REF_ERROR, None, "Inputs!B6 (in_start_year): Excel error value #REF!"),
    ("target typed 40%", "in_target", PERCENT, None, "Inputs!B5 (in_target): a percentage is not accepted here"),
    ("target text 40%", "in_target", text("40%"), None, "Inputs!B5 (in_target): a percentage is not accepted here"),
    ("target text 1,5", "in_target", text("1,5"), None, "Inputs!B5 (in_target): ambiguous number: 1.5 or 15?"),
    ("target with comma thousands", "in_target", text("400,000"), None, ("target", 400_000.0)),
    ("target with dot thousands", "in_target", text("1.250.000"), None, ("target", 1_250_000.0)),
    ("target with comma thousands, millions", "in_target", text("1,250,000"), None, ("target", 1_250_000.0)),
    (
        "target 400.000 (three decimals or thousands?)",
        "in_target",
        text("400.000"),
        None,
        "Inputs!B5 (in_target): ambiguous number: 400.000 or 400000?",
    ),
    ("target with spaces", "in_target", text("350 000"), None, ("target", 350_000.0)),
    ("target typed as a date", "in_target", DATE, None, "Inputs!B5 (in_target): a date is not a number here"),
    ("target formula with its value", "in_target", FORMULA, None, ("target", 250_000.0)),
    (
        "target formula without a value",
        "in_target",
        FORMULA_NO_VALUE,
        None,
        "Inputs!B5 (in_target): formula without a calculated value (got '=200000+50000')",
    ),
    ("target blank", "in_target", BLANK, None, ("target", 400_000.0)),
    ("target zero", "in_target", number(0), None, "Inputs!B5 (in_target): must be above 0 (got 0)"),
    ("target boolean", "in_target", TRUE, None, "Inputs!B5 (in_target): not a number (got True)"),
    ("target #N/A", "in_target", NA, None, "Inputs!B5 (in_target): Excel error value #N/A"),
    ("paths as text with thousands", "in_paths", text("2,000"), None, ("paths", 2000)),
    (
        "paths typed as a percentage",
        "in_paths",
        PERCENT,
        None,
        "Inputs!B25 (in_paths): a percentage is not accepted here",
    ),
    ("seed as text", "in_seed", text("7"), None, ("seed", 7)),
    ("seed blank", "in_seed", BLANK, None, ("seed", 20140506)),
    ("scenario with spaces", "in_scenario", text("  bear "), None, ("scenario", "bear")),
    ("scenario error value", "in_scenario", NA, None, "Inputs!B9 (in_scenario): Excel error value #N/A"),
    (
        "scenario list cell boolean",
        "in_scenario_list",
        TRUE,
        "B14",
        "Inputs!B14 (in_scenario_list): not text (got True)",
    ),
    (
        "lineup peak 33000,5",
        None,
        text("33000,5"),
        LINEUP_PEAK,
        "Inputs!F35 (tbl_lineup[peak_units], model 'Junior'): ambiguous number: 33000.5 or 330005?",
    ),
    (
        "lineup peak formula without a value",
        None,
        FORMULA_NO_VALUE,
        LINEUP_PEAK,
        "Inputs!F35 (tbl_lineup[peak_units]): formula without a calculated value",
    ),
    ("lineup launch year as a date", None, DATE_2031, LINEUP_LAUNCH, ("launch_year of row 8", 2031)),
]


def _headless(path: Path):
    try:
        return "ok", refresh_workbook(path, backup=False).status.split(": ", 1)[1]
    except AlfaInputError as exc:
        return "error", str(exc)


def _macro(book: Book):
    message = macros.refresh_scenarios(book)
    stopped = "Refresh stopped, nothing changed: "
    if message.startswith(stopped):
        return "error", message[len(stopped) :]
    return "ok", message.split(": ", 1)[1]


def _attribute(inputs, attribute: str):
    if attribute.startswith("launch_year of row "):
        return inputs.refresh.lineup.models[int(attribute.rsplit(" ", 1)[1]) - 1].launch_year
    if attribute in ("scenario", "paths", "seed"):
        return getattr(inputs, attribute)
    return getattr(inputs.refresh, attribute)


@pytest.mark.parametrize("case, name, cell, at, expected", CASES, ids=[c[0] for c in CASES])
def test_macro_and_headless_refresh_agree(pristine, tmp_path, case, name, cell, at, expected):
    path = file_case(pristine, tmp_path, name, cell, at)
    before = read_book_inputs(FileSource(BookFile(read_package(path)))) if not isinstance(expected, str) else None
    book = excel_double(pristine, name, cell, at)
    headless, macro = _headless(path), _macro(book)
    assert headless == macro, f"{case}: headless {headless} vs macro {macro}"
    if isinstance(expected, str):
        assert headless[0] == "error" and headless[1].startswith(expected), headless
        assert "\n" not in headless[1]
    else:
        attribute, value = expected
        assert headless[0] == "ok"
        assert _attribute(before, attribute) == value
        assert _attribute(read_book_inputs(macros.XlwingsSource(book)), attribute) == value
