"""The stored copies of the live tables (``book/stored.py``)."""

from __future__ import annotations

from alfa_xl.book.stored import MAX_CONSTANT, TOO_LARGE, array_constant


def test_an_array_constant_by_hand():
    assert array_constant([["Year", 'a"b'], [2026, None], [2027.0, 0.5], [True, float("nan")]]) == (
        '{"Year","a""b";2026,"";2027,0.5;TRUE,""}'
    )


def test_a_long_text_is_cut_at_excels_255_characters_for_a_text_in_a_formula():
    text = array_constant([["x" * 40_000]])
    inner = text[2:-2]  # between {" and "}
    assert len(inner) == 255 and inner.endswith("\u2026") and inner[:254] == "x" * 254


def test_a_table_too_large_for_one_formula_says_so_instead_of_failing():
    rows = [[f"model {i:03d}", *range(2026, 2045)] for i in range(100)]  # 100 x 20 cells, ~10,000 characters
    assert len(",".join(map(str, rows))) > MAX_CONSTANT
    assert array_constant(rows) == '{"' + TOO_LARGE + '"}'
