"""Every CSV a user gives (``--lineup``, ``--scenario``, a backtest's lineup) goes through one
reader (issue 17, defects 12 and 14; issue 15, item 7): bounded before it is parsed, and
read the way Excel writes CSVs in every locale.

Expected numbers are written out by hand from the file text in each test."""

from __future__ import annotations

import os
import tracemalloc

import pytest

from alfa_xl import udfs
from alfa_xl.cli import main
from alfa_xl.errors import LineupError, ScenarioError
from alfa_xl.model.engine.lineup import Lineup, Model, load_lineup
from alfa_xl.model.engine.scenarios import load_scenario
from alfa_xl.validation import LIMITS
from cli_support import LINEUP_HEAD, one_line, strict_json, write

SEMI_HEAD = LINEUP_HEAD.replace(",", ";")


def rows(n: int, comment: str = "") -> str:
    """``n`` models with shares 0.25 each, written by hand (no code under test)."""
    head = LINEUP_HEAD.rstrip("\n") + (",comment\n" if comment else "\n")
    body = "".join(f"M{i},2027,1000,0.25,0.25,0.25,0.25" + (f",{comment}" if comment else "") + "\n" for i in range(n))
    return head + body


def peak_bytes(call) -> int:
    """Peak Python allocation while ``call`` runs (what a refusal costs in memory)."""
    tracemalloc.start()
    try:
        call()
    except (LineupError, ScenarioError):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


