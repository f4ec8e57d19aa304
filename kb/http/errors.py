"""Every error answer of the site, HTML and JSON, in one place: a French page, or the API's JSON shape under /api/.

The same status gets the same title everywhere; a view may give its own message (``abort(400, description=…)``).
Under /api/ every error, routing and size limits included, is ``{"error": {"code", "message", "parameter"?}}``
(documented as ErrorBody in kb.pages.shapes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask, Response, current_app, render_template, render_template_string, request
from flask.globals import request_ctx
from jinja2 import TemplateError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.content.urls import API_ROOT
from kb.http.context import unavailable
from kb.http.records import NearMiss, near_miss


@dataclass(frozen=True)
class Error:
    """How one status reads: page title and message, API code and message."""

    title: str
    message: str
    code: str
    api_message: str = ""


ERRORS: dict[int, Error] = {
    400: Error("Demande incorrecte", "La demande contient un paramètre que nous ne comprenons pas.", "bad_request",
               "Requête invalide : vérifiez l'adresse ou les paramètres de recherche."),
    404: Error("Page introuvable", "Cette page n'existe pas, ou plus. Cherchez ce que vous vouliez lire :", "not_found",
               "Adresse inconnue dans l'API."),
    405: Error("Méthode non permise", "Méthode non permise : ce site est en lecture seule.", "method_not_allowed",
               "Méthode non permise : l'API se lit en GET."),
    413: Error("Requête trop volumineuse", "Requête trop volumineuse.", "payload_too_large"),
    414: Error("Adresse trop longue", "Adresse trop longue : raccourcissez la recherche (4 096 caractères au plus).", "uri_too_long"),
    500: Error("Erreur du serveur", "Une erreur s'est produite de notre côté. Réessayez dans un instant.", "server_error",
               "Erreur interne du serveur."),
    503: Error("Service momentanément indisponible",
               "Le site est en cours de mise à jour ou de réparation sur ce serveur. Réessayez dans quelques instants.",
               "unavailable", "Service momentanément indisponible : réessayez dans quelques instants."),
}
# How long a client should wait before trying again after a 503 (the next build or the next server).
RETRY_AFTER_SECONDS = 30

_MINIMAL = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ code }} — {{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p><p><a href="/">Retour à l'accueil</a></p></main></body></html>
"""


def is_api() -> bool:
    """True when this request is for the JSON API (its errors answer JSON)."""
    return request.path.startswith(API_ROOT)


def json_error(status: int, code: str, message: str, parameter: str | None = None) -> Response:
    """An API error answer."""
    detail = {"code": code, "message": message} | ({"parameter": parameter} if parameter else {})
    return Response(json.dumps({"error": detail}, ensure_ascii=False), status=status, mimetype="application/json")


def error_response(status: int, message: str | None = None) -> Response:
    """The answer for an HTTP error status: JSON under /api/, else the French page (``message`` replaces the default)."""
    error = ERRORS.get(status) or ERRORS[500 if status >= 500 else 400]
    if is_api():
        response = json_error(status, error.code, message or error.api_message or error.message)
    else:
        meta = {"title": error.title, "description": error.message, "canonical": request.path, "type": "website"}
        try:
            # A Host outside TRUSTED_HOSTS leaves the request without URL building: the plain page, without links.
            if request_ctx.url_adapter is None:
                raise TemplateError("no URL adapter")
            body = render_template("error.html", meta=meta, code=status, heading=error.title, message=message or error.message,
                                   near=_near_miss() if status == 404 else None)
        except TemplateError:
            body = render_template_string(_MINIMAL, code=status, title=error.title, message=message or error.message)
        response = Response(body, status=status, mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _near_miss() -> NearMiss | None:
    """What a 404 on a record's address offers; nothing when the base cannot tell (the page itself must still answer)."""
    try:
        return near_miss(request.path)
    except Exception as exc:  # noqa: BLE001 — a 404 page never fails for its suggestion
        current_app.logger.warning("Pas de suggestion pour %s : %s", request.path, exc)
        return None


def answer(exc: Exception) -> Response:
    """The answer for an exception: its HTTP error, or a logged 500 for anything else."""
    if isinstance(exc, HTTPException) and not isinstance(exc, InternalServerError):
        return _http_error(exc)
    if not isinstance(exc, HTTPException):  # Flask logs what reaches it as an InternalServerError
        current_app.logger.exception("Erreur sur %s", request.path, exc_info=exc)
    return error_response(500)


def _unexpected(exc: Exception) -> Response:
    """An error no view expected, on any route (site, API, cards): a 503 when the build this server serves turns out
    unreadable, else a logged 500; in French, JSON under /api/. The one catch-all: no blueprint has its own."""
    problem = unavailable(exc)
    if problem is None:
        return answer(exc)
    current_app.logger.error("Service indisponible sur %s : %s", request.path, problem, exc_info=exc)
    return error_response(503)


def _http_error(exc: HTTPException) -> Response:
    custom = exc.description if exc.description and exc.description != type(exc).description else None
    response = error_response(exc.code, custom if exc.code != 500 else None)
    valid = getattr(exc, "valid_methods", None)
    if exc.code == 405 and valid:
        response.headers["Allow"] = ", ".join(valid)
    return response


def init_app(app: Flask) -> None:
    """Answer every HTTP error (an unhandled exception as a 500, or a 503 when the build is unreadable) in French, HTML or JSON."""
    app.register_error_handler(HTTPException, answer)
    app.register_error_handler(Exception, _unexpected)

