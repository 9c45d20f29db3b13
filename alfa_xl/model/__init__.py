"""The pure engine, in four rooms that import one way (evidence -> risk -> engine -> data):

- :mod:`alfa_xl.model.data`: the sourced CSV files and their one reader (``sources``);
- :mod:`alfa_xl.model.engine`: lifecycle curve, lineup, scenarios, the projection kernel, gap metrics;
- :mod:`alfa_xl.model.risk`: the Monte Carlo (settings, uncertainty, simulation, tornado, assumption ranking);
- :mod:`alfa_xl.model.evidence`: calibration on past plans, replays of decision points, the calibrated
  forecast and the year-to-date nowcast.

Nothing here imports xlwings, typer, rich or XlsxWriter; the Excel, workbook and command
line layers sit on top of it. The engine's public names are importable from ``alfa_xl``.
"""