class TestBounds:
    def test_the_bounds_are_declared_once(self):
        assert LIMITS["lineup_models"].hi == 100
        assert LIMITS["csv_field_chars"].hi == 32_767  # Excel's cell limit
        assert LIMITS["csv_bytes"].hi == 8 * 2**20

    def test_a_2_gb_sparse_file_is_refused_from_its_size(self, tmp_path, capsys):
        big = tmp_path / "big.csv"
        with open(big, "wb") as fh:
            fh.truncate(2 * 2**30)
        for option, field in (("--lineup", "lineup file"), ("--scenario", "scenario file")):
            one_line(capsys, main(["outlook", option, str(big)]), f"{field}: too large: 2,147,483,648 bytes")
        assert peak_bytes(lambda: load_lineup(big)) < 2**20
        assert peak_bytes(lambda: load_scenario(big)) < 2**20
        one_line(capsys, main(["backtest", "--as-of", "2018", "--lineup", str(big)]), "lineup file: too large")

    def test_a_file_just_over_the_size_limit_costs_at_most_the_limit(self, tmp_path):
        p = tmp_path / "l.csv"
        p.write_bytes(rows(1).encode() + b"#" * (8 * 2**20))
        with pytest.raises(LineupError, match="too large"):
            load_lineup(p)
        assert peak_bytes(lambda: load_lineup(p)) < 100 * 2**20

    def test_a_field_over_131072_characters_is_one_line(self, tmp_path, capsys):
        # on one line: the line limit names it; spread over lines inside quotes: the field limit
        flat = write(tmp_path / "flat.csv", LINEUP_HEAD + '"' + "x" * 140_000 + '",2027,1000,0.25,0.25,0.25,0.25\n')
        one_line(capsys, main(["outlook", "--lineup", flat]), "line 2 is 140,032 characters long, more than 65,536")
        lines = write(
            tmp_path / "lines.csv", LINEUP_HEAD + '"' + ("x" * 999 + "\n") * 140 + '",2027,1000,0.25,0.25,0.25,0.25\n'
        )
        message = one_line(
            capsys, main(["outlook", "--lineup", lines]), "a field longer than a spreadsheet cell holds (32,767"
        )
        assert "_csv" not in message

    def test_a_field_one_past_a_cells_limit(self, tmp_path, capsys):
        ok = write(tmp_path / "ok.csv", rows(1, "c" * 32_767))
        assert load_lineup(ok)["M0"].comment == "c" * 32_767
        over = write(tmp_path / "over.csv", rows(1, "c" * 32_768))
        one_line(
            capsys,
            main(["outlook", "--lineup", over]),
            "line 2: a field of 32,768 characters, more than a spreadsheet cell",
        )

    def test_the_model_count(self, tmp_path, capsys):
        assert len(load_lineup(write(tmp_path / "100.csv", rows(100)))) == 100
        one_line(
            capsys,
            main(["outlook", "--lineup", write(tmp_path / "101.csv", rows(101))]),
            "lineup file: more than 100 rows below the header",
            "give at most 100 models",
        )

    def test_the_model_count_holds_for_a_worksheet_range_and_a_lineup_object(self):
        head = ["model", "launch_year", "peak_units"]
        grid = [head] + [[f"M{i}", 2027, 1000] for i in range(101)]
        assert isinstance(udfs.alfa_total(2030, None, grid[:101]), float)  # 100 models: an answer
        out = udfs.alfa_total(2030, None, grid)
        assert out.startswith("#VALUE! ALFA_TOTAL: lineup: more than 100 models"), out
        huge = [head] + [[f"M{i}", 2027, 1000] for i in range(100_000)]  # refused before any cell is converted
        assert udfs.alfa_total(2030, None, huge).startswith("#VALUE! ALFA_TOTAL: lineup: more than 100 models")
        with pytest.raises(LineupError, match="more than 100 models"):
            Lineup([Model(f"M{i}", 2027, 1000) for i in range(101)])

    def test_blank_rows_are_not_models(self, tmp_path):
        # Excel writes ",,,,,," for a formatted empty row; they do not count and are not errors
        text = rows(100) + ",,,,,,\n" * 50 + "\n" * 20
        assert len(load_lineup(write(tmp_path / "l.csv", text))) == 100

    def test_many_models_are_named_as_models_not_lines(self, tmp_path, capsys):
        one_line(
            capsys,
            main(["outlook", "--lineup", write(tmp_path / "30k.csv", rows(30_000))]),
            "more than 100 rows below the header",
            "give at most 100 models",
        )

    def test_a_file_of_line_breaks_up_to_the_size_limit(self, tmp_path):
        p = tmp_path / "breaks.csv"
        p.write_bytes(rows(1).encode() + b"\n" * (8 * 2**20 - 200))
        with pytest.raises(LineupError, match="more than 10,000 lines"):
            load_lineup(p)
        assert peak_bytes(lambda: load_lineup(p)) < 100 * 2**20

    def test_lines(self, tmp_path, capsys):
        one_line(
            capsys,
            main(["outlook", "--lineup", write(tmp_path / "l.csv", rows(1) + "\n" * 10_001)]),
            "more than 10,000 lines",
        )

    def test_the_scenario_rows(self, tmp_path, capsys):
        text = "parameter,value\n" + "".join(f"delay:M{i},1\n" for i in range(251))
        one_line(
            capsys,
            main(["outlook", "--scenario", write(tmp_path / "s.csv", text)]),
            "more than 250 rows below the header",
        )


