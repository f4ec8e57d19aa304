"""Highlighted snippets without re-running Whoosh's analyzer chain: one regex pass and a per-word stem cache."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kb.search.analysis import stems

# The same pattern as Whoosh's RegexTokenizer, so a token here is a token there.
TOKEN = re.compile(r"\w+(\.?\w+)*", re.UNICODE)
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
    """Up to ``top`` fragments of ``text`` around matching words, escaped, matches wrapped in <mark>, joined by « … »."""
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
    return " … ".join(_render(text, start, end, group, seen) for start, end, group in best)


def _render(text: str, start: int, end: int, group: list[tuple[int, int]], seen: dict[str, int]) -> str:
    if start > 0:
        # Start and end on word boundaries, never inside a word.
        space = text.find(" ", start, group[0][0])
        start = space + 1 if space != -1 else group[0][0]
    if end < len(text):
        space = text.rfind(" ", group[-1][1], end)
        end = space if space != -1 else group[-1][1]
    out, pos = [], start
    for s, e in group:
        word = text[s:e]
        num = seen.setdefault(word.lower(), len(seen) % 5)
        out.append(html.escape(text[pos:s], quote=False))
        out.append(f'<mark class="match term{num}">{html.escape(word, quote=False)}</mark>')
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out).strip()
