"""``/sante``: the load balancer's health check (build served, record counts, index age)."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from kb.content.urls import PAGES
from kb.web.state import state

bp = Blueprint("health", __name__)


@bp.get(PAGES["health"])
def health() -> tuple[Response, int]:
    """200 with the build this node serves; 503 when the database is unreachable, holds no build, or this node lacks its index."""
    try:
        with current_app.extensions["kb.engine"].connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        response = jsonify({"status": "indisponible", "message": "base de données injoignable", "build_id": None})
        response.headers["Cache-Control"] = "no-store"
        return response, 503
    st = state()
    body: dict[str, object] = {"status": "ok", "build_id": st.build_id}
    if st.build_id is None:
        body.update(status="indisponible", message="Aucune construction : lancez « kb build ».")
    elif st.index is None:
        body.update(status="indisponible", message=f"Index de la construction {st.build_id} absent sur ce serveur : lancez « kb build ».")
    body["built_at"] = st.info.get("built_at")
    body["counts"] = json.loads(st.info.get("counts", "{}"))
    body["index_age_seconds"] = _age_seconds(st.info.get("built_at"))
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if body["status"] == "ok" else 503


def _age_seconds(built_at: str | None) -> int | None:
    if not built_at:
        return None
    try:
        return max(0, int((dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(built_at)).total_seconds()))
    except ValueError:
        return None
