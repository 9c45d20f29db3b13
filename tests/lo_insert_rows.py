"""Open a workbook in LibreOffice (headless, through UNO), insert rows (or columns) on a sheet, save it in the
same format.

Run by the system Python that has LibreOffice's UNO bridge (Debian: python3-uno):
``python3 lo_insert_rows.py BOOK SHEET INDEX COUNT PROFILE_DIR [columns]`` (0-based index of the first
row or column inserted).
"""

import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


path, sheet_name, at, count, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
columns = sys.argv[6:] == ["columns"]
pipe = f"alfa{os.getpid()}"
proc = subprocess.Popen(
    [
        "soffice",
        "--headless",
        "--invisible",
        "--norestore",
        f"-env:UserInstallation=file://{profile}",
        f"--accept=pipe,name={pipe};urp;",
    ],
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    url = uno.systemPathToFileUrl(os.path.abspath(path))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    sheet = doc.Sheets.getByName(sheet_name)
    (sheet.Columns if columns else sheet.Rows).insertByIndex(at, count)
    doc.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 VBA XML"),))
    doc.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
