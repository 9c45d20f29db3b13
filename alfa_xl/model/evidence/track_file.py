"""The file format of tables computed at release and shipped with the package (the Track
record tables of :mod:`alfa_xl.model.evidence.rolling`): JSON, one entry per table with its
name, title, columns, each column's type and its rows. Floats are written as Python's
shortest round-trip text, so a table read back equals the one written to the last bit;
blank cells (NaN) are ``null``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TrackTable", "read_tables", "write_tables"]

_DTYPES = ("int64", "float64", "object", "bool")


@dataclass(frozen=True)
class TrackTable:
    """One shipped table: its name, its title and its rows."""

    name: str
    title: str
    frame: pd.DataFrame


def _cell(value: Any) -> Any:
    """A JSON value for a table cell: NaN and infinity (blank on a sheet) become null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    raise TypeError(f"a shipped table holds a {type(value).__name__}, which the file cannot keep")


def _dtype(column: pd.Series) -> str:
    return {"i": "int64", "u": "int64", "f": "float64", "b": "bool"}.get(column.dtype.kind, "object")


def _column(values: list[Any], dtype: str) -> pd.Series:
    if dtype == "float64":
        return pd.Series([np.nan if v is None else v for v in values], dtype=float)
    if dtype == "object":  # text: pandas' own choice of dtype, as for the computed table
        return pd.Series(values, dtype=None if values else object)
    return pd.Series(values, dtype=dtype)


def _tables_of(payload: dict[str, Any], fix: str) -> tuple[TrackTable, ...]:
    out = []
    for t in payload["tables"]:
        columns, dtypes, rows = list(t["columns"]), list(t["dtypes"]), list(t["rows"])
        if (
            len(dtypes) != len(columns)
            or any(d not in _DTYPES for d in dtypes)
            or any(len(r) != len(columns) for r in rows)
        ):
            raise ValueError(f"shipped table {t['name']!r} is malformed; {fix}")
        data = {c: _column([r[j] for r in rows], d) for j, (c, d) in enumerate(zip(columns, dtypes))}
        out.append(TrackTable(str(t["name"]), str(t["title"]), pd.DataFrame(data, columns=columns)))
    return tuple(out)


def _text(payload: dict[str, Any]) -> str:
    """JSON with one line per table row (readable in a diff), NaN refused."""

    def dump(value: Any) -> str:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)

    lines = ["{"] + [f" {dump(k)}: {dump(v)}," for k, v in payload.items() if k != "tables"] + [' "tables": [']
    for i, t in enumerate(payload["tables"]):
        lines += ["  {"] + [f"   {dump(k)}: {dump(t[k])}," for k in ("name", "title", "columns", "dtypes")]
        rows = [f"    {dump(r)}" + ("," if j < len(t["rows"]) - 1 else "") for j, r in enumerate(t["rows"])]
        lines += ['   "rows": [', *rows, "   ]", "  }" + ("," if i < len(payload["tables"]) - 1 else "")]
    return "\n".join([*lines, " ]", "}", ""])


def read_tables(path: Path, fix: str) -> tuple[dict[str, Any], tuple[TrackTable, ...]]:
    """The settings (every key but ``tables``) and the tables of a file :func:`write_tables`
    wrote; ``fix`` ends the message when the file is malformed."""
    with open(path, encoding="utf-8") as fh:
        payload = json.load(fh)
    return {k: v for k, v in payload.items() if k != "tables"}, _tables_of(payload, fix)


def write_tables(path: Path, tables: list[TrackTable], settings: dict[str, Any], fix: str) -> None:
    """Write ``tables`` and ``settings`` (JSON values) to ``path``, atomically; the text is
    checked to read back as ``tables`` before it replaces the file."""
    payload = {
        **settings,
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "columns": [str(c) for c in t.frame.columns],
                "dtypes": [_dtype(t.frame[c]) for c in t.frame.columns],
                "rows": [[_cell(v) for v in row] for row in t.frame.itertuples(index=False, name=None)],
            }
            for t in tables
        ],
    }
    text = _text(payload)
    back = _tables_of(json.loads(text), fix)
    for a, b in zip(back, tables, strict=True):
        pd.testing.assert_frame_equal(a.frame, b.frame.reset_index(drop=True), check_exact=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
