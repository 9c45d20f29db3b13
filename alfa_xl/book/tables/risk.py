"""Tables for the workbook's Risk sheet: the percentile fan, the probability of reaching
the target by year and the tornado.

Pure, like :mod:`alfa_xl.book.tables.report`: it returns :class:`~alfa_xl.book.tables.report.Block` objects that
the Excel macro and ``alfa-xl refresh`` lay out with
:func:`~alfa_xl.book.tables.report.blocks_to_grid` and write under the defined name ``out_risk``,
so both write exactly the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from alfa_xl.book.tables.report import Block, RefreshInputs
from alfa_xl.model.engine.scenarios import Scenario, get_scenario
from alfa_xl.model.risk.simulate import (
    DEFAULT_PATHS,
    DEFAULT_PERCENTILES,
    DEFAULT_SEED,
    Uncertainty,
    check_target,
    simulate,
)
from alfa_xl.model.risk.tails import mc_probability
from alfa_xl.model.risk.tornado import tornado

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
        Seed of the random streams (default :data:`~alfa_xl.model.risk.simulate.DEFAULT_SEED`), so
        a refresh writes the same figures every time.
    scenario : Scenario or str, optional
        The scenario the paths vary around; the first of ``inputs.scenarios`` when
        omitted (the workbook passes ``in_scenario``).
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
        ``risk_fan``: ``Year``, one column per percentile (``P10``...), ``Mean`` and
        ``Scenario`` (the projection without uncertainty), units a year.
        ``risk_probability``: ``Year``, ``Probability`` (share of paths at or above the
        target, 0 to 1), ``Standard error`` (blank with no path at or above it) and ``95%
        upper bound`` (exact binomial, only then).
        ``risk_tornado``: ``Driver``, ``Low``, ``High``, ``Swing``, ``Low setting``,
        ``High setting`` and ``Scenario`` (the scenario's own total, the centre of the
        tornado chart) for ``compare_year``, largest swing first (units).

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
    sim = simulate(
        inputs.lineup, sc, inputs.start_year, inputs.end_year, paths, seed, uncertainty, ytd=ytd, ytd_months=ytd_months
    )
    fan = sim.percentiles(percentiles if percentiles is not None else DEFAULT_PERCENTILES)
    fan["Mean"] = sim.totals.mean(axis=0)
    fan["Scenario"] = sim.deterministic
    chance = sim.probability_by_year(target)
    precision = [mc_probability(round(p * sim.paths), sim.paths) for p in chance["Probability"]]
    chance["Standard error"] = [t.standard_error for t in precision]
    chance["95% upper bound"] = [t.upper_95 for t in precision]
    torn = tornado(inputs.compare_year, sc, inputs.lineup, uncertainty)
    where = f"{sim.paths:,} paths around scenario {sc.name}, seed {sim.seed}"
    return [
        Block("risk_fan", f"What-if: yearly total across {where} (units); {_current_year(sim)}", fan),
        Block(
            "risk_probability",
            f"What-if: probability of reaching {target:,.0f} a year ({where}), with its standard error",
            chance,
        ),
        Block(
            "risk_tornado",
            f"Tornado: total in {inputs.compare_year} with one driver at its P10 and P90, scenario {sc.name} (units)",
            torn,
        ),
    ]


def _current_year(sim) -> str:
    """Whether the fan's first year is conditioned on year-to-date units, in words."""
    if sim.ytd is None:
        return "current year unconditioned"
    units, months = sim.ytd
    return (
        f"{int(sim.years[0])} conditioned on year-to-date units "
        f"({units:,.0f} in {months} month{'s' if months != 1 else ''})"
    )
