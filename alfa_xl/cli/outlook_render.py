"""The :class:`~alfa_xl.cli.outlook_result.Outlook` as rich tables, JSON or a tidy CSV.

Nothing here computes a number: every figure comes from the result object, so the three
formats always agree. Text that came from the user goes through
:func:`~alfa_xl.cli.common.shown` (terminal) or :func:`~alfa_xl.cli.common.csv_text` (CSV).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from alfa_xl.book.tables.report import clean
from alfa_xl.cli.common import csv_text, records, shown
from alfa_xl.cli.outlook_result import Outlook

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import JustifyMethod

__all__ = ["outlook_json", "outlook_csv", "render_outlook", "TIDY_COLUMNS"]

#: Columns of the tidy CSV written by ``alfa-xl outlook --format csv``.
TIDY_COLUMNS = ("section", "scenario", "year", "item", "value")


def _bridge(o: Outlook) -> pd.DataFrame:
    """The forecast's bridge (``build_outlook`` always sets it)."""
    b = o.forecast.bridge
    if b is None:
        raise ValueError("outlook: the forecast has no bridge; build the outlook with build_outlook")
    return b


def _history_rows(o: Outlook) -> list[tuple[int, Any]]:
    return [(int(y), clean(v)) for y, v in zip(o.history["year"], o.history["units"])]


def _forecast_doc(o: Outlook) -> dict[str, Any]:
    h = o.forecast
    a, b = h.cumulative_years
    return {
        "what": "calibrated forecast: the headline of the rolling backtest (headline_method) on the paths of the "
        "structural recipe the backtests scored",
        "recipe": h.recipe,
        "headline_method": h.method,
        "headline_choice": h.choice,
        "paths": h.paths,
        "seed": h.seed,
        "conditioned_on_ytd": h.conditioned,
        "ytd": h.ytd,
        "ytd_months": h.ytd_months,
        "years": [
            {"Year": y, "P10": lo, "P50": mid, "P90": hi} for y, lo, mid, hi in zip(h.years, h.p10, h.p50, h.p90)
        ],
        "cumulative": {
            "first_year": a,
            "last_year": b,
            "P10": h.cumulative[0],
            "P50": h.cumulative[1],
            "P90": h.cumulative[2],
        },
        "probability_of_target_by": {str(y): t.to_dict() for y, t in h.tails},
        "target": h.target,
        "plan_route": {
            "what": "every planned model built, on its stated date, at least at its stated peak; the models reported "
            "cancelled brought back",
            "probability": h.plan_route,
            "method": "quadrature over the common factor (no Monte Carlo error)",
            "probability_with_target_by": {str(y): t.to_dict() for y, t in h.route_tails},
        },
        "check_of_the_whole": h.check,
        "bridge": _bridge_doc(o),
    }


def _bridge_doc(o: Outlook) -> dict[str, Any]:
    h = o.forecast
    b = _bridge(o)
    return {
        "basis": h.bridge_basis,
        "last_actual": {"year": b.attrs["base_year"], "units": b.attrs["base_units"]},
        "central_case": {str(y): v for y, v in b.attrs["central"].items()},
        "changes": [
            {"model": m, "year": int(y), "change": float(c)} for m, y, c in b.itertuples(index=False, name=None)
        ],
    }


