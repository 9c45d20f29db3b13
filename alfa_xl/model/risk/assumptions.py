"""Which assumptions of the shipped lineup matter: each one moved by a stated amount.

Every number of ``lineup.csv`` is marked sourced, derived or assumption
(:func:`alfa_xl.model.data.sources.lineup_basis`). For each *assumption* this module moves the
number by the amount in :data:`PERTURBATIONS` (always in the direction that lowers
volume, so the effects are comparable), reruns the Monte Carlo
(:func:`alfa_xl.model.risk.simulate.simulate`, base scenario, fixed seed) and measures how much
the P50 of the comparison year (default 2030) and the P50 of the cumulative units over
the projection years (default 2026-2030) move. The same seed gives every run the same
random streams (they are keyed by model name), so the differences come from the
assumption, not from sampling noise.

The ranking orders assumptions by the larger of the two relative moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from alfa_xl import validation as v
from alfa_xl.model.data.sources import latest_actual, lineup_basis
from alfa_xl.model.engine.lineup import REGION_COLUMNS, Lineup, Model, default_lineup
from alfa_xl.model.risk.result import Simulation
from alfa_xl.model.risk.settings import DEFAULT_SEED
from alfa_xl.model.risk.simulate import simulate

__all__ = ["Perturbation", "PERTURBATIONS", "DEFAULT_PATHS", "RANK_COLUMNS", "rank_assumptions", "perturb"]

#: Paths per run: enough for P50 to settle (same seed in every run), few enough that
#: ranking every assumption takes seconds.
DEFAULT_PATHS = 4000


@dataclass(frozen=True)
class Perturbation:
    """How one lineup column is moved: ``label`` says it in words, ``apply`` does it."""

    label: str
    apply: Callable[[Model], dict]


def _shift_share(m: Model) -> dict:
    na, europe = m.share_north_america, m.share_rest_of_europe
    step = min(0.05, europe)
    return {"share_north_america": na + step, "share_rest_of_europe": europe - step}


#: The stated move of each kind of assumption (each lowers volume, except the regional
#: split, which only changes how much the North America tariff draw bites).
PERTURBATIONS: dict[str, Perturbation] = {
    "peak_units": Perturbation("peak 20% lower (x0.8)", lambda m: {"peak_units": m.peak_units * 0.8}),
    "launch_year": Perturbation("launch one year later", lambda m: {"launch_year": m.launch_year + 1}),
    "announced_year": Perturbation(
        "announced one year later", lambda m: {"announced_year": (m.announced_year or m.launch_year) + 1}
    ),
    "launch_fraction": Perturbation(
        "0.25 less of the launch year on sale", lambda m: {"launch_fraction": max(0.0, m.launch_fraction - 0.25)}
    ),
    "plateau": Perturbation("plateau 0.1 lower", lambda m: {"plateau": max(0.0, m.plateau - 0.1)}),
    "decay": Perturbation("settles 0.3 a year faster", lambda m: {"decay": m.decay + 0.3}),
    "decline_after": Perturbation(
        "late life starts 2 years earlier", lambda m: {"decline_after": max(1.0, m.decline_after - 2)}
    ),
    "hold_until": Perturbation(
        "held one year less",
        lambda m: {"hold_until": None if m.hold_until is None else max(m.launch_year, m.hold_until - 1)},
    ),
    "decline_rate": Perturbation(
        "late-life fall 0.1 a year faster", lambda m: {"decline_rate": min(1.0, m.decline_rate + 0.1)}
    ),
    **{
        c: Perturbation("0.05 of volume moved from rest of Europe to North America", _shift_share)
        for c in REGION_COLUMNS
    },
}

#: Columns of :func:`rank_assumptions`, in order.
RANK_COLUMNS = (
    "Rank",
    "Model",
    "Column",
    "Value",
    "Moved",
    "P50 year",
    "Change P50 year",
    "Change P50 year %",
    "P50 cumulative",
    "Change P50 cumulative",
    "Change P50 cumulative %",
    "Reason",
)


def perturb(lineup: Lineup, model: str, column: str) -> Lineup:
    """The lineup with one model's ``column`` moved as :data:`PERTURBATIONS` says.

    >>> lu = perturb(default_lineup(), "Junior", "peak_units")
    >>> lu["Junior"].peak_units, default_lineup()["Junior"].peak_units
    (26400.0, 33000.0)
    """
    target = lineup[model]
    changed = replace(target, **PERTURBATIONS[column].apply(target))
    return Lineup(changed if m.model == model else m for m in lineup)


def _p50s(sim: Simulation, year: int) -> tuple[float, float]:
    col = int(np.flatnonzero(sim.years == year)[0])
    return float(np.median(sim.totals[:, col])), float(np.median(sim.totals.sum(axis=1)))


def rank_assumptions(
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
    year: int | None = None,
    start_year: int | None = None,
    lineup: Lineup | None = None,
    basis: pd.DataFrame | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Rank the lineup's assumptions by how much each moves the forecast.

    Parameters
    ----------
    paths, seed : int
        Monte Carlo paths and seed of every run (the same in each, so differences are
        the assumption's).
    year : int, optional
        Comparison year, also the last year of the cumulative (default
        :data:`alfa_xl.validation.DEFAULT_YEAR`, 2030).
    start_year : int, optional
        First year of the cumulative (default: the year after the latest actual, 2026).
    lineup, basis : optional
        The lineup and its basis table (default: the shipped ones); only rows whose
        ``basis`` is ``assumption`` and whose model is in the lineup are ranked.
    progress : callable, optional
        Called as ``progress(done_runs, total_runs)`` after each simulation run.

    Returns
    -------
    DataFrame
        Columns :data:`RANK_COLUMNS`, one row per assumption, biggest mover first (a
        model's four regional shares count as one assumption, ``regional split``;
        ``Value`` is the number as written in the lineup).
        Changes are perturbed minus baseline (units; ``%`` of the baseline). The
        baseline P50s are in ``frame.attrs["baseline"]``.

    Examples
    --------
    >>> t = rank_assumptions(paths=300, seed=1)
    >>> list(t.columns) == list(RANK_COLUMNS), int(t["Rank"].iloc[0])
    (True, 1)
    """
    n = v.paths(paths)
    seed = v.seed(seed, DEFAULT_SEED)
    start_default, end_default = v.default_horizon(latest_actual()[0])
    end = v.year(year, "year", default=end_default)
    start = v.year(start_year, "start_year", default=start_default)
    start, end = v.horizon(start, end)
    lineup = lineup or default_lineup()
    table = lineup_basis() if basis is None else basis
    rows = table[
        (table["basis"] == "assumption") & table["model"].isin(lineup.names) & table["column"].isin(PERTURBATIONS)
    ]

    splits = rows[rows["column"].isin(REGION_COLUMNS)]["model"].nunique()
    total = 1 + int((~rows["column"].isin(REGION_COLUMNS)).sum()) + int(splits)
    done = [0]

    def run(lu: Lineup) -> tuple[float, float]:
        result = _p50s(simulate(lu, "base", start, end, paths=n, seed=seed), end)
        done[0] += 1
        if progress is not None:
            progress(done[0], total)
        return result

    base_year, base_cum = run(lineup)
    out = []
    split_done: set[str] = set()
    for r in rows.itertuples(index=False):
        column, value = r.column, str(r.value)
        if column in REGION_COLUMNS:  # the four shares move together: one assumption, the split
            if r.model in split_done:
                continue
            split_done.add(r.model)
            column = "regional split"
            value = " / ".join(f"{s:g}" for s in lineup[r.model].shares)
        p_year, p_cum = run(perturb(lineup, r.model, r.column))
        d_year, d_cum = p_year - base_year, p_cum - base_cum
        out.append(
            {
                "Model": r.model,
                "Column": column,
                "Value": value,
                "Moved": PERTURBATIONS[r.column].label,
                "P50 year": p_year,
                "Change P50 year": d_year,
                "Change P50 year %": d_year / base_year if base_year else math.nan,
                "P50 cumulative": p_cum,
                "Change P50 cumulative": d_cum,
                "Change P50 cumulative %": d_cum / base_cum if base_cum else math.nan,
                "Reason": r.evidence,
            }
        )
    frame = pd.DataFrame(out, columns=[c for c in RANK_COLUMNS if c != "Rank"])
    size = np.maximum(frame["Change P50 year %"].abs().fillna(0), frame["Change P50 cumulative %"].abs().fillna(0))
    frame = frame.iloc[np.argsort(-size.to_numpy(), kind="stable")].reset_index(drop=True)
    frame.insert(0, "Rank", np.arange(1, len(frame) + 1))
    frame.attrs["baseline"] = {
        "year": end,
        "start_year": start,
        "p50_year": base_year,
        "p50_cumulative": base_cum,
        "paths": n,
        "seed": seed,
    }
    return frame
