"""``alfa-xl outlook`` and ``alfa-xl facts`` (first version; options to be completed)."""

from __future__ import annotations

import typer
from rich.console import Console

from ..gap import gap_table
from ..projection import project
from ..sources import facts


def register(app: typer.Typer) -> None:
    @app.command()
    def outlook(scenario: str = typer.Option("base", help="Built-in scenario name.")) -> None:
        """The base projection by model, the scenarios for 2030 and the gap to 400,000."""
        console = Console()
        proj = project(scenario=scenario)
        console.print(proj.by_model().round(0).to_string())
        console.print(gap_table(proj).to_string())

    @app.command("facts")
    def facts_cmd() -> None:
        """List the sourced facts (value, unit, as-of date and source)."""
        Console().print(facts().to_string())
