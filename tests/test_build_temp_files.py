"""``build-workbook`` writes through a unique temporary file: nothing at a fixed name
beside the output (``NAME.xlsm.tmp``, ``NAME.py.tmp``) is followed or replaced, and no
temporary file is left after an error."""

from __future__ import annotations

import os
import zipfile

import pytest

from alfa_xl.book import build as build_mod
from alfa_xl.book.build import build_workbook
from alfa_xl.cli import main


def _debris(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") and p.name.startswith("."))


def test_build_workbook_tmp_symlink_is_neither_followed_nor_kept_as_output(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("victim\n", encoding="utf-8")
    (tmp_path / "r.xlsm.tmp").symlink_to(victim)
    (tmp_path / "r.py.tmp").symlink_to(victim)
    assert main(["build-workbook", "--out", str(tmp_path / "r.xlsm")]) == 0
    assert victim.read_text(encoding="utf-8") == "victim\n"
    book = tmp_path / "r.xlsm"
    assert not book.is_symlink() and book.is_file()
    assert "xl/vbaProject.bin" in zipfile.ZipFile(book).namelist()
    assert not (tmp_path / "r.py").is_symlink()
    assert (tmp_path / "r.xlsm.tmp").is_symlink() and (tmp_path / "r.py.tmp").is_symlink()
    assert _debris(tmp_path) == []


def test_build_workbook_user_file_named_like_a_temporary_file_is_kept(tmp_path):
    mine = tmp_path / "r.xlsm.tmp"
    mine.write_bytes(b"my notes")
    build_workbook(tmp_path / "r.xlsm")
    assert mine.read_bytes() == b"my notes"


def test_build_workbook_new_files_get_the_usual_mode(tmp_path):
    mask = os.umask(0o022)
    try:
        build_workbook(tmp_path / "r.xlsm")
    finally:
        os.umask(mask)
    assert (tmp_path / "r.xlsm").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "r.py").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("fail_on", ["workbook", "module"])
def test_build_workbook_error_leaves_no_temporary_file(tmp_path, monkeypatch, fail_on):
    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    if fail_on == "workbook":
        monkeypatch.setattr(build_mod, "write_book", boom)
    else:
        monkeypatch.setattr(build_mod, "MODULE_SOURCE", None)  # .encode fails while the module is written
    with pytest.raises((OSError, AttributeError)):
        build_workbook(tmp_path / "r.xlsm")
    assert _debris(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if fail_on == "workbook" else ["r.xlsm"])
