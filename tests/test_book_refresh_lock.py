"""One refresh at a time per workbook: a lock file held for the whole refresh; a second
refresh is refused with a clear message, and the clean-up of an earlier crash never
touches the files of a refresh that is running."""

from __future__ import annotations


import pytest
from book_edits import book, pristine  # noqa: F401  (fixtures)
from filelock import FileLock

from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.book.replace import lock_path
from alfa_xl.book.xlsx import WorkbookFileError


def test_a_second_refresh_is_refused_while_one_holds_the_lock_and_its_files_are_kept(book):
    running = book.parent / f".{book.name}.refresh-running.tmp"  # the temporary file of the refresh holding the lock
    before = book.read_bytes()
    with FileLock(lock_path(book), timeout=0, thread_local=False):  # as a running refresh holds it
        running.write_bytes(b"half written")
        with pytest.raises(
            WorkbookFileError, match="another refresh of this workbook is running.*wait for it to finish"
        ):
            refresh_workbook(book)
        assert running.read_bytes() == b"half written"
        assert book.read_bytes() == before


def test_the_lock_file_is_gone_after_a_refresh(book):
    refresh_workbook(book)
    assert not lock_path(book).exists()
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name, book.name + ".bak"]


def test_a_lock_file_left_by_a_refresh_that_died_does_not_block(book):
    lock_path(book).write_text("")  # the file stays when its process is killed; its lock does not
    stale = book.parent / f".{book.name}.refresh-dead.tmp"
    stale.write_bytes(b"left by the crash")
    report = refresh_workbook(book)
    assert report.cleaned == [stale.name]
    assert not lock_path(book).exists()
