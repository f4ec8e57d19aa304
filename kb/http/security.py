"""Security on every response: CSP and companion headers, the URL length limit (errors answer in kb.http.errors)."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from werkzeug.exceptions import SecurityError

from kb.content.urls import is_card
from kb.http.errors import error_response

# Pages: nothing inline, nothing from elsewhere; only our own scripts, styles and images.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
# Cards are email snippets: inline styles are their only styling, they may be framed anywhere
# (oEmbed, previews), and still never run a script.
CARD_CSP = (
    "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'"
)
MAX_URL_BYTES = 4096
BAD_HOST = "Nom de site inconnu ou mal formé (en-tête Host) : ce serveur ne répond pas à cette adresse."


def init_app(app: Flask) -> None:
    """Register the Host check, the URL limit and the headers set on every response."""
    app.before_request(_check_host)
    app.before_request(_limit_url)
    app.after_request(_headers)


def _check_host() -> Response | None:
    # First of all hooks: a Host outside TRUSTED_HOSTS (SecurityError, a 400) or malformed (werkzeug then reads it as
    # empty, and links would start « http:/ ») is refused before anything is looked up or rendered for it.
    try:
        valid = bool(request.host)
    except SecurityError:
        valid = False
    if not valid:
        abort(400, description=BAD_HOST)
    return None


def _limit_url() -> Response | None:
    # The query string is where a hostile client can make us work: cap it before any view runs.
    if len(request.full_path.encode("utf-8", "surrogateescape")) > MAX_URL_BYTES:
        return error_response(414)
    return None


def _headers(response: Response) -> Response:
    card = is_card(request.path)
    response.headers["Content-Security-Policy"] = CARD_CSP if card else PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not card:
        # Older browsers ignore frame-ancestors.
        response.headers["X-Frame-Options"] = "DENY"
    return response
