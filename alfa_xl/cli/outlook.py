"""``alfa-xl outlook``: the main job.

``outlook`` answers, for one scenario and horizon: units by model and year; every
built-in scenario side by side in the end year against the target; the gap metrics
year by year; and what it would take to close the gap (a multiplier on the new models'
peaks, or a number of extra Junior-like launches). The same content comes out as rich
tables, a tidy CSV or JSON.

The assembly (:func:`build_outlook`) is separate from the rendering so that tests and
other front ends can use it.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.gap import DEFAULT_TARGET, gap_table, reference_peak, required_extra_launches, required_peak_multiplier
from alfa_xl.model.lineup import Lineup, default_lineup, load_lineup
from alfa_xl.model.projection import Projection, default_horizon, project
from alfa_xl.model.report import clean, compare_scenarios
from alfa_xl.model.scenarios import BUILTIN, Scenario, get_scenario, load_scenario
from alfa_xl.model.sources import history, latest_actual

__all__ = ["Outlook", "build_outlook", "resolve_scenario", "outlook_csv", "outlook_json", "register", "TIDY_COLUMNS"]

#: Columns of the tidy CSV written by ``alfa-xl outlook --format csv``.
TIDY_COLUMNS = ("section", "scenario", "year", "item", "value")
#: The seed article's guess of how many more Junior-like models 400,000 needs.
SEED_GUESS = 3


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def resolve_scenario(value: str | None) -> Scenario:
    """A built-in scenario by name, or a scenario CSV (parameter,value) by path.

    A value ending in ``.csv`` or naming an existing file is read with
    :func:`~alfa_xl.model.scenarios.load_scenario` (on top of ``base``); anything else must be
    a built-in name.
    """
    if value is None:
        return get_scenario("base")
    text = str(value).strip()
    if text.lower().endswith(".csv") or Path(text).is_file():
        return load_scenario(text)
    return get_scenario(text)


@dataclass(frozen=True)
class Outlook:
    """Everything ``alfa-xl outlook`` shows, computed and validated up front.

    Attributes
    ----------
    scenario : Scenario
    lineup_label : str
        ``"default"`` or the lineup file given.
    projection : Projection
        The chosen scenario over the horizon.
    target : float
        Units a year.
    compare_year : int
        The year the scenarios are compared in (the end year).
    compare : DataFrame
        :func:`~alfa_xl.model.report.compare_scenarios` for every built-in scenario (and the
        chosen one when it is not built in).
    gap : DataFrame
        :func:`~alfa_xl.model.gap.gap_table` of the chosen scenario.
    takes : dict
        What it takes to reach the target in ``compare_year`` (see :func:`build_outlook`).
    """

    scenario: Scenario
    lineup_label: str
    projection: Projection
    target: float
    compare_year: int
    compare: pd.DataFrame
    gap: pd.DataFrame
    takes: dict[str, Any]

    @property
    def by_model(self) -> pd.DataFrame:
        """Units by year and model, plus ``Total`` (index ``Year``)."""
        return self.projection.by_model()


def _reference_name(lineup: Lineup) -> str:
    try:
        return lineup.resolve("Junior")
    except KeyError:
        peak = reference_peak(lineup)
        return next(m.model for m in lineup if m.peak_units == peak)


def build_outlook(
    scenario: Scenario | str = "base",
    start_year: int | None = None,
    end_year: int | None = None,
    target: float = DEFAULT_TARGET,
    lineup: Lineup | None = None,
    lineup_label: str = "default",
) -> Outlook:
    """Compute everything the outlook shows (raises the engine's input errors first).

    ``takes`` holds, for the end year: ``projection`` and ``gap`` (units),
    ``first_year_at_target`` (searched to 2040, ``None`` if never),
    ``peak_multiplier`` (on every planned model's peak; ``None`` when no planned model
    sells that year), ``extra_launches`` (fractional number of extra models like
    ``reference`` launched the year before, so at their peak), ``extra_launches_needed``
    (that number rounded up), ``units_per_extra_launch`` and ``with_seed_guess`` (the
    total with the seed article's three more Junior-like models).
    """
    sc = get_scenario(scenario)
    lu = default_lineup() if lineup is None else lineup
    d_start, d_end = default_horizon()
    start = d_start if start_year is None else start_year
    end = d_end if end_year is None else end_year
    proj = project(lu, sc, start, end)  # validates the horizon and the scenario's models
    tgt = float(target)
    gap = gap_table(proj, tgt)
    year = int(proj.years[-1])

    scenarios: list[Scenario] = list(BUILTIN.values())
    if sc not in scenarios:
        scenarios.append(sc)
    compare = compare_scenarios(year, tgt, lu, scenarios)
    compare.insert(1, "Description", [s.description for s in scenarios])
    own = compare[compare["Scenario"] == sc.name].iloc[-1]

    total = proj.total(year)
    shortfall = tgt - total
    multiplier = required_peak_multiplier(year, tgt, lu, sc)
    extra = required_extra_launches(year, tgt, lu, sc)
    per_launch = shortfall / extra if extra not in (None, 0) else None
    takes = {
        "year": year,
        "projection": total,
        "target": tgt,
        "gap": shortfall,
        "first_year_at_target": own["First year at target"],
        "peak_multiplier": multiplier,
        "reference_model": _reference_name(lu),
        "extra_launch_year": year - 1,
        "extra_launches": extra,
        "extra_launches_needed": None if extra is None else int(math.ceil(extra - 1e-9)),
        "units_per_extra_launch": per_launch,
        "seed_guess": SEED_GUESS,
        "with_seed_guess": None if per_launch is None else total + SEED_GUESS * per_launch,
    }
    return Outlook(sc, lineup_label, proj, tgt, year, compare, gap, takes)


# -- machine-readable output ------------------------------------------------------------
def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def outlook_json(o: Outlook) -> str:
    """The outlook as a JSON document (NaN and infinity written as ``null``)."""
    base_year, base_units = latest_actual()
    doc = {
        "inputs": {
            "scenario": o.scenario.name,
            "scenario_description": o.scenario.description,
            "start_year": int(o.projection.years[0]),
            "end_year": int(o.projection.years[-1]),
            "target": o.target,
            "compare_year": o.compare_year,
            "lineup": o.lineup_label,
            "latest_actual": {"year": base_year, "units": base_units},
        },
        "history": [{"Year": int(y), "Actual": clean(v)} for y, v in history().set_index("year")["units"].items()],
        "projection": _records(o.by_model.reset_index()),
        "by_region": _records(o.projection.by_region().reset_index()),
        "compare": _records(o.compare),
        "gap": _records(o.gap),
        "what_it_takes": {k: clean(v) for k, v in o.takes.items()},
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def outlook_csv(o: Outlook) -> str:
    """The outlook as one tidy CSV with :data:`TIDY_COLUMNS`.

    ``section`` is ``history`` (sourced worldwide sales, scenario ``actual``),
    ``projection``, ``by_region``, ``compare``, ``gap`` or ``what_it_takes``; ``item`` is a model, region or metric name; ``value`` is always a
    number, empty for "none" (not reached, not applicable). The reference model of the
    Junior-equivalents appears as the item ``reference:NAME`` with its peak as value.
    """
    name = o.scenario.name
    rows: list[tuple[Any, ...]] = [("history", "actual", int(y), "Actual", clean(v))
                                   for y, v in history().set_index("year")["units"].items()]
    for section, frame in (("projection", o.by_model), ("by_region", o.projection.by_region())):
        for year, row in frame.iterrows():
            rows.extend((section, name, int(year), item, clean(v)) for item, v in row.items())
    for _, row in o.compare.iterrows():
        rows.extend(("compare", row["Scenario"], o.compare_year, col, clean(row[col]))
                    for col in o.compare.columns if col not in ("Scenario", "Description"))
    for _, row in o.gap.iterrows():
        rows.extend(("gap", name, int(row["Year"]), col, clean(row[col])) for col in o.gap.columns if col != "Year")
    for k, v in o.takes.items():
        if k == "reference_model":  # text: carried in the item name, with the model's peak as the value
            rows.append(("what_it_takes", name, o.compare_year, f"reference:{v}", reference_peak(o.projection.lineup, v)))
        elif k != "year":
            rows.append(("what_it_takes", name, o.compare_year, k, clean(v)))
    buf = io.StringIO()
    pd.DataFrame(rows, columns=list(TIDY_COLUMNS)).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


# -- terminal tables ----------------------------------------------------------------------
def _units(v: Any) -> str:
    v = clean(v)
    return "-" if v is None else ("0" if abs(v) < 0.5 else f"{v:,.0f}")


def _pct(v: Any) -> str:
    v = clean(v)
    return "-" if v is None else f"{v:.1%}"


def _render(o: Outlook, console) -> None:
    from rich.table import Table

    base_year, base_units = latest_actual()
    years = [int(y) for y in o.projection.years]
    by_model = o.by_model
    name = o.scenario.name
    console.print(
        f"[bold]Alfa Romeo outlook[/bold]: scenario [bold]{name}[/bold] ({o.scenario.description}); "
        f"{years[0]}-{years[-1]}; target {o.target:,.0f} a year; lineup {o.lineup_label}. "
        f"Latest actual: {base_units:,.0f} in {base_year}."
    )
    console.print()

    width = max(len(m) for m in o.projection.lineup.names) + 4
    per_table = max(3, (console.width - width) // 10)  # long horizons: several tables side by side in time
    for i in range(0, len(years), per_table):
        chunk = years[i:i + per_table]
        part = "" if len(chunk) == len(years) else f" ({chunk[0]}-{chunk[-1]})"
        t = Table(title=f"Units by model, scenario {name}{part}", title_justify="left", show_footer=True)
        t.add_column("Model", footer="Total", no_wrap=True)
        for y in chunk:
            t.add_column(str(y), justify="right", footer=_units(by_model.at[y, "Total"]), no_wrap=True)
        for model in o.projection.lineup.names:
            t.add_row(model, *[_units(by_model.at[y, model]) for y in chunk])
        console.print(t)
    console.print()

    c = Table(title=f"Scenarios in {o.compare_year} against {o.target:,.0f}", title_justify="left")
    for col, just in (("Scenario", "left"), ("Total", "right"), ("Gap", "right"), ("Share", "right"),
                      ("At target", "right"), ("What it assumes", "left")):
        c.add_column(col, justify=just)
    for _, r in o.compare.iterrows():
        first = clean(r["First year at target"])
        c.add_row(str(r["Scenario"]), _units(r["Total"]), _units(r["Gap"]), _pct(r["Share of target"]),
                  str(int(first)) if first is not None else "never", str(r["Description"]),
                  style="bold" if r["Scenario"] == name else None)
    c.caption = "At target: first year the scenario reaches the target, searched to 2040. Gap = target - total."
    c.caption_justify = "left"
    console.print(c)
    console.print()

    g = Table(title=f"Gap to {o.target:,.0f}, scenario {name}", title_justify="left")
    for col in ("Year", "Projection", "Gap", "Share", "Growth needed", "Years at own pace", "Junior-eq."):
        g.add_column(col, justify="right")
    for _, r in o.gap.iterrows():
        own = clean(r["Years to target"])
        ahead = int(r["Year"]) > base_year
        g.add_row(str(int(r["Year"])), _units(r["Projection"]), _units(r["Gap"]), _pct(r["Share of target"]),
                  _pct(r["Growth required"]), ("never" if ahead else "-") if own is None else f"{own:.1f}",
                  f"{r['Junior-equivalents']:.1f}")
    g.caption = (f"Growth needed: yearly growth from {base_year}'s {base_units:,.0f} to hit the target in that year. "
                 f"Years at own pace: years from {base_year} to the target at the scenario's growth up to that year. "
                 f"Junior-eq.: gap / peak yearly units of {_reference_name(o.projection.lineup)}.")
    g.caption_justify = "left"
    console.print(g)
    console.print()

    k = o.takes
    w = Table(title=f"What it takes to reach {o.target:,.0f} in {k['year']}, scenario {name}", title_justify="left",
              show_header=False)
    w.add_column("", style="bold")
    w.add_column("", justify="right")
    w.add_row("Projected total", _units(k["projection"]))
    w.add_row("Gap", _units(k["gap"]))
    w.add_row("First year at target (to 2040)", "never" if k["first_year_at_target"] is None else str(k["first_year_at_target"]))
    m = k["peak_multiplier"]
    w.add_row("Or: every new model's peak multiplied by", "no new model sells" if m is None else f"x {m:.2f}")
    ref = k["reference_model"]
    if k["extra_launches"] is None:
        w.add_row(f"Or: extra {ref}-like launches", "an extra launch sells nothing that year")
    else:
        w.add_row(f"Or: extra {ref}-like launches in {k['extra_launch_year']}",
                  f"{k['extra_launches']:.2f} -> {k['extra_launches_needed']} models")
    if k["with_seed_guess"] is not None:
        w.add_row(f"With {k['seed_guess']} more {ref}-like models (the seed article's 'two, if not three')",
                  f"{_units(k['with_seed_guess'])} ({k['with_seed_guess'] / o.target:.0%} of target)")
    console.print(w)


def _console():
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped: do not squeeze tables into 80 columns
        console = Console(width=120)
    return console


def register(app: typer.Typer) -> None:
    """Add ``outlook`` to the ``alfa-xl`` app."""

    @app.command()
    def outlook(
        scenario: str = typer.Option("base", "--scenario", "-s",
                                     help=f"Built-in scenario ({', '.join(BUILTIN)}) or a CSV of parameter,value pairs."),
        start: int | None = typer.Option(None, "--start", help="First projection year (default: the year after the latest actual)."),
        end: int | None = typer.Option(None, "--end", help="Last projection year, also the comparison year (default 2030)."),
        target: float = typer.Option(DEFAULT_TARGET, "--target", help="Target in units a year."),
        lineup: str | None = typer.Option(None, "--lineup", help="Lineup CSV (columns as alfa_xl/data/lineup.csv)."),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output: table, csv or json.", case_sensitive=False),
        plot: str | None = typer.Option(None, "--plot", help="Also draw history, scenario lines and the target into FILE.png."),
    ) -> None:
        """Project sales by model, compare the scenarios against the target and show what it takes."""
        if not math.isfinite(target) or target <= 0:
            raise AlfaInputError("target", target, "give the target in units a year, above 0 (for example 400000)",
                                 "must be a number above 0")
        plot_path = None
        if plot is not None:
            from alfa_xl.cli.plotting import check_plot_path

            plot_path = check_plot_path(plot)
        sc = resolve_scenario(scenario)
        lu = load_lineup(lineup) if lineup is not None else None
        result = build_outlook(sc, start, end, target, lu, lineup or "default")
        if plot_path is not None:
            from alfa_xl.cli.plotting import plot_outlook

            lines = {s: project(lu, s, result.projection.years[0], result.projection.years[-1]) for s in BUILTIN}
            lines[result.scenario.name] = result.projection
            plot_outlook(plot_path, lines, target, history(), highlight=result.scenario.name,
                         title=f"Alfa Romeo yearly sales against {target:,.0f}: history and scenarios")
        if fmt is Format.json:
            typer.echo(outlook_json(result))
        elif fmt is Format.csv:
            typer.echo(outlook_csv(result), nl=False)
        else:
            console = _console()
            _render(result, console)
            if plot_path is not None:
                console.print(f"Chart written to {plot_path}")
