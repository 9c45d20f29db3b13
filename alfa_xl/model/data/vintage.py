"""One vintage: everything a forecast or a replay may know at its origin, cut in one place.

Every data row the calibrated recipe reads carries a date, ``as_of`` (``YYYY-MM``): the
last month an actual describes (a year's sales: ``YYYY-12``), the month an outcome was
settled, or the month a plan or a fact was announced. A :class:`Vintage` keeps the rows
dated **before its origin** and nothing else; the calibration
(:mod:`alfa_xl.model.data.past_plans`, :mod:`alfa_xl.model.evidence.calibration`,
:mod:`alfa_xl.model.risk.uncertainty`), the
lineup of the time and the company's target path all read through it.

The origin of a first forecast year ``as_of`` is

* the month after a shipped decision point's plan (``decision_points.csv``, ``origin``):
  June 2014, July 2018, May 2023;
* ``as_of-02`` otherwise (early February: the previous year's figure is out, nothing of
  ``as_of`` is);
* for the current year (the year after the latest actual, 2026) its December: the
  forecast of today knows every shipped row.

The lineup of the time (:meth:`Vintage.lineup_frame`) is the latest decision point's
lineup at or before the origin, updated by the dated rows of ``lineup_events.csv``
(announcements, slips, drops, launches, each with its source); for the current year it is
the shipped ``lineup.csv``. The company's target path (:meth:`Vintage.target_knots`) is
the decision point's own, or the targets of ``plan_paths.csv`` announced before the
origin and not withdrawn since.

``Vintage(..., data_dir=...)`` reads the same files from another folder: a replay on
copies of the data with every row dated at or after the origin removed gives the same
numbers to the last digit (the test of the cut).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from alfa_xl.model.data.sources import read_table, shared_table

__all__ = ["Vintage", "DecisionPoint", "decision_points", "current_year", "DATED_TABLES", "as_vintage"]

#: The data files the recipe reads, each cut on its ``as_of`` column.
DATED_TABLES = (
    "history.csv",
    "late_life.csv",
    "plan_2014.csv",
    "plan_targets.csv",
    "facts.csv",
    "partial_periods.csv",
    "lineup_events.csv",
    "plan_paths.csv",
    "peak_realisation.csv",
    "dropped_models.csv",
)
_LATEST = "9999-12"


@dataclass(frozen=True)
class DecisionPoint:
    """One shipped past plan: when, what was promised, and the lineup of the time."""

    id: str
    as_of: int
    label: str
    plan_keys: tuple[str, ...]
    target_units: float
    target_year: int
    target_path: tuple[tuple[int, float], ...]
    lineup_file: str
    source: str
    notes: str
    origin: str = ""

    def lineup_frame(self, data_dir: str | None = None) -> pd.DataFrame:
        """The lineup CSV as text cells (blank curve cells stay blank)."""
        return read_table(self.lineup_file, data_dir)


def _path(text: str) -> tuple[tuple[int, float], ...]:
    knots = []
    for part in text.split(">"):
        year, units = part.split(":")
        knots.append((int(year), float(units)))
    return tuple(knots)


@lru_cache(maxsize=8)
def decision_points(data_dir: str | None = None) -> tuple[DecisionPoint, ...]:
    """The shipped decision points, oldest first (``decision_points.csv``)."""
    table = read_table("decision_points.csv", data_dir)
    return tuple(
        DecisionPoint(
            id=r["id"],
            as_of=int(r["as_of"]),
            label=r["label"],
            plan_keys=tuple(r["plan_keys"].split(";")),
            target_units=float(r["target_units"]),
            target_year=int(r["target_year"]),
            target_path=_path(r["target_path"]),
            lineup_file=r["lineup_file"],
            source=r["source"],
            notes=r["notes"],
            origin=r["origin"],
        )
        for _, r in table.iterrows()
    )


@lru_cache(maxsize=1)
def current_year() -> int:
    """The first forecast year of today: the year after the latest shipped actual (2026),
    from the package's history whatever folder a vintage reads (a cut copy of the data
    describes the same today)."""
    return int(pd.to_numeric(read_table("history.csv")["year"]).max()) + 1


@dataclass(frozen=True)
class Vintage:
    """The data known at the origin of the first forecast year ``as_of`` (module docstring).

    >>> v = Vintage.at(2018)
    >>> v.origin, v.last_actual(), v.decision_point().id
    ('2018-07', (2017, 118000.0), '2018-06')
    >>> Vintage.at(2016).origin, len(Vintage.at(2016).late_life())
    ('2016-02', 2)
    """

    as_of: int
    origin: str
    data_dir: str | None = None

    @classmethod
    def at(cls, as_of: int, data_dir: str | None = None) -> Vintage:
        """The vintage of the first forecast year ``as_of`` (its origin by the module's rule)."""
        as_of = int(as_of)
        dd = None if data_dir is None else str(data_dir)
        point = next((d for d in decision_points(dd) if d.as_of == as_of), None)
        if point is not None:
            origin = point.origin
        elif as_of >= current_year():
            origin = f"{as_of}-12"
        else:
            origin = f"{as_of}-02"
        return cls(as_of, origin, dd)

    @classmethod
    def everything(cls, data_dir: str | None = None) -> Vintage:
        """Every shipped row (no cut)."""
        return cls(10_000, _LATEST, None if data_dir is None else str(data_dir))

    # -- the cut ------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """The rows of a dated data file known at the origin (``as_of`` before it), text cells."""
        return _cut(name, self.origin, self.data_dir).copy()

    def history(self) -> pd.DataFrame:
        """Yearly worldwide sales known then: ``year``, ``units`` (numbers), ``kind``, ``source``, ``note``; a copy."""
        return _history(self.origin, self.data_dir).copy()

    def last_actual(self) -> tuple[int, float]:
        """The latest full-year actual known then, ``(year, units)``."""
        h = self.history()
        if h.empty:
            raise ValueError(f"no actual is known before {self.origin}")
        return int(h["year"].iloc[-1]), float(h["units"].iloc[-1])

    def late_life(self) -> pd.DataFrame:
        """Late-life records known then, numeric ``year``, ``age``, ``share``."""
        t = self.table("late_life.csv")
        for col in ("launch_year", "year", "age"):
            t[col] = t[col].astype(int)
        for col in ("peak_units", "units", "share"):
            t[col] = t[col].astype(float)
        return t

    def plan_2014(self) -> pd.DataFrame:
        """Rows of the May 2014 plan whose outcome (or the plan itself) is known then."""
        return self.table("plan_2014.csv")

    def plan_targets(self) -> pd.DataFrame:
        """Dated volume targets whose outcome (or announcement, without one) is known then."""
        return self.table("plan_targets.csv")

    def fact(self, key: str) -> float | None:
        """A sourced fact's value if it was published before the origin, else None."""
        t = self.table("facts.csv")
        hit = t[t["key"] == key]
        return None if hit.empty else float(hit["value"].iloc[0])

    # -- the lineup and the promise of the time ------------------------------------------------
    def decision_point(self) -> DecisionPoint | None:
        """The shipped decision point whose first forecast year is ``as_of``, if any."""
        return next((d for d in decision_points(self.data_dir) if d.as_of == self.as_of), None)

    def lineup_frame(self) -> pd.DataFrame:
        """The lineup a user would have built at the origin, as text cells (module docstring)."""
        if self.as_of >= current_year():
            return read_table("lineup.csv", self.data_dir)
        bases = [d for d in decision_points(self.data_dir) if d.origin <= self.origin]
        events = self.table("lineup_events.csv")
        if bases:
            base = bases[-1]
            frame = base.lineup_frame(self.data_dir)
            events = events[events["as_of"] >= base.origin]
        else:
            frame = pd.DataFrame(columns=[c for c in events.columns if c != "as_of"])
        rows = {r["model"]: dict(r) for _, r in frame.iterrows()}
        for _, e in events.sort_values("as_of", kind="stable").iterrows():
            if e["status"] == "dropped":
                rows.pop(e["model"], None)
                continue
            row = {c: "" for c in frame.columns}
            row.update({c: e[c] for c in frame.columns if c in e.index})
            rows[e["model"]] = row
        out = pd.DataFrame(list(rows.values()), columns=list(frame.columns)).fillna("")
        return out

    def target_knots(self) -> tuple[tuple[int, float], ...]:
        """The company's target path known then: the decision point's, else the last actual
        then every target of ``plan_paths.csv`` announced before the origin, not withdrawn,
        for ``as_of`` or later (the latest announcement of each year); empty without one."""
        point = self.decision_point()
        if point is not None:
            return point.target_path
        paths = self.table("plan_paths.csv").sort_values("as_of", kind="stable")
        live: dict[int, float] = {}
        for _, r in paths.iterrows():
            if not r["target_units"].strip():
                live.clear()
                continue
            live[int(r["target_year"])] = float(r["target_units"])
        ahead = sorted((y, u) for y, u in live.items() if y >= self.as_of)
        if not ahead:
            return ()
        return (self.last_actual(), *ahead)


@lru_cache(maxsize=256)
def _cut(name: str, origin: str, data_dir: str | None) -> pd.DataFrame:
    t = shared_table(name, data_dir)
    date = t["as_of"].astype(str).str.strip()
    return t[date < origin].reset_index(drop=True)


@lru_cache(maxsize=64)
def _history(origin: str, data_dir: str | None) -> pd.DataFrame:
    h = _cut("history.csv", origin, data_dir).copy()
    h["year"] = h["year"].astype(int)
    h["units"] = h["units"].astype(float)
    return h.sort_values("year").reset_index(drop=True)


def as_vintage(as_of: int | Vintage | None) -> Vintage:
    """A Vintage from a first forecast year, a Vintage, or None (every shipped row)."""
    if isinstance(as_of, Vintage):
        return as_of
    return Vintage.everything() if as_of is None else Vintage.at(int(as_of))
