"""Run the docstring examples of every engine module, so the documentation cannot drift."""

from __future__ import annotations

import doctest
import importlib

import pytest

ENGINE = [
    "alfa_xl",
    "alfa_xl.model.engine.curve",
    "alfa_xl.model.engine.lineup",
    "alfa_xl.model.engine.scenarios",
    "alfa_xl.model.engine.projection",
    "alfa_xl.model.engine.gap",
    "alfa_xl.model.data.past_plans",
    "alfa_xl.model.evidence.calibration",
    "alfa_xl.model.data.vintage",
    "alfa_xl.model.evidence.recipe",
    "alfa_xl.model.evidence.scores",
    "alfa_xl.model.evidence.baselines",
    "alfa_xl.model.evidence.rolling",
    "alfa_xl.model.evidence.forecast",
    "alfa_xl.model.data.sources",
    "alfa_xl.errors",
    "alfa_xl.book.tables.report",
    "alfa_xl.book.tables.track_record",
]


@pytest.mark.parametrize("name", ENGINE)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no docstring example"
    assert result.failed == 0
