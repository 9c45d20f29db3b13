"""Ctrl-C at any moment after ``alfa-xl``'s own code starts, start-up imports included, ends
with one line ``alfa-xl: interrupted`` and exit code 130, never a traceback.

Each test runs the console script exactly as pip writes it (three lines that import
``alfa_xl.entry`` and call ``run``) in a fresh interpreter, with a ``sitecustomize`` that
makes the process send itself a real SIGINT at one named point: when a module starts to
import, when a function is called, or in the interpreter's shut-down. The moment is the
same on every run; nothing waits or races a clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The console script pip (and uv, and installer) write for ``alfa-xl = "alfa_xl.entry:run"``.
WRAPPER = """# -*- coding: utf-8 -*-
import re
import sys
from alfa_xl.entry import run
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(run())
"""

#: Sends SIGINT at the points listed in ALFA_TEST_SIGINT (comma-separated):
#: ``import:MOD`` when MOD starts to import; ``call:MOD:NAME`` (NAME may be Class.method) on
#: the first call; ``wrapper`` when the console script strips its name, between the import of
#: the entry module and ``run()``; ``exit`` in the interpreter's last atexit callback.
HOOK = r"""
import atexit, importlib.util, os, signal, sys

def _interrupt():
    os.kill(os.getpid(), signal.SIGINT)

def _patch(module, name):
    owner, attr = module, name
    if "." in name:
        cls, attr = name.split(".")
        owner = getattr(module, cls)
    real = getattr(owner, attr)
    fired = []
    def once(*args, **kwargs):
        if not fired:
            fired.append(1)
            _interrupt()
        return real(*args, **kwargs)
    setattr(owner, attr, once)

class _Hook:
    def __init__(self, imports, calls):
        self.imports, self.calls = set(imports), dict(calls)
    def find_spec(self, name, path=None, target=None):
        if name in self.imports:
            self.imports.discard(name)
            _interrupt()
            return None
        if name in self.calls:
            what = self.calls.pop(name)
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            real = spec.loader.exec_module
            def exec_module(module):
                real(module)
                _patch(module, what)
            spec.loader.exec_module = exec_module
            return spec
        return None

_points = [p for p in os.environ.get("ALFA_TEST_SIGINT", "").split(",") if p]
_imports = [p[7:] for p in _points if p.startswith("import:")]
_calls = [p[5:].split(":", 1) for p in _points if p.startswith("call:")]
for _mod, _name in _calls:
    if _mod in sys.modules:
        _patch(sys.modules[_mod], _name)
_calls = [(m, n) for m, n in _calls if m not in sys.modules]
sys.meta_path.insert(0, _Hook(_imports, _calls))
if "exit" in _points:
    atexit.register(_interrupt)  # registered first, so it runs last
if "wrapper" in _points:
    import re
    _sub = re.sub
    def _sub_once(pattern, *args, **kwargs):
        if "-script" in str(pattern):
            re.sub = _sub
            _interrupt()
        return _sub(pattern, *args, **kwargs)
    re.sub = _sub_once
