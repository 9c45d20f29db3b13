"""The output of ``alfa-xl backtest``: JSON, a tidy CSV, rich tables and the fan chart.

:mod:`alfa_xl.cli.backtest` declares the command and loads this module when it runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from alfa_xl.book.tables.report import clean
from alfa_xl.cli.common import csv_text, records, shown
from alfa_xl.cli.plotting import check_plot_path, figure_class
from alfa_xl.model.evidence.replay import Replay, summary
from alfa_xl.model.evidence.rolling import CANDIDATES, METHODS, SCORE_COLUMNS, Rolling, compute_headline, goals_text

__all__ = [
    "backtest_json",
    "backtest_csv",
    "plot_backtest",
    "TIDY_COLUMNS",
    "rolling_json",
    "rolling_csv",
    "render",
    "render_rolling",
]

#: Columns of ``alfa-xl backtest --format csv``.
TIDY_COLUMNS = ("section", "as_of", "key", "item", "value")


def backtest_json(replays: list[Replay]) -> str:
    """Every replay (inputs, table, scores) and the pooled summary, as JSON."""
    doc = {
        "points": [
            {
                "as_of": r.as_of,
                "label": r.label,
                "scenario": r.scenario.name,
                "scenario_description": r.scenario.description,
                "paths": r.paths,
                "seed": r.seed,
                "last_actual": {"year": r.last_actual[0], "units": r.last_actual[1]},
                "table": records(r.cases()),
                "scores": records(r.scores),
            }
            for r in replays
        ],
        "summary": records(summary(replays)),
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def backtest_csv(replays: list[Replay]) -> str:
    """One tidy CSV (:data:`TIDY_COLUMNS`): sections ``table`` (key = year), ``scores``
    and ``summary`` (key = horizon bucket)."""
    rows: list[tuple[Any, ...]] = []
    for r in replays:
        for _, row in r.cases().iterrows():
            rows.extend(("table", r.as_of, int(row["Year"]), c, clean(row[c])) for c in row.index if c != "Year")
        for _, row in r.scores.iterrows():
            rows.extend(("scores", r.as_of, row["Horizon"], c, clean(row[c])) for c in row.index if c != "Horizon")
    for _, row in summary(replays).iterrows():
        rows.extend(("summary", "", row["Horizon"], c, clean(row[c])) for c in row.index if c != "Horizon")
    return csv_text(rows, TIDY_COLUMNS)


def rolling_json(result: Rolling) -> str:
    """The rolling backtest as JSON: ``points`` (each ``as_of``, its ``table`` rows ``Year,
    Horizon, Actual, P10, P50, P90`` of the model, the ``combination`` and its ``weight``,
    and ``baselines`` by name), ``scores`` by method and band, and the ``headline``."""
    h = compute_headline(result)
    doc = {
        "points": [
            {
                "as_of": p.as_of,
                "label": p.replay.label,
                "paths": result.paths,
                "seed": result.seed,
                "last_actual": {"year": p.replay.last_actual[0], "units": p.replay.last_actual[1]},
                "table": records(p.table("model")),
                "combination": {
                    "weight": p.weight,
                    "weight_cases": p.weight_cases,
                    "table": records(p.table("combination")),
                },
                "baselines": {m: records(p.table(m)) for m in METHODS if m not in ("model", "combination")},
            }
            for p in result.points
        ],
        "scores": records(result.scores),
        "goals": {m: goals_text(result.scores, m) for m in _goal_methods(h.method)},
        "headline": {
            "method": h.method,
            "model_weight": h.model_weight,
            "combination_weight": h.weight,
            "pinball": {m: h.score(m) for m in CANDIDATES},
            "pinball_chosen_then": h.pinball_then,
            "lead_standard_error": h.margin_se,
            "cases": h.cases,
            "text": h.text(),
        },
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def rolling_csv(result: Rolling) -> str:
    """One tidy CSV (:data:`TIDY_COLUMNS`): section ``rolling`` (key = year, item =
    ``<method> P10``...) and ``rolling_scores`` (as_of = method, key = band)."""
    rows: list[tuple[Any, ...]] = []
    for p in result.points:
        for _, row in p.frame.iterrows():
            rows.extend(("rolling", p.as_of, int(row["Year"]), c, clean(row[c])) for c in row.index if c != "Year")
    for _, row in result.scores.iterrows():
        rows.extend(
            ("rolling_scores", row["Method"], row["Band"], c, clean(row[c]))
            for c in row.index
            if c not in ("Method", "Band")
        )
    return csv_text(rows, TIDY_COLUMNS)


def _num(v: Any, fmt: str) -> str:
    return "" if v is None or v != v else format(v, fmt)


def render_rolling(result: Rolling, out) -> None:
    from rich.table import Table

    origins = [p.as_of for p in result.points]
    out.print(
        f"[bold]Rolling-origin backtest[/bold]: {len(origins)} origins ({origins[0]}-{origins[-1]}), "
        "horizons 1-5 "
        f"scored where an actual exists; {result.paths:,} paths, seed {result.seed}"
    )
    out.print(
        "Combination weight of the model by origin (chosen on earlier origins only): "
        + ", ".join(f"{p.as_of} {p.weight:.1f}" for p in result.points)
    )
    t = Table(title_justify="left")
    for col in SCORE_COLUMNS:
        t.add_column(col, justify="left" if col in ("Method", "Band") else "right")
    for _, r in result.scores.iterrows():
        t.add_row(
            r["Method"],
            r["Band"],
            str(int(r["Cases"])),
            _num(r["Coverage"], ".0%"),
            _num(r["Interval score"], ".2f"),
            _num(r["Pinball"], ".3f"),
            _num(r["P50 error"], ".1%"),
            _num(r["Interval skill"], "+.0%"),
            _num(r["Pinball skill"], "+.0%"),
            _num(r["P50 skill"], "+.0%"),
        )
    t.caption = (
        "Coverage: actuals inside P10-P90 (80% if calibrated). Interval score: Winkler score of P10-P90 over "
        "the "
        "actual. Pinball: quantile loss of P10/P50/P90 over the actual. P50 error: mean absolute % error. "
        "Skill: 1 - score / best naive forecaster's (no change, rw, rw_drift) in the band; positive is "
        "better."
    )
    t.caption_justify = "left"
    out.print(t)
    h = compute_headline(result)
    out.print(h.text())
    for m in _goal_methods(h.method):
        out.print("Goals, " + goals_text(result.scores, m))


def _goal_methods(headline: str) -> tuple[str, ...]:
    """The methods whose goals are printed: the model, the combination and the headline."""
    return tuple(dict.fromkeys(("model", "combination", headline)))


def _pct(v: Any) -> str:
    return "" if v is None or v != v else f"{v:.0%}"


def _score_table(title: str, frame: pd.DataFrame):
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col in frame.columns:
        t.add_column(col, justify="left" if col == "Horizon" else "right")
    for _, r in frame.iterrows():
        t.add_row(
            str(r["Horizon"]),
            str(int(r["Cases"])),
            _pct(r["Coverage"]),
            "" if r["Sharpness"] != r["Sharpness"] else f"{r['Sharpness']:.2f}",
            *[_pct(r[c]) for c in ("P50 error", "Point error", "No-change error", "Target-path error")],
            "" if r["Interval score"] != r["Interval score"] else f"{r['Interval score']:.2f}",
        )
    return t


def render(replays: list[Replay], out) -> None:
    from rich.table import Table

    for r in replays:
        out.print(
            f"[bold]{shown(r.label)}[/bold] (first forecast year {r.as_of}; last actual {r.last_actual[0]}: "
            f"{r.last_actual[1]:,.0f}); {r.paths:,} paths, seed {r.seed}"
        )
        out.print(f"Scenario {shown(r.scenario.name)}: {shown(r.scenario.description)}")
        t = Table(title_justify="left")
        cases = r.cases()
        for col in ("Year", "Actual", "P10", "P50", "P90", "Point", "No change", "Target path"):
            t.add_column(col, justify="right")
        for _, row in cases.iterrows():
            inside = row["P10"] <= row["Actual"] <= row["P90"] if row["Actual"] == row["Actual"] else None
            actual = "" if row["Actual"] != row["Actual"] else f"{row['Actual']:,.0f}" + ("" if inside else " *")
            t.add_row(
                str(int(row["Year"])),
                actual,
                *[
                    ("" if row[c] != row[c] else f"{row[c]:,.0f}")
                    for c in ("P10", "P50", "P90", "Point", "No change", "Target path")
                ],
            )
        t.caption = "* actual outside P10-P90. Point: the scenario without uncertainty."
        t.caption_justify = "left"
        out.print(t)
        out.print(_score_table("Scores", r.scores))
        out.print()
    s = _score_table("Summary over every point (years pooled)", summary(replays))
    s.caption = (
        "Coverage: share of actuals inside P10-P90 (80% if calibrated). Sharpness: median P90/P10. Errors: median "
        "absolute % error of the P50, the point projection, no change from the last actual and the company's "
        "target path. Interval score: mean Winkler score of P10-P90 / actual (lower is better)."
    )
    s.caption_justify = "left"
    out.print(s)


def plot_backtest(path: str | Path, replays: list[Replay]) -> Path:
    """Fan (P10-P90, P50) against the actuals and the target path, one panel a point."""
    figure, canvas = figure_class()
    p = check_plot_path(path)
    fig = figure(figsize=(4.2 * len(replays), 3.6), dpi=110)
    canvas(fig)
    axes = fig.subplots(1, len(replays), squeeze=False)[0]
    for ax, r in zip(axes, replays):
        t = r.cases()
        ax.fill_between(t["Year"], t["P10"], t["P90"], color="#1f4e79", alpha=0.25, label="P10-P90")
        ax.plot(t["Year"], t["P50"], color="#1f4e79", label="P50")
        ax.plot(t["Year"], t["Target path"], color="#b22222", linestyle="--", label="target path")
        ax.plot(t["Year"], t["Actual"], color="#222222", marker="o", markersize=3, label="actual")
        ax.set_title(r.label, fontsize=8)
        ax.set_ylim(0, max(float(t["P90"].max()), float(t["Actual"].max(skipna=True) or 0)) * 1.15)
        ax.yaxis.set_major_formatter(lambda v, _: f"{v / 1000:,.0f}k")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(p)
    return p
