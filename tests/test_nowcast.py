"""alfa_xl.model.risk.nowcast and ALFA_NOWCAST (issue 9 item 4).

Expected values are computed here from the shipped partial periods (the CSV rows, typed
in) and textbook Student-t quantiles, not from the module's own helpers.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from excel_harness import assert_cell_safe, cell, excel_call

from alfa_xl.excel import functions as udfs
from alfa_xl.model.risk.nowcast import NowcastError, first_year, nowcast, seasonality, t_cdf, t_ppf

# shares of the year sold by month k (partial_periods.csv, typed in)
H1 = [30654 / 68683, 27802 / 60800, 33020 / 73000]  # 2023, 2024, 2025
M9 = [41116 / 63300, 38975 / 60800]  # 2020, 2024
M5 = 27695 / 73000  # 2025
#: Student-t 90% quantiles (any statistics table)
T90 = {1: 3.077684, 2: 1.885618, 3: 1.637744, 4: 1.533206, 5: 1.475884}
T975 = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582, 6: 2.446912}


def mean(xs):
    return sum(xs) / len(xs)


def tau2_by_hand(groups):
    num = sum(sum((x - mean(g)) ** 2 for x in g) / (mean(g) * (1 - mean(g))) for g in groups)
    return num / sum(len(g) - 1 for g in groups)


def by_hand(units, share, n, tau2, df, p):
    """Full-year units at percentile p: U / S with logit S = logit c - s * t_p."""
    s = math.sqrt(tau2 * (1 + 1 / n) / (share * (1 - share)))
    t = {0.1: -T90[df], 0.5: 0.0, 0.9: T90[df]}[p]
    logit = math.log(share / (1 - share)) - s * t
    return units * (1 + math.exp(-logit))


class TestStudentT:
    @pytest.mark.parametrize("df", sorted(T975))
    def test_table_quantiles(self, df):
        assert float(t_ppf(0.975, df)) == pytest.approx(T975[df], abs=2e-6)
        assert float(t_ppf(0.025, df)) == pytest.approx(-T975[df], abs=2e-6)
        assert float(t_cdf(T975[df], df)) == pytest.approx(0.975, abs=1e-7)

    @pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 10])
    def test_cdf_against_numerical_integration_of_the_density(self, df):
        x = np.linspace(-60, 1.3, 400_001)
        dens = (
            math.gamma((df + 1) / 2)
            / (math.sqrt(df * math.pi) * math.gamma(df / 2))
            * (1 + x**2 / df) ** (-(df + 1) / 2)
        )
        integral = float(np.sum((dens[1:] + dens[:-1]) / 2 * np.diff(x)))
        tail = float(t_cdf(-60.0, df))
        assert float(t_cdf(1.3, df)) == pytest.approx(tail + integral, abs=1e-6)

    def test_ppf_inverts_cdf(self):
        p = np.array([1e-6, 0.01, 0.1, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9])
        for df in (1, 3, 6):
            assert t_cdf(t_ppf(p, df), df) == pytest.approx(p, abs=1e-10)


class TestSeasonality:
    def test_shares_and_spread_from_the_partial_periods(self):
        s = seasonality(2026)
        assert s.share[0] == 0 and s.share[12] == 1
        assert s.share[5] == pytest.approx(M5)
        assert s.share[6] == pytest.approx(mean(H1))
        assert s.share[9] == pytest.approx(mean(M9))
        assert min(H1) >= 0.446 and max(H1) <= 0.4573  # "44.6-45.7% of the year in 2023-2025"
        assert s.df == (3 - 1) + (2 - 1)
        assert s.tau2 == pytest.approx(tau2_by_hand([H1, M9]))

    def test_months_between_observations_are_straight_lines(self):
        s = seasonality(2026)
        assert s.share[3] == pytest.approx(M5 * 3 / 5)
        assert s.share[7] == pytest.approx(mean(H1) + (mean(M9) - mean(H1)) / 3)
        assert s.share[11] == pytest.approx(mean(M9) + (1 - mean(M9)) * 2 / 3)
        assert list(s.years[[1, 5, 6, 7, 9, 10]]) == [1, 1, 3, 2, 2, 2]
        assert np.all(np.diff(s.share) > 0)

    def test_no_look_ahead(self):
        # a nowcast of 2025 uses only years before 2025: the first halves of 2023 and 2024
        s = seasonality(2025)
        assert s.share[6] == pytest.approx(mean(H1[:2]))
        assert s.share[5] == pytest.approx(mean(H1[:2]) * 5 / 6)  # 2025's January-May is not used
        assert s.df == 2 and s.tau2 == pytest.approx(tau2_by_hand([H1[:2], M9]))

    def test_too_little_history(self):
        assert first_year() == 2025
        with pytest.raises(
            NowcastError, match=r"year: too little partial-period history before it \(got 2024\); give 2025"
        ):
            nowcast(1000, 6, 2024)


class TestNowcast:
    @pytest.mark.parametrize("months, units", [(6, 33020.0), (5, 27695.0), (9, 40000.0), (3, 15000.0), (11, 60000.0)])
    def test_percentiles_by_hand(self, months, units):
        s_share = {6: mean(H1), 5: M5, 9: mean(M9), 3: M5 * 3 / 5, 11: mean(M9) + (1 - mean(M9)) * 2 / 3}[months]
        n = {6: 3, 5: 1, 9: 2, 3: 1, 11: 2}[months]
        tau2 = tau2_by_hand([H1, M9])
        expected = [by_hand(units, s_share, n, tau2, 3, p) for p in (0.1, 0.5, 0.9)]
        assert nowcast(units, months).percentiles() == pytest.approx(expected, rel=1e-6)  # table t to 6 decimals

    def test_h1_2026_band_is_narrow_and_centred_on_the_h1_share(self):
        p10, p50, p90 = nowcast(36000, 6, 2026).percentiles()
        assert p50 == pytest.approx(36000 / mean(H1))
        assert 0.95 < p10 / p50 < 0.99 and 1.01 < p90 / p50 < 1.05

    def test_replay_of_2025_from_its_first_half(self):
        # with only 2023-2024 history, H1 2025 (33,020) implies a band holding the actual 73,000
        p10, p50, p90 = nowcast(33020, 6, 2025).percentiles()
        assert p10 < 73000 < p90

    def test_twelve_months_is_the_year(self):
        assert nowcast(73000, 12).percentiles([1, 50, 99]) == [73000.0, 73000.0, 73000.0]

    def test_zero_units_is_a_value(self):
        assert nowcast(0, 6).percentiles() == [0.0, 0.0, 0.0]

    def test_fewer_months_wider_band(self):
        widths = []
        for k in (1, 3, 5, 6):
            p10, _, p90 = nowcast(1000.0 * k, k).percentiles()
            widths.append(p90 / p10)
        assert widths == sorted(widths, reverse=True)

    def test_text_numbers_and_dates_in_the_year(self):
        a = nowcast("33,020", "6", dt.date(2026, 7, 1)).percentiles()
        assert a == nowcast(33020, 6, 2026).percentiles()

    @pytest.mark.parametrize(
        "units, months, year, field, problem",
        [
            (1000, 0, None, "months", "outside 1 to 12"),
            (1000, 13, None, "months", "outside 1 to 12"),
            (1000, 6.5, None, "months", "not a whole number"),
            (-5, 6, None, "units_to_date", "outside 0 to 10,000,000"),
            ("#DIV/0!", 6, None, "units_to_date", "Excel error value #DIV/0!"),
            ("lots", 6, None, "units_to_date", "not a number"),
            ("33000,5", 6, None, "units_to_date", "ambiguous number"),
            (True, 6, None, "units_to_date", "not a number"),
            (None, 6, None, "units_to_date", "missing"),
            (1000, None, None, "months", "missing"),
            (1000, 6, 1999, "year", "outside 2000 to 2060"),
        ],
    )
    def test_bad_inputs(self, units, months, year, field, problem):
        with pytest.raises(NowcastError) as info:
            nowcast(units, months, year)
        text = str(info.value)
        assert text.startswith(f"{field}: {problem}") and "\n" not in text and "; " in text


class TestDistribution:
    """Seeded statistical tests of the full-year distribution."""

    def test_sampler_matches_the_model_built_independently(self):
        units, k = 36000.0, 6
        nc = nowcast(units, k)
        draws = nc.sample(200_000, seed=2026)
        # the same model drawn with numpy's own Student-t generator
        tau2 = tau2_by_hand([H1, M9])
        c = mean(H1)
        s = math.sqrt(tau2 * (1 + 1 / 3) / (c * (1 - c)))
        t = np.random.default_rng(7).standard_t(3, 200_000)
        independent = units * (1 + np.exp(-(math.log(c / (1 - c)) + s * t)))
        for q in (0.05, 0.1, 0.5, 0.9, 0.95):
            assert np.quantile(draws, q) == pytest.approx(np.quantile(independent, q), rel=2e-3)

    def test_percentiles_hold_their_probability(self):
        nc = nowcast(20000.0, 4)
        draws = nc.sample(100_000, seed=11)
        p10, p50, p90 = nc.percentiles()
        sd = math.sqrt(0.1 * 0.9 / draws.size)
        assert abs((draws < p10).mean() - 0.1) < 4 * sd
        assert abs((draws < p50).mean() - 0.5) < 4 * math.sqrt(0.25 / draws.size)
        assert abs((draws > p90).mean() - 0.1) < 4 * sd
        assert draws.min() >= 20000.0

    def test_reproducible_and_generator_accepted(self):
        nc = nowcast(20000.0, 4)
        assert np.array_equal(nc.sample(50, seed=3), nc.sample(50, seed=3))
        assert np.array_equal(nc.sample(50, np.random.default_rng(3)), nc.sample(50, seed=3))

    def test_ppf_conditions_uniform_draws(self):
        nc = nowcast(33020.0, 6)
        u = np.array([0.1, 0.5, 0.9])
        assert nc.ppf(u).tolist() == pytest.approx(nc.percentiles())


class TestAlfaNowcast:
    def test_registered(self):
        info = udfs.alfa_nowcast.__xlfunc__
        assert "alfa_nowcast" in udfs.__all__
        assert info["name"] == "alfa_nowcast" and info["category"] == "Alfa Romeo"
        assert [a["name"] for a in info["args"]] == ["units_to_date", "months", "year", "override"]
        wizard = info["ret"]["doc"]
        assert 20 <= len(wizard) <= 255 and "\n" not in wizard
        assert all(10 <= len(a["doc"]) <= 255 for a in info["args"])

    def test_spills_header_and_percentiles(self):
        out = excel_call(udfs.alfa_nowcast, 33020.0, 6.0)
        assert out[0] == ["P10", "P50", "P90"]
        assert out[1] == pytest.approx(nowcast(33020, 6).percentiles())
        assert_cell_safe(out)

    def test_year_as_a_date_cell(self):
        out = excel_call(udfs.alfa_nowcast, 33020.0, 6.0, dt.datetime(2025, 12, 31))
        assert out[1] == pytest.approx(nowcast(33020, 6, 2025).percentiles())

    def test_one_cell_ranges(self):
        assert excel_call(udfs.alfa_nowcast, [[33020.0]], [6.0]) == excel_call(udfs.alfa_nowcast, 33020.0, 6.0)

    @pytest.mark.parametrize(
        "args, where",
        [
            ([33020.0, 0.0], "months: outside 1 to 12 (got 0)"),
            ([33020.0, 13.0], "months: outside 1 to 12 (got 13)"),
            ([-1.0, 6.0], "units_to_date: outside 0 to 10,000,000 (got -1)"),
            ([-2146826281, 6.0], "units_to_date: Excel error value #DIV/0!"),  # COM error value
            ([33020.0, -2146826246], "months: Excel error value #N/A"),
            ([33020.0, 6.0, -2146826265], "year: Excel error value #REF!"),
            (["lots", 6.0], "units_to_date: not a number (got 'lots')"),
            ([33020.0, "six"], "months: not a number (got 'six')"),
            ([33020.0, True], "months: not a number"),
            ([[1.0, 2.0], 6.0], "units_to_date: 2 values"),
            ([None, 6.0], "units_to_date: missing"),
            ([33020.0, 6.0, 2024.0], "year: too little partial-period history before it"),
        ],
    )
    def test_bad_input_is_one_line_naming_the_argument(self, args, where):
        out = cell(udfs.alfa_nowcast, *args)
        assert isinstance(out, str) and out.startswith(f"#VALUE! ALFA_NOWCAST: {where}"), out
        assert "\n" not in out and "; " in out and len(out) <= 300


def test_docstring_examples():
    import doctest

    import alfa_xl.model.risk.nowcast as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0


class TestReadThroughTheVintage:
    """The partial periods are read through the data cut of the year's origin: a row
    published after the origin is not seen by a replay (the existing data-cut tests' way)."""

    @staticmethod
    def copy_with_late_row(tmp_path, as_of: str) -> str:
        import csv
        from importlib import resources

        for entry in resources.files("alfa_xl.model.data").iterdir():
            if entry.name.endswith(".csv"):
                (tmp_path / entry.name).write_bytes(entry.read_bytes())
        path = tmp_path / "partial_periods.csv"
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        late = dict(rows[0])  # 2023's first half, dated 2023-12
        # a nine-month figure of 2023 published after the 2025 origin (early February 2025)
        late.update(period="2023Jan-Sep", months="9", units="30000", full_year_units="68683", as_of=as_of)
        rows.append(late)
        with open(path, "w", newline="", encoding="utf-8") as out:
            w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        return str(tmp_path)

    def test_a_row_published_after_the_origin_is_not_seen(self, tmp_path):
        from alfa_xl.model.data.vintage import Vintage

        folder = self.copy_with_late_row(tmp_path, "2025-03")
        cut = Vintage(2025, "2025-02", folder)
        shipped = seasonality(2025)
        replayed = seasonality(2025, cut)
        assert replayed.share.tolist() == shipped.share.tolist() and replayed.tau2 == shipped.tau2
        assert replayed.df == 2  # 6 months: 2023, 2024; 9 months: 2020, 2024 (by hand)
        assert nowcast(33020, 6, 2025, vintage=cut).percentiles() == nowcast(33020, 6, 2025).percentiles()
        # the same row is used once its date is before the origin: 9 months then seen in 3 years
        seen = seasonality(2025, Vintage(2025, "2025-04", folder))
        assert seen.df == 3
        assert seen.share[9] == pytest.approx(mean([*M9, 30000 / 68683]))

    def test_the_default_cut_is_the_vintage_of_the_year(self):
        # the forecast of today (origin December 2026) sees every shipped row; 2025 (early
        # February 2025) sees the 2020, 2023 and 2024 rows, all dated before it
        assert seasonality(2026).df == 3 and seasonality(2025).df == 2
