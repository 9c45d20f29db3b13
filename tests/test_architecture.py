"""Imports flow one way: cli and excel -> book -> model -> validation -> errors.

The contracts are checked by import-linter over the import graph of the whole package
(every ``import`` statement, including those inside functions). Modules that a branch
has not created yet (``alfa_xl.validation``, ``alfa_xl.backtest``) are left out of a
contract until they exist, so the rules apply to them from the day they are added.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parents[1]
#: Libraries the pure engine must never import (Excel, the terminal, workbook writing).
FRONT_END_LIBRARIES = ("xlwings", "typer", "rich", "click", "xlsxwriter")


def exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def present(*names: str) -> list[str]:
    return [n for n in names if exists(n)]


def contracts() -> str:
    """The import-linter configuration (INI), with only the modules that exist."""
    layers = ["alfa_xl.cli | alfa_xl.excel", "alfa_xl.book", "alfa_xl.model", *present("alfa_xl.validation"), "alfa_xl.errors"]
    bottom = ["alfa_xl.model", *present("alfa_xl.validation"), "alfa_xl.errors"]
    aliases = present("alfa_xl.udfs", "alfa_xl.macros", "alfa_xl.backtest")

    def listing(items) -> str:
        return "".join(f"\n    {i}" for i in items)

    return f"""
[importlinter]
root_packages =
    alfa_xl
include_external_packages = True

[importlinter:contract:layers]
name = Layers (cli | excel > book > model > validation > errors)
type = layers
layers ={listing(layers)}
# Known exception: the build computes the cached values of ALFA_* cells by calling the
# worksheet functions as Excel would.
ignore_imports =
    alfa_xl.book.** -> alfa_xl.excel.functions
unmatched_ignore_imports_alerting = none

# Directly or through another module: a chain model -> validation -> rich breaks it too.
[importlinter:contract:pure-engine]
name = Pure engine (no xlwings, typer, rich, click, xlsxwriter)
type = forbidden
source_modules ={listing(bottom)}
forbidden_modules ={listing(FRONT_END_LIBRARIES)}

# alfa_xl.udfs, alfa_xl.macros (the Excel layer) and alfa_xl.backtest (the model) are the
# names users type; code inside the layers imports the real modules.
[importlinter:contract:aliases-on-top]
name = Public aliases only on top
type = forbidden
source_modules ={listing(["alfa_xl.model", "alfa_xl.book", *bottom[1:]])}
forbidden_modules ={listing(aliases)}
"""


def lint(config: Path, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on ``config`` in a fresh interpreter (the graph of what is on disk)."""
    import os

    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_imports_flow_one_way(tmp_path):
    config = tmp_path / "importlinter.ini"
    config.write_text(contracts(), encoding="utf-8")
    done = lint(config, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("model/engine/curve.py", "import xlwings", "Pure engine"),
    ("model/engine/gap.py", "from rich.table import Table", "Pure engine"),
    ("errors.py", "import typer", "Pure engine"),
    ("model/engine/projection.py", "from alfa_xl.book import layout", "Layers"),
    ("book/inputs.py", "from alfa_xl.cli import common", "Layers"),
    ("book/tables/report.py", "import alfa_xl.udfs", "Public aliases"),
])
def test_a_wrong_import_is_caught(tmp_path, module, line, contract):
    """The same contracts on a copy of the package with one wrong import (inside a function,
    where it is easiest to miss) report that contract broken."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "alfa_xl", copy / "alfa_xl", ignore=shutil.ignore_patterns("__pycache__", "*.csv"))
    target = copy / "alfa_xl" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _sneaky():\n    {line}\n", encoding="utf-8")
    config = tmp_path / "importlinter.ini"
    config.write_text(contracts(), encoding="utf-8")
    done = lint(config, tmp_path, pythonpath=copy)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = [ln for ln in done.stdout.splitlines() if " BROKEN" in ln]
    assert any(ln.startswith(contract) for ln in broken), done.stdout
    assert line.split()[1].split(".")[0] in done.stdout.split("Broken contracts")[-1]
