"""Words that steer a query instead of being required: « les propositions du Sénat », « rapport sur le foncier ».

A steering word (or run of words) names what the reader wants rather than a word the answer must contain: « les
propositions du Medef » asks for proposals, and the Medef's proposals do not say « propositions ». Such words are
taken out of the words every result must hold; they still score where a record has them, and the records they point
at (a field's value: ``type=proposal``) get a bonus. The table is built from the kind registry (each kind's
``words``, kb.content.kinds) and may be extended per build from the content (kb-meta.json « steering »: an
organisation's names → its records) without changing the query code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kb.content import kinds

# A query that names a kind of record (« les propositions du Medef », « actions de la CPME Normandie ») asks for
# records of that kind: they get this much more (scores run from about 1 to 50), enough to pass an axis or a region
# that matches the other words as well, not a clearly better match (the Medef's own document stays first). Measured
# on the judged queries of issue 14: nDCG@5 0.911 without, 0.912 at 5, 0.913 at 10, 0.909 at 15.
KIND_BONUS = 5.0
# A query that names an organisation (« que propose la CPME sur le foncier », « Sénat foncier ») asks for its records,
# which need not write its name (the Sénat's proposals do not say « Sénat »): the records filed under it (its
# members' included: kb.builder.rows.Lineage) get this much more, enough to pass another organisation's record that
# matches the other words as well. The names are the content's (kb.search.indexing.steering), never written here.
# Measured on the 210 judged queries: nDCG@5 0.881 at 15, 0.880 at 25 and at 40 (organisation-tagged 0.785 / 0.783).
NAME_BONUS = 15.0


@dataclass(frozen=True)
class Steer:
    """Where a steering word points: records whose ``field`` holds ``value`` get ``bonus`` added to their score."""

    field: str
    value: str
    bonus: float


# Folded words (one or several, in order) → where they point.
Table = Mapping[tuple[str, ...], tuple[Steer, ...]]


@lru_cache(maxsize=1)
def kind_table() -> dict[tuple[str, ...], tuple[Steer, ...]]:
    """The words that name each kind of record (the registry's ``words``) → that kind."""
    table: dict[tuple[str, ...], tuple[Steer, ...]] = {}
    for kind in kinds.every():
        for word in kind.words:
            key = tuple(word.split())
            table[key] = (*table.get(key, ()), Steer("type", str(kind), KIND_BONUS))
    return table


def merged(extra: Iterable[Sequence[Any]]) -> dict[tuple[str, ...], tuple[Steer, ...]]:
    """The kinds' table with a build's own entries: ``[words, field, value]`` or ``[words, field, value, bonus]`` each
    (kb-meta.json; the words folded, space-separated; KIND_BONUS when no bonus is given)."""
    table = dict(kind_table())
    for words, field, value, *bonus in extra:
        key = tuple(str(words).split())
        steer = Steer(str(field), str(value), float(bonus[0]) if bonus else KIND_BONUS)
        if key and steer not in table.get(key, ()):
            table[key] = (*table.get(key, ()), steer)
    return table


def find(words: Sequence[str], table: Table) -> list[tuple[int, int, tuple[Steer, ...]]]:
    """The steering runs in a sequence of folded words: (start, end, where they point), longest run first, no overlap."""
    out: list[tuple[int, int, tuple[Steer, ...]]] = []
    longest = max((len(k) for k in table), default=0)
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            found = table.get(tuple(words[i : i + size]))
            if found:
                out.append((i, i + size, found))
                i += size
                break
        else:
            i += 1
    return out
