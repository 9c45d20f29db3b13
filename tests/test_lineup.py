"""Tests of alfa_xl.model.engine.lineup: validation, defaults, CSV loading and the default lineup."""

from __future__ import annotations

import csv
from importlib import resources

import pandas as pd
import pytest

from alfa_xl.errors import AlfaInputError, LineupError
from alfa_xl.model.engine.lineup import DEFAULTS, REGION_COLUMNS, Lineup, Model, default_lineup, load_lineup


def shipped_rows() -> list[dict[str, str]]:
    """The default lineup CSV read with the csv module (independent of the code under test)."""
    with (
        resources.as_file(resources.files("alfa_xl.model") / "data" / "lineup.csv") as p,
        open(p, newline="", encoding="utf-8") as fh,
    ):
        return list(csv.DictReader(fh))


def row(**overrides):
    base = {"model": "X", "launch_year": 2026, "peak_units": 10_000}
    base.update(overrides)
    return base


def assert_message(exc: AlfaInputError, field: str, value_text: str, fix_words: str) -> None:
    message = str(exc)
    assert "\n" not in message
    assert field in message and exc.field.startswith(field.split(" ")[0])
    assert value_text in message
    assert fix_words in message and fix_words in exc.fix


class TestDefaultLineup:
    def test_matches_the_csv(self):
        rows = shipped_rows()
        lu = default_lineup()
        assert lu.names == tuple(r["model"] for r in rows)
        for r in rows:
            m = lu[r["model"]]
            assert m.peak_units == float(r["peak_units"])
            assert m.launch_year == int(r["launch_year"])
            assert m.status == r["status"]
            assert m.replaces == (r["replaces"] or None)

    def test_every_assumption_is_labelled_and_sourced(self):
        for r in shipped_rows():
            assert r["source"].strip(), r["model"]
            assert r["comment"].strip(), r["model"]
        # every model whose figures are chosen rather than published says so
        assumed = [r["model"] for r in shipped_rows() if "ASSUMPTION" in r["comment"]]
        assert len(assumed) >= 7

    def test_successors_and_the_cancelled_e_suv(self):
        lu = default_lineup()
        assert lu["Stelvio (next)"].replaces == "Stelvio"
        assert lu["Giulia (next)"].replaces == "Giulia"
        assert lu["Tonale successor"].replaces == "Tonale"
        assert lu["US E-SUV"].status == "reported_cancelled"

    def test_planned_models_take_the_fitted_late_life(self):
        # regression: the shipped lineup wrote the former curve (0.5/0.7/7/0.15) into its planned rows
        lu = default_lineup()
        fitted = (0.5, 1.8, 5.0, 0.25)  # curve.LATE_LIFE, the fit in model/data/late_life.csv
        curve = lambda m: (m.plateau, m.decay, m.decline_after, m.decline_rate)  # noqa: E731
        assert all(curve(m) == fitted for m in lu if m.status != "on_sale")
        assert curve(lu["Giulia"]) == (0.5, 0.7, 6.0, 0.35)  # models on sale keep their own

    def test_cached_and_arrays_read_only(self):
        lu = default_lineup()
        assert default_lineup() is lu
        with pytest.raises(ValueError):
            lu.arrays["peak_units"][0] = 1.0


class TestModel:
    def test_defaults_fill_blank_cells(self):
        m = Model.from_mapping(row(plateau="", decay=None))
        assert m.plateau == DEFAULTS["plateau"] and m.decay == DEFAULTS["decay"]
        assert m.status == "planned"
        assert sum(m.shares) == pytest.approx(1.0)

    def test_numbers_as_text(self):
        m = Model.from_mapping(row(peak_units="33,000", launch_year="2024", status=" On_Sale "))
        assert m.peak_units == 33_000.0 and m.launch_year == 2024 and m.status == "on_sale"

    @pytest.mark.parametrize(
        "overrides, field, value_text, fix",
        [
            (dict(peak_units=-5), "peak_units of 'X'", "-5", "0 or more"),
            (dict(peak_units="lots"), "peak_units of 'X'", "'lots'", "give peak_units as a number"),
            (dict(peak_units=True), "peak_units of 'X'", "True", "number"),
            (dict(launch_year=2026.5), "launch_year of 'X'", "2026.5", "whole year"),
            (dict(launch_year=1800), "launch_year of 'X'", "1800", "between 1950 and 2100"),
            (dict(launch_year=""), "launch_year of 'X'", "''", "fill in launch_year"),
            (dict(model=""), "model", "''", "non-empty name"),
            (dict(status="rumoured"), "status of 'X'", "'rumoured'", "on_sale, planned, reported_cancelled"),
            (dict(end_year=2025), "end_year of 'X'", "2025", "on or after the launch year 2026"),
            (dict(plateau=1.5), "plateau of 'X'", "1.5", "0 to 1"),
            (dict(launch_fraction=-0.1), "launch_fraction of 'X'", "-0.1", "0 to 1"),
            (dict(decline_after=0), "decline_after of 'X'", "0", "1 or more"),
            (dict(share_italy=0.5), "regional shares of 'X'", "1.25", "equal 1"),
            (dict(share_north_america=-0.1, share_italy=0.35), "share_north_america of 'X'", "-0.1", "between 0 and 1"),
            (dict(replaces="X"), "replaces of 'X'", "'X'", "name the predecessor"),
        ],
    )
    def test_bad_values_name_field_value_and_fix(self, overrides, field, value_text, fix):
        with pytest.raises(LineupError) as info:
            Model.from_mapping(row(**overrides))
        assert_message(info.value, field, value_text, fix)


