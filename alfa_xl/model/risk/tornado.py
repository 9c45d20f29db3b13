"""Tornado: the swing of one year's total when each Monte Carlo driver moves alone
between its P10 and P90 (no random numbers)."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import check_horizon
from alfa_xl.model.engine.scenarios import Scenario
from alfa_xl.model.risk.simulate import MAX_SLIP, PathFrame, resolve_inputs
from alfa_xl.model.risk.uncertainty import Uncertainty

__all__ = ["tornado", "TORNADO_COLUMNS"]

#: Columns of :func:`tornado`.
TORNADO_COLUMNS = ("Driver", "Low", "High", "Swing", "Low setting", "High setting", "Scenario")
_Z90 = NormalDist().inv_cdf(0.9)


def _poisson_quantile(mu: float, q: float) -> int:
    if mu <= 0:
        return 0
    pmf = math.exp(-mu)
    cdf, k = pmf, 0
    while cdf < q and k < MAX_SLIP:
        k += 1
        pmf *= mu / k
        cdf += pmf
    return k


def tornado(
    year: int | None = None,
    scenario: Scenario | str = "base",
    lineup: Lineup | None = None,
    uncertainty: Uncertainty | None = None,
) -> pd.DataFrame:
    """Swing of the year's total when each driver moves alone between its P10 and P90.

    Each driver is set to its 10th and 90th percentile under ``uncertainty`` while every
    other input stays at the scenario; cancellations are one driver per planned model
    (built as in the scenario vs never built). No random numbers are used.

    Parameters
    ----------
    year : int, optional
        Calendar year of the total (default: 2030, the default end year).
    scenario : Scenario or str
        The scenario the drivers move around (default ``"base"``).
    lineup : Lineup, optional
        Models; the shipped default lineup when omitted.
    uncertainty : Uncertainty, optional
        Driver spreads; :meth:`Uncertainty.track_record` when omitted.

    Returns
    -------
    pandas.DataFrame
        :data:`TORNADO_COLUMNS`, one row per driver, largest ``Swing`` first. ``Low`` and
        ``High`` are the year's total (units) at the settings in ``Low setting`` and
        ``High setting``; ``Swing = High - Low`` >= 0; ``Scenario`` is the scenario's own
        total. Drivers that cannot move (zero spread, no planned model) are left out.

    Examples
    --------
    >>> t = tornado(2030)
    >>> bool((t["Swing"].diff().dropna() <= 0).all()), bool((t["High"] >= t["Low"]).all())
    (True, True)
    """
    lineup, scenario, uncertainty, _, end = resolve_inputs(lineup, scenario, uncertainty, None, None)
    year = end if year is None else year
    start, end = check_horizon(year, year)
    frame = PathFrame(lineup, scenario, start, end, uncertainty)
    planned = frame.planned
    names = lineup.names

    rows: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = []
    if planned.any() and frame.slip_mean.max() > 0:
        lo = np.array([_poisson_quantile(mu, 0.9) for mu in frame.slip_mean])
        hi = np.array([_poisson_quantile(mu, 0.1) for mu in frame.slip_mean])
        rows.append(
            ("Launch slip, planned models", _years(lo, planned), _years(hi, planned), {"slip": lo}, {"slip": hi})
        )
    if planned.any() and uncertainty.peak_sigma > 0:
        lo_m, hi_m = math.exp(-_Z90 * uncertainty.peak_sigma), math.exp(_Z90 * uncertainty.peak_sigma)
        rows.append(
            (
                "Peak realisation, planned models",
                f"x{lo_m:.2f}",
                f"x{hi_m:.2f}",
                {"peak": np.where(planned, lo_m, 1.0)},
                {"peak": np.where(planned, hi_m, 1.0)},
            )
        )
    if uncertainty.trend_sigma > 0:
        lo_t, hi_t = (
            scenario.market_trend - _Z90 * uncertainty.trend_sigma,
            scenario.market_trend + _Z90 * uncertainty.trend_sigma,
        )
        rows.append(("Market trend", f"{lo_t:+.1%}/yr", f"{hi_t:+.1%}/yr", {"trend": lo_t}, {"trend": hi_t}))
    if uncertainty.tariff_sigma > 0:
        lo_n = max(-1.0, scenario.na_tariff - _Z90 * uncertainty.tariff_sigma)
        hi_n = scenario.na_tariff + _Z90 * uncertainty.tariff_sigma
        rows.append(("North America tariff effect", f"{lo_n:+.0%}", f"{hi_n:+.0%}", {"tariff": lo_n}, {"tariff": hi_n}))
    steps = frame.noise_steps
    if steps and (~planned & frame.active).any():
        spread = _Z90 * uncertainty.volume_sigma * math.sqrt(steps)
        rows.append(
            (
                "Yearly volume, models on sale",
                f"x{math.exp(-spread):.2f}",
                f"x{math.exp(spread):.2f}",
                {"volume": -spread},
                {"volume": spread},
            )
        )
    for j in np.flatnonzero(planned):
        if frame.cancel_p[j] > 0:
            cancel = frame.revived.copy()
            cancel[j] = True
            built = frame.revived.copy()
            built[j] = False
            rows.append((f"{names[j]} built or cancelled", "cancelled", "built", {"cancel": cancel}, {"cancel": built}))

    return _evaluate(frame, scenario, rows)


def _evaluate(
    frame: PathFrame, scenario: Scenario, rows: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]
) -> pd.DataFrame:
    """The year's total at each row's low and high setting, every other input as in the scenario."""
    m, steps = frame.n_models, frame.noise_steps
    columns = list(TORNADO_COLUMNS)
    # a model reported cancelled stays out unless its own row builds it
    det = float(
        frame.totals(
            frame.central_slip[None, :].copy(),
            frame.revived[None, :].copy(),
            np.ones((1, m)),
            np.array([scenario.market_trend]),
            np.array([scenario.na_tariff]),
        )[0, 0]
    )
    if not rows:
        return pd.DataFrame(columns=columns)
    settings = [s for r in rows for s in (r[3], r[4])]
    k = len(settings)
    slip = np.repeat(frame.central_slip[None, :], k, axis=0)
    cancelled = np.repeat(frame.revived[None, :], k, axis=0)
    peak = np.ones((k, m))
    trend = np.full(k, scenario.market_trend)
    tariff = np.full(k, scenario.na_tariff)
    volume = np.zeros((k, steps))
    for i, s in enumerate(settings):
        if "volume" in s:
            volume[i, -1] = s["volume"]
        if "slip" in s:
            slip[i] = s["slip"]
        if "cancel" in s:
            cancelled[i] = s["cancel"]
        if "peak" in s:
            peak[i] = s["peak"]
        if "trend" in s:
            trend[i] = s["trend"]
        if "tariff" in s:
            tariff[i] = s["tariff"]
    totals = frame.totals(slip, cancelled, peak, trend, tariff, volume)[:, 0]
    out = []
    for i, (driver, lo_label, hi_label, _, _) in enumerate(rows):
        a, b = float(totals[2 * i]), float(totals[2 * i + 1])
        if a <= b:
            out.append((driver, a, b, b - a, lo_label, hi_label, det))
        else:
            out.append((driver, b, a, a - b, hi_label, lo_label, det))
    table = pd.DataFrame(out, columns=columns)
    order = sorted(range(len(out)), key=lambda i: (-out[i][3], i))
    return table.iloc[order].reset_index(drop=True)


def _years(slips: np.ndarray, planned: np.ndarray) -> str:
    values = sorted({int(v) for v in slips[planned]})
    text = "/".join(str(v) for v in values)
    return f"+{text} yr"
