"""Highlighted snippets without re-running Whoosh's analyzer chain: one regex pass and a per-word stem cache."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kb.search.analysis import WORD, stems

# The analyzers' tokenizer pattern, so a token here is a token there.
TOKEN = re.compile(WORD)
# Between a record's own text and its sources' quotes in the stored snippet text (no word character: never matched).
QUOTES = "\x1f"
_STEMS: dict[str, tuple[str, ...]] = {}


def word_stems(word: str) -> tuple[str, ...]:
    """Index terms of one token, cached for the process (the vocabulary of indexed texts is bounded)."""
    found = _STEMS.get(word)
    if found is None:
        found = _STEMS[word] = stems(word)
    return found


def matcher(exact: set[str], prefixes: set[str]) -> Callable[[str], bool]:
    """A predicate on a token: one of its terms is a query term, or starts with a query prefix."""
    pre = tuple(prefixes)
    memo: dict[str, bool] = {}

    def match(word: str) -> bool:
        found = memo.get(word)
        if found is None:
            found = memo[word] = any(s in exact or (pre and s.startswith(pre)) for s in word_stems(word))
        return found

    return match


def highlight(text: str, match: Callable[[str], bool], *, maxchars: int = 220, surround: int = 60, top: int = 2) -> str:
    """Up to ``top`` fragments of ``text`` around matching words, escaped, matches wrapped in <mark>.

    Fragments start and end on whole words; « … » marks where the text was cut (before, between, after them).
    """
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(text) if match(m.group())]
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
