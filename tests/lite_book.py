"""The book xlwings Lite hands a script, built from a saved workbook.

Office.js sends xlwings the workbook as JSON: every sheet's values (``""`` for an empty
cell), its tables, and the defined names with their sheet and address (the shape of
xlwings' own remote-engine tests). :func:`payload` reads those parts from an ``.xlsm``
file (values as cached in the file, through python-calamine), so ``xw.Book(json=...)``
with xlwings' remote engine is the book a Lite script receives for that file.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_cell_to_rowcol, xl_range

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$")


def _json_value(v):
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat() + ("T00:00:00.000Z" if type(v) is dt.date else ".000Z")
    return "" if v is None else v


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in z.namelist():
        return {}
    root = fromstring(z.read(path))
    return {
        r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target")))
        for r in root.iter(f"{REL}Relationship")
    }


def payload(path: str | Path, client: str = "Office.js", version: str | None = None) -> dict:
    """The JSON xlwings receives from Office.js for the workbook at ``path``."""
    import xlwings

    book = CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as z:
        wb = fromstring(z.read("xl/workbook.xml"))
        wb_rels = _rels(z, "xl/workbook.xml")
        sheet_parts = [(s.get("name"), wb_rels[s.get(f"{OFFICE_REL}id")]) for s in wb.iter(f"{MAIN}sheet")]
        names = [s for s, _ in sheet_parts]
        sheets = []
        for name, part in sheet_parts:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            width = max((len(r) for r in rows), default=0)
            values = [[_json_value(v) for v in r] + [""] * (width - len(r)) for r in rows] or [[""]]
            tables = []
            for target in _rels(z, part).values():
                if "/tables/" not in target:
                    continue
                t = fromstring(z.read(target))
                (top, left), (bottom, right) = (xl_cell_to_rowcol(c) for c in t.get("ref").split(":"))
                tables.append(
                    {
                        "name": t.get("displayName") or t.get("name"),
                        "range_address": t.get("ref"),
                        "header_row_range_address": xl_range(top, left, top, right),
                        "data_body_range_address": xl_range(top + 1, left, bottom, right),
                        "total_row_range_address": None,
                        "show_headers": True,
                        "show_totals": False,
                        "table_style": "TableStyleMedium2",
                        "show_autofilter": True,
                    }
                )
            sheets.append({"name": name, "visibility": "Visible", "values": values, "pictures": [], "tables": tables})
        defined = []
        for d in wb.iter(f"{MAIN}definedName"):
            if d.get("hidden") == "1" or d.get("localSheetId") is not None:
                continue
            m = _REF.match(d.text or "")
            if not m:
                continue
            sheet = (m.group(1) or m.group(2)).replace("''", "'")
            if sheet not in names:
                continue
            defined.append(
                {
                    "name": d.get("name"),
                    "sheet_index": names.index(sheet),
                    "address": m.group(3).replace("$", ""),
                    "book_scope": True,
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                }
            )
    return {
        "client": client,
        "version": version or xlwings.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
        "names": defined,
        "sheets": sheets,
    }
