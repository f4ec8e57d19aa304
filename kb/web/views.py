"""HTML pages: home, search, proposal and action pages, sitemap, robots (browse and index pages: kb.web.browse, kb.web.indexes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content import labels as fr
from kb.content.kinds import ACTION, PROPOSAL
from kb.content.urls import INDEXES, PAGES, record_path
from kb.http.context import built, current
from kb.http.records import find
from kb.pages import query, records, search
from kb.store import linked, queries
from kb.store.reader import Reader
from kb.store.tables import kind_of
from kb.web.listing import listing

bp = Blueprint("views", __name__)


@bp.get(PAGES["home"])
def home() -> str:
    """What the base holds, the livre blanc's axes, the latest updates."""
    ctx = current()
    view = ctx.home() if ctx.build_id else None
    meta = {"title": SITE_NAME, "description": "Les propositions des livres blancs patronaux et les actions régionales qui les portent.",
            "canonical": PAGES["home"], "feed": PAGES["feed"], "type": "website"}
    return render_template("home.html", view=view, meta=meta)


@bp.get(PAGES["search"])
def search_page() -> Any:
    """Proposals and actions together, with facets; an id or alias typed alone goes to its record."""
    ctx = built()
    page = listing(PAGES["search"], ctx.names())
    s, results = page["state"], page["results"]
    if results.exact and _is_exact(s.q, results.exact):
        kind = queries.find_kind(ctx.db, results.exact)
        if kind:
            return redirect(record_path(kind, results.exact), 302)
    # A list of one kind is titled for what it lists (the menu's « Propositions », « Actions régionales »).
    kind = query.only_kind(s.values(query.TYPE.param))
    title = f"Recherche : {s.q}" if s.q else kind.plural if kind is not None else "Toutes les fiches"
    feed = PAGES["search_feed"] + ("?" + s.query_string(False) if s.pairs(False) else "")
    meta = {"title": title, "description": f"{fr.plural(page['found'], 'résultat')} dans la {SITE_NAME.lower()}.",
            "canonical": s.url(PAGES["search"]), "feed": feed, "type": "website"}
    return render_template("search.html", meta=meta, heading=title, **page)


def _is_exact(q: str, record_id: str) -> bool:
    """True only when the whole query is the id or one of its former ids."""
    key = q.strip().lower()
    if key == record_id:
        return True
    alias = queries.resolve_alias(current().db, key)
    return alias is not None and alias[1] == record_id


def _record_meta(kind: str, record: Any) -> dict[str, Any]:
    # A link preview says who proposes before what (« FEPE — Mettre à disposition… »), as a result line does.
    who = current().who().of(record)
    description = f"{who} — {record.summary}" if who else record.summary
    return {"title": record.title, "description": description, "canonical": record_path(kind, record.id), "type": "article"}


@bp.get(PROPOSAL.prefix + "<record_id>")
def proposal_page(record_id: str) -> str:
    """A proposal with its status timeline, sources, carrying actions and related proposals."""
    find(PROPOSAL, record_id)
    ctx = current()
    view = linked.proposal_view(ctx.db, record_id)
    if view is None:
        abort(404)
    p = view.proposal
    close = search.close(ctx, p.id, " ".join(filter(None, [p.title, p.summary, p.body, *p.tags])))
    return render_template("proposal.html", meta=_record_meta(PROPOSAL, p), view=view, p=p, sources=records.sources(ctx, p.sources),
                           timeline=sorted(records.history(p.status_history), key=lambda step: step.date),
                           names=ctx.names(), close=[r for r in close if kind_of(r) == PROPOSAL and r not in view.related])


@bp.get(ACTION.prefix + "<record_id>")
def action_page(record_id: str) -> str:
    """A regional action with the proposals it carries forward."""
    find(ACTION, record_id)
    ctx = current()
    view = linked.action_view(ctx.db, record_id)
    if view is None:
        abort(404)
    a = view.action
    close = search.close(ctx, a.id, " ".join(filter(None, [a.title, a.summary, a.body])))
    # A record the page already lists under « Propositions qu'elle porte » is not offered again as a close one.
    return render_template("action.html", meta=_record_meta(ACTION, a), view=view, a=a, names=ctx.names(),
                           sources=records.sources(ctx, a.sources), close=[r for r in close if r.id not in {p.id for p in view.proposals}])


@bp.get(PAGES["sitemap"])
def sitemap() -> Response:
    """Every public page: home, search, the comparison, index and about pages, records and browse pages (drafts never)."""
    ctx = current()
    urls = [(ctx.urls.page(name), None) for name in ("home", "search", "compare", *INDEXES, "about", "legal", "accessibility")]
    if ctx.build_id:
        urls += [(ctx.urls.record(kind, rid), updated) for kind, rid, updated in ctx.summary("sitemap", _mapped)]
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


def _mapped(db: Reader) -> list[tuple[str, str, Any]]:
    """(kind, id, last update) of every public record: browse pages first, then the listed records (the order search
    engines met them in until now)."""
    return [(str(kind), r.id, getattr(r, "updated", None)) for kind in sorted(kinds.every(), key=lambda k: k.listed)
            for r in queries.all_of(db.public(), kind)]


@bp.get(PAGES["robots"])
def robots() -> Response:
    """Everything may be crawled; the sitemap says where."""
    return Response(f"User-agent: *\nAllow: /\n\nSitemap: {current().urls.page('sitemap')}\n", mimetype="text/plain")

