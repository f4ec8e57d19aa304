"""The HTTP floor under the three front ends (site, API, newsletter): what a request needs before any page renders.

Owns the request context (one Context per request: session, served build, drafts mode, absolute addresses;
kb.http.context), every error answer, HTML or JSON (kb.http.errors), record addresses as the site answers them
(current, former, retired: kb.http.records), security headers and limits, HTTP caching with its one cache key
(kb.http.caching), the page cache in front of Flask (kb.http.pagecache) and /sante. Imports kb.content, kb.store,
kb.search and kb.pages; kb.web, kb.api and kb.newsletter build on it, never the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the floor into the app: context, errors, security, caching, record addresses, health (before the front ends)."""
    # Imported here, not at the top: the floor is Flask's, and `kb check` or `kb build` never load it.
    from kb.http import caching, context, errors, health, records, security

    context.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    records.init_app(app)
    app.register_blueprint(health.bp)


def start_page_cache(app: Flask) -> None:
    """Put the page cache in front of the finished app (last: it keeps pages as the app made them)."""
    from kb.http import pagecache  # with the other modules of the floor: Flask only when an app is made

    pagecache.init_app(app)
