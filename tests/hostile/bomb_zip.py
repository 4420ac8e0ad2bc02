"""Zip members of 10⁹ bytes, written in a fraction of the time deflating them takes.

A bomb's text is a block repeated. Deflating 10⁹ bytes costs a second of CPU for every bomb a
test writes (:mod:`zipfile` deflates all it is given); here the block is deflated once and its
compressed bytes are laid end to end. That is a valid deflate stream: a full flush ends each
piece on a byte boundary and resets the compressor, so no piece refers to what came before it.
The file is an ordinary zip (no zip64: every size is below 4 GiB), its CRCs computed on the
real bytes; :mod:`zipfile` reads it back (``test_a_bomb_zip_reads_back``).
"""

from __future__ import annotations

import functools
import struct
import zlib
from pathlib import Path

#: the repeated block of a bomb's text
BLOCK = b"x" * (1 << 24)


@functools.cache
def deflated_block() -> bytes:
    """:data:`BLOCK` deflated on its own, ending in a full flush."""
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    return z.compress(BLOCK) + z.flush(zlib.Z_FULL_FLUSH)


def repeated(head: bytes, blocks: int, tail: bytes) -> tuple[int, int, list[bytes]]:
    """The member ``head + BLOCK * blocks + tail``: its CRC-32, its size and its deflated pieces."""
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    first = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    last = z.compress(tail) + z.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(BLOCK, crc)
    crc = zlib.crc32(tail, crc)
    return crc, len(head) + blocks * len(BLOCK) + len(tail), [first, *[deflated_block()] * blocks, last]


def plain(data: bytes) -> tuple[int, int, list[bytes]]:
    """An ordinary member, as :func:`repeated` describes one."""
    return repeated(data, 0, b"")


def write_zip(path: Path, members: list[tuple[str, tuple[int, int, list[bytes]]]]) -> None:
    """Write the zip of ``members`` (name, then what :func:`repeated` returns), deflated, in order."""
    central = []
    with open(path, "wb") as fh:
        for name, (crc, size, pieces) in members:
            raw, packed, offset = name.encode("utf-8"), sum(map(len, pieces)), fh.tell()
            # version 2.0, no flags, deflate, 1980-01-01 00:00
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, packed, size, len(raw), 0))
            fh.write(raw)
            for piece in pieces:
                fh.write(piece)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, packed, size,
                                       len(raw), 0, 0, 0, 0, 0, offset) + raw)
        start = fh.tell()
        fh.write(b"".join(central))
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), fh.tell() - start, start, 0))
