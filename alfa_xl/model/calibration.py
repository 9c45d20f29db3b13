"""Calibration of the ``track_record`` scenario on how Alfa Romeo's past plans ended.

Two numbers come out of the shipped plan tables, by rules simple enough to check by hand:

* **Launch slip** (``plan_2014.csv``): for each model of the May 2014 plan that was
  eventually built, actual launch year minus planned launch year (a planned range such as
  2016-2018 counts at its midpoint). Rows that are totals, timing details, models already
  on sale or not planned are left out. Giulia slipped 1 year, Stelvio 1, the compact SUV
  (Tonale) 5: mean 2.33 years.
* **Build rate**: the share of those planned models that were ever built (3 of 8).
* **Volume realisation** (``plan_targets.csv``): for every global-sales target with a
  known outcome, actual ÷ target. The median of the eleven such targets is 0.441.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from alfa_xl.model.sources import plan_2014, plan_targets

__all__ = ["TrackRecord", "track_record", "launch_slips", "volume_realisation"]


def _planned_year(text: str) -> float | None:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    if not years or "current" in text.lower():
        return None
    return (min(years) + max(years)) / 2


def launch_slips() -> tuple[list[float], int]:
    """Slip in years of each planned model that was built, and the number never built.

    >>> launch_slips()
    ([1.0, 1.0, 5.0], 5)
    """
    slips: list[float] = []
    never = 0
    for _, row in plan_2014().iterrows():
        name = row["model"]
        if name.upper().startswith("PLAN TOTAL") or "timing detail" in name.lower():
            continue
        planned = _planned_year(row["planned_launch_year"])
        if planned is None:
            continue
        actual = row["actual_launch_year"].strip().lower()
        if actual == "never":
            never += 1
            continue
        match = re.match(r"(\d{4})", actual)
        if match:
            slips.append(float(int(match.group(1)) - planned))
    return slips, never


def volume_realisation() -> list[float]:
    """Actual ÷ target for every global-sales target with a known outcome."""
    table = plan_targets()
    out = []
    for _, row in table.iterrows():
        if not row["basis"].strip().lower().startswith("global"):
            continue
        try:
            target, actual = float(row["target_units"]), float(row["actual_units_found"])
        except ValueError:
            continue
        out.append(actual / target)
    return out


@dataclass(frozen=True)
class TrackRecord:
    """Summary of past plans: mean slip (years), build rate and median realisation."""

    mean_slip_years: float
    build_rate: float
    median_realisation: float
    slips: tuple[float, ...]
    realisations: tuple[float, ...]


@lru_cache(maxsize=1)
def track_record() -> TrackRecord:
    """Calibrate :class:`TrackRecord` from the shipped plan tables."""
    slips, never = launch_slips()
    real = volume_realisation()
    return TrackRecord(
        mean_slip_years=float(np.mean(slips)),
        build_rate=len(slips) / (len(slips) + never),
        median_realisation=float(np.median(real)),
        slips=tuple(slips),
        realisations=tuple(real),
    )
