"""Rendered pages kept per worker for the build they came from: warm traffic (a newsletter's few URLs) skips Flask.

A page is the same for every reader of one build (same address, host and draft mode), so the first answer, with
every header the app's hooks gave it, is kept by a WSGI middleware in front of Flask and replayed until a new build
lands. Whether one landed is asked of the database on every request (kb.store.BuildWatch: one PRAGMA on SQLite), so a
worker never replays a page of an older build once any worker has served a newer one. Conditional requests, cookies,
credentials and anything not a plain 200 go through the app.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.http import is_resource_modified

from kb.config import truthy
from kb.http.caching import request_key, uncached
from kb.http.context import show_drafts
from kb.store import BuildWatch

MAX_PAGES = 512
# 0: every request asks which build is served, so no reader ever sees an older build after a newer one
# (tests/system/test_publishing_while_serving.py checks it across workers). PAGE_CACHE_TTL=N skips even that for N seconds.
BUILD_CHECK_SECONDS = 0.0
MAX_BYTES = 512 * 1024
# All pages of a worker together (a search page with its facets weighs about 80 KB at 10,000 records).
MAX_TOTAL_BYTES = 16 * 1024 * 1024
KEPT_TYPES = ("text/html", "application/json", "application/xml", "application/atom+xml", "text/plain", "text/csv")
# Requests whose answer may differ from the kept page: they always reach the app. A conditional request is answered
# from the kept page's own ETag and Last-Modified, by the same Werkzeug rule as the app's (kb.http.caching).
BYPASS_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION")
CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
# Headers that describe a body: a 304 sends none.
BODY_HEADERS = {"content-length", "content-type", "content-encoding", "content-disposition"}
# Set in the WSGI environ: the key a request may be kept under, and the build its page was rendered from.
KEY = "kb.page.key"
RENDERED = "kb.page.build"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Page:
    """One kept answer: body, status line and the headers exactly as the app sent them."""

    body: bytes
    status: str
    headers: list[tuple[str, str]]


@dataclass
class PageCache:
    """The pages of one build, least recently used first."""

    build_id: str | None = None
    pages: OrderedDict[str, Page] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    size: int = 0
    checked: float = 0.0

    def get(self, key: str) -> Page | None:
        """The page kept under key (now the most recently used), or None."""
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
                self.hits += 1
            return page

    def serve(self, build_id: str) -> None:
        """Note that build_id is served now: pages of any other build are dropped."""
        with self.lock:
            if self.build_id != build_id:
                self.pages.clear()
                self.size = 0
                self.build_id = build_id
            self.checked = time.monotonic()

    def keep(self, key: str, build_id: str, page: Page) -> None:
        """Keep page under key if it comes from the build now held, within the bounds."""
        with self.lock:
            if build_id != self.build_id:
                return
            previous = self.pages.pop(key, None)
            self.size -= len(previous.body) if previous else 0
            self.pages[key] = page
            self.size += len(page.body)
            while len(self.pages) > MAX_PAGES or self.size > MAX_TOTAL_BYTES:
                _, old = self.pages.popitem(last=False)
                self.size -= len(old.body)


def init_app(app: Flask) -> None:
    """Put the replaying middleware in front of the app (after serving.init_app, which makes the engine)."""
    cache = PageCache()
    app.extensions["kb.pages"] = cache
    app.after_request(_mark)
    watch = BuildWatch(app.extensions["kb.engine"], app.config["DATABASE_URL"])
    app.wsgi_app = Replayer(app, app.wsgi_app, cache, watch)  # type: ignore[method-assign]


def _mark(response: Response) -> Response:
    """Tell the middleware which build this page was rendered from, when it is a page that may be kept."""
    environ = request.environ
    ctx = g.get("kb_context")
    if KEY not in environ or ctx is None or ctx.build_id is None:
        return response
    if response.status_code == 200 and not response.is_streamed and response.mimetype in KEPT_TYPES:
        environ[RENDERED] = ctx.build_id
    return response


class Replayer:
    """WSGI middleware: answers a kept page without entering Flask; keeps eligible pages the app renders."""

    def __init__(self, app: Flask, wsgi_app: WsgiApp, cache: PageCache, watch: BuildWatch) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.watch = watch

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        build_id = self._served_build() if key is not None else None
        if key is None or build_id is None:
            return self.wsgi_app(environ, start_response)
        page = self.cache.get(key)
        if page is not None:
            if any(h in environ for h in CONDITIONS) and not _modified(environ, page):
                start_response("304 NOT MODIFIED", [(k, v) for k, v in page.headers if k.lower() not in BODY_HEADERS])
                return []
            start_response(page.status, list(page.headers))
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]
        if environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        environ[KEY] = key
        sent: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        if environ.get(RENDERED) != build_id or not sent or not _keepable(sent[0], sent[1]):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if len(data) <= MAX_BYTES:
            # A replay is a new answer: the server dates it (a kept Date would age the page in every cache downstream).
            self.cache.keep(key, build_id, Page(data, sent[0], [(k, v) for k, v in sent[1] if k.lower() != "date"]))
        return [data]

    def _key(self, environ: Environ) -> str | None:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or any(h in environ for h in BYPASS_HEADERS):
            return None
        config = self.app.config
        if uncached(environ.get("PATH_INFO", "")) or not truthy(config["PAGE_CACHE"]):
            return None
        return request_key(environ, show_drafts(self.app))

    def _served_build(self) -> str | None:
        """The served build id: asked on every request, or at most every PAGE_CACHE_TTL seconds.

        With a TTL a replay asks nothing, but after a build a worker may answer its old pages for up to that
        long, after another worker has already shown the new build.
        """
        cache = self.cache
        ttl = float(self.app.config.get("PAGE_CACHE_TTL", BUILD_CHECK_SECONDS))
        if ttl > 0 and cache.build_id is not None and time.monotonic() - cache.checked < ttl:
            return cache.build_id
        build_id = self.watch.current()
        if build_id is not None:
            self.cache.serve(build_id)
        return build_id


def _modified(environ: Environ, page: Page) -> bool:
    """False when the client's copy (If-None-Match, If-Modified-Since) is the kept page: Werkzeug's rule, as the app's."""
    headers = {k.lower(): v for k, v in page.headers}
    return is_resource_modified(environ, etag=headers.get("etag"), last_modified=headers.get("last-modified"))


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    # Checked on the final headers, after every hook: a cookie, or a Vary on anything but the host (which the key
    # holds), means the page is not the same for all.
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie" or (lower == "vary" and {v.strip().lower() for v in value.split(",")} - {"host"}):
            return False
    return status.startswith("200 ")
