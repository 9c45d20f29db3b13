"""Charts of the outlook: sales history, scenario lines and the target line.

matplotlib is an optional extra (``pip install "alfa-xl[plot]"``). It is imported only
when a chart is drawn, and drawn with the Agg renderer straight onto a file (no pyplot,
no display, no global state), so the rest of the package and the command line stay
light and work on a server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alfa_xl.cli.common import os_reason
from alfa_xl.errors import AlfaInputError, MissingExtraError
from alfa_xl.model.defaults import DEFAULT_TARGET

if TYPE_CHECKING:  # the engine is loaded by the drawing functions, not by the path check
    import pandas as pd

    from alfa_xl.model.engine.projection import Projection

__all__ = ["FORMATS", "check_plot_path", "figure_class", "plot_outlook", "plot_fan", "SCENARIO_COLOURS"]

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
_BAND_COLOUR = "#555555"
INSTALL_HINT = 'pip install "alfa-xl[plot]"'


def check_plot_path(path: str | Path) -> Path:
    """Validate where a chart will be written, before any work is done.

    Raises :class:`~alfa_xl.errors.AlfaInputError` when the extension is not one of
    :data:`FORMATS`, the folder does not exist or cannot be written to, or the name is
    taken by a folder.
    """
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise AlfaInputError(
            "plot", str(path), f"give a file name ending in {', '.join(FORMATS)}", "unsupported file type"
        )
    if not p.parent.is_dir():
        raise AlfaInputError("plot", str(path), "give a file in an existing folder", "folder not found")
    if p.is_dir():
        raise AlfaInputError(
            "plot", str(path), "give the chart a file name that is not taken by a folder", "is a folder"
        )
    if not os.access(p.parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise AlfaInputError("plot", str(path), "give a file in a folder you can write to", "cannot write there")
    return p


def _save(fig, path: Path) -> Path:
    """Write the figure; a file the system refuses is one input error, not a traceback."""
    try:
        fig.savefig(path)
    except OSError as exc:
        raise AlfaInputError(
            "plot", str(path), "give a file in a folder you can write to", f"cannot write the chart ({os_reason(exc)})"
        ) from None
    return path


def figure_class():
    """matplotlib's ``Figure`` and Agg canvas classes; without matplotlib, the input error that names the plot
    extra."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError(
            "plot", "matplotlib", f"install the plot extra: {INSTALL_HINT}", "matplotlib is not installed"
        ) from None
    return Figure, FigureCanvasAgg


def _axes():
    """A new Agg figure (10 x 5.8 in, 120 dpi) and its single axes."""
    Figure, FigureCanvasAgg = figure_class()
    fig = Figure(figsize=(10, 5.8), dpi=120)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _draw_history(ax, hist: pd.DataFrame) -> None:
    """Actuals as markers joined by solid lines; dotted across years without a figure."""
    import numpy as np

    hy = hist["year"].to_numpy(dtype=float)
    hu = hist["units"].to_numpy(dtype=float) / 1000
    ax.plot(hy, hu, color=_HISTORY_COLOUR, linewidth=0.9, linestyle=":", zorder=3)
    runs = np.split(np.arange(hy.size), np.flatnonzero(np.diff(hy) != 1) + 1)
    for i, run in enumerate(runs):
        ax.plot(
            hy[run],
            hu[run],
            color=_HISTORY_COLOUR,
            marker="o",
            markersize=4,
            linewidth=1.6,
            label="Actual (best available figure)" if i == 0 else None,
            zorder=3,
        )


def _finish(
    fig,
    ax,
    path: Path,
    *,
    target: float,
    first_year: int,
    last_year: float,
    top: float,
    base_year: int,
    title: str,
    footnote: str,
) -> Path:
    """Target line, actual/projection divider, axes, legend, title and footnote; save."""
    ax.axhline(target / 1000, color=_TARGET_COLOUR, linestyle="--", linewidth=1.6, zorder=1)
    ax.text(
        first_year + 0.2, target / 1000, f"Target {target:,.0f} a year", color=_TARGET_COLOUR, va="bottom", fontsize=9
    )
    ax.axvline(base_year + 0.5, color="#999999", linewidth=0.8, linestyle=":")
    ax.text(base_year + 0.6, top * 1.1 / 1000, "projection", color="#666666", fontsize=8, va="top")
    ax.text(base_year + 0.4, top * 1.1 / 1000, "actual", color="#666666", fontsize=8, va="top", ha="right")
    ax.set_xlim(first_year - 0.5, last_year)
    ax.set_ylim(0, top * 1.12 / 1000)
    ax.set_ylabel("Units a year (thousands)")
    ax.set_xlabel("Year")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="center left", fontsize=9, frameon=False)
    ax.set_title(title, fontsize=11, loc="left")
    fig.text(0.01, 0.01, footnote, fontsize=7, color="#666666")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return _save(fig, path)


