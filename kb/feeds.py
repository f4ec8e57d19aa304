"""Atom feeds (RFC 4287, written by feedgen): all updates, one per document, axis, sector and region, and any search.

Entry ids are tag URIs (RFC 4151) built from SITE_TAG_AUTHORITY and the record's permanent path, e.g.
``tag:cpme.fr,2025:kb/propositions/pass-foncier``: the same across rebuilds, hosts and SITE_URL changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, request

from kb import facets, queries, search
from kb.cards import SITE_NAME
from kb.labels import STATUS, TYPE
from kb.newsletter import absolute
from kb.serving import state
from kb.urls import record_path

bp = Blueprint("feeds", __name__)

MAX_ENTRIES = 50
AUTHOR = {"name": "CPME — " + SITE_NAME}
# Browse prefix → (kind, queries.Filters field, French label).
BROWSE = {
    "documents": ("document", "document", "Document"),
    "axes": ("axis", "axis", "Axe"),
    "filieres": ("sector", "sector", "Filière"),
    "regions": ("region", "region", "Région"),
}


def tag_uri(authority: str, path: str) -> str:
    """The permanent Atom id of a site path: ``tag:<authority>:kb<path>``."""
    return f"tag:{authority}:kb{path}"


def _drafts() -> bool:
    return bool(current_app.config.get("SHOW_DRAFTS"))


def _when(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def kind_of(record: Any) -> str:
    """« proposal » or « action » for a table row."""
    return type(record).__name__.lower()


def atom(records: list[Any], *, feed_path: str, title: str, page: str, subtitle: str) -> Response:
    """An Atom document for records (newest update first), with self and alternate links and a stable id."""
    authority = current_app.config["SITE_TAG_AUTHORITY"]
    records = sorted(records, key=lambda r: (r.updated, r.id), reverse=True)[:MAX_ENTRIES]
    fg = FeedGenerator()
    fg.id(tag_uri(authority, feed_path))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.author(AUTHOR)
    fg.link(href=absolute(feed_path), rel="self", type="application/atom+xml")
    fg.link(href=absolute(page), rel="alternate", type="text/html")
    fg.language("fr")
    # The feed changes when an entry does: its date is the newest entry's, never the time of the request.
    newest = records[0].updated if records else dt.date(2025, 1, 1)
    fg.updated(_when(newest))
    for rec in records:
        kind = kind_of(rec)
        path = record_path(kind, rec.id)
        entry = fg.add_entry(order="append")
        entry.id(tag_uri(authority, path))
        entry.title(rec.title)
        entry.summary(f"{TYPE[kind]} · {STATUS.get(rec.status, rec.status)} — {rec.summary}")
        entry.link(href=absolute(path), rel="alternate", type="text/html")
        entry.updated(_when(rec.updated))
        entry.category(term=kind, label=TYPE[kind])
    body = fg.atom_str(pretty=True)
    return Response(body, mimetype="application/atom+xml", headers={"X-Content-Type-Options": "nosniff"})


def _records(f: queries.Filters) -> list[Any]:
    st = state()
    out: list[Any] = []
    for kind in ("proposal", "action"):
        rows, _total = queries.list_records(kind, f, session=st.session, limit=MAX_ENTRIES, offset=0, drafts=_drafts())
        out += rows
    return out


@bp.get("/flux.atom")
def all_updates() -> Response:
    """Every proposal and action, newest update first."""
    if state().build_id is None:
        return atom([], feed_path="/flux.atom", title=SITE_NAME, page="/", subtitle="Toutes les mises à jour")
    return atom(_records(queries.Filters()), feed_path="/flux.atom", title=SITE_NAME, page="/", subtitle="Toutes les mises à jour")


@bp.get("/<any(documents, axes, filieres, regions):prefix>/<record_id>/flux.atom")
def browse_feed(prefix: str, record_id: str) -> Response:
    """The records of one document, axis, sector or region."""
    kind, field, label = BROWSE[prefix]
    st = state()
    record = queries.get(kind, record_id, session=st.session) if st.build_id else None
    if record is None:
        abort(404)
    name = getattr(record, "title", None) or record.name
    f = queries.Filters(**{field: [record_id]})
    page = record_path(kind, record_id)
    return atom(
        _records(f), feed_path=page + "/flux.atom", title=f"{label} : {name} — {SITE_NAME}", page=page, subtitle=f"Mises à jour : {name}"
    )


@bp.get("/recherche.atom")
def search_feed() -> Response:
    """The records matching a search (same French parameters as /recherche), newest update first."""
    st = state()
    if st.build_id is None or st.index is None:
        abort(404)
    allowed = facets.choices(queries.labels(session=st.session))
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("utm_")}
    try:
        s = facets.parse(args, allowed)
    except facets.BadParam as exc:
        abort(400, description=str(exc))
    results = search.search(st.index, s.q, filters=s.search_filters(), sort="date", per_page=MAX_ENTRIES, show_drafts=_drafts())
    ids = [h.id for h in results.hits]
    records = [r for kind in ("proposal", "action") for r in queries.by_ids(kind, ids, session=st.session, drafts=_drafts())]
    qs = s.query_string(False)
    what = f"« {s.q} »" if s.q else "toutes les fiches"
    return atom(
        records,
        feed_path="/recherche.atom" + (f"?{qs}" if qs else ""),
        title=f"Recherche {what} — {SITE_NAME}",
        page=s.url("/recherche", False),
        subtitle="Les fiches qui répondent à cette recherche",
    )
