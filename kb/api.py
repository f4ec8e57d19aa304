"""The read-only JSON API under /api/v1 (lists, records, search, exports, OpenAPI), plus the /api and /donnees pages."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask.sansio.blueprints import BlueprintSetupState
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from kb import apimodels as m
from kb import export, openapi, queries, search, shapes
from kb.apiparams import ApiError, check_known_ids, parse
from kb.serving import state

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPERATIONS: list[openapi.Operation] = []

# kind → (list path, query model, list envelope, French tag)
KINDS: dict[str, tuple[str, type[m.Query], type[m.ListEnvelope], str]] = {
    "proposal": ("/proposals", m.ProposalQuery, m.ProposalList, "Propositions"),
    "action": ("/actions", m.ActionQuery, m.ActionList, "Actions régionales"),
    "document": ("/documents", m.Page, m.DocumentList, "Documents"),
    "axis": ("/axes", m.AxisQuery, m.AxisList, "Axes"),
    "sector": ("/sectors", m.Page, m.SectorList, "Filières"),
    "region": ("/regions", m.Page, m.RegionList, "Régions"),
}
DETAIL_MODELS: dict[str, type[BaseModel]] = {
    "proposal": m.ProposalOut,
    "action": m.ActionOut,
    "document": m.DocumentOut,
    "axis": m.AxisOut,
    "sector": m.SectorOut,
    "region": m.RegionOut,
}


def _base() -> str:
    return str(current_app.config.get("SITE_URL") or request.host_url).rstrip("/")


def _ctx() -> shapes.Ctx:
    st = state()
    if st.build_id is None:
        raise ApiError(503, "not_built", "Aucune base construite : lancez « kb build ».")
    return shapes.Ctx(st.session, _base(), bool(current_app.config["SHOW_DRAFTS"]))


def _json(model: BaseModel, status: int = 200) -> Response:
    # Field order of the models (id first) and readable accents, rather than jsonify's sorted, escaped keys.
    body = model.model_dump_json(exclude_none=isinstance(model, m.ErrorBody))
    return Response(body, status=status, mimetype="application/json")


def _error_response(status: int, code: str, message: str, parameter: str | None = None) -> Response:
    return _json(m.ErrorBody(error=m.ErrorDetail(code=code, message=message, parameter=parameter)), status)


def _conditional(view: Callable[..., Response]) -> Callable[..., Response]:
    """ETag from the build id and the normalised request; Last-Modified from the build time; 304 on a match.

    The view runs first, so a bad parameter or an unknown id answers 400/404 even to a conditional request.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        resp = view(*args, **kwargs)
        st = state()
        if resp.status_code != 200 or st.build_id is None:
            return resp
        query = sorted((k, v) for k in request.args for v in request.args.getlist(k))
        key = repr((st.build_id, _base(), request.path, query, current_app.config["SHOW_DRAFTS"]))
        etag = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        built_at = st.info.get("built_at")
        modified = dt.datetime.fromisoformat(built_at) if built_at else None
        if request.if_none_match:
            fresh = request.if_none_match.contains_weak(etag)
        else:
            fresh = bool(modified and request.if_modified_since and modified <= request.if_modified_since)
        if fresh:
            resp = Response(status=304)
        resp.set_etag(etag)
        resp.last_modified = modified
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    return wrapper


def _register(op: openapi.Operation, view: Callable[..., Response]) -> None:
    OPERATIONS.append(op)
    rule = op.path.replace("{id}", "<path:record_id>")
    bp.add_url_rule(rule, endpoint=op.endpoint, view_func=_conditional(view), methods=["GET"])


def _next(total: int, limit: int, offset: int) -> str | None:
    if offset + limit >= total:
        return None
    args = request.args.to_dict(flat=False)
    args["offset"] = [str(offset + limit)]
    return _base() + request.path + "?" + urlencode(args, doseq=True)


def _list(kind: str) -> Response:
    _path, query_model, envelope, _tag = KINDS[kind]
    ctx = _ctx()
    q = parse(query_model, request.args)
    check_known_ids(q, ctx.names())
    if kind in ("proposal", "action"):
        names = ("document", "axis", "sector", "region", "status", "horizon")
        filters = queries.Filters(**{n: getattr(q, n) for n in names}, updated_since=q.updated_since)  # type: ignore[attr-defined]
        rows, total = queries.list_records(kind, filters, session=ctx.session, limit=q.limit, offset=q.offset, drafts=ctx.drafts)
        ids = [r.id for r in rows]
    else:
        rows = queries.all_of(kind, session=ctx.session, drafts=ctx.drafts)
        if getattr(q, "document", None):
            rows = [r for r in rows if r.document in q.document]  # type: ignore[attr-defined]
        total, ids = len(rows), [r.id for r in rows[q.offset : q.offset + q.limit]]
    data = shapes.many(ctx, kind, ids)
    return _json(envelope.model_validate({"data": data, "count": total, "next": _next(total, q.limit, q.offset)}))


def _detail(kind: str, record_id: str) -> Response:
    ctx = _ctx()
    record = shapes.DETAIL[kind](ctx, record_id)
    if record is not None:
        return _json(record)
    alias = queries.resolve_alias(record_id, session=ctx.session)
    if alias and shapes.DETAIL[alias[0]](ctx, alias[1]) is not None:
        resp = Response(status=301)
        resp.headers["Location"] = _base() + bp.url_prefix + KINDS[alias[0]][0] + "/" + alias[1]  # type: ignore[operator]
        return resp
    raise ApiError(404, "not_found", f"Aucune fiche « {record_id[:80]} » parmi les {KINDS[kind][3].lower()}.")


