"""The web site: routes and views, facets, display, <head> metadata, errors, HTTP caching, security, health, feeds.

Owns how the site answers a request: the per-request state (one session, the index of the same build), the HTML
pages and feeds, every error answer (HTML or JSON, kb.web.errors), the one HTTP cache key (kb.web.httpcache) and
the page cache in front of Flask (kb.web.pagecache). Imports kb.content, kb.store and kb.search; kb.api and
kb.newsletter build on it, never the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the site into the app: state, errors, security, caching, tombstones, templates, typography, blueprints."""
    # Imported here, not at the top: kb.web.stats and kb.web.facets serve `kb stats` too, which needs no Flask.
    from kb.web import (
        about,
        browse,
        compare,
        dashboard,
        errors,
        feeds,
        health,
        httpcache,
        indexes,
        records,
        security,
        state,
        templating,
        typography,
        views,
    )

    state.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    httpcache.init_app(app)
    records.init_app(app)
    templating.init_app(app)
    typography.init_app(app)
    for bp in (views.bp, browse.bp, indexes.bp, about.bp, dashboard.bp, health.bp, feeds.bp, compare.bp):
        app.register_blueprint(bp)


def start_page_cache(app: Flask) -> None:
    """Put the page cache in front of the finished app (last: it keeps pages as the app made them)."""
    from kb.web import pagecache  # with the other web modules: Flask only when an app is made

    pagecache.init_app(app)
