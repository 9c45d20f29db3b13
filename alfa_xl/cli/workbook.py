"""``alfa-xl build-workbook`` and ``alfa-xl refresh``: the outlook workbook without Excel.

``build-workbook`` writes only what it owns: a ``.xlsm`` and its same-named macro module
(``NAME.py``), in the current folder unless ``--out`` says otherwise, never inside the
installed package. It refuses to replace either file unless ``--force`` is given, and
then keeps the previous versions as ``NAME.xlsm.bak`` and ``NAME.py.bak`` (each written
through a temporary file and a rename, so a crash leaves the old backup or the new one,
never half a file). It refuses while Excel (``~$NAME``) or LibreOffice
(``.~lock.NAME#``) has the workbook open, even with ``--force``.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import typer

from alfa_xl.book.names import WORKBOOK_NAME
from alfa_xl.cli.common import os_reason, printable
from alfa_xl.errors import AlfaInputError

__all__ = ["register", "check_build_target", "keep_backup", "BuildTarget"]

FIELD = "out"


class BuildTarget:
    """Where ``build-workbook`` writes: the workbook, its module, and what they would replace."""

    def __init__(self, workbook: Path):
        self.workbook = workbook
        self.module = workbook.with_suffix(".py")

    @property
    def existing(self) -> list[Path]:
        """The workbook and module files that are already there (what ``--force`` replaces)."""
        return [p for p in (self.workbook, self.module) if os.path.lexists(p)]


def _installation() -> Path:
    import alfa_xl

    return Path(alfa_xl.__file__).resolve().parent


def check_build_target(out: Path | None, force: bool) -> BuildTarget:
    """Validate ``--out`` before anything is built.

    Raises :class:`~alfa_xl.errors.AlfaInputError` when the name does not end in
    ``.xlsm``, names a folder, lies inside the installed package, when the workbook is
    open (a lock file is beside it), when the workbook or module is not a regular file,
    or when either exists and ``force`` is false.
    """
    from alfa_xl.book.replace import backup_path, lock_files

    path = Path.cwd() / WORKBOOK_NAME if out is None else Path(out)
    shown = str(path)
    if path.suffix.lower() != ".xlsm":
        raise AlfaInputError(
            FIELD, shown, "give a workbook name ending in .xlsm (the macros need it)", "not a .xlsm file"
        )
    if path.is_dir():
        raise AlfaInputError(FIELD, shown, "give a file name ending in .xlsm, not a folder", "is a folder")
    target = BuildTarget(path)
    parent = path.parent.resolve()
    install = _installation()
    if parent == install or install in parent.parents:
        raise AlfaInputError(
            FIELD,
            shown,
            "write the workbook into your own folder (the default is the current folder)",
            "inside the alfa_xl installation",
        )
    for lock in lock_files(path):
        if os.path.lexists(lock):
            raise AlfaInputError(
                FIELD,
                shown,
                f"close it first (lock file {lock.name} found), then build again",
                "open in Excel or LibreOffice",
            )
    for p in target.existing:
        if p.is_symlink() or not p.is_file():
            raise AlfaInputError(
                FIELD, str(p), "move it away or choose another --out", "exists and is not a plain file"
            )
    if target.existing and not force:
        names = " and ".join(p.name for p in target.existing)
        raise AlfaInputError(
            FIELD,
            shown,
            f"choose another --out, or add --force to replace {names} (the old files are kept as .bak)",
            f"would replace {names}",
        )
    for p in target.existing:
        bak = backup_path(p)
        if os.path.lexists(bak) and (bak.is_symlink() or not bak.is_file()):
            raise AlfaInputError(
                FIELD, str(bak), "move it away, then build again", "backup name taken by a folder or a link"
            )
    if not path.parent.exists():
        return target  # the build creates the folder
    if not os.access(path.parent, os.W_OK):
        raise AlfaInputError(FIELD, shown, "choose a folder you can write to", "folder not writable")
    return target


def keep_backup(path: Path) -> Path:
    """Copy ``path`` to ``NAME.bak`` through a temporary file and a rename; return the backup.

    A crash leaves either the previous backup or the new one complete, and no partial
    ``.bak``; the temporary file is removed on any failure.
    """
    from alfa_xl.book.replace import backup_path, write_beside

    bak = backup_path(path)

    def copy(fh) -> None:
        with open(path, "rb") as src:
            shutil.copyfileobj(src, fh)

    write_beside(bak, copy, mode=stat.S_IMODE(os.stat(path).st_mode), named_after=path, kind="bak")
    return bak


def register(app: typer.Typer) -> None:
    """Add ``build-workbook`` and ``refresh`` to the ``alfa-xl`` app."""

    @app.command("build-workbook")
    def build_workbook_cmd(
        out: Path | None = typer.Option(
            None, "--out", help=f"Workbook to write, ending in .xlsm (default: ./{WORKBOOK_NAME})."
        ),
        force: bool = typer.Option(
            False, "--force", help="Replace an existing workbook and module, keeping each as NAME.bak."
        ),
    ) -> None:
        """Build the outlook workbook (.xlsm) and its same-named Python module, reproducibly."""
        from xlsxwriter.exceptions import FileCreateError

        from alfa_xl.book.build import build_workbook

        target = check_build_target(out, force)
        backups = [keep_backup(p) for p in target.existing]
        try:
            result = build_workbook(target.workbook)
        except (OSError, FileCreateError) as exc:  # XlsxWriter wraps the OSError of its output file
            cause = exc if isinstance(exc, OSError) else (exc.args[0] if exc.args else None)
            why = os_reason(cause) if isinstance(cause, OSError) else str(exc).lower()
            raise AlfaInputError(
                FIELD, str(target.workbook), "choose a folder you can write to", f"cannot write ({why})"
            ) from None
        kept = f"; previous versions kept as {', '.join(b.name for b in backups)}" if backups else ""
        typer.echo(printable(f"wrote {result.workbook} and {result.module.name} (checks: {result.master}){kept}"))

    @app.command("refresh")
    def refresh_cmd(
        path: Path = typer.Argument(..., help="The workbook to refresh (.xlsm or .xlsx); Excel must not have it open."),
        backup: bool = typer.Option(True, "--backup/--no-backup", help="Keep the previous file as NAME.bak."),
    ) -> None:
        """Recompute the refresh-owned areas from the workbook's Inputs, without Excel.

        Writes four areas: out_scenarios (Scenarios sheet, with the status
        line out_status), out_risk (Risk), out_track (Track record) and
        out_forecast (the Cover's forecast). Every other part of the file is
        kept byte for byte; on a bad input nothing is written (exit code 2).
        """
        from alfa_xl.book.replace import check_target
        from alfa_xl.book.xlsx import check_file_size

        check_file_size(check_target(path, backup).path)  # before the engine is loaded: a refusal costs little
        from alfa_xl.book.refresh import refresh_workbook

        try:
            report = refresh_workbook(path, backup=backup)
        except OSError as exc:
            raise AlfaInputError(
                "workbook file",
                str(path),
                "refresh a copy in a folder you can write to",
                f"cannot read or write it and its backup ({os_reason(exc)})",
            ) from None
        if report.cleaned:
            n = len(report.cleaned)
            typer.echo(
                printable(
                    f"removed {n} temporary file{'' if n == 1 else 's'} left by an interrupted refresh: "
                    f"{', '.join(report.cleaned)}"
                )
            )
        if not report.changed_parts:
            typer.echo(printable(f"{path} is already up to date: nothing written"))
        else:
            areas = ", ".join(f"{k} = {v}" for k, v in report.areas.items())
            kept = f"; previous version kept as {report.backup.name}" if report.backup else ""
            typer.echo(
                printable(
                    f"refreshed {path}: {areas} ({len(report.changed_parts)} parts rewritten, "
                    f"{report.unchanged_parts} unchanged){kept}"
                )
            )
        if report.status:
            typer.echo(printable(report.status))
