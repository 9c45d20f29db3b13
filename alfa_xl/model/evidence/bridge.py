"""The bridge: from the last actual to each forecast year, model by model, in units.

What moves the number is shown on the **central case**: the calibrated recipe's own
deterministic path (the forecast's lineup, its models on sale anchored to the latest
actual, and its ``track_record`` scenario: launches at the stated date plus the rounded
mean slip, planned peaks times the built models' median peak realisation), with every
draw at its central value (no cancellation, no noise). That path is one projection, so
it splits exactly by model: for model *m* and year *y* the change is
``units(m, y) - units(m, last actual year)``, and the changes of a year sum to the central
case of that year minus the last actual (73,000 in 2025), to rounding.

It is not the P50 of the Monte Carlo: the P50 also carries cancellations (a planned model
is built with probability 0.29 to 0.71), slips and the yearly noise, which a model-by-model
split of a percentile cannot show. The bridge says where the volume comes from if the
recipe's central assumptions hold; the fan says how far the outcome may be from it. When
the headline is a random walk (the rolling backtest's choice, docs/simulation.md), its P50
does not use the lineup at all, and the bridge is what the lineup alone would imply.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import Scenario

__all__ = ["bridge", "bridge_table", "BRIDGE_COLUMNS", "BASIS"]

#: Columns of :func:`bridge`.
BRIDGE_COLUMNS = ("model", "year", "change")
#: What the bridge is a bridge of, in one line (shown next to it).
BASIS = (
    "central case: the calibrated recipe with every draw at its central value (launches at the stated date "
    "plus the mean slip, planned peaks times the median realisation, none cancelled, no noise)"
)


def bridge(lineup: Lineup, scenario: Scenario, base_year: int, years: Any) -> pd.DataFrame:
    """Change in units from ``base_year`` to each of ``years``, by model, on the
    deterministic path of ``lineup`` under ``scenario`` (module docstring).

    Returns a long frame with :data:`BRIDGE_COLUMNS`, one row per model and year (lineup
    order, then year), and ``attrs`` ``base_units`` (the path's total in ``base_year``) and
    ``central`` (year -> the path's total).

    >>> from alfa_xl.model.engine.lineup import Model
    >>> lu = Lineup([Model("A", 2020, 10_000, status="on_sale", plateau=1.0, decay=0.0),
    ...              Model("B", 2027, 4_000, launch_fraction=0.5)])
    >>> b = bridge(lu, Scenario(name="s"), 2025, [2027, 2028])
    >>> b["change"].tolist()  # A: late life from age 5 at 25% a year, 10,000 x (0.75^k - 1); B: half, then all
    [-4375.0, -5781.25, 2000.0, 4000.0]
    """
    ys = sorted({int(y) for y in years})
    first, last = min(base_year, ys[0]), max(ys)
    proj = project(lineup, scenario, first, last, base_year=base_year)
    per_model = proj.units.sum(axis=2)  # (Y, M)
    at = {int(y): i for i, y in enumerate(proj.years)}
    base = per_model[at[base_year]]
    rows = [(name, y, float(per_model[at[y], m] - base[m])) for m, name in enumerate(lineup.names) for y in ys]
    out = pd.DataFrame(rows, columns=list(BRIDGE_COLUMNS))
    out.attrs["base_units"] = float(base.sum())
    out.attrs["central"] = {y: float(per_model[at[y]].sum()) for y in ys}
    out.attrs["base_year"] = int(base_year)
    return out


def bridge_table(frame: pd.DataFrame, max_models: int | None = None) -> pd.DataFrame:
    """The bridge as a table: ``Model`` then one column per year; first row the last actual,
    then each model's change (models that never move left out; beyond ``max_models`` the
    smallest movers summed as ``Other models``), then ``Central case``.

    >>> from alfa_xl.model.engine.lineup import Model
    >>> lu = Lineup([Model("A", 2020, 10_000, status="on_sale", plateau=1.0, decay=0.0)])
    >>> bridge_table(bridge(lu, Scenario(name="s"), 2025, [2028])).values.tolist()
    [['2025 actual', 10000.0], ['A', -5781.25], ['Central case', 4218.75]]
    """
    wide = frame.pivot(index="model", columns="year", values="change")
    wide = wide.reindex(list(dict.fromkeys(frame["model"])))
    wide = wide[(wide.abs() > 0.5).any(axis=1)]
    if max_models is not None and len(wide) > max_models:
        order = wide.abs().max(axis=1).sort_values(ascending=False).index
        keep, rest = list(order[: max_models - 1]), list(order[max_models - 1 :])
        other = wide.loc[rest].sum(axis=0).rename("Other models")
        wide = pd.concat([wide.loc[[m for m in wide.index if m in keep]], other.to_frame().T])
    years = list(wide.columns)
    base_year, base_units = frame.attrs["base_year"], frame.attrs["base_units"]
    top = pd.DataFrame([[f"{base_year} actual", *[base_units] * len(years)]], columns=["Model", *years])
    body = wide.reset_index().rename(columns={"index": "Model", "model": "Model"})
    body.columns = ["Model", *years]
    central = pd.DataFrame([["Central case", *[frame.attrs["central"][y] for y in years]]], columns=["Model", *years])
    out = pd.concat([top, body, central], ignore_index=True)
    out.columns = ["Model", *[str(y) for y in years]]
    return out


def check_reconciles(frame: pd.DataFrame) -> float:
    """Largest gap, in units, between a year's changes plus the base and its central total."""
    sums = frame.groupby("year")["change"].sum()
    return float(np.max(np.abs([frame.attrs["base_units"] + sums[y] - c for y, c in frame.attrs["central"].items()])))
