"""The calibrated recipe, in one function: what the forecast runs and every replay replays.

:func:`calibrated_recipe` takes a :class:`~alfa_xl.model.data.vintage.Vintage` (the data
known at an origin) and returns the lineup with its models on sale scaled to the latest
actual known then, the ``track_record`` scenario calibrated on the plans resolved before
the origin, and the spreads calibrated the same way. :func:`alfa_xl.model.evidence.forecast.forecast`
calls it with the vintage of today (the year after the latest actual),
:func:`alfa_xl.model.evidence.replay.replay` with the vintage of a past year: a change to
what the recipe contains reaches both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.data.past_plans import track_record
from alfa_xl.model.data.vintage import Vintage, as_vintage
from alfa_xl.model.engine.lineup import Lineup, lineup_from_table, read_lineup_table, table_frame
from alfa_xl.model.engine.projection import project
from alfa_xl.model.engine.scenarios import Scenario, get_scenario, scenario_key
from alfa_xl.model.evidence.calibration import late_life_fit
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = ["Recipe", "calibrated_recipe", "anchor_to_actual", "as_of_scenario", "filled_lineup", "CALIBRATED"]

#: The name of the calibrated scenario (any spelling :func:`get_scenario` accepts).
CALIBRATED = "track_record"
_CURVE = ("plateau", "decay", "decline_after", "decline_rate")


@dataclass(frozen=True)
class Recipe:
    """What :func:`calibrated_recipe` returns: the inputs of one simulation."""

    vintage: Vintage
    lineup: Lineup
    scenario: Scenario
    uncertainty: Uncertainty
    anchor_factor: float
    last_actual: tuple[int, float]


def anchor_to_actual(lineup: Lineup, year: int, units: float, base_year: int | None = None) -> tuple[Lineup, float]:
    """Scale the peaks of the models on sale so the lineup reproduces ``units`` in ``year``
    (a user sets the known models to the last actual); returns the lineup and the factor.

    >>> from alfa_xl.model.engine.lineup import Model
    >>> lu, k = anchor_to_actual(Lineup([Model("A", 2020, 10_000, status="on_sale")]), 2021, 12_000)
    >>> round(k, 3), lu["A"].peak_units
    (1.2, 12000.0)
    """
    per_model = project(lineup, "base", year, year, base_year=base_year).units[0].sum(axis=1)
    on_sale = np.array([m.status == "on_sale" for m in lineup.models])
    known = float(per_model[on_sale].sum())
    if known <= 0:
        return lineup, 1.0
    factor = max(0.0, (units - float(per_model[~on_sale].sum())) / known)
    models = [replace(m, peak_units=m.peak_units * factor) if m.status == "on_sale" else m for m in lineup.models]
    return Lineup(models), factor


def as_of_scenario(lineup: Lineup, as_of: int | Vintage, exclude_plans: tuple[str, ...] = ()) -> Scenario:
    """The ``track_record`` scenario calibrated before ``as_of``: launches delayed by the
    rounded mean slip known then, each planned model's peak times the median realisation
    of built models' peaks (:attr:`~alfa_xl.model.data.past_plans.TrackRecord.peak_realisation`)."""
    v = as_vintage(as_of)
    tr = track_record(v, tuple(exclude_plans))
    delay = round(tr.mean_slip_years)
    mults = tuple(
        (m.model, tr.realisation(m.launch_year + delay + 1 - v.as_of)) for m in lineup.models if m.status != "on_sale"
    )
    return Scenario(
        name="track_record",
        delay_years=delay,
        peak_multipliers=mults,
        description=f"As past plans ended, known before {v.as_of}: launches {delay} year(s) late, new-model peaks "
        f"x{tr.peak_realisation:.2f} (built models' peaks against those assumed), slips and "
        "cancellations drawn per model",
    )


def filled_lineup(frame: pd.DataFrame, vintage: Vintage) -> Lineup:
    """A lineup from text cells whose blank curve cells take the late-life fit known at the
    vintage's origin (the same rule for a shipped lineup, a user's file and the CLI)."""
    fit = late_life_fit(vintage)
    frame = frame.copy()
    for col in _CURVE:
        if col not in frame.columns:
            frame[col] = ""
        blank = frame[col].astype(str).str.strip() == ""
        frame.loc[blank, col] = str(fit[col])
    return Lineup.from_frame(frame)


def _lineup(lineup: Lineup | str | Path | None, vintage: Vintage) -> Lineup:
    if lineup is None:
        return filled_lineup(vintage.lineup_frame(), vintage)
    if isinstance(lineup, Lineup):
        return lineup
    if isinstance(lineup, (str, Path)):
        table = read_lineup_table(lineup)  # the one bounded CSV reader (dialects, limits)
        lineup_from_table(table, Path(lineup).name)  # each model's errors, with its line, before the gaps are filled
        return filled_lineup(table_frame(table), vintage)
    raise AlfaInputError("lineup", lineup, "give a Lineup or the path of a lineup CSV file", "wrong type")


def calibrated_recipe(
    vintage: Vintage,
    lineup: Lineup | str | Path | None = None,
    *,
    scenario: Scenario | str = CALIBRATED,
    uncertainty: Uncertainty | None = None,
    exclude_plans: tuple[str, ...] = (),
) -> Recipe:
    """The recipe at ``vintage``: (lineup anchored to the last actual known then, scenario,
    uncertainty). ``lineup`` defaults to the vintage's own (:meth:`Vintage.lineup_frame`);
    a CSV path's blank curve cells take the fit known then. ``scenario`` is the calibrated
    ``track_record`` when its name resolves to it (:func:`scenario_key`), else the named or
    given scenario as is.

    >>> r = calibrated_recipe(Vintage.at(2026))
    >>> r.last_actual, r.scenario.name
    ((2025, 73000.0), 'track_record')
    """
    last = vintage.last_actual()
    lu, factor = anchor_to_actual(_lineup(lineup, vintage), last[0], last[1], last[0])
    if isinstance(scenario, str) and scenario_key(scenario) == CALIBRATED:
        sc = as_of_scenario(lu, vintage, exclude_plans)
    else:
        sc = get_scenario(scenario)
    u = Uncertainty.as_of(vintage, tuple(exclude_plans)) if uncertainty is None else uncertainty
    return Recipe(vintage, lu, sc, u, factor, last)
