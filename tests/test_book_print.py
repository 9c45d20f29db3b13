"""Every sheet of the workbook prints legibly on A4 landscape.

The page setup is read from the saved file's XML and compared with values worked out by
hand below; then LibreOffice prints the workbook to PDF and poppler measures it: every page
is A4 landscape, and no sheet prints below 60% (a 10-point cell at 6 points or more).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from alfa_xl.book.build import build_workbook

SHEETS = ["Cover", "Inputs", "Projection", "Scenarios", "Gap", "Risk", "Track record", "Facts", "Checks"]

#: Sheets whose charts stand beside their tables print in blocks at one fixed scale: the
#: tables, then (after a page break before the chart's column) the charts. The scale is the
#: largest at which each block fits a page, worked out by hand from the column widths
#: (a column w characters wide is stored as w + 0.71 and printed 7.44 px a character at
#: 100%; a default column is 8.43), the page (1,045 x 697 px inside the margins, of which a
#: block may fill 97% of the width and 85% of the height) and the charts' sizes:
PRINT_IN_BLOCKS = {
    # columns A-P (30, 17, 11, 16, 11 x 7, 12, 11 x 4): 218.36 characters x 7.44 = 1,624.6 px;
    # 1,045 x 0.97 / 1,624.6 = 0.624. Then column A again with the sources and comments.
    "Inputs": (62, 16, True),
    # columns A-M (10, 16 x 11, default): 202.95 x 7.44 = 1,510 px; 1,013.65 / 1,510 = 0.671
    "Projection": (67, 13, False),
    # columns A-J (10, 17 x 8, default): 160.82 x 7.44 = 1,196.5 px; 1,013.65 / 1,196.5 = 0.847
    "Gap": (84, 10, False),
    # the charts: the tornado ends 21 rows x 20 px + 360 px = 780 px down; 697 x 0.85 / 780 = 0.760
    # (the tables, columns A-H: 120.68 x 7.44 = 898 px, would print at 100%)
    "Risk": (75, 8, False),
}
#: The other sheets fit one page wide and as many tall as they need.
FIT_TO_WIDTH = [s for s in SHEETS if s not in PRINT_IN_BLOCKS]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


@pytest.fixture(scope="module")
def xml(book) -> dict[str, str]:
    """Sheet name -> its worksheet XML (XlsxWriter writes sheetN.xml in sheet order); "" -> workbook.xml."""
    with zipfile.ZipFile(book) as z:
        wb = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', wb)
        assert names[: len(SHEETS)] == SHEETS
        return {"": wb, **{n: z.read(f"xl/worksheets/sheet{i + 1}.xml").decode() for i, n in enumerate(SHEETS)}}


def _print_titles(wb_xml: str, index: int) -> str | None:
    m = re.search(rf'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">([^<]+)<', wb_xml)
    return m.group(1) if m else None


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_prints_on_landscape_a4_with_its_title_on_every_page(xml, sheet):
    setup = re.search(r"<pageSetup [^>]*/>", xml[sheet]).group(0)
    assert 'paperSize="9"' in setup and 'orientation="landscape"' in setup, setup
    quoted = f"'{sheet}'" if " " in sheet else sheet
    titles = _print_titles(xml[""], SHEETS.index(sheet))
    assert titles is not None and titles.endswith(f"{quoted}!$1:$1"), titles


@pytest.mark.parametrize("sheet", FIT_TO_WIDTH)
def test_sheets_without_charts_beside_tables_fit_one_page_wide(xml, sheet):
    assert '<pageSetUpPr fitToPage="1"/>' in xml[sheet]
    setup = re.search(r"<pageSetup [^>]*/>", xml[sheet]).group(0)
    assert 'fitToHeight="0"' in setup and "fitToWidth" not in setup  # width 1 is the default
    assert "<colBreaks" not in xml[sheet]


@pytest.mark.parametrize("sheet", list(PRINT_IN_BLOCKS))
def test_sheets_with_charts_beside_tables_print_in_blocks(xml, sheet):
    scale, break_before, repeat_a = PRINT_IN_BLOCKS[sheet]
    assert "fitToPage" not in xml[sheet]
    setup = re.search(r"<pageSetup [^>]*/>", xml[sheet]).group(0)
    assert f'scale="{scale}"' in setup, setup
    breaks = re.findall(r'<brk id="(\d+)"[^>]*man="1"/>', re.search(r"<colBreaks.*?</colBreaks>", xml[sheet]).group(0))
    assert breaks == [str(break_before)]  # a break before column index break_before (0-based)
    titles = _print_titles(xml[""], SHEETS.index(sheet))
    assert titles.startswith(f"{sheet}!$A:$A,") == repeat_a, titles


def test_cover_print_area_is_columns_a_to_j(xml):
    assert re.search(r'<definedName name="_xlnm.Print_Area" localSheetId="0">Cover!\$A\$1:\$J\$\d+<', xml[""])


# -- printed by LibreOffice ---------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
A4_LANDSCAPE = (841.89, 595.28)  # points


def _pdf(book: Path, folder: Path) -> Path:
    env = dict(os.environ, HOME=str(folder))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(book),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=180,
    )
    return folder / (book.stem + ".pdf")


def _pages(pdf: Path) -> list[dict]:
    """Per page: its size and the words of its footer (the bottom 40 points) with their heights."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        w, h = float(m.group(1)), float(m.group(2))
        words = [
            (word, float(y1) - float(y0))
            for y0, y1, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', m.group(3))
            if float(y0) > h - 40
        ]
        pages.append({"size": (w, h), "footer": words})
    return pages


@pytest.mark.libreoffice
def test_libreoffice_prints_every_sheet_at_60_percent_or_more(book, xml, tmp_path):
    if SOFFICE is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError("LibreOffice and poppler-utils are required in CI")
        pytest.skip("soffice or pdftotext not installed")
    pages = _pages(_pdf(book, tmp_path))
    # the footer reads "alfa_outlook.xlsm  SHEET  Page n of N" at 8 points times the sheet's scale
    scaled: dict[str, list[float]] = {}
    for p in pages:
        text = " ".join(w for w, _ in p["footer"])
        sheet = next((s for s in SHEETS if f"alfa_outlook.xlsm {s} Page" in text), None)
        if sheet is None:
            continue  # the xlwings.conf sheet (settings, not for printing) has no footer
        assert all(abs(a - b) < 1 for a, b in zip(p["size"], A4_LANDSCAPE, strict=True)), (sheet, p["size"])
        scaled.setdefault(sheet, []).append(next(h for w, h in p["footer"] if w == "alfa_outlook.xlsm"))
    assert set(scaled) == set(SHEETS), set(SHEETS) - set(scaled)
    # the height of an 8-point word at 100%, from the sheets printed at a known scale
    unit = [h / (PRINT_IN_BLOCKS[s][0] / 100) for s in PRINT_IN_BLOCKS for h in scaled[s]]
    assert max(unit) / min(unit) < 1.02, unit  # LibreOffice printed them at the scales the file says
    at_100 = sum(unit) / len(unit)
    printed = {s: min(hs) / at_100 for s, hs in scaled.items()}
    small = {s: f"{v:.0%}" for s, v in printed.items() if v < 0.6}
    assert not small, f"printed below 60% (a 10-point cell under 6 points): {small}"
