"""Hypothesis strategies for lineups, scenarios and horizons (shared by the engine tests)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from alfa_xl.model.engine.lineup import Lineup, Model
from alfa_xl.model.engine.scenarios import Scenario

#: Quarters of the regional split: the three drawn ones sum to at most 4, the fourth is the rest.
_QUARTERS = (st.integers(0, 4), st.integers(0, 3), st.integers(0, 2), st.integers(0, 1), st.just(0))

years = st.integers(2000, 2045)
#: Yearly units: 0 or a real volume (not subnormal floats that no sales figure takes).
units = st.one_of(st.just(0.0), st.floats(0.5, 200_000, allow_nan=False, allow_infinity=False))
shares = st.floats(0, 1, allow_nan=False, allow_infinity=False)
# built once: Hypothesis validates a strategy each time one is made
_LAUNCH = st.integers(2005, 2040)
_STATUS = st.sampled_from(["on_sale", "planned", "reported_cancelled"])
_DECAY = st.floats(0, 3)
_DECLINE_AFTER = st.floats(1, 15)
_NO_END_OR_YEARS_ON_SALE = st.one_of(st.none(), st.integers(0, 2060 - 2005))  # capped at 2060 below
_NO_ANNOUNCEMENT_OR_YEARS_BEFORE = st.one_of(st.none(), st.integers(0, 3))
#: a predecessor's index for model i: -1 (none) to i - 1
_PREDECESSOR = {i: st.integers(-1, i - 1) for i in range(1, 20)}
_HOW_MANY = {k: st.integers(1, k) for k in range(1, 20)}


def _split(draw) -> tuple[float, float, float, float]:
    """A regional split in quarters that sums to exactly 1 (no rounding trouble)."""
    q: list[int] = []
    for _ in range(3):
        q.append(draw(_QUARTERS[sum(q)]))
    return q[0] / 4, q[1] / 4, q[2] / 4, (4 - sum(q)) / 4


@st.composite
def models(draw, name: str, peak=units, status=None) -> Model:
    """One valid model called ``name`` with random curve, split, end year and status."""
    launch = draw(_LAUNCH)
    years_on_sale = draw(_NO_END_OR_YEARS_ON_SALE)
    end = None if years_on_sale is None else min(launch + years_on_sale, 2060)
    before = draw(_NO_ANNOUNCEMENT_OR_YEARS_BEFORE)
    split = _split(draw)
    return Model(
        model=name,
        launch_year=launch,
        peak_units=draw(peak),
        status=draw(status or _STATUS),
        announced_year=None if before is None else launch - before,
        launch_fraction=draw(shares),
        plateau=draw(shares),
        decay=draw(_DECAY),
        decline_after=draw(_DECLINE_AFTER),
        decline_rate=draw(shares),
        end_year=end,
        share_italy=split[0],
        share_rest_of_europe=split[1],
        share_north_america=split[2],
        share_rest_of_world=split[3],
    )


@st.composite
def lineups(draw, peak=units, max_models: int = 5) -> Lineup:
    """A valid lineup of 1 to ``max_models`` models, some of them successors."""
    n = draw(_HOW_MANY[max_models])
    ms = [draw(models(f"M{i}", peak=peak)) for i in range(n)]
    replaced: set[str] = set()
    for i in range(1, n):
        j = draw(_PREDECESSOR[i])  # -1: no predecessor
        pred = ms[j] if j >= 0 else None
        if pred is not None and pred.model not in replaced and ms[i].launch_year > pred.launch_year:
            ms[i] = replace(ms[i], replaces=pred.model)
            replaced.add(pred.model)
    return Lineup(ms)


@st.composite
def scenarios(draw, names: tuple[str, ...] = ()) -> Scenario:
    """A valid scenario; per-model entries only name models in ``names``."""
    picked = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))) if names else []
    return Scenario(
        name="prop",
        delay_years=draw(st.integers(-3, 5)),
        peak_multiplier=draw(st.floats(0, 3)),
        cancel=tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=2))) if names else (),
        include_reported_cancelled=draw(st.booleans()),
        use_announced_dates=draw(st.booleans()),
        na_tariff=draw(st.floats(-1, 1)),
        market_trend=draw(st.floats(-0.5, 0.5)),
        peak_multipliers=tuple((m, draw(st.floats(0, 3))) for m in picked),
    )


@st.composite
def horizons(draw) -> tuple[int, int]:
    """A valid (start, end) pair of projection years."""
    start = draw(st.integers(2000, 2055))
    return start, draw(st.integers(start, min(start + 20, 2060)))
