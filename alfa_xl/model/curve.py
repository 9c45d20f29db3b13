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

With the defaults p = 0.5, k = 0.7 the year after the peak is at 75% of the peak (the
median of the evidence above) and year six at 51% (Giulietta was at 52% in its sixth year).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["lifecycle_share"]


def lifecycle_share(
    age: npt.ArrayLike,
    launch_fraction: npt.ArrayLike = 0.5,
    plateau: npt.ArrayLike = 0.5,
    decay: npt.ArrayLike = 0.7,
    decline_after: npt.ArrayLike = 7,
    decline_rate: npt.ArrayLike = 0.15,
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
    array([0.    , 0.5   , 1.    , 0.7483, 0.5151])
    >>> float(lifecycle_share(10, decline_after=8, decline_rate=0.5).round(4))
    0.1252
    """
    t = np.asarray(age, dtype=float)
    p = np.asarray(plateau, dtype=float)
    after_peak = (p + (1.0 - p) * np.exp(-np.asarray(decay, float) * (t - 1.0))) * (
        1.0 - np.asarray(decline_rate, float)
    ) ** np.maximum(0.0, t - np.asarray(decline_after, float))
    launch = np.broadcast_to(np.asarray(launch_fraction, float), after_peak.shape)
    return np.where(t < 0, 0.0, np.where(t < 1, launch, after_peak))
