"""The model lineup: validated, immutable descriptions of every nameplate.

A lineup is a table with one row per model. Its columns (the CSV contract, also used by
Excel tables passed to ``ALFA_PROJECT``) are:

============================  =========  ===================================================
column                        unit       meaning
============================  =========  ===================================================
model                         text       unique name
status                        text       ``on_sale``, ``planned`` or ``reported_cancelled``
firmness                      text       how firm the announcement is (see :data:`FIRMNESS`)
launch_year                   year       first year on sale in the base view
announced_year                year       year the company announced (blank = launch_year)
launch_fraction               share      share of the launch year on sale (0-1)
peak_units                    units/yr   volume in the first full year (the peak)
plateau                       share      level after the peak, as a share of peak (0-1)
decay                         1/yr       speed of the fall from peak to plateau (>= 0)
decline_after                 years      age at which late-life decline starts (>= 1)
decline_rate                  share/yr   late-life decline per year (0-1)
end_year                      year       last year on sale (blank = open)
hold_until                    year       a model on sale is held at its latest actual year's
                                         level through this year (evidence such as an order
                                         book or a facelift); its ageing resumes after
                                         (blank = no hold)
replaces                      text       the model this one succeeds (blank = none)
share_italy ... rest_of_world share      split over the four regions; must sum to 1
source, comment               text       where the figure comes from, why it was chosen
============================  =========  ===================================================

Only ``model``, ``launch_year`` and ``peak_units`` are required; the other numeric
columns take the defaults in :data:`DEFAULTS`. A blank ``firmness`` is ``confirmed`` for a
model on sale and ``dated`` otherwise (files written before the column existed read as
before).

Where each shipped number comes from (sourced with URL and date, derived with the
arithmetic, or an assumption with its reason) is recorded per model and column in
``model/data/lineup_basis.csv`` (:func:`alfa_xl.model.data.sources.lineup_basis`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alfa_xl import validation as v
from alfa_xl.errors import LineupError
from alfa_xl.model.engine.curve import LATE_LIFE
from alfa_xl.model.engine.files import TEXT_COLUMNS, read_lineup_table
from alfa_xl.model.engine.files import column_key as _column_key
from alfa_xl.model.engine.files import refuse_repeated_columns as _refuse_repeated_columns
from alfa_xl.validation import LIMITS

__all__ = [
    "REGIONS",
    "REGION_COLUMNS",
    "DEFAULTS",
    "STATUSES",
    "FIRMNESS",
    "Model",
    "Lineup",
    "default_lineup",
    "load_lineup",
    "read_lineup_table",
    "lineup_from_table",
    "table_frame",
    "TEXT_COLUMNS",
]

#: Region labels, in the order used by every result.
REGIONS: tuple[str, ...] = ("Italy", "Rest of Europe", "North America", "Rest of world")
#: Lineup columns holding the regional split, in the order of :data:`REGIONS`.
REGION_COLUMNS: tuple[str, ...] = (
    "share_italy",
    "share_rest_of_europe",
    "share_north_america",
    "share_rest_of_world",
)
#: Allowed values of the ``status`` column.
STATUSES: tuple[str, ...] = ("on_sale", "planned", "reported_cancelled")
#: Allowed values of the ``firmness`` column, firmest first: ``confirmed`` (launch date
#: and plant confirmed by the company), ``dated`` (an official date, no plant named),
#: ``rumour`` (press reports only). ``Lineup.arrays["firmness"]`` holds the index.
FIRMNESS: tuple[str, ...] = ("confirmed", "dated", "rumour")
_FIRMNESS_SPELLINGS = {"confirmed": "confirmed", "dated": "dated", "rumour": "rumour", "rumor": "rumour"}
#: Defaults for optional columns. Blank curve cells take the late-life fit
#: (:data:`alfa_xl.model.engine.curve.LATE_LIFE`), the one curve the backtests validated.
DEFAULTS: dict[str, Any] = {
    "status": "planned",
    "launch_fraction": 0.5,
    **LATE_LIFE,
    "share_italy": 0.25,
    "share_rest_of_europe": 0.45,
    "share_north_america": 0.15,
    "share_rest_of_world": 0.15,
    "source": "",
    "comment": "",
}
REQUIRED = ("model", "launch_year", "peak_units")
#: Years a lineup accepts (``LIMITS["model_year"]``).
MIN_YEAR, MAX_YEAR = int(LIMITS["model_year"].lo), int(LIMITS["model_year"].hi)
#: Numeric columns: the kind of value (bounds in :data:`alfa_xl.validation.LIMITS`) and
#: the instruction shown when a value is wrong.
NUMBER_COLUMNS: dict[str, tuple[str, str]] = {
    "peak_units": ("units", "give peak_units as a number of 0 or more (yearly units, up to {hi})"),
    "launch_fraction": ("share", "give the share of the launch year on sale, 0 to 1"),
    "plateau": ("share", "give the plateau as a share of peak, 0 to 1"),
    "decay": ("decay", "give a decay rate per year between {lo} and {hi}"),
    "decline_after": ("decline_after", "give the age (years) when decline starts, 1 or more (up to {hi})"),
    "decline_rate": ("share", "give a yearly decline rate between 0 and 1"),
    **{c: ("share", "give each regional share between 0 and 1") for c in REGION_COLUMNS},
}
#: Year columns (``LIMITS["model_year"]``; dates and Excel date serials give their year).
YEAR_COLUMNS = ("launch_year", "announced_year", "end_year", "hold_until")
_TEXT_COLUMNS = ("status", "firmness", "replaces", "source", "comment")
_SHARE_TOL = 1e-6


def _where(model: str, column: str) -> str:
    return f"{column} of {model!r}" if model else column


def _number(model: str, column: str, value: Any) -> float:
    kind, fix = NUMBER_COLUMNS[column]
    return v.number(value, _where(model, column), kind, fix=fix, error=LineupError)


def _year(model: str, column: str, value: Any) -> int:
    return v.year(value, _where(model, column), "model_year", error=LineupError)


@dataclass(frozen=True)
class Model:
    """One nameplate and its lifecycle assumptions (validated on creation).

    Build it with :meth:`from_mapping` to get defaults and text-to-number conversion;
    the constructor itself checks every field. Units are yearly sales (registrations).
    """

    model: str
    launch_year: int
    peak_units: float
    status: str = DEFAULTS["status"]
    firmness: str | None = None
    announced_year: int | None = None
    launch_fraction: float = DEFAULTS["launch_fraction"]
    plateau: float = DEFAULTS["plateau"]
    decay: float = DEFAULTS["decay"]
    decline_after: float = DEFAULTS["decline_after"]
    decline_rate: float = DEFAULTS["decline_rate"]
    end_year: int | None = None
    replaces: str | None = None
    share_italy: float = DEFAULTS["share_italy"]
    share_rest_of_europe: float = DEFAULTS["share_rest_of_europe"]
    share_north_america: float = DEFAULTS["share_north_america"]
    share_rest_of_world: float = DEFAULTS["share_rest_of_world"]
    source: str = ""
    comment: str = ""
    hold_until: int | None = None

    def __post_init__(self) -> None:
        v.name(self.model, "model", error=LineupError, what="model name")
        name = self.model
        _year(name, "launch_year", self.launch_year)
        for column in NUMBER_COLUMNS:
            _number(name, column, getattr(self, column))
        if self.status not in STATUSES:
            raise LineupError(f"status of {name!r}", self.status, f"use one of {', '.join(STATUSES)}", "unknown status")
        if self.firmness is None:
            object.__setattr__(self, "firmness", "confirmed" if self.status == "on_sale" else "dated")
        elif self.firmness not in FIRMNESS:
            raise LineupError(
                f"firmness of {name!r}",
                self.firmness,
                "use confirmed (date and plant confirmed), dated (officially dated) or rumour, or leave it blank",
                "unknown firmness",
            )
        if self.announced_year is not None:
            _year(name, "announced_year", self.announced_year)
        if self.end_year is not None:
            end = _year(name, "end_year", self.end_year)
            if end < self.launch_year:
                raise LineupError(
                    f"end_year of {name!r}",
                    end,
                    f"give an end year on or after the launch year {self.launch_year}, or leave it blank",
                    "before the launch year",
                )
        if self.hold_until is not None and _year(name, "hold_until", self.hold_until) < self.launch_year:
            raise LineupError(
                f"hold_until of {name!r}",
                self.hold_until,
                f"give a year on or after the launch year {self.launch_year}, or leave it blank",
                "before the launch year",
            )
        total = sum(float(getattr(self, c)) for c in REGION_COLUMNS)
        if abs(total - 1.0) > _SHARE_TOL:
            raise LineupError(
                f"regional shares of {name!r}",
                round(total, 6),
                "make share_italy + share_rest_of_europe + share_north_america + share_rest_of_world equal 1",
                "do not sum to 1",
            )
        if self.replaces is not None and self.replaces == name:
            raise LineupError(
                f"replaces of {name!r}", self.replaces, "name the predecessor, not the model itself", "replaces itself"
            )

    @property
    def shares(self) -> tuple[float, float, float, float]:
        """Regional split in the order of :data:`REGIONS`."""
        return tuple(float(getattr(self, c)) for c in REGION_COLUMNS)  # type: ignore[return-value]

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> Model:
        """Build a model from a dict-like row (CSV row, DataFrame row, Excel table row).

        Blank optional cells take :data:`DEFAULTS`; numbers may arrive as text.
        """
        raw = row.get("model")
        name = "" if v.is_blank(raw) else v.name(raw, "model", error=LineupError, what="model name")
        for col in REQUIRED[1:]:
            if v.is_blank(row.get(col)):
                raise LineupError(_where(name, col), row.get(col), f"fill in {col} for every model", "missing")
        kwargs: dict[str, Any] = {"model": name}
        for f in fields(cls):
            if f.name == "model":
                continue
            value = row.get(f.name)
            if v.is_blank(value):
                if f.name in DEFAULTS:
                    kwargs[f.name] = DEFAULTS[f.name]
                continue
            if f.name in YEAR_COLUMNS:
                kwargs[f.name] = _year(name, f.name, value)
            elif f.name in _TEXT_COLUMNS:
                text = v.text(value, _where(name, f.name), error=LineupError)
                if f.name == "status":
                    text = text.lower()
                elif f.name == "firmness":
                    text = _FIRMNESS_SPELLINGS.get(text.lower(), text)
                kwargs[f.name] = text
            else:
                kwargs[f.name] = _number(name, f.name, value)
        return cls(**kwargs)


class Lineup:
    """An immutable, validated set of models with cross-model checks.

    Checks names are unique, successors name a model in the lineup, each model has at
    most one successor, and a successor launches after its predecessor.

    Parameters
    ----------
    models : iterable of Model
        The models. Order is kept in every result.
    """

    __slots__ = ("__dict__", "_models")

    def __init__(self, models: Iterable[Model]):
        models = tuple(models)
        if not models:
            raise LineupError("lineup", "(empty)", "give at least one model", "no models")
        _refuse_too_many(len(models))
        names = [m.model for m in models]
        seen: set[str] = set()
        for n in names:
            key = v.name_key(n)
            if key in seen:
                raise LineupError("model", n, "give every model a unique name", "duplicate model name")
            seen.add(key)
        by_name = {m.model: m for m in models}
        successors: dict[str, str] = {}
        for m in models:
            if m.replaces is None:
                continue
            if m.replaces not in by_name:
                raise LineupError(
                    f"replaces of {m.model!r}",
                    m.replaces,
                    f"name a model in the lineup ({', '.join(names)})",
                    "unknown model",
                )
            if m.replaces in successors:
                raise LineupError(
                    f"replaces of {m.model!r}",
                    m.replaces,
                    f"only one model can replace {m.replaces!r} (already {successors[m.replaces]!r})",
                    "second successor",
                )
            if m.launch_year <= by_name[m.replaces].launch_year:
                raise LineupError(
                    f"launch_year of {m.model!r}",
                    m.launch_year,
                    f"a successor must launch after {m.replaces!r} ({by_name[m.replaces].launch_year})",
                    "not after its predecessor",
                )
            successors[m.replaces] = m.model
        self._models = models

    # -- container protocol -------------------------------------------------------------
    @property
    def models(self) -> tuple[Model, ...]:
        """The models, in order."""
        return self._models

    @property
    def names(self) -> tuple[str, ...]:
        """Model names, in order."""
        return tuple(m.model for m in self._models)

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self):
        return iter(self._models)

    def __getitem__(self, name: str) -> Model:
        for m in self._models:
            if m.model == name:
                return m
        raise KeyError(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lineup) and self._models == other._models

    def __hash__(self) -> int:
        return hash(self._models)

    def __repr__(self) -> str:
        return f"Lineup({len(self)} models: {', '.join(self.names)})"

    def resolve(self, name: str) -> str:
        """Return the lineup's spelling of ``name`` (case and spaces ignored).

        Raises ``KeyError`` when no model matches.
        """
        key = v.name_key(name)
        for n in self.names:
            if v.name_key(n) == key:
                return n
        raise KeyError(name)

    # -- arrays used by the projection (computed once) ----------------------------------
    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        """Column arrays for vectorised projection (read-only)."""
        ms = self._models
        index = {m.model: i for i, m in enumerate(ms)}
        succ = np.full(len(ms), -1, dtype=np.intp)
        for i, m in enumerate(ms):
            if m.replaces is not None:
                succ[index[m.replaces]] = i
        out = {
            "launch_year": np.array([m.launch_year for m in ms], float),
            "announced_year": np.array(
                [m.announced_year if m.announced_year is not None else m.launch_year for m in ms], float
            ),
            "peak_units": np.array([m.peak_units for m in ms], float),
            "launch_fraction": np.array([m.launch_fraction for m in ms], float),
            "plateau": np.array([m.plateau for m in ms], float),
            "decay": np.array([m.decay for m in ms], float),
            "decline_after": np.array([m.decline_after for m in ms], float),
            "decline_rate": np.array([m.decline_rate for m in ms], float),
            "end_year": np.array([m.end_year if m.end_year is not None else np.inf for m in ms], float),
            "hold_until": np.array(
                [m.hold_until if m.hold_until is not None and m.status == "on_sale" else -np.inf for m in ms], float
            ),
            "successor": succ,
            "shares": np.array([m.shares for m in ms], float),
            "reported_cancelled": np.array([m.status == "reported_cancelled" for m in ms]),
            "firmness": np.array([FIRMNESS.index(m.firmness) for m in ms], dtype=np.intp),
        }
        for a in out.values():
            a.setflags(write=False)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The lineup as a DataFrame with the CSV columns, one row per model."""
        cols = [f.name for f in fields(Model)]
        return pd.DataFrame([[getattr(m, c) for c in cols] for m in self._models], columns=cols)

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Lineup:
        """Build a lineup from a DataFrame with the CSV columns (see module docstring)."""
        _refuse_repeated_columns(frame.columns)
        frame = frame.rename(columns=_column_key)
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise LineupError(
                "columns",
                list(map(str, frame.columns)),
                f"add the column(s) {', '.join(missing)}",
                "missing required column",
            )
        frame = frame.dropna(how="all")
        _refuse_too_many(len(frame))  # before a Model is built for each row
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return cls(Model.from_mapping(r) for r in rows)


