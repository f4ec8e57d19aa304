"""HTML pages: home, search, proposal and action pages, sitemap, robots (browse and index pages: kb.web.browse, kb.web.indexes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template

from kb import search
from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.fields import RESULT_KINDS
from kb.content.urls import INDEX_OF, PAGES, PREFIXES, record_path
from kb.store import linked, queries
from kb.web import display
from kb.web.head import absolute
from kb.web.listing import listing
from kb.web.records import built, drafts, find
from kb.web.state import state

bp = Blueprint("views", __name__)


@bp.get(PAGES["home"])
def home() -> str:
    """What the base holds, the livre blanc's axes, the latest updates."""
    st = state()
    view = linked.home_view(session=st.session, drafts=drafts()) if st.build_id else None
    meta = {"title": SITE_NAME, "description": "Les propositions des livres blancs patronaux et les actions régionales qui les portent.",
            "canonical": PAGES["home"], "feed": PAGES["feed"], "type": "website"}
    livre = next((d for d, _ in view.documents if view.axes and d.id == view.axes[0][0].document), None) if view else None
    return render_template("home.html", view=view, meta=meta, livre=livre)


@bp.get(PAGES["search"])
def search_page() -> Any:
    """Proposals and actions together, with facets; an id or alias typed alone goes to its record."""
    st = built()
    ctx = listing(PAGES["search"], queries.labels(session=st.session))
    s, results = ctx["state"], ctx["results"]
    if results.exact and _is_exact(s.q, results.exact):
        kind = queries.find_kind(results.exact, session=st.session, drafts=drafts())
        if kind:
            return redirect(record_path(kind, results.exact), 302)
    title = f"Recherche : {s.q}" if s.q else "Toutes les fiches"
    feed = PAGES["search_feed"] + ("?" + s.query_string(False) if s.pairs(False) else "")
    found = sum(results.facets.get("type", {}).values())  # the records listed and the pages shown above them
    meta = {"title": title, "description": f"{fr.plural(found, 'résultat')} dans la {SITE_NAME.lower()}.",
            "canonical": s.url(PAGES["search"]), "feed": feed, "type": "website"}
    return render_template("search.html", meta=meta, heading=title, **ctx)


def _is_exact(q: str, record_id: str) -> bool:
    """True only when the whole query is the id or one of its former ids."""
    key = q.strip().lower()
    if key == record_id:
        return True
    alias = queries.resolve_alias(key, session=state().session, drafts=drafts())
    return alias is not None and alias[1] == record_id


def _close(record_id: str, text: str) -> list[Any]:
    """« Propositions proches »: the records whose wording is closest, from the index."""
    st = state()
    if st.index is None:
        return []
    ids = search.more_like(st.index, record_id, text, limit=5, show_drafts=drafts())
    found = {r.id: r for kind in RESULT_KINDS for r in queries.by_ids(kind, ids, session=st.session, drafts=drafts())}
    return [found[i] for i in ids if i in found]


def _record_view(kind: str, record_id: str, view_of: Callable[..., Any]) -> tuple[Any, dict[str, dict[str, str]], dict[str, Any]]:
    """A record's view (links resolved), the labels, and its page's <head>; 301 for a former id, 404 if absent."""
    find(kind, record_id)
    st = state()
    view = view_of(record_id, session=st.session, drafts=drafts())
    if view is None:
        abort(404)
    record = view.proposal if kind == "proposal" else view.action
    meta = {"title": record.title, "description": record.summary, "canonical": record_path(kind, record.id), "type": "article"}
    return view, queries.labels(session=st.session), meta


@bp.get(PREFIXES["proposal"] + "<record_id>")
def proposal_page(record_id: str) -> str:
    """A proposal with its status timeline, sources, carrying actions and related proposals."""
    view, names, meta = _record_view("proposal", record_id, linked.proposal_view)
    p, docs = view.proposal, names["document"]
    close = _close(p.id, " ".join(filter(None, [p.title, p.summary, p.body, *p.tags])))
    return render_template("proposal.html", meta=meta, view=view, p=p, sources=display.sources(p.sources, docs),
                           timeline=display.timeline(p.status_history, docs),
                           close=[r for r in close if display.kind_of(r) == "proposal" and r not in view.related])


@bp.get(PREFIXES["action"] + "<record_id>")
def action_page(record_id: str) -> str:
    """A regional action with the proposals it carries forward."""
    view, names, meta = _record_view("action", record_id, linked.action_view)
    a = view.action
    close = _close(a.id, " ".join(filter(None, [a.title, a.summary, a.body])))
    # A record the page already lists under « Propositions qu'elle porte » is not offered again as a close one.
    return render_template("action.html", meta=meta, view=view, a=a, names=names, sources=display.sources(a.sources, names["document"]),
                           close=[r for r in close if r.id not in {p.id for p in view.proposals}])


@bp.get(PAGES["sitemap"])
def sitemap() -> Response:
    """Every public page: home, search, the comparison, index and about pages, records and browse pages (drafts never)."""
    st = state()
    urls = [(absolute(PAGES[name]), None) for name in ("home", "search", "compare", *INDEX_OF.values(), "about", "legal", "accessibility")]
    if st.build_id:
        for kind in ("document", "axis", "sector", "region", "proposal", "action"):
            for r in queries.all_of(kind, session=st.session):
                urls.append((absolute(record_path(kind, r.id)), getattr(r, "updated", None)))
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


@bp.get(PAGES["robots"])
def robots() -> Response:
    """Everything may be crawled; the sitemap says where."""
    return Response(f"User-agent: *\nAllow: /\n\nSitemap: {absolute(PAGES['sitemap'])}\n", mimetype="text/plain")

