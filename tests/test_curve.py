"""Tests of alfa_xl.model.engine.curve: the lifecycle share, checked against the formula by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alfa_xl.model.engine.curve import lifecycle_share


def by_hand(t, f=0.5, p=0.5, k=1.8, D=5, d=0.25):
    """The module docstring's formula, written out with math (no NumPy)."""
    if t < 0:
        return 0.0
    if t < 1:
        return f
    return (p + (1 - p) * math.exp(-k * (t - 1))) * (1 - d) ** max(0, t - D)


class TestLifecycleShare:
    @pytest.mark.parametrize(
        "age, expected",
        [
            (-3, 0.0),
            (-1, 0.0),
            (0, 0.5),  # half the launch year on sale
            (1, 1.0),  # first full year is the peak
            (2, 0.5 + 0.5 * math.exp(-1.8)),  # 0.58265
            (5, 0.5 + 0.5 * math.exp(-7.2)),  # decline starts after age 5
            (6, (0.5 + 0.5 * math.exp(-9.0)) * 0.75),
            (9, (0.5 + 0.5 * math.exp(-14.4)) * 0.75**4),
        ],
    )
    def test_defaults_match_formula(self, age, expected):
        assert float(lifecycle_share(age)) == pytest.approx(expected, rel=1e-12)

    def test_year_after_peak_matches_evidence(self):
        # year after the peak: Stelvio 41,582 / 55,703, Giulia 28,538 / 48,521, Tonale
        # 36,980 / 82,300; the median (Giulia, 58.8%) within one percentage point
        assert float(lifecycle_share(2)) == pytest.approx(28_538 / 48_521, abs=0.01)

    def test_late_life_keeps_decaying(self):
        # Giulia + Stelvio at Cassino, 2024 (age 8) / 2017 peak: 19,600 / 104,224 = 18.8%
        assert float(lifecycle_share(8)) == pytest.approx(19_600 / 104_224, abs=0.03)
        # Giulietta Europe 2015 (age 5) / 2011 peak ~ 41,767 / 80,000 = 52%
        assert float(lifecycle_share(5)) == pytest.approx(41_767 / 80_000, abs=0.03)
        assert float(lifecycle_share(12)) < 0.1  # no plateau at half the peak for good

    def test_custom_parameters(self):
        got = lifecycle_share(10, launch_fraction=0.2, plateau=0.3, decay=1.0, decline_after=8, decline_rate=0.5)
        assert float(got) == pytest.approx((0.3 + 0.7 * math.exp(-9)) * 0.25)
        assert float(lifecycle_share(0, launch_fraction=0.2)) == 0.2

    def test_broadcast_years_by_models(self):
        ages = np.arange(-1, 4)[:, None]  # 5 years
        plateau = np.array([0.2, 0.5, 0.9])  # 3 models
        grid = lifecycle_share(ages, plateau=plateau)
        assert grid.shape == (5, 3)
        for i, a in enumerate(range(-1, 4)):
            for j, p in enumerate(plateau):
                assert grid[i, j] == pytest.approx(by_hand(a, p=p))

    def test_zero_decay_stays_at_peak_until_decline(self):
        assert lifecycle_share([1, 3, 5, 7], decay=0).tolist() == [1.0, 1.0, 1.0, 0.75**2]  # decline from age 5

    @given(
        t=st.integers(-5, 40),
        f=st.floats(0, 1),
        p=st.floats(0, 1),
        k=st.floats(0, 10),
        D=st.floats(1, 30),
        d=st.floats(0, 1),
    )
    def test_within_zero_and_one(self, t, f, p, k, D, d):
        s = float(lifecycle_share(t, f, p, k, D, d))
        assert 0.0 <= s <= 1.0
        assert s == pytest.approx(by_hand(t, f, p, k, D, d), rel=1e-9, abs=1e-12)

    @given(p=st.floats(0, 1), k=st.floats(0, 10), D=st.floats(1, 30), d=st.floats(0, 1))
    def test_never_rises_after_the_peak(self, p, k, D, d):
        s = lifecycle_share(np.arange(1, 40), 0.5, p, k, D, d)
        assert np.all(np.diff(s) <= 1e-12)
