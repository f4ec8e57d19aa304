"""Default settings; each can be overridden by a KB_* environment variable (e.g. KB_DATA_DIR)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "proposals",
    "INDEX_DIR": "search_index",
    "DATABASE_URL": "sqlite:///search_index/kb.sqlite",
    "SHOW_DRAFTS": False,
    "SITE_URL": "",
    "SITE_TAG_AUTHORITY": "cpme.fr,2025",  # Atom ids are tag:<this>:kb/<path> (kb.feeds): never change it
    "MAX_CONTENT_LENGTH": 64 * 1024,
}


def resolve_database_url(url: str) -> str:
    """Make a relative SQLite path absolute (from the cwd) so the app and the CLI open the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
        from pathlib import Path

        path = Path(url[len(prefix) :]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url
