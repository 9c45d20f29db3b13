"""The pure engine: lifecycle curve, lineup, scenarios, calibration, projection, gap, Monte Carlo.

Nothing here imports xlwings, typer, rich or XlsxWriter; the Excel, workbook and command
line layers sit on top of it.
"""
