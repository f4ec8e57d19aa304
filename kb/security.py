"""Security on every response: CSP and companion headers, request size limits, French error answers."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, render_template_string, request
from jinja2 import TemplateError
from werkzeug.exceptions import HTTPException

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

MESSAGES: dict[int, str] = {
    400: "Requête invalide : vérifiez l'adresse ou les paramètres de recherche.",
    405: "Méthode non permise : ce site est en lecture seule.",
    413: "Requête trop volumineuse.",
    414: "Adresse trop longue : raccourcissez la recherche (4 096 caractères au plus).",
}

_ERROR_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ code }} — {{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p><p><a href="/">Retour à l'accueil</a></p></main></body></html>
"""
_TITLES = {400: "Requête invalide", 405: "Méthode non permise", 413: "Requête trop volumineuse", 414: "Adresse trop longue"}


def is_card(path: str) -> bool:
    """True for the email-card endpoints (…/carte), the only ones that may be framed."""
    return path.rstrip("/").endswith("/carte")


def init_app(app: Flask) -> None:
    """Register the limits, the French error answers and the headers set on every response."""
    app.before_request(_limit_url)
    app.after_request(_headers)
    for code in MESSAGES:
        app.register_error_handler(code, _error)


def _limit_url() -> Response | None:
    # The query string is where a hostile client can make us work: cap it before any view runs.
    if len(request.full_path.encode("utf-8", "surrogateescape")) > MAX_URL_BYTES:
        return _answer(414)
    return None


def _error(exc: HTTPException) -> Response:
    response = _answer(exc.code or 400)
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _answer(code: int) -> Response:
    """A French error: JSON under /api/ (the API's error shape), a small HTML page elsewhere."""
    message = MESSAGES[code]
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"code": code, "message": message}})
    else:
        response = Response(_error_html(code, message), mimetype="text/html")
    response.status_code = code
    return response


def _error_html(code: int, message: str) -> str:
    """The site's own error page (kb/templates/error.html) when it renders, else a minimal page."""
    title = _TITLES[code]
    meta = {"title": title, "description": message, "canonical": request.path, "type": "website"}
    try:
        return render_template("error.html", meta=meta, code=code, heading=title, message=message)
    except TemplateError:
        return render_template_string(_ERROR_PAGE, code=code, title=title, message=message)


def _headers(response: Response) -> Response:
    card = is_card(request.path)
    response.headers["Content-Security-Policy"] = CARD_CSP if card else PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not card:
        # Older browsers ignore frame-ancestors.
        response.headers["X-Frame-Options"] = "DENY"
    return response
