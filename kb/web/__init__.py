"""The HTML site: pages and feeds, facets, display, <head> metadata, typography, templates.

Owns how the site's pages look: every route renders data computed below it (kb.pages, kb.store, kb.search) through
the request context of the HTTP floor (kb.http), which also answers its errors and caches its pages. Nothing
imports kb.web but the application factory (and `kb stats`, which reuses the dashboard's figures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the site into the app: templates, typography, blueprints (after the HTTP floor, kb.http.init_app)."""
    # Imported here, not at the top: the site's modules load Flask and Jinja, which `import kb` for the CLI must not.
    from kb.web import about, browse, compare_page, dashboard, feeds, indexes, templating, typesetting, views

    templating.init_app(app)
    typesetting.install(app.jinja_env)
    for bp in (views.bp, browse.bp, indexes.bp, about.bp, dashboard.bp, feeds.bp, compare_page.bp):
        app.register_blueprint(bp)
