"""HTML pages: home, search, browse pages (document, axis, sector, region), record pages, sitemap, errors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from kb import display, facets, queries, search
from kb import labels as fr
from kb.markup import render_markdown, safe_url
from kb.serving import state
from kb.urls import record_path

bp = Blueprint("views", __name__)

SITE_NAME = "Base des livres blancs"


def _drafts() -> bool:
    return bool(current_app.config.get("SHOW_DRAFTS"))


def _built() -> Any:
    """This request's state; 404 when nothing was built yet (no table to read)."""
    st = state()
    if st.build_id is None:
        abort(404)
    return st


def absolute(path: str) -> str:
    """An absolute URL for a site path, from SITE_URL when set, else from the request."""
    root = str(current_app.config.get("SITE_URL") or request.url_root).rstrip("/")
    return root + path


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"fr": fr, "absolute": absolute, "record_path": record_path, "site_name": SITE_NAME,
            "show_drafts": _drafts(), "kind_of": kind_of}


def kind_of(record: Any) -> str:
    """« proposal », « action », « document »… for a table row (its model name)."""
    return type(record).__name__.lower()


@bp.app_template_filter("date_fr")
def _date_fr(value: Any) -> str:
    return fr.date_fr(value.isoformat() if hasattr(value, "isoformat") else value)


@bp.app_template_filter("markdown")
def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text))  # render_markdown sanitises with nh3


@bp.get("/")
def home() -> str:
    """What the base holds, the livre blanc's axes, the latest updates."""
    st = state()
    view = queries.home_view(session=st.session, drafts=_drafts()) if st.build_id else None
    meta = {"title": SITE_NAME, "description": "Les propositions des livres blancs patronaux et les actions régionales qui les portent.",
            "canonical": "/", "feed": "/flux.atom", "type": "website"}
    livre = next((d for d, _ in view.documents if view.axes and d.id == view.axes[0][0].document), None) if view else None
    return render_template("home.html", view=view, meta=meta, livre=livre)


