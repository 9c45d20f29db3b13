"""``alfa-xl facts``: the sourced facts, and with ``--assumptions`` the lineup's
assumptions ranked by how much each moves the forecast."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import pandas as pd
import typer

from alfa_xl.model.report import clean
from alfa_xl.model.simulate import DEFAULT_SEED
from alfa_xl.model.sources import facts

__all__ = ["register", "assumptions_table"]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _console():
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped: do not squeeze tables into 80 columns
        console = Console(width=160)
    return console


def _facts_table(console) -> None:
    from rich.table import Table

    t = Table(title="Sourced facts", title_justify="left")
    for col, just in (("Key", "left"), ("Value", "right"), ("Unit", "left"), ("As of", "left"), ("Source", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for _, r in facts().iterrows():
        v = float(r["value"])
        text = f"{v:.1%}" if r["unit"] == "share" else (f"{v:.0f}" if r["unit"] == "year" else f"{v:,.0f}")
        t.add_row(r["key"], text, r["unit"], r["as_of"], r["source"])
    console.print(t)


def assumptions_table(frame: pd.DataFrame, console) -> None:
    """Render :func:`~alfa_xl.model.assumptions.rank_assumptions` as a rich table."""
    from rich.markup import escape
    from rich.table import Table

    b = frame.attrs["baseline"]
    title = (f"Lineup assumptions ranked by their effect on the forecast: base scenario, {b['paths']:,} paths, "
             f"seed {b['seed']}; baseline P50 {b['year']} = {b['p50_year']:,.0f}, "
             f"P50 {b['start_year']}-{b['year']} cumulative = {b['p50_cumulative']:,.0f}")
    t = Table(title=title, title_justify="left")
    for col, just in (("#", "right"), ("Model", "left"), ("Assumption", "left"), ("Value", "right"), ("Moved", "left"),
                      (f"P50 {b['year']}", "right"), ("Cumulative", "right"), ("Reason", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in frame.itertuples(index=False):
        t.add_row(
            str(r[0]), escape(str(r.Model)), escape(str(r.Column)), escape(str(r.Value)), r.Moved,
            f"{r[6]:+,.0f} ({r[7]:+.1%})", f"{r[9]:+,.0f} ({r[10]:+.1%})", escape(str(r.Reason)),
        )
    console.print(t)


def register(app: typer.Typer) -> None:
    """Add ``facts`` to the ``alfa-xl`` app."""

    @app.command("facts")
    def facts_cmd(
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output: table, csv or json.", case_sensitive=False),
        assumptions: bool = typer.Option(False, "--assumptions", help="List the lineup's assumptions ranked by how much each moves the P50 of 2030 and of the 2026-2030 cumulative."),
        paths: int = typer.Option(4000, "--paths", help="Monte Carlo paths per run for --assumptions."),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of every run for --assumptions (the same in each)."),
    ) -> None:
        """List the sourced facts: key, value, unit, as-of date and source (or, with
        --assumptions, the lineup's assumptions ranked by their effect)."""
        if assumptions:
            from alfa_xl.model.assumptions import rank_assumptions

            table = rank_assumptions(paths=paths, seed=seed)
        else:
            table = facts()
        if fmt is Format.json:
            payload: Any = _records(table)
            if assumptions:
                payload = {"baseline": {k: clean(v) for k, v in table.attrs["baseline"].items()}, "assumptions": payload}
            typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        elif fmt is Format.csv:
            typer.echo(table.to_csv(index=False, lineterminator="\n"), nl=False)
        elif assumptions:
            assumptions_table(table, _console())
        else:
            _facts_table(_console())
