"""The search fast path: matches as per-build bitmaps, ranking from cached per-leaf BM25F scores (same as Whoosh's)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

if TYPE_CHECKING:
    from kb.search import SearchIndex

TEXT_FIELDS = {"title", "summary", "content"}
# Postings held by the per-build leaf cache (about 100 bytes each; one cache per worker, shared by its threads):
# 200,000 holds the common words of 10,000 records; bench/README.md gives the worker's memory with it.
LEAF_POSTINGS = 200_000
PHRASE_POSTINGS = 40_000


def _bits(docnums: Any) -> int:
    """A set of docnums as an int bitmap: and/or/count run in C (bit_count)."""
    buf = bytearray()
    for d in docnums:
        i = d >> 3
        if i >= len(buf):
            buf.extend(bytes(i + 1 - len(buf)))
        buf[i] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


_BYTE_BITS = [tuple(k for k in range(8) if b >> k & 1) for b in range(256)]


def docnums(bits: int) -> list[int]:
    """The docnums of a bitmap, ascending."""
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
    _norms: dict[tuple[str, float, float, float], list[float]] = field(default_factory=dict)
    _newest: list[int] | None = None

    @property
    def newest(self) -> list[int]:
        """Each docnum's rank by date, newest first (ties by docnum), computed once per build: a C-speed sort key."""
        if self._newest is None:
            updated = self.updated
            order = sorted(range(len(updated)), key=lambda d: (_desc(updated[d]), d))
            self._newest = [0] * len(updated)
            for rank_, d in enumerate(order):
                self._newest[d] = rank_
        return self._newest

    def norms(self, searcher: Searcher, fieldname: str, k1: float, b: float, avgfl: float) -> list[float]:
        """BM25's length normalisation of each document for a text field, computed once per build."""
        key = (fieldname, k1, b, avgfl)
        if key not in self._norms:
            reader = searcher.reader()
            lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            self._norms[key] = [k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        return self._norms[key]


def _desc(value: str) -> tuple[int, ...]:
    """Sort key putting later ISO dates first."""
    return tuple(-ord(c) for c in value)


def read_columns(searcher: Searcher, fields: list[str]) -> Columns:
    """Facet bitmaps of the given fields, dates, drafts and live documents of an opened build."""
    reader = searcher.reader()
    facets = {
        f: {t: _bits(searcher.docs_for_query(wq.Term(f, t))) for t in list(reader.field_terms(f))} for f in fields
    }
    return Columns(
        facets,
        list(reader.column_reader("updated")),
        _bits(searcher.docs_for_query(wq.Term("draft", True))),
        _bits(searcher.docs_for_query(wq.Every())),
    )


@dataclass
class Leaf:
    """One leaf query's matches: a bitmap and each document's score as Whoosh computes it (boost included)."""

    bits: int
    scores: dict[int, float]


def _leaf(idx: SearchIndex, q: wq.Query) -> Leaf:
    """A leaf's matches and scores, cached per build (bounded by postings held): common words cost once."""
    key = (type(q).__name__, repr(q))
    # Phrases (synonyms like « commande publique ») cost 10× a word to compute: they have their own, count-bounded cache.
    phrase = isinstance(q, wq.Phrase)
    cache = idx.phrases if phrase else idx.leaves
    found: Leaf | None = cache.get(key)
    if found is not None:
        return found
    searcher = idx.searcher
    scores: dict[int, float] = {}
    bm25 = isinstance(searcher.weighting, scoring.BM25F)
    if type(q) is wq.Term and q.fieldname in TEXT_FIELDS and bm25:
        if (q.fieldname, q.text) in searcher.reader():
            _term_scores(idx, q, scores)
    elif isinstance(q, wq.Prefix) and q.fieldname in TEXT_FIELDS and bm25:
        # As Whoosh scores a prefix: one word → that term's score (the boost is dropped); several → the sum, boosted.
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q._btexts(searcher.reader()) if w]
        for word in words:
            part: dict[int, float] = {}
            _term_scores(idx, wq.Term(q.fieldname, word), part)
            for d, v in part.items():
                scores[d] = scores.get(d, 0.0) + v
        if len(words) > 1 and q.boost != 1.0:
            scores = {d: v * q.boost for d, v in scores.items()}
    else:
        m = q.matcher(searcher, searcher.context(weighting=searcher.weighting))
        while m.is_active():
            scores[m.id()] = m.score()
            m.next()
    found = Leaf(_bits(scores), scores)
    # Two threads may compute the same leaf at once: the same data, the second simply replaces the first.
    cache.put(key, found, len(scores), PHRASE_POSTINGS if phrase else LEAF_POSTINGS)
    return found


def _term_scores(idx: SearchIndex, q: wq.Term, scores: dict[int, float]) -> None:
    """BM25F scores of one term, exactly as Whoosh computes them, read block by block with per-build length norms."""
    searcher = idx.searcher
    scorer = searcher.weighting.scorer(searcher, q.fieldname, q.text)
    idf, k1p, boost = scorer.idf, scorer.K1 + 1, q.boost
    norms = idx.columns.norms(searcher, q.fieldname, scorer.K1, scorer.B, scorer.avgfl)
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        if (q.fieldname, q.text) not in reader:
            continue
        m = reader.postings(q.fieldname, q.text)
        deleted = reader.deleted_docs_set if reader.has_deletions() else set()
        m = getattr(m, "child", m) if deleted else m
        if not hasattr(m, "_read_ids"):
            while m.is_active():
                d = m.id()
                if d not in deleted:
                    scores[d + offset] = idf * ((m.weight() * k1p) / (m.weight() + norms[d + offset])) * boost
                m.next()
            continue
        while m.is_active():
            m._read_ids()
            m._read_weights()
            for d, w in zip(m._ids[m._i :], m._weights[m._i :], strict=True):
                if d not in deleted:
                    scores[d + offset] = idf * ((w * k1p) / (w + norms[d + offset])) * boost
            m._next_block()


def match_bits(idx: SearchIndex, q: wq.Query, scoring: list[Leaf]) -> int:
    """Bitmap of the docs matching ``q``; collects the leaves that score (the positive side) into ``scoring``."""
    if isinstance(q, wq.AndNot):
        return match_bits(idx, q.a, scoring) & ~match_bits(idx, q.b, [])
    if isinstance(q, wq.Not):
        return idx.columns.live & ~match_bits(idx, q.query, [])
    if isinstance(q, wq.And):
        bits = idx.columns.live
        for sub in q.subqueries:
            bits &= match_bits(idx, sub, scoring)
        return bits
    if isinstance(q, wq.Or):
        bits = 0
        for sub in q.subqueries:
            bits |= match_bits(idx, sub, scoring)
        return bits
    if isinstance(q, wq.NullQuery.__class__):
        return 0
    leaf = _leaf(idx, q)
    scoring.append(leaf)
    return leaf.bits


def rank(matched: int, scoring: list[Leaf], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best docs: scores summed over matching leaves as Whoosh sums them; ties by docnum."""
    docs = docnums(matched)
    total = dict.fromkeys(docs, 0.0)
    for leaf in scoring:
        if not leaf.bits & matched:
            continue
        if len(leaf.scores) <= len(docs):
            for d, v in leaf.scores.items():
                if d in total:
                    total[d] += v
        else:
            get = leaf.scores.get
            for d in docs:
                total[d] += get(d, 0.0)
    return [(d, total[d]) for d in heapq.nsmallest(limit, docs, key=lambda d: (-total[d], d))]
