"""Property-based fuzzing of every ALFA_ function with values shaped like Excel's.

Each case calls a function with arguments drawn from what Excel can send (empty cells as
``None`` or empty text, floats including zeros, text with stray spaces, booleans, dates,
Excel error values as ``err_to_str`` delivers them, 1-D and 2-D ranges with blank trailing rows, realistic scenario and lineup ranges)
and checks: no exception escapes, the result is a number, an empty cell, one line of
``#VALUE!`` text or a rectangular table, no NaN or infinity anywhere, and xlwings'
``conversion.write`` accepts it. Counts are shown in the pytest summary ("ALFA_ fuzzing").
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
from collections import Counter
from pathlib import Path

import pytest
from excel_harness import assert_cell_safe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlwings import conversion

from alfa_xl import udfs
from alfa_xl.excel.results import cache_clear

#: Cases run, uncaught exceptions and generic (unexpected-error) messages per function.
FUZZ: dict[str, Counter] = {}
EXAMPLES = 200
LINEUP_CSV = Path(__file__).parent.parent / "alfa_xl" / "model" / "data" / "lineup.csv"

FUNCTIONS = {name: getattr(udfs, name) for name in udfs.__all__}

# -- Excel-shaped values --------------------------------------------------------------------------
blank = st.sampled_from([None, "", "   "])
errors = st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"])
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**6), 10**6).map(float),
    st.sampled_from(
        [0, 0.0, 2024.0, 2026.0, 2030.0, 2035.0, 2060.0, 1999.0, 400000.0, 73000.0, 0.1, -0.5, 5.0, 46022.0]
    ),
)
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "base",
            " Bear ",
            "BULL",
            "plan",
            "track-record",
            "model",
            "region",
            " total ",
            "2030",
            "400,000",
            "10%",
            "global_units_2025",
            "nope",
            "#N/A",
            "delay_years",
            "=A1",
        ]
    ),
)
dates = st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 12, 31))
cells = st.one_of(blank, numbers, texts, st.booleans(), dates, errors)


@st.composite
def ranges(draw):
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 3))
    grid = [[draw(cells) for _ in range(cols)] for _ in range(rows)]
    grid += [[None] * cols] * draw(st.integers(0, 2))
    if cols == 1 or rows == 1:  # xlwings squeezes one row or column to 1-D
        return [v for r in grid for v in r] if draw(st.booleans()) else grid
    return grid


params = st.sampled_from(
    [
        "delay_years",
        "peak_multiplier",
        "na_tariff",
        "market_trend",
        "cancel",
        "delay:Junior",
        "peak:Tonale successor",
        "delay:Tonale successor",
        "use_announced_dates",
        "base",
        "name",
        "Bogus",
        None,
        0,
    ]
)
scenario_ranges = st.lists(st.tuples(params, cells).map(list), min_size=1, max_size=5)


def _lineup_rows():
    with LINEUP_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))

    def cell(text):
        try:
            return float(text)
        except ValueError:
            return text or None

    return [rows[0]] + [[cell(v) for v in r] for r in rows[1:]]


LINEUP = _lineup_rows()


@st.composite
def lineup_ranges(draw):
    rows = [list(r) for r in LINEUP[: draw(st.integers(1, len(LINEUP)))]]
    for _ in range(draw(st.integers(0, 3))):  # damage a few cells
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(rows[0]) - 1))
        rows[i][j] = draw(cells)
    rows += [[draw(blank)] * len(rows[0])] * draw(st.integers(0, 2))
    return rows


argument = st.one_of(cells, cells, ranges(), scenario_ranges, lineup_ranges())


def arguments_for(func):
    params_ = list(inspect.signature(func).parameters.values())
    required = [p for p in params_ if p.default is inspect.Parameter.empty]

    @st.composite
    def draw_args(draw):
        args = [draw(argument) for _ in required]
        for p in params_[len(required) :]:
            if draw(st.booleans()):
                break  # the rest omitted
            args.append(draw(argument))
        return args

    return draw_args()


def check(name, args):
    counts = FUZZ.setdefault(name, Counter())
    counts["cases"] += 1
    try:
        result = FUNCTIONS[name](*args)
    except Exception:  # an exception escaping to Excel: counted, then failed below
        counts["uncaught"] += 1
        raise
    assert_cell_safe(result, (str, int, bool, dt.datetime, dt.date))
    if isinstance(result, str):
        assert result.startswith(f"#VALUE! {name.upper()}: ") and "\n" not in result and len(result) <= 300
        if "unexpected error" in result:
            counts["generic"] += 1
            raise AssertionError(f"generic message for {name}{tuple(args)!r}")
    elif isinstance(result, list):
        assert result and all(isinstance(r, list) for r in result)
        assert len({len(r) for r in result}) == 1
    else:
        assert result is None or isinstance(result, float)
    conversion.write(result, None, FUNCTIONS[name].__xlfunc__["ret"]["options"])


@pytest.fixture(autouse=True, scope="module")
def _bounded_cache():
    yield
    cache_clear()


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_fuzz(name):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(arguments_for(FUNCTIONS[name]))
    def run(args):
        check(name, args)

    before = Counter(FUZZ.get(name, {}))
    run()
    ran = FUZZ[name] - before
    assert ran["cases"] >= 1 and ran["uncaught"] == 0
    assert ran["generic"] == 0, f"{name}: some inputs got the generic message instead of a specific one"
