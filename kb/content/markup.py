"""Text of records: Markdown to safe HTML and to plain text, safe links, accent folding."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: javascript: and data: links are never emitted."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def render_markdown(text: str | None) -> str:
    """Markdown → HTML, sanitised (raw HTML is escaped, links limited to http(s) and mailto)."""
    if not text:
        return ""
    html = _MD.render(text)
    # Headings inside a record body sit under the page's own h1/h2: shift h1 → h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "li", "h2", "h3", "h4", "blockquote", "tr", "pre"}:
            self.parts.append("\n")


def plain_text(markdown: str | None) -> str:
    """The words of a Markdown text, without markup."""
    if not markdown:
        return ""
    parser = _Text()
    parser.feed(_MD.render(markdown))
    return " ".join(" ".join(parser.parts).split())


# The word pattern of the search tokenizer (kb.search.analysis), so that a folded title matches word for word.
_WORD = re.compile(r"\w+(\.?\w+)*")


def fold(text: str) -> str:
    """The words of a text, lowercase and without accents, run together: « Accès au foncier » → « accesaufoncier »."""
    words = (m.group(0).lower() for m in _WORD.finditer(text))
    return "".join(c for w in words for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
