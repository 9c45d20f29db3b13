"""``alfa-xl simulate``: probability of reaching the target, percentile fan and tornado.

The command draws paths around a scenario with :func:`alfa_xl.model.simulate.simulate`, prints
the probability of reaching the target in one year, the P10/P50/P90 fan by year and the
tornado of that year, as rich tables, a tidy CSV or JSON (like ``outlook``), and can draw
the fan chart into a PNG. Long runs show a progress bar on the terminal (stderr).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import typer

from alfa_xl.errors import HorizonError
from alfa_xl.model.gap import DEFAULT_TARGET
from alfa_xl.model.lineup import load_lineup
from alfa_xl.model.projection import MAX_END, MIN_START, default_horizon
from alfa_xl.model.report import clean
from alfa_xl.model.scenarios import BUILTIN
from alfa_xl.model.simulate import DEFAULT_PATHS, DEFAULT_SEED, Simulation, check_paths, check_seed, check_target, simulate, tornado
from alfa_xl.cli.plotting import check_plot_path
from alfa_xl.cli.outlook import Format, _console, resolve_scenario

__all__ = ["register", "simulation_json", "simulation_csv", "PROGRESS_FROM", "TIDY_COLUMNS"]

#: Runs of at least this many paths show a progress bar on a terminal.
PROGRESS_FROM = 200_000
#: Columns of ``alfa-xl simulate --format csv``.
TIDY_COLUMNS = ("section", "year", "item", "value")
def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def simulation_json(sim: Simulation, target: float, year: int, torn: pd.DataFrame) -> str:
    """The run as JSON: inputs, the probability in ``year``, the fan by year, the tornado."""
    doc = {
        "inputs": {
            "scenario": sim.scenario.name,
            "start_year": int(sim.years[0]),
            "end_year": int(sim.years[-1]),
            "paths": sim.paths,
            "seed": sim.seed,
            "target": target,
            "year": year,
            "uncertainty": {k: float(v) for k, v in sim.uncertainty.to_frame().itertuples(index=False, name=None)},
        },
        "probability": sim.probability(target, year),
        "fan": _records(sim.summary(target)),
        "tornado": _records(torn),
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def simulation_csv(sim: Simulation, target: float, year: int, torn: pd.DataFrame) -> str:
    """The run as one tidy CSV with :data:`TIDY_COLUMNS` (sections ``probability``,
    ``fan`` and ``tornado``; for the tornado ``item`` is ``driver|column``)."""
    rows: list[tuple[Any, ...]] = [("probability", year, f"reach {target:g}", sim.probability(target, year))]
    for _, r in sim.summary(target).iterrows():
        rows.extend(("fan", int(r["Year"]), col, clean(r[col])) for col in r.index if col != "Year")
    for _, r in torn.iterrows():
        rows.extend(("tornado", year, f"{r['Driver']}|{col}", clean(r[col])) for col in torn.columns if col != "Driver")
    buf = io.StringIO()
    pd.DataFrame(rows, columns=list(TIDY_COLUMNS)).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _render(sim: Simulation, target: float, year: int, torn: pd.DataFrame, console) -> None:
    from rich.table import Table

    chance = sim.probability(target, year)
    console.print(
        f"[bold]Alfa Romeo risk[/bold]: {sim.paths:,} paths around scenario [bold]{sim.scenario.name}[/bold] "
        f"({sim.scenario.description}); seed {sim.seed}."
    )
    console.print(f"Probability of reaching {target:,.0f} in {year}: [bold]{chance:.1%}[/bold]")
    console.print()
    t = Table(title="Yearly total across paths (units)", title_justify="left")
    summary = sim.summary(target)
    for col in summary.columns:
        t.add_column(col, justify="right")
    for _, r in summary.iterrows():
        t.add_row(str(int(r["Year"])), *[f"{v:.1%}" if c == "Probability" else f"{v:,.0f}"
                                         for c, v in r.items() if c != "Year"])
    t.caption = ("P10/P50/P90: 10th, 50th, 90th percentile of the paths. Scenario: the projection without uncertainty. "
                 f"Probability: share of paths at or above {target:,.0f}.")
    t.caption_justify = "left"
    console.print(t)
    console.print()
    g = Table(title=f"Tornado: total in {year} with one driver at its P10 and P90 (units)", title_justify="left")
    for col, just in (("Driver", "left"), ("Low", "right"), ("High", "right"), ("Swing", "right"),
                      ("Low setting", "left"), ("High setting", "left")):
        g.add_column(col, justify=just)
    for _, r in torn.iterrows():
        g.add_row(str(r["Driver"]), f"{r['Low']:,.0f}", f"{r['High']:,.0f}", f"{r['Swing']:,.0f}",
                  str(r["Low setting"]), str(r["High setting"]))
    if len(torn):
        g.caption = f"Scenario total in {year} with every driver as assumed: {torn['Scenario'].iloc[0]:,.0f}."
        g.caption_justify = "left"
    console.print(g)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``alfa-xl`` app."""
    @app.command("simulate")
    def simulate_cmd(
        paths: int = typer.Option(DEFAULT_PATHS, "--paths", "-n", help="Number of simulated paths (1 to 1,000,000)."),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the random streams (same seed, same result)."),
        year: int | None = typer.Option(None, "--year", help="Year of the probability and the tornado (default: the end year)."),
        target: float = typer.Option(DEFAULT_TARGET, "--target", help="Target in units a year."),
        scenario: str = typer.Option("base", "--scenario", "-s",
                                     help=f"Built-in scenario ({', '.join(BUILTIN)}) or a CSV of parameter,value pairs."),
        start: int | None = typer.Option(None, "--start", help="First projection year (default: the year after the latest actual)."),
        end: int | None = typer.Option(None, "--end", help="Last projection year (default 2030)."),
        lineup: str | None = typer.Option(None, "--lineup", help="Lineup CSV (columns as alfa_xl/data/lineup.csv)."),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output: table, csv or json.", case_sensitive=False),
        plot: str | None = typer.Option(None, "--plot", help="Also draw the fan chart (P10/P50/P90, history, target) into FILE.png."),
    ) -> None:
        """Probability of reaching the target, percentile fan by year and tornado, by Monte Carlo."""
        n = check_paths(paths)
        sd = check_seed(seed)
        tgt = check_target(target)
        plot_path = check_plot_path(plot) if plot is not None else None
        sc = resolve_scenario(scenario)
        lu = load_lineup(lineup) if lineup is not None else None
        if end is None and year is not None:  # a later year stretches the default horizon
            if not MIN_START <= year <= MAX_END:
                raise HorizonError("year", year, f"give a year between {MIN_START} and {MAX_END}", "outside the supported years")
            end = max(year, default_horizon()[1])
        console = _console()
        bar = None
        if n >= PROGRESS_FROM:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            err = Console(stderr=True)
            if err.is_terminal:
                bar = Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} paths"),
                               TimeElapsedColumn(), console=err, transient=True)
        if bar is not None:
            task = bar.add_task("paths", total=n)
            with bar:
                sim = simulate(lu, sc, start, end, n, sd, progress=lambda done, total: bar.update(task, completed=done))
        else:
            sim = simulate(lu, sc, start, end, n, sd)
        yr = int(sim.years[-1]) if year is None else year
        sim.probability(tgt, yr)  # validates the year before anything is printed
        torn = tornado(yr, sc, lu)
        if plot_path is not None:
            from alfa_xl.cli.plotting import plot_fan

            plot_fan(plot_path, sim, tgt, yr)
        if fmt is Format.json:
            typer.echo(simulation_json(sim, tgt, yr, torn))
        elif fmt is Format.csv:
            typer.echo(simulation_csv(sim, tgt, yr, torn), nl=False)
        else:
            _render(sim, tgt, yr, torn, console)
            if plot_path is not None:
                console.print(f"Chart written to {plot_path}")
