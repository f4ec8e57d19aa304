"""HTML pages (first version: home and search; the web issue grows this)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from kb import search
from kb.serving import state

bp = Blueprint("views", __name__)


@bp.get("/")
def home() -> str:
    """Home page."""
    st = state()
    return render_template("home.html", built=st.build_id is not None)


@bp.get("/recherche")
def search_page() -> str:
    """Search results."""
    st = state()
    q = request.args.get("q", "")
    results = search.search(st.index, q) if st.index else None
    return render_template("search.html", q=q, results=results)
