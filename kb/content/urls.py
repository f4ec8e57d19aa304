"""The site's addresses, declared once: record pages, their sub-pages and the site's own pages (French, permanent).

Links end up in newsletters that are never re-sent, so these paths are part of what the content promises: the
permanence checks (kb.content.permanence) read this table to tell whether a published link still answers, the web
registers its routes from it, the sitemap and the tests list it. That is why it lives with the content, below
every subsystem that serves it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Record kind → path prefix of its permanent page.
PREFIXES: dict[str, str] = {
    "proposal": "/propositions/",
    "action": "/actions/",
    "document": "/documents/",
    "axis": "/axes/",
    "sector": "/filieres/",
    "region": "/regions/",
}
KIND_OF_PREFIX: dict[str, str] = {prefix.strip("/"): kind for kind, prefix in PREFIXES.items()}

# Sub-pages of a record page: newsletter cards and the preview image (proposals, actions), or an Atom feed (the rest).
CARD_VARIANTS = ("carte", "carte.txt", "carte.md")
PREVIEW = "apercu.png"
FEED = "flux.atom"
CARD_KINDS = ("proposal", "action")
FEED_KINDS = ("document", "axis", "sector", "region")
SUFFIXES: dict[str, tuple[str, ...]] = {
    **{kind: tuple(f"/{name}" for name in (*CARD_VARIANTS, PREVIEW)) for kind in CARD_KINDS},
    **{kind: (f"/{FEED}",) for kind in FEED_KINDS},
}

# The site's own pages (name → path); the web registers each route under its name.
PAGES: dict[str, str] = {
    "home": "/",
    "search": "/recherche",
    "search_feed": "/recherche.atom",
    "feed": "/" + FEED,
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "dashboard": "/tableau-de-bord",
    "health": "/sante",
    "api_page": "/api",
    "data_page": "/donnees",
    "oembed": "/oembed",
    "site_preview": "/" + PREVIEW,
    # « Qui propose quoi »: the comparison, its CSV, and its email-safe copies (HTML, Markdown).
    "compare": "/comparer",
    "compare_csv": "/comparer.csv",
    "compare_card": "/comparer/" + CARD_VARIANTS[0],
    "compare_card_md": "/comparer/" + CARD_VARIANTS[2],
    # Index pages of each kind that has a page per record (the prefix without its slash), and who we are.
    "axes": "/axes",
    "documents": "/documents",
    "sectors": "/filieres",
    "regions": "/regions",
    "about": "/a-propos",
    "legal": "/mentions-legales",
    "accessibility": "/accessibilite",
}
# The index page of each browsable kind.
INDEX_OF: dict[str, str] = {"axis": "axes", "document": "documents", "sector": "sectors", "region": "regions"}
# Pages that answer whatever the content holds, and so may be published in a newsletter.
SITE_PATHS = tuple(
    PAGES[name]
    for name in (
        "home", "search", "search_feed", "feed", "compare", "compare_csv", "compare_card", "compare_card_md",
        *INDEX_OF.values(), "about", "legal", "accessibility",
    )
)
# Everything under API_ROOT answers JSON, errors included; the current version lives under API_PREFIX.
API_ROOT = "/api/"
API_PREFIX = API_ROOT + "v1"
STATIC_PREFIX = "/static/"

_SUB = "|".join(re.escape(s) for s in sorted({s for subs in SUFFIXES.values() for s in subs}))
RECORD_PATH_RE = re.compile(rf"^/([a-z]+)/([a-z0-9-]{{1,80}})({_SUB})?$")


def record_path(kind: str, record_id: str) -> str:
    """The permanent path of a record, e.g. ``/propositions/pass-foncier-pmi``."""
    return PREFIXES[kind] + record_id


def suffixes(kind: str) -> tuple[str, ...]:
    """The sub-paths a record page of this kind has (cards and preview, or a feed)."""
    return SUFFIXES.get(kind, ())


def parse_record_path(path: str) -> tuple[str, str, str] | None:
    """(kind, id, suffix) for a record URL path such as ``/propositions/x/carte``; None for any other path."""
    m = RECORD_PATH_RE.match(path)
    if not m or m.group(1) not in KIND_OF_PREFIX:
        return None
    kind, suffix = KIND_OF_PREFIX[m.group(1)], m.group(3) or ""
    if suffix and suffix not in suffixes(kind):
        return None
    return kind, m.group(2), suffix


def with_campaign(url: str, campaign: str | None) -> str:
    """``url`` with newsletter campaign tags (utm_source, utm_medium, utm_campaign) when a campaign is named."""
    name = " ".join((campaign or "").split())[:80]
    if not name:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [("utm_source", "newsletter"), ("utm_medium", "email"), ("utm_campaign", name)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def without_campaign(url: str) -> str:
    """``url`` without any utm_* tag: canonical URLs never carry them."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    return urlunsplit(parts._replace(query=urlencode(query)))