def _refuse_too_many(count: int) -> None:
    """Refuse more models than ``LIMITS["lineup_models"]`` (from a file, a frame, a range)."""
    limit = LIMITS["lineup_models"]
    if count > limit.hi:
        raise LineupError("lineup", f"{count:,} models", limit.instruction(), f"more than {limit.hi:,.0f} models")


def load_lineup(path: str | Path) -> Lineup:
    """Read a lineup CSV file (UTF-8, header row, columns as in the module docstring; see
    :func:`read_lineup_table` for the file's bounds and dialects)."""
    return lineup_from_table(read_lineup_table(path), Path(path).name)


def lineup_from_table(table: v.CsvTable, file_name: str) -> Lineup:
    """The lineup of a table from :func:`read_lineup_table`; an error about one model
    names the file line of its row."""
    try:
        return Lineup.from_frame(table_frame(table))
    except LineupError as exc:
        line = _line_of(table, exc)
        if line is None:
            raise
        raise LineupError(f"{file_name} line {line}: {exc.field}", exc.value, exc.fix, exc.problem) from None


def table_frame(table: v.CsvTable) -> pd.DataFrame:
    """The rows of a CSV table as a DataFrame of text, one column per header name."""
    return pd.DataFrame(table.rows, columns=table.header, dtype=object)


_OF_MODEL = re.compile(r" of '(?P<model>.*)'$")


def _line_of(table: v.CsvTable, exc: LineupError) -> int | None:
    """The file line of the row an error is about (the last row of that model), if any."""
    m = _OF_MODEL.search(str(exc.field))
    model = m.group("model") if m else (str(exc.value) if exc.field == "model" else None)
    if model is None:
        return None
    return table.line_of_last("model", model)


_DEFAULT: Lineup | None = None


def default_lineup() -> Lineup:
    """The shipped default lineup (package data ``alfa_xl/data/lineup.csv``).

    >>> lu = default_lineup()
    >>> lu.names[:4], lu["Junior"].peak_units
    (('Junior', 'Tonale', 'Giulia', 'Stelvio'), 33000.0)
    """
    global _DEFAULT
    if _DEFAULT is None:
        with resources.as_file(resources.files("alfa_xl.model") / "data" / "lineup.csv") as p:
            _DEFAULT = load_lineup(p)
    return _DEFAULT
