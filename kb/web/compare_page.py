"""« Qui propose quoi » (/comparer) as an HTML page: the data is kb.pages.compare's, every view a shareable address."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlmodel import select

from kb.content.typography import quoted
from kb.content.urls import API_PREFIX, PAGES
from kb.http.context import built
from kb.pages import compare
from kb.pages.compare import EMPTY, Choice
from kb.store.tables import Axis

bp = Blueprint("compare", __name__)

API_PATH = API_PREFIX + "/compare"


@bp.get(PAGES["compare"])
def page() -> str:
    """The table (rows: axes; columns: documents) where its columns fit and in print; elsewhere one section per axis: the
    documents that propose something on it, then one line naming the others."""
    ctx = built()
    try:
        data = compare.read(ctx, Choice.asked(request.args))
    except compare.Unknown as exc:
        abort(400, description=exc.message())
    c, choice = data.comparison, data.choice
    pivot = f" {quoted(c.pivot.title)} ({ctx.who().of(c.pivot) or c.pivot.publisher})" if c.pivot else ""
    meta = {
        "title": "Qui propose quoi",
        "description": f"Les axes du document{pivot} et, pour chacun, ce que proposent les autres documents de la base.",
        "canonical": choice.url(PAGES["compare"]),
        "type": "website",
    }
    links = {
        "csv": choice.url(PAGES["compare_csv"]),
        "api": choice.url(API_PATH, api=True),
        "all": PAGES["compare"],
    }
    with_axes = set(ctx.db.session.exec(select(Axis.document)))
    return render_template("compare.html", meta=meta, c=c, choice=choice, links=links, empty=EMPTY, with_axes=with_axes,
                           source=data.source, rows=data.rows, names=data.names,
                           filtered=bool(choice.documents or choice.axes or choice.pivot))


def compare_link(axis: Axis) -> str:
    """« Comparer sur cet axe »: the comparison of one axis, whichever document it belongs to."""
    return Choice(axes=(axis.id,)).url(PAGES["compare"])


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_compare_link": compare_link}
