"""The README and ``docs/`` show only what works: every code block runs, every file and
module they name exists.

* Every fenced block carries a language. ``python`` blocks are executed (``>>>`` examples
  as doctests); ``bash`` blocks run in a temporary folder with this environment's scripts
  folder (the venv's ``bin``) first on PATH, as a user with an activated environment would
  run them; ``console`` blocks run each ``$`` line and compare what it prints; ``text``
  blocks (formulas, cell contents, file contents) are not code.
* A block preceded by ``<!-- needs: libreoffice -->`` runs only where ``soffice`` is
  installed (marker ``libreoffice``).
* :data:`SKIP` lists the only blocks that do not run, each with its reason: they install
  from the network. The Quickstart's two commands run word for word in ``.ci/run``
  (``tests/test_release.py`` checks that).
* Every ``alfa_xl/...`` path and every ``alfa_xl.x.y`` name in backticks, and every
  relative link, must exist: a moved module fails here until the docs follow it.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
RUN = {"python", "bash", "console"}
INERT = {"text"}

_NETWORK = "installs from the package index into an environment"
#: (file, first line of the block without its comment) -> why it does not run here
SKIP = {
    (
        "README.md",
        'python3 -m venv .venv && .venv/bin/pip install ".[cli]" && .venv/bin/alfa-xl outlook',
    ): f"{_NETWORK}; .ci/run runs it word for word",
    (
        "README.md",
        'python3 -m venv .venv && .venv/bin/pip install ".[test]" && .venv/bin/python -m pytest',
    ): f"{_NETWORK}; .ci/run runs it word for word",
    ("README.md", 'pip install ".[cli,excel]"'): _NETWORK,
    ("README.md", 'pip install "alfa-xl[cli,excel]"'): f"{_NETWORK} (after publication)",
    ("README.md", 'pip install "alfa-xl[excel]"'): f"{_NETWORK}, then the xlwings add-in into Excel",
}

#: Files the shell blocks name as the user's own, made in the temporary folder first.
USER_FILES = {
    "my_scenario.csv": "parameter,value\ndelay_years,1\npeak:Junior,1.1\n",
    "my_lineup.csv": (ROOT / "alfa_xl" / "model" / "data" / "lineup.csv").read_text(encoding="utf-8"),
}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    body: str
    needs: frozenset[str]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def key(self) -> tuple[str, str]:
        first = self.body.splitlines()[0] if self.body else ""
        return self.path.name, first.split("  #")[0].strip()


def blocks() -> list[Block]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            needs = re.match(r"<!--\s*needs:\s*([\w, ]+?)\s*-->", before)
            found.append(
                Block(
                    path,
                    text[: m.start()].count("\n") + 1,
                    m.group(1),
                    m.group(2),
                    frozenset(n.strip() for n in needs.group(1).split(",")) if needs else frozenset(),
                )
            )
    return found


BLOCKS = blocks()


def test_every_block_says_what_it_is():
    untagged = [b.where for b in BLOCKS if b.lang not in RUN | INERT]
    assert not untagged, f"tag these blocks python, bash, console or text: {untagged}"
    looks_like_code = re.compile(r"^\s*(\$ |>>> |import |from \w+ import|alfa-xl |pip |python)", re.M)
    hidden = [b.where for b in BLOCKS if b.lang in INERT and looks_like_code.search(b.body)]
    assert not hidden, f"code in text blocks (tag them so they run): {hidden}"


def test_the_skip_list_names_only_existing_blocks():
    keys = {b.key for b in BLOCKS if b.lang in RUN}
    assert set(SKIP) <= keys, set(SKIP) - keys


@pytest.fixture
def folder(tmp_path) -> Path:
    """A working folder as in a checkout: the shipped workbook folder and the user's files."""
    shutil.copytree(ROOT / "workbook", tmp_path / "workbook")
    for name, text in USER_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "home").mkdir()
    return tmp_path


def shell_env(folder: Path) -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)  # the venv's bin (Scripts on Windows): alfa-xl, python, pip
    return dict(
        os.environ,
        PATH=scripts + os.pathsep + os.environ.get("PATH", ""),
        HOME=str(folder / "home"),
        MPLBACKEND="Agg",
        COLUMNS="120",
    )


