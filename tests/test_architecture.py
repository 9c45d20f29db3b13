"""Imports flow one way: cli and excel -> book -> model -> validation -> errors.

The contracts are checked by import-linter over the import graph of the whole package
(every ``import`` statement, including those inside functions). Every module a contract
names must exist: a layer that disappears (renamed, moved) fails the test instead of
silently leaving the contract.
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
#: The model's rooms, top to bottom: the evidence uses the Monte Carlo, which uses the engine,
#: which reads the data.
MODEL_ROOMS = ("alfa_xl.model.evidence", "alfa_xl.model.risk", "alfa_xl.model.engine", "alfa_xl.model.data")


def exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def required(*names: str) -> list[str]:
    """``names``, each of which must exist: a contract never drops a module silently."""
    missing = [n for n in names if not exists(n)]
    if missing:
        raise LookupError(
            f"the import contracts name modules that do not exist: {missing}; update tests/test_architecture.py"
        )
    return list(names)


def contracts() -> str:
    """The import-linter configuration (INI)."""
    layers = required(
        "alfa_xl.cli", "alfa_xl.excel", "alfa_xl.book", "alfa_xl.model", "alfa_xl.validation", "alfa_xl.errors"
    )
    layers[:2] = [" | ".join(layers[:2])]
    bottom = required("alfa_xl.model", "alfa_xl.validation", "alfa_xl.errors")
    aliases = required("alfa_xl.udfs", "alfa_xl.macros", "alfa_xl.backtest")
    rooms = required(*MODEL_ROOMS)

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

[importlinter:contract:model-rooms]
name = Model rooms (evidence > risk > engine > data)
type = layers
layers ={listing(rooms)}
# No exceptions: what a lower room needs lives in that room or below (docs/architecture.md).

# The two front ends share the layers below them, never each other's modules.
[importlinter:contract:front-ends]
name = Front ends independent (excel, cli)
type = independence
modules ={listing(layers[0].split(" | "))}

[importlinter:contract:no-cycles]
name = No import cycles between sibling modules
type = acyclic_siblings
ancestors =
    alfa_xl
# ``python -m alfa_xl.cli`` is a script nothing imports; it goes through the console
# command's light front door like ``alfa-xl`` does.
# The command line takes its Ctrl-C handler from the light entry module, which imports the
# command line only inside ``run()``: one handler for ``alfa-xl`` and ``python -m alfa_xl.cli``.
ignore_imports ={listing(["alfa_xl.cli.__main__ -> alfa_xl.entry", "alfa_xl.cli -> alfa_xl.entry"])}

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
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_imports_flow_one_way(tmp_path):
    config = tmp_path / "importlinter.ini"
    config.write_text(contracts(), encoding="utf-8")
    done = lint(config, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 6 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    "module, line, contract",
    [
        ("model/engine/curve.py", "import xlwings", "Pure engine"),
        ("model/engine/gap.py", "from rich.table import Table", "Pure engine"),
        ("errors.py", "import typer", "Pure engine"),
        ("model/engine/projection.py", "from alfa_xl.book import layout", "Layers"),
        ("book/inputs.py", "from alfa_xl.cli import common", "Layers"),
        ("book/tables/report.py", "import alfa_xl.udfs", "Public aliases"),
        ("book/sheets/base.py", "from alfa_xl.excel import functions", "Layers"),
        ("model/engine/projection.py", "from alfa_xl.model.risk import simulate", "Model rooms"),
        ("model/data/sources.py", "from alfa_xl.model.engine import curve", "Model rooms"),
        ("model/engine/scenarios.py", "from alfa_xl.model.evidence import calibration", "Model rooms"),
        ("model/risk/uncertainty.py", "from alfa_xl.model.evidence import recipe", "Model rooms"),
        ("cli/common.py", "from alfa_xl.excel import cells", "Front ends"),
        ("excel/cells.py", "from alfa_xl.excel import messages", "No import cycles"),
        ("model/risk/simulate.py", "from alfa_xl.model.risk import tornado", "No import cycles"),
    ],
)
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


def test_a_missing_layer_fails_instead_of_leaving_the_contract():
    assert required("alfa_xl.model.engine") == ["alfa_xl.model.engine"]
    with pytest.raises(LookupError, match="alfa_xl.model.nowhere"):
        required("alfa_xl.model.engine", "alfa_xl.model.nowhere")


def test_the_tests_readme_places_every_test_file():
    """tests/README.md names every test file, and every module path it names exists."""
    import re

    text = (ROOT / "tests" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(test_\w+\.py)`", text))
    files = {p.name for p in (ROOT / "tests").glob("test_*.py")}
    assert files - listed == set(), "add these test files to tests/README.md"
    assert listed - files == set(), "tests/README.md names test files that do not exist"
    for path in re.findall(r"`((?:model|book|excel|cli|validation)/[\w/.*]+|errors\.py|entry\.py)`", text):
        base = ROOT / "alfa_xl"
        matches = list(base.glob(path)) if "*" in path else [base / path]
        assert matches and all(m.exists() for m in matches), (
            f"tests/README.md names alfa_xl/{path}, which does not exist"
        )


def test_the_test_set_up_loads_xlwings_only_when_a_test_imports_it():
    code = (
        "import sys; sys.path.insert(0, 'tests'); import conftest; "
        "import alfa_xl.model.engine.projection, alfa_xl.book.build; "
        "assert 'xlwings' not in sys.modules, 'loaded early'; "
        "import alfa_xl.excel.functions as f, xlwings.udfs; "
        "assert xlwings.func is xlwings.udfs.xlfunc, 'not set up'; "
        "assert hasattr(f.alfa_total, '__xlfunc__'), 'registered without xlwings'; "
        "assert 'excel' in [e.name for e in xlwings.engines], 'no excel engine'"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
