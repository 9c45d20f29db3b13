"""Charts of the outlook: sales history, scenario lines and the target line.

matplotlib is an optional extra (``pip install "alfa-xl[plot]"``). It is imported only
when a chart is drawn, and drawn with the Agg renderer straight onto a file (no pyplot,
no display, no global state), so the rest of the package and the command line stay
light and work on a server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import AlfaInputError, MissingExtraError
from .gap import DEFAULT_TARGET
from .projection import Projection
from .sources import history as source_history
from .sources import latest_actual

__all__ = ["FORMATS", "check_plot_path", "plot_outlook", "SCENARIO_COLOURS"]

#: File types a chart can be written as (by file extension).
FORMATS: tuple[str, ...] = (".png", ".svg", ".pdf")
#: Line colour of each built-in scenario; other scenarios get black.
SCENARIO_COLOURS: dict[str, str] = {
    "base": "#1f4e79",
    "bear": "#d9822b",
    "bull": "#2e8b57",
    "plan": "#7b4fa0",
    "track_record": "#8c6d46",
}
_HISTORY_COLOUR = "#222222"
_TARGET_COLOUR = "#b22222"
INSTALL_HINT = 'pip install "alfa-xl[plot]"'


def check_plot_path(path: str | Path) -> Path:
    """Validate where a chart will be written, before any work is done.

    Raises :class:`~alfa_xl.errors.AlfaInputError` when the extension is not one of
    :data:`FORMATS` or the folder does not exist.
    """
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise AlfaInputError("plot", str(path), f"give a file name ending in {', '.join(FORMATS)}", "unsupported file type")
    if not p.parent.is_dir():
        raise AlfaInputError("plot", str(path), "give a file in an existing folder", "folder not found")
    return p


def _figure_class():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("plot", "matplotlib", f"install the plot extra: {INSTALL_HINT}", "matplotlib is not installed") from None
    return Figure, FigureCanvasAgg


def plot_outlook(
    path: str | Path,
    projections: Mapping[str, Projection],
    target: float = DEFAULT_TARGET,
    history: pd.DataFrame | None = None,
    highlight: str | None = None,
    title: str | None = None,
) -> Path:
    """Draw sales history, one line per scenario and the target, and save it.

    Parameters
    ----------
    path : str or Path
        Output file; the type follows the extension (:data:`FORMATS`).
    projections : mapping of str to Projection
        Scenario label -> projection. Only years after the latest actual are drawn, and
        each line starts from the latest actual so the projection continues the history.
    target : float
        Units a year, drawn as a dashed horizontal line (default 400,000).
    history : DataFrame, optional
        Columns ``year`` and ``units``; :func:`alfa_xl.sources.history` when omitted.
    highlight : str, optional
        Label drawn thicker (the scenario the user asked for).
    title : str, optional
        Chart title.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingExtraError
        When matplotlib is not installed.
    """
    p = check_plot_path(path)
    Figure, FigureCanvasAgg = _figure_class()
    hist = source_history() if history is None else history
    base_year, base_units = latest_actual()

    fig = Figure(figsize=(10, 5.8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    hy = hist["year"].to_numpy(dtype=float)
    hu = hist["units"].to_numpy(dtype=float) / 1000
    ax.plot(hy, hu, color=_HISTORY_COLOUR, linewidth=0.9, linestyle=":", zorder=3)  # years without a figure
    runs = np.split(np.arange(hy.size), np.flatnonzero(np.diff(hy) != 1) + 1)
    for i, run in enumerate(runs):
        ax.plot(hy[run], hu[run], color=_HISTORY_COLOUR, marker="o", markersize=4, linewidth=1.6,
                label="Actual (best available figure)" if i == 0 else None, zorder=3)

    top = max(float(target), float(hist["units"].max()))
    last_year = int(hist["year"].max())
    ends: list[tuple[float, float, str]] = []
    for label, proj in projections.items():
        ahead = proj.years > base_year  # back-cast years are not drawn over the actuals
        years = proj.years[ahead].astype(float)
        totals = proj.totals[ahead]
        if years.size and years[0] == base_year + 1:
            years = np.concatenate([[base_year], years])
            totals = np.concatenate([[base_units], totals])
        strong = label == highlight
        ax.plot(years, totals / 1000, color=SCENARIO_COLOURS.get(label, "#000000"), linewidth=2.8 if strong else 1.5,
                linestyle="-" if strong or label in SCENARIO_COLOURS else "--", label=label + (" (selected)" if strong else ""),
                zorder=4 if strong else 2)
        if years.size:
            ends.append((float(totals[-1]), float(years[-1]), SCENARIO_COLOURS.get(label, "#000000")))
        top = max(top, float(np.max(totals, initial=0)))
        last_year = max(last_year, int(years[-1]) if years.size else last_year)

    # End-of-line labels, pushed apart so that close scenarios stay readable.
    gap = top * 1.12 * 0.035
    placed: list[float] = []
    for value, year, colour in sorted(ends):
        y = value if not placed else max(value, placed[-1] + gap)
        placed.append(y)
        ax.annotate(f"{value / 1000:,.0f}k", (year, value / 1000), xytext=(year + 0.25, y / 1000), textcoords="data",
                    va="center", fontsize=8, color=colour)
    ax.axhline(target / 1000, color=_TARGET_COLOUR, linestyle="--", linewidth=1.6, zorder=1)
    first_year = int(hist["year"].min())
    ax.text(first_year + 0.2, target / 1000, f"Target {target:,.0f} a year", color=_TARGET_COLOUR, va="bottom", fontsize=9)
    ax.axvline(base_year + 0.5, color="#999999", linewidth=0.8, linestyle=":")
    ax.text(base_year + 0.6, top * 1.1 / 1000, "projection", color="#666666", fontsize=8, va="top")
    ax.text(base_year + 0.4, top * 1.1 / 1000, "actual", color="#666666", fontsize=8, va="top", ha="right")

    ax.set_xlim(first_year - 0.5, last_year + 1.5)
    ax.set_ylim(0, top * 1.12 / 1000)
    ax.set_ylabel("Units a year (thousands)")
    ax.set_xlabel("Year")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="center left", fontsize=9, frameon=False)
    ax.set_title(title or "Alfa Romeo yearly sales: history, scenarios and the target", fontsize=11, loc="left")
    fig.text(0.01, 0.01, "History: alfa_xl/data/history.csv (one chosen figure a year; gaps where none was found). "
             "Scenario lines: alfa-xl projection.", fontsize=7, color="#666666")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(p)
    return p
