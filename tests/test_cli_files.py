"""Files the commands read and write: build-workbook writes only what it owns; whatever the
file system refuses ends as one line and exit code 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from alfa_xl.cli import main
from cli_support import one_line, readonly_folder, write  # noqa: F401  (readonly_folder is a fixture)


class TestFileErrors:
    def test_unreadable_lineup_and_scenario(self, capsys):
        # /proc/self/mem exists and is a file, but reading it from the start fails for everyone
        one_line(capsys, main(["outlook", "--lineup", "/proc/self/mem"]), "lineup file: cannot read", "/proc/self/mem")
        one_line(capsys, main(["simulate", "--lineup", "/proc/self/mem"]), "lineup file: cannot read")
        one_line(capsys, main(["outlook", "--scenario", "/proc/self/mem"]), "scenario file: cannot read")

    def test_plot_into_places_that_refuse(self, tmp_path, capsys, readonly_folder):
        (tmp_path / "taken.png").mkdir()
        one_line(capsys, main(["outlook", "--plot", str(tmp_path / "taken.png")]), "plot: is a folder")
        one_line(capsys, main(["outlook", "--plot", "/proc/chart.png"]), "plot: ", "/proc/chart.png")
        one_line(capsys, main(["outlook", "--plot", str(readonly_folder / "chart.png")]), "plot: cannot write")
        one_line(
            capsys, main(["simulate", "-n", "50", "--plot", str(readonly_folder / "fan.png")]), "plot: cannot write"
        )

    def test_build_workbook_onto_a_folder_or_into_a_read_only_one(self, tmp_path, capsys, readonly_folder):
        (tmp_path / "book.xlsm").mkdir()
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / "book.xlsm")]), "out: is a folder")
        one_line(capsys, main(["build-workbook", "--out", str(readonly_folder / "book.xlsm")]), "out: ")
        assert list(readonly_folder.iterdir()) == []

    def test_refresh_in_a_read_only_folder(self, tmp_path, capsys):
        import os

        folder = tmp_path / "books"
        book = folder / "book.xlsm"
        assert main(["build-workbook", "--out", str(book)]) == 0
        capsys.readouterr()
        before = book.read_bytes()
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
                pytest.skip("cannot make a read-only folder here")
        else:
            folder.chmod(0o555)
        try:
            one_line(capsys, main(["refresh", str(book)]), "book.xlsm")
        finally:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
            folder.chmod(0o755)
        assert book.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["book.py", "book.xlsm"]


class TestBuildWorkbookWritesOnlyWhatItOwns:
    def test_default_is_the_current_folder_never_the_installation(self, tmp_path, monkeypatch, capsys):
        import alfa_xl

        install = Path(alfa_xl.__file__).resolve().parent
        before = sorted(p.name for p in install.iterdir())
        monkeypatch.chdir(tmp_path)
        assert main(["build-workbook"]) == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["alfa_outlook.py", "alfa_outlook.xlsm"]
        assert sorted(p.name for p in install.iterdir()) == before
        assert "checks: OK" in capsys.readouterr().out
        one_line(capsys, main(["build-workbook", "--out", str(install / "x.xlsm")]), "inside the alfa_xl installation")
        one_line(
            capsys,
            main(["build-workbook", "--out", str(install / "book" / "x.xlsm"), "--force"]),
            "inside the alfa_xl installation",
        )
        assert not (install / "x.xlsm").exists() and not (install / "book" / "x.xlsm").exists()

    @pytest.mark.parametrize("name", ["x.py", "book.xlsx", "book", "report.XLS"])
    def test_only_xlsm(self, tmp_path, capsys, name):
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / name)]), "not a .xlsm file")
        assert list(tmp_path.iterdir()) == []

    def test_a_module_of_the_same_name_is_not_replaced(self, tmp_path, capsys):
        mine = write(tmp_path / "report.py", "print('my own script')\n")
        one_line(
            capsys,
            main(["build-workbook", "--out", str(tmp_path / "report.xlsm")]),
            "would replace report.py",
            "--force",
        )
        assert Path(mine).read_text() == "print('my own script')\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["report.py"]

    def test_an_existing_workbook_needs_force_and_keeps_a_backup(self, tmp_path, capsys):
        book = tmp_path / "book.xlsm"
        assert main(["build-workbook", "--out", str(book)]) == 0
        capsys.readouterr()
        old_book, old_module = b"previous workbook bytes", "previous module\n"
        book.write_bytes(old_book)
        (tmp_path / "book.py").write_text(old_module)
        one_line(capsys, main(["build-workbook", "--out", str(book)]), "would replace book.xlsm and book.py")
        assert book.read_bytes() == old_book
        assert main(["build-workbook", "--out", str(book), "--force"]) == 0
        assert "previous versions kept as book.xlsm.bak, book.py.bak" in capsys.readouterr().out
        assert (tmp_path / "book.xlsm.bak").read_bytes() == old_book
        assert (tmp_path / "book.py.bak").read_text() == old_module
        assert book.read_bytes()[:2] == b"PK"  # a zip package again
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.py", "book.py.bak", "book.xlsm", "book.xlsm.bak"]

    @pytest.mark.parametrize("lock", ["~$book.xlsm", ".~lock.book.xlsm#"])
    def test_lock_files_are_honoured_even_with_force(self, tmp_path, capsys, lock):
        book = tmp_path / "book.xlsm"
        book.write_bytes(b"open in a spreadsheet")
        (tmp_path / lock).write_text("owner")
        for force in ([], ["--force"]):
            one_line(capsys, main(["build-workbook", "--out", str(book), *force]), "open in Excel or LibreOffice", lock)
        assert book.read_bytes() == b"open in a spreadsheet"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["book.xlsm", lock])

    def test_a_backup_name_that_is_a_link_is_not_followed(self, tmp_path, capsys):
        import os

        book = tmp_path / "book.xlsm"
        book.write_bytes(b"old")
        victim = tmp_path / "victim.txt"
        victim.write_text("keep me")
        os.symlink(victim, tmp_path / "book.xlsm.bak")
        one_line(capsys, main(["build-workbook", "--out", str(book), "--force"]), "backup name taken")
        assert victim.read_text() == "keep me" and book.read_bytes() == b"old"

    def test_a_linked_workbook_is_refused(self, tmp_path, capsys):
        import os

        real = tmp_path / "real.xlsm"
        real.write_bytes(b"real")
        os.symlink(real, tmp_path / "link.xlsm")
        one_line(capsys, main(["build-workbook", "--out", str(tmp_path / "link.xlsm"), "--force"]), "not a plain file")
        assert real.read_bytes() == b"real"

    def test_a_crash_while_backing_up_keeps_the_previous_backup(self, tmp_path, monkeypatch):
        import alfa_xl.cli.workbook as wb

        book = tmp_path / "book.xlsm"
        book.write_bytes(b"new contents " * 1000)
        (tmp_path / "book.xlsm.bak").write_bytes(b"previous good backup")

        def half_then_crash(src, dst, *args):
            dst.write(src.read(100))
            raise KeyboardInterrupt  # the process is stopped mid-copy

        monkeypatch.setattr(wb.shutil, "copyfileobj", half_then_crash)
        with pytest.raises(KeyboardInterrupt):
            wb.keep_backup(book)
        assert (tmp_path / "book.xlsm.bak").read_bytes() == b"previous good backup"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm", "book.xlsm.bak"]  # no debris
        monkeypatch.undo()
        assert wb.keep_backup(book).read_bytes() == book.read_bytes()
