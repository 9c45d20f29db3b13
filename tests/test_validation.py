"""One validator per kind of value: alfa_xl.validation."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alfa_xl import validation as v
from alfa_xl.errors import AlfaInputError, HorizonError, LineupError


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text
    return text


class TestParseNumberText:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("400000", 400000.0),
            (" 400000 ", 400000.0),
            ("1,234,567", 1234567.0),  # English grouping, several groups
            ("1.234.567", 1234567.0),  # continental grouping, several groups
            ("1 234", 1234.0),  # space grouping
            ("1\u00a0234\u00a0567", 1234567.0),  # no-break spaces, as Excel's French format writes
            ("400,000", 400000.0),  # a lone comma followed by three digits: never a decimal mark here
            ("1,234.5", 1234.5),
            ("1.234,5", 1234.5),
            ("1 234,5", 1234.5),  # spaces group, so the comma is the decimal mark
            ("0.125", 0.125),  # a leading 0 cannot start a thousands group
            ("33000.5", 33000.5),
            ("-1,234", -1234.0),
            ("\u22125", -5.0),  # the typographic minus
            ("+7", 7.0),
            (".5", 0.5),
            ("2.5e5", 250000.0),
            ("0", 0.0),
        ],
    )
    def test_unambiguous_text(self, text, expected):
        number, percent = v.parse_number_text(text)
        assert number == expected and percent is False

    @pytest.mark.parametrize("text, expected", [("40%", 0.4), ("2 %", 0.02), ("-20%", -0.2), ("110%", 1.1)])
    def test_percentages(self, text, expected):
        number, percent = v.parse_number_text(text)
        assert number == pytest.approx(expected) and percent is True

    @pytest.mark.parametrize(
        "text, readings",
        [
            ("1,5", ("1.5", "15")),
            ("33000,5", ("33000.5", "330005")),
            ("0,125", ("0.125", "125")),
            ("1.234", ("1.234", "1234")),
            ("2.125", ("2.125", "2125")),
        ],
    )
    def test_ambiguous_text_is_refused_naming_both_readings(self, text, readings):
        with pytest.raises(v.NumberTextError) as info:
            v.parse_number_text(text)
        assert info.value.problem.startswith("ambiguous number")
        assert all(r in info.value.problem for r in readings)
        assert "dot as decimal mark" in info.value.fix

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "  ",
            "-",
            "lots",
            "inf",
            "nan",
            "1'234",
            "12,34,567",
            "1,234,56",
            "1 23",
            "1.2.3",
            "1,234.567.8",
            "1e",
            "0x10",
        ],
    )
    def test_not_numbers(self, text):
        with pytest.raises(v.NumberTextError):
            v.parse_number_text(text)

    def test_excel_error_text(self):
        with pytest.raises(v.NumberTextError, match=r"Excel error value #DIV/0!"):
            v.parse_number_text("#div/0!")


class TestNumber:
    def test_kinds_use_the_declared_bounds(self):
        limit = v.LIMITS["units"]
        assert v.number(limit.hi, "peak", "units") == limit.hi
        with pytest.raises(AlfaInputError, match=r"outside 0 to 10,000,000"):
            v.number(limit.hi + 1, "peak", "units")

    def test_message_keeps_field_value_and_fix(self):
        with pytest.raises(LineupError) as info:
            v.number("33000,5", "peak_units of 'Junior'", "units", error=LineupError)
        text = one_line(info.value)
        assert text.startswith("peak_units of 'Junior': ambiguous number")
        assert "(got '33000,5')" in text and "write 33000.5 for a decimal" in text
        assert info.value.field == "peak_units of 'Junior'" and info.value.value == "33000,5"

    @pytest.mark.parametrize("value", [0, 0.0, "0", np.float64(0), np.int64(0)])
    def test_zero_is_a_value(self, value):
        assert v.number(value, "delay", "delay_years") == 0.0

    @pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
    def test_blanks_are_missing_without_a_default(self, value):
        with pytest.raises(AlfaInputError, match="missing"):
            v.number(value, "target", "target")
        assert v.number(value, "target", "target", default=400000.0) == 400000.0

    @pytest.mark.parametrize(
        "value, problem",
        [
            (True, "not a number"),
            (dt.date(2030, 1, 1), "a date is not a number"),
            ("#N/A", "Excel error value #N/A"),
            ({"type": "Error", "basicType": "#REF!"}, "Excel error value #REF!"),
            (math.inf, "not a finite number"),
            ([1, 2], "not a number"),
            ("40%", "a percentage is not accepted here"),
        ],
    )
    def test_refused_values(self, value, problem):
        with pytest.raises(AlfaInputError) as info:
            v.number(value, "target", "target")
        assert problem in one_line(info.value)

    def test_percent_where_the_kind_allows_it(self):
        assert v.number("2%", "market_trend", "market_trend") == pytest.approx(0.02)
        assert v.share("45%", "plateau") == pytest.approx(0.45)

    def test_positive_excludes_zero(self):
        with pytest.raises(AlfaInputError, match="must be above 0"):
            v.positive(0, "target")
        assert v.positive("0.5", "target") == 0.5

    def test_override_bounds_keep_the_kind(self):
        with pytest.raises(AlfaInputError, match=r"outside 0 to 5 .*between 0 and 5"):
            v.number(6, "x", "number", lo=0, hi=5, fix="give x between {lo} and {hi}")

    def test_whole(self):
        assert v.whole("10,000", "paths", "paths") == 10000
        with pytest.raises(AlfaInputError, match="not a whole number"):
            v.whole(2.5, "n")
        with pytest.raises(AlfaInputError, match="not a whole number"):
            v.paths(10.5)


class TestYear:
    @pytest.mark.parametrize(
        "value, expected",
        [
            (2030, 2030),
            (2030.0, 2030),
            (" 2031 ", "2031"),
            (np.int64(2029), 2029),
            (dt.date(2032, 6, 30), 2032),
            (dt.datetime(2027, 12, 31, 23, 59), 2027),
            (pd.Timestamp("2028-03-01"), 2028),
            ("2033-01-15", 2033),
            # Excel date serials: 45658 is 1 Jan 2025 and 47484 is 1 Jan 2030 (days since 30 Dec 1899)
            (45658, 2025),
            (47484, 2030),
            (47483, 2029),
            (47484.75, 2030),
        ],
    )
    def test_years_and_dates(self, value, expected):
        assert v.year(value, "start_year") == int(expected)

    def test_serial_day_count_checked_by_hand(self):
        # 1 Jan 2030 is 130 years after 30 Dec 1899 plus 2 days; 32 leap days (1904-2028)
        assert 130 * 365 + 32 + 2 == 47484
        assert v.excel_serial_year(47484) == 2030

    @pytest.mark.parametrize(
        "value, problem",
        [
            (0, "outside 2000 to 2060"),
            (2026.5, "not a whole number"),
            (1999, "outside 2000 to 2060"),
            (True, "not a number"),
        ],
    )
    def test_bad_years(self, value, problem):
        with pytest.raises(HorizonError) as info:
            v.year(value, "start_year", error=HorizonError)
        assert problem in one_line(info.value) and "whole year between 2000 and 2060" in str(info.value)

    def test_model_years_have_their_own_range(self):
        assert v.year(1960, "launch_year", "model_year") == 1960
        assert v.year(dt.date(2090, 1, 1), "launch_year", "model_year") == 2090

    def test_blank_year_takes_the_default(self):
        assert v.year(None, "end_year", default=v.DEFAULT_YEAR) == 2030
        with pytest.raises(AlfaInputError, match="missing"):
            v.year(None, "end_year")

    def test_horizon(self):
        assert v.horizon("2026", 2030.0) == (2026, 2030)
        with pytest.raises(HorizonError, match="before the start year"):
            v.horizon(2030, 2026)

    def test_default_horizon(self):
        assert v.default_horizon(2025) == (2026, 2030)
        assert v.default_horizon(2030) == (2031, 2031)


class TestOthers:
    def test_seed(self):
        assert v.seed(None, 5) == 5 and v.seed(7.0, 5) == 7 and v.seed(2**63 - 1, 5) == 2**63 - 1
        for bad in (-1, 2**63, 2.0**63, 1.5, "x", True):
            with pytest.raises(AlfaInputError):
                v.seed(bad, 5)

    @pytest.mark.parametrize(
        "value, expected", [(True, True), ("yes", True), ("FALSE", False), (0, False), (1.0, True), ("off", False)]
    )
    def test_flag(self, value, expected):
        assert v.flag(value, "f") is expected

    def test_flag_refuses_other_text(self):
        with pytest.raises(AlfaInputError, match="TRUE or FALSE"):
            v.flag("maybe", "f")

    def test_text(self):
        assert v.text("  a   b ", "t") == "a b" and v.text(156.0, "t") == "156"
        with pytest.raises(AlfaInputError, match="Excel error value #NAME?"):
            v.text("#NAME?", "t")

    @pytest.mark.parametrize("reserved", ["Year", "TOTAL", " total "])
    def test_reserved_names(self, reserved):
        with pytest.raises(AlfaInputError, match="reserved model name"):
            v.name(reserved, "model", what="model name")

    def test_existing_file(self, tmp_path):
        f = tmp_path / "a.csv"
        f.write_text("x\n")
        assert v.existing_file(str(f), "lineup file") == f
        with pytest.raises(AlfaInputError, match="a folder, not a file"):
            v.existing_file(tmp_path, "lineup file")

    def test_every_limit_renders_its_fix(self):
        for kind, limit in v.LIMITS.items():
            assert "{" not in limit.instruction(), kind
            assert limit.lo <= limit.hi, kind


def test_docstring_examples():
    import doctest

    attempted = 0
    for module in (v, v.limits, v.numbers, v.years, v.texts):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted > 10


class TestParseProperties:
    """Grouped numbers read back as the number, whatever the convention."""

    @given(st.integers(min_value=1000, max_value=10**12))
    def test_grouped_integers_read_back(self, n):
        english = f"{n:,}"
        assert v.parse_number_text(english)[0] == n
        assert v.parse_number_text(english.replace(",", " "))[0] == n
        if english.count(",") >= 2:  # one dot group alone is ambiguous (1.234)
            assert v.parse_number_text(english.replace(",", "."))[0] == n

    @given(st.integers(min_value=1000, max_value=10**9), st.integers(min_value=1, max_value=99))
    def test_grouped_with_decimals_in_both_conventions(self, n, cents):
        english = f"{n:,}.{cents:02d}"
        continental = english.replace(",", "_").replace(".", ",").replace("_", ".")
        expected = float(f"{n}.{cents:02d}")
        assert v.parse_number_text(english)[0] == pytest.approx(expected)
        assert v.parse_number_text(continental)[0] == pytest.approx(expected)

    @given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99))
    def test_a_decimal_comma_is_never_silently_read(self, n, frac):
        text = f"{n},{frac}"  # one or two digits after a lone comma: never a grouping
        with pytest.raises(v.NumberTextError, match="ambiguous number"):
            v.parse_number_text(text)
