"""A worksheet part parsed only as far as its rows are asked for (:class:`RowStream`).

Why: a refresh reads a few dozen cells at the top of Inputs (the ``in_*`` names and the
lineup table), but a sheet filled, or formatted, far below them can hold up to
:data:`~alfa_xl.book.xlsx.MAX_XML_PART` bytes of rows that nothing reads. Building the whole
tree of the largest accepted Inputs and checking its 190,000 cells cost 1.2 s of a 5 s
refresh and 100 MB (``benchmarks/bench_worst_workbook.py``).

How: when every row tag of the part is spelled ``<row r="N"`` and the numbers ascend (as
Excel writes them), the standard library's parser is fed the part up to the first row
numbered past the last row asked for, and left open: a later request reads on. The byte
scan behind that can only find more row tags than the XML holds (one in a comment, say),
never fewer, so any doubt (a row out of order or spelled otherwise, a cut that does not fall
between two rows) reads the whole part as before. What is never asked for is not read and
so not checked: the rows below the last one asked for, and whether the rest of the part is
well-formed XML (a part read this way is copied as stored, never rewritten).
"""

from __future__ import annotations

import bisect
import re
from typing import Any
from xml.etree.ElementTree import Element, XMLPullParser

from alfa_xl.book.xlsx import M

__all__ = ["RowStream", "ItemStream", "CannotCut"]

_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
_ANY_ROW = re.compile(rb"<row[\s/>]")
_PREFIXED_ROW = re.compile(rb":row[\s/>]")


def _declare(decls: list[tuple[str, str]], item: tuple[str, str]) -> None:
    """Note a namespace declaration (prefix ``""`` for the default namespace) once, in order."""
    ns = (item[0] or "", item[1])
    if ns not in decls:
        decls.append(ns)


class CannotCut(Exception):
    """The part cannot be read only in part: parse it whole."""


class _PullStream:
    """A part fed to the standard library's pull parser a piece at a time."""

    def __init__(self, data: bytes):
        self._data = data
        self._parser: XMLPullParser[Any] = XMLPullParser(events=("start-ns", "start", "end"))
        self._fed = 0  # bytes fed
        #: namespace declarations seen so far, in order (prefix "" for the default namespace)
        self.decls: list[tuple[str, str]] = []
        self.complete = False

    def _feed(self, end: int) -> list[tuple[str, Element]]:
        """Feed the part up to byte ``end`` (closing the parser at the part's end) and return
        the elements started and ended since, as ``("start" | "end", element)``; namespace
        declarations go to :attr:`decls`."""
        self._parser.feed(self._data[self._fed : end])
        self._fed = end
        if end == len(self._data):
            self._parser.close()
            self.complete = True
        out = []
        events: Any = self._parser.read_events()
        for event, item in events:
            if event == "start-ns":
                _declare(self.decls, item)
            else:
                out.append((event, item))
        return out


class RowStream(_PullStream):
    """One worksheet part (plain UTF-8 XML bytes), parsed through the rows asked for."""

    def __init__(self, data: bytes):
        found = _ROW.findall(data)
        if len(found) != len(_ANY_ROW.findall(data)) or _PREFIXED_ROW.search(data) is not None:
            raise CannotCut('a row tag spelled otherwise than <row r="N"')
        self._numbers = [int(x) for x in found]
        if any(a >= b for a, b in zip(self._numbers, self._numbers[1:])):
            raise CannotCut("rows out of order or stored twice")
        super().__init__(data)
        self._tags = found
        self._next = 0  # index (in the part's order) of the first row tag not fed
        self._open: list[str] = []  # tags of the elements started and not ended
        self.root: Element | None = None

    def through(self, row: int) -> Element | None:
        """The part's root element holding every row numbered up to ``row`` (1-based),
        complete (``None`` while nothing is read: no row is numbered that low). Raises
        :class:`CannotCut` when the part cannot be cut before the next row, and the
        standard library's ``ParseError`` for XML it cannot read."""
        k = bisect.bisect_right(self._numbers, row)
        if self.complete or k <= self._next:
            return self.root
        tag = b'<row r="' + self._tags[k] + b'"' if k < len(self._tags) else b""
        end = self._data.find(tag, self._fed) if tag else len(self._data)
        if end < 0:  # not reached: every tag of the list is in the part, in order
            raise CannotCut("row tag not found")
        events = self._feed(end)
        self._next = k
        for event, item in events:
            if event == "start":
                if self.root is None:
                    self.root = item
                self._open.append(item.tag)
            else:
                self._open.pop()
        if not self.complete and (len(self._open) != 2 or self._open[1] != M + "sheetData"):
            raise CannotCut("the cut falls inside a row")  # a row tag in a comment within a row, say
        return self.root


class ItemStream(_PullStream):
    """The children of a part's root element named ``tag`` (the ``<si>`` items of the shared
    strings), parsed in chunks only until the one asked for: the strings a refresh reads are
    those of the built workbook, first in the part, and a part grown to the parse budget
    holds some 30,000 more (0.15 s to parse and read them all)."""

    CHUNK = 1 << 16

    def __init__(self, data: bytes, tag: str):
        super().__init__(data)
        self._tag = tag
        self._depth = 0
        #: the items read so far, in the part's order
        self.items: list[Element] = []

    def upto(self, index: int) -> list[Element]:
        """The items, read until item ``index`` (0-based) is among them or the part ends.
        Raises the standard library's ``ParseError`` for XML it cannot read."""
        while len(self.items) <= index and not self.complete:
            for event, item in self._feed(min(self._fed + self.CHUNK, len(self._data))):
                if event == "start":
                    self._depth += 1
                else:
                    self._depth -= 1
                    if self._depth == 1 and item.tag == self._tag:
                        self.items.append(item)
        return self.items
