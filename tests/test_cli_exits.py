"""How ``alfa-xl`` ends when its output cannot go anywhere, and how long its error lines are:
a reader that went away is exit 141 with no message (128 + SIGPIPE, what ``| head``
expects); a closed or full standard output is an error (one line, exit 2); every error
line is at most 300 characters with control characters written out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alfa_xl.cli import main
from alfa_xl.cli.common import MAX_LINE, error_line
from cli_support import LINEUP_HEAD, write

ROOT = Path(__file__).resolve().parents[1]


def _command(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "alfa_xl.entry", *args], env=env, timeout=300, cwd=ROOT, **kwargs)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_reader_that_went_away_is_141_without_a_message(fmt):
    # the pipe's reading end is closed before the command starts, so its first write fails
    # (the same as `alfa-xl outlook | head -1` once head has gone), on every run
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _command("outlook", "--format", fmt, stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""


def test_a_closed_standard_output_is_an_error():
    # `alfa-xl outlook >&-`: it used to end 0 with nothing shown anywhere
    done = _command("outlook", stdout=None, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("alfa-xl: error: output: standard output is closed"), done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_full_disk_is_an_error(fmt):
    with open("/dev/full", "w") as full:
        done = _command("facts", "--format", fmt, stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "cannot write the results (no space left on device)" in lines[0], done.stderr


def test_a_closed_standard_output_does_not_stop_a_command_that_writes_no_results(tmp_path):
    # build-workbook reports on stdout, so it fails too, but only after nothing was half-written
    done = _command(
        "build-workbook",
        "--out",
        str(tmp_path / "r.xlsm"),
        stdout=None,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2 and "standard output is closed" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.py", "r.xlsm"]


class TestErrorLineLength:
    def test_a_thousand_control_characters_give_one_short_line(self, capsys):
        code = main(["outlook", "--scenario", "\x01" * 1000])
        err = capsys.readouterr().err
        lines = err.splitlines()
        assert code == 2 and len(lines) == 1, err
        assert len(lines[0]) <= MAX_LINE
        assert "\x01" not in lines[0] and "\\x01" in lines[0]
        assert lines[0].endswith("track_record"), lines[0]  # the value is shortened, not the fix at the end

    def test_a_model_name_of_nul_bytes_in_a_lineup(self, tmp_path, capsys):
        name = "\x00" * 1000
        path = write(tmp_path / "l.csv", LINEUP_HEAD + f"{name},2027,-5,0.25,0.25,0.25,0.25\n")
        code = main(["outlook", "--lineup", path])
        err = capsys.readouterr().err
        lines = err.splitlines()
        assert code == 2 and len(lines) == 1, err
        assert len(lines[0]) <= MAX_LINE and "\x00" not in lines[0], lines[0]

    @pytest.mark.parametrize(
        "message, expected",
        [
            ("short", "alfa-xl: error: short"),
            ("x" * 284, "alfa-xl: error: " + "x" * 284),  # 16 + 284 = 300: kept
            ("x" * 285, "alfa-xl: error: " + "x" * 281 + "..."),  # 301: cut to 297 + "..."
            ("\x00" * 100, "alfa-xl: error: " + "\\x00" * 70 + "..."),  # 4 characters each: 70 fit in 281
        ],
    )
    def test_the_cap(self, message, expected):
        assert error_line(message) == expected


class TestMessagesForPeople:
    """Errors say what was typed and what to type, not the wording of the library that parsed it."""

    @pytest.mark.parametrize(
        "args, expected",
        [
            (
                ["simulate", "--paths", "x"],
                "alfa-xl: error: --paths: not a whole number (got 'x'); write it with digits only, for example 10000",
            ),
            (
                ["simulate", "--year=2030.5"],
                "alfa-xl: error: --year: not a whole number (got '2030.5'); write it with digits only, for example 10000",
            ),
            (
                ["outlook", "-f", "xml"],
                "alfa-xl: error: --format: not one of table, csv, json (got 'xml'); give one of table, csv, json",
            ),
        ],
    )
    def test_option_values(self, capsys, args, expected):
        assert main(args) == 2
        assert capsys.readouterr().err == expected + "\n"

    def test_nothing_given_is_not_shown_as_none(self, capsys):
        assert main(["outlook", "--ytd", "5000"]) == 2
        err = capsys.readouterr().err
        assert "None" not in err and err.startswith("alfa-xl: error: --ytd-months: missing;"), err

    def test_no_library_wording_anywhere_in_the_command_line_or_validation(self):
        wording = ("Input should be", "Value error,", "unable to parse", "(got None)", "pydantic")
        sources = [*ROOT.joinpath("alfa_xl", "cli").glob("*.py"), *ROOT.joinpath("alfa_xl", "validation").glob("*.py")]
        found = [
            (p.name, w)
            for p in sources
            for w in wording
            if w in p.read_text(encoding="utf-8") and p != ROOT / "alfa_xl" / "cli" / "__init__.py"
        ]  # that one translates them
        assert found == []
