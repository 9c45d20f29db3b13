"""``alfa-xl build-workbook`` and ``alfa-xl refresh``: the outlook workbook without Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("build-workbook")
    def build_workbook_cmd(
        out: Optional[Path] = typer.Option(None, "--out", help="Workbook to write (default: workbook/alfa_outlook.xlsm in the source tree)."),
    ) -> None:
        """Build the outlook workbook (.xlsm) and its same-named Python module, reproducibly."""
        from alfa_xl.book.build import build_workbook

        result = build_workbook(out)
        typer.echo(f"wrote {result.workbook} and {result.module.name} (checks: {result.master})")

    @app.command("refresh")
    def refresh_cmd(
        path: Path = typer.Argument(..., help="The workbook to refresh (.xlsm or .xlsx); Excel must not have it open."),
        backup: bool = typer.Option(True, "--backup/--no-backup", help="Keep the previous file as NAME.bak."),
    ) -> None:
        """Recompute the Scenarios and Risk sheets from the workbook's own Inputs, without Excel.

        Writes out_scenarios, out_risk and the status line out_status. Every part of the
        file other than those two sheets and the defined names is kept byte for byte; on a
        bad input nothing is written (exit code 2).
        """
        from alfa_xl.book.refresh import refresh_workbook

        report = refresh_workbook(path, backup=backup)
        areas = ", ".join(f"{k} = {v}" for k, v in report.areas.items())
        kept = f"; previous version kept as {report.backup.name}" if report.backup else ""
        typer.echo(f"refreshed {path}: {areas} ({len(report.changed_parts)} parts rewritten, {report.unchanged_parts} unchanged){kept}")
        if report.status:
            typer.echo(report.status)
