"""The pure engine, in four rooms that import one way (evidence -> risk -> engine -> data):

- :mod:`alfa_xl.model.data`: the sourced CSV files, their one reader (``sources``), the cut at an
  origin (``vintage``) and how past plans ended (``past_plans``);
- :mod:`alfa_xl.model.engine`: lifecycle curve, lineup, scenarios, the projection kernel, gap metrics;
- :mod:`alfa_xl.model.risk`: the Monte Carlo (settings, uncertainty, simulation, tornado, assumption
  ranking) and the year-to-date nowcast it conditions the current year on;
- :mod:`alfa_xl.model.evidence`: the late-life calibration, replays of decision points, rolling
  scores and the calibrated forecast.

Nothing here imports xlwings, typer, rich or XlsxWriter; the Excel, workbook and command
line layers sit on top of it. The engine's public names are importable from ``alfa_xl``.
"""
