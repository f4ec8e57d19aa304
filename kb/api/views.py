"""The read-only JSON API under /api/v1: lists, records, search, exports and the OpenAPI document.

Every route renders data computed once elsewhere (the record shapes of kb.pages.records, « Qui propose quoi » of
kb.pages.compare) from the request context of kb.http.context; errors, ETags and conditional requests are the HTTP
floor's (kb.http), the same as the site's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel

from kb import search
from kb.api import compare_twins, export, openapi
from kb.api.params import LIST_FILTERS, QUERIES, ApiError, SearchQuery, check_known_ids, parse
from kb.content import kinds
from kb.content.filters import BY_NAME, NAMES, UPDATED_SINCE
from kb.content.urls import API_PREFIX, API_ROOT
from kb.http import errors, files
from kb.http.context import current, show_drafts
from kb.pages import Context, records
from kb.pages import shapes as m
from kb.store import queries

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
OPERATIONS: list[openapi.Operation] = []


def _ctx() -> Context:
    ctx = current()
    if ctx.build_id is None:
        raise ApiError(503, "not_built", "Aucune base construite : lancez « kb build ».")
    return ctx


def _json(model: BaseModel, status: int = 200) -> Response:
    # Field order of the models (id first) and readable accents, rather than jsonify's sorted, escaped keys.
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def _register(op: openapi.Operation, view: Callable[..., Response]) -> None:
    OPERATIONS.append(op)
    rule = op.path.replace("{id}", "<path:record_id>")
    bp.add_url_rule(rule, endpoint=op.endpoint, view_func=view, methods=["GET"])


def _next(ctx: Context, total: int, limit: int, offset: int) -> str | None:
    if offset + limit >= total:
        return None
    args = request.args.to_dict(flat=False)
    args["offset"] = [str(offset + limit)]
    return ctx.urls.absolute(request.path + "?" + urlencode(args, doseq=True))


def _list(kind: kinds.Kind) -> Response:
    ctx = _ctx()
    q: Any = parse(QUERIES[kind], request.args)
    check_known_ids(q, ctx.names())
    if kind.listed:
        values = {name: getattr(q, name) for name in (*LIST_FILTERS, "status")}
        rows, total = queries.list_records(ctx.db, kind, queries.Filters(values, updated_since=q.updated_since), limit=q.limit,
                                           offset=q.offset)
        ids = [r.id for r in rows]
    else:
        # The other kinds' lists are short (every record fits in a few pages): filtered here on their own fields.
        wanted = {name: set(values) for name, values in q.model_dump(exclude={"limit", "offset"}).items() if values}
        # A filter that files this kind through Link rows (an organisation's documents): the ids it files, else a field.
        filed = {name: {lk.src for v in values for lk in queries.links(ctx.db, None, name, v)}
                 for name, values in wanted.items() if name in BY_NAME and kind in BY_NAME[name].files}
        rows = [r for r in queries.all_of(ctx.db, kind)
                if all(r.id in filed[name] if name in filed else getattr(r, name) in values for name, values in wanted.items())]
        total, ids = len(rows), [r.id for r in rows[q.offset : q.offset + q.limit]]
    data = records.many(ctx, kind, ids)
    return _json(m.LISTS[kind].model_validate({"data": data, "count": total, "next": _next(ctx, total, q.limit, q.offset)}))


def _detail(kind: kinds.Kind, record_id: str) -> Response:
    ctx = _ctx()
    record = records.detail(ctx, kind, record_id)
    if record is not None:
        return _json(record)
    alias = queries.resolve_alias(ctx.db, record_id)
    if alias:
        resp = Response(status=301)
        resp.headers["Location"] = ctx.urls.api(f"/{kinds.kind(alias[0]).collection}/{alias[1]}")
        return resp
    raise ApiError(404, "not_found", f"Aucune fiche « {record_id[:80]} » parmi les {kind.plural.lower()}.")


for _kind in kinds.every():
    _path, _tag = f"/{_kind.collection}", _kind.plural
    _register(
        openapi.Operation(_path, f"list_{_kind}", f"Liste : {_tag.lower()}", _tag, QUERIES[_kind], m.LISTS[_kind]),
        functools.partial(_list, _kind),
    )
    _register(
        openapi.Operation(_path + "/{id}", f"get_{_kind}", f"Une fiche ({_tag.lower()})", _tag, None, m.DETAIL[_kind], detail=True),
        lambda record_id, _k=_kind: _detail(_k, record_id),
    )


def _search() -> Response:
    ctx = _ctx()
    q: Any = parse(SearchQuery, request.args)
    check_known_ids(q, ctx.names())
    if ctx.index is None:
        raise ApiError(503, "not_built", "Aucun index de recherche : lancez « kb build ».")
    filters = {name: getattr(q, name) for name in NAMES}
    if q.updated_since:
        filters[UPDATED_SINCE] = [str(q.updated_since)]
    # Partial matches fill a page of ``limit`` (as on the site): the same total whatever the offset.
    res = search.search(ctx.index, q.q, filters=filters, page=1, per_page=q.offset + q.limit, show_drafts=ctx.drafts, fill_below=q.limit)
    return _json(records.search_response(ctx.urls, res, q.offset, _next(ctx, res.total, q.limit, q.offset)))


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
        compare_twins.CompareQuery,
        compare_twins.CompareResponse,
        description=(
            "Les données de la page /comparer : les axes du livre blanc en lignes, les documents en colonnes ; chaque cellule "
            "donne les propositions du document sur l'axe (« basis » : « source » pour celles du livre blanc, « editorial » "
            "pour celles que la base rapproche de l'axe). Mêmes filtres que la page ; la même vue en CSV : /comparer.csv."
        ),
    ),
    lambda: _json(compare_twins.answer(_ctx(), request.args)),
)


def _export(name: str) -> Response:
    """An export: the file its build wrote (kb.http.files), else rendered here (preview server, another site address)."""
    ctx = _ctx()
    mimetype = export.FILES[name]
    disposition = "inline" if name == export.JSON_FILE else "attachment"
    built = files.built_export(name, mimetype, disposition)
    if built is not None:
        return built
    resp = Response(export.render(ctx, name), mimetype=mimetype)
    if mimetype == "text/csv":
        resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return resp


for _name in export.CSV_FILES:
    _register(
        openapi.Operation(f"/export/{_name}", f"export_{_name.split('.')[0]}", f"Export CSV : {_name}", "Exports", media="text/csv"),
        functools.partial(_export, _name),
    )
_register(openapi.Operation("/export/kb.json", "export_json", "Export JSON complet : kb.json", "Exports", response=m.KbExport),
          functools.partial(_export, export.JSON_FILE))


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


@bp.after_app_request
def _cors(resp: Response) -> Response:
    """Any site may read the API and the exports (GET only; OPTIONS preflight answered); never a preview's, which shows drafts."""
    if request.path.startswith(API_ROOT) and not show_drafts():
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            resp.headers["Access-Control-Max-Age"] = "86400"
    return resp