class TestLineupChecks:
    def test_duplicate_names_ignore_case(self):
        with pytest.raises(LineupError) as info:
            Lineup([Model("Junior", 2024, 1), Model("junior", 2025, 1)])
        assert_message(info.value, "model", "'junior'", "unique name")

    def test_unknown_predecessor(self):
        with pytest.raises(LineupError) as info:
            Lineup([Model("A", 2024, 1, replaces="Ghost")])
        assert_message(info.value, "replaces of 'A'", "'Ghost'", "name a model in the lineup")

    def test_second_successor(self):
        with pytest.raises(LineupError) as info:
            Lineup([Model("A", 2020, 1), Model("B", 2025, 1, replaces="A"), Model("C", 2026, 1, replaces="A")])
        assert_message(info.value, "replaces of 'C'", "'A'", "only one model can replace 'A'")

    def test_successor_not_after_predecessor(self):
        with pytest.raises(LineupError) as info:
            Lineup([Model("A", 2020, 1), Model("B", 2020, 1, replaces="A")])
        assert_message(info.value, "launch_year of 'B'", "2020", "must launch after 'A'")

    def test_empty(self):
        with pytest.raises(LineupError) as info:
            Lineup([])
        assert_message(info.value, "lineup", "(empty)", "at least one model")

    def test_resolve_ignores_case_and_spaces(self):
        lu = default_lineup()
        assert lu.resolve("  stelvio   (NEXT) ") == "Stelvio (next)"
        with pytest.raises(KeyError):
            lu.resolve("Alfetta")


