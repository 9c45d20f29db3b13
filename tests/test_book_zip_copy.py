"""A refresh copies the parts it does not change as they are stored (their compressed
bytes), so a file never grows from refreshing unchanged content."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

from book_edits import book, pristine  # noqa: F401  (fixtures)

from alfa_xl.book.refresh import refresh_workbook


def stored(path: Path) -> dict[str, bytes]:
    """Each member's compressed bytes, read from its local header (independently of zipfile's reader)."""
    data = path.read_bytes()
    out = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            at = info.header_offset
            assert data[at : at + 4] == b"PK\x03\x04"
            n, m = struct.unpack("<HH", data[at + 26 : at + 30])
            out[info.filename] = data[at + 30 + n + m : at + 30 + n + m + info.compress_size]
    return out


def add_media(path: Path, level: int) -> None:
    """A picture-like part stored at the given compression level (as another tool may have)."""
    rng = random.Random(7)
    payload = bytes(rng.choice(b"ABCDEFGH") for _ in range(2_000_000))  # compressible: levels differ
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("xl/media/image9.png", payload)


def test_unchanged_parts_keep_their_stored_bytes_and_the_file_does_not_grow(book):
    add_media(book, 9)
    refresh_workbook(book)
    first, size = stored(book), book.stat().st_size
    refresh_workbook(book, backup=False)
    second = stored(book)
    assert second["xl/media/image9.png"] == first["xl/media/image9.png"]
    assert second["xl/vbaProject.bin"] == first["xl/vbaProject.bin"]
    assert abs(book.stat().st_size - size) <= 0.01 * size
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None


def test_a_part_compressed_harder_by_another_tool_is_not_recompressed(book):
    add_media(book, 9)
    before = stored(book)["xl/media/image9.png"]
    size = book.stat().st_size
    refresh_workbook(book)
    assert stored(book)["xl/media/image9.png"] == before
    assert book.stat().st_size <= size * 1.01
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None and len(z.read("xl/media/image9.png")) == 2_000_000
