"""The outlook workbook: reproducible build (XlsxWriter) and headless refresh.

``build_workbook`` writes ``workbook/alfa_outlook.xlsm`` and its same-named Python module;
``refresh_workbook`` recomputes the refresh-owned sheets of an existing workbook from its
own Inputs without Excel, keeping every other part of the file byte for byte.
"""

from .build import build_workbook
from .layout import OWNED_AREAS, SHEETS, WORKBOOK_NAME
from .refresh import RefreshReport, refresh_workbook

__all__ = ["build_workbook", "refresh_workbook", "RefreshReport", "OWNED_AREAS", "SHEETS", "WORKBOOK_NAME"]
