"""Replace a workbook file so that a crash at any moment loses nothing.

:func:`check_target` runs before anything is read or computed and refuses what cannot be
replaced safely; :func:`replace_with_backup` then writes, in this order:

1. the new workbook into a temporary file beside the target (``.NAME.refresh-*.tmp``),
   flushed to disk and checked by the caller's ``verify`` (it reads the file back);
2. a copy of the current workbook into another temporary file (``.NAME.bak-*.tmp``),
   flushed, then renamed over ``NAME.bak`` (a rename replaces a symlink named
   ``NAME.bak`` itself, never the file it points to);
3. after both lock files (Excel's ``~$NAME``, LibreOffice's ``.~lock.NAME#``) are checked
   again and the workbook is seen unchanged since it was read (before step 2's rename and
   again right before this one), the new workbook is renamed over the target.

A crash before step 3 leaves the original workbook; after it, the new one; the backup is
at every moment either the previous good backup or a complete copy of the workbook as it
was before this refresh. Temporary files are removed on every error; one left by a crash
(the process killed between two steps) carries this module's name pattern and is removed
by the next refresh of the same workbook, which reports it.

Rules, with the reason:

* a symlinked workbook is refreshed in place of its target (the link stays a link);
* a workbook with several hard links is refused: a rename would leave the other names
  on the old content;
* a read-only workbook, or one in a folder that cannot be written (or whose mode forbids
  writing, checked even for root), is refused;
* one refresh at a time per workbook: :func:`refresh_lock` holds ``.NAME.refresh-lock``
  beside it for the whole refresh, and the clean-up of an earlier crash runs under it;
* the file mode is copied to the new file and to the backup; a file owned by another
  user is refused unless the owner can be kept.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from filelock import FileLock, Timeout

from alfa_xl.book.xlsx import WorkbookFileError

__all__ = [
    "Target",
    "lock_files",
    "backup_path",
    "check_target",
    "replace_with_backup",
    "clean_debris",
    "checkpoint",
    "refresh_lock",
    "lock_path",
]


def checkpoint(step: str) -> None:
    """Called between the write steps (a no-op; tests replace it to crash there)."""


def lock_files(path: Path) -> list[Path]:
    """The lock files of an open workbook: Excel's ``~$NAME`` and LibreOffice's ``.~lock.NAME#``."""
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: ``NAME.bak`` beside the workbook."""
    return path.with_name(path.name + ".bak")


def _refuse(path: Path, problem: str, fix: str) -> WorkbookFileError:
    return WorkbookFileError("workbook file", str(path), fix, problem)


@dataclass(frozen=True)
class Target:
    """The file to replace (a symlink resolved) and what must not change before the rename."""

    given: Path
    path: Path
    mode: int
    uid: int
    gid: int
    stamp: tuple[int, int, int]  # (inode, size, mtime_ns) when read

    @classmethod
    def of(cls, given: Path) -> Target:
        path = Path(os.path.realpath(given))
        st = path.stat()
        return cls(given, path, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, (st.st_ino, st.st_size, st.st_mtime_ns))


def _check_locks(path: Path) -> None:
    for lock in lock_files(path):
        if os.path.lexists(lock):
            app = "Excel" if lock.name.startswith("~$") else "LibreOffice"
            raise _refuse(
                path, f"open in {app}", f"close it in {app} first (lock file {lock.name} found), then refresh"
            )


def check_target(given: str | os.PathLike, backup: bool) -> Target:
    """Refuse, before anything is read, a workbook that cannot be replaced safely.

    Raises
    ------
    WorkbookFileError
        Not a regular file, read-only, several hard links, another owner that cannot be
        kept, an unwritable folder, an open lock file, or a ``NAME.bak`` that is a folder.
    """
    p = Path(given)
    try:
        if not p.exists():
            raise _refuse(
                p,
                "not found" if not os.path.islink(p) else "a symlink to a missing file",
                "give the path of an .xlsm or .xlsx workbook",
            )
        t = Target.of(p)
        st = t.path.stat()
    except OSError as exc:
        raise _refuse(
            p, f"cannot be read ({exc.strerror or type(exc).__name__})", "check the path and its permissions"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(
            p,
            "a folder, not a file" if stat.S_ISDIR(st.st_mode) else "not a regular file",
            "give the path of an .xlsm or .xlsx workbook",
        )
    if not (st.st_mode & stat.S_IWUSR) or not os.access(t.path, os.W_OK):
        raise _refuse(
            p,
            "read-only",
            "make the file writable (chmod u+w, or clear Read-only in its properties), or refresh a copy",
        )
    if st.st_nlink > 1:
        raise _refuse(
            p,
            f"has {st.st_nlink} hard links",
            "a refresh would separate them: refresh a copy made with cp, or remove the other links",
        )
    folder = t.path.parent
    if not os.access(folder, os.W_OK | os.X_OK) or not _write_bit(folder):
        raise _refuse(
            p,
            f"in a folder that cannot be written ({folder})",
            "move the workbook to a folder you can write to, or make the folder writable",
        )
    if os.getuid() != st.st_uid and os.getuid() != 0:  # pragma: no cover - needs a second user
        raise _refuse(p, "owned by another user", "refresh a copy of your own")
    if backup:
        bak = backup_path(t.path)
        if os.path.isdir(bak) and not os.path.islink(bak):
            raise _refuse(
                p,
                f"its backup name {bak.name} is a folder",
                f"move the folder {bak.name} away, or refresh with --no-backup",
            )
    _check_locks(t.path)
    return t


def _write_bit(folder: Path) -> bool:
    """Whether the folder's mode lets its user write (root is let through by the system
    whatever the mode; a folder made read-only, such as mode 0555, is still refused)."""
    try:
        st = folder.stat()
    except OSError:
        return False
    if os.getuid() != 0:
        return True  # os.access already answered for this user
    return bool(st.st_mode & (stat.S_IWUSR if st.st_uid == 0 else stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def lock_path(path: Path) -> Path:
    """The lock file a refresh holds beside the workbook while it runs."""
    return path.with_name(f".{path.name}.refresh-lock")


@contextmanager
def refresh_lock(t: Target) -> Iterator[Path]:
    """Hold the workbook's refresh lock (:func:`lock_path`, an OS file lock through
    :mod:`filelock`) for the duration: a second refresh of the same workbook is refused
    at once, instead of racing the first. The lock file is removed on release."""
    path = lock_path(t.path)
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise _refuse(
            t.given, "another refresh of this workbook is running", "wait for it to finish, then refresh again"
        ) from None
    except OSError as exc:
        raise _refuse(
            t.given,
            f"cannot create its lock file {path.name} ({exc.strerror or type(exc).__name__})",
            "make the folder writable",
        ) from None
    try:
        fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
        if fd is not None and not _same_file(fd, path):  # the previous holder removed the file before we locked it
            raise _refuse(
                t.given, "another refresh of this workbook is running", "wait for it to finish, then refresh again"
            )
        yield path
    finally:
        try:
            if fd is not None and _same_file(fd, path):
                path.unlink()  # removed while held: a later refresh creates a new one
        except OSError:  # pragma: no cover - left for the next refresh; harmless
            pass
        lock.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _debris(path: Path) -> list[Path]:
    folder, name = path.parent, glob.escape(path.name)
    return [
        Path(x)
        for pattern in (f".{name}.refresh-*.tmp", f".{name}.bak-*.tmp")
        for x in glob.glob(str(folder / pattern))
    ]


def clean_debris(t: Target) -> list[str]:
    """Remove temporary files an interrupted refresh of this workbook left; their names.
    Called while :func:`refresh_lock` is held, so no running refresh owns them."""
    removed = []
    for x in _debris(t.path):
        try:
            if x.is_file() and not x.is_symlink():
                x.unlink()
                removed.append(x.name)
        except OSError:  # pragma: no cover - reported by the next refresh
            pass
    return removed


def _temp(t: Target, kind: str) -> tuple[int, Path]:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{t.path.name}.{kind}-", suffix=".tmp", dir=t.path.parent)
    except OSError as exc:
        raise _refuse(
            t.given,
            f"cannot write beside it ({exc.strerror or type(exc).__name__})",
            "free some space or make the folder writable",
        ) from None
    return fd, Path(name)


def _finish(fd: int, t: Target) -> None:
    """Flush the temporary file to disk with the workbook's mode and owner."""
    os.fchmod(fd, t.mode)
    if os.getuid() == 0 and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != (t.uid, t.gid):
        os.fchown(fd, t.uid, t.gid)
    os.fsync(fd)


