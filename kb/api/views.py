"""The read-only JSON API under /api/v1: lists, records, search, exports and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel

from kb import search
from kb.api import compare, export, openapi, shapes
from kb.api import models as m
from kb.api.params import (
    LIST_FILTERS,
    ActionQuery,
    ApiError,
    AxisQuery,
    DocumentQuery,
    Page,
    ProposalQuery,
    SearchQuery,
    check_known_ids,
    parse,
)
from kb.content.filters import NAMES
from kb.content.urls import API_PREFIX, API_ROOT
from kb.store import queries
from kb.web import errors
from kb.web.head import base_url
from kb.web.httpcache import etag
from kb.web.state import state

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
OPERATIONS: list[openapi.Operation] = []

# kind → (list path, query model, list envelope, French tag)
KINDS: dict[str, tuple[str, type[BaseModel], type[m.ListEnvelope], str]] = {
    "proposal": ("/proposals", ProposalQuery, m.ProposalList, "Propositions"),
    "action": ("/actions", ActionQuery, m.ActionList, "Actions régionales"),
    "document": ("/documents", DocumentQuery, m.DocumentList, "Documents"),
    "axis": ("/axes", AxisQuery, m.AxisList, "Axes"),
    "sector": ("/sectors", Page, m.SectorList, "Filières"),
    "region": ("/regions", Page, m.RegionList, "Régions"),
}
DETAIL_MODELS: dict[str, type[BaseModel]] = {
    "proposal": m.ProposalOut,
    "action": m.ActionOut,
    "document": m.DocumentOut,
    "axis": m.AxisOut,
    "sector": m.SectorOut,
    "region": m.RegionOut,
}


def _ctx() -> shapes.Ctx:
    st = state()
    if st.build_id is None:
        raise ApiError(503, "not_built", "Aucune base construite : lancez « kb build ».")
    return shapes.Ctx(st.session, base_url(), bool(current_app.config["SHOW_DRAFTS"]))


def _json(model: BaseModel, status: int = 200) -> Response:
    # Field order of the models (id first) and readable accents, rather than jsonify's sorted, escaped keys.
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def _conditional(view: Callable[..., Response]) -> Callable[..., Response]:
    """ETag from the build id and the request (kb.web.httpcache); Last-Modified from the build time; 304 on a match.

    The view runs first, so a bad parameter or an unknown id answers 400/404 even to a conditional request.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        resp = view(*args, **kwargs)
        st = state()
        if resp.status_code != 200 or st.build_id is None:
            return resp
        tag = etag(st.build_id)
        built_at = st.info.get("built_at")
        modified = dt.datetime.fromisoformat(built_at) if built_at else None
        if request.if_none_match:
            fresh = request.if_none_match.contains_weak(tag)
        else:
            fresh = bool(modified and request.if_modified_since and modified <= request.if_modified_since)
        if fresh:
            resp = Response(status=304)
        resp.set_etag(tag)
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
    return base_url() + request.path + "?" + urlencode(args, doseq=True)


def _list(kind: str) -> Response:
    _path, query_model, envelope, _tag = KINDS[kind]
    ctx = _ctx()
    q = parse(query_model, request.args)
    check_known_ids(q, ctx.names())
    if kind in ("proposal", "action"):
        values = {name: getattr(q, name) for name in (*LIST_FILTERS, "status")}
        filters = queries.Filters(values, updated_since=q.updated_since)  # type: ignore[attr-defined]
        rows, total = queries.list_records(kind, filters, session=ctx.session, limit=q.limit, offset=q.offset, drafts=ctx.drafts)  # type: ignore[attr-defined]
        ids = [r.id for r in rows]
    else:
        rows = queries.all_of(kind, session=ctx.session, drafts=ctx.drafts)
        if getattr(q, "document", None):
            rows = [r for r in rows if r.document in q.document]  # type: ignore[attr-defined]
        if getattr(q, "kind", None):
            rows = [r for r in rows if r.kind in q.kind]  # type: ignore[attr-defined]
        total, ids = len(rows), [r.id for r in rows[q.offset : q.offset + q.limit]]  # type: ignore[attr-defined]
    data = shapes.many(ctx, kind, ids)
    return _json(envelope.model_validate({"data": data, "count": total, "next": _next(total, q.limit, q.offset)}))  # type: ignore[attr-defined]


def _detail(kind: str, record_id: str) -> Response:
    ctx = _ctx()
    record = shapes.DETAIL[kind](ctx, record_id)
    if record is not None:
        return _json(record)
    alias = queries.resolve_alias(record_id, session=ctx.session, drafts=ctx.drafts)
    if alias:
        resp = Response(status=301)
        resp.headers["Location"] = base_url() + API_PREFIX + KINDS[alias[0]][0] + "/" + alias[1]
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
    q: Any = parse(SearchQuery, request.args)
    check_known_ids(q, ctx.names())
    idx = state().index
    if idx is None:
        raise ApiError(503, "not_built", "Aucun index de recherche : lancez « kb build ».")
    filters = {name: getattr(q, name) for name in NAMES}
    if q.updated_since:
        filters["updated_since"] = [str(q.updated_since)]
    res = search.search(idx, q.q, filters=filters, page=1, per_page=q.offset + q.limit, show_drafts=ctx.drafts)
    hits = [
        m.SearchHit(id=h.id, type=h.type, title=h.title, score=h.score, url=ctx.url(h.type, h.id), highlight=h.highlight)  # type: ignore[arg-type]
        for h in res.hits[q.offset :]
    ]
    body = m.SearchResponse(
        query=res.query, total=res.total, data=hits, next=_next(res.total, q.limit, q.offset), facets=res.facets, suggestion=res.suggestion,
        partial=res.partial,
    )
    return _json(body)


_register(
    openapi.Operation(
        "/search",
        "search",
        "Recherche plein texte en français",
        "Recherche",
        SearchQuery,
        m.SearchResponse,
        description="Résultats classés avec extraits surlignés, nombre de résultats par filtre (facettes) et suggestion d'orthographe.",
    ),
    _search,
)


_register(
    openapi.Operation(
        "/compare",
        "compare",
        "Qui propose quoi : les axes du livre blanc face aux documents",
        "Comparaison",
        compare.CompareQuery,
        compare.CompareResponse,
        description=(
            "Les données de la page /comparer : les axes du livre blanc en lignes, les documents en colonnes ; chaque cellule "
            "donne les propositions du document sur l'axe (« basis » : « source » pour celles du livre blanc, « editorial » "
            "pour celles que la base rapproche de l'axe). Mêmes filtres que la page ; la même vue en CSV : /comparer.csv."
        ),
    ),
    lambda: _json(compare.answer(_ctx(), request.args)),
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
    return errors.json_error(exc.status, exc.code, exc.message, exc.parameter)


@bp.errorhandler(Exception)
def _any_error(exc: Exception) -> Response:
    # In the API's own views even an unexpected exception answers JSON (kb.web.errors logs it).
    return errors.answer(exc)


@bp.after_app_request
def _cors(resp: Response) -> Response:
    """Any site may read the API and the exports (GET only; OPTIONS preflight answered)."""
    if request.path.startswith(API_ROOT):
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            resp.headers["Access-Control-Max-Age"] = "86400"
    return resp
