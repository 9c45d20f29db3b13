"""The xlwings Lite path, run through xlwings' own Office.js implementation.

``tests/lite_runner.py`` executes the README's ``main.py`` with ``XLWINGS_ON_SERVER=true``
(the decorators and conversion xlwings Lite and xlwings Server run) and calls
``xlwings.server.custom_functions_meta`` / ``custom_functions_call`` /
``custom_scripts_meta`` / ``custom_scripts_call`` with the values Office.js sends: ``null``
for an empty cell, ints and floats, serial numbers for dates, text, 2-D ranges, and
``{"type": "Error", ...}`` objects. Scripts get xlwings' remote ``Book`` built from the
JSON Office.js sends for the shipped workbook (``tests/lite_book.py``).

That part of xlwings is licensed separately (PolyForm Noncommercial or paid): the tests
use xlwings' noncommercial key from ``XLWINGS_LICENSE_KEY``; without a key they skip
(never in CI: ``.ci/run`` sets it). The product itself never imports ``xlwings.pro`` or
``xlwings.server`` (checked below).
"""

from __future__ import annotations

import ast
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from alfa_xl import udfs
from alfa_xl.book.build import build_workbook
from alfa_xl.book.refresh import refresh_workbook
from excel_harness import excel_call
from lite_book import payload

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
LINEUP_CSV = ROOT / "alfa_xl" / "model" / "data" / "lineup.csv"
FIX = "correct the cell it comes from or the formula feeding it (an Excel error is not a value)"
ERRORS = {
    "#N/A": "NotAvailable",
    "#DIV/0!": "Div0",
    "#REF!": "Ref",
    "#VALUE!": "Value",
    "#NAME?": "Name",
    "#NUM!": "Num",
    "#NULL!": "Null",
}


def serial(y: int, m: int, d: int) -> int:
    """Excel's serial number of a date (days since 30 Dec 1899)."""
    import datetime as dt

    return (dt.date(y, m, d) - dt.date(1899, 12, 30)).days


def error(text: str) -> dict:
    """An error cell as Office.js sends it."""
    return {"type": "Error", "basicValue": text, "errorType": ERRORS[text]}


def registered() -> dict:
    return {name: getattr(udfs, name) for name in udfs.__all__ if hasattr(getattr(udfs, name), "__xlfunc__")}


