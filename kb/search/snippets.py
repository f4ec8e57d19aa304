"""Highlighted snippets without re-running Whoosh's analyzer chain: one regex pass and a per-word stem cache."""

from __future__ import annotations

import html
import re

from kb.search.analysis import WORD, stems

# The analyzers' tokenizer pattern, so a token here is a token there.
TOKEN = re.compile(WORD)
# Between a record's own text and its sources' quotes in the stored snippet text (no word character: never matched).
QUOTES = "\x1f"
_STEMS: dict[str, tuple[str, ...]] = {}
# The same cache the other way round: each stem → the words seen that give it, and the words in the order they were
# first stemmed (a matcher made earlier judges only those it has not seen). Only ever added to.
_WORDS: dict[str, set[str]] = {}
_ORDER: list[str] = []
# Stems by their first HEAD letters: the stems a prefix of HEAD letters or more starts are found in one small set.
HEAD = 3
_HEADS: dict[str, set[str]] = {}
# Hashes of the texts whose every word has been stemmed (the stored texts of the records listed): tokenizing a text
# and making the set of its words was ~25 µs of a snippet's ~50 (1,000 characters, bench/README.md). Bounded; two
# texts of one hash (64 bits) would at worst leave a word of one unmarked.
TOKENIZED = 200_000
_TOKENIZED: set[int] = set()


def word_stems(word: str) -> tuple[str, ...]:
    """Index terms of one token, cached for the process (the vocabulary of indexed texts is bounded)."""
    found = _STEMS.get(word)
    if found is None:
        found = stems(word)
        for stem in found:
            _WORDS.setdefault(stem, set()).add(word)
            _HEADS.setdefault(stem[:HEAD], set()).add(stem)
        _STEMS[word] = found
        _ORDER.append(word)
    return found


class Matcher:
    """A predicate on a token: one of its terms is a query term, or starts with a query prefix; words seen are kept."""

    def __init__(self, exact: set[str], prefixes: set[str]) -> None:
        self.exact, self.prefixes = exact, tuple(prefixes)
        self.positive: set[str] = set()
        self.negative: set[str] = set()
        self._judged = -1  # how many words of _ORDER ``positive`` accounts for (-1: none yet)
        self._pattern: tuple[int, re.Pattern[str]] | None = None  # (size of ``positive`` it was made for, pattern)

    def __call__(self, word: str) -> bool:
        """True when ``word`` (one token) matches."""
        if word in self.positive:
            return True
        if word in self.negative:
            return False
        pre = self.prefixes
        found = any(s in self.exact or (pre and s.startswith(pre)) for s in word_stems(word))
        (self.positive if found else self.negative).add(word)
        return found

    def among(self, words: set[str]) -> set[str]:
        """The matching words of a set, by set operations in C.

        The words that match are those the cache lists under a query term, or under a stem a query prefix starts (a
        prefix joins every word of five letters or more: kb.search.analysis): a results page judged ~180 words one
        call each (a third of its highlighting; bench/README.md), where this reads the query's terms once and judges
        only the words stemmed since. A prefix shorter than HEAD judges the words not seen yet one by one.
        """
        if not self.indexed:
            for word in words - self.positive - self.negative:
                self(word)
            return words & self.positive
        for word in words - _STEMS.keys():
            word_stems(word)
        self._update()
        return words & self.positive

    @property
    def indexed(self) -> bool:
        """True when the words that match can be read from the stem cache (no prefix shorter than HEAD)."""
        return all(len(p) >= HEAD for p in self.prefixes)

    def _update(self) -> None:
        """``positive``: every word stemmed so far that matches."""
        # Counted before reading the terms' words: a word another thread adds meanwhile is judged at the next call.
        seen = len(_ORDER)
        if self._judged < 0:
            for term in self.exact:
                self.positive |= _WORDS.get(term, set())
            for prefix in self.prefixes:
                # A copy (in C) of the stems: another thread may add one while they are read.
                for stem in [s for s in set(_HEADS.get(prefix[:HEAD], ())) if s.startswith(prefix)]:
                    self.positive |= _WORDS[stem]
        elif seen > self._judged:
            exact, pre = self.exact, self.prefixes
            self.positive.update(
                w for w in _ORDER[self._judged : seen] if any(s in exact or (pre and s.startswith(pre)) for s in _STEMS[w])
            )
        self._judged = seen

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The matching tokens of a text whose every word was stemmed already (``matching_spans`` says when), found
        by one regular expression of the words that match: no tokenizing, no set of the text's words."""
        self._update()
        if not self.positive:
            return []
        if self._pattern is None or self._pattern[0] != len(self.positive):
            # Whole tokens only, as TOKEN cuts them: no word character just before or after.
            words = "|".join(re.escape(w) for w in sorted(self.positive, key=len, reverse=True))
            self._pattern = (len(self.positive), re.compile(rf"(?<!\w)(?:{words})(?!\w)"))
        return [m.span() for m in self._pattern[1].finditer(text)]


