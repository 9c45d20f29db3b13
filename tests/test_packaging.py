"""What installing alfa-xl brings: the licence in both archives, the dependencies the
worksheet functions need (and nothing the command line needs), the extras, and one line
instead of a traceback when the command runs without its extra.

The Lite runtimes themselves (Pyodide with micropip, a wasm32 CPython) are in
``tests/test_lite_runtimes.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]

#: What only the command line uses: typer and what it brings (pydantic in recent releases,
#: click in older ones, shellingham, annotated-doc), rich and its renderers (pygments, markdown-it).
CLI_ONLY = {
    "typer",
    "rich",
    "click",
    "shellingham",
    "annotated-doc",
    "pydantic",
    "pydantic-core",
    "pygments",
    "markdown-it-py",
}


def name(requirement: str) -> str:
    """The normalised project name of a requirement (PEP 503)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


# -- the licence -------------------------------------------------------------------------------
class TestLicence:
    def test_the_file_is_the_bsd_3_clause_text_the_metadata_names(self):
        text = (ROOT / "LICENSE").read_text(encoding="utf-8")
        assert PROJECT["license"] == "BSD-3-Clause" and PROJECT["license-files"] == ["LICENSE"]
        assert text.startswith("BSD 3-Clause License\n")
        assert "Copyright (c) 2026, the alfa-xl authors" in text
        # the three clauses and the disclaimer, as the SPDX text has them
        for clause in (
            "Redistributions of source code must retain the above copyright notice",
            "Redistributions in binary form must reproduce the above copyright notice",
            "Neither the name of the copyright holder nor the names of its",
            'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"',
        ):
            assert clause in text, clause

    def test_wheel_and_sdist_carry_it(self, tmp_path):
        from hatchling.builders.sdist import SdistBuilder
        from hatchling.builders.wheel import WheelBuilder

        licence = (ROOT / "LICENSE").read_bytes()
        (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
        with zipfile.ZipFile(wheel) as zf:
            dist_info = f"alfa_xl-{PROJECT['version']}.dist-info"
            assert zf.read(f"{dist_info}/licenses/LICENSE") == licence
            metadata = zf.read(f"{dist_info}/METADATA").decode()
        assert "License-Expression: BSD-3-Clause" in metadata.splitlines()
        assert "License-File: LICENSE" in metadata.splitlines()
        (sdist,) = SdistBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
        with tarfile.open(sdist) as tf:
            member = tf.extractfile(f"alfa_xl-{PROJECT['version']}/LICENSE")
            assert member is not None and member.read() == licence


# -- the dependencies --------------------------------------------------------------------------
class TestDependencies:
    def test_base_is_what_the_functions_and_lite_scripts_import(self):
        assert {name(d) for d in PROJECT["dependencies"]} == {
            "numpy",
            "pandas",
            "numpy-financial",
            "xlwings",
            "cachetools",
            "platformdirs",
            "xlsxwriter",
            "defusedxml",
        }

    def test_base_takes_any_xlwings_lite_ships(self):
        (xlwings,) = [d for d in PROJECT["dependencies"] if name(d) == "xlwings"]
        assert "==" not in xlwings and "<" not in xlwings, xlwings  # Lite keeps its own xlwings
        assert xlwings.replace(" ", "") == "xlwings>=0.33.14"  # @script(button=...): sheet buttons

    def test_extras(self):
        assert {name(d) for d in EXTRAS["cli"]} == {"typer", "rich", "openpyxl", "filelock"}  # the headless refresh
        assert EXTRAS["excel"] == ["xlwings==0.37.8"]  # the VBA's DLL version (tests/test_vba.py)
        test = {d.replace(" ", "") for d in EXTRAS["test"]}
        assert {d.replace(" ", "") for d in EXTRAS["cli"] + EXTRAS["excel"]} <= test

    def test_nothing_only_the_command_line_uses_is_a_base_dependency(self):
        assert not {name(d) for d in PROJECT["dependencies"]} & CLI_ONLY

    def test_functions_and_macros_load_and_run_without_the_command_line_packages(self):
        # typer and rich made unimportable, as in xlwings Lite, which installs no extra
        code = """
import sys
for blocked in ("typer", "rich", "click", "pydantic", "matplotlib"):
    sys.modules[blocked] = None
import alfa_xl.udfs as udfs, alfa_xl.macros  # what the README's main.py imports
assert round(udfs.alfa_total(2030)) == 88195  # README worked example, by hand
loaded = {m.split(".")[0] for m, mod in sys.modules.items() if mod is not None}
print(sorted(loaded & {"typer", "rich", "click", "pydantic", "pygments"}))
"""
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "[]"


# -- the command without its extra ---------------------------------------------------------------
@pytest.mark.parametrize("missing", ["typer", "rich"])
def test_command_without_its_extra_says_how_to_install_it(missing):
    code = f"import sys; sys.modules[{missing!r}] = None; from alfa_xl.entry import run; sys.exit(run(['facts']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f'alfa-xl: the command line needs {missing}, which comes with its extra: pip install "alfa-xl[cli]"'
    ]