"""


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    folder = tmp_path_factory.mktemp("console")
    (folder / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    path = folder / "alfa-xl"
    path.write_text(WRAPPER, encoding="utf-8")
    return path


def _run(script: Path, points: list[str], argv: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ALFA_TEST_SIGINT": ",".join(points),
        "PYTHONPATH": os.pathsep.join([str(script.parent), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, str(script), *argv], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def _one_interrupted_line(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert done.stderr == "alfa-xl: interrupted\n", done.stderr


def test_the_hook_really_interrupts(script):
    # control: the same point in a plain Python program gives Python's own traceback, so a
    # passing test below means the entry point handled a real Ctrl-C
    # (Python's handler set first: a test run started with SIGINT ignored, as a background
    # job is, passes that on to its children, and Python would then install none)
    code = "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    code += "sys.path.insert(0, %r); import pandas" % str(ROOT)
    env = {**os.environ, "ALFA_TEST_SIGINT": "import:pandas.core.frame", "PYTHONPATH": str(script.parent)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert "KeyboardInterrupt" in done.stderr and "Traceback" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "points",
    [
        ["wrapper"],  # after the entry module is imported, before run() starts
        ["import:alfa_xl.cli"],  # run() starts importing the command line
        ["import:typer"],  # its first heavy import
        ["import:pandas"],  # the engine's first
        ["import:pandas.core.frame"],  # in the middle of importing pandas
        ["import:alfa_xl.model.engine.projection"],  # a package module
        ["import:alfa_xl.cli.outlook"],  # registering the commands
    ],
    ids=lambda p: p[0],
)
def test_ctrl_c_during_startup_is_one_line_and_130(script, points):
    _one_interrupted_line(_run(script, points, ["outlook"]))


@pytest.mark.parametrize(
    "points",
    [
        ["call:typer._click.core:Command.parse_args"],  # reading the command line
        ["call:alfa_xl.model.engine.projection:project"],  # the work
        ["call:alfa_xl.cli.outlook_render:render_outlook"],  # printing the results
        [
            "call:alfa_xl.model.engine.projection:project",
            "call:alfa_xl.entry:interrupted",
        ],  # a second Ctrl-C on the message
    ],
    ids=lambda p: ",".join(x.rsplit(":", 1)[-1] for x in p),
)
def test_ctrl_c_while_the_command_runs_is_one_line_and_130(script, points):
    _one_interrupted_line(_run(script, points, ["outlook"]))


@pytest.mark.parametrize(
    "point",
    [
        "import:alfa_xl.book.build",  # the builder is loaded once the command runs
        "call:zipfile:ZipFile.write",  # while the workbook's archive is written
        "call:alfa_xl.book.replace:_finish",  # while the file is synced to disk
    ],
)
def test_ctrl_c_during_build_workbook_leaves_no_file_and_no_traceback(script, tmp_path, point, monkeypatch):
    # a ZipFile left open on a closed file used to print "ZipFile.__del__ ... seek of closed file";
    # XlsxWriter's temporary part files (one a part) used to stay in the temporary folder
    out, temporary = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    _one_interrupted_line(_run(script, [point], ["build-workbook", "--out", str(out / "r.xlsm")], cwd=out))
    assert sorted(p.name for p in out.iterdir()) == []
    assert sorted(p.name for p in temporary.iterdir()) == []


@pytest.mark.parametrize(
    "point",
    [
        "call:alfa_xl.book.replace:checkpoint",  # the new file written, not yet in place
        "call:alfa_xl.book.refresh:refresh_workbook",  # before anything is read
    ],
)
def test_ctrl_c_during_refresh_leaves_the_workbook_as_it_was(script, tmp_path, point):
    from alfa_xl.book.build import build_workbook

    book = tmp_path / "b.xlsm"
    build_workbook(book)
    before = book.read_bytes()
    _one_interrupted_line(_run(script, [point], ["refresh", str(book)], cwd=tmp_path))
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.py", "b.xlsm"]


@pytest.mark.parametrize("point", ["import:pandas.core.frame", "call:alfa_xl.model.engine.projection:project"])
def test_python_m_alfa_xl_cli_too(script, point):
    # the package is imported before its __main__: it imports the entry module first
    env = {
        **os.environ,
        "ALFA_TEST_SIGINT": point,
        "PYTHONPATH": os.pathsep.join([str(script.parent), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "alfa_xl.cli", "outlook"], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env
    )
    _one_interrupted_line(done)


def test_ctrl_c_during_the_interpreters_shut_down_is_ignored(script):
    done = _run(script, ["exit"], ["facts", "--format", "csv"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("key,value,unit")


def test_entry_point_imports_nothing_heavy():
    heavy = ("pandas", "numpy", "typer", "rich", "xlwings", "signal", "enum")
    code = f"import sys, alfa_xl.entry; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_importing_the_entry_module_elsewhere_leaves_ctrl_c_alone():
    code = (
        "import signal, sys; sys.path.insert(0, %r); before = signal.getsignal(signal.SIGINT); "
        "import alfa_xl.entry; print(signal.getsignal(signal.SIGINT) is before)"
    ) % str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


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


def test_no_code_of_ours_runs_before_the_handler_but_two_module_tops():
    """What runs of ours before the SIGINT handler: ``alfa_xl/__init__.py`` (no import at
    module level, only definitions) and, in ``alfa_xl.entry``, the import of the built-in
    ``_signal`` and the definitions the handler needs. docs/exits.md lists the rest of the
    window, which is Python's own."""
    import ast

    package = ast.parse((ROOT / "alfa_xl" / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in package.body if isinstance(n, ast.Import | ast.ImportFrom)]
    entry = ast.parse((ROOT / "alfa_xl" / "entry.py").read_text(encoding="utf-8"))
    before = []
    for node in entry.body:
        if "_signal.signal(_signal.SIGINT, on_sigint)" in ast.unparse(node):
            break
        before.append(node)
    else:
        raise AssertionError("alfa_xl.entry does not install the handler at module level")
    assert [a.name for n in before if isinstance(n, ast.Import) for a in n.names] == ["_signal"]
    assert not [n for n in before if isinstance(n, ast.ImportFrom)]
    kinds = {type(n) for n in before} - {ast.Import}
    assert kinds <= {ast.Expr, ast.Assign, ast.ClassDef, ast.FunctionDef}, kinds  # docstring, constants, definitions
    calls = [ast.unparse(n) for n in before if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert calls == []


def test_a_ctrl_c_while_a_program_imports_the_module_goes_to_its_own_handler():
    # a program (not the console command) importing alfa_xl.entry: the module's handler was
    # installed for the moment of the import; a Ctrl-C recorded in that moment is handed to
    # the program's handler when it is put back
    import signal

    import alfa_xl.entry as entry

    got: list[int] = []
    saved = (entry._State.mode, entry._State.pending, signal.getsignal(signal.SIGINT))
    try:
        entry._State.mode, entry._State.pending = entry.WAITING, True
        entry._leave_alone(lambda signum, frame: got.append(signum))
        assert got == [signal.SIGINT] and entry._State.pending is False and entry._State.mode == entry.DONE
        entry._State.mode = entry.WAITING
        entry._leave_alone(lambda signum, frame: got.append(signum))
        assert got == [signal.SIGINT]  # nothing recorded: nothing handed on
    finally:
        entry._State.mode, entry._State.pending = saved[0], saved[1]
        signal.signal(signal.SIGINT, saved[2])
