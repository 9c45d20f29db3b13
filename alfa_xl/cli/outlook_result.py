"""What ``alfa-xl outlook`` shows, assembled once into a typed, read-only result.

:func:`build_outlook` computes everything from the engine and validates it up front;
:mod:`alfa_xl.cli.outlook_render` turns the :class:`Outlook` into rich tables, JSON or a
tidy CSV without computing anything itself.

The outlook leads with the calibrated forecast (:class:`Headline`, from
:func:`alfa_xl.model.evidence.forecast.forecast`: the recipe the backtests scored), then shows
the deterministic scenarios, each for what it is: what happens if its assumptions hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alfa_xl.book.tables.report import SEARCH_END, clean, compare_scenarios
from alfa_xl.model.data.past_plans import track_record
from alfa_xl.model.data.sources import history, latest_actual
from alfa_xl.model.engine.gap import (
    DEFAULT_TARGET,
    gap_table,
    reference_peak,
    required_extra_launches,
    required_peak_multiplier,
)
from alfa_xl.model.engine.lineup import Lineup, default_lineup
from alfa_xl.model.engine.projection import Projection, default_horizon, project
from alfa_xl.model.engine.scenarios import BUILTIN, Scenario, get_scenario
from alfa_xl.model.evidence.bridge import BASIS as BRIDGE_BASIS
from alfa_xl.model.evidence.bridge import bridge
from alfa_xl.model.evidence.forecast import FORECAST_PATHS, PROBABILITY_YEARS, forecast
from alfa_xl.model.risk.tails import TailProbability

__all__ = ["Outlook", "Headline", "WhatItTakes", "build_outlook", "scenario_lines", "SEED_GUESS"]

#: The seed article's guess of how many more Junior-like models 400,000 needs.
SEED_GUESS = 3


@dataclass(frozen=True)
class Headline:
    """The calibrated forecast the outlook leads with (:func:`alfa_xl.model.evidence.forecast.forecast`).

    Attributes
    ----------
    years : tuple of int
        Forecast years shown (the outlook's years from the first forecast year on).
    p10, p50, p90 : tuple of float
        Percentiles of the yearly total across paths, units a year, one per year.
    cumulative_years : (int, int)
        First and last year of the cumulative (2026-2030).
    cumulative : (float, float, float)
        P10, P50 and P90 of the units summed over ``cumulative_years``.
    target : float
        Units a year of the probabilities.
    probabilities : tuple of (int, float)
        ``(year, p)``: share of paths that reach ``target`` in at least one year up to
        ``year`` (2030 and 2035).
    paths, seed : int
        Monte Carlo paths and seed.
    conditioned : bool
        Whether the first forecast year is conditioned on year-to-date units.
    ytd : float or None
        Year-to-date units given; ``ytd_months`` the months they cover.
    recipe : str
        What the calibrated paths assume (the ``track_record`` scenario as of today).
    method : str
        The headline's method (:data:`alfa_xl.model.evidence.rolling.CANDIDATES`).
    choice : str
        Which forecast is the headline (model, combination or a random walk) and by how much it scored
        better on the rolling backtest (:attr:`alfa_xl.model.evidence.forecast.Forecast.headline`).
    tails : tuple of (int, TailProbability)
        ``(year, estimate)``: the probabilities with their Monte Carlo precision (importance
        sampling, :meth:`~alfa_xl.model.evidence.forecast.Forecast.tails`); ``probabilities``
        holds their point values.
    plan_route : float
        P(the route where the plan succeeds: every planned model built, on its stated date,
        at least at its stated peak, the models reported cancelled brought back).
    route_tails : tuple of (int, TailProbability)
        ``(year, estimate)``: P(the plan's route and ``target`` reached by ``year``).
    bridge : DataFrame
        :func:`alfa_xl.model.evidence.bridge.bridge` of the recipe's central case, from the
        latest actual to each forecast year (``model``, ``year``, ``change``).
    bridge_basis : str
        What the bridge is a bridge of.
    check : dict
        The check of the whole: past brand-wide targets' median realisation (pooled and for
        plans two or more years out), the plan scenario's total in the first probability
        year (every model as first announced, at its stated peak) and the forecast's P50
        that year over it. Shown, never applied to a model.
    """

    years: tuple[int, ...]
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]
    cumulative_years: tuple[int, int]
    cumulative: tuple[float, float, float]
    target: float
    probabilities: tuple[tuple[int, float], ...]
    paths: int
    seed: int
    conditioned: bool
    ytd: float | None
    ytd_months: int | None
    recipe: str
    choice: str = ""
    method: str = "model"
    tails: tuple[tuple[int, TailProbability], ...] = ()
    plan_route: float = float("nan")
    route_tails: tuple[tuple[int, TailProbability], ...] = ()
    bridge: pd.DataFrame | None = None
    bridge_basis: str = BRIDGE_BASIS
    check: dict | None = None


def _check(f, lineup: Lineup | None) -> dict:
    tr = track_record()
    year = PROBABILITY_YEARS[0]
    plan = float(project(f.lineup, "plan", year, year).totals[0])
    p50 = (
        float(f.table().set_index("Year").loc[year, "P50"])
        if year in set(f.years)
        else float(np.percentile(f.totals[:, int(np.flatnonzero(f.all_years == year)[0])], 50))
    )
    return {
        "brand_realisation_median": tr.median_realisation,
        "brand_realisation_plans": tr.realisation_long,
        "targets": len(tr.realisations),
        "year": year,
        "plan_total": plan,
        "p50": p50,
        "p50_over_plan": p50 / plan if plan > 0 else float("nan"),
        "peak_realisation": tr.peak_realisation,
        "built_models": len(tr.peak_realisations),
    }


def _headline(
    lineup: Lineup | None, start: int, end: int, target: float, ytd: float | None, ytd_months: int | None, paths: int
) -> Headline:
    first = latest_actual()[0] + 1
    lo = max(start, first)
    hi = end if end >= lo else max(PROBABILITY_YEARS[0], lo)  # a horizon in the past: the default years ahead
    f = forecast(lineup, lo, hi, paths=paths, target=target, ytd=ytd, ytd_months=ytd_months)
    table, cum = f.table(), f.cumulative()
    tails = f.tails(PROBABILITY_YEARS)
    base_year = int(f.all_years[0]) - 1
    return Headline(
        years=tuple(int(y) for y in table["Year"]),
        p10=tuple(map(float, table["P10"])),
        p50=tuple(map(float, table["P50"])),
        p90=tuple(map(float, table["P90"])),
        cumulative_years=f.cumulative_years,
        cumulative=(cum["P10"], cum["P50"], cum["P90"]),
        target=f.target,
        probabilities=tuple((y, tails[(y, False)].probability) for y in PROBABILITY_YEARS),
        paths=f.paths,
        seed=f.seed,
        conditioned=f.conditioned,
        ytd=f.ytd,
        ytd_months=f.ytd_months,
        recipe=f.scenario.description,
        tails=tuple((y, tails[(y, False)]) for y in PROBABILITY_YEARS),
        plan_route=f.plan_route_probability(),
        route_tails=tuple((y, tails[(y, True)]) for y in PROBABILITY_YEARS),
        bridge=bridge(f.lineup, f.scenario, base_year, range(base_year + 1, int(f.years[-1]) + 1)),
        check=_check(f, lineup),
        choice=f.headline,
        method=f.method,
    )


@dataclass(frozen=True)
class WhatItTakes:
    """What it would take to reach the target in ``year`` under the chosen scenario.

    Attributes
    ----------
    year : int
        The comparison (end) year.
    projection, target, gap : float
        Units a year; ``gap = target - projection`` (negative: above the target).
    first_year_at_target : int or None
        First year the scenario reaches the target, searched to 2040; ``None`` if never.
    above_target : bool
        The projection already reaches the target in ``year``: nothing more is needed,
        ``peak_multiplier`` is then ``None`` and ``extra_launches`` 0.
    peak_multiplier : float or None
        Multiplier on every planned model's peak that makes the total equal the target;
        ``None`` when above the target or when no planned model sells that year.
    reference_model : str
        The model extra launches are like (the Junior, or the largest model on sale).
    reference_peak : float
        Its peak yearly units.
    extra_launch_year : int
        Year the extra models are launched (the year before ``year``, so at their peak).
    extra_launches : float or None
        Fractional number of extra launches that close the gap; ``None`` when an extra
        launch sells nothing in ``year``.
    extra_launches_needed : int or None
        ``extra_launches`` rounded up.
    units_per_extra_launch : float or None
        Units one extra launch adds in ``year``; ``None`` when none is needed or none sells.
    seed_guess : int
        The seed article's number of further Junior-like models (three).
    with_seed_guess : float or None
        The total with ``seed_guess`` more launches (``None`` with ``units_per_extra_launch``).
    """

    year: int
    projection: float
    target: float
    gap: float
    first_year_at_target: int | None
    above_target: bool
    peak_multiplier: float | None
    reference_model: str
    reference_peak: float
    extra_launch_year: int
    extra_launches: float | None
    extra_launches_needed: int | None
    units_per_extra_launch: float | None
    seed_guess: int
    with_seed_guess: float | None


@dataclass(frozen=True)
class Outlook:
    """Everything ``alfa-xl outlook`` shows, computed and validated up front.

    Attributes
    ----------
    forecast : Headline
        The calibrated forecast (independent of the chosen scenario).
    scenario : Scenario
        The chosen scenario.
    lineup_label : str
        ``"default"`` or the lineup file given.
    projection : Projection
        The chosen scenario over the horizon.
    target : float
        Units a year.
    compare_year : int
        The year the scenarios are compared in (the end year).
    compare : DataFrame
        :func:`~alfa_xl.book.tables.report.compare_scenarios` for every built-in scenario (and the
        chosen one when it is not built in), with a ``Description`` column second.
    gap : DataFrame
        :func:`~alfa_xl.model.engine.gap.gap_table` of the chosen scenario.
    takes : WhatItTakes
        What it takes to reach the target in ``compare_year``.
    history : DataFrame
        Sourced yearly sales (columns ``year``, ``units``).
    latest_actual : tuple of (int, float)
        Year and units of the latest actual.
    search_end : int
        Last year searched for "first year at target".
    """

    forecast: Headline
    scenario: Scenario
    lineup_label: str
    projection: Projection
    target: float
    compare_year: int
    compare: pd.DataFrame
    gap: pd.DataFrame
    takes: WhatItTakes
    history: pd.DataFrame
    latest_actual: tuple[int, float]
    search_end: int = SEARCH_END

    @property
    def by_model(self) -> pd.DataFrame:
        """Units by year and model, plus ``Total`` (index ``Year``)."""
        return self.projection.by_model()

    @property
    def by_region(self) -> pd.DataFrame:
        """Units by year and region, plus ``Total`` (index ``Year``)."""
        return self.projection.by_region()


def _reference_name(lineup: Lineup) -> str:
    """The model a Junior-equivalent is measured by, as :func:`~alfa_xl.model.engine.gap.reference_peak` picks it."""
    try:
        return lineup.resolve("Junior")
    except KeyError:
        peak = reference_peak(lineup)
        return next(m.model for m in lineup if m.peak_units == peak)


def _what_it_takes(
    proj: Projection, target: float, lineup: Lineup, scenario: Scenario, first: int | None
) -> WhatItTakes:
    year = int(proj.years[-1])
    total = float(proj.total(year))
    shortfall = target - total
    above = shortfall <= 0
    multiplier = None if above else required_peak_multiplier(year, target, lineup, scenario)
    extra = required_extra_launches(year, target, lineup, scenario)
    ref = _reference_name(proj.lineup)
    per_launch = shortfall / extra if extra not in (None, 0) else None
    return WhatItTakes(
        year=year,
        projection=total,
        target=target,
        gap=shortfall,
        first_year_at_target=first,
        above_target=above,
        peak_multiplier=None if multiplier is None else float(multiplier),
        reference_model=ref,
        reference_peak=reference_peak(proj.lineup, ref),
        extra_launch_year=year - 1,
        extra_launches=None if extra is None else float(extra),
        extra_launches_needed=None if extra is None else math.ceil(extra - 1e-9),
        units_per_extra_launch=per_launch,
        seed_guess=SEED_GUESS,
        with_seed_guess=None if per_launch is None else total + SEED_GUESS * per_launch,
    )


def build_outlook(
    scenario: Scenario | str = "base",
    start_year: int | None = None,
    end_year: int | None = None,
    target: float = DEFAULT_TARGET,
    lineup: Lineup | None = None,
    lineup_label: str = "default",
    ytd: float | None = None,
    ytd_months: int | None = None,
    paths: int = FORECAST_PATHS,
) -> Outlook:
    """Compute everything the outlook shows (raises the engine's input errors first).

    The horizon defaults to :func:`~alfa_xl.model.engine.projection.default_horizon`; the
    scenarios are compared in the end year. The calibrated forecast uses ``paths``
    Monte Carlo paths (20,000, as the backtests) and, when given, the year-to-date units
    ``ytd`` over ``ytd_months`` months of the first forecast year.

    >>> o = build_outlook("base", end_year=2030, paths=2000)
    >>> o.compare_year, o.takes.year, o.takes.gap == o.target - o.takes.projection, o.forecast.years[-1]
    (2030, 2030, True, 2030)
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
    first = clean(compare[compare["Scenario"] == sc.name].iloc[-1]["First year at target"])
    takes = _what_it_takes(proj, tgt, lu, sc, None if first is None else int(first))
    head = _headline(lineup, int(proj.years[0]), year, tgt, ytd, ytd_months, paths)
    return Outlook(head, sc, lineup_label, proj, tgt, year, compare, gap, takes, history(), latest_actual())


def scenario_lines(o: Outlook, lineup: Lineup | None = None) -> dict[str, Projection]:
    """Every built-in scenario over the outlook's horizon, and the chosen one (for the chart)."""
    first, last = int(o.projection.years[0]), int(o.projection.years[-1])
    lines = {name: project(lineup, s, first, last) for name, s in BUILTIN.items()}
    lines[o.scenario.name] = o.projection
    return lines
