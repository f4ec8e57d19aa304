"""Presentation helpers for the HTML pages: safe snippets, French sentences, sources, timelines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from kb.content import labels as fr
from kb.content.markup import safe_url

# What kb.search.snippets puts around matched words (it escapes everything else).
_MARK = re.compile(r'<mark class="match term\d+">|</mark>')


def safe_highlight(snippet: str) -> Markup:
    """A search snippet as safe HTML: trusted only if nothing but <mark> tags remains unescaped."""
    if "<" in _MARK.sub("", snippet) or ">" in _MARK.sub("", snippet):
        return escape(re.sub(r"<[^>]*>", "", snippet))
    return Markup(snippet)


def kind_of(record: Any) -> str:
    """« proposal », « action », « document »… for a table row (its model name)."""
    return type(record).__name__.lower()


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


@dataclass
class Source:
    """A source ready to show: the document it names, a link only if http(s), the quote."""

    document_id: str | None
    document_title: str | None
    href: str | None
    url_text: str | None
    quote: str | None
    page: str | None
    accessed: str


def sources(raw: list[dict[str, Any]], documents: dict[str, str]) -> list[Source]:
    """Sources of a record; an address that is not http(s) (javascript:, data:) is kept as plain text."""
    out = []
    for s in raw:
        doc = s.get("document")
        url = s.get("url")
        out.append(
            Source(
                doc,
                documents.get(doc) if doc else None,
                safe_url(url),
                url,
                s.get("quote"),
                str(s["page"]) if s.get("page") is not None else None,
                fr.date_fr(s.get("accessed")),
            )
        )
    return out


@dataclass
class Step:
    """One dated step of a status history."""

    date: str
    iso: str
    status: str
    note: str | None
    document_id: str | None
    document_title: str | None
    href: str | None
    url_text: str | None


def timeline(history: list[dict[str, Any]], documents: dict[str, str]) -> list[Step]:
    """A proposal's status history, oldest first; a step's source is a document of the base or an address."""
    out = []
    for h in sorted(history, key=lambda h: str(h.get("date"))):
        src = h.get("source")
        is_doc = bool(src) and src in documents
        out.append(
            Step(
                fr.date_fr(str(h["date"])),
                str(h["date"]),
                fr.STATUS.get(h["status"], h["status"]),
                h.get("note"),
                src if is_doc else None,
                documents.get(src) if is_doc else None,
                None if is_doc else safe_url(src),
                None if is_doc else src,
            )
        )
    return out
