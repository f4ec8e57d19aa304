"""Matching and ranking from cached per-leaf BM25F scores, computed exactly as Whoosh computes them (engine side).

A query is split into its leaves (terms, prefixes, phrases); each leaf's matching documents and scores are read
once per build, straight from the postings' blocks, and kept; a search is then bitmap arithmetic over leaves and
a sum of cached scores for the page shown. The scores are BM25F's, term by term, as whoosh-reloaded 2.7.5 sums
them: tests/search/test_fast_paths.py compares every result with Whoosh's own search.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from kb.search.engine.columns import Columns, bits, docnums

TEXT_FIELDS = {"title", "summary", "content", "quotes"}
# Postings held by the per-build leaf cache (about 100 bytes each; one cache per worker, shared by its threads):
# 400,000 holds the common words of 10,000 records now that every kind of record and the sources' quotes are indexed
# (four text fields a word): at 200,000, leaves were evicted within one pass of the bench's 200 queries and search p50
# was 1.15-1.27x FTS5's; at 400,000, 0.82-0.90x, worker peak RSS 209 MB (bench/README.md).
LEAF_POSTINGS = 400_000
PHRASE_POSTINGS = 40_000
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
    """One leaf query's matches: a bitmap and each document's score as Whoosh computes it (boost included)."""

    bits: int
    scores: dict[int, float]


def _leaf(idx: Scoring, q: wq.Query) -> Leaf:
    """A leaf's matches and scores, cached per build (bounded by postings held): common words cost once."""
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
    found = Leaf(bits(scores), scores)
    # Two threads may compute the same leaf at once: the same data, the second simply replaces the first.
    cache.put(key, found)
    return found


def _term_scores(idx: Scoring, q: wq.Term, scores: dict[int, float]) -> None:
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


def match_bits(idx: Scoring, q: wq.Query, scoring: list[Leaf]) -> int:
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