def matcher(exact: set[str], prefixes: set[str]) -> Matcher:
    """The matcher of a query's terms and prefixes (kb.search.searching._highlight_terms)."""
    return Matcher(exact, prefixes)


def highlight(text: str, match: Matcher, *, maxchars: int = 220, surround: int = 60, top: int = 2) -> str:
    """Up to ``top`` fragments of ``text`` around matching words, escaped, matches wrapped in <mark>.

    Fragments start and end on whole words; « … » marks where the text was cut (before, between, after them).
    """
    spans = matching_spans(text, match)
    if not spans:
        return ""
    fragments: list[tuple[int, int, list[tuple[int, int]]]] = []
    i = 0
    while i < len(spans):
        start = max(0, spans[i][0] - surround)
        group = [spans[i]]
        i += 1
        while i < len(spans) and spans[i][1] + surround - start <= maxchars:
            group.append(spans[i])
            i += 1
        fragments.append((start, min(len(text), group[-1][1] + surround), group))
    # Best fragments first (most matching words), then shown in reading order.
    best = sorted(sorted(fragments, key=lambda f: -len(f[2]))[:top], key=lambda f: f[0])
    seen: dict[str, int] = {}
    out = ""
    last = 0
    for start, end, group in best:
        start, end = _word_start(text, start, group[0][0]), _word_end(text, group[-1][1], end)
        out += ("" if start == 0 else " … " if out else "… ") + _render(text, start, end, group, seen)
        last = end
    return out + (" …" if text[last:].strip() else "")


def matching_spans(text: str, match: Matcher) -> list[tuple[int, int]]:
    """(start, end) of the tokens of ``text`` that match, in order.

    The distinct words first and set operations (in C), then only the matching words located with str.find: a
    result's text has ~150 words, and a Python call per word was most of a results page's highlighting (~1 ms of a
    9 ms uncached search page at 1,000 records; tests/search/test_fast_paths.py compares with that per-word loop).
    """
    # A text met before (by any query) has every word in the stem cache: the words that match are known.
    known = hash(text)
    if known in _TOKENIZED and match.indexed:
        return match.spans(text)
    spans = []
    for word in match.among(set(TOKEN.findall(text))):
        end = len(word)
        at = text.find(word)
        while at >= 0:
            # A whole token: no word character (what TOKEN's \w matches: str.isalnum() or « _ ») just before or after.
            if (at == 0 or not _wordish(text[at - 1])) and (at + end == len(text) or not _wordish(text[at + end])):
                spans.append((at, at + end))
            at = text.find(word, at + end)
    if len(_TOKENIZED) >= TOKENIZED:
        _TOKENIZED.clear()
    _TOKENIZED.add(known)
    return sorted(spans)


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"


_WORD_START = re.compile(r"(?<!\w)\w")


def _word_start(text: str, lo: int, first: int) -> int:
    """Where a fragment cut at ``lo`` starts: the first word beginning there or after (never inside a word)."""
    if lo == 0:
        return 0
    m = _WORD_START.search(text, lo, first + 1)
    return m.start() if m else first


def _word_end(text: str, last: int, hi: int) -> int:
    """Where a fragment cut at ``hi`` ends: after its last whole word (never inside a word)."""
    if hi >= len(text):
        return len(text)
    end = last
    for m in TOKEN.finditer(text, last, hi):
        if m.end() < hi or not TOKEN.match(text, hi):
            end = m.end()
    return end


def _render(text: str, start: int, end: int, group: list[tuple[int, int]], seen: dict[str, int]) -> str:
    out, pos = [], start
    for s, e in group:
        word = text[s:e]
        num = seen.setdefault(word.lower(), len(seen) % 5)
        out.append(html.escape(text[pos:s], quote=False))
        out.append(f'<mark class="match term{num}">{html.escape(word, quote=False)}</mark>')
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out).strip()
