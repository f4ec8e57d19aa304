"""The <head> of every page: canonical URL (no utm_*), preview image, oEmbed link, Atom feed, all absolute."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import request

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content.typography import french
from kb.content.urls import FEED, PAGES, PREVIEW, parse_record_path, without_campaign
from kb.http.context import served


def page_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """Absolute URLs for a page's <head>: canonical (no utm_*), image, oEmbed discovery and Atom feed; the link preview's
    title and description typeset (attributes are not running text: the pages' typography leaves them as they are)."""
    meta = meta or {}
    urls = served().urls
    canonical = without_campaign(urls.absolute(meta.get("canonical") or _default_canonical()))
    path = urlsplit(canonical).path
    parsed = parse_record_path(path)
    kind = kinds.kind(parsed[0]) if parsed and not parsed[2] else None
    card = kind is not None and kind.card
    image = meta.get("image") or _default_image(path, canonical, kind)
    feed = meta.get("feed") or _default_feed(path, kind)
    oembed_href = urls.page("oembed", urlencode({"url": canonical, "format": "json"})) if card else None
    return {
        "title": french(meta.get("title") or SITE_NAME),
        "description": french(meta.get("description") or ""),
        "canonical": canonical,
        "image": urls.absolute(image),
        "type": meta.get("type") or ("article" if card else "website"),
        "oembed": oembed_href,
        "feed": urls.absolute(feed) if feed else None,
    }


def _default_canonical() -> str:
    # Only the search page keeps its query (q and filters) in its canonical URL.
    return request.full_path.rstrip("?") if request.path == PAGES["search"] else request.path


def _default_image(path: str, canonical: str, kind: kinds.Kind | None) -> str:
    # Each page type people share has its own image (kb.newsletter.images); a comparison's shows the view it links.
    if kind is not None:
        return f"{path}/{PREVIEW}"
    if path == PAGES["compare"]:
        query = urlsplit(canonical).query
        return PAGES["compare_preview"] + (f"?{query}" if query else "")
    return PAGES["site_preview"]


def _default_feed(path: str, kind: kinds.Kind | None) -> str | None:
    if path == PAGES["home"]:
        return PAGES["feed"]
    if path == PAGES["search"]:
        query = without_campaign(request.full_path).partition("?")[2]
        return PAGES["search_feed"] + (f"?{query}" if query else "")
    return f"{path}/{FEED}" if kind is not None and kind.feed else None
