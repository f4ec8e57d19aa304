"""Per-build columns read once from a Whoosh index: facet bitmaps, dates, drafts, BM25 length norms (engine side)."""

from __future__ import annotations

from array import array
from collections import deque
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

# Past this many docnums, bitmaps are made and read a byte per document, in C (map, str.translate, int(…, 2),
# itertools.compress): 3x faster for 5,000 docnums of 10,000 documents, slower for a few dozen.
MANY = 256
_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


def bits(docnums: Any) -> int:
    """A set of docnums as an int bitmap: and/or/count run in C (bit_count)."""
    if not isinstance(docnums, list | tuple | array) or len(docnums) < MANY:
        buf = bytearray()
        for d in docnums:
            i = d >> 3
            if i >= len(buf):
                buf.extend(bytes(i + 1 - len(buf)))
            buf[i] |= 1 << (d & 7)
        return int.from_bytes(buf, "little")
    flags = bytearray(max(docnums) + 1)
    deque(map(flags.__setitem__, docnums, repeat(1)), maxlen=0)
    return int(flags.translate(_TO_DIGITS)[::-1], 2)


_BYTE_BITS = [tuple(k for k in range(8) if b >> k & 1) for b in range(256)]


def docnums(bits: int) -> list[int]:
    """The docnums of a bitmap, ascending."""
    if bits.bit_count() >= MANY:
        flags = format(bits, "b").encode()[::-1].translate(_TO_FLAGS)
        return list(compress(range(len(flags)), flags))
    out: list[int] = []
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = i * 8
            out.extend(base + k for k in _BYTE_BITS[byte])
    return out


@dataclass
class Columns:
    """Per-build facet bitmaps and dates, read once: facet counts are then popcounts, not per-hit loops."""

    facets: dict[str, dict[str, int]]
    updated: list[str]
    drafts: int
    live: int
    ids: list[str] = field(default_factory=list)
    _norms: dict[tuple[str, float, float, float], list[float]] = field(default_factory=dict)
    _newest: list[int] | None = None

    @property
    def newest(self) -> list[int]:
        """Each docnum's rank by date, newest first, undated last, ties by id (the database lists' order, kb.store.queries),
        computed once per build: a C-speed sort key."""
        if self._newest is None:
            updated, ids = self.updated, self.ids or [""] * len(self.updated)
            order = sorted(range(len(updated)), key=lambda d: date_order(updated[d], ids[d], d))
            self._newest = [0] * len(updated)
            for rank_, d in enumerate(order):
                self._newest[d] = rank_
        return self._newest

    def norms(self, searcher: Searcher, fieldname: str, k1: float, b: float, avgfl: float) -> list[float]:
        """BM25's length normalisation of each document for a text field, computed once per build."""
        key = (fieldname, k1, b, avgfl)
        if key not in self._norms:
            reader = searcher.reader()
            # Whoosh answers None for a document with nothing in the field (no term of it can match that document).
            lengths = [reader.doc_field_length(d, fieldname, 1) or 0 for d in range(reader.doc_count_all())]
            self._norms[key] = [k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        return self._norms[key]


def date_order(value: str, record_id: str, docnum: int) -> tuple[bool, tuple[int, ...], str, int]:
    """Sort key putting later ISO dates first and records without a date (documents, axes…) last, ties by id (then docnum)."""
    return (not value, tuple(-ord(c) for c in value), record_id, docnum)


def read_columns(searcher: Searcher, fields: list[str]) -> Columns:
    """Facet bitmaps of the given fields, dates, drafts and live documents of an opened build."""
    reader = searcher.reader()
    facets = {
        f: {t: bits(searcher.docs_for_query(wq.Term(f, t))) for t in list(reader.field_terms(f))} for f in fields
    }
    return Columns(
        facets,
        list(reader.column_reader("updated")),
        bits(searcher.docs_for_query(wq.Term("draft", True))),
        bits(searcher.docs_for_query(wq.Every())),
        list(reader.column_reader("id")) if reader.has_column("id") else [],
    )
