"""Tables assembled from the engine for people: scenario comparison, scenario parameters
and the blocks the refresh (Excel macro or ``alfa-xl refresh``) writes into a workbook.

Everything here is pure: it returns DataFrames and plain lists of values, never touches
Excel or files, so the macro and the headless refresh write exactly the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl import validation as v
from alfa_xl.model.engine.gap import DEFAULT_TARGET, first_year_at_target, gap_table
from alfa_xl.model.engine.lineup import Lineup, default_lineup
from alfa_xl.model.engine.projection import default_horizon, project
from alfa_xl.model.engine.scenarios import BUILTIN, Scenario, get_scenario

__all__ = [
    "COMPARE_COLUMNS",
    "compare_scenarios",
    "scenarios_table",
    "Block",
    "RefreshInputs",
    "refresh_blocks",
    "blocks_to_grid",
    "clean",
]

#: Columns of :func:`compare_scenarios`.
COMPARE_COLUMNS = ("Scenario", "Total", "Target", "Gap", "Share of target", "First year at target")
#: Last year searched for "first year at target" in comparisons.
SEARCH_END = 2040


def compare_scenarios(
    year: int = v.DEFAULT_YEAR,
    target: float = DEFAULT_TARGET,
    lineup: Lineup | None = None,
    scenarios: Sequence[Scenario | str] | None = None,
    search_end: int = SEARCH_END,
) -> pd.DataFrame:
    """One row per scenario: total in ``year``, target, gap, share and first year at target.

    "First year at target" searches from the first projection year (2026) to
    ``max(year, search_end)``; empty (``None``) when not reached. ``Gap`` is target minus
    total (positive = short of the target), in units a year.

    >>> t = compare_scenarios(2030, scenarios=["base", "bull"])
    >>> t["Scenario"].tolist(), bool((t["Gap"] == t["Target"] - t["Total"]).all())
    (['base', 'bull'], True)
    """
    target = v.number(target, "target", "target")
    start, _ = default_horizon()
    year = v.year(year, "year")
    rows = []
    for sc in scenarios if scenarios is not None else list(BUILTIN):
        sc = get_scenario(sc)
        proj = project(lineup, sc, start_year=min(start, year), end_year=max(year, search_end))
        total = proj.total(year)
        rows.append(
            (
                sc.name,
                total,
                float(target),
                float(target) - total,
                total / float(target),
                first_year_at_target(proj, target),
            )
        )
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


def scenarios_table(scenarios: Sequence[Scenario | str] | None = None) -> pd.DataFrame:
    """Every scenario with its parameters and reasoning, one row each."""
    rows = []
    for sc in scenarios if scenarios is not None else list(BUILTIN):
        sc = get_scenario(sc)
        rows.append(
            {
                "Scenario": sc.name,
                "Description": sc.description,
                "delay_years": sc.delay_years,
                "peak_multiplier": sc.peak_multiplier,
                "na_tariff": sc.na_tariff,
                "market_trend": sc.market_trend,
                "use_announced_dates": sc.use_announced_dates,
                "include_reported_cancelled": sc.include_reported_cancelled,
                "cancel": "; ".join(sc.cancel),
                "per-model": "; ".join(
                    [f"delay:{m}={v}" for m, v in sc.delays] + [f"peak:{m}={v:g}" for m, v in sc.peak_multipliers]
                ),
                "Reasoning": sc.reasoning,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Block:
    """A titled table: ``title`` on its own row, then the frame's header and rows."""

    name: str
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class RefreshInputs:
    """What a refresh reads from a workbook's Inputs (validated by the engine's objects)."""

    target: float = DEFAULT_TARGET
    start_year: int = field(default_factory=lambda: default_horizon()[0])
    end_year: int = field(default_factory=lambda: default_horizon()[1])
    scenarios: tuple[str | Scenario, ...] = tuple(BUILTIN)
    lineup: Lineup = field(default_factory=default_lineup)
    compare_year: int = v.DEFAULT_YEAR


def refresh_blocks(inputs: RefreshInputs) -> dict[str, list[Block]]:
    """The tables a refresh writes, grouped by output area.

    Returns ``{"scenarios": [...], "compare": [...], "gap": [...]}``: one by-model
    projection per scenario, the scenario comparison, and one gap table per scenario.
    Validation happens here (every projection is computed) before anything is written.
    """
    scenarios = [get_scenario(s) for s in inputs.scenarios]
    projections = [project(inputs.lineup, s, inputs.start_year, inputs.end_year) for s in scenarios]
    blocks = {
        "scenarios": [
            Block(f"projection_{s.name}", f"Scenario: {s.name} ({s.description})", p.by_model().reset_index())
            for s, p in zip(scenarios, projections)
        ],
        "compare": [
            Block(
                "compare",
                f"Scenarios compared in {inputs.compare_year} against {inputs.target:,.0f}",
                compare_scenarios(inputs.compare_year, inputs.target, inputs.lineup, scenarios),
            )
        ],
        "gap": [
            Block(f"gap_{s.name}", f"Gap to {inputs.target:,.0f}: {s.name}", gap_table(p, inputs.target))
            for s, p in zip(scenarios, projections)
        ],
    }
    return blocks


def clean(value: Any) -> Any:
    """A value safe for a cell: NaN, infinity and pandas NA become ``None``; NumPy
    scalars become Python numbers.

    >>> import numpy as np
    >>> clean(np.float64("nan")) is None, clean(np.int64(7)), clean("text")
    (True, 7, 'text')
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def blocks_to_grid(blocks: Sequence[Block]) -> list[list[Any]]:
    """Lay blocks out top to bottom (title row, header row, data rows, one blank row
    between blocks) as a rectangular list of rows, padded with ``None``."""
    rows: list[list[Any]] = []
    for i, b in enumerate(blocks):
        if i:
            rows.append([])
        rows.append([b.title])
        rows.append([str(c) for c in b.frame.columns])
        rows.extend([clean(v) for v in r] for r in b.frame.itertuples(index=False, name=None))
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]
