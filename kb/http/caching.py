"""HTTP caching, one path for every answer: one cache key, ETags, Cache-Control, and Werkzeug's conditional GET.

A newsletter sends thousands of readers to the same few URLs within minutes: a cache or CDN in front answers them
from its copy, and revalidation costs us a 304. ``request_key`` is the only description of "the same page": the
page cache (kb.http.pagecache) keeps pages under it, and ETags hash it with the build id and the code's fingerprint.
Every GET answer (pages, API, cards, images) goes through ``_conditional`` after its view ran, so a bad parameter
still answers 400 and an unknown record 404, and a match answers 304 by ``Response.make_conditional``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from kb.content.urls import API_ROOT, PAGES, STATIC_PREFIX
from kb.http.context import problem, served, show_drafts

MAX_AGE = 300
# Never kept, never given an ETag here: health must be live, static files have their own caching.
UNCACHED = (PAGES["health"], STATIC_PREFIX)
# What a preview server (drafts shown) says of every answer: no cache anywhere may keep it.
PRIVATE = "private, no-store"


def code_fingerprint(package_dir: Path | None = None) -> str:
    """A hash of the package's code, templates and static files: a deploy changes every ETag."""
    root = package_dir or Path(__file__).parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".js", ".svg", ".txt", ".xml"}):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def request_key(environ: Mapping[str, Any], drafts: bool) -> str:
    """What makes two requests the same page: what the app routes on and builds its links from, each part kept apart.

    Draft mode, scheme, host (without KB_SITE_URL, absolute links follow the address a page was asked under), the
    site's root (SCRIPT_NAME), the path it routes (PATH_INFO) and the query string. Never joined into one address:
    SCRIPT_NAME « /regions/normandie » with PATH_INFO « /flux.atom » is the site-wide feed, not the region's.
    """
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    parts = (drafts, environ.get("wsgi.url_scheme", "http"), host, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
             environ.get("QUERY_STRING", ""))
    return repr(parts)  # unambiguous whatever the parts contain (a decoded path may hold any character)


def etag(build_id: str) -> str:
    """The ETag of this request's answer for a build: same build, same code, same request key → same answer."""
    key = "\0".join((build_id, current_app.extensions["kb.code"], request_key(request.environ, show_drafts())))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def uncached(path: str) -> bool:
    """True for the paths no cache layer may keep (health, static files)."""
    return path.startswith(UNCACHED)


def init_app(app: Flask) -> None:
    """Mark every answer for caches on its way out, and answer conditional requests."""
    app.extensions["kb.code"] = code_fingerprint()
    app.after_request(_conditional)
    app.after_request(_vary)


def _vary(response: Response) -> Response:
    # Without KB_SITE_URL, absolute links (canonical, feeds, cards, the API's urls and redirects) follow the Host:
    # a shared cache must keep one copy per host. With it, every answer is built from the configured address only.
    if not current_app.config.get("SITE_URL"):
        response.vary.add("Host")
    return response


def _conditional(response: Response) -> Response:
    """ETag (the build's, unless the view set one), Last-Modified for the API, Cache-Control; then 304 on a match."""
    if show_drafts():
        return _private(response)
    if request.method not in ("GET", "HEAD") or uncached(request.path):
        return response
    if response.status_code != 200 or response.direct_passthrough or problem() is not None:
        return response
    build_id = served().build_id
    api = request.path.startswith(API_ROOT)
    if "ETag" not in response.headers:
        if build_id is None:
            return response
        response.set_etag(etag(build_id), weak=not api)
    if api:
        built_at = served().info.get("built_at")
        response.last_modified = dt.datetime.fromisoformat(built_at) if built_at else None
        response.headers.setdefault("Cache-Control", "no-cache")
    else:
        response.headers.setdefault("Cache-Control", f"public, max-age={MAX_AGE}")
    return response.make_conditional(request)


def _private(response: Response) -> Response:
    """A preview server's answer, whatever it is (page, API, export, card, image, feed, health, static file, error):
    kept by no cache, and readable by no other site's script (the staff's browser would hand it the drafts)."""
    response.headers["Cache-Control"] = PRIVATE
    response.headers.pop("Expires", None)
    for name in [h for h in response.headers.keys() if h.lower().startswith("access-control-")]:
        response.headers.pop(name, None)
    return response
