r"""The lifecycle curve of one nameplate: launch, peak, plateau, late-life decline.

Alfa Romeo's own launches peaked in their first full year on sale and then fell by a
quarter to a half the year after (Stelvio 75%, Giulia 59%, Tonale 45% of peak), while
nameplates stayed on sale for ten years or more (Giulietta 2010-2020, MiTo 2008-2018).
The curve below encodes exactly that shape.

With age :math:`t = \text{year} - \text{launch year}`, the share of the peak sold is

.. math::

    s(t) = \begin{cases}
        0 & t < 0 \\
        f & t = 0 \\
        \left[p + (1 - p)\,e^{-k (t - 1)}\right](1 - d)^{\max(0,\, t - D)} & t \ge 1
    \end{cases}

where *f* is the share of the launch year the car is on sale (``launch_fraction``), *p*
the plateau as a share of peak (``plateau``), *k* how fast sales settle from the peak to
the plateau (``decay``), *D* the age at which late-life decline starts
(``decline_after``) and *d* the yearly rate of that decline (``decline_rate``). The peak,
:math:`s(1) = 1`, is the first full year on sale.

The defaults (:data:`LATE_LIFE`) are the least-squares fit of log share on the nine
late-life records in ``model/data/late_life.csv`` (Giulia, Stelvio, Tonale year after the
peak; Giulia and Stelvio at Cassino in 2020, 2023 and 2024; Giulietta in 2015; MiTo in
2015 and 2017), over a grid of p (0 to 0.6 by 0.05), k (0.1 to 2 by 0.05), D (1 to 8) and
d (0 to 0.4 by 0.01): p = 0.5, k = 1.8, D = 5, d = 0.25. The year after the peak is then at
58% (the records: 75%, 59%, 45%) and the plateau keeps decaying from age 6: 37.5% at age
6, 21% at age 8 (Cassino 2024: 19%), 12% at age 10. The former defaults (p = 0.5, k = 0.7,
D = 7, d = 0.15, :data:`EARLY_DEFAULTS`) kept a model at half its peak for good. They were
fitted on records from 2015-2024, so no backtest uses them any more: with fewer than five
records known at an origin the curve holds a model at its peak
(:data:`alfa_xl.model.evidence.calibration.LATE_LIFE_PRIOR`, an uninformative choice).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["lifecycle_share", "LATE_LIFE", "EARLY_DEFAULTS"]

#: DERIVED (module docstring): the late-life fit on the shipped records.
LATE_LIFE: dict[str, float] = {"plateau": 0.5, "decay": 1.8, "decline_after": 5.0, "decline_rate": 0.25}
#: ASSUMPTION (the first calibration, on records from 2015-2024): kept for reference only.
EARLY_DEFAULTS: dict[str, float] = {"plateau": 0.5, "decay": 0.7, "decline_after": 7.0, "decline_rate": 0.15}


def lifecycle_share(
    age: npt.ArrayLike,
    launch_fraction: npt.ArrayLike = 0.5,
    plateau: npt.ArrayLike = LATE_LIFE["plateau"],
    decay: npt.ArrayLike = LATE_LIFE["decay"],
    decline_after: npt.ArrayLike = LATE_LIFE["decline_after"],
    decline_rate: npt.ArrayLike = LATE_LIFE["decline_rate"],
) -> np.ndarray:
    """Share of peak yearly volume sold at a given age (years since launch).

    All arguments broadcast against each other as NumPy arrays, so a grid of ages by
    models is one call.

    Parameters
    ----------
    age : array_like
        Calendar year minus launch year. Negative ages (not yet launched) give 0.
    launch_fraction : array_like
        Share of the launch year the model is on sale, between 0 and 1.
    plateau : array_like
        Level the curve settles at after the peak, as a share of peak (0 to 1).
    decay : array_like
        Speed of the settling from peak to plateau, per year (>= 0).
    decline_after : array_like
        Age in years from which late-life decline applies (>= 1).
    decline_rate : array_like
        Yearly rate of late-life decline (0 to 1).

    Returns
    -------
    numpy.ndarray
        Share of peak in [0, 1] for each age.

    Notes
    -----
    See the module docstring for the formula. The function has no side effects and no
    units: multiply by the peak volume to get units a year.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(lifecycle_share([-1, 0, 1, 2, 6]), 4)
    array([0.    , 0.5   , 1.    , 0.5826, 0.375 ])
    >>> float(lifecycle_share(10, decay=0.7, decline_after=8, decline_rate=0.5).round(4))
    0.1252
    """
    t = np.asarray(age, dtype=float)
    p = np.asarray(plateau, dtype=float)
    after_peak = (p + (1.0 - p) * np.exp(-np.asarray(decay, float) * (t - 1.0))) * (
        1.0 - np.asarray(decline_rate, float)
    ) ** np.maximum(0.0, t - np.asarray(decline_after, float))
    launch = np.broadcast_to(np.asarray(launch_fraction, float), after_peak.shape)
    return np.where(t < 0, 0.0, np.where(t < 1, launch, after_peak))
