"""HTTP caching of pages: short public max-age and an ETag from the build, the code and the URL (304 on a match).

A newsletter sends thousands of readers to the same few URLs within minutes: a cache or CDN in front
answers them from its copy, and revalidation costs us a 304 without rendering anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request

from kb.serving import state

MAX_AGE = 300
# The API sets its own ETag/Last-Modified (issue 6); the health check must never be cached.
SKIP_PREFIXES = ("/api/", "/sante", "/static/")


def code_fingerprint(package_dir: Path | None = None) -> str:
    """A hash of the package's code, templates and static files: a deploy changes every ETag."""
    root = package_dir or Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".js", ".svg", ".txt", ".xml"}):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def init_app(app: Flask) -> None:
    """Answer If-None-Match before any view runs, and mark cacheable responses on the way out."""
    app.extensions["kb.code"] = code_fingerprint()
    app.before_request(_not_modified)
    app.after_request(_cache_headers)


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(SKIP_PREFIXES)


def page_etag() -> str | None:
    """The ETag of this request's page: same build, same code, same URL, same draft mode → same page."""
    build_id = state().build_id
    if build_id is None:
        return None
    # The host too: without KB_SITE_URL, absolute links in a page follow the address it was asked under.
    parts = [build_id, current_app.extensions["kb.code"], str(current_app.config["SHOW_DRAFTS"]), request.host_url, request.full_path]
    key = "\0".join(parts)
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _not_modified() -> Response | None:
    if not _cacheable() or not request.if_none_match:
        return None
    etag = page_etag()
    if etag is None or not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag, weak=True)
    _set_max_age(response)
    return response


def _set_max_age(response: Response) -> None:
    if current_app.config["SHOW_DRAFTS"]:
        # The staff preview shows drafts: no shared cache may keep it.
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"


def _cache_headers(response: Response) -> Response:
    if not _cacheable() or response.status_code != 200 or "Cache-Control" in response.headers:
        return response
    etag = page_etag()
    if etag is None:
        return response
    if "ETag" not in response.headers:
        response.set_etag(etag, weak=True)
    _set_max_age(response)
    return response
