"""``alfa-xl outlook``: the main job.

``outlook`` leads with the calibrated forecast (per year P50 with its P10-P90 band, the
2026-2030 cumulative with its band, the probability of the target by 2030 and 2035,
optionally conditioned on the year to date), then answers, for one deterministic
scenario and horizon: units by model and year; every built-in scenario side by side in
the end year against the target; the gap metrics year by year; and what it would take to
close the gap (a multiplier on the new models' peaks, or a number of extra Junior-like
launches). The same content comes out as rich tables, a tidy CSV or JSON.

This module only reads the options and wires the parts (``facts`` has its own module): the result is assembled in
:mod:`alfa_xl.cli.outlook_result` and written out by :mod:`alfa_xl.cli.outlook_render`.
"""

from __future__ import annotations

import typer

from alfa_xl import validation
from alfa_xl.cli import options
from alfa_xl.cli.common import (
    YTD_OPTIONS,
    Format,
    check_ytd,
    lineup_table,
    named_as_options,
    read_lineup,
    resolve_scenario,
    scenario_table,
    shown,
)
from alfa_xl.cli.common import (
    console as _console,
)
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["register", "resolve_scenario", "Format"]


def register(app: typer.Typer) -> None:
    """Add ``outlook`` to the ``alfa-xl`` app."""

    @app.command()
    def outlook(
        scenario: str = options.scenario(),
        start: int | None = options.start(),
        end: int | None = typer.Option(
            None, "--end", help=f"Last projection year, also the comparison year (default {DEFAULT_YEAR})."
        ),
        target: str = options.target(),
        lineup: str | None = options.lineup(),
        fmt: Format = options.output_format(),
        plot: str | None = options.plot("Also draw history, scenario lines and the target into FILE.png."),
        ytd: float | None = options.ytd(),
        ytd_months: int | None = options.ytd_months(),
        ytd_override: bool = options.ytd_override(),
    ) -> None:
        """The calibrated forecast (P50 with P10-P90 by year, the 2026-2030 cumulative, the chance of
        the target by 2030 and 2035), then the deterministic scenarios, the gap and what it takes."""
        target_units = validation.number(target, "target", "target")
        plot_path = None
        if plot is not None:
            from alfa_xl.cli.plotting import check_plot_path

            plot_path = check_plot_path(plot)
        scenario_file, lineup_file = scenario_table(scenario), lineup_table(lineup)  # before the engine is loaded
        check_ytd(ytd, ytd_months, ytd_override)
        from alfa_xl.cli.outlook_render import outlook_csv, outlook_json, render_outlook
        from alfa_xl.cli.outlook_result import build_outlook, scenario_lines

        sc = resolve_scenario(scenario, scenario_file)
        lu = read_lineup(lineup, lineup_file)
        with named_as_options(YTD_OPTIONS):
            result = build_outlook(
                sc, start, end, target_units, lu, lineup or "default", ytd=ytd, ytd_months=ytd_months
            )
        if plot_path is not None:
            from alfa_xl.cli.plotting import plot_outlook

            h = result.forecast
            plot_outlook(
                plot_path,
                scenario_lines(result, lu),
                target_units,
                result.history,
                highlight=result.scenario.name,
                title=f"Alfa Romeo yearly sales against {target_units:,.0f}: "
                "history, calibrated forecast and scenarios",
                band=(h.years, h.p10, h.p50, h.p90),
            )
        if fmt is Format.json:
            typer.echo(outlook_json(result))
        elif fmt is Format.csv:
            typer.echo(outlook_csv(result), nl=False)
        else:
            out = _console()
            render_outlook(result, out)
            if plot_path is not None:
                out.print(f"Chart written to {shown(plot_path)}")
