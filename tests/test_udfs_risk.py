"""ALFA_PROBABILITY, ALFA_PERCENTILES and ALFA_TORNADO as Excel registers and calls them.

``tests/conftest.py`` binds ``xw.func``/``xw.arg``/``xw.ret`` to xlwings' Windows
decorators and registers an "excel" conversion engine, so these tests read the real
``__xlfunc__`` metadata, pass values through ``xlwings.conversion.read``/``write`` and
generate the VBA wrapper, for the functions as registered by the UDF module
``alfa_xl.excel.functions``. Expected values come from the engine's paths (``simulate(...).totals``)
reduced by hand (share of paths, NumPy percentiles) or from limits that hold whatever the
paths (a target of 1 is always reached).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from unittest.mock import MagicMock

import numpy as np
import pytest
from closed_form import walk_by_hand
import xlwings
import xlwings.udfs as xlwings_udfs
from excel_harness import assert_cell_safe, cell, excel_call
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlwings import conversion

from alfa_xl.excel import functions as udfs
from alfa_xl.excel.functions_risk import EXCEL_MAX_PATHS
from alfa_xl.excel.ranges import scenario as scenario_range
from alfa_xl.excel.results import cache_info
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.settings import DEFAULT_SEED
from alfa_xl.model.risk.tornado import tornado

#: What VBA passes for an omitted optional argument (xlwings.udfs.call_udf).
SIGNATURES = {
    "alfa_probability": ["target", "year", "scenario", "paths", "seed"],
    "alfa_percentiles": ["scenario", "start_year", "end_year", "percentiles", "paths", "seed"],
    "alfa_tornado": ["year", "scenario"],
}
FUZZ: dict[str, Counter] = {name: Counter() for name in SIGNATURES}


def totals(scenario="base", start=2026, end=2030, paths=10_000, seed=DEFAULT_SEED):
    return simulate(scenario=scenario, start_year=start, end_year=end, paths=paths, seed=seed).totals


# -- registration ---------------------------------------------------------------------------------
class TestRegistration:
    @pytest.mark.parametrize("name", sorted(SIGNATURES))
    def test_registered_by_the_udf_module(self, name):
        f = getattr(udfs, name)
        info = f.__xlfunc__
        assert name in udfs.__all__
        assert info["name"] == name and info["category"] == "Alfa Romeo"
        assert [a["name"] for a in info["args"]] == SIGNATURES[name]
        assert all("optional" in a and a["optional"] is None for a in info["args"])  # every argument optional
        assert info["volatile"] is False and info["sub"] is False

    @pytest.mark.parametrize("name", sorted(SIGNATURES))
    def test_help_for_the_person_at_the_cell(self, name):
        info = getattr(udfs, name).__xlfunc__
        wizard = info["ret"]["doc"]
        assert 20 <= len(wizard) <= 255 and "\n" not in wizard and "Returns" not in wizard
        for a in info["args"]:
            assert 10 <= len(a["doc"]) <= 255 and not a["doc"].startswith("Positional argument"), a["name"]

    def test_vba_wrapper(self):
        workbook = MagicMock()
        workbook.Name = "alfa_outlook.xlsm"
        out = io.StringIO()
        xlwings_udfs.generate_vba_wrapper("alfa_xl.udfs", udfs, out, workbook)
        text = out.getvalue()
        assert (
            "Function alfa_probability(Optional target, Optional year, Optional scenario, Optional paths, Optional seed)"
            in text
        )
        assert (
            "Function alfa_percentiles(Optional scenario, Optional start_year, Optional end_year, "
            "Optional percentiles, Optional paths, Optional seed)"
        ) in text
        assert "Function alfa_tornado(Optional year, Optional scenario)" in text
        assert (
            'XLPy.CallUDF("alfa_xl.udfs", "alfa_tornado", Array(year, scenario), ThisWorkbook, Application.Caller)'
            in text
        )

    def test_decorators_are_xlwings_windows_ones(self):
        assert xlwings.func is xlwings_udfs.xlfunc


# -- ALFA_PROBABILITY ----------------------------------------------------------------------------------
def recipe_column(year=2030, paths=10_000, seed=DEFAULT_SEED):
    """The calibrated forecast's paths in ``year`` (the recipe ALFA_FORECAST spills)."""
    from alfa_xl.model.evidence.forecast import forecast

    f = forecast(paths=paths, seed=seed)
    return f.totals[:, list(f.all_years).index(year)]


