"""``alfa-xl backtest``: the engine replayed on Alfa Romeo's past plans.

``--rolling`` runs the rolling-origin backtest (:mod:`alfa_xl.model.evidence.rolling`): the
recipe at every origin from 2010 to 2025 next to no change, log random walks with and
without drift and the company's target path, and the combination, scored by horizon
band (1-2, 3-5 years). Like the replays, it shows a progress bar on a terminal when the
work is 200,000 paths or more (the default 20,000 paths at each origin), never for
``--format json`` or ``csv`` nor when stderr is not a terminal.

Prints each decision point (what the fan said, what happened, the two naive benchmarks)
and a summary of coverage, sharpness and errors by horizon (1-2 years, 3+ years) against
no change and the company's own target path, as rich tables, a tidy CSV or JSON; can draw
the fans against the actuals into a PNG (one panel a point; matplotlib is the optional
``plot`` extra). The output is written by :mod:`alfa_xl.cli.backtest_render`, loaded when
the command runs.
"""

from __future__ import annotations

import typer

from alfa_xl.cli import options
from alfa_xl.cli.common import PROGRESS_FROM, Format, console, lineup_table, progress_bar, read_lineup, shown
from alfa_xl.cli.plotting import check_plot_path
from alfa_xl.errors import AlfaInputError
from alfa_xl.model.defaults import BACKTEST_PATHS, DEFAULT_SEED

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``backtest`` to the ``alfa-xl`` app."""

    @app.command("backtest")
    def backtest_cmd(
        as_of: int | None = typer.Option(
            None, "--as-of", help="First forecast year of one replay (default: every shipped decision point)."
        ),
        lineup: str | None = typer.Option(None, "--lineup", help="Lineup CSV of that time (needs --as-of)."),
        scenario: str = typer.Option(
            "track_record", "--scenario", "-s", help="track_record (calibrated as of the point) or a built-in scenario."
        ),
        paths: int = typer.Option(BACKTEST_PATHS, "--paths", "-n", help="Number of simulated paths (1 to 1,000,000)."),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the random streams."),
        fmt: Format = options.output_format(),
        plot: str | None = options.plot("Also draw the fans against the actuals into FILE.png."),
        rolling_: bool = typer.Option(
            False, "--rolling", help="Every origin 2010-2025 against naive forecasters, by horizon band."
        ),
    ) -> None:
        """Replay the engine on Alfa's past plans with only what was known then, and score it."""
        if lineup is not None and as_of is None and not rolling_:
            raise AlfaInputError(
                "--lineup", lineup, "give --as-of with --lineup (the year the lineup is from)", "no year"
            )
        lineup_file = lineup_table(lineup)  # before the engine is loaded: a refused file costs little
        from alfa_xl.cli.backtest_render import (
            backtest_csv,
            backtest_json,
            plot_backtest,
            render,
            render_rolling,
            rolling_csv,
            rolling_json,
        )
        from alfa_xl.model.evidence.replay import DECISION_POINTS, replay
        from alfa_xl.model.evidence.rolling import rolling, rolling_origins
        from alfa_xl.model.risk.settings import check_paths, check_seed

        n, sd = check_paths(paths), check_seed(seed)
        plot_path = check_plot_path(plot) if plot is not None else None
        if rolling_:
            if as_of is not None or lineup is not None or plot is not None or scenario != "track_record":
                raise AlfaInputError(
                    "--rolling",
                    True,
                    "give --rolling with --paths, --seed and --format only",
                    "each origin uses its own lineup and the calibrated recipe",
                )
            total = n * len(rolling_origins())
            with progress_bar("rolling origins", total, "paths", fmt, show=total >= PROGRESS_FROM) as update:
                result = rolling(paths=n, seed=sd, progress=None if update is None else lambda done, _t: update(done))
            if fmt is Format.json:
                typer.echo(rolling_json(result))
            elif fmt is Format.csv:
                typer.echo(rolling_csv(result), nl=False)
            else:
                render_rolling(result, console(width=150))
            return
        years = [as_of] if as_of is not None else [d.as_of for d in DECISION_POINTS]
        read_lineup(
            lineup, lineup_file
        )  # one reader's errors for a file that cannot be read; replay fills it as the API does
        replays = []
        total = n * len(years)
        with progress_bar("replaying", total, "paths", fmt, show=total >= PROGRESS_FROM) as update:
            for i, y in enumerate(years):
                step = None if update is None else (lambda done, _n, i=i: update(i * n + done))
                replays.append(replay(y, lineup, scenario=scenario, paths=n, seed=sd, progress=step))
        if plot_path is not None:
            plot_backtest(plot_path, replays)
        if fmt is Format.json:
            typer.echo(backtest_json(replays))
        elif fmt is Format.csv:
            typer.echo(backtest_csv(replays), nl=False)
        else:
            out = console(width=130)
            render(replays, out)
            if plot_path is not None:
                out.print(f"Chart written to {shown(plot_path)}")
