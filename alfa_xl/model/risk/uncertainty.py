"""How far each Monte Carlo driver may move, and the calibration of those spreads.

Every default comes from the shipped tables by a rule written below, and can be
computed **as of** a year (only data dated before it) with plans left out, so that a
backtest never sees its own future (:func:`calibrated_settings`).

=====================  ===================================================================
setting                rule (all shipped data)
=====================  ===================================================================
slip_mean              mean slip of the built models of the 2014 plan: (1 + 1 + 5) / 3
cancel_near            planned model at most 2 years ahead: Laplace (dropped + 1) / (n + 2)
                       over the 2014 plan, (1 + 1) / (3 + 2) = 0.4
cancel_probability     further ahead: (4 + 1) / (5 + 2) = 0.714
confirmed_odds         ASSUMPTION 0.5: odds of cancellation halved when the launch date
                       and the plant are confirmed (tooling is committed); the record holds
                       no firmness labels to calibrate it on
rumour_odds            ASSUMPTION 2: odds doubled for a model only the press reports
peak_sigma             sd of log(actual peak / peak assumed before launch) over the built
                       models (peak_realisation.csv: Giulia, Stelvio, Tonale, Junior; 0.388);
                       with fewer than two built models known, the sd of log(actual / target)
                       of the brand-wide targets known then (a wider stand-in, stated as such)
revival_probability    a model reported dropped is built after all: Laplace over the models
                       dropped from past plans, (1 + 1) / (8 + 2) = 0.2 (dropped_models.csv)
volume_sigma           yearly sd of the log change of worldwide sales, models on sale: the
                       random-walk estimate sqrt(sum d^2 / sum gap) over consecutive
                       history rows (gaps of several years count as several steps)
trend_sigma            0: the market's moves are inside the brand's own yearly changes,
                       which ``volume_sigma`` already draws; a second spread would count
                       them twice
tariff_sigma           0.36: the one year with US tariffs (2025) moved US sales by -36%
                       (``us_units_2025`` in facts.csv); 0 before 2026 (not yet seen)
correlation            ASSUMPTION 0.5: plan revisions moved every model together (the
                       October 2015 and October 2019 withdrawals in ``plan_paths.csv``);
                       before the first was known, 0 (independent draws: no evidence of
                       common moves yet, an uninformative choice)
=====================  ===================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl import validation
from alfa_xl.errors import SimulationError
from alfa_xl.model.data.past_plans import CANCEL_LEAD, track_record
from alfa_xl.model.data.vintage import Vintage, as_vintage

__all__ = ["Uncertainty", "calibrated_settings", "volume_sigma_from_history", "KINDS", "LIMITS", "FIRMNESS_LEVELS"]

#: Firmness of an announcement, firmest first (the lineup's ``firmness`` column).
FIRMNESS_LEVELS = ("confirmed", "dated", "rumour")
_US_BEFORE_TARIFF = 8_830.0  # 2024 US sales, derived in NOTES.md: 10,898 x 0.81


#: The kind of value of every setting (bounds and fix text in :data:`alfa_xl.validation.LIMITS`).
KINDS = {
    "slip_mean": "slip_mean",
    "cancel_probability": "probability",
    "peak_sigma": "peak_sigma",
    "trend_sigma": "trend_sigma",
    "tariff_sigma": "tariff_sigma",
    "correlation": "correlation",
    "cancel_near": "probability",
    "volume_sigma": "volume_sigma",
    "confirmed_odds": "odds",
    "rumour_odds": "odds",
    "revival_probability": "probability",
}
#: The limits of every setting, by setting name.
LIMITS = {name: validation.LIMITS[kind] for name, kind in KINDS.items()}


def volume_sigma_from_history(before: int | Vintage | None = None) -> float:
    """Yearly sd of the log change of worldwide sales, from history rows before ``before``.

    Treating log sales as a random walk, a change over a gap of *g* years has variance
    *g* sigma^2, so sigma^2 = sum(d^2) / sum(g) over consecutive rows.

    >>> round(volume_sigma_from_history(), 3)
    0.239
    """
    h = as_vintage(before).history()
    years, logs = h["year"].to_numpy(float), np.log(h["units"].to_numpy(float))
    if len(years) < 2:
        return 0.0
    return float(math.sqrt(np.sum(np.diff(logs) ** 2) / np.sum(np.diff(years))))


def _revision_known(as_of: int | Vintage | None) -> bool:
    """Whether a plan revision that moved every model together is dated before the origin."""
    paths = as_vintage(as_of).table("plan_paths.csv")
    return bool((paths["target_units"].str.strip() == "").any())


@lru_cache(maxsize=64)
def _settings(as_of: int | Vintage | None, exclude_plans: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    tr = track_record(as_of, exclude_plans)
    per_model = np.log(tr.peak_realisations) if tr.peak_realisations else np.array([])
    logs = np.log(tr.realisations) if tr.realisations else np.array([])
    if len(per_model) >= 2:
        peak_sigma = float(np.std(per_model, ddof=1))
    elif len(logs) >= 2:  # ASSUMPTION: no per-model spread measurable yet; the brand-wide one, wider, stands in
        peak_sigma = float(np.std(logs, ddof=1))
    else:  # ASSUMPTION: one miss seen; the plan figure may be off by as much again
        peak_sigma = float(abs(logs[0])) if len(logs) else 0.0
    tariff = 0.0
    us_2025 = as_vintage(as_of).fact("us_units_2025")  # published January 2026
    if us_2025 is not None:
        tariff = abs(us_2025 / _US_BEFORE_TARIFF - 1.0)
    out = {
        "slip_mean": float(tr.mean_slip_years),
        "cancel_probability": float(tr.cancel_far),
        "peak_sigma": peak_sigma,
        "trend_sigma": 0.0,
        "tariff_sigma": round(tariff, 2),
        "correlation": 0.5 if _revision_known(as_of) else 0.0,
        "cancel_near": float(tr.cancel_near),
        "volume_sigma": volume_sigma_from_history(as_of),
        "confirmed_odds": 0.5,
        "rumour_odds": 2.0,
        "revival_probability": float(tr.revival_probability),
    }
    return tuple(out.items())


def calibrated_settings(as_of: int | Vintage | None = None, exclude_plans: tuple[str, ...] = ()) -> dict[str, float]:
    """The calibrated settings from data dated before ``as_of`` (a first forecast year or a
    :class:`~alfa_xl.model.data.vintage.Vintage`; ``None``: all shipped data), leaving
    out the plans keyed in ``exclude_plans`` (module docstring)."""
    key = as_of if as_of is None or isinstance(as_of, Vintage) else int(as_of)
    return dict(_settings(key, tuple(exclude_plans)))


@dataclass(frozen=True)
class Uncertainty:
    """How far each driver may move around a scenario; validated when built.

    Build the calibrated default with :meth:`track_record` (also ``Uncertainty()``), the
    same calibration as of a past year with :meth:`as_of`, no uncertainty at all with
    :meth:`none`, and variations with :meth:`with_`.

    Attributes
    ----------
    slip_mean : float
        Expected launch slip of a planned model in years, *counting the delay the
        scenario already applies to it*: the extra slip drawn is Poisson with mean
        ``max(0, slip_mean - scenario delay)``. 0 to 10.
    cancel_probability : float
        Probability that a planned model more than two years ahead is never built, 0 to 1.
    peak_sigma : float
        Standard deviation of the log of a planned model's peak multiplier (median 1:
        the scenario's peak). 0 to 2.
    trend_sigma : float
        Standard deviation of the yearly market trend around the scenario's, as a rate. 0 to 0.2.
    tariff_sigma : float
        Standard deviation of the North America volume effect around the scenario's
        ``na_tariff`` (0.36 = 36% of North America volume). 0 to 1.
    correlation : float
        Weight of the common "brand year" factor in every draw, 0 to 1.
    cancel_near : float
        Probability that a planned model at most two years ahead is never built, 0 to 1.
    volume_sigma : float
        Yearly standard deviation of the log volume of models on sale (a random walk
        from the latest actual year), 0 to 1.
    confirmed_odds, rumour_odds : float
        Multipliers on the odds of cancellation of a model whose date and plant are
        confirmed, and of a model only rumoured (``dated`` models: 1), 0 to 100.
    revival_probability : float
        Probability that a model the lineup marks ``reported_cancelled`` is built after all
        (at its lineup date plus the drawn slip) when the scenario leaves it out, 0 to 1.
    """

    slip_mean: float = field(default_factory=lambda: calibrated_settings()["slip_mean"])
    cancel_probability: float = field(default_factory=lambda: calibrated_settings()["cancel_probability"])
    peak_sigma: float = field(default_factory=lambda: calibrated_settings()["peak_sigma"])
    trend_sigma: float = field(default_factory=lambda: calibrated_settings()["trend_sigma"])
    tariff_sigma: float = field(default_factory=lambda: calibrated_settings()["tariff_sigma"])
    correlation: float = field(default_factory=lambda: calibrated_settings()["correlation"])
    cancel_near: float = field(default_factory=lambda: calibrated_settings()["cancel_near"])
    volume_sigma: float = field(default_factory=lambda: calibrated_settings()["volume_sigma"])
    confirmed_odds: float = field(default_factory=lambda: calibrated_settings()["confirmed_odds"])
    rumour_odds: float = field(default_factory=lambda: calibrated_settings()["rumour_odds"])
    revival_probability: float = field(default_factory=lambda: calibrated_settings()["revival_probability"])

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(
                self, f.name, validation.number(getattr(self, f.name), f.name, KINDS[f.name], error=SimulationError)
            )

    @classmethod
    def track_record(cls) -> Uncertainty:
        """The default, calibrated on all shipped data (module docstring).

        >>> u = Uncertainty.track_record()
        >>> round(u.slip_mean, 3), round(u.cancel_near, 3), round(u.cancel_probability, 3), round(u.peak_sigma, 3)
        (2.333, 0.4, 0.714, 0.356)
        """
        return cls(**calibrated_settings())

    @classmethod
    def as_of(cls, year: int | Vintage, exclude_plans: tuple[str, ...] = ()) -> Uncertainty:
        """The same calibration on data dated before ``year``, leaving out some plans."""
        return cls(**calibrated_settings(year, tuple(exclude_plans)))

    @classmethod
    def none(cls) -> Uncertainty:
        """No uncertainty: every path is the scenario itself."""
        return cls(
            slip_mean=0.0,
            cancel_probability=0.0,
            peak_sigma=0.0,
            trend_sigma=0.0,
            tariff_sigma=0.0,
            correlation=0.0,
            cancel_near=0.0,
            volume_sigma=0.0,
            confirmed_odds=1.0,
            rumour_odds=1.0,
            revival_probability=0.0,
        )

    def with_(self, **changes: Any) -> Uncertainty:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)

    def to_frame(self) -> pd.DataFrame:
        """The settings as a two-column table (parameter, value)."""
        return pd.DataFrame([(f.name, getattr(self, f.name)) for f in fields(self)], columns=["parameter", "value"])

    def cancel_probabilities(self, lead: np.ndarray, firmness: list[str]) -> np.ndarray:
        """Probability that each planned model is never built, by lead (years from the
        first forecast year to its launch) and firmness.

        >>> u = Uncertainty.none().with_(cancel_near=0.4, cancel_probability=0.6, confirmed_odds=0.5)
        >>> u.cancel_probabilities(np.array([1, 3]), ["confirmed", "dated"]).round(4).tolist()
        [0.25, 0.6]
        """
        base = np.where(np.asarray(lead, float) <= CANCEL_LEAD, self.cancel_near, self.cancel_probability)
        factor = np.array(
            [{"confirmed": self.confirmed_odds, "rumour": self.rumour_odds}.get(f, 1.0) for f in firmness]
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = base / (1.0 - base) * factor
            p = np.where(base >= 1.0, 1.0, odds / (1.0 + odds))
        return np.where(base <= 0.0, 0.0, p)
