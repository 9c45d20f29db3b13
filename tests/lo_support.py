"""LibreOffice in the tests: ``soffice`` found, or the test skipped (outside CI; in CI it must be
there), and a file converted headless with a profile and a HOME of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: Profile setting that makes Calc recalculate every native formula on load (``OOXMLRecalcMode`` = 0).
XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_soffice() -> str:
    """The ``soffice`` program; without it the test is skipped, except in CI, where it is an error."""
    if SOFFICE is None:
        if in_ci():
            raise RuntimeError("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-calc")
        pytest.skip("LibreOffice (soffice) not installed")
    return SOFFICE


def convert(src: Path, fmt: str, outdir: Path, home: Path, *, recalc: bool = False) -> Path:
    """``src`` converted to ``fmt`` (``xlsx``, ``pdf``, ``xlsm:Calc MS Excel 2007 VBA XML``) into ``outdir``
    by LibreOffice run with HOME ``home`` and the profile ``home/profile`` (``recalc``: every formula
    recalculated on load); the written file."""
    soffice = require_soffice()
    profile = home / "profile"
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(XCU)
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        env=dict(os.environ, HOME=str(home)),
        capture_output=True,
        timeout=180,
    )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out
