"""The site's addresses, declared once: record pages, their sub-pages and the site's own pages (French, permanent).

Links end up in newsletters that are never re-sent, so these paths are part of what the content promises: the
permanence checks (kb.content.permanence) read this table to tell whether a published link still answers, the web
registers its routes from it, the sitemap and the tests list it. That is why it lives with the content, below
every subsystem that serves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kb.content import kinds

# Sub-pages of a record page: newsletter cards and the preview image (kinds with cards), or an Atom feed (kinds with feeds).
CARD_VARIANTS = ("carte", "carte.txt", "carte.md")
PREVIEW = "apercu.png"
FEED = "flux.atom"
SUFFIXES: dict[str, tuple[str, ...]] = {
    **{kind: tuple(f"/{name}" for name in (*CARD_VARIANTS, PREVIEW)) for kind in kinds.where(card=True)},
    **{kind: (f"/{FEED}",) for kind in kinds.where(feed=True)},
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
    # The index page of each kind that has one, under the kind's collection name (« axes »: /axes).
    **{str(kind.collection): str(kind.index) for kind in kinds.every() if kind.index},
    # Who we are.
    "about": "/a-propos",
    "legal": "/mentions-legales",
    "accessibility": "/accessibilite",
}
# The names of the index pages, in the registry's order.
INDEXES: tuple[str, ...] = tuple(kind.collection for kind in kinds.every() if kind.index)
# Pages that answer whatever the content holds, and so may be published in a newsletter.
SITE_PATHS = tuple(
    PAGES[name]
    for name in (
        "home", "search", "search_feed", "feed", "compare", "compare_csv", "compare_card", "compare_card_md",
        *INDEXES, "about", "legal", "accessibility",
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
    return kinds.kind(kind).path(record_id)


def suffixes(kind: str) -> tuple[str, ...]:
    """The sub-paths a record page of this kind has (cards and preview, or a feed)."""
    return SUFFIXES.get(kind, ())


def parse_record_path(path: str) -> tuple[str, str, str] | None:
    """(kind, id, suffix) for a record URL path such as ``/propositions/x/carte``; None for any other path."""
    m = RECORD_PATH_RE.match(path)
    kind = kinds.by_prefix(m.group(1)) if m else None
    if m is None or kind is None:
        return None
    suffix = m.group(3) or ""
    if suffix and suffix not in suffixes(kind):
        return None
    return kind, m.group(2), suffix


def is_card(path: str) -> bool:
    """True for the email-card endpoints (…/carte): the only pages that may be framed (cards keep plain typography)."""
    return path.rstrip("/").endswith("/" + CARD_VARIANTS[0])


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


@dataclass(frozen=True)
class Urls:
    """The site's addresses from its public root (as Datasette's ``ds.urls``): absolute with a base, paths with "".

    The request context builds one from KB_SITE_URL or the request's own address; the commands from --base-url.
    """

    base: str = ""

    def absolute(self, path: str) -> str:
        """An absolute URL for a site path (an absolute URL is returned unchanged)."""
        return path if urlsplit(path).scheme else self.base + path

    def record(self, kind: str, record_id: str, suffix: str = "") -> str:
        """A record's permanent page (or one of its sub-pages: « /carte », « /flux.atom »)."""
        return self.base + record_path(kind, record_id) + suffix

    def page(self, name: str, query: str = "") -> str:
        """One of the site's own pages (kb.content.urls.PAGES), with a query string if given."""
        return self.base + PAGES[name] + (f"?{query}" if query else "")

    def api(self, path: str) -> str:
        """An address of the JSON API (``path`` relative to /api/v1)."""
        return self.base + API_PREFIX + path
