"""« Qui propose quoi » (/comparer) as an HTML page: the data is kb.pages.compare's, every view a shareable address."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from kb.content.kinds import DOCUMENT
from kb.content.urls import API_PREFIX, PAGES
from kb.http.context import built, current
from kb.pages import compare
from kb.pages.compare import EMPTY, Choice
from kb.store import queries
from kb.store.tables import Axis

bp = Blueprint("compare", __name__)

API_PATH = API_PREFIX + "/compare"


@bp.get(PAGES["compare"])
def page() -> str:
    """The table (rows: axes; columns: documents) on wide screens and in print, one section per axis on phones."""
    try:
        data = compare.read(built(), Choice.asked(request.args))
    except compare.Unknown as exc:
        abort(400, description=exc.site_message())
    c, choice = data.comparison, data.choice
    livre = f" « {c.livre.title} » ({c.livre.publisher})" if c.livre else ""
    meta = {
        "title": "Qui propose quoi",
        "description": f"Les axes du livre blanc{livre} et, pour chacun, ce que proposent les autres documents de la base.",
        "canonical": choice.url(PAGES["compare"]),
        "type": "website",
    }
    links = {
        "csv": choice.url(PAGES["compare_csv"]),
        "api": choice.url(API_PATH, api=True),
        "all": PAGES["compare"],
    }
    return render_template("compare.html", meta=meta, c=c, choice=choice, links=links, empty=EMPTY,
                           source=data.source, filtered=bool(choice.documents or choice.axes))


def compare_link(axis: Axis) -> str | None:
    """« Comparer sur cet axe »: the comparison of one axis of the livre blanc (None for another document's axis)."""
    livre = queries.livre_blanc(queries.all_of(current().db, DOCUMENT))
    if livre is None or axis.document != livre.id:
        return None
    return Choice(axes=(axis.id,)).url(PAGES["compare"])


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_compare_link": compare_link}