def readme_main() -> str:
    """The ``main.py`` the README tells Lite users to paste."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"and into \*\*main\.py\*\*:\s*```python\n(.*?)```", text, re.S)
    assert m, "README has no main.py block"
    return m.group(1)


def office_lineup() -> list[list]:
    """The shipped lineup CSV as Office.js sends a range: whole numbers as int, empty cells null."""

    def cell(text: str):
        if text == "":
            return None
        try:
            f = float(text)
        except ValueError:
            return text
        return int(f) if f == int(f) else f

    with LINEUP_CSV.open(encoding="utf-8") as fh:
        return [[cell(v) for v in r] for r in csv.reader(fh)]


def com_lineup() -> tuple:
    """The same range as classic COM sends it (numbers as float, empty cells '')."""
    return tuple(
        tuple(
            "" if v is None else float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in r
        )
        for r in office_lineup()
    )


# -- the calls, each next to what the classic path (or a hand calculation) gives --------------
CASES: list[tuple[str, list, object]] = []  # (function, Office.js args, expected cell grid)


def case(name, office_args, expected):
    CASES.append((name, office_args, expected))


def classic(name, *com_args):
    return excel_call(getattr(udfs, name), *com_args)


def _build_cases():
    if CASES:
        return
    for name, func in registered().items():
        n = len(func.__xlfunc__["args"])
        # every argument an empty cell: Office.js sends null, classic None; same result
        case(name, [[[None]]] * n, classic(name, *([None] * n)) if n else classic(name))
        # an error object in each argument in turn names the error
        for i, a in enumerate(func.__xlfunc__["args"]):
            case(
                name,
                [[[None]]] * i + [[[error("#N/A")]]],
                [[f"#VALUE! {name.upper()}: {a['name']}: Excel error value #N/A (got #N/A); {FIX}"]],
            )
    # numbers as Office.js sends them (int for whole numbers)
    case("alfa_total", [[[2030]]], classic("alfa_total", 2030.0))
    case("alfa_cagr", [[[70000]], [[400000]], [[5]]], [[(400000 / 70000) ** (1 / 5) - 1]])
    case("alfa_years_to_target", [[[73000]], [[0.1]]], [[math.log(400000 / 73000) / math.log(1.1)]])
    # a date cell arrives as its serial number: 47484 is 1 Jan 2030
    case("alfa_total", [[[47484]]], classic("alfa_total", 2030.0))
    case(
        "alfa_project",
        [[[None]], [[serial(2026, 3, 1)]], [[serial(2031, 12, 31)]]],
        classic("alfa_project", None, 2026.0, 2031.0),
    )
    case("alfa_total", [[[serial(2030, 12, 31) + 0.75]]], classic("alfa_total", 2030.0))  # 6 pm on New Year's Eve
    # text, with the spaces and case a person types
    case(
        "alfa_project",
        [[[" Bear "]], [[2027]], [[2029]], [["REGION"]]],
        classic("alfa_project", "bear", 2027.0, 2029.0, "region"),
    )
    case("alfa_fact", [[["global_units_2025"]]], [[73000]])
    # ranges: a scenario as parameter/value rows, the lineup as a table with empty cells
    rows = [["delay_years", 1], ["peak_multiplier", 0.8], ["na_tariff", -0.2], ["market_trend", -0.02], [None, None]]
    case("alfa_total", [[[2030]], rows], classic("alfa_total", 2030.0, "bear"))
    case(
        "alfa_project",
        [[[None]], [[None]], [[None]], [[None]], office_lineup()],
        classic("alfa_project", None, None, None, None, com_lineup()),
    )
    # zeros are values: a zero target is an error, a zero in a scenario range is that value
    case(
        "alfa_gap",
        [[[0]]],
        [
            [
                "#VALUE! ALFA_GAP: target: must be above 0 (got 0); "
                "give the target in units a year, above 0 (e.g. 400000), or leave it empty"
            ]
        ],
    )
    case("alfa_total", [[[2030]], [["delay_years", 0], ["market_trend", 0]]], classic("alfa_total", 2030.0, "base"))
    # an error inside a range
    case(
        "alfa_total",
        [[[2030]], [["delay_years", 1], ["peak_multiplier", error("#REF!")]]],
        [[f"#VALUE! ALFA_TOTAL: scenario: Excel error value #REF! inside the range (got a range of 4 cells); {FIX}"]],
    )
    for text in ERRORS:
        case(
            "alfa_gap", [[[error(text)]]], [[f"#VALUE! ALFA_GAP: target: Excel error value {text} (got {text}); {FIX}"]]
        )


SCRIPTS = ("refresh_scenarios", "refresh_scenario", "clear_scenarios")


@pytest.fixture(scope="module")
def book_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lite") / "alfa_outlook.xlsm"
    build_workbook(path)
    return path


@pytest.fixture(scope="module")
def lite(book_file):
    """One run of the README's main.py through xlwings' Office.js code."""
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError("XLWINGS_LICENSE_KEY must be set in CI (.ci/run sets xlwings' noncommercial key)")
        pytest.skip("xlwings' Office.js code needs a licence key: XLWINGS_LICENSE_KEY=noncommercial (tests only)")
    _build_cases()
    request = {
        "main": readme_main(),
        "calls": [[name, args] for name, args, _ in CASES],
        "scripts": [[name, payload(book_file)] for name in SCRIPTS],
    }
    env = dict(os.environ, XLWINGS_ON_SERVER="true", PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]))
    run = subprocess.run(
        [sys.executable, str(HERE / "lite_runner.py")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=str(HERE),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def same(a, b) -> bool:
    """Cell grids equal, numbers to 1e-9 relative."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


# -- metadata -------------------------------------------------------------------------------------
class TestMetadata:
    def test_office_js_decorators_ran(self, lite):
        assert lite["decorator"] == "xlwings.pro.udfs_officejs.xlfunc"

    def test_every_function_is_registered_by_its_excel_name(self, lite):
        names = [f["name"] for f in lite["meta"]["functions"]]
        assert sorted(names) == sorted(n.upper() for n in registered())

    def test_help_parameters_optional_flags_and_dimensionality(self, lite):
        import inspect

        by_name = {f["name"]: f for f in lite["meta"]["functions"]}
        for name, func in registered().items():
            meta = by_name[name.upper()]
            assert meta["description"] == " ".join(func.__doc__.strip().split("\n\n")[0].split()), name
            params = list(inspect.signature(func).parameters.values())
            assert [p["name"] for p in meta["parameters"]] == [p.name for p in params], name
            for p, sig in zip(meta["parameters"], params):
                assert p.get("optional", False) is (sig.default is not inspect.Parameter.empty), (name, p["name"])
                assert p["dimensionality"] == "matrix" and p["type"] == "any", (name, p["name"])
                assert 10 <= len(p["description"]) <= 255, (name, p["name"])
            assert meta["result"]["dimensionality"] == "matrix", name