class TestEmptyAndOddFiles:
    def test_a_scenario_with_only_its_header_is_refused(self, tmp_path, capsys):
        p = write(tmp_path / "s.csv", "parameter,value\n")
        one_line(
            capsys,
            main(["outlook", "--scenario", p]),
            "scenario file: no parameters below the header",
            "use the built-in scenario base",
        )
        with pytest.raises(ScenarioError, match="no parameters"):
            load_scenario(write(tmp_path / "any.csv", "a,b\n\n"))

    def test_a_lineup_with_only_its_header_is_refused(self, tmp_path, capsys):
        one_line(
            capsys,
            main(["outlook", "--lineup", write(tmp_path / "l.csv", LINEUP_HEAD)]),
            "lineup file: no rows below the header",
            "add one row per model",
        )

    def test_nul_bytes_and_other_encodings(self, tmp_path, capsys):
        nul = tmp_path / "nul.csv"
        nul.write_bytes(b"\x00" * 1000)
        one_line(
            capsys, main(["outlook", "--lineup", str(nul)]), "not a text file (it contains NUL bytes)", "UTF-8 CSV"
        )
        latin = tmp_path / "latin.csv"
        latin.write_bytes((LINEUP_HEAD + "Giuli\xe0,2027,1000,0.25,0.25,0.25,0.25\n").encode("latin-1"))
        one_line(capsys, main(["outlook", "--lineup", str(latin)]), "not UTF-8 text (byte 0xe0 on line 2)", "CSV UTF-8")

    def test_excel_unicode_text_utf16_tab_separated(self, tmp_path):
        p = tmp_path / "u.csv"
        text = LINEUP_HEAD.replace(",", "\t") + "Città\t2027\t1000\t0.25\t0.25\t0.25\t0.25\n"
        p.write_bytes(text.encode("utf-16"))
        assert load_lineup(p)["Città"].peak_units == 1000

    def test_a_row_longer_than_the_header(self, tmp_path, capsys):
        extra = write(tmp_path / "x.csv", LINEUP_HEAD + "A,2027,1000,0.25,0.25,0.25,0.25,oops\n")
        one_line(capsys, main(["outlook", "--lineup", extra]), "line 2: 8 fields, the header names 7")
        trailing = write(tmp_path / "t.csv", LINEUP_HEAD + "A,2027,1000,0.25,0.25,0.25,0.25,,\n")
        assert load_lineup(trailing)["A"].peak_units == 1000


class TestExcelDialects:
    def test_semicolons_with_decimal_commas_and_dot_thousands(self, tmp_path):
        # German Excel: "33.000" is 33000 (a #.##0 format), "0,43" is 0.43
        p = write(
            tmp_path / "de.csv", SEMI_HEAD + "Junior;2024;33.000;0,43;0,51;0;0,06\nB;2028;20000;25 %;25 %;25 %;25 %\n"
        )
        lu = load_lineup(p)
        assert lu["Junior"].peak_units == 33_000 and lu["Junior"].shares == (0.43, 0.51, 0.0, 0.06)
        assert lu["B"].shares == (0.25, 0.25, 0.25, 0.25)

    def test_semicolons_with_decimal_dots(self, tmp_path):
        # Swiss German Excel: semicolons, decimal dot
        p = write(tmp_path / "ch.csv", SEMI_HEAD + "A;2027;12500.5;0.5;0.5;0;0\n")
        assert load_lineup(p)["A"].peak_units == 12_500.5

    def test_semicolons_and_1_234_without_evidence_are_refused(self, tmp_path, capsys):
        p = write(tmp_path / "amb.csv", SEMI_HEAD + "A;2027;1,234;1;0;0;0\n")
        one_line(
            capsys, main(["outlook", "--lineup", p]), "line 2: ambiguous number 1,234: 1.234 (decimal comma) or 1234?"
        )

    def test_semicolons_and_1_234_with_decimal_commas_elsewhere(self, tmp_path):
        p = write(tmp_path / "de.csv", SEMI_HEAD + "A;2027;1,234;0,5;0,5;0;0\n")
        assert load_lineup(p)["A"].peak_units == pytest.approx(1.234)

    def test_mixed_decimal_marks_are_refused(self, tmp_path, capsys):
        p = write(tmp_path / "mix.csv", SEMI_HEAD + "A;2027;1000;0,5;0.5;0;0\n")
        one_line(
            capsys, main(["outlook", "--lineup", p]), "decimal commas (line 2: 0,5) and decimal dots (line 2: 0.5)"
        )

    def test_a_header_split_two_ways_is_refused(self, tmp_path, capsys):
        p = write(tmp_path / "two.csv", "model;launch_year,peak_units\nA;2027,1000\n")
        one_line(capsys, main(["outlook", "--lineup", p]), "the header is split by both comma and semicolon")

    def test_names_stay_as_written(self, tmp_path):
        p = write(tmp_path / "n.csv", SEMI_HEAD + "2,5;2027;1000;0,5;0,5;0;0\n")
        assert load_lineup(p).names == ("2,5",)

    @pytest.mark.parametrize("newline", ["\r\n", "\r"])  # Excel on Windows; "CSV (Macintosh)"
    def test_windows_and_old_mac_line_ends(self, tmp_path, newline):
        p = tmp_path / "l.csv"
        p.write_bytes((SEMI_HEAD.rstrip("\n") + newline + "A;2027;1000;0,5;0,5;0;0" + newline).encode())
        assert load_lineup(p)["A"].shares == (0.5, 0.5, 0.0, 0.0)

    def test_an_unclosed_quote_in_the_header(self, tmp_path, capsys):
        p = write(tmp_path / "q.csv", '"model,launch_year\nA,2027\n')
        one_line(capsys, main(["outlook", "--lineup", p]), "line 1: a quote opened in the header is not closed")

    def test_tabs(self, tmp_path):
        p = write(tmp_path / "t.csv", LINEUP_HEAD.replace(",", "\t") + "A\t2027\t1000\t0.25\t0.25\t0.25\t0.25\n")
        assert load_lineup(p)["A"].peak_units == 1000

    def test_commas_keep_the_cell_rules(self, tmp_path, capsys):
        # a quoted decimal comma in a comma-separated file is refused as a cell refuses it
        p = write(tmp_path / "c.csv", LINEUP_HEAD + 'A,2027,"33000,5",0.25,0.25,0.25,0.25\n')
        one_line(capsys, main(["outlook", "--lineup", p]), "ambiguous number: 33000.5 or 330005?")

    def test_an_error_names_the_line_in_a_semicolon_file(self, tmp_path, capsys):
        p = write(tmp_path / "l.csv", SEMI_HEAD + "\nA;2027;1000;0,5;0,5;0;0\n\nB;2027;-5;0,5;0,5;0;0\n")
        one_line(capsys, main(["outlook", "--lineup", p]), "l.csv line 5: peak_units of 'B'")

    def test_a_semicolon_scenario(self, tmp_path):
        p = write(
            tmp_path / "s.csv",
            "parameter;value\ndelay_years;1\npeak_multiplier;0,8\nmarket_trend;-2 %\n"
            'na_tariff;\u22120,1\ncancel;"Giulia;Stelvio"\n',
        )  # U+2212: a typographic minus
        s = load_scenario(p)
        assert (s.delay_years, s.peak_multiplier, s.market_trend, s.na_tariff, s.cancel) == (
            1,
            0.8,
            -0.02,
            -0.1,
            ("Giulia", "Stelvio"),
        )

    def test_a_scenario_error_names_its_line(self, tmp_path):
        p = write(tmp_path / "s.csv", "parameter;value\n\ndelay_years;1\n\npeak_multiplier;-1\n")
        with pytest.raises(ScenarioError) as info:
            load_scenario(p)
        assert info.value.field.startswith("s.csv line 5: ")


