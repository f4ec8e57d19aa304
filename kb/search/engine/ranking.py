"""Matching and ranking from cached per-leaf BM25F scores, computed exactly as Whoosh computes them (engine side).

A query is split into its leaves (terms, prefixes, phrases); each leaf's matching documents and scores are read
once per build, straight from the postings' blocks, and kept; a search is then bitmap arithmetic over leaves and
a sum of cached scores for the page shown. The scores are BM25F's, term by term, as whoosh-reloaded 2.7.5 sums
them: tests/search/test_fast_paths.py compares every result with Whoosh's own search.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from kb.search.engine.columns import Columns, bits, docnums
from kb.search.engine.phrases import phrase_scores

TEXT_FIELDS = {"title", "summary", "content", "quotes"}
# Bytes held by the per-build leaf cache (one per worker, shared by its threads). Leaves are arrays (Leaf): the 909
# leaves of the bench's 200 queries at 10,000 records (968,000 postings) hold ~21 MB, where they held 87 MB as dicts
# of Python ints and floats; the former bound of 400,000 dict postings (~36 MB) evicted leaves within one pass of
# the 200 queries, so a worker computed the same leaves again and again (bench/README.md).
LEAF_BYTES = 32_000_000
PHRASE_BYTES = 4_000_000
# Bounded cost: a prefix (« ind* ») expands to the most frequent of the first PREFIX_SCAN matching words, at most
# MAX_PREFIX_TERMS of them.
MAX_PREFIX_TERMS = 50
PREFIX_SCAN = 2000


class Cache(Protocol):
    """A bounded map shared by a worker's threads (kb.search.index.SharedCache)."""

    def get(self, key: Any) -> Any:
        """The value under key, or None."""

    def put(self, key: Any, value: Any) -> None:
        """Keep a value."""


class Scoring(Protocol):
    """What matching and ranking read: this thread's searcher, the build's columns and leaf caches."""

    @property
    def searcher(self) -> Searcher:
        """This thread's searcher."""

    @property
    def columns(self) -> Columns:
        """The build's columns."""

    @property
    def leaves(self) -> Cache:
        """Per-leaf matches and scores of words and prefixes."""

    @property
    def phrases(self) -> Cache:
        """Per-leaf matches and scores of phrases."""


class CappedPrefix(wq.Prefix):
    """A prefix query that expands to at most MAX_PREFIX_TERMS indexed words, the most frequent first."""

    def _btexts(self, ixreader: Any) -> Iterable[Any]:
        found = itertools.islice(ixreader.iter_prefix(self.fieldname, self.text), PREFIX_SCAN)
        ranked = sorted(found, key=lambda item: (-item[1].doc_frequency(), item[0]))
        return sorted(text for text, _info in ranked[:MAX_PREFIX_TERMS])


@dataclass
class Leaf:
    """One leaf query's matches: a bitmap and each document's score as Whoosh computes it (a word's boost is applied
    when ranking; a prefix's or a phrase's is in its scores).

    Scores are C arrays, not dicts of Python objects (12 bytes a posting, not ~90): ``docs`` ascending and ``vals``
    beside them; or, for a leaf matching at least one document in DENSE, ``docs`` is None and ``vals`` has a score
    (0.0 where it does not match) for every docnum, read in one step.
    """

    bits: int
    docs: array[int] | None
    vals: array[float]
    _top: float | None = field(default=None, repr=False, compare=False)

    @property
    def top(self) -> float:
        """The highest score (0.0 for no match), found once: « more like this » bounds each word by it on every page,
        and a dense leaf holds a score for each of the build's documents."""
        if self._top is None:
            self._top = max(self.vals, default=0.0)  # two threads may both find it: the same float
        return self._top

    @classmethod
    def of(cls, scores: dict[int, float], doc_count: int) -> Leaf:
        """A leaf from docnum → score."""
        ordered = sorted(scores.items())
        return cls.ascending([d for d, _ in ordered], [v for _, v in ordered], doc_count)

    @classmethod
    def ascending(cls, docs: list[int], vals: list[float], doc_count: int) -> Leaf:
        """A leaf from docnums in ascending order and their scores."""
        if len(docs) * DENSE >= doc_count:
            dense = array("d", bytes(8 * doc_count))
            for d, v in zip(docs, vals, strict=True):
                dense[d] = v
            return cls(bits(docs), None, dense)
        return cls(bits(docs), array("i", docs), array("d", vals))

    def score(self, docnum: int) -> float:
        """The score of a matching document."""
        if self.docs is None:
            return self.vals[docnum]
        return self.vals[bisect_left(self.docs, docnum)]

    @property
    def size(self) -> int:
        """Bytes held (the cache's weight)."""
        return self.vals.itemsize * len(self.vals) + (self.docs.itemsize * len(self.docs) if self.docs is not None else 0)

    def scores(self) -> dict[int, float]:
        """Docnum → score of the matching documents."""
        if self.docs is None:
            return {d: self.vals[d] for d in docnums(self.bits)}
        return dict(zip(self.docs, self.vals, strict=True))


