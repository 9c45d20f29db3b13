"""``alfa-xl simulate``: probability of reaching the target, percentile fan and tornado.

The command draws paths around a scenario with :func:`alfa_xl.model.risk.simulate.simulate`, prints
the probability of reaching the target in one year, the P10/P50/P90 fan by year and the
tornado of that year, as rich tables, a tidy CSV or JSON (like ``outlook``), and can draw
the fan chart into a PNG. Long runs show a progress bar on the terminal (stderr) in table output. The
output is written by :mod:`alfa_xl.cli.simulate_render`.
"""

from __future__ import annotations

import typer

from alfa_xl.cli import options
from alfa_xl.cli.common import (
    PROGRESS_FROM,
    YTD_OPTIONS,
    Format,
    check_ytd,
    console,
    lineup_table,
    named_as_options,
    progress_bar,
    read_lineup,
    resolve_scenario,
    scenario_table,
    shown,
)
from alfa_xl.cli.plotting import check_plot_path
from alfa_xl.errors import HorizonError
from alfa_xl.model.defaults import DEFAULT_PATHS, DEFAULT_SEED
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["register", "PROGRESS_FROM"]


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``alfa-xl`` app."""

    @app.command("simulate")
    def simulate_cmd(
        paths: int = typer.Option(DEFAULT_PATHS, "--paths", "-n", help="Number of simulated paths (1 to 1,000,000)."),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the random streams (same seed, same result)."),
        year: int | None = typer.Option(
            None, "--year", help="Year of the probability and the tornado (default: the end year)."
        ),
        target: str = options.target(),
        scenario: str = options.scenario(),
        start: int | None = options.start(),
        end: int | None = typer.Option(None, "--end", help=f"Last projection year (default {DEFAULT_YEAR})."),
        lineup: str | None = options.lineup(),
        fmt: Format = options.output_format(),
        plot: str | None = options.plot("Also draw the fan chart (P10/P50/P90, history, target) into FILE.png."),
        ytd: float | None = options.ytd(),
        ytd_months: int | None = options.ytd_months(),
        ytd_override: bool = options.ytd_override(),
    ) -> None:
        """Probability of reaching the target, percentile fan by year and tornado, by Monte Carlo."""
        scenario_file, lineup_file = scenario_table(scenario), lineup_table(lineup)  # before the engine is loaded
        from alfa_xl.cli.simulate_render import render_simulation, simulation_csv, simulation_json
        from alfa_xl.model.engine.projection import MAX_END, MIN_START, default_horizon
        from alfa_xl.model.risk.settings import check_paths, check_seed, check_target
        from alfa_xl.model.risk.simulate import simulate
        from alfa_xl.model.risk.tornado import tornado

        n = check_paths(paths)
        sd = check_seed(seed)
        tgt = check_target(target)
        plot_path = check_plot_path(plot) if plot is not None else None
        check_ytd(ytd, ytd_months, ytd_override)
        sc = resolve_scenario(scenario, scenario_file)
        lu = read_lineup(lineup, lineup_file)
        if end is None and year is not None:  # a later year stretches the default horizon
            if not MIN_START <= year <= MAX_END:
                raise HorizonError(
                    "year", year, f"give a year between {MIN_START} and {MAX_END}", "outside the supported years"
                )
            end = max(year, default_horizon()[1])
        out = console()
        with (
            progress_bar("simulating", n, "paths", fmt, show=n >= PROGRESS_FROM) as update,
            named_as_options(YTD_OPTIONS),
        ):
            sim = simulate(
                lu,
                sc,
                start,
                end,
                n,
                sd,
                ytd=ytd,
                ytd_months=ytd_months,
                progress=None if update is None else lambda done, total: update(done),
            )
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
            render_simulation(sim, tgt, yr, torn, out)
            if plot_path is not None:
                out.print(f"Chart written to {shown(plot_path)}")