class TestProbability:
    def test_default_is_the_calibrated_forecast(self):
        # the headline (headline.csv: the log random walk with drift): in 2030 the walk's exact tail,
        # P(N(0, 1) >= (ln(90,000 / 73,000) - 5 mu) / (s sqrt(5))), mu and s by hand from history.csv
        last_year, last, mu, sd = walk_by_hand()
        h = 2030 - last_year
        exact = 0.5 * math.erfc((math.log(90_000 / last) - h * mu) / (sd * math.sqrt(h)) / math.sqrt(2))
        assert cell(udfs.alfa_probability, 90000.0) == pytest.approx(exact, rel=1e-9)
        # the share of the forecast's own 10,000 paths agrees, within 4 binomial standard errors
        col = recipe_column()
        share = np.count_nonzero(col >= 90_000) / 10_000
        assert abs(share - exact) < 4 * math.sqrt(exact * (1 - exact) / 10_000)

    def test_default_rare_line_is_estimated_not_rounded_to_zero_paths(self):
        # 400,000 in 2030: no path of 10,000 reaches it; the probability is the walk's tail, > 0
        assert np.count_nonzero(recipe_column() >= 400_000) < 30
        p = cell(udfs.alfa_probability)
        assert 0 < p < 1e-3

    def test_default_needs_a_forecast_year(self):
        assert cell(udfs.alfa_probability, None, 2024.0).startswith("#VALUE! ALFA_PROBABILITY: year:")

    def test_excel_shaped_arguments(self):
        col = totals("bear", 2031, 2031, paths=3000, seed=7)[:, 0]
        expected = np.count_nonzero(col >= 60_000) / 3000
        assert cell(udfs.alfa_probability, 60000.0, 2031.0, " Bear ", 3000.0, 7.0) == expected
        assert cell(udfs.alfa_probability, "60,000", dt.datetime(2031, 6, 30), "BEAR", "3000", 7.0) == expected

    def test_limits_hold_whatever_the_paths(self):
        assert cell(udfs.alfa_probability, 1.0, 2030.0, None, 500.0) == 1.0
        assert 0 <= cell(udfs.alfa_probability, 1e9, 2030.0, None, 500.0) < 1e-60  # the walk's tail: 2e-73
        assert cell(udfs.alfa_probability, 1.0, 2030.0, "base", 500.0) == 1.0

    def test_non_increasing_in_the_target(self):
        ps = [cell(udfs.alfa_probability, t, 2031.0, "bull", 2000.0, 3.0) for t in (40e3, 80e3, 120e3, 200e3, 400e3)]
        assert all(0 <= p <= 1 for p in ps) and all(a >= b for a, b in zip(ps, ps[1:]))
        assert ps[0] > ps[-1]

    def test_scenario_range(self):
        rng = [["parameter", "value"], ["market_trend", 0.05], ["delay_years", 1.0], ["", ""]]
        sc = scenario_range(rng)
        col = simulate(scenario=sc, start_year=2030, end_year=2030, paths=1000, seed=2).totals[:, 0]
        assert (
            cell(udfs.alfa_probability, 100000.0, 2030.0, rng, 1000.0, 2.0) == np.count_nonzero(col >= 100_000) / 1000
        )

    def test_zeros_are_values_not_empty_cells(self):
        assert cell(udfs.alfa_probability, 0.0).startswith("#VALUE! ALFA_PROBABILITY: target: must be above 0 (got 0)")
        assert cell(udfs.alfa_probability, None, 0.0).startswith(
            "#VALUE! ALFA_PROBABILITY: year: outside 2000 to 2060 (got 0)"
        )
        assert cell(udfs.alfa_probability, None, None, None, 0.0).startswith(
            "#VALUE! ALFA_PROBABILITY: paths: outside 1 to 100,000 (got 0)"
        )
        # seed 0 is a seed: the paths drawn with it, not the default seed's
        col = totals(start=2030, end=2030, paths=2000, seed=0)[:, 0]
        assert cell(udfs.alfa_probability, 90000.0, None, "base", 2000.0, 0.0) == np.count_nonzero(col >= 90_000) / 2000

    def test_cached_result_is_the_same(self):
        a = cell(udfs.alfa_probability, 90000.0, 2030.0, None, 5000.0, 1.0)
        assert cell(udfs.alfa_probability, 90000.0, 2030.0, None, 5000.0, 1.0) == a
        assert cache_info()["hits"] >= 1