def new_file_mode(path: Path) -> int:
    """The mode a file written at ``path`` gets: an existing plain file's own, else the
    default for a new file (0o666 less the umask)."""
    try:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_beside(
    path: Path, write: Callable, *, mode: int | None = None, named_after: Path | None = None, kind: str = "refresh"
):
    """Write ``path`` through a unique temporary file created exclusively in its folder,
    then rename it over ``path``; return what ``write(fileobj)`` returns.

    Nothing that already sits at a fixed temporary name is followed or replaced; a link at
    ``path`` itself is replaced by the new file, never written through; the temporary file
    is removed on every error. It is named after ``named_after`` (default ``path``) and
    ``kind``, like the refresh's own temporary files, so the refresh's debris clean-up of
    that workbook knows one a crash left. ``mode`` defaults to :func:`new_file_mode`.
    """
    t = Target(
        path, named_after or path, new_file_mode(path) if mode is None else mode, os.getuid(), os.getgid(), (0, 0, 0)
    )
    fd, tmp = _temp(t, kind)
    try:
        with os.fdopen(fd, "w+b") as fh:
            value = write(fh)
            fh.flush()
            _finish(fh.fileno(), t)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    return value


def _unchanged(t: Target) -> None:
    """No lock file, and the workbook as it was read (a save by Excel or LibreOffice during
    the refresh is not overwritten)."""
    _check_locks(t.path)
    st = t.path.stat()
    if (st.st_ino, st.st_size, st.st_mtime_ns) != t.stamp:
        raise _refuse(t.given, "changed while it was being refreshed (saved by another program?)", "refresh it again")


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def replace_with_backup(
    t: Target, write: Callable[[IO[bytes]], None], original: bytes, verify: Callable[[Path], None], backup: bool
) -> Path | None:
    """Write the new workbook with ``write(fileobj)``, check it with ``verify(path)``,
    keep ``original`` (the bytes read) as ``NAME.bak`` and rename the new file over the
    workbook, in the order the module docstring gives. Returns the backup path.

    Raises
    ------
    WorkbookFileError
        A lock file appeared, the workbook changed since it was read, or a file-system
        error; the workbook and the previous backup are then as they were.
    """
    made: list[Path] = []
    try:
        fd, tmp = _temp(t, "refresh")
        made.append(tmp)
        checkpoint("temp created")
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            checkpoint("workbook written")
            _finish(fh.fileno(), t)
        verify(tmp)
        checkpoint("workbook verified")
        bak = None
        if backup:
            bak = backup_path(t.path)
            fd, tmp_bak = _temp(t, "bak")
            made.append(tmp_bak)
            with os.fdopen(fd, "wb") as fh:
                fh.write(original)
                fh.flush()
                checkpoint("backup written")
                _finish(fh.fileno(), t)
            if os.path.isdir(bak) and not os.path.islink(bak):
                raise _refuse(
                    t.given,
                    f"its backup name {bak.name} is a folder",
                    f"move the folder {bak.name} away, or refresh with --no-backup",
                )
            _unchanged(t)  # a refusal here leaves the previous backup as it was
            os.replace(tmp_bak, bak)
            made.remove(tmp_bak)
            checkpoint("backup renamed")
        _unchanged(t)
        checkpoint("locks checked")
        os.replace(tmp, t.path)
        made.remove(tmp)
        checkpoint("workbook renamed")
        _sync_folder(t.path.parent)
        return bak
    except OSError as exc:
        raise _refuse(
            t.given,
            f"could not be written ({exc.strerror or type(exc).__name__})",
            "check the free space and the folder's permissions",
        ) from None
    finally:
        for x in made:
            with contextlib.suppress(OSError):  # left for the next refresh to clean
                x.unlink()
