"""kb: a knowledge base of white-paper proposals and the regional actions that carry them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, database, blueprints (nothing is opened at import)."""
    # Flask is imported here, not at the top: `import kb.cli` for check or build must not pay for the web stack.
    from flask import Flask

    from kb import api, config, http, newsletter, web

    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_prefixed_env("KB")
    if test_config:
        app.config.update(test_config)
    app.config["SHOW_DRAFTS"] = config.truthy(app.config.get("SHOW_DRAFTS"))  # KB_SHOW_DRAFTS=1 arrives as int 1, « oui » as text
    app.config["TRUSTED_HOSTS"] = config.trusted_hosts(app.config, config.under_gunicorn(os.environ))
    http.init_app(app)  # the floor first: its hooks run around every front end's
    web.init_app(app)
    api.init_app(app)
    newsletter.init_app(app)
    http.start_page_cache(app)  # last: keeps pages as the app made them (kb.http.pagecache)
    return app