# -- ALFA_PERCENTILES -------------------------------------------------------------------------------------
class TestPercentiles:
    def test_default_spill(self):
        out = excel_call(udfs.alfa_percentiles)
        t = totals()
        assert out[0] == ["Year", "P10", "P50", "P90"]
        assert [r[0] for r in out[1:]] == [2026, 2027, 2028, 2029, 2030]
        np.testing.assert_allclose([r[1:] for r in out[1:]], np.percentile(t, [10, 50, 90], axis=0).T)

    def test_percentile_range_as_a_column_and_text(self):
        t = totals("plan", 2027, 2029, paths=2000, seed=5)
        for ps in ([[5.0], [25.0], [75.0], [""]], [5.0, 25.0, 75.0], ["P5", " 25 ", "75%"]):
            out = excel_call(udfs.alfa_percentiles, "plan", 2027.0, 2029.0, ps, 2000.0, 5.0)
            assert out[0] == ["Year", "P5", "P25", "P75"]
            np.testing.assert_allclose([r[1:] for r in out[1:]], np.percentile(t, [5, 25, 75], axis=0).T)

    def test_monotone_in_p(self):
        out = excel_call(udfs.alfa_percentiles, None, None, 2035.0, [1.0, 10.0, 33.0, 50.0, 90.0, 99.0], 3000.0)
        for row in out[1:]:
            assert all(a <= b for a, b in zip(row[1:], row[2:]))

    def test_single_percentile_cell(self):
        out = excel_call(udfs.alfa_percentiles, None, 2030.0, 2030.0, 50.0, 1000.0, 3.0)
        assert out == [["Year", "P50"], [2030, pytest.approx(float(np.median(totals(start=2030, paths=1000, seed=3))))]]


# -- ALFA_TORNADO ---------------------------------------------------------------------------------------------
class TestTornado:
    def test_spill_matches_the_engine_largest_swing_first(self):
        out = excel_call(udfs.alfa_tornado, 2030.0, "base")
        t = tornado(2030, "base")
        assert out[0] == ["Driver", "Low", "High", "Swing"]
        assert [r[0].split(" [")[0] for r in out[1:]] == t["Driver"].tolist()
        swings = [r[3] for r in out[1:]]
        assert swings == sorted(swings, reverse=True)
        for r in out[1:]:
            assert r[3] == pytest.approx(r[2] - r[1]) and r[1] <= r[2]
        # P10 and P90 of the lognormal peak draw, sd 0.3561 of log(actual / assumed peak) of the
        # four built models (1.191, 1.367, 0.609, 0.910): exp(-/+1.2816 x 0.3561) = x0.63 and x1.58
        labels = [r[0] for r in out[1:]]
        assert "Peak realisation, planned models [x0.63 to x1.58]" in labels

    def test_defaults(self):
        assert excel_call(udfs.alfa_tornado) == excel_call(udfs.alfa_tornado, 2030.0, "base")


