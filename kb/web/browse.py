"""The page of a document, an axis, a sector or a region: what is known of it, and the records about it.

Each says in its own words why a list is empty (an axis whose proposals are not in the sources consulted, a region
without regional action, a sector no record names) instead of showing an empty search.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from kb.content.filters import BY_KIND
from kb.content.kinds import AXIS, DOCUMENT, ORGANISATION, REGION, SECTOR
from kb.content.markup import safe_url
from kb.http.context import current
from kb.http.records import find
from kb.pages import records
from kb.pages.context import Context
from kb.store import linked, overview
from kb.web import display
from kb.web.listing import browse, browse_meta

bp = Blueprint("browse", __name__)


@bp.get(DOCUMENT.prefix + "<record_id>")
def document_page(record_id: str) -> str:
    """A document: its axes in order, its coverage, its proposals with facets, and every record that cites it."""
    find(DOCUMENT, record_id)
    ctx = current()
    view = linked.document_view(ctx.db, record_id)
    if view is None:
        abort(404)
    page = browse(DOCUMENT, record_id)
    meta = browse_meta(DOCUMENT, record_id, view.document.title, view.document.summary)
    return render_template("document.html", meta=meta, heading=meta["title"], view=view,
                           sources=records.sources(ctx, view.document.sources),
                           coverage=display.coverage(view.held, view.announced) if view.announced else None,
                           document_url=safe_url(view.document.url), citing=overview.citing(ctx.db, record_id), **page)


@bp.get(AXIS.prefix + "<record_id>")
def axis_page(record_id: str) -> str:
    """An axis and the records on it; an axis without proposal in the base says why, with its source."""
    find(AXIS, record_id)
    ctx = current()
    view = linked.axis_view(ctx.db, record_id)
    if view is None:
        abort(404)
    page = browse(AXIS, record_id)
    meta = browse_meta(AXIS, record_id, view.axis.title, view.axis.description)
    return render_template("axis.html", meta=meta, heading=meta["title"], axis=view.axis, document=view.document,
                           echoing=view.echoing, echo_notes=view.notes, held=view.held,
                           axis_sources=records.sources(ctx, view.axis.sources), **page)


@bp.get(SECTOR.prefix + "<record_id>")
def sector_page(record_id: str) -> str:
    """A sector (filière): the records that name it, the regions a source names it for, and their actions."""
    find(SECTOR, record_id)
    ctx = current()
    view = linked.sector_view(ctx.db, record_id)
    if view is None:
        abort(404)
    page = browse(SECTOR, record_id)
    listed = {record.id for _hit, record, _snippet in page["items"]}
    name = view.sector.name
    meta = browse_meta(SECTOR, record_id, f"{BY_KIND[SECTOR].title} : {name}",
                       f"Ce que la base sait de la filière {name} : propositions, actions régionales et régions qui la citent.")
    return render_template("sector.html", meta=meta, heading=meta["title"], sector=view.sector, regions=_with_sources(ctx, view.regions),
                           region_actions=view.region_actions, listed=listed, **page)


@bp.get(REGION.prefix + "<record_id>")
def region_page(record_id: str) -> str:
    """A region: its introduction and filières where a source gives them, its actions, and the national proposals."""
    find(REGION, record_id)
    ctx = current()
    view = linked.region_view(ctx.db, record_id)
    if view is None:
        abort(404)
    page = browse(REGION, record_id)
    region = view.region
    meta = browse_meta(REGION, record_id, f"{BY_KIND[REGION].title} : {region.name}",
                       region.summary or f"Actions régionales et propositions qui concernent la région {region.name}.")
    return render_template("region.html", meta=meta, heading=meta["title"], region=region, sectors=view.sectors,
                           region_sources=records.sources(ctx, region.sources), organisations=view.organisations, actions=view.actions,
                           national_count=len(overview.national_proposals(ctx.db)), **page)


@bp.get(ORGANISATION.prefix + "<record_id>")
def organisation_page(record_id: str) -> str:
    """An organisation: who it is, whom it belongs to, its members and their actions, its documents, its proposals by
    axis, and every record filed under it with facets."""
    find(ORGANISATION, record_id)
    ctx = current()
    view = linked.organisation_view(ctx.db, record_id)
    if view is None:
        abort(404)
    page = browse(ORGANISATION, record_id)
    org = view.organisation
    meta = browse_meta(ORGANISATION, record_id, org.name, org.summary)
    by_axis: dict[str, list[Any]] = {}
    for p in view.proposals:
        by_axis.setdefault(p.axis, []).append(p)
    return render_template("organisation.html", meta=meta, heading=meta["title"], view=view, org=org,
                           by_axis=list(by_axis.items()), org_sources=records.sources(ctx, org.sources), org_url=safe_url(org.url),
                           **page)


def _with_sources(ctx: Context, regions: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Each region with its sources ready to show."""
    return [(r, records.sources(ctx, r.sources)) for r in regions]
