"""The ALFA_ functions as Excel registers and calls them through classic xlwings.

``tests/conftest.py`` binds ``xw.func``/``xw.arg``/``xw.ret`` to xlwings' Windows
decorators and registers an "excel" conversion engine, so these tests read the real
``__xlfunc__`` metadata, run ``xlwings.conversion.read``/``write`` and write the VBA
wrapper with ``xlwings.udfs.generate_vba_wrapper``.

Regenerate the VBA snapshot after an intended signature change with
``ALFA_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_udfs_xlwings.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
import xlwings
import xlwings.udfs as xlwings_udfs

from alfa_xl.excel import functions as udfs
from excel_harness import excel_call

SNAPSHOT = Path(__file__).parent / "snapshots" / "udfs_vba.bas"
LINEUP_CSV = Path(__file__).parent.parent / "alfa_xl" / "model" / "data" / "lineup.csv"

#: Signatures as the issue specifies them: (argument, optional?) in order.
SIGNATURES = {
    "alfa_project": [("scenario", True), ("start_year", True), ("end_year", True), ("by", True), ("lineup", True)],
    "alfa_total": [("year", False), ("scenario", True), ("lineup", True)],
    "alfa_gap": [("target", True), ("year", True), ("scenario", True), ("lineup", True)],
    "alfa_gap_table": [
        ("target", True),
        ("scenario", True),
        ("start_year", True),
        ("end_year", True),
        ("lineup", True),
    ],
    "alfa_cagr": [("start_value", False), ("end_value", False), ("years", False)],
    "alfa_years_to_target": [("current", False), ("growth", False), ("target", True)],
    "alfa_scenarios": [],
    "alfa_compare": [("year", True), ("target", True)],
    "alfa_fact": [("key", False)],
    "alfa_facts": [],
}


def registered():
    """Every function of the module that xlwings would register."""
    return {name: obj for name in dir(udfs) if hasattr(obj := getattr(udfs, name), "__xlfunc__")}


def com_lineup(extra_blank_rows: int = 2) -> tuple:
    """The shipped lineup CSV as COM delivers a range: numbers as float, blanks as ''."""

    def cell(text: str):
        try:
            return float(text)
        except ValueError:
            return text

    with LINEUP_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    width = len(rows[0])
    body = [tuple(rows[0])] + [tuple(cell(v) for v in r) for r in rows[1:]]
    return tuple(body) + ((("",) * width),) * extra_blank_rows


# -- metadata -----------------------------------------------------------------------------------
class TestMetadata:
    def test_every_specified_function_is_registered(self):
        assert set(SIGNATURES) <= set(registered())

    @pytest.mark.parametrize("name", sorted(SIGNATURES))
    def test_signature_as_specified(self, name):
        info = getattr(udfs, name).__xlfunc__
        assert info["name"] == name and name == name.lower()
        assert [(a["name"], "optional" in a) for a in info["args"]] == SIGNATURES[name]
        assert all(a.get("optional", None) is None for a in info["args"])  # omitted = empty cell
        assert info["sub"] is False and info["volatile"] is False and info["async_mode"] is None

    def test_every_registered_function_is_an_alfa_function_in_the_category(self):
        for name, f in registered().items():
            assert name.startswith("alfa_"), name
            assert name in udfs.__all__, name
            assert f.__xlfunc__["category"] == "Alfa Romeo", name

    def test_every_argument_has_help(self):
        for name, f in registered().items():
            for a in f.__xlfunc__["args"]:
                assert not a["doc"].startswith("Positional argument"), (name, a["name"])
                assert 10 <= len(a["doc"]) <= 255, (name, a["name"])

    def test_wizard_help_is_the_first_paragraph(self):
        for name, f in registered().items():
            doc = f.__xlfunc__["ret"]["doc"]
            assert doc == " ".join(f.__doc__.strip().split("\n\n")[0].split()), name
            assert 20 <= len(doc) <= 255 and doc.endswith((".", ")")), (name, doc)
            assert "Returns" not in doc and "\n" not in doc, name

    def test_no_legacy_expand_on_results(self):
        for name, f in registered().items():
            assert "expand" not in f.__xlfunc__["ret"]["options"], name


# -- conversion: Excel-shaped arguments in, cell values out -------------------------------------
class TestConversion:
    def test_project_with_every_argument_omitted_spills_header_and_five_years(self):
        out = excel_call(udfs.alfa_project)
        assert out[0][0] == "Year" and out[0][-1] == "Total"
        assert [r[0] for r in out[1:]] == [2026, 2027, 2028, 2029, 2030]
        assert len({len(r) for r in out}) == 1
        # Junior in 2026: held at its 2025 level (age 1, the peak: 33,000) by its order book (hold_until 2026)
        assert out[1][out[0].index("Junior")] == pytest.approx(33000)

    def test_single_cells_arrive_as_floats_and_text_with_spaces(self):
        as_typed = excel_call(udfs.alfa_project, "bear", 2027.0, 2029.0, "region")
        with_spaces = excel_call(udfs.alfa_project, "  Bear ", ((2027.0,),), " 2029 ", " REGION ")
        assert as_typed == with_spaces
        assert as_typed[0] == ["Year", "Italy", "Rest of Europe", "North America", "Rest of world", "Total"]
        assert [r[0] for r in as_typed[1:]] == [2027, 2028, 2029]

    def test_empty_cells_take_the_defaults(self):
        assert excel_call(udfs.alfa_project, None, "", None, "", None) == excel_call(udfs.alfa_project)
        assert excel_call(udfs.alfa_gap, None, None) == excel_call(udfs.alfa_gap, 400000.0, 2030.0)

    def test_dates_in_year_cells_give_their_year(self):
        assert excel_call(udfs.alfa_total, dt.datetime(2030, 6, 30)) == excel_call(udfs.alfa_total, 2030.0)

    def test_scenario_range_with_trailing_blank_rows(self):
        rng = (
            ("delay_years", 1.0),
            ("peak_multiplier", 0.8),
            ("na_tariff", -0.2),
            ("market_trend", -0.02),
            ("", ""),
            (None, None),
        )
        assert excel_call(udfs.alfa_total, 2030.0, rng) == excel_call(udfs.alfa_total, 2030.0, "bear")

    def test_lineup_range_as_com_sends_it_matches_the_shipped_lineup(self):
        assert excel_call(udfs.alfa_project, None, None, None, None, com_lineup()) == excel_call(udfs.alfa_project)

    def test_error_is_one_line_of_text_in_one_cell(self):
        out = excel_call(udfs.alfa_project, "beer")
        assert len(out) == 1 and len(out[0]) == 1
        text = out[0][0]
        assert text.startswith("#VALUE! ALFA_PROJECT: scenario:") and "\n" not in text
        assert "use one of base, bear, bull, plan, track_record" in text

    def test_undefined_results_are_written_as_empty_cells(self):
        assert excel_call(udfs.alfa_years_to_target, 73000.0, 0.0) == [[""]]
        table = excel_call(udfs.alfa_gap_table, None, None, 2025.0, 2026.0)
        assert table[1][0] == 2025 and table[1][table[0].index("Growth required")] == ""

    def test_scalar_result_is_one_cell(self):
        out = excel_call(udfs.alfa_cagr, 70000.0, 400000.0, 5.0)
        assert len(out) == 1 and len(out[0]) == 1
        assert out[0][0] == pytest.approx((400000 / 70000) ** (1 / 5) - 1)

    def test_every_spilled_row_has_the_header_width(self):
        for name in ("alfa_project", "alfa_gap_table", "alfa_scenarios", "alfa_compare", "alfa_facts"):
            out = excel_call(getattr(udfs, name))
            assert len(out) > 1 and len({len(r) for r in out}) == 1, name
            assert all(isinstance(h, str) and h for h in out[0]), name


# -- the VBA wrapper Excel imports ---------------------------------------------------------------
def vba_text(module) -> str:
    workbook = MagicMock()
    workbook.Name = "alfa_outlook.xlsm"
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper("alfa_xl.udfs", module, out, workbook)
    return out.getvalue()


class TestVbaWrapper:
    def test_signatures_excel_registers(self):
        text = vba_text(udfs)
        assert (
            "Function alfa_project(Optional scenario, Optional start_year, Optional end_year, Optional by, Optional lineup)"
            in text
        )
        assert "Function alfa_total(year, Optional scenario, Optional lineup)" in text
        assert "Function alfa_gap(Optional target, Optional year, Optional scenario, Optional lineup)" in text
        assert "Function alfa_cagr(start_value, end_value, years)" in text
        assert "Function alfa_years_to_target(current, growth, Optional target)" in text
        assert "Function alfa_scenarios()" in text and "Function alfa_facts()" in text
        assert (
            'XLPy.CallUDF("alfa_xl.udfs", "alfa_project", Array(scenario, start_year, end_year, by, lineup), ThisWorkbook, Application.Caller)'
            in text
        )
        assert "Sub " not in text
        for name in registered():
            assert f"Function {name}(" in text, name

    def test_snapshot_covers_every_worksheet_function(self):
        from alfa_xl import udfs as public

        names = [n for n in public.__all__ if hasattr(getattr(public, n), "__xlfunc__")]
        assert set(names) == set(registered())
        text = vba_text(SimpleNamespace(**{name: getattr(public, name) for name in names}))
        if os.environ.get("ALFA_UPDATE_SNAPSHOTS") == "1":
            SNAPSHOT.parent.mkdir(exist_ok=True)
            SNAPSHOT.write_text(text, encoding="utf-8")
        assert SNAPSHOT.exists(), "snapshot missing: run with ALFA_UPDATE_SNAPSHOTS=1 once"
        assert text == SNAPSHOT.read_text(encoding="utf-8")


def test_decorators_are_xlwings_windows_ones():
    """Guards the set-up itself: without it the metadata tests would test nothing."""
    assert xlwings.func is xlwings_udfs.xlfunc and udfs.xw is xlwings
