"""The page of a document, an axis, a sector or a region: what is known of it, and the records about it.

Each says in its own words why a list is empty (an axis whose proposals are not in the sources consulted, a region
without regional action, a sector no record names) instead of showing an empty search.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from kb.content.filters import BY_KIND
from kb.content.markup import safe_url
from kb.content.urls import PREFIXES
from kb.store import linked, overview, queries
from kb.web import display
from kb.web.listing import browse, browse_meta
from kb.web.records import drafts, find
from kb.web.state import state

bp = Blueprint("browse", __name__)


@bp.get(PREFIXES["document"] + "<record_id>")
def document_page(record_id: str) -> str:
    """A document: its axes in order, its coverage, its proposals with facets, and every record that cites it."""
    find("document", record_id)
    st = state()
    view = linked.document_view(record_id, session=st.session, drafts=drafts())
    if view is None:
        abort(404)
    ctx = browse("document", record_id)
    meta = browse_meta("document", record_id, view.document.title, view.document.summary)
    return render_template("document.html", meta=meta, heading=meta["title"], view=view,
                           sources=display.sources(view.document.sources, ctx["names"]["document"]),
                           coverage=display.coverage(view.held, view.announced) if view.announced else None,
                           document_url=safe_url(view.document.url),
                           citing=overview.citing(record_id, session=st.session, drafts=drafts()), **ctx)


@bp.get(PREFIXES["axis"] + "<record_id>")
def axis_page(record_id: str) -> str:
    """An axis and the records on it; an axis without proposal in the base says why, with its source."""
    axis = find("axis", record_id)
    st = state()
    document = queries.get("document", axis.document, session=st.session)
    echoing = linked.echoing(record_id, session=st.session, drafts=drafts())
    notes = {lk.src: lk.note or "" for lk in queries.links(None, "echoes", record_id, session=st.session)}
    held = overview.held(axis.document, session=st.session, drafts=drafts())
    ctx = browse("axis", record_id)
    meta = browse_meta("axis", record_id, axis.title, axis.description)
    return render_template("axis.html", meta=meta, heading=meta["title"], axis=axis, document=document, echoing=echoing,
                           echo_notes=notes, held=held, axis_sources=display.sources(axis.sources, ctx["names"]["document"]), **ctx)


@bp.get(PREFIXES["sector"] + "<record_id>")
def sector_page(record_id: str) -> str:
    """A sector (filière): the records that name it, the regions a source names it for, and their actions."""
    sector = find("sector", record_id)
    st = state()
    ctx = browse("sector", record_id)
    regions = overview.regions_naming(record_id, session=st.session)
    listed = {record.id for _hit, record, _snippet in ctx["items"]}
    actions = overview.actions_in([r.id for r in regions], session=st.session, drafts=drafts())
    meta = browse_meta("sector", record_id, f"{BY_KIND['sector'].title} : {sector.name}",
                       f"Ce que la base sait de la filière {sector.name} : propositions, actions régionales et régions qui la citent.")
    return render_template("sector.html", meta=meta, heading=meta["title"], sector=sector, regions=_with_sources(regions, ctx),
                           region_actions=actions, listed=listed, **ctx)


@bp.get(PREFIXES["region"] + "<record_id>")
def region_page(record_id: str) -> str:
    """A region: its introduction and filières where a source gives them, its actions, and the national proposals."""
    region = find("region", record_id)
    st = state()
    ctx = browse("region", record_id)
    national = overview.national_proposals(session=st.session, drafts=drafts())
    meta = browse_meta("region", record_id, f"{BY_KIND['region'].title} : {region.name}",
                       region.summary or f"Actions régionales et propositions qui concernent la région {region.name}.")
    return render_template("region.html", meta=meta, heading=meta["title"], region=region,
                           sectors=queries.by_ids("sector", region.sectors, session=st.session),
                           region_sources=display.sources(region.sources, ctx["names"]["document"]),
                           national=_by_document(national, ctx["names"]["document"]), national_count=len(national), **ctx)


def _with_sources(regions: list[Any], ctx: dict[str, Any]) -> list[tuple[Any, list[display.Source]]]:
    """Each region with its sources ready to show."""
    return [(r, display.sources(r.sources, ctx["names"]["document"])) for r in regions]


def _by_document(proposals: list[Any], documents: dict[str, str]) -> list[tuple[str, str, list[Any]]]:
    """(document id, title, proposals) in the order the proposals come (livre blanc first, as the base lists them)."""
    groups: dict[str, list[Any]] = {}
    for p in proposals:
        groups.setdefault(p.document, []).append(p)
    return [(doc, documents.get(doc, doc), items) for doc, items in groups.items()]
