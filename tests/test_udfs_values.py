"""What a cell can hold, through xlwings' classic conversion: Excel error values, zeros,
date serial numbers; and where an unexpected failure is logged.

Error cells reach Python as COM error codes (``tests/conftest.py``: the codes of
``xlwings._xlwindows``); with ``err_to_str`` (set on every argument by
``wizard_help``) xlwings turns them into their text. Expected messages are written out
by hand.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from alfa_xl import udfs
from alfa_xl.excel import log as excel_log
from conftest import CELL_ERRORS
from excel_harness import cell, excel_call

ERRORS = {text: code for code, text in CELL_ERRORS.items()}
FIX = "correct the cell it comes from or the formula feeding it (an Excel error is not a value)"


def registered():
    return {name: getattr(udfs, name) for name in udfs.__all__ if hasattr(getattr(udfs, name), "__xlfunc__")}


class TestErrorValues:
    @pytest.mark.parametrize("text", sorted(ERRORS))
    def test_error_in_a_scalar_argument_is_named(self, text):
        assert (
            cell(udfs.alfa_gap, ERRORS[text])
            == f"#VALUE! ALFA_GAP: target: Excel error value {text} (got {text}); {FIX}"
        )

    @pytest.mark.parametrize("text", sorted(ERRORS))
    def test_error_as_scenario_is_not_the_base_case(self, text):
        assert (
            cell(udfs.alfa_total, 2030.0, ERRORS[text])
            == f"#VALUE! ALFA_TOTAL: scenario: Excel error value {text} (got {text}); {FIX}"
        )

    def test_error_inside_a_scenario_range(self):
        rng = (("delay_years", 1.0), ("peak_multiplier", ERRORS["#N/A"]))
        assert (
            cell(udfs.alfa_total, 2030.0, rng)
            == f"#VALUE! ALFA_TOTAL: scenario: Excel error value #N/A inside the range (got a range of 4 cells); {FIX}"
        )

    def test_error_inside_a_lineup_range(self):
        rows = (
            ("model", "launch_year", "peak_units", "italy", "rest_of_europe", "north_america", "rest_of_world"),
            ("X", 2026.0, ERRORS["#REF!"], 1.0, 0.0, 0.0, 0.0),
        )
        out = cell(udfs.alfa_project, None, None, None, None, rows)
        assert (
            out
            == f"#VALUE! ALFA_PROJECT: lineup: Excel error value #REF! inside the range (got a range of 14 cells); {FIX}"
        )

    @pytest.mark.parametrize("name", sorted(registered()))
    def test_every_argument_of_every_function_names_an_error(self, name):
        func = registered()[name]
        args = func.__xlfunc__["args"]
        for i, a in enumerate(args):
            assert a["options"].get("err_to_str") is True, (name, a["name"])
            com = [None] * i + [ERRORS["#DIV/0!"]]
            out = excel_call(func, *com)
            assert out == [[f"#VALUE! {name.upper()}: {a['name']}: Excel error value #DIV/0! (got #DIV/0!); {FIX}"]], (
                name,
                a["name"],
            )

    def test_error_text_typed_as_text_reads_the_same(self):
        assert udfs.alfa_fact(" #n/a ").startswith("#VALUE! ALFA_FACT: key: Excel error value #N/A (got #N/A)")


class TestZerosAreValues:
    def test_zero_target_is_an_error_not_400000(self):
        assert cell(udfs.alfa_gap, 0.0) == (
            "#VALUE! ALFA_GAP: target: must be above 0 (got 0); "
            "give the target in units a year, above 0 (e.g. 400000), or leave it empty"
        )

    def test_zero_year_is_an_error(self):
        assert cell(udfs.alfa_total, 0.0).startswith("#VALUE! ALFA_TOTAL: year: outside 2000 to 2060 (got 0)")
        assert cell(udfs.alfa_gap, None, 0.0).startswith("#VALUE! ALFA_GAP: year: outside 2000 to 2060 (got 0)")

    def test_scenario_range_of_zeros_is_the_base_case_exactly(self):
        # delay 0 years and a flat market are the base scenario's own settings
        rng = (("delay_years", 0.0), ("market_trend", 0.0))
        assert cell(udfs.alfa_total, 2030.0, rng) == cell(udfs.alfa_total, 2030.0, "base")

    def test_zero_in_a_scenario_range_is_that_value(self):
        # market_trend 0 on top of bull (+2% a year) removes the trend: bull's 2030 total / 1.02^5
        with_zero = cell(udfs.alfa_total, 2030.0, (("base", "bull"), ("market_trend", 0.0)))
        assert with_zero == pytest.approx(cell(udfs.alfa_total, 2030.0, "bull") / 1.02**5)

    def test_zero_scenario_or_by_is_an_error(self):
        assert cell(udfs.alfa_total, 2030.0, 0.0).startswith("#VALUE! ALFA_TOTAL: scenario: not a scenario (got 0)")
        assert cell(udfs.alfa_project, None, None, None, 0.0).startswith(
            "#VALUE! ALFA_PROJECT: by: unknown choice (got 0)"
        )

    def test_empty_text_and_none_are_blank(self):
        assert cell(udfs.alfa_gap, "", "") == cell(udfs.alfa_gap) == cell(udfs.alfa_gap, None, None)


class TestDateSerials:
    SERIAL_2030 = 47484.0  # 1 Jan 2030: (2030-01-01 - 1899-12-30).days

    def test_serial_is_what_excel_stores_for_1_jan_2030(self):
        assert (dt.date(2030, 1, 1) - dt.date(1899, 12, 30)).days == self.SERIAL_2030

    def test_serial_in_a_year_argument(self):
        assert cell(udfs.alfa_total, self.SERIAL_2030) == cell(udfs.alfa_total, 2030.0)

    def test_date_and_serial_in_the_lineup_launch_year(self):
        header = ("model", "launch_year", "peak_units", "italy", "rest_of_europe", "north_america", "rest_of_world")
        as_year = (header, ("X", 2026.0, 10000.0, 1.0, 0.0, 0.0, 0.0))
        as_date = (header, ("X", dt.datetime(2026, 3, 1), 10000.0, 1.0, 0.0, 0.0, 0.0))
        as_serial = (header, ("X", 46082.0, 10000.0, 1.0, 0.0, 0.0, 0.0))  # 1 Mar 2026
        expected = excel_call(udfs.alfa_project, None, 2026.0, 2028.0, None, as_year)
        assert expected[1][1] == 5000.0  # launch year: half a year at peak 10,000
        assert excel_call(udfs.alfa_project, None, 2026.0, 2028.0, None, as_date) == expected
        assert excel_call(udfs.alfa_project, None, 2026.0, 2028.0, None, as_serial) == expected


class TestLogging:
    @pytest.fixture()
    def log_dir(self, tmp_path, monkeypatch):
        monkeypatch.setattr(excel_log, "log_path", lambda: tmp_path / "alfa-xl.log")
        excel_log.reset()
        yield tmp_path
        excel_log.reset()

    def test_unexpected_failure_is_one_line_in_the_cell_and_a_traceback_in_the_log(self, log_dir, monkeypatch, capsys):
        def broken(*args, **kwargs):
            raise ZeroDivisionError("boom inside the engine")

        monkeypatch.setattr("alfa_xl.excel.functions.cagr", broken)
        out = cell(udfs.alfa_cagr, 70000.0, 400000.0, 5.0)
        assert out.startswith("#VALUE! ALFA_CAGR: unexpected error (ZeroDivisionError);") and "\n" not in out
        text = (log_dir / "alfa-xl.log").read_text(encoding="utf-8")
        assert "ERROR alfa_xl.excel: ALFA_CAGR failed unexpectedly" in text
        assert "Traceback (most recent call last)" in text and "ZeroDivisionError: boom inside the engine" in text
        err = capsys.readouterr().err
        assert "ALFA_CAGR failed unexpectedly" in err and "ZeroDivisionError: boom inside the engine" in err

    def test_input_errors_are_not_logged(self, log_dir):
        assert cell(udfs.alfa_gap, 0.0).startswith("#VALUE!")
        assert not (log_dir / "alfa-xl.log").exists()

    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
    def test_default_log_file_is_in_the_user_log_directory(self, tmp_path, monkeypatch):
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # freedesktop: logs live under the state home
        assert excel_log.log_path() == tmp_path / "alfa-xl" / "log" / "alfa-xl.log"
