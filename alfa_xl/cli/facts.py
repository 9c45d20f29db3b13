"""``alfa-xl facts``: the sourced facts, and with ``--assumptions`` the lineup's
assumptions ranked by how much each moves the forecast."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from alfa_xl.cli import options
from alfa_xl.cli.common import Format, console, csv_text, progress_bar, records, shown
from alfa_xl.model.defaults import DEFAULT_SEED

if TYPE_CHECKING:  # the engine is loaded when the command runs, not when it is declared
    import pandas as pd
    from rich.console import JustifyMethod

__all__ = ["register", "assumptions_table", "TOP"]

#: Assumptions the table shows without ``--all`` (assumption: what fits on one screen with
#: the reasons folded; the ranking's point is which few matter most).
TOP = 10


def _facts_table(out) -> None:
    from rich.table import Table

    from alfa_xl.model.data.sources import facts

    t = Table(title="Sourced facts", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Key", "left"),
        ("Value", "right"),
        ("Unit", "left"),
        ("As of", "left"),
        ("Source", "left"),
    )
    for col, just in columns:
        t.add_column(col, justify=just, overflow="fold")
    for _, r in facts().iterrows():
        v = float(r["value"])
        text = f"{v:.1%}" if r["unit"] == "share" else (f"{v:.0f}" if r["unit"] == "year" else f"{v:,.0f}")
        t.add_row(shown(r["key"]), text, shown(r["unit"]), shown(r["as_of"]), shown(r["source"]))
    out.print(t)


def assumptions_table(frame: pd.DataFrame, out, top: int | None = None) -> None:
    """Render :func:`~alfa_xl.model.risk.assumptions.rank_assumptions` as a rich table: the
    first ``top`` rows (all when ``None``) and a line saying how to see the rest."""
    from rich.table import Table

    b = frame.attrs["baseline"]
    title = (
        f"Lineup assumptions ranked by their effect on the forecast: base scenario, {b['paths']:,} paths, "
        f"seed {b['seed']}; baseline P50 {b['year']} = {b['p50_year']:,.0f}, "
        f"P50 {b['start_year']}-{b['year']} cumulative = {b['p50_cumulative']:,.0f}"
    )
    t = Table(title=title, title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("Model", "left"),
        ("Assumption", "left"),
        ("Value", "right"),
        ("Moved", "left"),
        (f"P50 {b['year']}", "right"),
        ("Cumulative", "right"),
        ("Reason", "left"),
    )
    for col, just in columns:
        t.add_column(col, justify=just, overflow="fold")
    shown_rows = frame if top is None else frame.head(top)
    for r in shown_rows.itertuples(index=False):
        t.add_row(
            str(r[0]),
            shown(r.Model),
            shown(r.Column),
            shown(r.Value),
            shown(r.Moved),
            f"{r[6]:+,.0f} ({r[7]:+.1%})",
            f"{r[9]:+,.0f} ({r[10]:+.1%})",
            shown(r.Reason),
        )
    out.print(t)
    rest = len(frame) - len(shown_rows)
    if rest > 0:
        out.print(
            f"The top {len(shown_rows)} of {len(frame)} assumptions; "
            f"the other {rest}: alfa-xl facts --assumptions --all"
        )


def register(app: typer.Typer) -> None:
    """Add ``facts`` to the ``alfa-xl`` app."""

    @app.command("facts")
    def facts_cmd(
        fmt: Format = options.output_format(),
        assumptions: bool = typer.Option(
            False,
            "--assumptions",
            help="List the lineup's assumptions ranked by how much each moves the P50 of 2030 and of the "
            "2026-2030 cumulative.",
        ),
        paths: int = typer.Option(4000, "--paths", help="Monte Carlo paths per run for --assumptions."),
        seed: int = typer.Option(
            DEFAULT_SEED, "--seed", help="Seed of every run for --assumptions (the same in each)."
        ),
        every: bool = typer.Option(
            False,
            "--all",
            help=f"With --assumptions: the whole ranking in the table, not only "
            f"the top {TOP} (CSV and JSON always hold it all).",
        ),
    ) -> None:
        """List the sourced facts: key, value, unit, as-of date and source (or, with
        --assumptions, the lineup's assumptions ranked by their effect)."""
        from alfa_xl.book.tables.report import clean
        from alfa_xl.model.data.sources import facts

        if assumptions:
            from alfa_xl.model.risk.assumptions import rank_assumptions

            with progress_bar("ranking assumptions", 1, "runs", fmt) as update:
                table = rank_assumptions(paths=paths, seed=seed, progress=update)
        else:
            table = facts()
        if fmt is Format.json:
            payload: Any = records(table)
            if assumptions:
                payload = {
                    "baseline": {k: clean(v) for k, v in table.attrs["baseline"].items()},
                    "assumptions": payload,
                }
            typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        elif fmt is Format.csv:
            typer.echo(csv_text(table.itertuples(index=False, name=None), [str(c) for c in table.columns]), nl=False)
        elif assumptions:
            assumptions_table(table, console(width=160), top=None if every else TOP)
        else:
            _facts_table(console(width=160))