# -- calls ----------------------------------------------------------------------------------------
def test_every_call_gives_the_expected_cells(lite):
    assert len(lite["calls"]) == len(CASES)
    failures = []
    for (name, args, expected), got in zip(CASES, lite["calls"]):
        if "error" in got:
            failures.append((name, args, got["error"]))
        elif not same(got["result"], expected):
            failures.append((name, args, got["result"], expected))
    assert not failures, failures[:3]


def test_every_function_was_called_with_every_kind_of_value(lite):
    called = {name for name, _, _ in CASES}
    assert called == set(registered())


# -- scripts against a book shaped like Lite's ----------------------------------------------------
class TestScripts:
    def test_scripts_are_registered(self, lite):
        assert sorted(s["function_name"] for s in lite["scripts_meta"]) == sorted(SCRIPTS)

    def test_no_script_failed(self, lite):
        for name, out in zip(SCRIPTS, lite["scripts"]):
            assert "error" not in out, (name, out.get("traceback"))

    def test_refresh_writes_what_the_headless_refresh_writes(self, lite, book_file, tmp_path):
        headless = tmp_path / book_file.name
        shutil.copy(book_file, headless)
        refresh_workbook(headless, backup=False)
        wb = CalamineWorkbook.from_path(str(headless))
        sheet_names = wb.sheet_names
        actions = lite["scripts"][0]["actions"]
        writes = [a for a in actions if a["func"] == "setValues"]
        assert {sheet_names[a["sheet_position"]] for a in writes} == {"Scenarios", "Risk", "Track record", "Cover"}
        for a in writes:
            grid = wb.get_sheet_by_name(sheet_names[a["sheet_position"]]).to_python(skip_empty_area=False)
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    r, c = a["start_row"] + i, a["start_column"] + j
                    want = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
                    if isinstance(v, str) and v.startswith("'"):
                        v = v[1:]  # xlwings marks text Excel would parse ("+4 yr") with Excel's text prefix
                    if isinstance(v, str) and v.startswith("Refreshed"):
                        assert isinstance(want, str) and want.startswith("Refreshed"), (r, c, want)
                        continue
                    assert same(v, want), (sheet_names[a["sheet_position"]], r, c, v, want)

    def test_refresh_switches_calculation_to_manual_and_back(self, lite):
        calc = [a["args"] for a in lite["scripts"][0]["actions"] if a["func"] == "setCalculation"]
        assert calc == [["Manual"], ["Automatic"]]  # Office.js calculation modes

    def test_clear_empties_the_scenario_tables(self, lite, book_file):
        actions = lite["scripts"][2]["actions"]
        cleared = [a for a in actions if a["func"] == "rangeClearContents"]
        names = {n["name"]: n for n in payload(book_file)["names"]}
        scen = names["out_scenarios"]
        assert any(a["sheet_position"] == scen["sheet_index"] for a in cleared)


# -- the product stays off xlwings' licensed parts --------------------------------------------------
def test_product_never_imports_xlwings_pro_or_server():
    offenders = []
    for path in (ROOT / "alfa_xl").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            if any(re.match(r"xlwings\.(pro|server)\b", m) for m in mods):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# -- Lite's sheet buttons --------------------------------------------------------------------------
def cover_shapes(path: Path) -> dict[str, str]:
    """Shape name -> the cell its hyperlink points to, on the Cover sheet of ``path``."""
    import posixpath
    import zipfile

    from defusedxml.ElementTree import fromstring

    from lite_book import _rels

    with zipfile.ZipFile(path) as z:
        drawing = next(t for t in _rels(z, "xl/worksheets/sheet1.xml").values() if "/drawings/drawing" in t)
        links = _rels(z, drawing)
        root = fromstring(z.read(drawing))
        xdr = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
        a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
        r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
        out = {}
        for sp in root.iter(f"{xdr}sp"):
            pr = sp.find(f"{xdr}nvSpPr/{xdr}cNvPr")
            link = pr.find(f"{a}hlinkClick")
            if link is not None:
                out[pr.get("name")] = posixpath.basename(links[link.get(f"{r}id")]).lstrip("#")
    return out


def test_readme_buttons_are_shapes_linked_to_the_cell_behind_them(book_file):
    refs = re.findall(r'@script\(button="\[([^\]]+)\]([^"]+)"\)\ndef (\w+)', readme_main())
    assert sorted(name for _, _, name in refs) == sorted(SCRIPTS)
    shapes = cover_shapes(book_file)
    for shape, cell, _ in refs:
        assert shapes.get(shape) == cell, (shape, cell, shapes)


def test_lite_registers_the_buttons(lite):
    refs = dict(
        (name, f"[{shape}]{cell}")
        for shape, cell, name in re.findall(r'@script\(button="\[([^\]]+)\]([^"]+)"\)\ndef (\w+)', readme_main())
    )
    assert {s["function_name"]: s["button"] for s in lite["scripts_meta"]} == refs
