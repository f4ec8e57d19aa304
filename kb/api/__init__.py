"""The read-only JSON API: blueprint, response models, parameters, OpenAPI document, exports (CSV and JSON).

Owns the data twin of every page: the same records and filters as JSON under /api/v1, documented by an OpenAPI
document generated from the models that validate requests and shape answers (kb.pages.shapes), and the record
shapes the site's pages show too (kb.pages.records). Builds on the HTTP floor (kb.http: request context, errors, HTTP
caching) and the pages' data (kb.pages); reads kb.store and kb.search; never imports kb.web nor kb.newsletter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprint and its two human pages."""
    # Imported here, not at the top: `kb export` uses kb.api.export and kb.pages.records without the web stack.
    from kb.api import pages, views

    app.register_blueprint(views.bp)
    pages.init_app(app)
