"""Sourced default data shipped with the package: history, facts and past plans.

Every row carries its source and date. The files live in ``alfa_xl/data/`` as CSV so that
they can be read, audited and replaced without touching code.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = [
    "history",
    "facts",
    "plan_targets",
    "plan_2014",
    "latest_actual",
    "fact",
    "lineup_basis",
    "BASES",
    "partial_periods",
    "read_table",
    "shared_table",
    "data_path",
]


def data_path(name: str, data_dir: str | None = None) -> Path:
    """The path of a shipped data file, or of the file of that name in ``data_dir``."""
    if data_dir is not None:
        return Path(data_dir) / name
    with resources.as_file(resources.files("alfa_xl.model") / "data" / name) as p:
        return Path(p)


@lru_cache(maxsize=64)
def _table(name: str, data_dir: str | None) -> pd.DataFrame:
    return pd.read_csv(data_path(name, data_dir), dtype=str, keep_default_na=False)


def shared_table(name: str, data_dir: str | None = None) -> pd.DataFrame:
    """The cached frame of :func:`read_table` itself, for readers that only filter it: never modify it."""
    return _table(name, None if data_dir is None else str(data_dir))


def read_table(name: str, data_dir: str | None = None) -> pd.DataFrame:
    """A data file as text cells (blank cells stay blank), from the package or ``data_dir``; a copy."""
    return _table(name, None if data_dir is None else str(data_dir)).copy()


def _read(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(data_path(name), **kwargs)


@cache
def _history() -> pd.DataFrame:
    return _read("history.csv").sort_values("year").reset_index(drop=True)


def history() -> pd.DataFrame:
    """Worldwide yearly Alfa Romeo sales, one chosen value per year.

    Columns: ``year``, ``units``, ``kind`` (official or estimate), ``source``, ``note``
    (why this value was chosen where sources conflict). A copy: safe to modify.
    """
    return _history().copy()


def latest_actual() -> tuple[int, float]:
    """The latest full-year actual as ``(year, units)``; ``(2025, 73000.0)`` as shipped.

    >>> latest_actual()
    (2025, 73000.0)
    """
    row = _history().iloc[-1]
    return int(row["year"]), float(row["units"])


@cache
def _facts() -> pd.DataFrame:
    frame = _read("facts.csv", dtype=str, keep_default_na=False)
    frame["value"] = pd.to_numeric(frame["value"])
    return frame


def facts() -> pd.DataFrame:
    """Sourced facts: ``key``, ``value``, ``unit``, ``as_of``, ``source``, ``note``."""
    return _facts().copy()


def fact(key: str) -> float:
    """The value of one sourced fact by key (case and spaces ignored).

    >>> fact("global_units_h1_2025")
    33020.0
    """
    table = _facts()
    hit = table[table["key"] == str(key).strip().lower()]
    if hit.empty:
        raise KeyError(key)
    return float(hit["value"].iloc[0])


@cache
def _plan_targets() -> pd.DataFrame:
    return _read("plan_targets.csv", dtype=str, keep_default_na=False)


def plan_targets() -> pd.DataFrame:
    """Every dated Alfa Romeo volume target found (2003-2024) and what happened."""
    return _plan_targets().copy()


@cache
def _plan_2014() -> pd.DataFrame:
    return _read("plan_2014.csv", dtype=str, keep_default_na=False)


def plan_2014() -> pd.DataFrame:
    """The May 2014 plan's models: planned against actual launch year."""
    return _plan_2014().copy()


#: How a shipped number is known: ``sourced`` (a source URL and its date), ``derived``
#: (arithmetic on sourced numbers, written out in ``evidence``) or ``assumption`` (a
#: judgement, its reason in ``evidence``).
BASES: tuple[str, ...] = ("sourced", "derived", "assumption")


@cache
def _lineup_basis() -> pd.DataFrame:
    return _read("lineup_basis.csv", dtype=str, keep_default_na=False)


def lineup_basis() -> pd.DataFrame:
    """Where every number of the shipped lineup comes from, one row per model and column.

    Columns: ``model`` (``(default)`` for the defaults applied to blank cells), ``column``
    (a lineup column), ``value`` (as in ``lineup.csv``), ``basis`` (one of :data:`BASES`),
    ``evidence`` (the fact, the arithmetic ``EXPRESSION = VALUE``, or the reason),
    ``url`` and ``as_of`` (the source and its date, for sourced and derived numbers).

    >>> b = lineup_basis()
    >>> b.set_index(["model", "column"]).loc[("Giulia", "peak_units"), "basis"]
    'sourced'
    >>> sorted(b["basis"].unique())
    ['assumption', 'derived', 'sourced']
    """
    return _lineup_basis().copy()


@cache
def _partial_periods() -> pd.DataFrame:
    frame = _read("partial_periods.csv", dtype=str, keep_default_na=False)
    for col in ("year", "months"):
        frame[col] = frame[col].astype(int)
    for col in ("units", "full_year_units"):
        frame[col] = frame[col].astype(float)
    return frame


def partial_periods() -> pd.DataFrame:
    """Worldwide units over the first months of a year, beside the year's full total.

    Columns: ``period``, ``year``, ``months`` (January through month ``months``),
    ``region`` (``Global``), ``units``, ``full_year_units``, ``kind``, ``source``,
    ``full_year_source``, ``note``. The within-year seasonality of
    :mod:`alfa_xl.model.risk.nowcast` comes from ``units / full_year_units``.

    >>> p = partial_periods().set_index("period")
    >>> round(float(p.loc["2025H1", "units"] / p.loc["2025H1", "full_year_units"]), 4)
    0.4523
    """
    return _partial_periods().copy()