class TestTargetOnTheCommandLine:
    TEXTS = ["400000", "400,000", "400 000", "4e5", "400000.0", "400.000", "1,5", "40%", "four"]

    @pytest.mark.parametrize("text", TEXTS)
    def test_the_command_line_takes_what_a_cell_takes(self, capsys, text):
        cell = udfs.alfa_years_to_target(73_000, 0.1, text)
        code = main(["outlook", "--target", text, "--format", "json", "--end", "2026"])
        out, err = capsys.readouterr()
        if isinstance(cell, str):  # the cell refuses: one #VALUE! line
            assert code == 2 and err.startswith("alfa-xl: error: target: "), err
            assert cell.split(": ", 2)[2].split(" (got")[0] in err  # the same problem named
        else:
            assert code == 0, err
            assert strict_json(out)["inputs"]["target"] == 400_000.0

    def test_400_000_with_a_dot_names_both_readings(self, capsys):
        one_line(capsys, main(["outlook", "--target", "400.000"]), "ambiguous number: 400.000 or 400000?")
        one_line(capsys, main(["simulate", "-n", "10", "--target", "400.000"]), "ambiguous number: 400.000 or 400000?")

    def test_simulate_takes_400_comma_000(self, capsys):
        assert main(["simulate", "-n", "100", "--target", "400,000", "--format", "json"]) == 0
        assert strict_json(capsys.readouterr().out)["inputs"]["target"] == 400_000.0
