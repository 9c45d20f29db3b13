"""Scores of quantile forecasts against actuals (lower is better, except coverage).

For actual ``a`` and quantiles ``L`` (P10), ``M`` (P50), ``U`` (P90), each relative to the
actual so that a 60,000-unit year and a 130,000-unit year weigh the same:

* **coverage**: share of actuals inside [L, U] (80% if calibrated);
* **interval score** (Winkler, Gneiting and Raftery 2007) of the 80% interval, over the
  actual: ``[(U - L) + (2 / 0.2) (L - a)^+ + (2 / 0.2) (a - U)^+] / a``;
* **pinball loss**: the quantile loss ``max(q (a - Q), (q - 1) (a - Q))`` averaged over
  q = 0.1, 0.5, 0.9, over the actual;
* **P50 error**: mean absolute percentage error of the median, ``|M - a| / a``;
* **skill** against a reference score ``s_ref``: ``1 - s / s_ref`` (positive: better).

A point forecast (no change, the target path) is scored with L = M = U.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ALPHA", "QUANTILES", "coverage", "interval_score", "pinball", "p50_error", "skill"]

#: The interval is P10-P90: 1 - ALPHA = 80%.
ALPHA = 0.2
#: The quantiles scored, as probabilities.
QUANTILES = (0.1, 0.5, 0.9)


def _arr(*xs) -> list[np.ndarray]:
    return [np.asarray(x, float) for x in xs]


def coverage(actual, lo, hi) -> float:
    """Share of actuals inside [lo, hi].

    >>> coverage([10, 20, 30], [5, 25, 25], [15, 30, 35])
    0.6666666666666666
    """
    a, low, high = _arr(actual, lo, hi)
    return float(np.mean((low <= a) & (a <= high)))


def interval_score(actual, lo, hi) -> float:
    """Mean Winkler score of [lo, hi] over the actual.

    >>> interval_score([100], [80], [90])  # 10 wide, 10 below the actual: (10 + 10 x 10) / 100
    1.1
    """
    a, low, high = _arr(actual, lo, hi)
    w = (high - low) + (2 / ALPHA) * np.maximum(0.0, low - a) + (2 / ALPHA) * np.maximum(0.0, a - high)
    return float(np.mean(w / a))


def pinball(actual, p10, p50, p90) -> float:
    """Mean quantile loss of P10, P50 and P90 over the actual.

    >>> round(pinball([100], [90], [100], [130]), 4)  # (0.1 x 10 + 0 + 0.1 x 30) / 3 / 100
    0.0133
    """
    a = np.asarray(actual, float)
    total = np.zeros_like(a)
    for q, x in zip(QUANTILES, _arr(p10, p50, p90)):
        d = a - x
        total += np.maximum(q * d, (q - 1) * d)
    return float(np.mean(total / len(QUANTILES) / a))


def p50_error(actual, p50) -> float:
    """Mean absolute percentage error of the median.

    >>> p50_error([100, 200], [110, 150])
    0.175
    """
    a, m = _arr(actual, p50)
    return float(np.mean(np.abs(m - a) / a))


def skill(score: float, reference: float) -> float:
    """``1 - score / reference``: 0.25 means 25% better than the reference.

    >>> skill(0.75, 1.0)
    0.25
    """
    return float(1.0 - score / reference) if reference > 0 else float("nan")
