"""Macros of alfa_outlook.xlsm (xlwings quickstart convention).

The button "Refresh scenarios and risk" runs the VBA macro ``SampleCall``, which imports
this module (named like the workbook) and calls :func:`main`. Run it from a terminal with the
workbook open in Excel: ``python alfa_outlook.py``.
"""

import xlwings as xw

import alfa_xl.macros


def main():
    """Refresh the Scenarios and Risk sheets from the Inputs sheet of the calling workbook."""
    alfa_xl.macros.refresh_scenarios()


if __name__ == "__main__":
    xw.Book("alfa_outlook.xlsm").set_mock_caller()
    main()
