"""What the record says: calibration on past plans, replays of past decision points, the
calibrated forecast and the year-to-date nowcast."""
