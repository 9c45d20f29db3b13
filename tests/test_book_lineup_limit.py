"""A lineup of more models than the stated limit (``lineup_models``) is refused before
anything is computed, with the limit and its reason, by the headless refresh and the macro."""

from __future__ import annotations

from pathlib import Path

import pytest
from book_edits import INPUTS_PART, edit, text
from test_macros import lineup_rows, make_book

from alfa_xl.book.build import build_workbook
from alfa_xl.book.inputs import InputsError
from alfa_xl.book.refresh import refresh_workbook
from alfa_xl.excel import macros

LIMIT = 100  # the limit stated in alfa_xl.validation.limits (lineup_models)


def _grow_table(path: Path, models: int) -> None:
    """The lineup table (A34:T43, 9 models) extended to ``models`` rows with more named models."""
    extra = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Extra {r}</t></is></c></row>' for r in range(44, 35 + models)
    )
    edit(path, INPUTS_PART, "</sheetData>", extra + "</sheetData>")
    table = "xl/tables/table1.xml"
    edit(path, table, 'ref="A34:T43"', f'ref="A34:T{34 + models}"')


@pytest.mark.parametrize("models, refused", [(LIMIT, False), (LIMIT + 1, True)])
def test_a_workbook_lineup_over_the_limit_is_refused_with_the_limit(tmp_path, models, refused):
    book = tmp_path / "alfa_outlook.xlsm"
    build_workbook(book)
    _grow_table(book, models)
    assert text(book, "xl/tables/table1.xml").count(f":T{34 + models}") == 1
    before = book.read_bytes()
    if not refused:  # at the limit the count passes; the extra rows then fail on their first missing value
        with pytest.raises(InputsError) as info:
            refresh_workbook(book)
        assert "models" not in info.value.problem
        return
    with pytest.raises(
        InputsError,
        match=rf"table tbl_lineup on Inputs: more than {LIMIT} models \(got '{LIMIT + 1} models'\); "
        rf"give at most {LIMIT} models.*5 s, 500 MB",
    ):
        refresh_workbook(book)
    assert book.read_bytes() == before


def test_the_macro_refuses_the_same_lineup():
    rows = lineup_rows()
    rows += [[f"Extra {i}"] + [None] * (len(rows[0]) - 1) for i in range(LIMIT + 1 - (len(rows) - 1))]
    assert len(rows) - 1 == LIMIT + 1
    message = macros.refresh_scenarios(make_book(lineup=rows))
    assert message.startswith(
        f"Refresh stopped, nothing changed: table tbl_lineup on Inputs: more than {LIMIT} models"
    ), message