def run_python(block: Block, folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    if ">>>" in block.body:
        test = doctest.DocTestParser().get_doctest(block.body, {}, block.where, str(block.path), block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.failures == 0, f"{block.where}: {runner.failures} example(s) failed (output above)"
    else:
        exec(compile(block.body, block.where, "exec"), {"__name__": "__docs__"})  # noqa: S102 - the docs' own code


def run_bash(block: Block, folder: Path) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.body],
        cwd=folder,
        env=shell_env(folder),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{block.where}: exit {done.returncode}\n{done.stderr[-3000:]}"


def run_console(block: Block, folder: Path) -> None:
    """Each ``$ command`` with the lines under it as what it prints (stdout and stderr)."""
    sessions = re.split(r"^\$ ", block.body, flags=re.M)[1:]
    assert sessions, f"{block.where}: a console block without a $ line"
    for session in sessions:
        command, _, expected = session.partition("\n")
        done = subprocess.run(
            ["bash", "-c", command], cwd=folder, env=shell_env(folder), capture_output=True, text=True, timeout=600
        )
        assert (done.stdout + done.stderr).strip() == expected.strip(), f"{block.where}: $ {command}"


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(b, id=b.where, marks=[pytest.mark.libreoffice] if "libreoffice" in b.needs else [])
        for b in BLOCKS
        if b.lang in RUN
    ],
)
def test_block_runs(block, folder, monkeypatch):
    if block.key in SKIP:
        pytest.skip(f"{block.where}: {SKIP[block.key]}")
    if "libreoffice" in block.needs and not (shutil.which("soffice") or shutil.which("libreoffice")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{block.where} needs LibreOffice, which CI installs")
        pytest.skip(f"{block.where} needs LibreOffice (soffice)")
    {
        "python": lambda: run_python(block, folder, monkeypatch),
        "bash": lambda: run_bash(block, folder),
        "console": lambda: run_console(block, folder),
    }[block.lang]()


# -- what the docs name ------------------------------------------------------------------------------
PATH_IN_CODE = re.compile(r"(?<![\w/.~-])((?:alfa_xl|tests|benchmarks|workbook|docs|\.ci|\.github)/[\w./-]*)")
NAME_IN_CODE = re.compile(r"(?<![\w/.])(alfa_xl(?:\.\w+)+)")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def named() -> list[tuple[str, str, str]]:
    """(where, kind, what) for every repository path, module name and relative link."""
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"`([^`\n]+)`", text):
            for p in PATH_IN_CODE.findall(m.group(1)):
                if not re.search(r"/[A-Z]+(\.|/|$)", p):  # alfa_xl/cli/NAME.py is a pattern, not a file
                    out.append((path.name, "path", p.rstrip(".")))
            out += [(path.name, "name", n) for n in NAME_IN_CODE.findall(m.group(1))]
        for target in LINK.findall(text):
            if not re.match(r"[a-z]+:", target):
                out.append((path.name, "link", str((path.parent / target).resolve().relative_to(ROOT))))
    return out


def resolves(dotted: str) -> bool:
    """A module, or an attribute of the longest importable module prefix."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def test_every_path_module_and_link_the_docs_name_exists():
    refs = named()
    assert len(refs) > 50  # the docs name many; an empty list would mean the patterns broke
    missing = [
        (where, kind, what)
        for where, kind, what in refs
        if not ((ROOT / what).exists() if kind in ("path", "link") else resolves(what))
    ]
    assert not missing, missing


def test_refresh_help_names_every_area_the_refresh_writes():
    """``alfa-xl refresh --help`` is documentation too: it names the areas the refresh owns."""
    from alfa_xl.book.layout import OWNED_AREAS

    done = subprocess.run(
        [sys.executable, "-m", "alfa_xl.cli", "refresh", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert done.returncode == 0, done.stderr
    help_text = " ".join(done.stdout.split())
    written = re.findall(r"\bout_(?!status)\w+", help_text)
    assert sorted(written) == sorted(area.name for area in OWNED_AREAS)
    assert f"Writes {['no', 'one', 'two', 'three', 'four', 'five'][len(OWNED_AREAS)]} areas" in help_text