# A leaf matching one document in 8 or more is dense: 8 bytes a document beat 12 a posting only above 1 in 1.5, but a
# dense leaf is read by docnum, where a sparse one is searched (bisect), and few leaves are that large.
DENSE = 8


def _leaf(idx: Scoring, q: wq.Query) -> tuple[Leaf, float]:
    """A leaf's matches and scores, cached per build (bounded by bytes held), and the weight its scores take here.

    A word's scores are kept without its boost, which is applied when ranking (the same multiplication Whoosh does,
    so the same floats): « more like this » weighs each key word of a record differently, and shares its leaves with
    searches and with other records' pages.
    """
    if type(q) is wq.Term and q.boost != 1.0:
        return _leaf(idx, wq.Term(q.fieldname, q.text))[0], q.boost
    return _cached_leaf(idx, q), 1.0


def _cached_leaf(idx: Scoring, q: wq.Query) -> Leaf:
    # Whoosh's repr of a ConstantScoreQuery leaves its score out: two of them on one term (a steering name's match and
    # its bonus) must not share a cache entry.
    key = (type(q).__name__, repr(q), getattr(q, "score", None))
    # Phrases (synonyms like « commande publique ») cost 10× a word to compute: they have their own, count-bounded cache.
    phrase = isinstance(q, wq.Phrase)
    cache = idx.phrases if phrase else idx.leaves
    found: Leaf | None = cache.get(key)
    if found is not None:
        return found
    searcher = idx.searcher
    bm25 = isinstance(searcher.weighting, scoring.BM25F)
    text = q.fieldname in TEXT_FIELDS and bm25 if hasattr(q, "fieldname") else False
    if type(q) is wq.Term and text:
        docs, vals = _term_scores(idx, q) if (q.fieldname, q.text) in searcher.reader() else ([], [])
        found = Leaf.ascending(docs, vals, searcher.doc_count_all())
    elif type(q) is wq.Phrase and text and q.slop == 1 and q.words and searcher.schema[q.fieldname].format.supports("positions"):
        docs, vals = phrase_scores(searcher, q, [_leaf(idx, wq.Term(q.fieldname, word))[0] for word in q.words])
        found = Leaf.ascending(docs, vals, searcher.doc_count_all())
    else:
        scores: dict[int, float] = {}
        if isinstance(q, wq.Prefix) and text:
            # As Whoosh scores a prefix: one word → that term's score (the boost is dropped); several → the sum, boosted.
            words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q._btexts(searcher.reader()) if w]
            for word in words:
                for d, v in zip(*_term_scores(idx, wq.Term(q.fieldname, word)), strict=True):
                    scores[d] = scores.get(d, 0.0) + v
            if len(words) > 1 and q.boost != 1.0:
                scores = {d: v * q.boost for d, v in scores.items()}
        else:
            m = q.matcher(searcher, searcher.context(weighting=searcher.weighting))
            while m.is_active():
                scores[m.id()] = m.score()
                m.next()
        found = Leaf.of(scores, searcher.doc_count_all())
    # Two threads may compute the same leaf at once: the same data, the second simply replaces the first.
    cache.put(key, found)
    return found


