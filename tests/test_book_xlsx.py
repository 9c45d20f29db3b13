"""The package layer: cell references within Excel's grid, sheet-name quoting, and the XML
serialiser keeping every element, attribute, text and namespace declaration."""

from __future__ import annotations

import zipfile

import pytest

from alfa_xl.book.build import build_workbook
from alfa_xl.book.xlsx import parse_part, parse_range, quote_sheet, serialize, split_ref


@pytest.mark.parametrize(
    "ref, expected", [("A1", (0, 0)), ("$B$5", (4, 1)), ("XFD1048576", (1_048_575, 16_383)), ("aa10", (9, 26))]
)
def test_cell_references(ref, expected):
    assert split_ref(ref) == expected


@pytest.mark.parametrize("ref", ["ZZZZ5", "B99999999", "XFE1", "A1048577", "A0", "", "5B", "A1:B2"])
def test_references_outside_the_grid_are_refused(ref):
    with pytest.raises(ValueError):
        split_ref(ref)


def test_ranges_and_quoting():
    assert parse_range("'It''s'!$A$1:$C$9").sheet == "It's"
    assert parse_range("=Inputs!$B$5").a1 == "B5"
    assert [quote_sheet(s) for s in ("Inputs", "xlwings.conf", "My sheet", "A1", "It's")] == [
        "Inputs",
        "'xlwings.conf'",
        "'My sheet'",
        "'A1'",
        "'It''s'",
    ]


def _same(a, b) -> bool:
    return (
        a.tag == b.tag
        and a.attrib == b.attrib
        and (a.text or "") == (b.text or "")
        and (a.tail or "") == (b.tail or "")
        and len(a) == len(b)
        and all(_same(x, y) for x, y in zip(a, b))
    )


def test_every_part_of_a_built_workbook_serialises_to_the_same_tree(tmp_path):
    path = tmp_path / "book.xlsm"
    build_workbook(path)
    with zipfile.ZipFile(path) as z:
        xml = {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels", ".vml"))}
    assert len(xml) > 20
    for name, data in xml.items():
        root, decls = parse_part(data, name)
        again, decls2 = parse_part(serialize(root, decls), name)
        assert _same(root, again), name
        assert decls2 == decls, name


def test_markup_in_text_and_attributes_survives():
    data = (
        '<a xmlns="urn:m" xmlns:x="urn:x" xmlns:mc="urn:mc" mc:Ignorable="x" c="a&gt;b &quot;q&quot; &amp; &#10;">'
        '<b>1 &lt; 2 &amp; 3</b><x:c x:k="v"/></a>'
    ).encode()
    root, decls = parse_part(data)
    out = serialize(root, decls)
    again, _ = parse_part(out)
    assert _same(root, again) and b'xmlns:x="urn:x"' in out and again.get("c") == 'a>b "q" & \n'
