"""The release: one version, the build metadata, and the publishing workflow.

Building the wheel and sdist twice, ``twine check`` and running the installed wheel alone
happen in ``.ci/run`` (they need a network install); these checks are what can be read
from the source tree.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import alfa_xl

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WORKFLOW = (ROOT / ".github" / "workflows" / "release.yml").read_text()


def test_version_is_written_once():
    assert alfa_xl.__version__ == PYPROJECT["project"]["version"]
    hits = [p for p in (ROOT / "alfa_xl").rglob("*.py") if re.search(r"__version__\s*=\s*[\"']\d+\.\d+", p.read_text())]
    assert hits == []


def test_build_backend_is_reproducible_and_ships_the_data():
    assert PYPROJECT["build-system"]["build-backend"] == "hatchling.build"
    assert PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["alfa_xl"]
    for data in ("alfa_xl/book/data/vbaProject.bin", "alfa_xl/book/data/NOTICE.txt", "alfa_xl/model/data/lineup.csv"):
        assert (ROOT / data).is_file(), data


def test_ci_checks_the_release_before_the_tests():
    run = (ROOT / ".ci" / "run").read_text()
    assert run.index("-m build") < run.index('twine" check') < run.index('alfa-xl" outlook') < run.index("-m pytest")
    assert run.rstrip().splitlines()[-1] == QUICKSTART[1]


QUICKSTART = (
    'python3 -m venv .venv && .venv/bin/pip install ".[cli]" && .venv/bin/alfa-xl outlook',
    'python3 -m venv .venv && .venv/bin/pip install ".[test]" && .venv/bin/python -m pytest',
)


def test_ci_runs_the_quickstart_as_written():
    """Both Quickstart commands, word for word, in .ci/run, with nothing put on PATH first
    (the tests find the alfa-xl script beside the interpreter, not on PATH)."""
    readme = (ROOT / "README.md").read_text()
    quickstart = readme[readme.index("## Quickstart") : readme.index("## Install")]
    assert re.findall(r"```bash\n(.*?)\n```", quickstart) == list(QUICKSTART)
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert lines[-2:] == list(QUICKSTART)
    assert not [line for line in lines if re.match(r"\s*(export\s+)?PATH=", line)]


def test_workflow_publishes_with_trusted_publishing_on_a_version_tag():
    assert re.search(r"on:\s*\n\s*push:\s*\n\s*tags: \[\"v\*\"\]", WORKFLOW)
    assert "id-token: write" in WORKFLOW and "pypa/gh-action-pypi-publish@release/v1" in WORKFLOW
    assert "password" not in WORKFLOW and "secrets." not in WORKFLOW  # no stored token
    assert 'test "${GITHUB_REF_NAME}" = "v${version}"' in WORKFLOW
    assert "twine check --strict" in WORKFLOW and "SOURCE_DATE_EPOCH" in WORKFLOW
