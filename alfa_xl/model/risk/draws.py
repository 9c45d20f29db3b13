"""The random inputs of Monte Carlo paths: one stream of standard normals per driver.

Paths are grouped in blocks of :data:`BLOCK` paths; in block *b* each driver draws from
its own independent stream ``SeedSequence(seed, spawn_key=(b, driver[, model]))``, per-model
drivers keyed by the model's name (:mod:`alfa_xl.model.risk.simulate`, "Reproducibility").
:func:`draws_from_normals` maps a matrix of independent normals, one column per stream of
:func:`stream_keys`, onto the drivers; the rare-event estimator of
:mod:`alfa_xl.model.risk.tails` uses it with shifted normals.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from alfa_xl import validation

#: The frame of a run (:class:`alfa_xl.model.risk.simulate.PathFrame`; not imported here, so
#: that the two modules do not import each other).
PathFrame = Any

__all__ = [
    "BLOCK",
    "Draws",
    "draws_for_paths",
    "draws_from_normals",
    "model_key",
    "stream_columns",
    "StreamColumns",
    "stream_keys",
    "FACTOR",
    "TREND",
    "TARIFF",
    "SLIP",
    "CANCEL",
    "PEAK",
    "VOLUME",
]

#: Paths per independent random stream.
BLOCK = 16_384


@dataclass(frozen=True)
class Draws:
    """The random inputs of a range of paths (read-only arrays).

    Attributes
    ----------
    slip : ndarray of int, (P, M)
        Extra launch slip in whole years (0 for models that are not planned).
    cancelled : ndarray of bool, (P, M)
        Model never built on that path (always False for models not planned).
    peak_multiplier : ndarray, (P, M)
        Multiplier on the scenario's peak (1 for models not planned).
    market_trend : ndarray, (P,)
        Yearly market trend of the path (rate).
    na_tariff : ndarray, (P,)
        North America volume effect of the path (-0.2 = 20% fewer), at least -1.
    factor : ndarray, (P,)
        The common "brand year" factor (standard normal; low is bad).
    volume : ndarray, (P, T)
        Cumulative log noise of the models on sale, one column per year after the latest
        actual (a random walk; T = 0 without ``volume_sigma``).
    """

    slip: np.ndarray
    cancelled: np.ndarray
    peak_multiplier: np.ndarray
    market_trend: np.ndarray
    na_tariff: np.ndarray
    factor: np.ndarray
    volume: np.ndarray


#: Stream keys of the per-path drivers; per-model drivers add the model's key.
FACTOR, TREND, TARIFF, SLIP, CANCEL, PEAK, VOLUME = range(7)
_FACTOR, _TREND, _TARIFF, _SLIP, _CANCEL, _PEAK, _VOLUME = FACTOR, TREND, TARIFF, SLIP, CANCEL, PEAK, VOLUME


def model_key(name: str) -> int:
    """A stable number for a model name (CRC-32 of its case-folded, space-normalised text)."""
    return zlib.crc32(validation.name_key(name).encode("utf-8"))


def _block_normals(seed: int, block: int, key: tuple[int, ...]) -> np.ndarray:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, *key))))
    return rng.standard_normal(BLOCK)


def _normals(seed: int, first: int, stop: int, key: tuple[int, ...]) -> np.ndarray:
    """Standard normals of stream ``key`` for paths ``first`` to ``stop - 1``."""
    b0, b1 = first // BLOCK, (stop - 1) // BLOCK
    parts = [_block_normals(seed, b, key) for b in range(b0, b1 + 1)]
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return values[first - b0 * BLOCK : stop - b0 * BLOCK]


def stream_keys(frame: PathFrame) -> list[tuple[int, ...]]:
    """The random streams a run of ``frame`` uses, in a fixed order: the common factor,
    the trend and the tariff (when they have a spread), each planned model's slip,
    cancellation and peak (when drawn), then one stream per yearly-noise step."""
    u = frame.uncertainty
    keys: list[tuple[int, ...]] = [(_FACTOR,)]
    if u.trend_sigma > 0:
        keys.append((_TREND,))
    if u.tariff_sigma > 0:
        keys.append((_TARIFF,))
    for j in np.flatnonzero(frame.planned):
        key = frame.keys[j]
        if frame.slip_mean[j] > 0:
            keys.append((_SLIP, key))
        if frame.cancel_p[j] > 0:
            keys.append((_CANCEL, key))
        if u.peak_sigma > 0:
            keys.append((_PEAK, key))
    keys += [(_VOLUME, t + 1) for t in range(frame.noise_steps)]
    return keys


@dataclass(frozen=True)
class StreamColumns:
    """Where each driver's stream sits among the columns of :func:`stream_keys` (``-1``: not
    drawn): per kind of driver, the models that draw it and their columns, so that a kind is
    mapped for every model at once. ``slip_groups`` splits the slip columns by distinct
    Poisson thresholds: ``(thresholds, positions in slip)``."""

    trend: int
    tariff: int
    slip_models: np.ndarray
    slip: np.ndarray
    slip_groups: tuple[tuple[np.ndarray, np.ndarray], ...]
    cancel_models: np.ndarray
    cancel: np.ndarray
    peak_models: np.ndarray
    peak: np.ndarray
    volume: np.ndarray


def stream_columns(frame: PathFrame) -> StreamColumns:
    """The layout of :func:`stream_keys` as index arrays (the same order: the common factor,
    the trend and the tariff when drawn, each planned model's slip, cancellation and peak
    when drawn, the yearly-noise steps). A frame keeps its own (``frame.stream_columns``)."""
    u = frame.uncertainty
    trend = 1 if u.trend_sigma > 0 else -1
    tariff = 1 + (trend > 0) if u.tariff_sigma > 0 else -1
    head = 1 + (trend > 0) + (tariff > 0)
    planned = np.flatnonzero(frame.planned)
    has_slip = np.asarray(frame.slip_mean, float)[planned] > 0
    has_cancel = np.asarray(frame.cancel_p, float)[planned] > 0
    has_peak = np.full(planned.size, u.peak_sigma > 0)
    count = has_slip.astype(np.intp) + has_cancel + has_peak
    start = head + np.cumsum(count) - count  # each planned model's first column
    first_noise = head + int(count.sum())
    slip_models = planned[has_slip]
    groups: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    if slip_models.size:
        thresholds, group = np.unique(frame.slip_thresholds[slip_models], axis=0, return_inverse=True)
        group = np.ravel(group)
        groups = tuple((thresholds[g], np.flatnonzero(group == g)) for g in range(thresholds.shape[0]))
    return StreamColumns(
        trend,
        tariff,
        slip_models,
        start[has_slip],
        groups,
        planned[has_cancel],
        (start + has_slip)[has_cancel],
        planned[has_peak],
        (start + has_slip + has_cancel)[has_peak],
        np.arange(first_noise, first_noise + frame.noise_steps),
    )


def draws_from_normals(frame: PathFrame, normals: np.ndarray) -> Draws:
    """The draws of paths given their independent standard normals, ``(P, K)`` with one
    column per stream of :func:`stream_keys` (in that order). Each driver's latent is
    ``sqrt(rho) F + sqrt(1 - rho) e`` mapped through its inverse CDF (module docstring).
    Each kind of driver is mapped for every model at once (the same elementwise arithmetic
    as one model at a time, so the same numbers)."""
    u, sc, m = frame.uncertainty, frame.scenario, frame.n_models
    col = getattr(frame, "stream_columns", None) or stream_columns(frame)
    n = normals.shape[0]
    factor = normals[:, 0].copy()
    load, own = math.sqrt(u.correlation), math.sqrt(1.0 - u.correlation)
    common = load * factor

    def latent(c: int) -> np.ndarray:
        z = normals[:, c] * own
        z += common
        return z

    def latents(cols: np.ndarray) -> np.ndarray:  # (P, len(cols)), each column as latent() gives it
        z = normals[:, cols] * own
        z += common[:, None]
        return z

    trend = np.full(n, sc.market_trend)
    if col.trend >= 0:
        trend = np.maximum(sc.market_trend + u.trend_sigma * latent(col.trend), -0.99)
    tariff = np.full(n, sc.na_tariff)
    if col.tariff >= 0:
        tariff = np.maximum(sc.na_tariff + u.tariff_sigma * latent(col.tariff), -1.0)

    slip = np.zeros((m, n), dtype=np.intp)
    cancelled = np.zeros((m, n), dtype=bool)
    peak_mult = np.ones((m, n))
    if col.slip.size:  # high latent = longer slip; one search per distinct set of thresholds
        minus = -latents(col.slip)
        for thresholds, mine in col.slip_groups:
            slip[col.slip_models[mine]] = np.searchsorted(thresholds, minus[:, mine]).T
    if col.cancel.size:  # low latent = cancelled
        cancelled[col.cancel_models] = (latents(col.cancel) < frame.cancel_thresholds[col.cancel_models]).T
    if col.peak.size:  # low latent = smaller peak
        peak_mult[col.peak_models] = np.exp(u.peak_sigma * latents(col.peak)).T
    slip, cancelled, peak_mult = slip.T, cancelled.T, peak_mult.T
    # yearly noise of the models on sale: independent steps, summed
    volume = normals[:, col.volume] if frame.noise_steps else np.zeros((n, 0))
    if frame.noise_steps:
        volume *= u.volume_sigma
        np.cumsum(volume, axis=1, out=volume)
    out = Draws(slip, cancelled, peak_mult, trend, tariff, factor, volume)
    for f in fields(out):
        getattr(out, f.name).setflags(write=False)
    return out


def draws_for_paths(frame: PathFrame, seed: int, first: int, stop: int) -> Draws:
    """Draws of paths ``first`` to ``stop - 1``.

    Every driver has its own stream of standard normals per block of paths: the common
    factor, the trend and the tariff one each, and each planned model one for its slip,
    one for its cancellation and one for its peak, keyed by the model's name. A model's
    draws therefore do not change when other models are added to the lineup or left out
    by the scenario, and scenarios run with one seed share their draws. Streams a run does
    not use (zero spread, models on sale) are not generated.
    """
    keys = stream_keys(frame)
    normals = np.empty((stop - first, len(keys)))
    for i, key in enumerate(keys):
        normals[:, i] = _normals(seed, first, stop, key)
    return draws_from_normals(frame, normals)
