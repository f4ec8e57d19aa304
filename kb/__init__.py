"""kb: a knowledge base of white-paper proposals and the regional actions that carry them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, database, blueprints (nothing is opened at import)."""
    # Flask is imported here, not at the top: `import kb.cli` for check or build must not pay for the web stack.
    from flask import Flask

    from kb import api, caching, config, feeds, health, newsletter, pagecache, security, serving, views

    app = Flask(__name__)
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_prefixed_env("KB")
    if test_config:
        app.config.update(test_config)
    from kb import dashboard
    from kb.drafts import truthy

    app.config["SHOW_DRAFTS"] = truthy(app.config.get("SHOW_DRAFTS"))  # KB_SHOW_DRAFTS=1 arrives as int 1, « oui » as text
    serving.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    pagecache.init_app(app)  # last: keeps pages as the views made them (kb.pagecache)
    app.register_blueprint(views.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(newsletter.bp)
    app.register_blueprint(feeds.bp)
    return app