def plot_outlook(
    path: str | Path,
    projections: Mapping[str, Projection],
    target: float = DEFAULT_TARGET,
    history: pd.DataFrame | None = None,
    highlight: str | None = None,
    title: str | None = None,
    band: tuple[Sequence[float], Sequence[float], Sequence[float], Sequence[float]] | None = None,
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
        Columns ``year`` and ``units``; :func:`alfa_xl.model.data.sources.history` when omitted.
    highlight : str, optional
        Label drawn thicker (the scenario the user asked for).
    title : str, optional
        Chart title.
    band : (years, P10, P50, P90), optional
        The calibrated forecast, drawn as a shaded P10-P90 band with its P50 line under
        the scenario lines.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingExtraError
        When matplotlib is not installed.
    """
    import numpy as np

    from alfa_xl.model.data.sources import history as source_history
    from alfa_xl.model.data.sources import latest_actual

    p = check_plot_path(path)
    hist = source_history() if history is None else history
    base_year, base_units = latest_actual()
    fig, ax = _axes()
    _draw_history(ax, hist)
    band_top = 0.0
    if band is not None:
        years, p10, p50, p90 = (np.asarray(v, dtype=float) for v in band)
        if years.size and years[0] == base_year + 1:  # join the band to the latest actual
            years, p10, p50, p90 = (
                np.concatenate([[a], v])
                for a, v in ((base_year, years), (base_units, p10), (base_units, p50), (base_units, p90))
            )
        ax.fill_between(
            years,
            p10 / 1000,
            p90 / 1000,
            color=_BAND_COLOUR,
            alpha=0.18,
            linewidth=0,
            label="Calibrated forecast, P10 to P90",
            zorder=1,
        )
        ax.plot(
            years,
            p50 / 1000,
            color=_BAND_COLOUR,
            linewidth=2.2,
            linestyle="-.",
            label="Calibrated forecast, P50",
            zorder=3,
        )
        band_top = float(np.max(p90, initial=0))

    top = max(float(target), float(hist["units"].max()), band_top)
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
        ax.plot(
            years,
            totals / 1000,
            color=SCENARIO_COLOURS.get(label, "#000000"),
            linewidth=2.8 if strong else 1.5,
            linestyle="-" if strong or label in SCENARIO_COLOURS else "--",
            label=label + (" (selected)" if strong else ""),
            zorder=4 if strong else 2,
        )
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
        ax.annotate(
            f"{value / 1000:,.0f}k",
            (year, value / 1000),
            xytext=(year + 0.25, y / 1000),
            textcoords="data",
            va="center",
            fontsize=8,
            color=colour,
        )
    return _finish(
        fig,
        ax,
        p,
        target=target,
        first_year=int(hist["year"].min()),
        last_year=last_year + 1.5,
        top=top,
        base_year=base_year,
        title=title or "Alfa Romeo yearly sales: history, scenarios and the target",
        footnote="History: alfa_xl/model/data/history.csv (one chosen figure a year; gaps where none was found). "
        "Scenario lines: deterministic alfa-xl projections."
        + (" Band: the calibrated forecast (alfa_xl.model.evidence.forecast)." if band is not None else ""),
    )


def plot_fan(path: str | Path, sim, target: float = DEFAULT_TARGET, year: int | None = None) -> Path:
    """Draw history, the P10-P90 band of simulated paths, P50, the scenario without
    uncertainty and the target, and save it.

    Parameters
    ----------
    path : str or Path
        Output file; the type follows the extension (:data:`FORMATS`).
    sim : alfa_xl.model.risk.simulate.Simulation
        The simulated paths.
    target : float
        Units a year (default 400,000).
    year : int, optional
        Year whose probability of reaching the target is annotated (default: the last).

    Raises
    ------
    MissingExtraError
        When matplotlib is not installed.
    """
    import numpy as np

    from alfa_xl.model.data.sources import history as source_history
    from alfa_xl.model.data.sources import latest_actual

    p = check_plot_path(path)
    hist = source_history()
    base_year, base_units = latest_actual()
    fan = sim.percentiles()  # the default P10, P50, P90
    years = sim.years.astype(float)
    p10, p50, p90, det = (fan["P10"].to_numpy(), fan["P50"].to_numpy(), fan["P90"].to_numpy(), sim.deterministic)
    if years[0] == base_year + 1:  # join the fan to the latest actual
        years = np.concatenate([[base_year], years])
        p10, p50, p90, det = (np.concatenate([[base_units], v]) for v in (p10, p50, p90, det))

    fig, ax = _axes()
    _draw_history(ax, hist)
    ax.fill_between(
        years, p10 / 1000, p90 / 1000, color="#1f4e79", alpha=0.22, linewidth=0, label="P10 to P90 of the paths"
    )
    ax.plot(years, p50 / 1000, color="#1f4e79", linewidth=2.4, label="P50 (median path value)", zorder=3)
    ax.plot(
        years,
        det / 1000,
        color="#1f4e79",
        linewidth=1.2,
        linestyle="--",
        label=f"Scenario {sim.scenario.name} without uncertainty",
        zorder=3,
    )
    col = len(sim.years) - 1 if year is None else int(np.flatnonzero(sim.years == int(year))[0])
    chance = sim.probability(target, int(sim.years[col]))
    ax.annotate(
        f"P(reach target in {int(sim.years[col])}) = {chance:.1%}",
        (sim.years[col], p90[-len(sim.years) + col] / 1000),
        xytext=(0, 14),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        color="#1f4e79",
    )
    top = max(float(target), float(np.max(p90)), float(hist["units"].max()))
    return _finish(
        fig,
        ax,
        p,
        target=target,
        first_year=int(hist["year"].min()),
        last_year=float(years[-1]) + 1,
        top=top,
        base_year=base_year,
        title=f"Alfa Romeo yearly sales: {sim.paths:,} simulated paths around scenario {sim.scenario.name}",
        footnote=f"Seed {sim.seed}. Launch slips, cancellations, peaks, market trend and US tariff drawn "
        "from Alfa's track record (docs/simulation.md).",
    )
