"""A Monte Carlo run (:class:`~alfa_xl.model.risk.simulate.Simulation`) as rich tables, JSON or a tidy CSV.

Nothing here draws or computes a path: the figures come from the run and its tornado.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from alfa_xl.book.tables.report import clean
from alfa_xl.cli.common import csv_text, records, shown
from alfa_xl.model.risk.result import Simulation

if TYPE_CHECKING:
    from rich.console import JustifyMethod

__all__ = ["simulation_json", "simulation_csv", "render_simulation", "TIDY_COLUMNS"]

#: Columns of ``alfa-xl simulate --format csv``.
TIDY_COLUMNS = ("section", "year", "item", "value")


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
            "ytd": None if sim.ytd is None else sim.ytd[0],
            "ytd_months": None if sim.ytd is None else sim.ytd[1],
        },
        "what": "what-if: Monte Carlo around the scenario (the calibrated forecast is alfa-xl outlook's)",
        "probability": sim.probability(target, year),
        "probability_precision": _precision(sim, target, year).to_dict(),
        "fan": records(sim.summary(target)),
        "tornado": records(torn),
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def _precision(sim: Simulation, target: float, year: int):
    from alfa_xl.model.risk.tails import mc_probability

    return mc_probability(round(sim.probability(target, year) * sim.paths), sim.paths)


def simulation_csv(sim: Simulation, target: float, year: int, torn: pd.DataFrame) -> str:
    """The run as one tidy CSV with :data:`TIDY_COLUMNS` (sections ``probability``,
    ``fan`` and ``tornado``; for the tornado ``item`` is ``driver|column``). Text that
    would start a spreadsheet formula is written as text (leading ``'``)."""
    rows: list[tuple[Any, ...]] = [("probability", year, f"reach {target:g}", sim.probability(target, year))]
    prec = _precision(sim, target, year)
    rows.append(
        ("probability", year, f"standard error, reach {target:g}", prec.standard_error)
        if prec.standard_error is not None
        else ("probability", year, f"95% upper bound, reach {target:g}", prec.upper_95)
    )
    for _, r in sim.summary(target).iterrows():
        rows.extend(("fan", int(r["Year"]), col, clean(r[col])) for col in r.index if col != "Year")
    for _, r in torn.iterrows():
        rows.extend(("tornado", year, f"{r['Driver']}|{col}", clean(r[col])) for col in torn.columns if col != "Driver")
    return csv_text(rows, TIDY_COLUMNS)


def render_simulation(sim: Simulation, target: float, year: int, torn: pd.DataFrame, console) -> None:
    """Print the run as rich tables: the probability, the fan by year and the tornado."""
    from rich.table import Table

    chance = _precision(sim, target, year).text()
    console.print(
        f"[bold]Alfa Romeo risk, a what-if[/bold]: {sim.paths:,} paths around scenario "
        f"[bold]{shown(sim.scenario.name)}[/bold] "
        f"({shown(sim.scenario.description)}); seed {sim.seed}. The calibrated forecast is alfa-xl outlook's."
    )
    first = int(sim.years[0])
    console.print(
        f"{first} conditioned on {sim.ytd[0]:,.0f} units in {sim.ytd[1]} month(s) to date."
        if sim.ytd is not None
        else f"{first} unconditioned (give --ytd and --ytd-months to condition it on the year to date)."
    )
    console.print(f"Probability of reaching {target:,.0f} in {year}: [bold]{chance}[/bold]")
    console.print()
    t = Table(title="Yearly total across paths (units)", title_justify="left")
    summary = sim.summary(target)
    for col in summary.columns:
        t.add_column(col, justify="right")
    for _, r in summary.iterrows():
        t.add_row(
            str(int(r["Year"])),
            *[f"{v:.1%}" if c == "Probability" else f"{v:,.0f}" for c, v in r.items() if c != "Year"],
        )
    t.caption = (
        "P10/P50/P90: 10th, 50th, 90th percentile of the paths. Scenario: the projection without uncertainty. "
        f"Probability: share of paths at or above {target:,.0f}."
    )
    t.caption_justify = "left"
    console.print(t)
    console.print()
    g = Table(title=f"Tornado: total in {year} with one driver at its P10 and P90 (units)", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Driver", "left"),
        ("Low", "right"),
        ("High", "right"),
        ("Swing", "right"),
        ("Low setting", "left"),
        ("High setting", "left"),
    )
    for col, just in columns:
        g.add_column(col, justify=just)
    for _, r in torn.iterrows():
        g.add_row(
            shown(r["Driver"]),
            f"{r['Low']:,.0f}",
            f"{r['High']:,.0f}",
            f"{r['Swing']:,.0f}",
            shown(r["Low setting"]),
            shown(r["High setting"]),
        )
    if len(torn):
        g.caption = f"Scenario total in {year} with every driver as assumed: {torn['Scenario'].iloc[0]:,.0f}."
        g.caption_justify = "left"
    console.print(g)
