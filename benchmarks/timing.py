"""Timing helpers shared by the benchmark scripts (run them as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import time

import numpy as np

__all__ = ["timings", "report"]

_SCALE = {"us": 1e6, "ms": 1e3, "s": 1.0}


def timings(fn, repeat: int, warmup: int = 5) -> np.ndarray:
    """Seconds taken by each of ``repeat`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = np.empty(repeat)
    for i in range(repeat):
        t0 = time.perf_counter()
        fn()
        out[i] = time.perf_counter() - t0
    return out


def report(label: str, seconds: np.ndarray, target: float, unit: str, width: int = 58) -> None:
    """Print median, p90, the target and median / target for one measurement."""
    scale = _SCALE[unit]
    med, p90 = np.median(seconds), np.percentile(seconds, 90)
    print(f"{label:<{width}} median {med * scale:9.3f} {unit}  p90 {p90 * scale:9.3f} {unit}  "
          f"target {target * scale:g} {unit}  ratio {med / target:5.2f}  (n={seconds.size})")
