"""Read and validate a workbook's own Inputs (defined names and the lineup table).

Everything is checked before a refresh writes anything. A problem raises
:class:`InputsError` whose message is one line naming the sheet and cell (or the table
column and row) and the fix, for example::

    Inputs!C6 (in_target): must be a number above 0 (got -5.0); give the target in units a year, above 0
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from alfa_xl.errors import AlfaInputError
from alfa_xl.model.lineup import REGION_COLUMNS, Lineup
from alfa_xl.model.gap import DEFAULT_TARGET
from alfa_xl.model.projection import MAX_END, MIN_START, default_horizon, project
from alfa_xl.model.report import RefreshInputs
from alfa_xl.model.scenarios import BUILTIN, get_scenario
from alfa_xl.model.simulate import DEFAULT_PATHS, DEFAULT_SEED, check_paths, check_seed
from alfa_xl.book.layout import INPUT_NAMES, LINEUP_TABLE, BookInputs
from alfa_xl.book.xlsx import (
    CellRange,
    Package,
    cell_ref,
    defined_names,
    find_table,
    resolve_name,
    read_cells,
    sheet_parts,
    shared_strings,
)

__all__ = ["InputsError", "read_inputs", "read_book_inputs", "where"]


class InputsError(AlfaInputError):
    """A workbook input that a refresh cannot use; the message names the cell and the fix."""

    def __init__(self, where: str, value: object, fix: str, problem: str = "invalid value"):
        super().__init__(where, value, fix, problem)


def where(rng: CellRange, row: int | None = None, col: int | None = None) -> str:
    """``Sheet!B5`` for one cell of ``rng`` (its top-left by default)."""
    r = rng.r0 if row is None else row
    c = rng.c0 if col is None else col
    sheet = rng.sheet if re.fullmatch(r"[A-Za-z0-9_.]+", rng.sheet) else f"'{rng.sheet}'"
    return f"{sheet}!{cell_ref(r, c)}"


class _Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.parts = sheet_parts(pkg)
        self.names = defined_names(pkg)
        self.strings = shared_strings(pkg)
        self._cells: dict[str, dict] = {}

    def cells(self, sheet: str) -> dict:
        if sheet not in self._cells:
            self._cells[sheet] = read_cells(self.pkg, self.parts[sheet], self.strings)
        return self._cells[sheet]

    def range(self, name: str) -> CellRange:
        return resolve_name(
            self.names, self.parts, name, InputsError,
            f"make {name} refer to cells on an existing sheet, for example Inputs!$C$6",
            f"define {name} ({INPUT_NAMES.get(name, 'see the workbook contract')}) with Formulas > Name Manager, or rebuild the workbook",
        )

    def scalar(self, name: str) -> tuple[Any, str]:
        rng = self.range(name)
        return self.cells(rng.sheet).get((rng.r0, rng.c0)), f"{where(rng)} ({name})"

    def optional(self, name: str) -> tuple[Any, str]:
        """As :meth:`scalar`; ``(None, name)`` when the workbook does not define ``name``."""
        return self.scalar(name) if name in self.names else (None, name)


def _whole_year(value: Any, at: str, lo: int, hi: int) -> int:
    fix = f"type a whole year between {lo} and {hi}"
    if isinstance(value, bool) or value is None:
        raise InputsError(at, value, fix, "missing" if value is None else "not a year")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise InputsError(at, value, fix, "not a year") from None
    if not math.isfinite(number) or number != int(number) or not lo <= number <= hi:
        raise InputsError(at, value, fix, "outside the supported years" if math.isfinite(number) and number == int(number) else "not a whole year")
    return int(number)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_FIELD = re.compile(r"^(?P<col>[a-z_ ]+?) of '(?P<model>.*)'$")


def _lineup(reader: _Reader) -> Lineup:
    t = find_table(reader.pkg, LINEUP_TABLE)
    if t is None:
        raise InputsError(f"table {LINEUP_TABLE}", None, "restore the lineup table on the Inputs sheet, or rebuild the workbook", "missing")
    cells = reader.cells(t.sheet)
    first = t.ref.r0 + t.header_rows
    last = t.ref.r1 - t.totals_rows
    cols = list(t.columns)
    rows = [[cells.get((r, t.ref.c0 + j)) for j in range(len(cols))] for r in range(first, last + 1)]
    frame = pd.DataFrame(rows, columns=cols, dtype=object)
    # numbers typed as text are accepted by the engine; Excel stores whole numbers as floats
    try:
        return Lineup.from_frame(frame)
    except AlfaInputError as exc:
        raise _lineup_error(exc, t, cols, rows, first) from None


def _lineup_error(exc: AlfaInputError, t, cols: list[str], rows: list[list[Any]], first: int) -> InputsError:
    key = [c.strip().lower().replace(" ", "_") for c in cols]
    m = _FIELD.match(str(exc.field))
    column, model = (m.group("col"), m.group("model")) if m else (str(exc.field), None)
    if column == "regional shares":
        column = REGION_COLUMNS[0]
    row = None
    if model is not None and "model" in key:
        j = key.index("model")
        for i, r in enumerate(rows):
            if r[j] is not None and str(r[j]).strip() == model:
                row = first + i
                break
    elif column == "model" and "model" in key:  # duplicate or missing name
        j = key.index("model")
        seen = set()
        for i, r in enumerate(rows):
            name = "" if r[j] is None else str(r[j]).strip().casefold()
            if (not name and any(v is not None for v in r)) or (name and name in seen):
                row = first + i
                break
            seen.add(name)
    if column in key and row is not None:
        at = f"{where(t.ref, row, t.ref.c0 + key.index(column))} ({LINEUP_TABLE}[{cols[key.index(column)]}]" + (f", model {model!r})" if model else ")")
    elif column in key:
        at = f"{LINEUP_TABLE}[{cols[key.index(column)]}] on {t.sheet}" + (f", model {model!r}" if model else "")
    else:
        at = f"{LINEUP_TABLE} on {t.sheet} ({exc.field})"
    return InputsError(at, exc.value, exc.fix, exc.problem)


def read_inputs(pkg: Package) -> RefreshInputs:
    """The refresh inputs stored in a workbook, validated.

    Reads ``in_target`` (units a year, above 0; empty = 400,000), ``in_start_year`` and
    ``in_end_year`` (whole years, 2000-2060, end on or after start; empty = 2026 and 2030),
    ``in_compare_year`` (empty = 2030), ``in_scenario_list`` (built-in scenario names,
    each once; blank cells ignored; all blank = every built-in scenario) and the table
    ``tbl_lineup``, with the same defaults as the Excel macro; then runs one projection per scenario so that every error
    surfaces here, before anything is written.

    Raises
    ------
    InputsError
        One line naming the cell or table column and the fix.
    """
    rd = _Reader(pkg)
    value, at = rd.scalar("in_target")
    fix = "type the target in units a year, a number above 0 (400000)"
    if _blank(value) or value == 0:  # as the macro: an empty target means 400,000
        value = DEFAULT_TARGET
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).replace(",", "")) if isinstance(value, str) else None
        except ValueError:
            value = None
        if value is None:
            raise InputsError(at, rd.scalar("in_target")[0], fix, "not a number")
    if not math.isfinite(value) or value <= 0:
        raise InputsError(at, value, fix, "must be a number above 0")
    target = float(value)

    d_start, d_end = default_horizon()
    start_v, start_at = rd.scalar("in_start_year")
    start = d_start if _blank(start_v) else _whole_year(start_v, start_at, MIN_START, MAX_END)
    end_v, end_at = rd.scalar("in_end_year")
    end = max(d_end, start) if _blank(end_v) else _whole_year(end_v, end_at, MIN_START, MAX_END)
    if end < start:
        raise InputsError(end_at, end, f"type an end year on or after the start year {start}", "before the start year")
    cmp_v, cmp_at = rd.scalar("in_compare_year")
    compare = 2030 if _blank(cmp_v) else _whole_year(cmp_v, cmp_at, MIN_START, MAX_END)

    lst = rd.range("in_scenario_list")
    if lst.c0 != lst.c1:
        raise InputsError(f"{where(lst)} (in_scenario_list)", lst.a1, "make in_scenario_list one column of cells", "not a single column")
    cells = rd.cells(lst.sheet)
    names: list[str] = []
    for r in range(lst.r0, lst.r1 + 1):
        v = cells.get((r, lst.c0))
        if _blank(v) or v == 0:
            continue
        try:
            name = get_scenario(str(v)).name
        except AlfaInputError as exc:
            raise InputsError(f"{where(lst, r)} (in_scenario_list)", v, exc.fix, exc.problem) from None
        if name in names:
            raise InputsError(f"{where(lst, r)} (in_scenario_list)", v, "list each scenario once", "a scenario is listed twice")
        names.append(name)
    if not names:  # as the macro: an empty list means every built-in scenario
        names = list(BUILTIN)

    lineup = _lineup(rd)
    for i, name in enumerate(names):
        try:
            project(lineup, name, start, end)
        except AlfaInputError as exc:
            raise InputsError(f"scenario {name!r} on the lineup {LINEUP_TABLE}", exc.value, exc.fix, f"{exc.field}: {exc.problem}") from None
    return RefreshInputs(target=target, start_year=start, end_year=end, scenarios=tuple(names), lineup=lineup, compare_year=compare)



def _checked(check, value: Any, at: str):
    try:
        return check(value)
    except AlfaInputError as exc:
        raise InputsError(at, value, exc.fix, exc.problem) from None


def read_book_inputs(pkg: Package) -> BookInputs:
    """Everything a refresh reads, validated: :func:`read_inputs` plus the Risk sheet's
    ``in_scenario`` (a built-in scenario name; empty = ``base``), ``in_paths`` (a whole
    number from 1 to 1,000,000; empty or 0 = 10,000) and ``in_seed`` (a whole number of 0 or
    more; empty = the simulation's default seed). A workbook built before the Risk sheet
    existed has no ``in_paths``/``in_seed``: the defaults apply.

    Raises
    ------
    InputsError
        One line naming the cell and the fix.
    """
    refresh = read_inputs(pkg)
    rd = _Reader(pkg)
    value, at = rd.scalar("in_scenario")
    scenario = "base" if _blank(value) or value == 0 else _checked(lambda v: get_scenario(str(v)).name, value, at)
    value, at = rd.optional("in_paths")
    paths = DEFAULT_PATHS if _blank(value) or value == 0 else _checked(check_paths, value, at)  # 0: as in_target
    value, at = rd.optional("in_seed")
    seed = DEFAULT_SEED if _blank(value) else _checked(check_seed, value, at)
    return BookInputs(refresh, scenario, paths, seed)
