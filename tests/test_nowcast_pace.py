"""Year-to-date units checked against the brand's own pace: one rule
(:func:`alfa_xl.model.risk.nowcast.check_pace`) for the command line, ``ALFA_NOWCAST`` and the
Inputs cells, each with its own explicit override.

Expected values by hand from the shipped data (alfa_xl/model/data/history.csv and
partial_periods.csv):

* widest change between consecutive years: 2018 -> 2019, 131,000 -> 77,000, a factor of
  131000 / 77000 = 1.701299 (the largest rise, 2016 -> 2017, is 118000 / 71700 = 1.6457);
* 2026 against 2025's 73,000: from 73000 * 77000 / 131000 = 42,908.40 to
  73000 * 131000 / 77000 = 124,194.81 units;
* share of the year sold by the end of June: the mean of 30654 / 68683, 27802 / 60800 and
  33020 / 73000 = (0.446311 + 0.457270 + 0.452329) / 3 = 0.451970, so 400,000 in six
  months imply 400000 / 0.451970 = 885,015 for the year, 12.1 times 73,000.
"""

from __future__ import annotations

import shutil

import pytest
from book_edits import pristine  # noqa: F401  (fixtures)
from test_book_refresh import set_cell

from alfa_xl.book.bookfile import BookFile
from alfa_xl.book.inputs import YTD_OVERRIDE, Cell, FileSource, InputsError, read_book_inputs
from alfa_xl.book.xlsx import read_package
from alfa_xl.cli import main
from alfa_xl.excel.functions import alfa_nowcast
from alfa_xl.model.risk.nowcast import PaceError, check_pace, pace, widest_yearly_change

FACTOR = 131000 / 77000
LOW, HIGH = 73000 / FACTOR, 73000 * FACTOR  # 42,908.40 and 124,194.81
H1_SHARE = (30654 / 68683 + 27802 / 60800 + 33020 / 73000) / 3
YTD_UNITS, YTD_MONTHS = "B29", "B30"  # in_ytd_units, in_ytd_months on Inputs


class TestTheRule:
    def test_the_bounds_come_from_the_widest_yearly_change(self):
        f, a, b = widest_yearly_change(2026)
        assert (a, b) == (2018, 2019) and f == pytest.approx(FACTOR, rel=1e-12)
        p = pace(33020, 6)
        assert (p.last_year, p.last_units) == (2025, 73000)
        assert (p.low, p.high) == pytest.approx((LOW, HIGH), rel=1e-12)

    def test_a_typo_is_refused_with_the_figure_and_the_fix(self):
        with pytest.raises(PaceError) as exc:
            check_pace(400000, 6, override="give --ytd-override")
        msg = str(exc.value)
        assert f"implies {400000 / H1_SHARE:,.0f} for 2026, 12.1x 2025's 73,000" in msg  # 885,015
        assert "history allows 42,908 to 124,195 (widest yearly change x1.70)" in msg
        assert msg.endswith("check the units (worldwide, January to month 6) or give --ytd-override if they are right")

    def test_2025s_real_first_half_is_accepted(self):
        nc = check_pace(33020, 6)
        assert nc.units_to_date / nc.share == pytest.approx(33020 / H1_SHARE, rel=1e-9)  # 73,058

    @pytest.mark.parametrize(
        "units, accepted",
        [
            (124_194, True),
            (124_195, False),  # twelve months are the year itself: the bounds exactly
            (42_909, True),
            (42_908, False),
            (73_000, True),
            (0, False),
        ],
    )
    def test_twelve_months_against_the_bounds(self, units, accepted):
        assert pace(units, 12).plausible is accepted

    def test_a_later_year_allows_one_widest_change_per_year(self):
        # 2027 is two years after 2025's actual: 73,000 x 1.7013^2 = 211,292 at most
        assert pace(211_000, 12, 2027).plausible and not pace(211_600, 12, 2027).plausible

    def test_a_replayed_year_is_set_against_its_own_year_before(self):
        p = pace(33020, 6, 2025)  # 2025 against 2024's 60,800
        assert (p.last_year, p.last_units) == (2024, 60800) and p.plausible

    def test_a_short_year_to_date_is_judged_by_its_whole_band(self):
        # one month: the P50 lies above the bound but the band reaches into it, so accepted;
        # a bit further, the whole band is outside and it is refused
        p = pace(9_800, 1)
        assert p.nowcast.units_to_date / p.nowcast.share > HIGH and p.band[0] <= HIGH and p.plausible
        far = pace(9_800 * p.band[1] / p.band[0], 1)
        assert far.band[0] > HIGH and not far.plausible


