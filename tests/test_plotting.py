"""Tests of alfa_xl.cli.plotting: file checks and what the chart contains (read from SVG text)."""

from __future__ import annotations

import pytest

from alfa_xl.errors import AlfaInputError
from alfa_xl.cli.plotting import check_plot_path, plot_outlook
from alfa_xl.model.engine.projection import project

pytest.importorskip("matplotlib")  # the plot extra; installed with the test extra


@pytest.mark.parametrize(
    "name, problem", [("chart.txt", "unsupported file type"), ("missing/chart.png", "folder not found")]
)
def test_bad_paths(tmp_path, name, problem):
    with pytest.raises(AlfaInputError) as info:
        check_plot_path(tmp_path / name)
    assert info.value.field == "plot" and problem in str(info.value) and name.split("/")[-1] in str(info.value)


def test_a_folder_is_not_a_chart(tmp_path):
    (tmp_path / "chart.png").mkdir()
    with pytest.raises(AlfaInputError, match="plot: is a folder"):
        check_plot_path(tmp_path / "chart.png")


def test_a_file_the_system_refuses_is_an_input_error(tmp_path):
    # /proc accepts no new files, whoever asks; the chart is drawn, then refused on save
    with pytest.raises(AlfaInputError, match=r"plot: cannot write the chart \(no such file or directory\)"):
        plot_outlook("/proc/alfa_chart.png", {"base": project()})


def test_svg_has_target_history_and_every_line(tmp_path):
    lines = {name: project(None, name, 2026, 2032) for name in ("base", "bear")}
    out = plot_outlook(tmp_path / "chart.svg", lines, target=250_000, highlight="bear", title="Test chart")
    text = out.read_text(encoding="utf-8")
    assert out.suffix == ".svg"
    for label in (
        "Test chart",
        "Target 250,000 a year",
        "base",
        "bear (selected)",
        "Actual (best available figure)",
        "Units a year (thousands)",
    ):
        assert label in text, label
    # end-of-line labels: 2032 totals in thousands
    for proj in lines.values():
        assert f"{proj.totals[-1] / 1000:,.0f}k" in text


def test_png_written(tmp_path):
    out = plot_outlook(tmp_path / "chart.PNG", {"base": project()})
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_forecast_band_drawn_under_the_lines(tmp_path):
    years, p10, p50, p90 = (
        [2026, 2027, 2028],
        [40_000, 30_000, 25_000],
        [60_000, 50_000, 45_000],
        [80_000, 78_000, 500_000],
    )
    out = plot_outlook(tmp_path / "band.svg", {"base": project()}, band=(years, p10, p50, p90))
    text = out.read_text(encoding="utf-8")
    assert "Calibrated forecast, P10 to P90" in text and "Calibrated forecast, P50" in text
    # the y axis stretches to the band's top (500,000 a year is 500 on the axis in thousands)
    assert "<!-- 500 -->" in text
