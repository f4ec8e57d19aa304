"""« Vouliez-vous dire … ? »: corrections of the words a query uses that no visible record holds.

A word is corrected only when it is absent from the records the query could show (drafts and filtered-out records
do not count), into the nearest word of the records' own text (the build's spelling vocabulary: never a draft's words,
an address, a site name or a number; kb.search.indexing.spell_words) or of the synonyms file (« usinne » → « usine »,
which finds « site de production »), within the distance its length allows, and the corrected query is offered only
when it finds something. Proper nouns of the content are never corrected: they are not absent; a word near nothing
gets no suggestion rather than a far one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from whoosh.support.levenshtein import damerau_levenshtein

from kb.search.analysis import build_query, exact_query, folded_words, stems
from kb.search.engine import Scoring, match_bits
from kb.search.steering import Table as SteeringTable

# Bounded cost: the corrector runs for the first MAX_CORRECTIONS unknown words of a query only.
MAX_CORRECTIONS = 3
# Shorter words are not corrected: too many real words lie one letter away.
MIN_LETTERS = 4
# A correction's stem may end this many letters off the typed word's (« relocalsation » → the stem of « relocaliser »).
STEM_WINDOW = 4


@dataclass
class Vocabulary:
    """A build's spelling words (folded) with their counts, by first letter; stems computed once per word."""

    by_letter: dict[str, list[tuple[str, int]]]
    accents: dict[str, str]
    _stems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, forms: dict[str, dict[str, int]], accents: dict[str, str]) -> Vocabulary:
        """The vocabulary of folded words, from their written forms and counts."""
        by_letter: dict[str, list[tuple[str, int]]] = {}
        for word, written in forms.items():
            by_letter.setdefault(word[:1], []).append((word, sum(written.values())))
        return cls(by_letter, accents)

    def stem(self, word: str) -> str:
        """The index term of a vocabulary word (its first, for a word analysis splits)."""
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = next(iter(stems(word)), "")
        return found

    def written(self, folded: str) -> str:
        """A folded word as the content writes it most often (with its accents)."""
        return self.accents.get(folded, folded)


class Index(Scoring, Protocol):
    """What suggestions read of an opened build (kb.search.index.SearchIndex)."""

    synonyms: list[list[str]]

    @property
    def steering(self) -> SteeringTable:
        """The words that steer a query."""

    @property
    def vocabulary(self) -> set[str]:
        """Words of the synonyms file and their index terms."""

    @property
    def spellings(self) -> Vocabulary:
        """The build's spelling vocabulary."""


def max_distance(word: str) -> int:
    """Edit distance allowed for a word of this length: none under MIN_LETTERS, 1 up to 7 letters, 2 from 8."""
    return 0 if len(word) < MIN_LETTERS else 1 if len(word) < 8 else 2


def correction(vocabulary: Vocabulary, folded: str) -> str | None:
    """The closest vocabulary word to a folded word, or None: same first letter (typos rarely touch it), within the
    distance its length allows, nearest first, then the most frequent; else a word built on a close stem."""
    limit = max_distance(folded)
    if not limit:
        return None
    best: tuple[int, int, str] | None = None
    candidates = vocabulary.by_letter.get(folded[0], [])
    for word, count in candidates:
        if abs(len(word) - len(folded)) > limit or word == folded:
            continue
        d = damerau_levenshtein(folded, word, limit)
        # Four letters: only a missing or extra letter (« medf » → medef); a changed one makes another word (prix, pris).
        if d <= limit and (len(folded) > MIN_LETTERS or len(word) != len(folded)):
            key = (d, -count, word)
            best = key if best is None or key < best else best
    if best is not None:
        return vocabulary.written(best[2])
    return _by_stem(vocabulary, folded, candidates)


def _by_stem(vocabulary: Vocabulary, folded: str, candidates: list[tuple[str, int]]) -> str | None:
    """A correction of the typed word's stem into a close stem of the vocabulary, the typed ending kept.

    « relocalsation » (stem relocals) meets « relocaliser » (stem relocalis): « relocalisation » is offered, and
    only because it analyses to that very stem.
    """
    typed = next(iter(stems(folded)), "")
    if len(typed) < 5 or not folded.startswith(typed):
        return None
    best: tuple[int, str] | None = None
    for word, count in candidates:
        if abs(len(word) - len(folded)) > STEM_WINDOW:
            continue
        stem = vocabulary.stem(word)
        if len(stem) < 5 or abs(len(stem) - len(typed)) > 1 or damerau_levenshtein(typed, stem, 1) != 1:
            continue
        fixed = stem + folded[len(typed):]
        if stems(fixed) == (stem,) and (best is None or (-count, fixed) < best):
            best = (-count, fixed)
    return vocabulary.written(best[1]) if best else None


def suggest(idx: Index, text: str, visible: int) -> str | None:
    """The query with its absent words corrected, when the corrected query finds something among ``visible`` docs.

    Operators (mot*, "…", -exclusions), words with digits or of more than 30 characters, and words of the synonyms
    file are left as typed.
    """
    out: list[str] = []
    fixes: list[str] = []
    tried = 0
    for word in text.split():
        if tried >= MAX_CORRECTIONS or not _plain(word):
            out.append(word)
            continue
        folded = folded_words(word)
        if len(folded) != 1 or len(folded[0]) < MIN_LETTERS or _known(idx, word, folded[0]) or _present(idx, word, visible):
            out.append(word)
            continue
        tried += 1
        fixed = correction(idx.spellings, folded[0])
        fixes += [fixed] if fixed else []
        out.append(fixed or word)
    if not fixes:
        return None
    corrected = " ".join(out)
    # Only when the corrected query finds something in full: a corrected word that merely finds something alone turns
    # real words into others (« construire de nouvelles centrales » → « construite … »).
    return corrected if _finds(idx, corrected, visible) else None


def _known(idx: Index, word: str, folded: str) -> bool:
    """True for a word of the synonyms file, in any of its forms (« usines » is « usine »): found through its group."""
    return folded in idx.vocabulary or any(s in idx.vocabulary for s in stems(word))


def _plain(word: str) -> bool:
    """A word as typed, not an operator or a number: letters, with inner hyphens or apostrophes."""
    return len(word) <= 30 and not word.startswith("-") and word.replace("-", "").replace("'", "").replace("’", "").isalpha()


def _present(idx: Index, word: str, visible: int) -> bool:
    """True when a visible record holds the word itself (any of its forms: its index term); a stop word counts as present.

    A word found only through a longer or shorter stem (« réindustrialiation » meets « réindustrialisation » by
    prefix) is absent: its results show, and so does the correction.
    """
    query = exact_query(word)
    return query is None or bool(match_bits(idx, query, []) & visible)


def _finds(idx: Index, text: str, visible: int) -> bool:
    """True when a query finds a visible record (bitmaps of the build's cached leaves)."""
    query = build_query(text, idx.synonyms, steering_table=idx.steering)
    return query is not None and bool(match_bits(idx, query.normalize(), []) & visible)
