"""The one rule for text written into a cell, by the headless refresh (an inline string)
and by the Excel macro (``Range.value``), so both store the same value.

* Control characters other than tab, line feed and carriage return are dropped (XML 1.0
  cannot hold them; Excel shows them as boxes).
* Text longer than Excel's limit of 32,767 characters a cell is cut to it, ending with a
  visible mark (:data:`CUT_MARK`), instead of a file Excel repairs on opening.
* Through ``Range.value`` Excel converts text that looks like a formula, a number, a
  date, a time, a percentage, a boolean or an error value (``=1+1``, ``0012``, ``1/2``,
  ``50%``, ``1e3``, ``TRUE``, ``#N/A``) and drops a leading apostrophe (``'quoted``);
  :func:`excel_value` gives such text Excel's text prefix ``'``, which Excel removes
  again, so the cell holds the text as written. The test is broad on purpose (any digit,
  for example): a prefix on text Excel would have kept changes nothing in the value.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["EXCEL_CELL_LIMIT", "CUT_MARK", "cell_text", "excel_value", "needs_prefix"]

#: Most characters a cell holds (Excel's specification and limits).
EXCEL_CELL_LIMIT = 32_767
#: What ends text cut to :data:`EXCEL_CELL_LIMIT`.
CUT_MARK = " [... cut at Excel's 32,767-character limit]"
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)} | {0xFFFE: None, 0xFFFF: None}
_BOOLEANS = frozenset({"true", "false"})
_COERCED = re.compile(r"[0-9]|^\s*[=+\-@'#\t\r]|^\s*[.,(]")


def cell_text(text: str) -> str:
    """``text`` as a cell stores it: control characters dropped, cut to Excel's limit with
    :data:`CUT_MARK` at the end.

    >>> cell_text("Giulia\\x00"), len(cell_text("x" * 40_000)), cell_text("x" * 40_000).endswith(CUT_MARK)
    ('Giulia', 32767, True)
    """
    text = text.translate(_CONTROL)
    text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)  # lone surrogates cannot be stored
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return text


def needs_prefix(text: str) -> bool:
    """Whether Excel would change ``text`` written through ``Range.value`` (see the module docstring).

    >>> [needs_prefix(t) for t in ("Giulia", "'quoted", "TRUE", "1/2", "0012", "50%", "1e3", "=A1", "Tonale 2")]
    [False, True, True, True, True, True, True, True, True]
    """
    return bool(_COERCED.search(text)) or text.strip().casefold() in _BOOLEANS


def excel_value(value: Any) -> Any:
    """``value`` as it must be given to ``Range.value`` so that Excel stores what the
    headless refresh stores: text through :func:`cell_text`, with the prefix ``'`` when
    Excel would change it; any other value unchanged.

    >>> excel_value("0012"), excel_value("Junior"), excel_value(-5.0)
    ("'0012", 'Junior', -5.0)
    """
    if isinstance(value, str):
        text = cell_text(value)
        return "'" + text if needs_prefix(text) else text
    return value
