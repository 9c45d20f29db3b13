"""The ``alfa-xl`` command line (Typer + rich).

Errors in user input (:class:`~alfa_xl.errors.AlfaInputError`) print one line that says
what to fix and exit with code 2, never a traceback.
"""

from __future__ import annotations

import importlib

import typer

from alfa_xl.errors import AlfaInputError

app = typer.Typer(
    name="alfa-xl",
    help="Project Alfa Romeo's yearly sales by model and region and measure the gap to 400,000 a year.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from alfa_xl.cli import facts, outlook, simulate, workbook

    for family in (outlook, facts, workbook, simulate):
        family.register(app)
    from alfa_xl.cli import backtest
    backtest.register(app)


_register()


def _click_errors() -> tuple[type[Exception], ...]:
    """Usage-error classes of the click that Typer runs on (recent Typer vendors its own)."""
    found = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(name).ClickException)
        except ImportError:
            continue
    return tuple(found)


_CLICK_ERRORS = _click_errors()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning input errors into one line and exit code 2."""
    try:
        app(args=argv, prog_name="alfa-xl", standalone_mode=False)
    except AlfaInputError as exc:
        typer.echo(f"alfa-xl: error: {exc}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("alfa-xl: aborted", err=True)
        return 1
    except _CLICK_ERRORS as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # help already printed
            return 2
        typer.echo(f"alfa-xl: error: {exc.format_message()}", err=True)
        return 2
    return 0

