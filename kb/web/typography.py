"""French typography at render time: the text of every HTML page, never stored data, URLs, attributes or code.

kb.web.typesetting applies these rules to the site's templates once and to each value they print; cards, data
exports and the API keep the text as stored.

Rules, as the Imprimerie nationale's lexicon and the issue state them: a narrow no-break space (U+202F) inside « »
and before : ; ! ? %, a no-break space (U+00A0) inside numbers (225 000) and dates (28 janvier 2026), and the
typographic apostrophe ’. Only a space already typed is made unbreakable before : ; ! ? and % (« https://… »,
« 10:30 » and « 50% » stay as written); guillemets get their space even when it was left out. Search never sees
this text (the index is built from the records), so what people type, straight apostrophes and all, still matches.

The libraries we looked at do not fit: french-typo writes ``&nbsp;`` everywhere (no narrow space) and rewrites
units and ordinals into markup; polytypo's French puts a full no-break space before « : », rewrites quotes and
dashes, and needs tree-sitter. These few rules are tested in tests/web/test_typography.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NARROW = "\u202f"
NBSP = "\u00a0"
APOSTROPHE = "\u2019"

# Elements whose content is code or raw text, kept whole (kb.web.typesetting reads the same list).
RAW_ELEMENTS = ("script", "style", "pre", "code", "textarea", "kbd", "samp")
# What is not running text: those elements, comments, and every tag with its attributes (URLs, values typed by the
# reader, ids).
_RAW = re.compile(rf"<({'|'.join(RAW_ELEMENTS)})\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
# Addresses shown as text (a source's URL, a refused javascript: address) keep their characters.
_URL = re.compile(r"(?:\b(?:https?|ftp|mailto|javascript|data|file|vbscript):|\bwww\.)[^\s<>«»]+", re.I)
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


def _unbreakable(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", NBSP)


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Apostrophe: straight (or its HTML entity) right after a letter, as in « l'industrie », « aujourd'hui ».
    (re.compile(r"(?<=\w)(?:'|&#39;|&#x27;)"), APOSTROPHE),
    # Guillemets: one narrow no-break space inside, whatever spacing was typed (none, a space, a no-break space).
    (re.compile(r"«\s*"), "«" + NARROW),
    (re.compile(r"\s*»"), NARROW + "»"),
    # High punctuation and per cent: the space typed before it becomes a narrow no-break space.
    (re.compile(r"\s+(?=[:;!?%])"), NARROW),
    # Numbers in groups of three: « 225 000 », « 1 000 000 » (a year before a number, « 2025 123 », is not one).
    (re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)"), _unbreakable),
    # Dates: « 28 janvier 2026 », « 1er décembre », « novembre 2025 »; and « n° 217 ».
    (re.compile(rf"\b(?:1er|\d{{1,2}}) (?:{_MONTHS})\b(?: \d{{4}}\b)?"), _unbreakable),
    (re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b"), _unbreakable),
    (re.compile(r"\bn° (?=\d)"), _unbreakable),
)


# A text no rule can change is returned at once: most text nodes of a page are words and spaces only.
_TRIGGER = re.compile(r"['«»:;!?%\d]|&#")


def french(text: str) -> str:
    """French typography for a piece of running text (plain or HTML-escaped); addresses inside it are kept."""
    return _outside(_URL, text, _apply) if _TRIGGER.search(text) else text


def _apply(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(html: str) -> str:
    """French typography for the text of an HTML document (tags, attributes, code and scripts untouched)."""
    return _outside(_RAW, html, french)


def _outside(kept: re.Pattern[str], text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the text between the matches of ``kept``, which stay as they are."""
    out: list[str] = []
    pos = 0
    for m in kept.finditer(text):
        out += [change(text[pos : m.start()]), m.group(0)]
        pos = m.end()
    out.append(change(text[pos:]))
    return "".join(out)
