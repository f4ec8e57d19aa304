"""Absolute addresses and the <head> of every page: canonical URL (no utm_*), preview image, oEmbed link, Atom feed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import current_app, request
from werkzeug.exceptions import SecurityError

from kb.content.urls import CARD_KINDS, FEED, FEED_KINDS, PAGES, PREVIEW, parse_record_path, without_campaign


def base_url() -> str:
    """The site's absolute root: SITE_URL when configured, else the request's own ("" for a Host not to be trusted)."""
    site = current_app.config.get("SITE_URL")
    if site:
        return str(site).rstrip("/")
    try:
        host = request.host
    except SecurityError:  # an untrusted Host: its 400 page has relative links only
        return ""
    return request.url_root.rstrip("/") if host else ""


def absolute(path: str) -> str:
    """An absolute URL for a site path (an absolute URL is returned unchanged)."""
    return path if urlsplit(path).scheme else base_url() + path


def page_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """Absolute URLs for a page's <head>: canonical (no utm_*), image, oEmbed discovery and Atom feed."""
    meta = meta or {}
    canonical = without_campaign(absolute(meta.get("canonical") or _default_canonical()))
    path = urlsplit(canonical).path
    parsed = parse_record_path(path)
    kind = parsed[0] if parsed and not parsed[2] else None
    card = kind in CARD_KINDS
    image = meta.get("image") or (f"{path}/{PREVIEW}" if card else PAGES["site_preview"])
    feed = meta.get("feed") or _default_feed(path, kind)
    oembed_href = f"{base_url()}{PAGES['oembed']}?{urlencode({'url': canonical, 'format': 'json'})}" if card else None
    return {
        "canonical": canonical,
        "image": absolute(image),
        "type": meta.get("type") or ("article" if card else "website"),
        "oembed": oembed_href,
        "feed": absolute(feed) if feed else None,
    }


def _default_canonical() -> str:
    # Only the search page keeps its query (q and filters) in its canonical URL.
    return request.full_path.rstrip("?") if request.path == PAGES["search"] else request.path


def _default_feed(path: str, kind: str | None) -> str | None:
    if path == PAGES["home"]:
        return PAGES["feed"]
    if path == PAGES["search"]:
        query = without_campaign(request.full_path).partition("?")[2]
        return PAGES["search_feed"] + (f"?{query}" if query else "")
    return f"{path}/{FEED}" if kind in FEED_KINDS else None
