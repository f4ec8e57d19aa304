"""Rendered pages kept per worker for the build they came from: warm traffic (a newsletter's few URLs) skips the views.

A page is the same for every reader of one build (same URL, same draft mode), so the first answer is kept and
replayed until a new build lands. Security and HTTP-caching headers are added on the way out each time, as for
any response. Conditional requests, cookies and anything not a plain 200 go through the views.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request
from sqlmodel import Session

from kb.serving import State, state

MAX_PAGES = 512
# 0: every request reads the served build id, so no reader ever sees an older build after a newer one
# (tests/test_reliability.py checks it across workers). A few seconds save that query on replays.
BUILD_CHECK_SECONDS = 0.0
MAX_BYTES = 512 * 1024
# All pages of a worker together (a search page with its facets weighs about 80 KB at 10,000 records).
MAX_TOTAL_BYTES = 16 * 1024 * 1024
# Health must always be live; static files have their own caching.
SKIP_PREFIXES = ("/sante", "/static/")
KEPT_TYPES = ("text/html", "application/json", "application/xml", "application/atom+xml", "text/plain", "text/csv")


@dataclass
class PageCache:
    """The pages of one build, least recently used first."""

    build_id: str | None = None
    pages: OrderedDict[str, tuple[bytes, int, list[tuple[str, str]]]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    size: int = 0
    checked: float = 0.0
    info: dict[str, str] = field(default_factory=dict)


def init_app(app: Flask) -> None:
    """Register last, so the page is stored as the view made it, before other hooks add their headers."""
    app.extensions["kb.pages"] = PageCache()
    app.before_request(_replay)
    app.after_request(_keep)


def enabled() -> bool:
    """On unless PAGE_CACHE is false (off by default under TESTING, so other tests see every change at once)."""
    return bool(current_app.config.get("PAGE_CACHE", not current_app.config.get("TESTING")))


def _key() -> str | None:
    if request.method not in ("GET", "HEAD") or request.path.startswith(SKIP_PREFIXES) or not enabled():
        return None
    headers = request.headers
    if "Cookie" in headers or "Authorization" in headers or "If-None-Match" in headers or "If-Modified-Since" in headers:
        return None
    build_id = _served_build()
    if build_id is None:
        return None
    return f"{current_app.config['SHOW_DRAFTS']}\0{request.full_path}"


def _served_build() -> str | None:
    """The served build id, read from the database on every request, or at most every PAGE_CACHE_TTL seconds.

    With a TTL a replay costs no query, but after a build a worker may answer its old pages for up to that long,
    after another worker has already shown the new build.
    """
    cache: PageCache = current_app.extensions["kb.pages"]
    ttl = float(current_app.config.get("PAGE_CACHE_TTL", BUILD_CHECK_SECONDS))
    if cache.build_id is not None and time.monotonic() - cache.checked < ttl:
        return cache.build_id
    st = state()
    with cache.lock:
        if cache.build_id != st.build_id:
            cache.pages.clear()
            cache.size = 0
            cache.build_id, cache.info = st.build_id, dict(st.info)
        cache.checked = time.monotonic()
    return st.build_id


def _replay() -> Response | None:
    key = _key()
    if key is None:
        return None
    cache: PageCache = current_app.extensions["kb.pages"]
    with cache.lock:
        page = cache.pages.get(key)
        if page is not None:
            cache.pages.move_to_end(key)
            cache.hits += 1
    if page is None:
        g.kb_page_key = key
        return None
    body, status, headers = page
    g.kb_page_replayed = True
    if "kb_state" not in g:
        # What the other hooks read (the ETag needs the build id): the session opens no connection unless used.
        g.kb_state = State(Session(current_app.extensions["kb.engine"]), cache.build_id, None, dict(cache.info))
    return Response(body, status=status, headers=headers)


def _keep(response: Response) -> Response:
    key = g.pop("kb_page_key", None)
    if key is None or g.get("kb_page_replayed"):
        return response
    kept = response.status_code == 200 and not response.is_streamed and response.mimetype in KEPT_TYPES
    if not kept or "Set-Cookie" in response.headers or "Vary" in response.headers:
        return response
    body = response.get_data()
    if len(body) > MAX_BYTES:
        return response
    cache: PageCache = current_app.extensions["kb.pages"]
    st = g.get("kb_state")
    if st is None or st.build_id != cache.build_id:  # rendered from another build than the cache holds
        return response
    with cache.lock:
        previous = cache.pages.pop(key, None)
        cache.size -= len(previous[0]) if previous else 0
        cache.pages[key] = (body, response.status_code, list(response.headers.items()))
        cache.size += len(body)
        while len(cache.pages) > MAX_PAGES or cache.size > MAX_TOTAL_BYTES:
            _, (old, _status, _headers) = cache.pages.popitem(last=False)
            cache.size -= len(old)
    return response
