"""Calibration of the lifecycle curve's late life on the records observed before an origin.

The lifecycle fit of :mod:`alfa_xl.model.engine.curve` on ``late_life.csv``: least squares
on the log share of peak over a grid of plateau, decay, decline start and decline rate,
using only the records dated before ``as_of`` (a first forecast year, a
:class:`~alfa_xl.model.data.vintage.Vintage` or None: every shipped row). With fewer than
:data:`MIN_LATE_LIFE_RECORDS` the uninformative :data:`LATE_LIFE_PRIOR` is kept (a model
holds its peak: no shape is assumed that was not yet seen). The counts of how past plans
ended (slips, cancellations, realisations) are in :mod:`alfa_xl.model.data.past_plans`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from alfa_xl.model.data.vintage import Vintage, as_vintage
from alfa_xl.model.engine.curve import lifecycle_share

__all__ = ["late_life_records", "late_life_fit", "MIN_LATE_LIFE_RECORDS", "LATE_LIFE_PRIOR"]

#: UNINFORMATIVE CHOICE, stated as such: with too few late-life records known, the curve
#: holds a model at its peak (plateau 1, no decline): the no-change forecast for a model on
#: sale. The former prior (plateau 0.5, decay 0.7, decline from age 7 at 15%) was fitted on
#: records from 2015-2024, after the 2014 and 2018 origins that used it.
LATE_LIFE_PRIOR: dict[str, float] = {"plateau": 1.0, "decay": 1.0, "decline_after": 1.0, "decline_rate": 0.0}

#: Fewest late-life records a fit needs (four parameters): below, the prior is kept.
MIN_LATE_LIFE_RECORDS = 5


def late_life_records(as_of: int | Vintage | None = None) -> pd.DataFrame:
    """The late-life records (``model``, ``year``, ``age``, ``share`` of peak...) observed
    before ``as_of``; a copy."""
    return as_vintage(as_of).late_life()


@lru_cache(maxsize=64)
def late_life_fit(as_of: int | Vintage | None = None) -> dict[str, float]:
    """Plateau, decay, decline_after and decline_rate fitted (least squares on log share,
    grid of :mod:`alfa_xl.model.engine.curve`'s docstring) on the records before ``as_of``.

    >>> late_life_fit()
    {'plateau': 0.5, 'decay': 1.8, 'decline_after': 5.0, 'decline_rate': 0.25}
    >>> late_life_fit(2018) == LATE_LIFE_PRIOR  # three records known then
    True
    """
    rec = late_life_records(as_of)
    if len(rec) < MIN_LATE_LIFE_RECORDS:
        return dict(LATE_LIFE_PRIOR)
    p = np.round(np.arange(0, 0.61, 0.05), 2)[:, None, None, None]
    k = np.round(np.arange(0.1, 2.01, 0.05), 2)[None, :, None, None]
    d_after = np.arange(1, 9, dtype=float)[None, None, :, None]
    rate = np.round(np.arange(0, 0.41, 0.01), 2)[None, None, None, :]
    err = np.zeros(np.broadcast_shapes(p.shape, k.shape, d_after.shape, rate.shape))
    for age, share in rec[["age", "share"]].to_numpy(float):
        err += (np.log(lifecycle_share(age, 0.5, p, k, d_after, rate)) - math.log(share)) ** 2
    i, j, m, n = np.unravel_index(int(np.argmin(err)), err.shape)
    return {
        "plateau": float(p.ravel()[i]),
        "decay": float(k.ravel()[j]),
        "decline_after": float(d_after.ravel()[m]),
        "decline_rate": float(rate.ravel()[n]),
    }
