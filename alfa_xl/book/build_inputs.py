"""What the build writes into the Inputs sheet (:class:`BuildInputs`; default: the shipped data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from alfa_xl.book.layout import BookInputs
from alfa_xl.book.tables.report import RefreshInputs
from alfa_xl.model.engine.gap import DEFAULT_TARGET
from alfa_xl.model.engine.lineup import Lineup
from alfa_xl.model.engine.projection import default_horizon
from alfa_xl.model.engine.scenarios import BUILTIN
from alfa_xl.model.risk.settings import DEFAULT_PATHS, DEFAULT_SEED
from alfa_xl.validation import DEFAULT_YEAR

__all__ = ["BuildInputs"]

_TEXT_COLUMNS = ("model", "status", "replaces", "source", "comment")


def _lineup_csv() -> pd.DataFrame:
    with resources.as_file(resources.files("alfa_xl.model") / "data" / "lineup.csv") as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _cell(value: str, column: str) -> Any:
    """A lineup CSV field as Excel stores it: numbers as numbers, blanks as None."""
    if value == "":
        return None
    if column in _TEXT_COLUMNS:
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number == int(number) else number


@dataclass(frozen=True)
class BuildInputs:
    """What the build writes into Inputs (defaults: the shipped data)."""

    target: float
    start_year: int
    end_year: int
    compare_year: int
    scenario: str
    scenario_list: tuple[str, ...]
    lineup_rows: tuple[tuple[Any, ...], ...]
    lineup_columns: tuple[str, ...]
    paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
    ytd_units: float | None = None
    ytd_months: int | None = None

    @classmethod
    def default(cls) -> BuildInputs:
        start, end = default_horizon()
        frame = _lineup_csv()
        cols = tuple(frame.columns)
        rows = tuple(tuple(_cell(v, c) for v, c in zip(r, cols)) for r in frame.itertuples(index=False, name=None))
        return cls(DEFAULT_TARGET, start, end, DEFAULT_YEAR, "base", tuple(BUILTIN), rows, cols)

    @classmethod
    def from_book(cls, book: BookInputs) -> BuildInputs:
        """What a build would write for the inputs a refresh read (the lineup as the
        engine holds it): the refresh builds this workbook in memory for its cached values."""
        r = book.refresh
        frame = r.lineup.to_frame()
        rows = tuple(
            tuple(None if (isinstance(x, float) and math.isnan(x)) else x for x in row)
            for row in frame.itertuples(index=False, name=None)
        )
        names = tuple(getattr(s, "name", str(s)) for s in r.scenarios)
        scenario = getattr(book.scenario, "name", str(book.scenario))
        return cls(
            float(r.target),
            int(r.start_year),
            int(r.end_year),
            int(r.compare_year),
            scenario,
            names,
            rows,
            tuple(frame.columns),
            book.paths,
            book.seed,
            book.ytd_units,
            book.ytd_months,
        )

    def excel_lineup(self) -> list[list[Any]]:
        """The lineup as Excel passes ``tbl_lineup[#All]``: header row, then rows (numbers as floats)."""
        return [list(self.lineup_columns)] + [
            [float(v) if isinstance(v, int) else v for v in r] for r in self.lineup_rows
        ]

    def refresh_inputs(self) -> RefreshInputs:
        frame = pd.DataFrame([list(r) for r in self.lineup_rows], columns=list(self.lineup_columns), dtype=object)
        return RefreshInputs(
            target=self.target,
            start_year=self.start_year,
            end_year=self.end_year,
            scenarios=self.scenario_list,
            lineup=Lineup.from_frame(frame),
            compare_year=self.compare_year,
        )

    def book_inputs(self) -> BookInputs:
        """What a refresh of the built workbook reads (the Risk sheet's inputs included)."""
        return BookInputs(self.refresh_inputs(), self.scenario, self.paths, self.seed, self.ytd_units, self.ytd_months)