class TestCommandLine:
    @pytest.mark.parametrize("command", [["outlook"], ["simulate", "-n", "500"]])
    def test_refused_then_accepted_with_the_override(self, capsys, command):
        assert main([*command, "--ytd", "400000", "--ytd-months", "6", "--format", "json"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("alfa-xl: error: --ytd: implies 885,015 for 2026"), err
        assert err[0].endswith("or give --ytd-override if they are right")
        assert main([*command, "--ytd", "400000", "--ytd-months", "6", "--ytd-override", "--format", "json"]) == 0

    def test_the_real_first_half_passes(self, capsys):
        assert main(["simulate", "-n", "500", "--ytd", "33020", "--ytd-months", "6", "--format", "json"]) == 0


class TestWorksheetFunction:
    def test_refused_then_accepted_with_override_true(self):
        text = alfa_nowcast(400000, 6)
        assert text.startswith("#VALUE! ALFA_NOWCAST: units_to_date: implies 885,015 for 2026"), text
        assert "set override to TRUE" in text
        got = alfa_nowcast(400000, 6, None, True)
        assert got[0] == ["P10", "P50", "P90"]
        assert got[1][1] == pytest.approx(400000 / H1_SHARE, rel=1e-9)

    def test_real_first_half_and_a_bad_override(self):
        assert alfa_nowcast(33020, 6)[1][1] == pytest.approx(33020 / H1_SHARE, rel=1e-9)
        assert alfa_nowcast(33020, 6, None, "perhaps").startswith("#VALUE! ALFA_NOWCAST: override: not a yes/no value")


class _WithOverride:
    """The workbook's cells plus a cell named in_ytd_override, as a user would add one."""

    def __init__(self, src, value):
        self.src, self.value = src, value

    def has(self, name):
        return name == YTD_OVERRIDE or self.src.has(name)

    def cells(self, name):
        return [[Cell(self.value, None, "Inputs!E29")]] if name == YTD_OVERRIDE else self.src.cells(name)

    def table(self, name):
        return self.src.table(name)


class TestInputsCells:
    @pytest.fixture
    def typo(self, pristine, tmp_path):
        path = tmp_path / "alfa_outlook.xlsm"
        shutil.copy(pristine, path)
        set_cell(path, YTD_UNITS, 400000)
        set_cell(path, YTD_MONTHS, 6)
        return FileSource(BookFile(read_package(path)))

    def test_refused_naming_the_cell(self, typo):
        with pytest.raises(InputsError) as exc:
            read_book_inputs(typo)
        msg = str(exc.value)
        assert msg.startswith("Inputs!B29 (in_ytd_units): implies 885,015 for 2026"), msg
        assert "name a cell in_ytd_override holding TRUE" in msg and "\n" not in msg

    def test_accepted_with_the_override_cell(self, typo):
        i = read_book_inputs(_WithOverride(typo, True))
        assert (i.ytd_units, i.ytd_months) == (400000.0, 6)
        with pytest.raises(InputsError, match="implies 885,015"):
            read_book_inputs(_WithOverride(typo, False))
        with pytest.raises(InputsError, match=r"Inputs!E29 \(in_ytd_override\): not a yes/no value"):
            read_book_inputs(_WithOverride(typo, "maybe"))
