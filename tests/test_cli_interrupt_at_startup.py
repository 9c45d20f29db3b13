"""Ctrl-C at any moment after ``alfa-xl`` starts, start-up imports included, ends with one
line ``alfa-xl: interrupted`` and exit code 130, never a traceback.

A real SIGINT is sent by the process to itself at a chosen import (a meta-path hook set up
before the entry point runs), so the moment is the same on every run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HOOK = """
import os, signal, sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
from alfa_xl.entry import run
sys.exit(run({argv!r}))
"""


def _run_with_sigint_at(module: str, argv: list[str]) -> subprocess.CompletedProcess:
    code = HOOK.format(module=module, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)


def _one_interrupted_line(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert done.stderr.strip().splitlines() == ["alfa-xl: interrupted"], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("module", [
    "typer",                     # first heavy import of the command line
    "pandas",                    # the engine's first
    "alfa_xl.model.engine.projection",  # a package module
    "alfa_xl.cli.outlook",       # registering the commands
])
def test_ctrl_c_during_startup_imports_is_one_line_and_130(module):
    _one_interrupted_line(_run_with_sigint_at(module, ["outlook"]))


def test_ctrl_c_while_the_command_runs_is_one_line_and_130(tmp_path):
    # build-workbook loads the builder only once the command runs
    _one_interrupted_line(_run_with_sigint_at("alfa_xl.book.build", ["build-workbook", "--out", str(tmp_path / "r.xlsm")]))
    assert list(tmp_path.iterdir()) == []


def test_entry_point_imports_nothing_heavy():
    code = "import sys, alfa_xl.entry; print(sorted(m for m in ('pandas', 'numpy', 'typer', 'rich', 'xlwings') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_console_script_is_the_entry_module():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        assert tomllib.load(fh)["project"]["scripts"]["alfa-xl"] == "alfa_xl.entry:run"
    installed = [e.value for e in entry_points(group="console_scripts") if e.name == "alfa-xl"]
    assert installed == ["alfa_xl.entry:run"], installed


def test_lazy_package_keeps_its_public_names():
    import alfa_xl as ax

    assert set(ax.__all__) <= set(dir(ax))
    for name in ax.__all__:
        assert getattr(ax, name) is not None, name
    with pytest.raises(AttributeError):
        ax.no_such_name  # noqa: B018


def test_sigint_sent_from_outside_early_gives_one_line_or_finishes():
    script = Path(sys.executable).with_name("alfa-xl")
    if not script.exists():
        pytest.skip("the alfa-xl console script is not installed beside this interpreter")
    proc = subprocess.Popen([str(script), "outlook"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(0.05)  # somewhere in start-up; either outcome below is checked
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    if proc.returncode == 130:
        assert err.strip().splitlines() == ["alfa-xl: interrupted"], err
    else:
        assert proc.returncode == 0, (proc.returncode, err)
