"""``/sante``: the load balancer's health check, which checks what a visitor's request needs, part by part.

database (it answers, and its record tables read), build (the database serves one), index (this server has that
build's index, its files are the ones the build wrote, and it opens), search (a probe search runs and finds as many
public records as the database). 200 when every part is ok; else 503, with ``failing`` naming the first part that
fails and ``message`` saying why, in French.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from kb.content import kinds
from kb.content.urls import PAGES
from kb.http.context import DATABASE_DOWN, index_damage, probe, problem, served
from kb.store import queries

bp = Blueprint("health", __name__)


@bp.get(PAGES["health"])
def health() -> tuple[Response, int]:
    """200 with the build this server serves and its public record counts; 503 naming the part that fails."""
    body: dict[str, Any] = {"status": "ok", "build_id": None, "built_at": None, "counts": {}, "index_age_seconds": None, "checks": {}}
    failure = _check(body)
    if failure is not None:
        part, message = failure
        body.update(status="indisponible", failing=part, message=message)
        body["checks"][part] = message
        current_app.logger.warning("/sante : %s en échec : %s", part, message)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if failure is None else 503


def _check(body: dict[str, Any]) -> tuple[str, str] | None:
    """Fill body part by part; the first failing (part, message), or None."""
    checks = body["checks"]
    try:
        with current_app.extensions["kb.engine"].connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        ctx = served()
        failure = problem()
        if failure and failure[0] == "database":
            return failure
        # The database probe reads the record tables themselves; drafts are never counted in public.
        body["counts"] = queries.counts(ctx.db.public()) if ctx.build_id else {}
    except SQLAlchemyError:
        return "database", DATABASE_DOWN
    checks["database"] = "ok"
    if ctx.build_id is None:
        return "build", "Aucune construction : lancez « kb build »."
    body.update(build_id=ctx.build_id, built_at=ctx.info.get("built_at"), index_age_seconds=_age_seconds(ctx.info.get("built_at")))
    checks["build"] = "ok"
    if ctx.index is None:  # problem() says why
        return failure or ("index", "index non ouvert")
    # Opening checked the files once; a worker holding them open checks again here (a stat each, a hash if changed).
    damage = index_damage(ctx.build_id, ctx.index.path)
    if damage:
        return "index", damage
    checks["index"] = "ok"
    failed = probe(ctx.index, sum(body["counts"].get(kind, 0) for kind in kinds.where(listed=True)))
    if failed:
        return "search", f"Recherche en échec sur l'index de la construction {ctx.build_id} ({failed}) : lancez « kb build »."
    checks["search"] = "ok"
    return None


def _age_seconds(built_at: str | None) -> int | None:
    if not built_at:
        return None
    try:
        return max(0, int((dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(built_at)).total_seconds()))
    except ValueError:
        return None