def outlook_json(o: Outlook) -> str:
    """The outlook as a JSON document (NaN and infinity written as ``null``): the
    calibrated ``forecast`` first, then the deterministic scenarios."""
    base_year, base_units = o.latest_actual
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
        "forecast": _forecast_doc(o),
        "history": [{"Year": y, "Actual": v} for y, v in _history_rows(o)],
        "projection": records(o.by_model.reset_index()),
        "by_region": records(o.by_region.reset_index()),
        "compare": records(o.compare),
        "gap": records(o.gap),
        "what_it_takes": {k: clean(v) for k, v in asdict(o.takes).items()},
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def outlook_csv(o: Outlook) -> str:
    """The outlook as one tidy CSV with :data:`TIDY_COLUMNS`.

    ``section`` is ``forecast`` (scenario ``calibrated``; item ``P10``, ``P50``, ``P90``
    by year), ``forecast_cumulative`` (the same over the cumulative span, year = its last
    year, item ``P10 2026-2030``...), ``forecast_probability`` (item ``reach TARGET by
    YEAR``), ``history`` (sourced worldwide sales, scenario ``actual``), ``projection``,
    ``by_region``, ``compare``, ``gap`` or ``what_it_takes``; ``item`` is a model, region
    or metric name; ``value`` is always a number, empty for "none" (not
    reached, not applicable; ``above_target`` is 1 or 0). The reference model of the
    Junior-equivalents appears as the item ``reference:NAME`` with its peak as value.
    Names that would start a spreadsheet formula are written as text (leading ``'``).
    """
    name = o.scenario.name
    h = o.forecast
    a, b = h.cumulative_years
    rows: list[tuple[Any, ...]] = []
    for y, lo, mid, hi in zip(h.years, h.p10, h.p50, h.p90):
        rows.extend(("forecast", "calibrated", y, label, v) for label, v in (("P10", lo), ("P50", mid), ("P90", hi)))
    rows.extend(
        ("forecast_cumulative", "calibrated", b, f"{label} {a}-{b}", v)
        for label, v in zip(("P10", "P50", "P90"), h.cumulative)
    )
    for y, t in h.tails:
        rows.append(("forecast_probability", "calibrated", y, f"reach {h.target:g} by {y}", t.probability))
        if t.standard_error is not None:
            rows.append(
                (
                    "forecast_probability",
                    "calibrated",
                    y,
                    f"standard error, reach {h.target:g} by {y}",
                    t.standard_error,
                )
            )
        else:
            rows.append(
                ("forecast_probability", "calibrated", y, f"95% upper bound, reach {h.target:g} by {y}", t.upper_95)
            )
    rows.extend(
        ("forecast_bridge", "central case", int(y), m, float(c))
        for m, y, c in _bridge(o).itertuples(index=False, name=None)
    )
    rows.extend(("history", "actual", y, "Actual", v) for y, v in _history_rows(o))
    for section, frame in (("projection", o.by_model), ("by_region", o.by_region)):
        for year, row in frame.iterrows():
            rows.extend((section, name, int(year), item, clean(v)) for item, v in row.items())
    for _, row in o.compare.iterrows():
        rows.extend(
            ("compare", row["Scenario"], o.compare_year, col, clean(row[col]))
            for col in o.compare.columns
            if col not in ("Scenario", "Description")
        )
    for _, row in o.gap.iterrows():
        rows.extend(("gap", name, int(row["Year"]), col, clean(row[col])) for col in o.gap.columns if col != "Year")
    for k, v in asdict(o.takes).items():
        if k == "reference_model":  # text: carried in the item name, with the model's peak as the value
            rows.append(("what_it_takes", name, o.compare_year, f"reference:{v}", o.takes.reference_peak))
        elif k == "above_target":
            rows.append(("what_it_takes", name, o.compare_year, k, float(v)))
        elif k not in ("year", "reference_peak"):
            rows.append(("what_it_takes", name, o.compare_year, k, clean(v)))
    return csv_text(rows, TIDY_COLUMNS)


# -- terminal tables ----------------------------------------------------------------------
def _units(v: Any) -> str:
    v = clean(v)
    return "-" if v is None else ("0" if abs(v) < 0.5 else f"{v:,.0f}")


def _pct(v: Any) -> str:
    v = clean(v)
    return "-" if v is None else f"{v:.1%}"


def _year(v: Any) -> str:
    v = clean(v)
    return "never" if v is None else str(int(v))


def render_outlook(o: Outlook, console) -> None:
    """Print the outlook as rich tables: the calibrated forecast first, then the
    deterministic scenarios (units by model, the scenarios side by side, the gap, what it
    takes)."""
    _header(o, console)
    _forecast_table(o, console)
    _scenarios_intro(o, console)
    _units_tables(o, console)
    _compare_table(o, console)
    _gap_table(o, console)
    _takes_table(o, console)


def _header(o: Outlook, console) -> None:
    base_year, base_units = o.latest_actual
    years = o.projection.years
    console.print(
        f"[bold]Alfa Romeo outlook[/bold]: {int(years[0])}-{int(years[-1])}; target {o.target:,.0f} a year; "
        f"lineup {shown(o.lineup_label)}. Latest actual: {base_units:,.0f} in {base_year}."
    )
    console.print()


