"""Tables for the workbook's Track record sheet (the backtest) and the Cover's headline
(the calibrated forecast).

Pure, like :mod:`alfa_xl.book.tables.risk`: both return
:class:`~alfa_xl.book.tables.report.Block` objects that the Excel macro and ``alfa-xl refresh``
lay out with :func:`~alfa_xl.book.tables.report.blocks_to_grid` and write under the defined names
``out_track`` and ``out_forecast``. The Track record's numbers are those of ``alfa-xl backtest`` and
``alfa-xl backtest --rolling``, computed at release by
:func:`alfa_xl.model.evidence.rolling.track_tables` and read from the shipped file
(:func:`~alfa_xl.model.evidence.rolling.shipped_track_tables`; they depend on the shipped data
only, and a test recomputes them); the Cover's are those of
:func:`alfa_xl.model.evidence.forecast.forecast`. Nothing is computed a second way here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alfa_xl.book.tables.report import Block
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.evidence.forecast import FORECAST_PATHS, PROBABILITY_YEARS, Forecast, forecast
from alfa_xl.model.evidence.rolling import CANDIDATE_NAMES, POINT_COLUMNS, shipped_track_tables
from alfa_xl.model.risk.settings import BACKTEST_PATHS, DEFAULT_SEED

__all__ = ["track_blocks", "forecast_blocks", "current_year_text", "TRACK_PATHS", "POINT_COLUMNS", "HEADLINE_YEAR"]

#: Paths of each replay on the Track record sheet: the default of ``alfa-xl backtest``.
TRACK_PATHS = BACKTEST_PATHS
#: The year of the headline band.
HEADLINE_YEAR = PROBABILITY_YEARS[0]


def track_blocks() -> list[Block]:
    """The Track record sheet's tables, as shipped (:func:`alfa_xl.model.evidence.rolling.track_tables`
    at :data:`TRACK_PATHS` paths and the default seed): the rolling-origin scores of ``alfa-xl
    backtest --rolling`` (model, combination and every baseline by horizon band) and the
    headline choice, the summary of ``alfa-xl backtest`` (scores pooled over the decision
    points, by horizon), then one table per decision point.

    Returns
    -------
    list of Block
        ``track_rolling``: :data:`~alfa_xl.model.evidence.rolling.SCORE_COLUMNS` (coverage,
        P50 error and skills as shares; interval score and pinball loss over the actual).
        ``track_headline``: one text row, which forecast is the headline and by how much.
        ``track_summary``: :data:`~alfa_xl.model.evidence.replay.SCORE_COLUMNS` (coverage and
        errors as shares, sharpness = median P90/P10, interval score / actual).
        ``track_<as_of>``: :data:`POINT_COLUMNS` per year, units a year (``Actual``
        empty where not known yet, ``Target path`` the company's promise).

    Examples
    --------
    >>> [b.name for b in track_blocks()]
    ['track_rolling', 'track_headline', 'track_summary', 'track_2014', 'track_2018', 'track_2023']
    """
    return [Block(t.name, t.title, t.frame.copy()) for t in shipped_track_tables()]


def current_year_text(f: Forecast) -> str:
    """Whether the forecast's first year is conditioned on year-to-date units, in words."""
    year = int(f.all_years[0])
    if not f.conditioned:
        return (
            f"{year} unconditioned: no year-to-date units on Inputs (in_ytd_units, in_ytd_months); "
            "the year is the curve's alone"
        )
    return (
        f"{year} conditioned on year-to-date data: {f.ytd:,.0f} units in the first "
        f"{f.ytd_months} month{'s' if f.ytd_months != 1 else ''}"
    )


def forecast_blocks(
    lineup: Lineup,
    target: float = DEFAULT_TARGET,
    seed: int = DEFAULT_SEED,
    ytd: float | None = None,
    ytd_months: int | None = None,
) -> list[Block]:
    """The Cover's headline: the calibrated forecast (:func:`alfa_xl.model.evidence.forecast.forecast`
    at its :data:`~alfa_xl.model.evidence.forecast.FORECAST_PATHS` paths) of ``lineup``.

    Returns
    -------
    list of Block
        ``forecast_band``: ``Measure``, ``P10``, ``P50``, ``P90``: the headline year's units
        and the cumulative from the first forecast year through it.
        ``forecast_probability``: ``By year``, ``Estimate`` (P(``target`` reached in at
        least one year by then)), ``Standard error``, ``95% upper bound`` (one of the two)
        and ``Reads as`` (the figure as it may be quoted).
        ``forecast_current_year``: one text row, conditioned or unconditioned.
        Then :func:`cover_extra_blocks`: ``forecast_route``, ``forecast_check``,
        ``forecast_bridge``.

    Examples
    --------
    >>> from alfa_xl.model.engine.lineup import default_lineup
    >>> [b.name for b in forecast_blocks(default_lineup())][:3]
    ['forecast_band', 'forecast_probability', 'forecast_current_year']
    """
    f = forecast(lineup, paths=FORECAST_PATHS, seed=seed, target=target, ytd=ytd, ytd_months=ytd_months)
    table = f.table().set_index("Year")
    a, b = f.cumulative_years
    cum = f.cumulative()
    band = pd.DataFrame(
        [
            [f"{HEADLINE_YEAR}, units a year", *(float(table.loc[HEADLINE_YEAR, p]) for p in ("P10", "P50", "P90"))],
            [f"{a}-{b} cumulative, units", cum["P10"], cum["P50"], cum["P90"]],
        ],
        columns=["Measure", "P10", "P50", "P90"],
    )
    tails = f.tails(PROBABILITY_YEARS)
    prob = pd.DataFrame(
        [
            [year, t.probability, t.standard_error, t.upper_95, t.text()]
            for year in PROBABILITY_YEARS
            for t in (tails[(year, False)],)
        ],
        columns=["By year", "Estimate", "Standard error", "95% upper bound", "Reads as"],
    )
    current = pd.DataFrame([[current_year_text(f)]], columns=["Year-to-date data"])
    return [
        Block(
            "forecast_band",
            f"Calibrated forecast, the central answer: {CANDIDATE_NAMES[f.method]}, best on the rolling backtest "
            f"(Track record sheet); {f.paths:,} paths, seed {f.seed}",
            band,
        ),
        Block(
            "forecast_probability",
            f"Probability of reaching {f.target:,.0f} a year in at least one year, with its "
            f"Monte Carlo precision ({', '.join(dict.fromkeys(tails[(y, False)].method for y in PROBABILITY_YEARS))})",
            prob,
        ),
        Block("forecast_current_year", "Current year of the forecast", current),
        *cover_extra_blocks(f, tails),
    ]


#: ASSUMPTION (layout): model rows of the Cover's bridge (the largest movers; the rest summed
#: as "Other models"), fixed so that the Cover keeps its shape at a refresh; the shipped
#: lineup has nine models.
BRIDGE_MODELS = 10


def cover_extra_blocks(f: Forecast, tails) -> list[Block]:
    """The Cover's blocks below the headline: the route where the plan succeeds, the check of
    the whole and the bridge from the last actual to each year by model (a fixed number of
    rows: :data:`BRIDGE_MODELS` model rows, blank when fewer models move)."""
    from alfa_xl.model.data.past_plans import track_record
    from alfa_xl.model.engine.projection import project
    from alfa_xl.model.evidence.bridge import BASIS, bridge, bridge_table

    route = [
        [
            "Every planned model built, on its stated date, at least at its stated peak; the US E-SUV back",
            f.plan_route_probability(),
            None,
            "quadrature, no Monte Carlo error",
        ]
    ]
    for year in PROBABILITY_YEARS:
        t = tails[(year, True)]
        route.append([f"... and {f.target:,.0f} a year reached by {year}", t.probability, t.standard_error, t.text()])
    tr = track_record()
    year = PROBABILITY_YEARS[0]
    plan = float(project(f.lineup, "plan", year, year).totals[0])
    p50 = float(np.percentile(f.totals[:, int(np.flatnonzero(f.all_years == year)[0])], 50))
    check = pd.DataFrame(
        [
            ["Past brand-wide volume targets met, median (actual / target)", tr.median_realisation],
            ["... plans two or more years out", tr.realisation_long],
            [
                f"Forecast {year} P50 over the plan scenario's {year} ({plan:,.0f}: every model as first announced)",
                p50 / plan,
            ],
            [
                "Built models' peak over the peak assumed before launch, median (applied to planned peaks)",
                tr.peak_realisation,
            ],
        ],
        columns=["Check of the whole (shown, never applied to a model)", "Share"],
    )
    base_year = int(f.all_years[0]) - 1
    b = bridge(f.lineup, f.scenario, base_year, range(base_year + 1, HEADLINE_YEAR + 1))
    table = bridge_table(b, max_models=BRIDGE_MODELS)
    pad = BRIDGE_MODELS + 2 - len(table)
    if pad > 0:
        blank = pd.DataFrame([[""] + [np.nan] * (table.shape[1] - 1)] * pad, columns=table.columns)
        table = pd.concat([table.iloc[:-1], blank, table.iloc[-1:]], ignore_index=True)
    return [
        Block(
            "forecast_route",
            "The route where the plan succeeds",
            pd.DataFrame(route, columns=["Route", "Estimate", "Standard error", "Reads as"]),
        ),
        Block("forecast_check", "Check of the whole", check),
        Block(
            "forecast_bridge", f"Bridge from the {base_year} actual to each year, by model (units): the {BASIS}", table
        ),
    ]
