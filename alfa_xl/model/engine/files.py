"""The lineup and scenario files a user gives, read within their bounds, without pandas.

Reading a file is the cheap half of loading it: the bounded reader
(:func:`~alfa_xl.validation.read_csv_file`) refuses a file too large, with too long a
line or field, or with too many rows before anything else is done. The command line
reads the files it is given with these functions before it imports the engine, so a
refused file costs well under a second (``docs/exits.md``); the engine turns the table
into a lineup or a scenario (:func:`alfa_xl.model.engine.lineup.lineup_from_table`,
:func:`alfa_xl.model.engine.scenarios.scenario_from_table`).
"""

from __future__ import annotations

from pathlib import Path

from alfa_xl import validation as v
from alfa_xl.errors import LineupError, ScenarioError
from alfa_xl.validation import LIMITS

__all__ = ["TEXT_COLUMNS", "column_key", "refuse_repeated_columns", "read_lineup_table", "read_scenario_table"]

#: Lineup columns holding text, never read as numbers from a decimal-comma CSV.
TEXT_COLUMNS: tuple[str, ...] = ("model", "status", "firmness", "replaces", "source", "comment")


def column_key(name: object) -> str:
    """A column's name as the lineup knows it: ``Peak Units`` is ``peak_units``."""
    return v.identifier(name)


def refuse_repeated_columns(names) -> None:
    """Refuse a column given twice (after :func:`column_key`): which copy counts would be
    a silent guess."""
    seen: dict[str, str] = {}
    for name in names:
        key = column_key(name)
        if key in seen:
            also = "" if str(seen[key]) == str(name) else f" (first as {str(seen[key])!r})"
            raise LineupError(
                "columns",
                str(name),
                f"keep one {key} column: delete or rename the other",
                f"column {key} given twice{also}",
            )
        seen[key] = name


def read_lineup_table(path: str | Path) -> v.CsvTable:
    """A lineup CSV as read by the one CSV reader (:func:`~alfa_xl.validation.read_csv_file`):
    bounded (at most ``LIMITS["lineup_models"]`` models), comma-, semicolon- or
    tab-separated, decimal commas read in a semicolon file; a column given twice refused."""
    table = v.read_csv_file(
        path,
        "lineup file",
        error=LineupError,
        max_rows=int(LIMITS["lineup_models"].hi),
        rows_kind="lineup_models",
        empty_fix="add one row per model below the header (model, launch_year, peak_units, ...)",
        text_columns=TEXT_COLUMNS,
        form="a UTF-8 CSV with a header row (model, launch_year, peak_units, ...) and one row per model",
    )
    try:
        refuse_repeated_columns(table.header)
    except LineupError as exc:
        raise LineupError(f"{Path(path).name} line 1: {exc.field}", exc.value, exc.fix, exc.problem) from None
    return table


def read_scenario_table(path: str | Path) -> v.CsvTable:
    """A scenario CSV (parameter, value) as read by the one CSV reader, bounded at
    ``LIMITS["scenario_rows"]`` parameters; what the rows say is checked by
    :func:`~alfa_xl.model.engine.scenarios.scenario_from_table`."""
    return v.read_csv_file(
        path,
        "scenario file",
        error=ScenarioError,
        max_rows=int(LIMITS["scenario_rows"].hi),
        rows_kind="scenario_rows",
        empty_fix=None,
        text_columns=("parameter",),
        form="a UTF-8 CSV with a header row and two columns: parameter, value",
    )