def _forecast_table(o: Outlook, console) -> None:
    from rich.table import Table

    h = o.forecast
    a, b = h.cumulative_years
    chances = "; ".join(f"by {y}: [bold]{t.text()}[/bold]" for y, t in h.tails)
    t = Table(title="Calibrated forecast, units a year", title_justify="left")
    for col in ("Year", "P10", "P50", "P90"):
        t.add_column(col, justify="right")
    for y, lo, mid, hi in zip(h.years, h.p10, h.p50, h.p90):
        t.add_row(str(y), _units(lo), _units(mid), _units(hi))
    t.add_section()
    t.add_row(f"{a}-{b} cumulative", *(_units(v) for v in h.cumulative), style="bold")
    current = (
        f"{h.years[0]} conditioned on {h.ytd:,.0f} units in {h.ytd_months} month(s)"
        if h.conditioned
        else f"{a} unconditioned (give --ytd and --ytd-months to condition it on the year to date)"
    )
    console.print(t)
    console.print(
        f"P50 with its P10-P90 band. Probability of reaching {h.target:,.0f} a year in at least one year: {chances}."
    )
    route = "; ".join(f"and {h.target:,.0f} reached by {y}: {r.text()}" for y, r in h.route_tails)
    console.print(
        f"The route where the plan succeeds (every planned model built, on its stated date, at least at its "
        f"stated peak, the models reported cancelled brought back): {_share(h.plan_route)}; {route}."
    )
    method = h.tails[0][1].method if h.tails else "monte carlo"
    console.print(
        f"{h.paths:,} Monte Carlo paths, seed {h.seed}, of the structural recipe the backtests scored: "
        f"{shown(h.recipe)}; models on sale anchored to the latest actual; {current}. "
        f"P10/P50/P90: 10th, 50th and 90th percentile of the headline's paths (below). Probabilities: {method} "
        "on the recipe's draws, with its standard error (or a 95% bound when no path reaches the line).",
        style="dim",
    )
    if h.choice:
        console.print(shown(h.choice), style="dim")
    if h.check:
        c = h.check
        console.print(
            f"Check of the whole (shown, not applied to any model): past brand-wide volume targets were "
            f"met at a median of {c['brand_realisation_median']:.0%} "
            f"({c['brand_realisation_plans']:.0%} for plans two "
            f"or more years out; {c['targets']} targets); the forecast's {c['year']} P50 is "
            f"{c['p50_over_plan']:.0%} of the plan scenario's {c['plan_total']:,.0f} (every model as first "
            f"announced, at its stated peak). Planned peaks take the built models' median realisation, "
            f"x{c['peak_realisation']:.2f} ({c['built_models']} models).",
            style="dim",
        )
    console.print()
    _bridge_table(o, console)


def _share(p: float) -> str:
    return f"{p:.1%}" if p >= 0.001 else f"{p:.2g}"


def _bridge_table(o: Outlook, console) -> None:
    from rich.table import Table

    from alfa_xl.model.evidence.bridge import bridge_table

    h = o.forecast
    br = _bridge(o)
    table = bridge_table(br)
    years = [c for c in table.columns if c != "Model"]
    base_year = br.attrs["base_year"]
    t = Table(title=f"Bridge from the {base_year} actual to each year, by model (units)", title_justify="left")
    t.add_column("", no_wrap=True)
    for y in years:
        t.add_column(y, justify="right")
    p50 = dict(zip(map(str, h.years), h.p50))
    for i, row in enumerate(table.itertuples(index=False, name=None)):
        label, values = row[0], row[1:]
        if i == 0 or i == len(table) - 1:
            t.add_row(shown(label), *(_units(v) for v in values), style="bold")
        else:
            t.add_row(shown(label), *(f"{v:+,.0f}" if abs(v) >= 0.5 else "0" for v in values))
        if i == len(table) - 2:
            t.add_section()
    t.add_row("P50 of the forecast", *(_units(p50.get(y)) for y in years), style="dim")
    why = {
        "model": "also carries cancellations, slips and noise",
        "combination": "also carries cancellations, slips and noise, and the random walk it is combined with",
    }.get(h.method, "is the headline's random walk, which does not use the lineup")
    t.caption = (
        f"Bridge of the {h.bridge_basis}. Each year's changes add up to the central case exactly; the P50 {why}, "
        "so it differs."
    )
    t.caption_justify = "left"
    console.print(t)
    console.print()


def _chance(p: float, paths: int) -> str:
    """A probability as a percentage; below one path in the run, "under 1 in N"."""
    if p == 0:
        return f"under 1 in {paths:,}"
    return f"{p:.1%}" if p >= 0.001 else f"{p:.3%}"


def _scenarios_intro(o: Outlook, console) -> None:
    console.print(
        f"[bold]Deterministic scenarios[/bold]: what happens if each one's assumptions hold, not a forecast. "
        f"Shown: [bold]{shown(o.scenario.name)}[/bold] ({shown(o.scenario.description)})."
    )
    console.print()


