"""What the record says: the late-life calibration, replays of past decision points, their
rolling scores and the calibrated forecast."""
