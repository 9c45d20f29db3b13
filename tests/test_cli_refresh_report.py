"""``alfa-xl refresh`` says what it cleaned up and when there was nothing to do."""

from __future__ import annotations

import shutil

import pytest

from alfa_xl.book.build import build_workbook
from alfa_xl.cli import main


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """A built workbook refreshed once, so that a second refresh has nothing to change."""
    folder = tmp_path_factory.mktemp("refreshed")
    book = folder / "r.xlsm"
    build_workbook(book)
    assert main(["refresh", str(book), "--no-backup"]) == 0
    return book


def _copy(refreshed, tmp_path):
    book = tmp_path / "r.xlsm"
    shutil.copyfile(refreshed, book)
    return book


def test_refresh_reports_already_up_to_date(refreshed, tmp_path, capsys):
    book = _copy(refreshed, tmp_path)
    before = book.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{book} is already up to date: nothing written"
    assert not any(line.startswith("refreshed ") or line.startswith("removed ") for line in out)
    assert book.read_bytes() == before
    assert not (tmp_path / "r.xlsm.bak").exists()


def test_refresh_reports_removed_temporary_files(refreshed, tmp_path, capsys):
    book = _copy(refreshed, tmp_path)
    left = [tmp_path / ".r.xlsm.refresh-k1.tmp", tmp_path / ".r.xlsm.bak-k2.tmp"]
    for p in left:
        p.write_bytes(b"half a file")
    capsys.readouterr()
    assert main(["refresh", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("removed 2 temporary files left by an interrupted refresh: ")
    assert {".r.xlsm.refresh-k1.tmp", ".r.xlsm.bak-k2.tmp"} == set(out[0].split(": ", 1)[1].split(", "))
    assert not any(p.exists() for p in left)


def test_refresh_reports_one_removed_temporary_file(refreshed, tmp_path, capsys):
    book = _copy(refreshed, tmp_path)
    (tmp_path / ".r.xlsm.refresh-k1.tmp").write_bytes(b"")
    capsys.readouterr()
    assert main(["refresh", str(book)]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "removed 1 temporary file left by an interrupted refresh: .r.xlsm.refresh-k1.tmp"
    )
