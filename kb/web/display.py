"""Presentation helpers for the HTML pages: safe snippets, French sentences."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from kb.content import labels as fr

# What kb.search.snippets puts around matched words (it escapes everything else).
_MARK = re.compile(r'<mark class="match term\d+">|</mark>')


def safe_highlight(snippet: str) -> Markup:
    """A search snippet as safe HTML: trusted only if nothing but <mark> tags remains unescaped."""
    if "<" in _MARK.sub("", snippet) or ">" in _MARK.sub("", snippet):
        return escape(re.sub(r"<[^>]*>", "", snippet))
    return Markup(snippet)


def coverage(held: int, announced: int) -> str:
    """« 3 propositions sur les 10 annoncées figurent dans la base », with French agreement."""
    if held == 0:
        return "Aucune des propositions annoncées ne figure encore dans la base." if announced > 1 else (
            "La proposition annoncée ne figure pas encore dans la base."
        )
    verb = "figure" if held < 2 else "figurent"
    if announced == 1:
        return f"{fr.plural(held, 'proposition')} sur 1 annoncée {verb} dans la base."
    return f"{fr.plural(held, 'proposition')} sur les {announced} annoncées {verb} dans la base."


def axis_count(own: int, echoes: int, of_kind: str = "du document") -> str:
    """« 2 propositions du livre blanc, 3 d'autres documents »: an axis's own proposals, then other documents' joining it."""
    text = f"{fr.plural(own, 'proposition')} {of_kind}"
    if echoes:
        text += ", 1 d'un autre document" if echoes == 1 else f", {echoes} d'autres documents"
    return text
