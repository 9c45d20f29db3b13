"""The options more than one command declares, each written once (``--scenario``, ``--lineup``, ``--format``,
``--target``, the ``--ytd`` trio, ...): a command lists ``lineup: str | None = options.lineup()`` and gets the
same name, default and help text as every other command that takes it."""

from __future__ import annotations

from typing import Any

import typer

from alfa_xl.cli.common import Format
from alfa_xl.model.defaults import DEFAULT_TARGET, SCENARIO_NAMES

__all__ = ["scenario", "start", "lineup", "output_format", "plot", "target", "ytd", "ytd_months", "ytd_override"]


def scenario() -> Any:
    """``--scenario``/``-s``: a built-in scenario by name or a scenario CSV (read by ``common.resolve_scenario``)."""
    return typer.Option(
        "base",
        "--scenario",
        "-s",
        help=f"Built-in scenario ({', '.join(SCENARIO_NAMES)}) or a CSV of parameter,value pairs.",
    )


def start() -> Any:
    """``--start``: the first projection year, ``None`` for the engine's default."""
    return typer.Option(None, "--start", help="First projection year (default: the year after the latest actual).")


def lineup() -> Any:
    """``--lineup``: a lineup CSV, ``None`` for the default lineup (read by ``common.read_lineup``)."""
    return typer.Option(None, "--lineup", help="Lineup CSV (columns as alfa_xl/model/data/lineup.csv).")


def output_format() -> Any:
    """``--format``/``-f`` of every command that prints results (:class:`~alfa_xl.cli.common.Format`)."""
    return typer.Option(Format.table, "--format", "-f", help="Output: table, csv or json.", case_sensitive=False)


def plot(what: str) -> Any:
    """``--plot FILE.png``; ``what`` is the help text, which says what the command draws."""
    return typer.Option(None, "--plot", help=what)


def target() -> Any:
    """``--target``: text read by the validator the worksheet cells use (``400000``, ``400,000``, ``400 000`` and
    ``4e5`` are 400,000; ``400.000`` is refused as ambiguous, as in a cell), so the command line takes whatever a
    cell takes."""
    return typer.Option(
        f"{DEFAULT_TARGET:.0f}",
        "--target",
        metavar="UNITS",
        help="Target in units a year (400000 or 400,000; a dot is a decimal mark, so 400.000 is refused).",
    )


def ytd() -> Any:
    """``--ytd``: worldwide units sold so far this year (read with ``--ytd-months`` by ``common.check_ytd``)."""
    return typer.Option(None, "--ytd", help="Worldwide units sold so far this year (with --ytd-months).")


def ytd_months() -> Any:
    """``--ytd-months``: the months the ``--ytd`` units cover."""
    return typer.Option(None, "--ytd-months", help="Months the --ytd units cover, 1 to 12.")


def ytd_override() -> Any:
    """``--ytd-override``: take ``--ytd`` past the pace check of ``common.check_ytd``."""
    return typer.Option(
        False,
        "--ytd-override",
        help="Use --ytd even if it implies a full year further from last year's than any yearly change in the history.",
    )