for _kind, (_path, _query, _envelope, _tag) in KINDS.items():
    _register(
        openapi.Operation(_path, f"list_{_kind}", f"Liste : {_tag.lower()}", _tag, _query, _envelope),
        functools.partial(_list, _kind),
    )
    _register(
        openapi.Operation(_path + "/{id}", f"get_{_kind}", f"Une fiche ({_tag.lower()})", _tag, None, DETAIL_MODELS[_kind], detail=True),
        lambda record_id, _k=_kind: _detail(_k, record_id),
    )


def _search() -> Response:
    ctx = _ctx()
    q = parse(m.SearchQuery, request.args)
    check_known_ids(q, ctx.names())
    idx = state().index
    if idx is None:
        raise ApiError(503, "not_built", "Aucun index de recherche : lancez « kb build ».")
    filters = {name: getattr(q, name) for name in search.FACETS}
    if q.updated_since:
        filters["updated_since"] = [str(q.updated_since)]
    res = search.search(idx, q.q, filters=filters, page=1, per_page=q.offset + q.limit, show_drafts=ctx.drafts)
    hits = [
        m.SearchHit(id=h.id, type=h.type, title=h.title, score=h.score, url=ctx.url(h.type, h.id), highlight=h.highlight)  # type: ignore[arg-type]
        for h in res.hits[q.offset :]
    ]
    body = m.SearchResponse(
        query=res.query, total=res.total, data=hits, next=_next(res.total, q.limit, q.offset), facets=res.facets, suggestion=res.suggestion
    )
    return _json(body)


_register(
    openapi.Operation(
        "/search",
        "search",
        "Recherche plein texte en français",
        "Recherche",
        m.SearchQuery,
        m.SearchResponse,
        description="Résultats classés avec extraits surlignés, nombre de résultats par filtre (facettes) et suggestion d'orthographe.",
    ),
    _search,
)


def _csv(name: str) -> Response:
    text = export.csv_text(_ctx(), name)
    resp = Response(text.encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


def _kb_json() -> Response:
    resp = Response(export.json_text(_ctx()), mimetype="application/json")
    resp.headers["Content-Disposition"] = 'inline; filename="kb.json"'
    return resp


for _name in export.CSV_FILES:
    _register(
        openapi.Operation(f"/export/{_name}", f"export_{_name.split('.')[0]}", f"Export CSV : {_name}", "Exports", media="text/csv"),
        functools.partial(_csv, _name),
    )
_register(openapi.Operation("/export/kb.json", "export_json", "Export JSON complet : kb.json", "Exports", response=m.KbExport), _kb_json)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document (built once per process: it depends only on the code)."""
    cached: dict[str, Any] | None = current_app.extensions.get("kb.openapi")
    if cached is None:
        cached = current_app.extensions["kb.openapi"] = openapi.document(OPERATIONS)
    return cached


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error_response(exc.status, exc.code, exc.message, exc.parameter)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _http_json(exc)


@bp.errorhandler(Exception)
def _server_error(exc: Exception) -> Response:
    current_app.logger.exception("API error on %s", request.path)
    return _error_response(500, "server_error", "Erreur interne du serveur.")


MESSAGES = {404: ("not_found", "Adresse inconnue dans l'API."), 405: ("method_not_allowed", "Méthode non permise : l'API se lit en GET.")}


def _http_json(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, message = MESSAGES.get(status, ("http_error", exc.description or ""))
    resp = _error_response(status, code, message)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


@bp.before_app_request
def _api_routing_errors() -> Response | None:
    """Unknown addresses and methods under /api/ answer JSON, whatever the site's HTML error pages do."""
    exc = request.routing_exception
    if request.path.startswith("/api/") and isinstance(exc, NotFound | MethodNotAllowed):
        return _http_json(exc)
    return None


# Errors answered before the API's own code runs (e.g. the URL length limit of kb.security), in the API's shape.
OUTER_ERRORS = {400: "bad_request", 405: "method_not_allowed", 413: "payload_too_large", 414: "uri_too_long"}


def _api_shape(resp: Response) -> Response:
    body = resp.get_json(silent=True) if resp.is_json else None
    error = body.get("error") if isinstance(body, dict) else None
    if resp.status_code in OUTER_ERRORS and isinstance(error, dict) and not isinstance(error.get("code"), str):
        shaped = _error_response(resp.status_code, OUTER_ERRORS[resp.status_code], str(error.get("message", "")))
        resp.set_data(shaped.get_data())
    return resp


@bp.after_app_request
def _cors(resp: Response) -> Response:
    """Any site may read the API and the exports (GET only; OPTIONS preflight answered); errors keep the API's shape."""
    if request.path.startswith("/api/"):
        _api_shape(resp)
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def api_page() -> str:
    """Human documentation of the API, in French, generated from the OpenAPI document."""
    meta = {
        "title": "API et données ouvertes",
        "description": "Toutes les propositions et actions de la base en JSON, avec les filtres du site.",
        "canonical": "/api",
    }
    return render_template("api.html", meta=meta, doc=openapi_document(), base=openapi.BASE_PATH)


def data_page() -> str:
    """The open-data files and each of their columns, in French."""
    meta = {
        "title": "Données ouvertes",
        "description": "Les propositions et actions en CSV et en JSON : fichiers et colonnes.",
        "canonical": "/donnees",
    }
    return render_template("donnees.html", meta=meta, csv_files=export.CSV_FILES, base=openapi.BASE_PATH)


@bp.record_once
def _pages(setup: BlueprintSetupState) -> None:
    # These two pages live outside /api/v1, which the blueprint's prefix would impose on its own rules.
    setup.app.add_url_rule("/api", "api_page", api_page)
    setup.app.add_url_rule("/donnees", "data_page", data_page)
