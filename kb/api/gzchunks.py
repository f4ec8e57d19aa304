"""A gzip copy made of independently compressed chunks, so that the next build compresses only the chunks that changed.

Each chunk is a run of whole records, compressed by a fresh deflate stream ended by a sync flush (byte-aligned, no
reference to earlier data): the chunks' deflate bytes laid end to end, closed by an empty final block, are one valid
deflate stream, wrapped in one gzip member. Deflate looks back only 32 KiB, so chunks of ~100 KiB and more cost
almost nothing in size. Chunk boundaries follow the records (a hash of the record's key), not byte counts, so a record
added or removed moves no other boundary, and an unchanged chunk's bytes are copied from the previous gzip file.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

# zlib's default level: kb.json to a sixth of its size.
LEVEL = 6
# gzip's header (RFC 1952): deflate, no name, time 0 (the same bytes for the same content), « unknown » system.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# An empty final block (fixed Huffman codes): what closes the stream after the last chunk's sync flush.
FINAL_BLOCK = b"\x03\x00"
# zlib releases the GIL while compressing: both cores share a full build's chunks.
THREADS = 2


def digest(raw: bytes) -> str:
    """The key of a chunk's raw bytes."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def deflate(raw: bytes) -> bytes:
    """A chunk's deflate bytes: a fresh raw stream, sync-flushed so that the next chunk may follow it."""
    comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return comp.compress(raw) + comp.flush(zlib.Z_SYNC_FLUSH)


@dataclass(frozen=True)
class Chunk:
    """Where a chunk's deflate bytes sit in a gzip file, and the key of its raw bytes."""

    key: str
    start: int
    end: int


def write(out: BinaryIO, chunks: Sequence[bytes], previous: dict[str, bytes] | None = None) -> list[Chunk]:
    """Write the gzip copy of the chunks laid end to end; ``previous``: deflate bytes of known chunks, by key, reused."""
    keys = [digest(raw) for raw in chunks]
    known = previous or {}
    todo = [i for i, key in enumerate(keys) if key not in known]
    with ThreadPoolExecutor(THREADS) as pool:
        made = dict(zip(todo, pool.map(deflate, [chunks[i] for i in todo]), strict=True))
    out.write(HEADER)
    at, placed, crc, size = len(HEADER), [], 0, 0
    for i, (raw, key) in enumerate(zip(chunks, keys, strict=True)):
        data = made[i] if i in made else known[key]
        out.write(data)
        placed.append(Chunk(key, at, at + len(data)))
        at += len(data)
        crc, size = zlib.crc32(raw, crc), size + len(raw)
    out.write(FINAL_BLOCK + struct.pack("<II", crc, size & 0xFFFFFFFF))
    return placed


def reusable(gz: bytes, chunks: Iterable[Chunk]) -> dict[str, bytes]:
    """The deflate bytes of a previous gzip file's chunks, by key."""
    return {c.key: gz[c.start:c.end] for c in chunks if 0 < c.start <= c.end <= len(gz)}
