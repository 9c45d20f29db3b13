"""The benchmark harness: pytest-benchmark times, this file prints the figures to quote.

pytest-benchmark prints its own table (median, IQR, min, max, rounds per benchmark).
Below it, ``Figures to quote`` gives each measurement as the project states its
targets: median, p90, the target and the ratio median / target (below 1: met), plus the
figures that are not a single timing (speed-up over a Python loop, peak memory, zip
parts kept). The run never fails on a slow machine: a missed target shows as a ratio
above 1.
"""

from __future__ import annotations

import numpy as np
import pytest

_SCALE = {"us": 1e6, "ms": 1e3, "s": 1.0}
_LINES: list[str] = []
_MEDIANS: dict[str, float] = {}


def pytest_addoption(parser):
    parser.addoption("--quick", action="store_true", help="fewer rounds for the slow measurements")


class Figures:
    """Collects the quotable figures of one run, printed at the end of it."""

    def __init__(self, quick: bool):
        self.quick = quick

    def rounds(self, full: int, quick: int) -> int:
        """Rounds of a slow (pedantic) measurement: ``full``, or ``quick`` with ``--quick``."""
        return quick if self.quick else full

    def timing(self, benchmark, label: str, target: float | None, unit: str) -> float:
        """Record ``benchmark``'s median and p90 against ``target`` (seconds); return the median."""
        return self.values(label, benchmark.stats.stats.data, target, unit)

    def values(self, label: str, seconds, target: float | None, unit: str) -> float:
        """Record the median and p90 of ``seconds`` against ``target``; return the median."""
        data = np.asarray(seconds, dtype=float)
        med, p90 = float(np.median(data)), float(np.percentile(data, 90))
        scale = _SCALE[unit]
        goal = "" if target is None else f"  target {target * scale:g} {unit}  ratio {med / target:5.2f}"
        _LINES.append(
            f"{label:<62} median {med * scale:9.3f} {unit}  p90 {p90 * scale:9.3f} {unit}{goal}  (n={data.size})"
        )
        _MEDIANS[label] = med
        return med

    def median(self, label: str) -> float | None:
        """The median recorded under ``label`` earlier in the run (None if not run)."""
        return _MEDIANS.get(label)

    def line(self, text: str) -> None:
        """Record a figure that is not a single timing."""
        _LINES.append(text)


@pytest.fixture(scope="session")
def figures(request) -> Figures:
    return Figures(request.config.getoption("--quick"))


def pytest_terminal_summary(terminalreporter):
    if _LINES:
        terminalreporter.section("Figures to quote")
        for text in _LINES:
            terminalreporter.write_line(text)