# -- bad input --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "func, args, where",
    [
        ("alfa_probability", [None, None, None, -5.0], "paths: outside 1 to 100,000"),
        ("alfa_probability", [None, None, None, float(EXCEL_MAX_PATHS + 1)], "paths: outside 1 to 100,000"),
        ("alfa_probability", [None, None, None, 2.5], "paths: not a whole number"),
        ("alfa_probability", [None, None, None, None, -1.0], "seed: negative"),
        ("alfa_probability", [None, None, None, None, 0.5], "seed: not a whole number"),
        ("alfa_probability", [-400000.0], "target: must be above 0"),
        ("alfa_probability", ["lots"], "target: not a number"),
        ("alfa_probability", [None, 1990.0], "year: outside 2000 to 2060"),
        ("alfa_probability", [None, None, "moon"], "scenario: unknown scenario"),
        ("alfa_percentiles", [None, None, None, [10.0, 150.0]], "percentiles: outside 0 to 100"),
        ("alfa_percentiles", [None, None, None, -1.0], "percentiles: outside 0 to 100"),
        ("alfa_percentiles", [None, None, None, True], "percentiles: not a number (got TRUE)"),
        ("alfa_percentiles", [None, None, None, "median"], "percentiles: not a number"),
        ("alfa_percentiles", [None, 2030.0, 2028.0], "end_year: before the start year"),
        ("alfa_tornado", [2070.0], "year: outside 2000 to 2060"),
        ("alfa_tornado", [None, [["delay_years", "soon"]]], "scenario [delay_years]: not a number"),
    ],
)
def test_bad_input_is_one_line_naming_the_argument(func, args, where):
    out = cell(getattr(udfs, func), *args)
    assert isinstance(out, str) and out.startswith(f"#VALUE! {func.upper()}: {where}")
    assert "\n" not in out and "; " in out and len(out) <= 300


# -- fuzzing with Excel-shaped values --------------------------------------------------------------------------------
blank = st.sampled_from([None, "", "  ", 0.0])
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**7), 10**7).map(float),
    st.sampled_from(
        [
            1.0,
            2.0,
            50.0,
            100.0,
            500.0,
            2026.0,
            2030.0,
            2035.0,
            2060.0,
            1999.0,
            400000.0,
            1e5,
            1e5 + 1,
            10.0,
            90.0,
            -1.0,
            0.5,
            46022.0,
            2.0**53,
            2.0**63,
        ]
    ),
)
texts = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "base",
            " Bear ",
            "bull",
            "plan",
            "track-record",
            "P10",
            "50%",
            "400,000",
            "2030",
            "#N/A",
            "nope",
            "delay_years",
        ]
    ),
)
cells = st.one_of(
    blank,
    numbers,
    texts,
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
ranges = st.one_of(
    st.lists(cells, min_size=1, max_size=5),
    st.lists(st.lists(cells, min_size=1, max_size=3), min_size=1, max_size=4).filter(
        lambda g: len({len(r) for r in g}) == 1
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["delay_years", "peak_multiplier", "market_trend", "na_tariff", "cancel", "base", "x"]),
            cells,
        ).map(list),
        min_size=1,
        max_size=3,
    ),
)
argument = st.one_of(cells, cells, ranges)


# each argument either anything Excel can send, or (the "plausible" runs) an empty cell or a
# value of the right kind, so that both the messages and the results get exercised
def kinds(valid, plausible):
    return st.one_of(blank, valid) if plausible else st.one_of(blank, valid, argument)


def years(plausible=False):
    return kinds(st.integers(2000, 2060).map(float), plausible)


def scenarios(plausible=False):
    return kinds(st.sampled_from(["base", " Bear ", "BULL", "plan", "track_record"]), plausible)


