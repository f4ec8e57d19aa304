"""HTML pages: home, search, browse pages (document, axis, sector, region), record pages, sitemap, robots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from kb import search
from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.fields import RESULT_KINDS
from kb.content.filters import BY_KIND
from kb.content.markup import safe_url
from kb.content.urls import FEED, PAGES, PREFIXES, record_path
from kb.store import linked, queries
from kb.web import display, facets
from kb.web.head import absolute
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


def _listing(path: str, names: dict[str, dict[str, str]], fixed: tuple[str, str] | None = None) -> dict[str, Any]:
    """Search results with facets for /recherche and the browse pages (which fix one filter)."""
    st = built()
    allowed = facets.choices(names)
    try:
        s = facets.parse(request.args.to_dict(flat=False), allowed, fixed=fixed[0] if fixed else None)
    except facets.BadParam as exc:
        abort(400, description=str(exc))
    if st.index is None:
        abort(404)
    results = search.search(st.index, s.q, filters=s.search_filters(fixed), sort=s.sort(), page=s.page,
                            per_page=facets.PER_PAGE, show_drafts=drafts())
    last = max(1, -(-results.total // facets.PER_PAGE))
    if s.page > min(last, facets.MAX_PAGE):
        abort(404, description="Cette page de résultats n'existe pas.")
    ids = [h.id for h in results.hits]
    records = {r.id: r for kind in RESULT_KINDS for r in queries.by_ids(kind, ids, session=st.session, drafts=drafts())}
    return {
        "state": s, "results": results, "path": path, "names": names, "last": last,
        "items": [(h, records[h.id], display.safe_highlight(h.highlight)) for h in results.hits if h.id in records],
        "groups": facets.groups(s, results.facets, allowed, path, skip=fixed[0] if fixed else None),
        "active": facets.active(s, allowed, path),
        "suggestion": facets.SearchState(results.suggestion, s.filters, s.tri).url(path) if results.suggestion else None,
    }


def _browse(kind: str, record_id: str) -> dict[str, Any]:
    """The listing of a browse page: the records with its filter fixed to this record."""
    names = queries.labels(session=state().session)
    return _listing(record_path(kind, record_id), names, (BY_KIND[kind].param, record_id))


@bp.get(PAGES["search"])
def search_page() -> Any:
    """Proposals and actions together, with facets; an id or alias typed alone goes to its record."""
    st = built()
    ctx = _listing(PAGES["search"], queries.labels(session=st.session))
    s, results = ctx["state"], ctx["results"]
    if results.exact and _is_exact(s.q, results.exact):
        kind = queries.find_kind(results.exact, session=st.session, drafts=drafts())
        if kind:
            return redirect(record_path(kind, results.exact), 302)
    title = f"Recherche : {s.q}" if s.q else "Toutes les fiches"
    feed = PAGES["search_feed"] + ("?" + s.query_string(False) if s.pairs(False) else "")
    meta = {"title": title, "description": f"{fr.plural(results.total, 'résultat')} dans la {SITE_NAME.lower()}.",
            "canonical": s.url(PAGES["search"]), "feed": feed, "type": "website"}
    return render_template("search.html", meta=meta, heading=title, **ctx)


def _is_exact(q: str, record_id: str) -> bool:
    """True only when the whole query is the id or one of its former ids."""
    key = q.strip().lower()
    if key == record_id:
        return True
    alias = queries.resolve_alias(key, session=state().session)
    return alias is not None and alias[1] == record_id


def _browse_meta(kind: str, record_id: str, title: str, description: str) -> dict[str, Any]:
    path = record_path(kind, record_id)
    return {"title": title, "description": description, "canonical": path, "feed": f"{path}/{FEED}", "type": "website"}


@bp.get(PREFIXES["document"] + "<record_id>")
def document_page(record_id: str) -> str:
    """A document: its axes in order, its coverage, its proposals with facets."""
    find("document", record_id)
    st = state()
    view = linked.document_view(record_id, session=st.session, drafts=drafts())
    if view is None:
        abort(404)
    ctx = _browse("document", record_id)
    meta = _browse_meta("document", record_id, view.document.title, view.document.summary)
    return render_template("document.html", meta=meta, heading=meta["title"], view=view,
                           sources=display.sources(view.document.sources, ctx["names"]["document"]),
                           coverage=display.coverage(view.held, view.announced) if view.announced else None,
                           document_url=safe_url(view.document.url), **ctx)


@bp.get(PREFIXES["axis"] + "<record_id>")
def axis_page(record_id: str) -> str:
    """An axis and the records on it."""
    axis = find("axis", record_id)
    st = state()
    document = queries.get("document", axis.document, session=st.session)
    echoing = linked.echoing(record_id, session=st.session, drafts=drafts())
    notes = {lk.src: lk.note or "" for lk in queries.links(None, "echoes", record_id, session=st.session)}
    ctx = _browse("axis", record_id)
    meta = _browse_meta("axis", record_id, axis.title, axis.description)
    return render_template("axis.html", meta=meta, heading=meta["title"], axis=axis, document=document, echoing=echoing,
                           echo_notes=notes, **ctx)


def _named_page(kind: str, record_id: str, description: str) -> str:
    """A sector's or a region's page: the records that concern it (``description`` names it in a sentence)."""
    named = find(kind, record_id)
    ctx = _browse(kind, record_id)
    meta = _browse_meta(kind, record_id, f"{BY_KIND[kind].title} : {named.name}", description.format(name=named.name))
    return render_template("browse.html", meta=meta, heading=meta["title"], **ctx)


@bp.get(PREFIXES["sector"] + "<record_id>")
def sector_page(record_id: str) -> str:
    """A sector (filière) and the records that concern it."""
    return _named_page("sector", record_id, "Propositions et actions régionales de la filière {name}.")


@bp.get(PREFIXES["region"] + "<record_id>")
def region_page(record_id: str) -> str:
    """A region and the records that concern it."""
    return _named_page("region", record_id, "Propositions et actions régionales en {name}.")


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
    return render_template("action.html", meta=meta, view=view, a=a, names=names, sources=display.sources(a.sources, names["document"]),
                           close=_close(a.id, " ".join(filter(None, [a.title, a.summary, a.body]))))


@bp.get(PAGES["sitemap"])
def sitemap() -> Response:
    """Every public page: home, search, the comparison, records and browse pages (drafts never)."""
    st = state()
    urls = [(absolute(PAGES[name]), None) for name in ("home", "search", "compare")]
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

