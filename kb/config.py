"""Default settings; each can be overridden by a KB_* environment variable (e.g. KB_DATA_DIR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SITE_NAME = "Base des livres blancs"
TRUE_WORDS = {"1", "true", "yes", "on", "oui", "vrai"}

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "proposals",
    "INDEX_DIR": "search_index",
    "DATABASE_URL": "sqlite:///search_index/kb.sqlite",
    "SHOW_DRAFTS": False,
    "SITE_URL": "",
    "SITE_TAG_AUTHORITY": "cpme.fr,2025",  # Atom ids are tag:<this>:kb/<path> (kb.feeds): never change it
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "PAGE_CACHE": True,  # pages kept per worker and replayed (kb.web.pagecache); KB_PAGE_CACHE=false turns it off
    # Who publishes the site (/a-propos, /mentions-legales, /accessibilite): empty until the publisher sets them.
    "PUBLISHER_NAME": "",
    "PUBLISHER_ADDRESS": "",
    "PUBLISHER_CONTACT": "",  # an e-mail address or a contact page (https://…)
    "PUBLICATION_DIRECTOR": "",
    "HOST_NAME": "",
    "HOST_ADDRESS": "",
}
# The publisher settings, in the order the legal notice shows them.
PUBLISHER_KEYS = ("PUBLISHER_NAME", "PUBLISHER_ADDRESS", "PUBLISHER_CONTACT", "PUBLICATION_DIRECTOR", "HOST_NAME", "HOST_ADDRESS")


def resolve_database_url(url: str) -> str:
    """Make a relative SQLite path absolute (from the cwd) so the app and the CLI open the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
        path = Path(url[len(prefix) :]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


def truthy(value: Any) -> bool:
    """Read a flag from configuration: KB_SHOW_DRAFTS=1 arrives as int 1, « true » as True, « oui » as a string."""
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)
