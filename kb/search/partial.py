"""Partial matches: when fewer records than a page hold every word of a query, those that hold most of them follow.

A query's units (a word with its synonyms, a phrase, a prefix: kb.search.analysis.Parsed) are counted per record
with bitmaps (a bit-sliced counter: a few big-integer operations per unit, whatever the number of records); the
records holding the most units come first, ranked among themselves by the same scores as every result (BM25F of
the words they hold, plus the bonuses). Only a query whose full matches do not fill a page pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh import query as wq

from kb.search.engine import Scored, Scoring, match_bits, rank


def counts(unit_bits: Sequence[int]) -> list[int]:
    """How many of the units each doc holds, as bit planes: plane k holds the docs whose count has bit k set."""
    planes: list[int] = []
    for bits in unit_bits:
        carry = bits
        for k, plane in enumerate(planes):
            planes[k], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    return planes


def holding(planes: Sequence[int], among: int, n: int) -> int:
    """The docs of ``among`` that hold exactly ``n`` units."""
    out = among
    for k, plane in enumerate(planes):
        out &= plane if n >> k & 1 else ~plane
    return out if n < 1 << len(planes) else 0


class Partial:
    """The partial matches of a parsed query: the docs (of ``among``) holding some of its units (``bits``), ranked on
    demand: those holding the most units first, then by score. (Keeping only those with half the units or more left
    pages short and lost answers: nDCG@5 0.867 against 0.876 on the judged queries.)"""

    def __init__(self, idx: Scoring, relaxed: wq.Query, units: Sequence[wq.Query], among: int) -> None:
        self.scoring: list[Scored] = []
        self.bits = match_bits(idx, relaxed, self.scoring) & among
        self._planes = counts([match_bits(idx, u, []) for u in units]) if self.bits else []
        self._most = len(units) - 1

    def ranked(self, among: int, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best partial matches within ``among``: those holding the most units first, then by score."""
        out: list[tuple[int, float]] = []
        docs = self.bits & among
        for n in range(self._most, 0, -1):
            if len(out) >= limit or not docs:
                break
            level = holding(self._planes, docs, n)
            if level:
                out += rank(level, self.scoring, limit - len(out))
                docs &= ~level
        return out
