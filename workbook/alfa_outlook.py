"""Run the refresh of alfa_outlook.xlsm from a terminal, with the workbook open in Excel.

The workbook's buttons call alfa_xl.macros directly (VBA macros RefreshScenarios,
RefreshScenario, ClearScenarios, each one RunPython line); this module does the same for
the open workbook: ``python alfa_outlook.py``.
"""

import xlwings as xw

import alfa_xl.macros


def main():
    """Refresh the Scenarios and Risk sheets from the Inputs sheet of the calling workbook."""
    alfa_xl.macros.refresh_scenarios()


if __name__ == "__main__":
    xw.Book("alfa_outlook.xlsm").set_mock_caller()
    main()
