"""``kb autolink``: link the records a newsletter draft mentions (id, alias or exact title) to their permanent URL.

Existing links, code (spans and blocks) and HTML tags and attributes are never touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.content import Corpus, kinds
from kb.content.urls import record_path

APOSTROPHES = "['’]|&#39;|&#x27;|&rsquo;|&#8217;"
# «…» names inside titles (« pass foncier PMI ») are mentions too, when two words or more and unique.
QUOTED = re.compile(r"«\s*([^»]+?)\s*»")

MD_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
MD_INLINE = re.compile(
    r"(?P<code>(`+)[\s\S]*?(?<!`)\2(?!`))"
    r"|(?P<anchor><a\b[^>]*>[\s\S]*?</a\s*>)"
    r"|(?P<tag><[^>\n]+>)"
    r"|(?P<link>!?\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^)\n]*\)|\[[^\]\n]*\]))"
    r"|(?P<refdef>^ {0,3}\[[^\]\n]+\]:[^\n]*)"
    r"|(?P<url>https?://[^\s<>()]+)",
    re.IGNORECASE | re.MULTILINE,
)
HTML_PROTECT = re.compile(
    r"<!--[\s\S]*?-->|<(a|code|pre|script|style|textarea|kbd|samp|head)\b[^>]*>[\s\S]*?</\1\s*>|<[^>]+>|https?://[^\s<>\"']+",
    re.IGNORECASE,
)


@dataclass
class Mention:
    """One linked mention: where, what was written, which record."""

    line: int
    text: str
    record_id: str
    url: str


def _title_pattern(title: str) -> str:
    words = [f"(?:{APOSTROPHES})".join(re.escape(part) for part in re.split("['’]", w)) for w in title.split()]
    body = r"\s+".join(words)
    return rf"(?<!\w)(?i:{body})(?!\w)"


def terms(corpus: Corpus) -> list[tuple[str, str, str]]:
    """(regex, record id, permanent path) for every mention form, longest first; drafts are not linked."""
    found: list[tuple[str, str, str, int]] = []
    names: dict[str, list[tuple[str, str]]] = {}
    for kind in kinds.where(card=True):
        for rec in corpus.of(kind):
            if rec.model.draft:
                continue
            path = record_path(kind, rec.id)
            for ident in [rec.id, *rec.model.aliases]:
                found.append((rf"(?<![\w-]){re.escape(ident)}(?![\w-])", rec.id, path, len(ident)))
            found.append((_title_pattern(rec.model.title), rec.id, path, len(rec.model.title)))
            for name in QUOTED.findall(rec.model.title):
                names.setdefault(name.casefold(), []).append((rec.id, path))
    for name, owners in names.items():
        if len(owners) == 1 and len(name.split()) >= 2:
            found.append((_title_pattern(name), owners[0][0], owners[0][1], len(name)))
    found.sort(key=lambda t: -t[3])
    return [(rx, rid, path) for rx, rid, path, _ in found]


class Linker:
    """Replaces mentions in free text; remembers what it linked."""

    def __init__(self, corpus: Corpus, base_url: str, markdown: bool) -> None:
        self.items = terms(corpus)
        self.regex = re.compile("|".join(f"({rx})" for rx, _, _ in self.items)) if self.items else None
        self.base = base_url.rstrip("/")
        self.markdown = markdown
        self.mentions: list[Mention] = []

    def __call__(self, text: str, line: int) -> str:
        """``text`` (free of links and code) with its mentions linked; ``line`` is where it starts."""
        if self.regex is None:
            return text

        def link(m: re.Match[str]) -> str:
            _rx, rid, path = self.items[m.lastindex - 1]  # type: ignore[operator]
            url = self.base + path
            self.mentions.append(Mention(line + text.count("\n", 0, m.start()), m.group(0), rid, url))
            if self.markdown:
                return f"[{m.group(0)}]({url})"
            return f'<a href="{html.escape(url)}">{m.group(0)}</a>'

        return self.regex.sub(link, text)


def _split(text: str, protect: re.Pattern[str], change: Callable[[str, int], str], first_line: int) -> str:
    out, pos = [], 0
    for m in protect.finditer(text):
        out.append(change(text[pos : m.start()], first_line + text.count("\n", 0, pos)))
        out.append(m.group(0))
        pos = m.end()
    out.append(change(text[pos:], first_line + text.count("\n", 0, pos)))
    return "".join(out)


def _markdown_blocks(text: str) -> list[tuple[bool, str, int]]:
    """(is code, text, first line) chunks: fenced and indented code blocks are code."""
    chunks: list[tuple[bool, str, int]] = []
    fence: str | None = None
    prev_blank, prev_code = True, False
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        opener = MD_FENCE.match(line)
        if fence is not None:
            code = True
            if opener and opener.group(2)[0] == fence[0] and len(opener.group(2)) >= len(fence):
                fence = None
        elif opener:
            code, fence = True, opener.group(2)
        else:
            indented = line.startswith(("    ", "\t")) and line.strip() != ""
            code = indented and (prev_blank or prev_code) and not (chunks and not chunks[-1][0] and _in_list(chunks[-1][1]))
        if chunks and chunks[-1][0] == code:
            chunks[-1] = (code, chunks[-1][1] + line, chunks[-1][2])
        else:
            chunks.append((code, line, n))
        prev_blank, prev_code = line.strip() == "", code and fence is None and not opener
    return chunks


def _in_list(text: str) -> bool:
    # An indented line right after a list item continues the item; it is not a code block.
    last = [ln for ln in text.splitlines() if ln.strip()]
    return bool(last) and bool(re.match(r"^\s*([-*+]|\d+[.)])\s", last[-1]))


def autolink(text: str, corpus: Corpus, base_url: str, markdown: bool) -> tuple[str, list[Mention]]:
    """The draft with its record mentions linked, and the list of what was linked."""
    linker = Linker(corpus, base_url, markdown)
    if markdown:
        out = "".join(chunk if code else _split(chunk, MD_INLINE, linker, first) for code, chunk, first in _markdown_blocks(text))
    else:
        out = _split(text, HTML_PROTECT, linker, 1)
    return out, linker.mentions
