"""The read-only result of a Monte Carlo run (:func:`alfa_xl.model.risk.simulate.simulate`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl.errors import HorizonError
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.scenarios import Scenario
from alfa_xl.model.risk.settings import check_number, check_percentiles, check_target
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = ["Simulation", "percentile_label"]


def percentile_label(p: float) -> str:
    """Column name of a percentile: ``P10``, ``P2.5``.

    >>> percentile_label(10.0), percentile_label(2.5)
    ('P10', 'P2.5')
    """
    return f"P{p:g}"


@dataclass(frozen=True)
class Simulation:
    """Read-only result of :func:`simulate`.

    Attributes
    ----------
    lineup : Lineup
    scenario : Scenario
        The scenario the paths vary around.
    uncertainty : Uncertainty
    seed : int
    years : numpy.ndarray
        Calendar years, shape ``(Y,)``.
    totals : numpy.ndarray
        Total units (all models and regions) per path and year, shape ``(paths, Y)``;
        read-only, not rounded.
    deterministic : numpy.ndarray
        The scenario's own totals (:func:`~alfa_xl.model.engine.projection.project`), shape ``(Y,)``.
    ytd : (float, int) or None
        Year-to-date units and months the first year is conditioned on; ``None``: the
        current year is unconditioned (the curve's alone).
    """

    lineup: Lineup
    scenario: Scenario
    uncertainty: Uncertainty
    seed: int
    years: np.ndarray
    totals: np.ndarray
    deterministic: np.ndarray
    ytd: tuple[float, int] | None = None

    @property
    def paths(self) -> int:
        """Number of simulated paths."""
        return int(self.totals.shape[0])

    def _column(self, year: Any) -> int:
        fix = f"give a year from {self.years[0]} to {self.years[-1]}"
        if year is None:
            return len(self.years) - 1
        value = check_number("year", year, -math.inf, math.inf, fix)
        idx = np.flatnonzero(self.years == value)
        if idx.size == 0:
            raise HorizonError("year", year, fix, "outside the simulated years")
        return int(idx[0])

    def probability(self, target: float = DEFAULT_TARGET, year: int | None = None) -> float:
        """Share of paths whose total in ``year`` (default: the last year) reaches
        ``target`` (units a year, total >= target), between 0 and 1.

        Examples
        --------
        >>> from alfa_xl.model.risk.simulate import simulate
        >>> sim = simulate(paths=2000, seed=1, end_year=2030)
        >>> sim.probability(1, 2030), sim.probability(10_000_000, 2030)
        (1.0, 0.0)
        """
        col = self._column(year)
        return float(np.count_nonzero(self.totals[:, col] >= check_target(target)) / self.paths)

    def probability_by_year(self, target: float = DEFAULT_TARGET) -> pd.DataFrame:
        """Columns ``Year`` and ``Probability``: share of paths at or above ``target``."""
        tgt = check_target(target)
        return pd.DataFrame({"Year": self.years, "Probability": (self.totals >= tgt).mean(axis=0)})

    def percentiles(self, percentiles: Iterable[float] | float | None = None) -> pd.DataFrame:
        """Percentiles of the yearly total: column ``Year``, then one column per
        percentile named ``P10``, ``P50``... (units a year; linear interpolation between
        paths, as Excel's ``PERCENTILE.INC``).

        Examples
        --------
        >>> from alfa_xl.model.risk.simulate import simulate
        >>> sim = simulate(paths=2000, seed=1, end_year=2028)
        >>> list(sim.percentiles().columns)
        ['Year', 'P10', 'P50', 'P90']
        """
        ps = check_percentiles(percentiles)
        values = np.percentile(self.totals, ps, axis=0)  # (len(ps), Y)
        data = np.column_stack([self.years, values.T]).astype(object)
        data[:, 0] = self.years.tolist()  # years stay whole numbers
        frame = pd.DataFrame(
            data, columns=["Year", *[percentile_label(p) for p in ps]]
        )  # a repeated percentile repeats its column
        return frame.infer_objects()

    def summary(self, target: float = DEFAULT_TARGET, percentiles: Iterable[float] | None = None) -> pd.DataFrame:
        """One row per year: ``Year``, the percentiles, ``Mean``, ``Scenario`` (the
        deterministic projection) and ``Probability`` of reaching ``target``."""
        frame = self.percentiles(percentiles)
        frame["Mean"] = self.totals.mean(axis=0)
        frame["Scenario"] = self.deterministic
        frame["Probability"] = self.probability_by_year(target)["Probability"].to_numpy()
        return frame