class TestFramesAndFiles:
    def test_round_trip_through_a_frame(self):
        lu = default_lineup()
        assert Lineup.from_frame(lu.to_frame()) == lu

    def test_minimal_frame_headers_normalised(self):
        frame = pd.DataFrame({" Model ": ["A"], "Launch Year": [2027], "PEAK_UNITS": [5000]})
        lu = Lineup.from_frame(frame)
        assert lu["A"].peak_units == 5000 and lu["A"].launch_year == 2027

    def test_missing_columns(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_text("model,peak_units\nA,5\n", encoding="utf-8")
        with pytest.raises(LineupError) as info:
            load_lineup(p)
        assert_message(info.value, "columns", "'peak_units'", "add the column(s) launch_year")

    def test_missing_file(self, tmp_path):
        with pytest.raises(LineupError) as info:
            load_lineup(tmp_path / "nope.csv")
        assert_message(info.value, "lineup file", "nope.csv", "existing CSV file")

    def test_empty_and_binary_files(self, tmp_path):
        empty = tmp_path / "empty.csv"
        empty.write_text("", encoding="utf-8")
        binary = tmp_path / "bin.csv"
        binary.write_bytes(b"\xff\xfe\x00\x81\x82")
        for p in (empty, binary):
            with pytest.raises(LineupError) as info:
                load_lineup(p)
            assert_message(info.value, "lineup file", p.name, "UTF-8 CSV")

    def test_csv_with_bom_and_blank_optional_cells(self, tmp_path):
        p = tmp_path / "l.csv"
        cols = ["model", "launch_year", "peak_units", "end_year", *REGION_COLUMNS]
        p.write_text("\ufeff" + ",".join(cols) + "\nA,2027,5000,,0.1,0.2,0.3,0.4\n", encoding="utf-8")
        m = load_lineup(p)["A"]
        assert m.end_year is None and m.shares == (0.1, 0.2, 0.3, 0.4)


class TestRegressions:
    """Issue 11: wrong numbers, silently."""

    HEADER = "model,launch_year,peak_units\n"

    @pytest.mark.parametrize("reserved", ["Year", "Total", "total", " YEAR "])
    def test_model_named_like_a_structural_column_is_refused_at_load(self, tmp_path, reserved):
        p = tmp_path / "l.csv"
        p.write_text(self.HEADER + f"A,2027,5000\n{reserved},2028,1000\n", encoding="utf-8")
        with pytest.raises(LineupError) as info:
            load_lineup(p)
        text = str(info.value)
        assert "\n" not in text and text.startswith("l.csv line 3: model: reserved model name")
        assert "Total, Year" in text

    def test_model_named_total_refused_from_a_frame_too(self):
        with pytest.raises(LineupError, match="reserved model name"):
            Lineup.from_frame(pd.DataFrame({"model": ["Total"], "launch_year": [2027], "peak_units": [1]}))

    def test_peak_with_decimal_comma_is_refused_not_read_as_330005(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_text(self.HEADER + 'Junior,2024,"33000,5"\n', encoding="utf-8")
        with pytest.raises(LineupError) as info:
            load_lineup(p)
        text = str(info.value)
        assert text.startswith("l.csv line 2: peak_units of 'Junior': ambiguous number: 33000.5 or 330005?")
        assert "(got '33000,5')" in text and "write 33000.5" in text

    @pytest.mark.parametrize(
        "text, expected", [("33,000", 33000.0), ("3.300.000", 3_300_000.0), ("33 000", 33000.0), ("33000.5", 33000.5)]
    )
    def test_unambiguous_grouped_peaks_are_read(self, tmp_path, text, expected):
        p = tmp_path / "l.csv"
        p.write_text(self.HEADER + f'A,2027,"{text}"\n', encoding="utf-8")
        assert load_lineup(p)["A"].peak_units == expected

    def test_launch_year_as_excel_date_serial_gives_its_year(self):
        # 45658 is 1 Jan 2025; 2025, 2026 and 2027 have 365 days each, so 1 Jan 2028 is 46753
        assert 45658 + 3 * 365 == 46753
        lu = Lineup.from_frame(pd.DataFrame({"model": ["A"], "launch_year": [46753.0], "peak_units": [1]}))
        assert lu["A"].launch_year == 2028


class TestFirmness:
    BASE = {"model": "X", "launch_year": 2027, "peak_units": 1000}

    @pytest.mark.parametrize(
        "status, expected", [("on_sale", "confirmed"), ("planned", "dated"), ("reported_cancelled", "dated")]
    )
    def test_blank_firmness_defaults_by_status(self, status, expected):
        assert Model.from_mapping({**self.BASE, "status": status}).firmness == expected

    @pytest.mark.parametrize(
        "text, expected", [("Rumour", "rumour"), ("rumor", "rumour"), (" CONFIRMED ", "confirmed"), ("dated", "dated")]
    )
    def test_spellings(self, text, expected):
        assert Model.from_mapping({**self.BASE, "firmness": text}).firmness == expected

    def test_unknown_firmness_names_the_choices(self):
        with pytest.raises(LineupError) as info:
            Model.from_mapping({**self.BASE, "firmness": "likely"})
        assert_message(
            info.value,
            "firmness of 'X'",
            "'likely'",
            "confirmed (date and plant confirmed), dated (officially dated) or rumour",
        )

    def test_a_csv_without_the_column_reads_as_before(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_text("model,status,launch_year,peak_units\nA,on_sale,2020,10\nB,planned,2028,10\n", encoding="utf-8")
        lu = load_lineup(p)
        assert [m.firmness for m in lu] == ["confirmed", "dated"]
        assert lu.arrays["firmness"].tolist() == [0, 1]

    def test_shipped_lineup(self):
        lu = default_lineup()
        assert lu["4.3 m model"].firmness == "rumour" and lu["Giulia (next)"].firmness == "dated"
        assert all(lu[n].firmness == "confirmed" for n in ("Junior", "Tonale", "Giulia", "Stelvio"))


class TestLineNumbers:
    def test_error_names_the_file_line_of_the_model(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_text("model,launch_year,peak_units\nA,2027,5000\n\nB,2028,-1\n", encoding="utf-8")
        with pytest.raises(LineupError) as info:
            load_lineup(p)
        assert str(info.value).startswith("l.csv line 4: peak_units of 'B': outside 0 to 10,000,000 (got '-1')")

    def test_duplicate_names_point_at_the_second_row(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_text("model,launch_year,peak_units\nA,2027,5000\na,2028,1\n", encoding="utf-8")
        with pytest.raises(LineupError, match=r"^l.csv line 3: model: duplicate model name"):
            load_lineup(p)


def test_hold_until_before_the_launch_is_refused_naming_the_column():
    import pytest as _pytest

    from alfa_xl.errors import LineupError
    from alfa_xl.model.engine.lineup import Model

    with _pytest.raises(LineupError) as err:
        Model("X", 2024, 10_000, status="on_sale", hold_until=2020)
    text = str(err.value)
    assert "hold_until of 'X'" in text and "2024" in text and len(text.splitlines()) == 1
