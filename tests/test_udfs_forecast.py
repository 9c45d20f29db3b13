"""ALFA_FORECAST as Excel registers and calls it (the harness of tests/excel_harness.py);
expected values from the engine's paths reduced by hand."""

from __future__ import annotations

import numpy as np
import pytest

from alfa_xl.excel import functions as udfs
from alfa_xl.model.evidence.forecast import forecast
from excel_harness import assert_cell_safe, cell, excel_call


class TestRegistration:
    def test_registered_by_the_udf_module(self):
        info = udfs.alfa_forecast.__xlfunc__
        assert "alfa_forecast" in udfs.__all__
        assert info["name"] == "alfa_forecast" and info["category"] == "Alfa Romeo"
        assert [a["name"] for a in info["args"]] == ["start_year", "end_year", "percentiles", "paths", "seed"]
        assert all(a["optional"] is None for a in info["args"])

    def test_alias_module(self):
        from alfa_xl import udfs as alias

        assert alias.alfa_forecast is udfs.alfa_forecast


class TestSpill:
    def test_defaults(self):
        out = excel_call(udfs.alfa_forecast, None, None, None, 2000.0)
        assert out[0] == ["Year", "P10", "P50", "P90"]
        assert [r[0] for r in out[1:-1]] == [2026, 2027, 2028, 2029, 2030] and out[-1][0] == "2026-2030"
        f = forecast(paths=2000)
        assert np.allclose([r[2] for r in out[1:-1]], np.percentile(f.totals[:, :5], 50, axis=0))
        assert out[-1][2] == pytest.approx(np.percentile(f.totals[:, :5].sum(axis=1), 50))
        assert_cell_safe(out)

    def test_percentiles_as_text_and_range(self):
        out = excel_call(udfs.alfa_forecast, 2027.0, 2029.0, [["P5", "50%", 95.0]], 1500.0, 4.0)
        assert out[0] == ["Year", "P5", "P50", "P95"]
        f = forecast(start_year=2027, end_year=2029, paths=1500, seed=4, cumulative=(2027, 2029))
        cols = np.flatnonzero((f.all_years >= 2027) & (f.all_years <= 2029))
        assert out[1][1] == pytest.approx(np.percentile(f.totals[:, cols[0]], 5))
        assert out[-1][0] == "2027-2029"
        assert out[-1][3] == pytest.approx(np.percentile(f.totals[:, cols].sum(axis=1), 95))

    def test_zero_seed_is_seed_zero_not_the_default(self):
        out = excel_call(udfs.alfa_forecast, None, None, None, 1000.0, 0.0)
        f = forecast(paths=1000, seed=0)
        assert out[1][2] == pytest.approx(np.percentile(f.totals[:, 0], 50))
        assert out != excel_call(udfs.alfa_forecast, None, None, None, 1000.0, None)

    def test_same_arguments_same_figures(self):
        a = excel_call(udfs.alfa_forecast, None, None, None, 1000.0, 9.0)
        b = excel_call(udfs.alfa_forecast, None, None, None, 1000.0, 9.0)
        assert a == b


@pytest.mark.parametrize(
    "args, where",
    [
        ([2024.0], "start_year: before the forecast starts"),
        ([1990.0], "start_year: outside"),
        ([2030.0, 2028.0], "end_year: before the start year"),
        ([None, None, [10.0, 150.0]], "percentiles: outside 0 to 100"),
        ([None, None, "median"], "percentiles: not a number"),
        ([None, None, True], "percentiles: not a number (got TRUE)"),
        ([None, None, None, -5.0], "paths: outside 1 to 100,000"),
        ([None, None, None, 0.0], "paths: outside 1 to 100,000"),  # zero is a value, not a blank
        ([None, None, None, 2.5], "paths: not a whole number"),
        ([None, None, None, None, -1.0], "seed: negative"),
        (["soon"], "start_year"),
    ],
)
def test_bad_input_is_one_line_naming_the_argument(args, where):
    out = cell(udfs.alfa_forecast, *args)
    assert isinstance(out, str) and out.startswith(f"#VALUE! ALFA_FORECAST: {where}")
    assert "\n" not in out and "; " in out and len(out) <= 300


# -- fuzzing with Excel-shaped values ------------------------------------------------------------
import datetime as dt  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cells = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [2026.0, 2030.0, 2035.0, 2060.0, 2025.0, 1999.0, 10.0, 50.0, 90.0, 500.0, 0.5, -1.0, 46022.0, 2.0**53]
    ),
    st.text(max_size=8),
    st.sampled_from(["P10", "50%", "2030", "#N/A", "median"]),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
_args = st.one_of(_cells, st.lists(_cells, min_size=1, max_size=4))


def test_fuzz_never_a_traceback():
    """Never a traceback, and both outcomes reached: spilled tables and one-line messages."""
    seen = {"grid": 0, "message": 0}

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        start=_args,
        end=_args,
        ps=_args,
        seed=_args,
        paths=st.one_of(st.none(), st.sampled_from([1.0, 50.0, 300.0]), _cells),
    )
    def case(start, end, ps, seed, paths):
        if isinstance(paths, float) and paths == paths and paths > 2_000:
            paths = 2_000.0  # keep each example quick; the bounds are tested above
        out = excel_call(udfs.alfa_forecast, start, end, ps, paths, seed)
        assert_cell_safe(out)
        if isinstance(out, list) and len(out) == 1 and len(out[0]) == 1 and isinstance(out[0][0], str):
            text = out[0][0]
            assert text.startswith("#VALUE! ALFA_FORECAST: ") and "\n" not in text and "Traceback" not in text
            seen["message"] += 1
        else:
            assert out[0][0] == "Year" and isinstance(out[-1][0], str) and "-" in out[-1][0]
            seen["grid"] += 1

    case()
    print(f"ALFA_FORECAST fuzz: {seen['grid']} spills, {seen['message']} messages")
    assert seen["message"] > 0
