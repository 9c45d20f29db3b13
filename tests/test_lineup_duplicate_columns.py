"""A lineup column given twice is refused, naming it, on every path (a worksheet range,
a DataFrame, a CSV file): never resolved silently to one of the copies."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from alfa_xl import udfs
from alfa_xl.cli import main
from alfa_xl.errors import LineupError
from alfa_xl.model.engine.lineup import Lineup, load_lineup

from cli_support import LINEUP_HEAD, one_line, write

HEAD = LINEUP_HEAD.strip().split(",")
ROW = ["X", 2027, 1000, 0.25, 0.25, 0.25, 0.25]


@pytest.mark.parametrize("extra", ["peak_units", "Peak Units", " PEAK_UNITS "])
def test_lineup_column_given_twice_in_a_frame(extra):
    frame = pd.DataFrame([ROW + [5000]], columns=HEAD + [extra])
    with pytest.raises(LineupError) as err:
        Lineup.from_frame(frame)
    assert "peak_units given twice" in str(err.value)


def test_lineup_column_given_twice_at_a_cell():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas warning on the way
        out = udfs.alfa_total(2030, None, [HEAD + ["peak_units"], ROW + [5000]])
    assert isinstance(out, str) and out.startswith("#VALUE! ALFA_TOTAL: ") and "\n" not in out
    assert "peak_units given twice" in out


@pytest.mark.parametrize("extra", ["peak_units", "Peak Units"])
def test_lineup_csv_column_given_twice(tmp_path, capsys, extra):
    path = write(tmp_path / "l.csv", LINEUP_HEAD.strip() + f",{extra}\nX,2027,1000,0.25,0.25,0.25,0.25,5000\n")
    with pytest.raises(LineupError) as err:
        load_lineup(path)
    assert "peak_units given twice" in str(err.value) and "line 1" in err.value.field
    one_line(capsys, main(["outlook", "--lineup", path]), "peak_units given twice")


def test_lineup_csv_with_distinct_columns_still_loads(tmp_path):
    path = write(tmp_path / "l.csv", LINEUP_HEAD + "X,2027,1000,0.25,0.25,0.25,0.25\n")
    assert load_lineup(path)["X"].peak_units == 1000.0
