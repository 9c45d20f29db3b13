"""The workbook's VBA project, read back with oletools (olevba) and LibreOffice.

Checks the named macros and their one RunPython line each, that the embedded xlwings VBA
module declares the DLL of the xlwings version pyproject.toml pins (VBA module and Python
package must match: xlwings issues #1595, #1099), that nothing but Module1 differs from
xlwings' own standalone VBA project, the buttons' macros and the ``xlwings.conf`` sheet.
"""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from oletools.olevba import VBA_Parser, decompress_stream
from lo_support import convert
from python_calamine import CalamineWorkbook

from alfa_xl.book import vba
from alfa_xl.book.build import build_workbook

ROOT = Path(__file__).resolve().parents[1]
#: What each macro must do, written out (not read from alfa_xl.book.vba).
EXPECTED = {
    "RefreshScenarios": 'RunPython "import alfa_xl.macros; alfa_xl.macros.refresh_scenarios()"',
    "RefreshScenario": 'RunPython "import alfa_xl.macros; alfa_xl.macros.refresh_scenario()"',
    "ClearScenarios": 'RunPython "import alfa_xl.macros; alfa_xl.macros.clear_scenarios()"',
    "ImportFunctions": "ImportPythonUDFs",
}


def modules(data: bytes) -> dict[str, str]:
    """Module name -> VBA source, as olevba extracts them."""
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def subs(code: str) -> dict[str, list[str]]:
    """Sub name -> its body lines (stripped, blank lines dropped)."""
    found = {}
    for m in re.finditer(r"^Sub (\w+)\(\)\r?\n(.*?)^End Sub", code, re.S | re.M):
        found[m.group(1)] = [ln.strip() for ln in m.group(2).splitlines() if ln.strip()]
    return found


@pytest.fixture(scope="module")
def committed() -> bytes:
    return vba.VBA_PATH.read_bytes()


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


class TestMacros:
    def test_each_macro_is_one_line_calling_alfa_xl_macros(self, committed):
        code = modules(committed)["Module1"]
        assert subs(code) == {name: [line] for name, line in EXPECTED.items()}

    def test_the_refresh_functions_exist_in_alfa_xl_macros(self):
        import alfa_xl.macros

        for line in EXPECTED.values():
            m = re.search(r"alfa_xl\.macros\.(\w+)\(\)", line)
            if m:
                assert callable(getattr(alfa_xl.macros, m.group(1)))

    def test_import_functions_calls_xlwings_own_import(self, committed):
        assert re.search(r"^Sub ImportPythonUDFs\(\)", modules(committed)["xlwings"], re.M)

    def test_no_quickstart_sample_macro_is_left(self, committed):
        assert "SampleCall" not in "".join(modules(committed).values())

    def test_modules_are_xlwings_standalone_plus_module1(self, committed):
        assert set(modules(committed)) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"}

    def test_no_vba_stomping(self, committed):
        """Compiled code that differs from the source is what malware does; security
        scanners (olevba among them) flag it."""
        parser = VBA_Parser("vbaProject.bin", data=committed)
        try:
            assert parser.detect_vba_stomping() is False
        finally:
            parser.close()


class TestXlwingsVersion:
    def pin(self) -> str:
        # the classic add-in's extra (alfa-xl[excel]); the base dependency takes any xlwings Lite ships
        deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["excel"]
        pins = [d for d in deps if re.match(r"xlwings\b", d)]
        assert len(pins) == 1 and pins[0].startswith("xlwings=="), pins
        return pins[0].split("==")[1]

    def test_vba_dll_equals_the_pinned_xlwings(self, committed):
        code = modules(committed)["xlwings"]
        declared = set(re.findall(r'Lib "xlwings(?:32|64)-([\d.]+)\.dll"', code))
        assert declared == {self.pin()}
        assert f"'Version: {self.pin()}" in code

    def test_installed_xlwings_is_the_pin(self):
        assert xlwings.__version__ == self.pin()


class TestProjectFile:
    def test_regenerating_gives_the_committed_file(self, committed):
        assert vba.build_project() == committed, "run: python -m alfa_xl.book.vba"

    def test_only_module1_differs_from_xlwings_own_project(self, committed):
        ours, theirs = olefile.OleFileIO(io.BytesIO(committed)), olefile.OleFileIO(io.BytesIO(vba.template()))
        names = sorted("/".join(p) for p in theirs.listdir())
        assert sorted("/".join(p) for p in ours.listdir()) == names
        for name in names:
            if name != "VBA/Module1":
                assert ours.openstream(name).read() == theirs.openstream(name).read(), name
        old, new = theirs.openstream("VBA/Module1").read(), ours.openstream("VBA/Module1").read()
        cache = 1119  # MODULEOFFSET of Module1 in xlwings 0.37.8's dir stream
        assert new[:cache] == bytes(cache) and old[:cache] != bytes(cache)
        assert (
            bytes(decompress_stream(bytearray(new[cache:])))
            .decode("cp1252")
            .startswith('Attribute VB_Name = "Module1"')
        )

    def test_notice_names_the_generator_and_the_hash(self, committed):
        import hashlib

        notice = (vba.VBA_PATH.parent / "NOTICE.txt").read_text()
        assert hashlib.sha256(committed).hexdigest() in notice
        assert "BSD 3-clause" in notice


class TestWorkbook:
    def test_embedded_project_is_the_committed_file(self, book, committed):
        with zipfile.ZipFile(book) as z:
            assert z.read("xl/vbaProject.bin") == committed

    def test_every_button_runs_a_named_macro_and_every_macro_has_a_button(self, book):
        with zipfile.ZipFile(book) as z:
            vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".vml"))
        used = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
        assert used and set(used) == set(EXPECTED)
        assert used.count("RefreshScenarios") == 3  # Cover, Inputs and Risk

    def test_xlwings_conf_sheet_has_only_udf_modules(self, book):
        rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("xlwings.conf").to_python()
        keys = [r[0] for r in rows]
        end = keys.index("") if "" in keys else len(keys)  # xlwings reads A1 down to the first blank cell
        assert [(r[0], r[1]) for r in rows[:end]] == [("UDF Modules", "alfa_xl.udfs")]
        assert rows[1][0] == ""  # xlwings' GetConfigFromSheet stops at A1 when A2 is empty


@pytest.mark.libreoffice
def test_libreoffice_reads_the_macros(book, tmp_path):
    """A second reader of the VBA project: LibreOffice imports the VBA and writes it back."""
    saved = convert(book, "xlsm:Calc MS Excel 2007 VBA XML", tmp_path / "out", tmp_path)
    with zipfile.ZipFile(saved) as z:
        assert "xl/vbaProject.bin" in z.namelist(), "LibreOffice dropped the VBA project: it could not read it"
        again = z.read("xl/vbaProject.bin")
    assert subs(modules(again)["Module1"]) == {name: [line] for name, line in EXPECTED.items()}
