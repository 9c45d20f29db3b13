"""Test set-up: xlwings' real classic decorators and conversion on a machine without Excel.

xlwings takes seconds to import, so it is set up only when something imports it or the
Excel layer (a test of the worksheet functions, the macros or the Lite runner): an import
hook loads it before ``alfa_xl.excel.registration`` and runs, at that first import,

* stand-ins for ``pythoncom``, ``pywintypes``, ``win32com`` and ``win32com.client`` go into
  ``sys.modules`` so that ``xlwings.udfs`` (the Windows COM UDF machinery) imports;
* ``xlwings.func``/``arg``/``ret``/``sub``/``script`` become ``xlwings.udfs.xlfunc``/
  ``xlarg``/``xlret``/``xlsub`` (what xlwings binds on Windows), so the ALFA_ functions
  carry the same ``__xlfunc__`` metadata Excel registers;
* an engine named ``"excel"`` is registered providing ``clean_value_data`` and
  ``prepare_xl_data_element`` as xlwings' Windows engine does (minus the COM date type),
  so ``xlwings.conversion.read``/``write`` run their real pipelines.

Windows stand-ins are only added when the real modules are absent. The engine's tests
never import xlwings and do not pay for it.
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from unittest.mock import MagicMock

import pytest


class _XlwingsForTests(importlib.abc.MetaPathFinder):
    """Sets xlwings up right after it loads, and loads it before the Excel layer's
    registration module (which uses xlwings' decorators only when xlwings is loaded)."""

    def find_spec(self, name, path=None, target=None):
        if name == "alfa_xl.excel.registration" and "xlwings" not in sys.modules:
            importlib.import_module("xlwings")
            return None  # the normal import of the module asked for goes on
        if name != "xlwings":
            return None
        if importlib.util.find_spec("pythoncom") is None:  # no pywin32: not a Windows Python
            for stand_in in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
                sys.modules.setdefault(stand_in, MagicMock(name=stand_in))
        sys.meta_path.remove(self)  # the real finders find xlwings
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _set_up_xlwings(module)

        spec.loader.exec_module = exec_module
        return spec


def _set_up_xlwings(xlwings) -> None:
    import xlwings.udfs as xlwings_udfs
    from xlwings.main import Engine

    xlwings.func = xlwings_udfs.xlfunc
    xlwings.arg = xlwings_udfs.xlarg
    xlwings.ret = xlwings_udfs.xlret
    xlwings.sub = xlwings_udfs.xlsub
    xlwings.script = xlwings_udfs.xlsub
    if "excel" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=ExcelConversionEngine()))


#: Error values as COM delivers them (xlwings._xlwindows.cell_errors).
CELL_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}


class ExcelConversionEngine:
    """The value-cleaning half of xlwings' Windows engine (``xlwings._xlwindows.Engine``)."""

    name = "excel"
    type = "desktop"

    @property
    def apps(self):  # no Excel application on this machine
        raise RuntimeError("no Excel application in tests")

    @staticmethod
    def prepare_xl_data_element(x, date_format):
        import numpy as np
        import pandas as pd

        if isinstance(x, (dt.datetime, dt.date)):
            return x  # COM would turn it into a pywintypes time
        if pd.isna(x):
            return ""
        if isinstance(x, (np.floating, float)) and np.isnan(x):
            return ""
        if isinstance(x, np.number):
            return float(x)
        if x is None:
            return ""
        return x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def one(value):
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return (
                    value
                    if datetime_builder in (None, dt.datetime)
                    else datetime_builder(value.year, value.month, value.day)
                )
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if isinstance(value, int) and value in CELL_ERRORS:
                return CELL_ERRORS[value] if err_to_str else None
            return value

        return [[one(c) for c in row] for row in data]


if "xlwings" not in sys.modules:
    sys.meta_path.insert(0, _XlwingsForTests())
else:  # already loaded (a plugin): set it up now
    _set_up_xlwings(sys.modules["xlwings"])


#: Summary sections and the test modules whose ``FUZZ`` counts (a Counter per function) they show.
_FUZZ_MODULES = {"ALFA_ fuzzing": "test_udfs_fuzz", "ALFA_ risk fuzzing": "test_udfs_risk"}
#: the counts each section shows (0 when a count never rose)
_FUZZ_FIELDS = {
    "ALFA_ fuzzing": ("uncaught", "generic"),
    "ALFA_ risk fuzzing": ("uncaught", "messages", "tables"),
}
#: the fuzzing counts of the workers (pytest-xdist), summed in the controlling process
_WORKER_FUZZ: dict[str, dict[str, Counter]] = {}


def _fuzz_counts() -> dict[str, dict[str, Counter]]:
    out = {}
    for section, name in _FUZZ_MODULES.items():
        module = sys.modules.get(name) or sys.modules.get(f"tests.{name}")
        out[section] = getattr(module, "FUZZ", None) or {}
    return out


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject): a worker per core for the suite or a folder; one process when
    files or tests are named, where the workers' start-up (about 4 s) costs more than it saves."""
    if any(not Path(str(arg).split("::")[0]).is_dir() for arg in config.args):
        return 0
    return None  # pytest-xdist's own count of the cores


def pytest_sessionfinish(session):
    """In a worker, hand the fuzzing counts to the controlling process."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["alfa_fuzz"] = {
            section: {name: dict(c) for name, c in counts.items()} for section, counts in _fuzz_counts().items()
        }


def pytest_testnodedown(node, error):
    """In the controlling process, add up the counts of a worker that finished."""
    for section, counts in getattr(node, "workeroutput", {}).get("alfa_fuzz", {}).items():
        for name, c in counts.items():
            _WORKER_FUZZ.setdefault(section, {}).setdefault(name, Counter()).update(c)


def pytest_terminal_summary(terminalreporter):
    """Report the ALFA_ fuzzing counts (cases run, uncaught exceptions...), over all workers."""
    local = _fuzz_counts()
    for section in _FUZZ_MODULES:
        fuzz: dict[str, Counter] = {}
        for part in (local.get(section, {}), _WORKER_FUZZ.get(section, {})):
            for name, counts in part.items():
                fuzz.setdefault(name, Counter()).update(counts)
        fuzz = {name: c for name, c in fuzz.items() if c["cases"]}
        if not fuzz:
            continue
        total = sum(fuzz.values(), Counter())
        terminalreporter.write_sep("-", section)
        terminalreporter.write_line(
            f"{total['cases']} cases over {len(fuzz)} functions; "
            + "; ".join(f"{total[k]} {k}" for k in _FUZZ_FIELDS[section])
        )
        for name, c in sorted(fuzz.items()):
            terminalreporter.write_line(
                f"  {name}: " + ", ".join(f"{c[k]} {k}" for k in ("cases", *_FUZZ_FIELDS[section]))
            )


def _clear_udf_cache() -> None:
    results = sys.modules.get("alfa_xl.excel.results")  # not loaded: no cache to clear
    if results is not None:
        results.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_udf_cache():
    """Every test starts and ends with an empty worksheet-function result cache."""
    _clear_udf_cache()
    yield
    _clear_udf_cache()
