"""Tables for the workbook's Risk sheet: the percentile fan, the probability of reaching
the target by year and the tornado.

The fan and the probabilities are the calibrated forecast by default (the headline recipe,
as ``ALFA_FORECAST``, ``ALFA_PROBABILITY`` and the Cover give it); the Monte Carlo around
the chosen scenario (``in_scenario``) is shown beside it in columns headed What-if, and the
tornado, a sensitivity of that scenario, is titled as one.

Pure, like :mod:`alfa_xl.book.tables.report`: it returns :class:`~alfa_xl.book.tables.report.Block` objects that
the Excel macro and ``alfa-xl refresh`` lay out with
:func:`~alfa_xl.book.tables.report.blocks_to_grid` and write under the defined name ``out_risk``,
so both write exactly the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from alfa_xl.book.tables.report import Block, RefreshInputs
from alfa_xl.model.data.sources import latest_actual
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.evidence.forecast import Forecast, forecast
from alfa_xl.model.evidence.rolling import CANDIDATE_NAMES
from alfa_xl.model.risk.settings import DEFAULT_PATHS, DEFAULT_PERCENTILES, DEFAULT_SEED, check_target
from alfa_xl.model.risk.simulate import simulate
from alfa_xl.model.risk.tails import MIN_HITS, mc_probability
from alfa_xl.model.risk.tornado import tornado
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = ["risk_blocks", "RISK_BLOCKS"]

#: Names of the blocks :func:`risk_blocks` returns, in order.
RISK_BLOCKS = ("risk_fan", "risk_probability", "risk_tornado")


def risk_blocks(
    inputs: RefreshInputs,
    paths: int = DEFAULT_PATHS,
    seed: int | None = DEFAULT_SEED,
    scenario: Scenario | str | None = None,
    percentiles: Iterable[float] | None = None,
    uncertainty: Uncertainty | None = None,
    ytd: float | None = None,
    ytd_months: int | None = None,
) -> list[Block]:
    """The Risk sheet's tables for one scenario, in :data:`RISK_BLOCKS` order.

    Parameters
    ----------
    inputs : RefreshInputs
        Target (units a year), horizon (``start_year`` to ``end_year``), lineup and
        ``compare_year`` (the tornado's year) as read from the workbook's Inputs.
    paths : int
        Simulated paths (1 to 1,000,000; default 10,000).
    seed : int, optional
        Seed of the random streams (default :data:`~alfa_xl.model.risk.settings.DEFAULT_SEED`), so
        a refresh writes the same figures every time.
    scenario : Scenario or str, optional
        The scenario of the what-if columns and the tornado; the first of
        ``inputs.scenarios`` when omitted (the workbook passes ``in_scenario``).
    percentiles : iterable of float, optional
        Percentiles of the fan (default 10, 50, 90).
    uncertainty : Uncertainty, optional
        Driver spreads (default: calibrated on the track record).
    ytd, ytd_months : optional
        Year-to-date units of the first year and the months they cover: that year is
        conditioned on them (:func:`~alfa_xl.model.risk.simulate.simulate`); the fan's title
        says whether it is.

    Returns
    -------
    list of Block
        ``risk_fan``: ``Year``, one column per percentile (``P10``...) and ``Mean`` of the
        calibrated forecast (the headline recipe of ``ALFA_FORECAST`` and the Cover; blank in
        years before the first forecast year), then the what-if around the scenario:
        ``Scenario`` (its projection without uncertainty) and ``What-if P50`` (its Monte
        Carlo median), units a year.
        ``risk_probability``: ``Year``, ``Probability`` (calibrated forecast: the share of
        its paths at or above the target, or with fewer than :data:`MIN_HITS` of them the
        importance-sampling estimate; a random-walk headline's exact closed form, standard
        error 0), ``Standard error`` and ``95% upper bound`` (exact binomial, only with no
        path over the line), then the same three for the what-if.
        ``risk_tornado``: ``Driver``, ``Low``, ``High``, ``Swing``, ``Low setting``,
        ``High setting`` and ``Scenario`` (the scenario's own total, the centre of the
        tornado chart) for ``compare_year``, largest swing first (units): a what-if around
        the scenario.

    Raises
    ------
    AlfaInputError
        Any invalid input, before anything is written.

    Examples
    --------
    >>> blocks = risk_blocks(RefreshInputs(end_year=2030), paths=500, seed=1)
    >>> [b.name for b in blocks]
    ['risk_fan', 'risk_probability', 'risk_tornado']
    """
    sc = get_scenario(scenario if scenario is not None else (inputs.scenarios[0] if inputs.scenarios else "base"))
    target = check_target(inputs.target)
    ps = percentiles if percentiles is not None else DEFAULT_PERCENTILES
    sim = simulate(
        inputs.lineup, sc, inputs.start_year, inputs.end_year, paths, seed, uncertainty, ytd=ytd, ytd_months=ytd_months
    )
    f = _calibrated(inputs, sim, ps, target, uncertainty, ytd, ytd_months)
    fan = _calibrated_fan(f, sim, ps)
    fan["Scenario"] = sim.deterministic
    fan["What-if P50"] = np.percentile(sim.totals, 50, axis=0)
    chance = _calibrated_chance(f, sim, target)
    what_if = sim.probability_by_year(target)["Probability"].to_numpy()
    precision = [mc_probability(round(p * sim.paths), sim.paths) for p in what_if]
    chance["What-if probability"] = what_if
    chance["What-if standard error"] = [t.standard_error for t in precision]
    chance["What-if 95% upper bound"] = [t.upper_95 for t in precision]
    torn = tornado(inputs.compare_year, sc, inputs.lineup, uncertainty)
    where = f"{sim.paths:,} paths around scenario {sc.name}, seed {sim.seed}"
    recipe = "no forecast year in the horizon" if f is None else _recipe_text(f)
    return [
        Block(
            "risk_fan",
            f"Calibrated forecast ({recipe}), yearly total (units); Scenario and What-if P50: what-if, {where} "
            f"(Scenario without uncertainty); {_current_year(sim)}",
            fan,
        ),
        Block(
            "risk_probability",
            f"Probability of reaching {target:,.0f} a year, calibrated forecast with its standard error "
            f"({_chance_method(f)}); What-if columns: {where}",
            chance,
        ),
        Block(
            "risk_tornado",
            f"What-if tornado: total in {inputs.compare_year} with one driver at its P10 and P90, scenario {sc.name} "
            "(units)",
            torn,
        ),
    ]


def _calibrated(inputs: RefreshInputs, sim, ps, target: float, uncertainty, ytd, ytd_months) -> Forecast | None:
    """The calibrated forecast (the headline recipe) over the horizon's forecast years, at
    the Risk sheet's paths and seed; ``None`` when the horizon ends before them."""
    first = latest_actual()[0] + 1
    lo = max(inputs.start_year, first)
    if inputs.end_year < lo:
        return None
    conditioned = ytd is not None and lo == inputs.start_year
    return forecast(
        inputs.lineup,
        lo,
        inputs.end_year,
        percentiles=ps,
        paths=sim.paths,
        seed=sim.seed,
        target=target,
        ytd=ytd if conditioned else None,
        ytd_months=ytd_months if conditioned else None,
        uncertainty=uncertainty,
    )


def _recipe_text(f: Forecast) -> str:
    how = CANDIDATE_NAMES[f.method]
    if f.method == "combination":
        how += f", model weight {f.weight:.1f}"
    elif f.weight == 0.0:
        how += ", in the model's path order"
    return f"{how}; {f.paths:,} paths, seed {f.seed}"


def _chance_method(f: Forecast | None) -> str:
    """How the calibrated forecast's yearly probabilities are computed (:meth:`Forecast.chance_in`)."""
    if f is not None and f.weight == 0.0 and not f.conditioned:
        return "the random walk's closed form, exact"
    return f"importance sampling below {MIN_HITS} paths"


def _rows(f: Forecast | None, years) -> np.ndarray:
    """Per horizon year, its column in ``f.totals`` (-1: a year before the forecast)."""
    if f is None:
        return np.full(len(years), -1)
    pos = {int(y): i for i, y in enumerate(f.all_years)}
    return np.array([pos.get(int(y), -1) for y in years])


def _calibrated_fan(f: Forecast | None, sim, ps) -> pd.DataFrame:
    """``Year``, the percentiles and ``Mean`` of the calibrated forecast; blank in years
    before the first forecast year (they are actuals, not forecasts)."""
    fan = sim.percentiles(ps)
    cols = _rows(f, sim.years)
    for c in fan.columns[1:]:
        fan[c] = np.nan
    fan["Mean"] = np.nan
    if f is not None:
        on = cols >= 0
        values = np.percentile(f.totals[:, cols[on]], f.percentiles, axis=0)
        for c, v in zip(fan.columns[1 : 1 + len(f.percentiles)], values):
            fan.loc[on, c] = v
        fan.loc[on, "Mean"] = f.totals[:, cols[on]].mean(axis=0)
    return fan


def _calibrated_chance(f: Forecast | None, sim, target: float) -> pd.DataFrame:
    """``Year``, ``Probability``, ``Standard error`` and ``95% upper bound`` of the
    calibrated forecast in each year (:meth:`Forecast.chance_in`: the share of its paths, or with
    few paths over the line its efficient estimate; a random-walk headline's closed form)."""
    rows: list[list[float | None]] = []
    for y, c in zip(sim.years, _rows(f, sim.years)):
        if f is None or c < 0:
            rows.append([int(y), np.nan, np.nan, np.nan])
            continue
        est = f.chance_in(int(y), target)
        rows.append([int(y), est.probability, est.standard_error, est.upper_95])
    return pd.DataFrame(rows, columns=["Year", "Probability", "Standard error", "95% upper bound"])


def _current_year(sim) -> str:
    """Whether the fan's first year is conditioned on year-to-date units, in words."""
    if sim.ytd is None:
        return "current year unconditioned"
    units, months = sim.ytd
    return (
        f"{int(sim.years[0])} conditioned on year-to-date units "
        f"({units:,.0f} in {months} month{'s' if months != 1 else ''})"
    )
