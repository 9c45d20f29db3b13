"""How Alfa Romeo's past plans ended: the track record the ``track_record`` scenario and the
Monte Carlo's spreads are calibrated on.

Everything comes out of the shipped plan tables by counting, means, medians and Laplace's
rule, simple enough to check by hand (no model is fitted here, so the data room holds it),
and every number can be computed **as of** a year: only plans and outcomes resolved
before ``as_of`` are used (no look-ahead), and any plan can be left out (a backtest
never calibrates a plan on itself).

* **Launch slip** (``plan_2014.csv``): for each model of the May 2014 plan that was
  eventually built, actual launch year minus planned launch year (a planned range such as
  2016-2018 counts at its midpoint). Rows that are totals, timing details, models already
  on sale or not planned are left out. A row counts once its ``resolved_year`` (launch, or
  the year it was dropped) is before ``as_of``. All rows: Giulia 1, Stelvio 1, the compact
  SUV (Tonale) 5, mean 2.33 years.
* **Build rate by lead time**: planned models split at a lead (planned year minus 2014) of
  two years; cancellation probability in each class is ``(dropped + 1) / (models + 2)``
  (Laplace's rule: 1/2 with no evidence). All rows: lead <= 2: 1 of 3 dropped -> 0.4;
  lead >= 3: 4 of 5 dropped -> 0.714.
* **Peak realisation, per built model** (``peak_realisation.csv``): the peak each model
  that was built reached, over the peak a user would have assumed for it before launch
  (the decision lineups' equal split of the plan's volume target), counted once per model
  (against the latest plan before its launch) once its peak year is before ``as_of``. All
  rows: Giulia 1.191, Stelvio 1.367, Tonale 0.609, Junior 0.910; median 1.05. This is the
  only realisation applied to planned peaks: the shortfalls from models delayed or never
  built are drawn by the slip and cancellation rules, so they are not counted again here.
  No built model known: 1 (the plan's peaks at face value, an uninformative choice).
* **Revival of a dropped model** (``dropped_models.csv``): models reported dropped from a
  plan before ``as_of`` and later built, Laplace's rule ``(built + 1) / (dropped + 2)``.
  All rows: 1 of 8 (the mid-size SUV dropped in 2011 became the Stelvio) -> 0.2.
* **Volume realisation** (``plan_targets.csv``), a check of the whole only, never applied
  to a model's peak: actual / target for every global sales
  target with a sales outcome and ``counted`` = yes (duplicates and production figures are
  marked no, with the reason in the row's notes). Split by the lead of the promise (target
  year minus the year announced): guidance (lead <= 1) and plans (lead >= 2). A class with
  no resolved target falls back on the pooled median; no target at all gives 1.

``as_of`` is a first forecast year, a :class:`~alfa_xl.model.data.vintage.Vintage`
(the one place rows are cut on their dates) or None (every shipped row). The fit of the
lifecycle curve on late-life records is in :mod:`alfa_xl.model.evidence.calibration`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from alfa_xl.model.data.vintage import Vintage, as_vintage

__all__ = [
    "TrackRecord",
    "track_record",
    "launch_slips",
    "volume_realisation",
    "realisation_table",
    "SHORT_LEAD",
    "CANCEL_LEAD",
    "PLAN_2014",
    "peak_realisation_table",
    "dropped_table",
]

#: Promises at most this many years ahead are "guidance" (realised at the short median).
SHORT_LEAD = 1
#: Planned models at most this many years ahead fall in the near cancellation class.
CANCEL_LEAD = 2
#: Key of the May 2014 plan in ``plan_targets.csv`` (``plan_announced``).
PLAN_2014 = "2014-05"
_PLAN_2014_YEAR = 2014


def _planned_year(text: str) -> float | None:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    if not years or "current" in text.lower():
        return None
    return (min(years) + max(years)) / 2


def _plan_2014_rows(as_of: int | Vintage | None, exclude_plans: tuple[str, ...]) -> list[tuple[float, float | None]]:
    """(planned year, actual launch year or None if never built) of resolved plan models."""
    if PLAN_2014 in exclude_plans:
        return []
    out: list[tuple[float, float | None]] = []
    for _, row in as_vintage(as_of).plan_2014().iterrows():
        name = row["model"]
        if name.upper().startswith("PLAN TOTAL") or "timing detail" in name.lower():
            continue
        planned = _planned_year(row["planned_launch_year"])
        if planned is None or not row.get("resolved_year", "").strip().isdigit():
            continue
        actual = row["actual_launch_year"].strip().lower()
        if actual == "never":
            out.append((planned, None))
            continue
        match = re.match(r"(\d{4})", actual)
        if match:
            out.append((planned, float(match.group(1))))
    return out


def launch_slips(as_of: int | Vintage | None = None, exclude_plans: tuple[str, ...] = ()) -> tuple[list[float], int]:
    """Slip in years of each planned model that was built, and the number never built.

    >>> launch_slips()
    ([1.0, 1.0, 5.0], 5)
    >>> launch_slips(as_of=2018)
    ([1.0, 1.0], 0)
    """
    rows = _plan_2014_rows(as_of, tuple(exclude_plans))
    slips = [actual - planned for planned, actual in rows if actual is not None]
    return slips, sum(1 for _, actual in rows if actual is None)


def _lead(announced: str, target_year: str) -> float | None:
    years = [int(y) for y in re.findall(r"(19\d\d|20\d\d)", announced)]
    if not years or not target_year.strip().isdigit():
        return None
    return float(int(target_year) - max(years))


def realisation_table(as_of: int | Vintage | None = None, exclude_plans: tuple[str, ...] = ()) -> pd.DataFrame:
    """Counted global sales targets resolved before ``as_of``: columns ``plan``,
    ``target_year``, ``lead`` (years), ``target``, ``actual``, ``ratio``."""
    rows = []
    for _, row in as_vintage(as_of).plan_targets().iterrows():
        if row["counted"].strip().lower() != "yes" or row["actual_measure"].strip() != "sales":
            continue
        if row["plan_announced"] in exclude_plans or not row["actual_units_found"].strip():
            continue
        target, actual = float(row["target_units"]), float(row["actual_units_found"])
        rows.append(
            (
                row["plan_announced"],
                int(row["target_year"]),
                _lead(row["plan_announced"], row["target_year"]),
                target,
                actual,
                actual / target,
            )
        )
    return pd.DataFrame(rows, columns=["plan", "target_year", "lead", "target", "actual", "ratio"])


def volume_realisation(as_of: int | Vintage | None = None, exclude_plans: tuple[str, ...] = ()) -> list[float]:
    """Actual / target of every counted global sales target resolved before ``as_of``."""
    return realisation_table(as_of, tuple(exclude_plans))["ratio"].tolist()


def peak_realisation_table(as_of: int | Vintage | None = None) -> pd.DataFrame:
    """Built models' peaks against the peak assumed before launch, counted once per model,
    whose peak year is before ``as_of``: columns ``model``, ``plan``, ``planned_peak``,
    ``actual_peak``, ``actual_year``, ``ratio``.

    >>> peak_realisation_table()["ratio"].round(3).tolist()
    [1.191, 1.367, 0.609, 0.91]
    >>> peak_realisation_table(2018)["model"].tolist()
    ['Giulia', 'Stelvio']
    """
    rows = []
    for _, r in as_vintage(as_of).table("peak_realisation.csv").iterrows():  # dated the year after the peak
        if r["counted"].strip().lower() != "yes":
            continue
        planned, actual = float(r["planned_peak"]), float(r["actual_peak"])
        rows.append((r["model"], r["plan"], planned, actual, int(r["actual_year"]), actual / planned))
    return pd.DataFrame(rows, columns=["model", "plan", "planned_peak", "actual_peak", "actual_year", "ratio"])


def dropped_table(as_of: int | Vintage | None = None) -> pd.DataFrame:
    """Models reported dropped from a plan before ``as_of``: ``model``, ``dropped`` (year)
    and ``built`` (True when built before ``as_of``).

    >>> t = dropped_table()
    >>> len(t), int(t["built"].sum())
    (8, 1)
    """
    v = as_vintage(as_of)
    rows = []
    for _, r in v.table("dropped_models.csv").iterrows():  # dated the year after the drop
        # built by then: its launch year before the first forecast year
        built = r["built"].strip().isdigit() and int(r["built"]) < v.as_of
        rows.append((r["model"], int(r["dropped"]), built))
    return pd.DataFrame(rows, columns=["model", "dropped", "built"])


@dataclass(frozen=True)
class TrackRecord:
    """Summary of past plans as known before ``as_of`` (``None``: everything shipped).

    ``peak_realisation`` is the median of ``peak_realisations``, each built model's peak
    over the peak assumed before its launch (1 when none is known): the one realisation
    applied to planned peaks. ``realisation_short`` / ``realisation_long`` (and
    ``median_realisation``, pooled) are the median actual/target of brand-wide volume
    promises at most :data:`SHORT_LEAD` years ahead and further ahead: a check of the
    whole, never multiplied onto a model. ``cancel_near`` / ``cancel_far`` are the
    cancellation probability of a planned model at most :data:`CANCEL_LEAD` years ahead
    and further ahead; ``revival_probability`` the probability that a model reported
    dropped is built after all.
    """

    mean_slip_years: float
    build_rate: float
    median_realisation: float
    slips: tuple[float, ...]
    realisations: tuple[float, ...]
    realisation_short: float
    realisation_long: float
    cancel_near: float
    cancel_far: float
    peak_realisations: tuple[float, ...] = ()
    peak_realisation: float = 1.0
    revival_probability: float = 0.5
    as_of: int | None = None
    excluded: tuple[str, ...] = ()

    def realisation(self, lead: float) -> float:
        """The realisation applied to a planned model's peak: the per-built-model median
        (:attr:`peak_realisation`), whatever the lead (too few built models to split them
        by lead; the brand-wide figures by lead are a check, see the class docstring)."""
        return self.peak_realisation

    def brand_realisation(self, lead: float) -> float:
        """Median brand-wide realisation of a volume promise ``lead`` years ahead (a check)."""
        return self.realisation_short if lead <= SHORT_LEAD else self.realisation_long

    def cancel_probability(self, lead: float) -> float:
        """Probability that a model planned ``lead`` years ahead is never built."""
        return self.cancel_near if lead <= CANCEL_LEAD else self.cancel_far


def _median(values: list[float], fallback: float) -> float:
    return float(np.median(values)) if values else fallback


@lru_cache(maxsize=64)
def track_record(as_of: int | Vintage | None = None, exclude_plans: tuple[str, ...] = ()) -> TrackRecord:
    """Calibrate :class:`TrackRecord` from the plan tables resolved before ``as_of``,
    leaving out the plans keyed in ``exclude_plans`` (``plan_announced`` values).

    >>> tr = track_record()
    >>> round(tr.realisation_short, 3), round(tr.realisation_long, 4), round(tr.cancel_far, 3)
    (0.694, 0.2045, 0.714)
    >>> round(tr.peak_realisation, 4), tr.revival_probability
    (1.0505, 0.2)
    """
    exclude_plans = tuple(exclude_plans)
    slips, never = launch_slips(as_of, exclude_plans)
    rows = _plan_2014_rows(as_of, exclude_plans)
    near = [actual is None for planned, actual in rows if planned - _PLAN_2014_YEAR <= CANCEL_LEAD]
    far = [actual is None for planned, actual in rows if planned - _PLAN_2014_YEAR > CANCEL_LEAD]
    table = realisation_table(as_of, exclude_plans)
    real = table["ratio"].tolist()
    pooled = _median(real, 1.0)
    peak_rows = peak_realisation_table(as_of)
    peaks = peak_rows.loc[~peak_rows["plan"].isin(exclude_plans), "ratio"].tolist()
    dropped = dropped_table(as_of)
    built = len(slips)
    return TrackRecord(
        mean_slip_years=float(np.mean(slips)) if slips else 0.0,
        build_rate=built / (built + never) if built + never else math.nan,
        median_realisation=pooled,
        slips=tuple(slips),
        realisations=tuple(real),
        realisation_short=_median(table.loc[table["lead"] <= SHORT_LEAD, "ratio"].tolist(), pooled),
        realisation_long=_median(table.loc[table["lead"] > SHORT_LEAD, "ratio"].tolist(), pooled),
        cancel_near=(sum(near) + 1) / (len(near) + 2),
        cancel_far=(sum(far) + 1) / (len(far) + 2),
        peak_realisations=tuple(peaks),
        peak_realisation=_median(peaks, 1.0),
        revival_probability=(int(dropped["built"].sum()) + 1) / (len(dropped) + 2),
        as_of=as_of.as_of if isinstance(as_of, Vintage) else as_of,
        excluded=exclude_plans,
    )
