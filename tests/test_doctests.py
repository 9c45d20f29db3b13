"""Run the docstring examples of every engine module, so the documentation cannot drift."""

from __future__ import annotations

import doctest
import importlib

import pytest

ENGINE = [
    "alfa_xl",
    "alfa_xl.model.curve",
    "alfa_xl.model.lineup",
    "alfa_xl.model.scenarios",
    "alfa_xl.model.projection",
    "alfa_xl.model.gap",
    "alfa_xl.model.calibration",
    "alfa_xl.model.sources",
    "alfa_xl.errors",
    "alfa_xl.model.report",
    "alfa_xl.model.track_report",
]


@pytest.mark.parametrize("name", ENGINE)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no docstring example"
    assert result.failed == 0
