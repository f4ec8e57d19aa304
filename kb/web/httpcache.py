"""HTTP caching: the one cache key of a request, page ETags with a short public max-age, 304 on a match.

A newsletter sends thousands of readers to the same few URLs within minutes: a cache or CDN in front answers them
from its copy, and revalidation costs us a 304 without rendering anything. ``request_key`` is the only description
of "the same page": the page cache (kb.web.pagecache) keeps pages under it, page ETags and the API's ETags
(kb.api.views) hash it with the build id and the code's fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from kb.content.urls import API_ROOT, PAGES, STATIC_PREFIX
from kb.web.state import state

MAX_AGE = 300
# Never kept, never given a page ETag: health must be live, static files have their own caching.
UNCACHED = (PAGES["health"], STATIC_PREFIX)


def code_fingerprint(package_dir: Path | None = None) -> str:
    """A hash of the package's code, templates and static files: a deploy changes every ETag."""
    root = package_dir or Path(__file__).parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".js", ".svg", ".txt", ".xml"}):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def request_key(environ: Mapping[str, Any], show_drafts: bool) -> str:
    """What makes two requests the same page: what the app routes on and builds its links from, each part kept apart.

    Draft mode, scheme, host (without KB_SITE_URL, absolute links follow the address a page was asked under), the
    site's root (SCRIPT_NAME), the path it routes (PATH_INFO) and the query string. Never joined into one address:
    SCRIPT_NAME « /regions/normandie » with PATH_INFO « /flux.atom » is the site-wide feed, not the region's.
    """
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    parts = (show_drafts, environ.get("wsgi.url_scheme", "http"), host, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
             environ.get("QUERY_STRING", ""))
    return repr(parts)  # unambiguous whatever the parts contain (a decoded path may hold any character)


def etag(build_id: str) -> str:
    """The ETag of this request's answer for a build: same build, same code, same request key → same answer."""
    key = "\0".join((build_id, current_app.extensions["kb.code"], request_key(request.environ, current_app.config["SHOW_DRAFTS"])))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def uncached(path: str) -> bool:
    """True for the paths no cache layer may keep (health, static files)."""
    return path.startswith(UNCACHED)


def init_app(app: Flask) -> None:
    """Answer If-None-Match before any view runs, and mark cacheable responses on the way out."""
    app.extensions["kb.code"] = code_fingerprint()
    app.before_request(_not_modified)
    app.after_request(_cache_headers)
    app.after_request(_vary)


def _vary(response: Response) -> Response:
    # Without KB_SITE_URL, absolute links (canonical, feeds, cards, the API's urls and redirects) follow the Host:
    # a shared cache must keep one copy per host. With it, every answer is built from the configured address only.
    if not current_app.config.get("SITE_URL"):
        response.vary.add("Host")
    return response


def _page() -> bool:
    # The API makes its own ETag after its view ran (kb.api.views), so that a bad parameter still answers 400.
    return request.method in ("GET", "HEAD") and not uncached(request.path) and not request.path.startswith(API_ROOT)


def page_etag() -> str | None:
    """The ETag of this request's page, or None before any build."""
    build_id = state().build_id
    return etag(build_id) if build_id is not None else None


def _not_modified() -> Response | None:
    if not _page() or not request.if_none_match:
        return None
    tag = page_etag()
    if tag is None or not request.if_none_match.contains_weak(tag):
        return None
    response = Response(status=304)
    response.set_etag(tag, weak=True)
    _set_max_age(response)
    return response


def _set_max_age(response: Response) -> None:
    if current_app.config["SHOW_DRAFTS"]:
        # The staff preview shows drafts: no shared cache may keep it.
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"


def _cache_headers(response: Response) -> Response:
    if not _page() or response.status_code != 200 or "Cache-Control" in response.headers:
        return response
    tag = page_etag()
    if tag is None:
        return response
    if "ETag" not in response.headers:
        response.set_etag(tag, weak=True)
    _set_max_age(response)
    return response
