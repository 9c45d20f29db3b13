"""The tables the workbook's sheets show (scenarios, risk, track record), assembled from the
engine's results and shared by the build, the headless refresh and the Excel macro."""