def _units_tables(o: Outlook, console) -> None:
    from rich.table import Table

    years = [int(y) for y in o.projection.years]
    by_model = o.by_model
    names = o.projection.lineup.names
    name = shown(o.scenario.name)
    width = max(len(m) for m in names) + 4
    per_table = max(3, (console.width - width) // 10)  # long horizons: several tables side by side in time
    for i in range(0, len(years), per_table):
        chunk = years[i : i + per_table]
        part = "" if len(chunk) == len(years) else f" ({chunk[0]}-{chunk[-1]})"
        t = Table(
            title=f"Units by model, scenario {name} (deterministic){part}", title_justify="left", show_footer=True
        )
        t.add_column("Model", footer="Total", no_wrap=True)
        for y in chunk:
            t.add_column(str(y), justify="right", footer=_units(by_model.at[y, "Total"]), no_wrap=True)
        for j, model in enumerate(names):
            t.add_row(shown(model), *[_units(by_model.iat[by_model.index.get_loc(y), j]) for y in chunk])
        console.print(t)
    console.print()


def _compare_table(o: Outlook, console) -> None:
    from rich.table import Table

    c = Table(title=f"Scenarios in {o.compare_year} against {o.target:,.0f}", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Scenario", "left"),
        ("Total", "right"),
        ("Gap", "right"),
        ("Share", "right"),
        ("At target", "right"),
        ("What it assumes", "left"),
    )
    for col, just in columns:
        c.add_column(col, justify=just)
    for _, r in o.compare.iterrows():
        c.add_row(
            shown(r["Scenario"]),
            _units(r["Total"]),
            _units(r["Gap"]),
            _pct(r["Share of target"]),
            _year(r["First year at target"]),
            shown(r["Description"]),
            style="bold" if r["Scenario"] == o.scenario.name else None,
        )
    c.caption = (
        f"Each row is a what-if with no uncertainty, not the expected value: the forecast above is. "
        f"At target: first year the scenario reaches the target, searched to {o.search_end}. Gap = target - total."
    )
    c.caption_justify = "left"
    console.print(c)
    console.print()


def _gap_table(o: Outlook, console) -> None:
    from rich.table import Table

    base_year, base_units = o.latest_actual
    g = Table(title=f"Gap to {o.target:,.0f}, scenario {shown(o.scenario.name)}", title_justify="left")
    for col in ("Year", "Projection", "Gap", "Share", "Growth needed", "Years at own pace", "Junior-eq."):
        g.add_column(col, justify="right")
    for _, r in o.gap.iterrows():
        own = clean(r["Years to target"])
        ahead = int(r["Year"]) > base_year
        eq = clean(r["Junior-equivalents"])
        g.add_row(
            str(int(r["Year"])),
            _units(r["Projection"]),
            _units(r["Gap"]),
            _pct(r["Share of target"]),
            _pct(r["Growth required"]),
            ("never" if ahead else "-") if own is None else f"{own:.1f}",
            "-" if eq is None else f"{eq:.1f}",
        )
    g.caption = (
        f"Growth needed: yearly growth from {base_year}'s {base_units:,.0f} to hit the target in that year. "
        f"Years at own pace: years from {base_year} to the target at the scenario's growth up to that year. "
        f"Junior-eq.: gap / peak yearly units of {shown(o.takes.reference_model)}."
    )
    g.caption_justify = "left"
    console.print(g)
    console.print()


def _takes_table(o: Outlook, console) -> None:
    from rich.table import Table

    k = o.takes
    ref = shown(k.reference_model)
    w = Table(
        title=f"What it takes to reach {o.target:,.0f} in {k.year}, scenario {shown(o.scenario.name)}",
        title_justify="left",
        show_header=False,
    )
    w.add_column("", style="bold")
    w.add_column("", justify="right")
    w.add_row("Projected total", _units(k.projection))
    w.add_row("Gap", _units(k.gap))
    w.add_row(f"First year at target (to {o.search_end})", _year(k.first_year_at_target))
    above = "already above target"
    m = k.peak_multiplier
    w.add_row(
        "Or: every new model's peak multiplied by",
        above if k.above_target else ("no new model sells" if m is None else f"x {m:.2f}"),
    )
    if k.above_target:
        w.add_row(f"Or: extra {ref}-like launches in {k.extra_launch_year}", above)
    elif k.extra_launches is None:
        w.add_row(f"Or: extra {ref}-like launches", "an extra launch sells nothing that year")
    else:
        w.add_row(
            f"Or: extra {ref}-like launches in {k.extra_launch_year}",
            f"{k.extra_launches:.2f} -> {k.extra_launches_needed} models",
        )
    if k.with_seed_guess is not None:
        w.add_row(
            f"With {k.seed_guess} more {ref}-like models (the seed article's 'two, if not three')",
            f"{_units(k.with_seed_guess)} ({k.with_seed_guess / o.target:.0%} of target)",
        )
    console.print(w)
