"""The few best documents of a query of many weighted words, without scoring every document that has one of them.

« More like this » ranks the records sharing any of a record's twelve key words: at 10,000 demo records most records
share a common one, and summing every document's score in Python (kb.search.engine.ranking.rank) was 18 of the 30 ms
of an uncached proposal page (bench/pages.py --profile proposal). Here, as in the MaxScore method, a document that only
common words match cannot reach the k-th best score found so far, and is never scored: only the documents of the
words whose maximum contributions could lift them above it are. The documents kept are scored by ``rank``'s own
sums (``totals``: the same additions in the same order, so the same floats), hence the same result, tested equal.
"""

from __future__ import annotations

from kb.search.engine.ranking import Scored, best, rank, totals

# A bound compared with a score summed in another order: a margin far above the float error of twelve additions.
MARGIN = 1e-9


def _max(leaf_scored: Scored) -> float:
    leaf, weight = leaf_scored
    return leaf.top * weight


def top(matched: int, scoring: list[Scored], limit: int) -> list[tuple[int, float]]:
    """``rank(matched, scoring, limit)``: the ``limit`` best (docnum, score), ties by docnum, pruning what cannot win."""
    live = [s for s in scoring if s[0].bits & matched]
    if limit <= 0 or not live:
        return rank(matched, live, limit)
    bounds = [_max(s) for s in live]
    order = sorted(range(len(live)), key=lambda i: bounds[i], reverse=True)
    # A first k-th best score, from the documents of the words that weigh most (real scores: a lower bound of the end's).
    seen = 0
    for i in order:
        seen |= live[i][0].bits & matched
        if seen.bit_count() >= limit:
            break
    scored = totals(seen, live)
    if len(scored) < limit:
        return rank(matched, live, limit)
    threshold = best(scored, limit)[-1][1]
    # The words whose maxima together stay under the threshold: a document matching only those cannot enter the top.
    weak, room = 0, 0.0
    for i in reversed(order):
        room += bounds[i]
        if room * (1 + MARGIN) >= threshold:
            break
        weak |= 1 << i
    strong = 0
    for i, s in enumerate(live):
        if not weak >> i & 1:
            strong |= s[0].bits
    scored.update(totals(strong & matched & ~seen, live))
    return best(scored, limit)
