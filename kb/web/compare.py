"""« Qui propose quoi » (/comparer): the livre blanc's axes against the documents, every view a shareable address.

The columns (``document=``, repeated) and rows (``axe=``, repeated) are the filters of kb.content.filters; the data
is kb.store.compare's, which the API, the CSV (kb.api.compare) and the newsletter copy (kb.newsletter.comparison)
read through ``read`` below, so that all of them answer the same filters with the same French 400.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request

from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.filters import BY_NAME
from kb.content.urls import API_PREFIX, PAGES
from kb.store import compare, queries
from kb.store.tables import Axis
from kb.web.records import built, drafts
from kb.web.state import state

bp = Blueprint("compare", __name__)

COLUMNS, ROWS = BY_NAME["document"], BY_NAME["axis"]
EMPTY = "aucune proposition dans les sources consultées"
API_PATH = API_PREFIX + "/compare"


@dataclass(frozen=True)
class Choice:
    """The columns and rows a comparison address names (empty: the defaults), in the table's order once read."""

    documents: tuple[str, ...] = ()
    axes: tuple[str, ...] = ()

    def pairs(self, api: bool = False) -> list[tuple[str, str]]:
        """The query parameters: French names on the site (``axe``), the filters' own names in the API (``axis``)."""
        col, row = (COLUMNS.name, ROWS.name) if api else (COLUMNS.param, ROWS.param)
        return [(col, d) for d in self.documents] + [(row, a) for a in self.axes]

    def url(self, path: str, api: bool = False) -> str:
        """``path`` with this choice's query string."""
        qs = urlencode(self.pairs(api))
        return f"{path}?{qs}" if qs else path

    @classmethod
    def canonical(cls, c: compare.Comparison, documents: Sequence[str], axes: Sequence[str]) -> Choice:
        """The choice in the table's order (columns, then rows), whatever order an address gave them in."""
        return cls(tuple(d.id for d in c.all_documents if d.id in documents), tuple(a.id for a in c.all_axes if a.id in axes))


def _values(args: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in args.get(name, []) if v.strip()))


def _shown(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable())[:80]


def read() -> tuple[compare.Comparison, Choice]:
    """The comparison this request's filters ask for, and their canonical choice; the French 400 for an unknown value."""
    st = built()
    args = request.args.to_dict(flat=False)
    asked = Choice(_values(args, COLUMNS.param), _values(args, ROWS.param))
    c = compare.comparison(session=st.session, documents=asked.documents, axes=asked.axes, drafts=drafts())
    bad = c.unknown(asked.documents, asked.axes)
    if bad:
        flt = BY_NAME[bad[0]]
        why = " : les lignes de la comparaison sont les axes du livre blanc" if flt is ROWS else ""
        abort(400, description=f"Le filtre « {flt.title} » ne connaît pas la valeur « {_shown(bad[1])} »{why}.")
    return c, Choice.canonical(c, asked.documents, asked.axes)


def source_line(c: compare.Comparison) -> str:
    """What the comparison rests on and when, for the page, its print, its copies and the API (the address follows)."""
    livre = c.livre
    origin = f"axes du livre blanc « {livre.title} » ({livre.publisher}, {fr.date_fr(livre.published)})" if livre else "aucun livre blanc"
    built_at = state().info.get("built_at", "")[:10]
    when = f" ; état de la base au {fr.date_fr(built_at)}" if built_at else ""
    return (
        f"Source : {SITE_NAME}, « Qui propose quoi » — {origin} ; les propositions des autres documents sont rapprochées "
        f"de ces axes par la base (rapprochements éditoriaux){when}."
    )


@bp.get(PAGES["compare"])
def page() -> str:
    """The table (rows: axes; columns: documents) on wide screens and in print, one section per axis on phones."""
    c, choice = read()
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
                           source=source_line(c), filtered=bool(choice.documents or choice.axes))


def compare_link(axis: Axis) -> str | None:
    """« Comparer sur cet axe »: the comparison of one axis of the livre blanc (None for another document's axis)."""
    livre = queries.livre_blanc(queries.all_of("document", session=state().session))
    if livre is None or axis.document != livre.id:
        return None
    return Choice(axes=(axis.id,)).url(PAGES["compare"])


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_compare_link": compare_link}
