"""Default settings; each can be overridden by a KB_* environment variable (e.g. KB_DATA_DIR)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SITE_NAME = "Base des livres blancs"
TRUE_WORDS = {"1", "true", "yes", "on", "oui", "vrai"}

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "proposals",
    "INDEX_DIR": "search_index",
    "DATABASE_URL": "sqlite:///search_index/kb.sqlite",
    "SHOW_DRAFTS": False,
    "SITE_URL": "",
    # Host names the site answers (Flask's TRUSTED_HOSTS): KB_TRUSTED_HOSTS, else KB_SITE_URL's host; see trusted_hosts().
    "TRUSTED_HOSTS": None,
    "SITE_TAG_AUTHORITY": "cpme.fr,2025",  # Atom ids are tag:<this>:kb/<path> (kb.web.feeds): never change it
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FILE_KB": 256,  # a content file larger than this (Kio) is refused before it is read (kb.content.files)
    "PAGE_CACHE": True,  # pages kept per worker and replayed (kb.http.pagecache); KB_PAGE_CACHE=false turns it off
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


# Always trusted once a site address is set: the machine itself, for health checks and staff on the server. Pages
# never take their links from the Host when KB_SITE_URL is set, so these names cannot leak into them.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
NO_SITE_ADDRESS = (
    "kb : réglez KB_SITE_URL=https://… (l'adresse publique du site) ou KB_TRUSTED_HOSTS=nom1,nom2 (les noms d'hôte "
    "auxquels le site répond) : sous gunicorn, le site refuse de démarrer sans savoir à quels noms répondre "
    "(un en-tête Host quelconque finirait dans les liens des pages gardées en cache)."
)


class ConfigError(RuntimeError):
    """A setting the site cannot start without (the message says what to set, in French)."""


def trusted_hosts(config: Mapping[str, Any], under_gunicorn: bool = False) -> list[str] | None:
    """The Host names the site answers, for Flask's TRUSTED_HOSTS; None: any (development).

    KB_TRUSTED_HOSTS (a JSON list, or names separated by commas or spaces), else KB_SITE_URL's host name plus the
    loopback names. Under gunicorn (production) one of the two is required: ConfigError otherwise.
    """
    configured = config.get("TRUSTED_HOSTS")
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    if configured:
        return [str(name).strip().lower() for name in configured]
    host = urlsplit(str(config.get("SITE_URL") or "")).hostname
    if host:
        return [host, *LOOPBACK_HOSTS]
    if under_gunicorn:
        raise ConfigError(NO_SITE_ADDRESS)
    return None


def under_gunicorn(environ: Mapping[str, str]) -> bool:
    """True in a process started by gunicorn (its arbiter names itself in SERVER_SOFTWARE before loading the app)."""
    return environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")
