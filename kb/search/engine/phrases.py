"""A phrase's matches and scores as Whoosh computes them, from its words' cached leaves and their positions (engine side).

Whoosh runs a phrase (``Phrase``, slop 1) as ``SpanNear2`` over its words' term matchers: a document matches when
the words stand at consecutive positions, in order, and scores the sum of the words' BM25F scores, added as its
binary tree of intersections adds them, times the phrase's boost. Whoosh builds span objects and calls the scorer for
every document that has all the words (12 ms a phrase at 10,000 records, a quarter of a new query's time); here the
candidates are the intersection of the words' cached bitmaps, only their positions are read, and the scores are the
words' cached ones. tests/search/test_fast_paths.py compares every phrase of a demo corpus with Whoosh's matcher.
"""

from __future__ import annotations

from typing import Any, Protocol

from whoosh import query as wq
from whoosh.searching import Searcher

from kb.search.engine.columns import docnums


class WordLeaf(Protocol):
    """A word's leaf (kb.search.engine.ranking.Leaf): its matches, and its score in a matching document."""

    bits: int

    def score(self, docnum: int) -> float:
        """The score of a matching document."""


def phrase_scores(searcher: Searcher, q: wq.Phrase, words: list[WordLeaf]) -> tuple[list[int], list[float]]:
    """(docnums ascending, scores) of a phrase, given the leaves of its words as terms of its field (boost 1)."""
    candidates = -1
    for leaf in words:
        candidates &= leaf.bits
    docs: list[int] = []
    vals: list[float] = []
    if candidates <= 0:
        return docs, vals
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        here = docnums((candidates >> offset) & ((1 << reader.doc_count_all()) - 1))
        if not here or any((q.fieldname, word) not in reader for word in q.words):
            continue
        postings = [reader.postings(q.fieldname, word) for word in q.words]
        for d in here:
            if _consecutive(postings, d):
                # SpanNear2's matcher wraps the intersections (boost 1.0); a boosted phrase wraps that once more.
                score = _sum([leaf.score(d + offset) for leaf in words]) * 1.0
                docs.append(d + offset)
                vals.append(score * q.boost if q.boost != 1.0 else score)
    return docs, vals


def _consecutive(postings: list[Any], docnum: int) -> bool:
    """True when the words stand one after the other somewhere in the document (SpanNear2: ordered, slop 1, mindist 1)."""
    starts: set[int] | None = None
    for i, m in enumerate(postings):
        m.skip_to(docnum)
        at = {p - i for p in m.value_as("positions")}
        starts = at if starts is None else starts & at
        if not starts:
            return False
    return bool(starts)


def _sum(scores: list[float]) -> float:
    """The words' scores added as Whoosh's binary tree of IntersectionMatchers adds them (a + (b + c) for three)."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _sum(scores[:half]) + _sum(scores[half:])
