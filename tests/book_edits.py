"""The built workbook the refresh tests start from (the fixtures ``pristine`` and ``book``: import
them into a test module), and edits to it the way other tools and Excel features store them, for
the tests of workbooks as they are found in the wild (phonetic runs, shared formulas, Strict
Open XML, protected sheets, ...)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from alfa_xl.book.build import build_workbook

INPUTS_PART = "xl/worksheets/sheet2.xml"
SCENARIOS_PART = "xl/worksheets/sheet4.xml"
RISK_PART = "xl/worksheets/sheet6.xml"
STRINGS_PART = "xl/sharedStrings.xml"
WORKBOOK_PART = "xl/workbook.xml"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The workbook as built, once per test module; a test that changes it takes a ``book``."""
    path = tmp_path_factory.mktemp("pristine") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


@pytest.fixture
def book(pristine, tmp_path) -> Path:
    """A copy of the built workbook for one test to change."""
    path = tmp_path / "alfa_outlook.xlsm"
    shutil.copy(pristine, path)
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rewrite(path: Path, changes: dict[str, bytes | str]) -> None:
    """Replace or add parts, keeping the others and their order (as a user saving the file would)."""
    old = parts(path)
    old.update({k: v.encode() if isinstance(v, str) else v for k, v in changes.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in old.items():
            z.writestr(name, data)


def text(path: Path, part: str) -> str:
    return parts(path)[part].decode()


def edit(path: Path, part: str, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in one part (exactly ``count`` times)."""
    xml = text(path, part)
    assert xml.count(old) == count, (part, old, xml.count(old))
    rewrite(path, {part: xml.replace(old, new)})


def cell_xml(path: Path, part: str, ref: str) -> str | None:
    m = re.search(rf'<c r="{ref}"(?: [^>]*?)?(?:/>|>.*?</c>)', text(path, part))
    return m.group(0) if m else None


def set_cell_xml(path: Path, part: str, ref: str, new: str) -> None:
    """Replace cell ``ref`` (which must exist) by the XML ``new``."""
    old = cell_xml(path, part, ref)
    assert old is not None, ref
    edit(path, part, old, new)


def style_of(path: Path, part: str, ref: str) -> str:
    m = re.search(r' s="(\d+)"', cell_xml(path, part, ref) or "")
    return f' s="{m.group(1)}"' if m else ""
