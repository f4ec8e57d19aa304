"""Atom feeds (RFC 4287, written by feedgen): all updates, one per document, axis, sector and region, and any search.

Entry ids are tag URIs (RFC 4151) built from SITE_TAG_AUTHORITY and the record's permanent path, e.g.
``tag:cpme.fr,2025:kb/propositions/pass-foncier``: the same across rebuilds, hosts and SITE_URL changes. Titles and
summaries are typeset as the pages are (kb.content.typography); a feed reader shows them as they come.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, request

from kb import search
from kb.config import SITE_NAME
from kb.content import kinds
from kb.content.filters import BY_KIND
from kb.content.labels import STATUS
from kb.content.typography import french, quoted
from kb.content.urls import FEED, PAGES, record_path
from kb.http.context import current
from kb.pages import query
from kb.pages.search import LISTED, records_of
from kb.store import queries
from kb.store.tables import kind_of

bp = Blueprint("feeds", __name__)

MAX_ENTRIES = 50
AUTHOR = {"name": SITE_NAME}
# Browse prefix (« axes ») → kind of the records whose feed it serves.
BROWSE = {kind.prefix.strip("/"): kind for kind in kinds.where(feed=True)}


def tag_uri(authority: str, path: str) -> str:
    """The permanent Atom id of a site path: ``tag:<authority>:kb<path>``."""
    return f"tag:{authority}:kb{path}"


def _when(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def atom(records: list[Any], *, feed_path: str, title: str, page: str, subtitle: str) -> Response:
    """An Atom document for records (newest update first), with self and alternate links and a stable id."""
    authority = current_app.config["SITE_TAG_AUTHORITY"]
    urls = current().urls
    records = sorted(records, key=lambda r: (r.updated, r.id), reverse=True)[:MAX_ENTRIES]
    fg = FeedGenerator()
    fg.id(tag_uri(authority, feed_path))
    fg.title(french(title))
    fg.subtitle(french(subtitle))
    # The site's publisher when it is configured (KB_PUBLISHER_NAME), else the site: never a name written here.
    publisher = str(current_app.config.get("PUBLISHER_NAME") or "").strip()
    fg.author({"name": f"{publisher} — {SITE_NAME}"} if publisher else AUTHOR)
    who = current().who()
    fg.link(href=urls.absolute(feed_path), rel="self", type="application/atom+xml")
    fg.link(href=urls.absolute(page), rel="alternate", type="text/html")
    fg.language("fr")
    # The feed changes when an entry does: its date is the newest entry's, never the time of the request.
    newest = records[0].updated if records else dt.date(2025, 1, 1)
    fg.updated(_when(newest))
    for rec in records:
        kind = kind_of(rec)
        path = record_path(kind, rec.id)
        entry = fg.add_entry(order="append")
        entry.id(tag_uri(authority, path))
        entry.title(french(rec.title))
        by = who.of(rec)  # who proposes or carries it: each entry's author, and said in its summary
        entry.summary(french(" · ".join(filter(None, [kind.label, by, STATUS.get(rec.status, rec.status)])) + f" — {rec.summary}"))
        if by:
            entry.author({"name": by})
        entry.link(href=urls.absolute(path), rel="alternate", type="text/html")
        entry.updated(_when(rec.updated))
        entry.category(term=kind, label=kind.label)
    body = fg.atom_str(pretty=True)
    return Response(body, mimetype="application/atom+xml", headers={"X-Content-Type-Options": "nosniff"})


def _records(f: queries.Filters) -> list[Any]:
    db = current().db
    out: list[Any] = []
    for kind in LISTED:
        rows, _total = queries.list_records(db, kind, f, limit=MAX_ENTRIES, offset=0)
        out += rows
    return out


@bp.get(PAGES["feed"])
def all_updates() -> Response:
    """Every proposal and action, newest update first."""
    records = _records(queries.Filters()) if current().build_id is not None else []
    return atom(records, feed_path=PAGES["feed"], title=SITE_NAME, page=PAGES["home"], subtitle="Toutes les mises à jour")


@bp.get(f"/<any({', '.join(BROWSE)}):prefix>/<record_id>/{FEED}")
def browse_feed(prefix: str, record_id: str) -> Response:
    """The records of one document, axis, sector or region."""
    kind = BROWSE[prefix]
    flt = BY_KIND[kind]
    ctx = current()
    record = queries.get(ctx.db, kind, record_id) if ctx.build_id else None
    if record is None:
        abort(404)
    name = getattr(record, kind.name_field)
    page = record_path(kind, record_id)
    return atom(_records(queries.Filters({flt.name: [record_id]})), feed_path=f"{page}/{FEED}",
                title=f"{flt.title} : {name} — {SITE_NAME}", page=page, subtitle=f"Mises à jour : {name}")


@bp.get(PAGES["search_feed"])
def search_feed() -> Response:
    """The records matching a search (same French parameters as /recherche), newest update first."""
    ctx = current()
    if ctx.build_id is None or ctx.index is None:
        abort(404)
    allowed = query.choices(ctx.names())
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("utm_")}
    try:
        s = query.parse(args, allowed)
    except query.BadParam as exc:
        abort(400, description=str(exc))
    # A feed's entries are proposals and actions (documents, axes… have no update date) that hold every word: a feed
    # reader is not shown partial matches.
    results = search.search(ctx.index, s.q, filters=s.search_filters(), sort="date", per_page=MAX_ENTRIES, show_drafts=ctx.drafts,
                            listed=LISTED, fill_below=0)
    records = records_of(ctx, [h.id for h in results.hits])
    qs = s.query_string(False)
    what = quoted(s.q) if s.q else "toutes les fiches"
    return atom(
        records,
        feed_path=PAGES["search_feed"] + (f"?{qs}" if qs else ""),
        title=f"Recherche {what} — {SITE_NAME}",
        page=s.url(PAGES["search"], False),
        subtitle="Les fiches qui répondent à cette recherche",
    )