def targets(plausible=False):
    return kinds(st.floats(1, 1e6), plausible)


def seeds(plausible=False):
    return kinds(st.integers(0, 10**6).map(float), plausible)


def percentile_values(plausible=False):
    return kinds(st.one_of(st.lists(st.floats(0, 100), min_size=1, max_size=4), st.floats(0, 100)), plausible)


def paths_values(plausible=False):
    """Paths kept small in most cases so the fuzzing stays quick; large and invalid values still appear."""
    return kinds(st.integers(1, 300).map(float), plausible)


def fuzz_case(name, args):
    FUZZ[name]["cases"] += 1
    f = getattr(udfs, name)
    try:
        read = [conversion.read(None, a, o["options"]) for a, o in zip(args, f.__xlfunc__["args"])]
        out = f(*read)
        conversion.write(out, None, f.__xlfunc__["ret"]["options"])
    except Exception:
        FUZZ[name]["uncaught"] += 1
        raise
    assert_cell_safe(out)
    if isinstance(out, str):
        FUZZ[name]["messages"] += 1
        assert out.startswith(f"#VALUE! {name.upper()}: ") and "\n" not in out and len(out) <= 300
        assert "unexpected error" not in out, (name, args, out)
    elif name == "alfa_probability":
        assert isinstance(out, float) and 0 <= out <= 1
    else:
        assert isinstance(out, list) and len({len(r) for r in out}) == 1 and out[0][0] in ("Year", "Driver")
        FUZZ[name]["tables"] += 1


EXAMPLES = 150
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _fuzz_both_kinds(name, run, capsys):
    """``run(plausible)`` once with anything Excel can send and once with plausible values;
    then every case counted, nothing escaped, and results (not only messages) exercised."""
    before = Counter(FUZZ[name])
    for plausible in (False, True):
        run(plausible)
    c = FUZZ[name] - before
    with capsys.disabled():
        print(
            f"\nALFA_ risk fuzzing: {name.upper()} {c['cases']} cases ({c['cases'] - c['messages']} results, "
            f"{c['messages']} #VALUE! messages, {c['uncaught']} uncaught)"
        )
    assert c["cases"] >= 2 * EXAMPLES and c["uncaught"] == 0, name
    assert c["cases"] - c["messages"] >= EXAMPLES // 3, name  # results were exercised too


def test_fuzz_probability(capsys):
    def run(plausible):
        @FUZZ_SETTINGS
        @given(
            target=targets(plausible),
            year=years(plausible),
            scenario=scenarios(plausible),
            paths=paths_values(plausible),
            seed=seeds(plausible),
        )
        def case(target, year, scenario, paths, seed):
            fuzz_case("alfa_probability", [target, year, scenario, paths, seed])

        case()

    _fuzz_both_kinds("alfa_probability", run, capsys)


def test_fuzz_percentiles(capsys):
    def run(plausible):
        @FUZZ_SETTINGS
        @given(
            scenario=scenarios(plausible),
            start=years(plausible),
            end=years(plausible),
            ps=percentile_values(plausible),
            paths=paths_values(plausible),
            seed=seeds(plausible),
        )
        def case(scenario, start, end, ps, paths, seed):
            fuzz_case("alfa_percentiles", [scenario, start, end, ps, paths, seed])

        case()

    _fuzz_both_kinds("alfa_percentiles", run, capsys)


def test_fuzz_tornado(capsys):
    def run(plausible):
        @FUZZ_SETTINGS
        @given(year=years(plausible), scenario=scenarios(plausible))
        def case(year, scenario):
            fuzz_case("alfa_tornado", [year, scenario])

        case()

    _fuzz_both_kinds("alfa_tornado", run, capsys)


def test_every_risk_function_has_its_fuzz_test():
    assert [n for n in SIGNATURES if f"test_fuzz_{n.removeprefix('alfa_')}" not in globals()] == []