def _listing(path: str, fixed: tuple[str, str] | None = None) -> dict[str, Any]:
    """Search results with facets for /recherche and the browse pages (which fix one filter)."""
    st = _built()
    names = queries.labels(session=st.session)
    allowed = facets.choices(names)
    try:
        s = facets.parse(request.args.to_dict(flat=False), allowed, fixed=fixed[0] if fixed else None)
    except facets.BadParam as exc:
        abort(400, description=str(exc))
    if st.index is None:
        abort(404)
    results = search.search(st.index, s.q, filters=s.search_filters(fixed), sort=s.sort(), page=s.page,
                            per_page=facets.PER_PAGE, show_drafts=_drafts())
    last = max(1, -(-results.total // facets.PER_PAGE))
    if s.page > min(last, facets.MAX_PAGE):
        abort(404, description="Cette page de résultats n'existe pas.")
    ids = [h.id for h in results.hits]
    records = {r.id: r for kind in ("proposal", "action") for r in queries.by_ids(kind, ids, session=st.session, drafts=_drafts())}
    return {
        "state": s, "results": results, "path": path, "names": names, "last": last,
        "items": [(h, records[h.id], display.safe_highlight(h.highlight)) for h in results.hits if h.id in records],
        "groups": facets.groups(s, results.facets, allowed, path, skip=fixed[0] if fixed else None),
        "active": facets.active(s, allowed, path),
        "suggestion": facets.SearchState(results.suggestion, s.filters, s.tri).url(path) if results.suggestion else None,
    }


@bp.get("/recherche")
def search_page() -> Any:
    """Proposals and actions together, with facets; an id or alias typed alone goes to its record."""
    ctx = _listing("/recherche")
    s, results = ctx["state"], ctx["results"]
    if results.exact and _is_exact(s.q, results.exact):
        kind = queries.find_kind(results.exact, session=state().session, drafts=_drafts())
        if kind:
            return redirect(record_path(kind, results.exact), 302)
    title = f"Recherche : {s.q}" if s.q else "Toutes les fiches"
    meta = {"title": title, "description": f"{fr.plural(results.total, 'résultat')} dans la {SITE_NAME.lower()}.",
            "canonical": s.url("/recherche"), "feed": "/recherche.atom" + ("?" + s.query_string(False) if s.pairs(False) else ""),
            "type": "website"}
    return render_template("search.html", meta=meta, heading=title, **ctx)


def _is_exact(q: str, record_id: str) -> bool:
    """True only when the whole query is the id or one of its former ids."""
    key = q.strip().lower()
    if key == record_id:
        return True
    alias = queries.resolve_alias(key, session=state().session)
    return alias is not None and alias[1] == record_id


def _record_or_redirect(kind: str, record_id: str) -> Any:
    """The record, a 301 to the current URL for a former id, or a 404."""
    st = _built()
    record = queries.get(kind, record_id, session=st.session, drafts=_drafts())
    if record is not None:
        return record
    alias = queries.resolve_alias(record_id, session=st.session)
    if alias is not None:
        qs = request.query_string.decode("utf-8", "replace")
        target = record_path(alias[0], alias[1]) + (f"?{qs}" if qs else "")
        abort(redirect(target, 301))
    abort(404)


def _feed(prefix: str, record_id: str) -> str:
    return f"{prefix}{record_id}/flux.atom"


@bp.get("/documents/<record_id>")
def document_page(record_id: str) -> str:
    """A document: its axes in order, its coverage, its proposals with facets."""
    _record_or_redirect("document", record_id)
    st = state()
    view = queries.document_view(record_id, session=st.session, drafts=_drafts())
    assert view is not None
    names = queries.labels(session=st.session)
    ctx = _listing(f"/documents/{record_id}", ("document", record_id))
    meta = {"title": view.document.title, "description": view.document.summary, "canonical": f"/documents/{record_id}",
            "feed": _feed("/documents/", record_id), "type": "website"}
    return render_template("document.html", meta=meta, heading=meta["title"], view=view,
                           sources=display.sources(view.document.sources, names["document"]),
                           coverage=display.coverage(view.held, view.announced) if view.announced else None,
                           document_url=safe_url(view.document.url), **ctx)


@bp.get("/axes/<record_id>")
def axis_page(record_id: str) -> str:
    """An axis and the records on it."""
    axis = _record_or_redirect("axis", record_id)
    st = state()
    document = queries.get("document", axis.document, session=st.session)
    ctx = _listing(f"/axes/{record_id}", ("axe", record_id))
    meta = {"title": axis.title, "description": axis.description, "canonical": f"/axes/{record_id}",
            "feed": _feed("/axes/", record_id), "type": "website"}
    return render_template("axis.html", meta=meta, heading=meta["title"], axis=axis, document=document, **ctx)


@bp.get("/filieres/<record_id>")
def sector_page(record_id: str) -> str:
    """A sector (filière) and the records that concern it."""
    sector = _record_or_redirect("sector", record_id)
    ctx = _listing(f"/filieres/{record_id}", ("filiere", record_id))
    meta = {"title": f"Filière : {sector.name}", "description": f"Propositions et actions régionales de la filière {sector.name}.",
            "canonical": f"/filieres/{record_id}", "feed": _feed("/filieres/", record_id), "type": "website"}
    return render_template("browse.html", meta=meta, heading=meta["title"], **ctx)


@bp.get("/regions/<record_id>")
def region_page(record_id: str) -> str:
    """A region and the records that concern it."""
    region = _record_or_redirect("region", record_id)
    ctx = _listing(f"/regions/{record_id}", ("region", record_id))
    meta = {"title": f"Région : {region.name}", "description": f"Propositions et actions régionales en {region.name}.",
            "canonical": f"/regions/{record_id}", "feed": _feed("/regions/", record_id), "type": "website"}
    return render_template("browse.html", meta=meta, heading=meta["title"], **ctx)


def _close(record_id: str, text: str) -> list[Any]:
    """« Propositions proches »: the records whose wording is closest, from the index."""
    st = state()
    if st.index is None:
        return []
    ids = search.more_like(st.index, record_id, text, limit=5, show_drafts=_drafts())
    found = {r.id: r for kind in ("proposal", "action") for r in queries.by_ids(kind, ids, session=st.session, drafts=_drafts())}
    return [found[i] for i in ids if i in found]


@bp.get("/propositions/<record_id>")
def proposal_page(record_id: str) -> str:
    """A proposal with its status timeline, sources, carrying actions and related proposals."""
    _record_or_redirect("proposal", record_id)
    st = state()
    view = queries.proposal_view(record_id, session=st.session, drafts=_drafts())
    assert view is not None
    p = view.proposal
    docs = queries.labels(session=st.session)["document"]
    meta = {"title": p.title, "description": p.summary, "canonical": record_path("proposal", p.id), "type": "article"}
    return render_template("proposal.html", meta=meta, view=view, p=p, sources=display.sources(p.sources, docs),
                           timeline=display.timeline(p.status_history, docs),
                           close=[r for r in _close(p.id, " ".join(filter(None, [p.title, p.summary, p.body, *p.tags])))
                                  if kind_of(r) == "proposal" and r not in view.related])


@bp.get("/actions/<record_id>")
def action_page(record_id: str) -> str:
    """A regional action with the proposals it carries forward."""
    _record_or_redirect("action", record_id)
    st = state()
    view = queries.action_view(record_id, session=st.session, drafts=_drafts())
    assert view is not None
    a = view.action
    names = queries.labels(session=st.session)
    meta = {"title": a.title, "description": a.summary, "canonical": record_path("action", a.id), "type": "article"}
    return render_template("action.html", meta=meta, view=view, a=a, names=names, sources=display.sources(a.sources, names["document"]),
                           close=_close(a.id, " ".join(filter(None, [a.title, a.summary, a.body]))))


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page: home, records and browse pages (drafts never)."""
    st = state()
    urls = [(absolute("/"), None), (absolute("/recherche"), None)]
    if st.build_id:
        for kind in ("document", "axis", "sector", "region", "proposal", "action"):
            for r in queries.all_of(kind, session=st.session):
                urls.append((absolute(record_path(kind, r.id)), getattr(r, "updated", None)))
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    """Everything may be crawled; the sitemap says where."""
    return Response(f"User-agent: *\nAllow: /\n\nSitemap: {absolute(url_for('views.sitemap'))}\n", mimetype="text/plain")


ERRORS = {
    400: ("Demande incorrecte", "La demande contient un paramètre que nous ne comprenons pas."),
    404: ("Page introuvable", "Cette page n'existe pas, ou plus. Cherchez ce que vous vouliez lire :"),
    500: ("Erreur du serveur", "Une erreur s'est produite de notre côté. Réessayez dans un instant."),
}


def _error_page(code: int, message: str | None) -> tuple[str, int]:
    title, default = ERRORS.get(code, ERRORS[500])
    meta = {"title": title, "description": default, "canonical": request.path, "type": "website"}
    return render_template("error.html", meta=meta, code=code, heading=title, message=message or default), code


@bp.app_errorhandler(400)
@bp.app_errorhandler(404)
def _client_error(exc: HTTPException) -> tuple[str, int]:
    custom = exc.description if exc.description and exc.description != type(exc).description else None
    return _error_page(exc.code or 400, custom)


@bp.app_errorhandler(500)
def _server_error(_exc: Exception) -> tuple[str, int]:
    return _error_page(500, None)
