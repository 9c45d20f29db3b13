"""Growth arithmetic from its closed forms (issue 17, defects 4 and 5): ``ALFA_CAGR`` answers
every ordinary input, exactly 0 between equal volumes; "Growth required" is 0% when the
target equals the latest actual; no numpy warning reaches any output stream.

Expected values come from :mod:`decimal` at 40 digits, computed here from the equation
``A (1 + r)^n = T``, independently of the engine's floating-point route."""

from __future__ import annotations

import itertools
import math
import warnings
from decimal import Decimal, localcontext

import pytest

from alfa_xl import udfs
from alfa_xl.cli import main
from alfa_xl.model.engine.gap import cagr, gap_table, growth_required, years_to_target
from alfa_xl.model.engine.projection import project
from alfa_xl.book.tables.report import RefreshInputs, refresh_blocks

LATEST = 73_000.0  # alfa_xl/model/data/history.csv, 2025

#: The grid of the issue: 9 volumes from 1 to 1e6, each as start and end, and 9 horizons
#: from half a year to 30 years (9 x 9 x 9 = 729 calls).
VOLUMES = (1, 10, 100, 1_000, 10_000, 73_000, 100_000, 400_000, 1_000_000)
YEARS = (0.5, 1, 2, 3, 5, 7, 10, 20, 30)
GRID = list(itertools.product(VOLUMES, VOLUMES, YEARS))


def exact_rate(start, end, years) -> Decimal:
    """(end / start)^(1 / years) - 1 at 40 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(end) / Decimal(start)) ** (Decimal(1) / Decimal(years)) - 1


def exact_years(current, growth, target) -> Decimal:
    """ln(target / current) / ln(1 + growth) at 40 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(target) / Decimal(current)).ln() / (1 + Decimal(growth)).ln()


def close(got: float, want: Decimal) -> bool:
    """Within a few units in the last place of a double (relative 1e-14, absolute 1e-300)."""
    return abs(Decimal(got) - want) <= abs(want) * Decimal("1e-14") + Decimal("1e-300")


class TestCagrGrid:
    def test_every_point_of_the_grid_matches_the_closed_form(self):
        wrong = [(a, b, n, cagr(a, b, n)) for a, b, n in GRID if not close(cagr(a, b, n), exact_rate(a, b, n))]
        assert wrong == []

    def test_the_worksheet_function_answers_every_point_without_an_overflow_message(self):
        answers = {(a, b, n): udfs.alfa_cagr(a, b, n) for a, b, n in GRID}
        texts = {k: v for k, v in answers.items() if isinstance(v, str)}
        assert texts == {}
        assert all(close(v, exact_rate(*k)) for k, v in answers.items())

    @pytest.mark.parametrize("years", [1, 5, 0.5, 30, 1e-9, 1e9])
    def test_equal_volumes_give_exactly_zero(self, years):
        assert cagr(73_000, 73_000, years) == 0.0
        assert udfs.alfa_cagr(73_000, 73_000, years) == 0.0

    def test_the_cases_named_in_the_issue(self):
        assert udfs.alfa_cagr(73_000, 73_000, 1) == 0.0
        assert udfs.alfa_cagr(73_000, 73_000, 5) == 0.0
        # 400,000 -> 73,000 in half a year: (73/400)^2 - 1 = -0.96669375 exactly
        assert udfs.alfa_cagr(400_000, 73_000, 0.5) == pytest.approx(-0.96669375, rel=1e-15)

    def test_a_tiny_change_keeps_its_digits(self):
        # 1 unit more on 73,000 over 10 years: r = (73001/73000)^(1/10) - 1, about 1.37e-6;
        # (T/A)**(1/n) - 1 in doubles keeps only about 10 of its 16 digits
        assert close(cagr(73_000, 73_001, 10), exact_rate(73_000, 73_001, 10))


class TestYearsToTargetClosedForm:
    @pytest.mark.parametrize(
        "current, growth, target",
        [
            (73_000, 0.10, 400_000),
            (73_000, 1e-9, 400_000),
            (1, 0.5, 1e6),
            (73_000, 40, 400_000),
            (999_999, 0.01, 1e6),
        ],
    )
    def test_matches_the_logarithms(self, current, growth, target):
        assert close(years_to_target(current, growth, target), exact_years(current, growth, target))

    def test_doubling_at_100_percent_is_whole(self):
        assert years_to_target(100, 1.0, 800) == 3.0


class TestGrowthRequiredAtTheLatestActual:
    def test_engine_table_shows_zero_not_blank(self):
        t = gap_table(project(end_year=2030), LATEST)
        assert t["Growth required"].tolist() == [0.0] * 5
        assert t["Years to target"].tolist() == [0.0] * 5  # already at the target

    def test_worksheet_table_shows_zero(self):
        grid = udfs.alfa_gap_table(LATEST)
        col = grid[0].index("Growth required")
        assert [row[col] for row in grid[1:]] == [0.0] * 5

    def test_the_refreshed_sheets_gap_blocks_show_zero(self):
        # what `alfa-xl refresh` writes into out_scenarios, one gap block per scenario
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            blocks = refresh_blocks(RefreshInputs(target=LATEST))["gap"]
        assert len(blocks) == 5
        for block in blocks:
            assert block.frame["Growth required"].tolist() == [0.0] * 5

    def test_growth_required_by_hand(self):
        assert growth_required(LATEST, LATEST, 3) == 0.0
        assert close(growth_required(LATEST, 400_000, 5), exact_rate(LATEST, 400_000, 5))

    def test_years_at_own_pace_from_the_closed_form(self):
        # own CAGR g = (P/A)^(1/n) - 1 up to year 2025 + n; years to 400,000 = ln(T/A) / ln(1 + g)
        t = gap_table(project(end_year=2030), 400_000)
        for _, row in t.iterrows():
            n = int(row["Year"]) - 2025
            with localcontext() as ctx:
                ctx.prec = 40
                g = (Decimal(row["Projection"]) / Decimal(LATEST)) ** (Decimal(1) / n) - 1
            if g <= 0:
                assert math.isnan(row["Years to target"])
            else:
                assert close(row["Years to target"], exact_years(LATEST, g, 400_000))


class TestNoWarnings:
    @pytest.mark.parametrize("target", [LATEST, 1e308, 1.7976931348623157e308, 1e-300, 60_000])
    def test_engine_and_worksheet_raise_no_warning(self, target):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            gap_table(project(end_year=2035), target)
            udfs.alfa_gap_table(target, None, 2026, 2035)

    @pytest.mark.filterwarnings("error")  # a warning raised in-process fails here (the command line would print it)
    @pytest.mark.parametrize("target", ["1e308", "1.7976931348623157e308", "73000"])
    def test_outlook_prints_no_warning(self, capfd, target):
        assert main(["outlook", "--target", target, "--format", "json"]) == 0
        out, err = capfd.readouterr()
        assert err == "" and "Warning" not in out