def _term_scores(idx: Scoring, q: wq.Term) -> tuple[list[int], list[float]]:
    """BM25F scores of one term, exactly as Whoosh computes them, read block by block with per-build length norms:
    (docnums ascending, scores)."""
    searcher = idx.searcher
    scorer = searcher.weighting.scorer(searcher, q.fieldname, q.text)
    idf, k1p, boost = scorer.idf, scorer.K1 + 1, q.boost
    norms = idx.columns.norms(searcher, q.fieldname, scorer.K1, scorer.B, scorer.avgfl)
    docs: list[int] = []
    vals: list[float] = []
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
                    docs.append(d + offset)
                    vals.append(idf * ((m.weight() * k1p) / (m.weight() + norms[d + offset])) * boost)
                m.next()
            continue
        while m.is_active():
            m._read_ids()
            m._read_weights()
            block = [(d + offset, w) for d, w in zip(m._ids[m._i :], m._weights[m._i :], strict=True) if d not in deleted]
            # One comprehension a block, not a dict insertion a posting (the same arithmetic, in the same order).
            docs += [d for d, _w in block]
            vals += [idf * ((w * k1p) / (w + norms[d])) * boost for d, w in block]
            m._next_block()
    return docs, vals


# A leaf that scores, and the weight of its scores (a word's boost).
Scored = tuple[Leaf, float]


def match_bits(idx: Scoring, q: wq.Query, scoring: list[Scored]) -> int:
    """Bitmap of the docs matching ``q``; collects the leaves that score (the positive side) into ``scoring``."""
    if isinstance(q, wq.AndNot):
        return match_bits(idx, q.a, scoring) & ~match_bits(idx, q.b, [])
    if isinstance(q, wq.AndMaybe):
        # What a matches; b only adds its score where it matches too (as Whoosh's AndMaybeMatcher sums them).
        bits = match_bits(idx, q.a, scoring)
        match_bits(idx, q.b, scoring)
        return bits
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
    scored = _leaf(idx, q)
    scoring.append(scored)
    return scored[0].bits


def rank(matched: int, scoring: list[Scored], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best docs: scores summed over matching leaves as Whoosh sums them; ties by docnum."""
    return best(totals(matched, scoring), limit)


def totals(matched: int, scoring: list[Scored]) -> dict[int, float]:
    """Each matched doc's score, summed over the matching leaves in order as Whoosh sums them."""
    docs = docnums(matched)
    total = dict.fromkeys(docs, 0.0)
    for leaf, weight in scoring:
        if not leaf.bits & matched:
            continue
        # score * weight as Whoosh multiplies a boosted word's score (and x * 1.0 is x, bit for bit).
        vals, leaf_docs = leaf.vals, leaf.docs
        if leaf_docs is None:
            # Adding 0.0 where the leaf does not match leaves a (positive) sum exactly as it was.
            for d in docs:
                total[d] += vals[d] * weight
        elif len(leaf_docs) <= len(docs):
            for d, v in zip(leaf_docs, vals, strict=True):
                if d in total:
                    total[d] += v * weight
        else:
            n = len(leaf_docs)
            for d in docs:
                i = bisect_left(leaf_docs, d)
                if i < n and leaf_docs[i] == d:
                    total[d] += vals[i] * weight
    return total


def best(total: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` (docnum, score) of highest score, ties by docnum: the ``limit``-th score found among the floats
    in C, then only the docs at or above it sorted (a key function per doc was half of ranking thousands of docs)."""
    if limit <= 0:
        return []
    if len(total) > limit:
        threshold = heapq.nlargest(limit, total.values())[-1]
        total = {d: v for d, v in total.items() if v >= threshold}
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
