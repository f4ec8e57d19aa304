"""Database rows → record shapes (kb.pages.shapes), shared by the API, the exports and the site's pages.

Each record kind has one data function here (``DETAIL``), read through the linked views of kb.store.linked: the API
answers its shape as JSON, the exports lay it flat, and the site's pages show the same sources and status history
(``sources``, ``history``). Every shape reads through the page context (kb.pages.context): its database reader and
its builder of absolute addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from kb.content import kinds
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.content.markup import render_markdown
from kb.content.models import StatusChange
from kb.content.urls import Urls
from kb.pages import Context
from kb.pages import shapes as m
from kb.store import linked, overview, queries
from kb.store.tables import kind_of

if TYPE_CHECKING:
    from kb.search import Results


def _own(row: Any, ctx: Context) -> dict[str, Any]:
    """What a shape shares with its row (the fields its kind declares), with its id, type and page URL."""
    kind = kind_of(row)
    return {**{name: getattr(row, name) for name in kind.base.model_fields}, "id": row.id, "type": kind, "url": ctx.url(kind, row.id)}


def _ref(ctx: Context, row: Any) -> m.Ref:
    return m.Ref(id=row.id, title=row.title, url=ctx.url(kind_of(row), row.id))


def _linked_ref(ctx: Context, row: Any, editorial: dict[str, str]) -> m.LinkedRef:
    note = editorial.get(row.id)
    basis = "source" if note is None else "editorial"
    return m.LinkedRef(id=row.id, title=row.title, url=ctx.url(kind_of(row), row.id), basis=basis, note=note or None)


def _named(ctx: Context, row: Any) -> m.NamedRef:
    return m.NamedRef(id=row.id, name=row.name, url=ctx.url(kind_of(row), row.id))


def sources(ctx: Context, raw: list[dict[str, Any]]) -> list[m.Source]:
    """A record's sources as every output shows them: the document of the base they name (resolved), the address, the quote."""
    titles = ctx.names()[DOCUMENT]
    out = []
    for s in raw:
        doc = s.get("document")
        page = s.get("page")
        out.append(
            m.Source(
                document=m.Ref(id=doc, title=titles.get(doc, doc), url=ctx.url(DOCUMENT, doc)) if doc else None,
                url=s.get("url"),
                quote=s.get("quote"),
                page=None if page is None else str(page),
                accessed=s.get("accessed"),
            )
        )
    return out


def history(raw: list[dict[str, Any]]) -> list[StatusChange]:
    """A proposal's status history as stored (kb.content.models.StatusChange: the one shape from file to API)."""
    return [StatusChange.model_validate(h) for h in raw]


def proposal_from_view(ctx: Context, v: linked.ProposalView) -> m.ProposalOut:
    """The shape of a proposal view."""
    p = v.proposal
    return m.ProposalOut.model_construct(
        **_own(p, ctx),
        body_html=render_markdown(p.body),
        document=_ref(ctx, v.document) if v.document else None,
        axis=_ref(ctx, v.axis) if v.axis else None,
        status_history=history(p.status_history),
        sectors=[_named(ctx, s) for s in v.sectors],
        regions=[_named(ctx, r) for r in v.regions],
        related=[_linked_ref(ctx, r, v.editorial) for r in v.related],
        actions=[_linked_ref(ctx, a, v.editorial) for a in v.actions],
        echoes=[_linked_ref(ctx, a, v.editorial) for a in v.echoes],
        sources=sources(ctx, p.sources),
        organisations=[_named(ctx, o) for o in ctx.who().of_document(p.document)],
    )


def proposals(ctx: Context, ids: list[str]) -> list[m.ProposalOut]:
    """Proposals by id (in that order; unknown or hidden ones dropped), links resolved both ways."""
    return [proposal_from_view(ctx, v) for v in linked.proposal_views(ctx.db, ids)]


def proposal(ctx: Context, record_id: str) -> m.ProposalOut | None:
    """A proposal by id, links resolved both ways."""
    return next(iter(proposals(ctx, [record_id])), None)


def action_from_view(ctx: Context, v: linked.ActionView) -> m.ActionOut:
    """The shape of an action view."""
    a = v.action
    return m.ActionOut.model_construct(
        **_own(a, ctx),
        body_html=render_markdown(a.body),
        region=_named(ctx, v.region) if v.region else None,
        sectors=[_named(ctx, s) for s in v.sectors],
        proposals=[_linked_ref(ctx, p, v.editorial) for p in v.proposals],
        sources=sources(ctx, a.sources),
        organisation=_named(ctx, org) if (org := ctx.who().organisations.get(a.organisation)) else None,
    )


def actions(ctx: Context, ids: list[str]) -> list[m.ActionOut]:
    """Actions by id (in that order) with the proposals they carry."""
    return [action_from_view(ctx, v) for v in linked.action_views(ctx.db, ids)]


def action(ctx: Context, record_id: str) -> m.ActionOut | None:
    """An action by id with the proposals it carries."""
    return next(iter(actions(ctx, [record_id])), None)


def document(ctx: Context, record_id: str) -> m.DocumentOut | None:
    """A document with its axes (and their proposal counts) and its proposals."""
    v = linked.document_view(ctx.db, record_id)
    if v is None:
        return None
    d = v.document
    return m.DocumentOut.model_construct(
        **_own(d, ctx),
        source_url=d.url,
        body_html=render_markdown(d.body),
        held_proposals=v.held,
        axes=[m.AxisSummary(id=a.id, title=a.title, url=ctx.url(AXIS, a.id), order=a.order, proposal_count=n) for a, n in v.axes],
        proposals=[_ref(ctx, p) for p in v.proposals],
        sources=sources(ctx, d.sources),
        cited_by=_cited_by(ctx, d.id),
        organisations=[_named(ctx, o) for o in ctx.who().of_document(d.id)],
    )


def _cited_by(ctx: Context, document_id: str) -> list[m.CitingRef]:
    """Every record with a source on a document, by kind (as the document's page lists them)."""
    found = overview.citing(ctx.db, document_id)
    rows = (*found.proposals, *found.actions, *found.axes, *found.documents, *found.regions)
    return [m.CitingRef(id=r.id, type=kind_of(r), title=getattr(r, kind_of(r).name_field), url=ctx.url(kind_of(r), r.id)) for r in rows]


def axis(ctx: Context, record_id: str) -> m.AxisOut | None:
    """An axis with its document and proposals, and the peer proposals the base links to it."""
    v = linked.axis_view(ctx.db, record_id)
    if v is None:
        return None
    echoed = [m.LinkedRef(id=p.id, title=p.title, url=ctx.url(PROPOSAL, p.id), basis="editorial", note=v.notes.get(p.id) or None)
              for p in v.echoing]
    return m.AxisOut.model_construct(
        **_own(v.axis, ctx)
        | {
            "document": _ref(ctx, v.document) if v.document else None,
            "proposals": [_ref(ctx, p) for p in v.proposals],
            "echoed_by": echoed,
            "sources": sources(ctx, v.axis.sources),
        }
    )


def sector(ctx: Context, record_id: str) -> m.SectorOut | None:
    """A sector with the proposals and actions that name it, and the regions a source names it for."""
    v = linked.sector_view(ctx.db, record_id)
    if v is None:
        return None
    return m.SectorOut.model_construct(
        **_own(v.sector, ctx), proposals=[_ref(ctx, p) for p in v.proposals], actions=[_ref(ctx, a) for a in v.actions],
        regions=[_named(ctx, r) for r in v.regions],
    )


def region(ctx: Context, record_id: str) -> m.RegionOut | None:
    """A region with its filières, its sources, and the proposals and actions that name it."""
    v = linked.region_view(ctx.db, record_id)
    if v is None:
        return None
    extra = {"sectors": [_named(ctx, s) for s in v.sectors], "sources": sources(ctx, v.region.sources),
             "proposals": [_ref(ctx, p) for p in v.proposals], "actions": [_ref(ctx, a) for a in v.actions]}
    return m.RegionOut.model_construct(**_own(v.region, ctx) | extra)


def organisation(ctx: Context, record_id: str) -> m.OrganisationOut | None:
    """An organisation with its parent, region and members, and what the base files under it and its members."""
    v = linked.organisation_view(ctx.db, record_id)
    if v is None:
        return None
    return m.OrganisationOut.model_construct(
        **_own(v.organisation, ctx)
        | {
            "parent": _named(ctx, v.parent) if v.parent else None,
            "region": _named(ctx, v.region) if v.region else None,
            "members": [_named(ctx, o) for o in v.members],
            "documents": [_ref(ctx, d) for d in v.documents],
            "proposals": [_ref(ctx, p) for p in v.proposals],
            "actions": [_ref(ctx, a) for a in v.actions],
            "sources": sources(ctx, v.organisation.sources),
        }
    )


def plain(ctx: Context, kind: str, record_id: str) -> m.Out | None:
    """A record in its kind's shape with its own fields and sources only: the shape of a kind whose records link to
    nothing (until it has a data function of its own below)."""
    row = queries.get(ctx.db, kind, record_id)
    if row is None:
        return None
    shape = m.DETAIL[kind]
    extra = {"sources": sources(ctx, row.sources)} if "sources" in shape.model_fields else {}
    return shape.model_construct(**_own(row, ctx), **extra)


# The data function of each kind's record (its page's JSON twin), where it has links of its own.
DETAIL: dict[str, Callable[[Context, str], m.Out | None]] = {
    DOCUMENT: document, AXIS: axis, PROPOSAL: proposal, ACTION: action, SECTOR: sector, REGION: region, ORGANISATION: organisation,
}
# Kinds whose many records are shaped in a fixed number of queries.
MANY: dict[str, Callable[[Context, list[str]], list[Any]]] = {PROPOSAL: proposals, ACTION: actions}


def detail(ctx: Context, kind: str, record_id: str) -> m.Out | None:
    """A record in its kind's shape (None when absent or hidden)."""
    found = DETAIL.get(kind)
    return found(ctx, record_id) if found is not None else plain(ctx, kind, record_id)


def many(ctx: Context, kind: str, ids: list[str]) -> list[Any]:
    """Records of a kind in their shape, in the ids' order (proposals and actions in a few queries)."""
    if kind in MANY:
        return MANY[kind](ctx, ids)
    return [shape for i in ids if (shape := detail(ctx, kind, i)) is not None]


def all_records(ctx: Context, kind: str) -> list[Any]:
    """Every visible record of a kind in its shape, in the base's stable order."""
    return many(ctx, kind, [row.id for row in queries.all_of(ctx.db, kind)])


def export_all(ctx: Context) -> BaseModel:
    """Everything, as kb.json holds it."""
    return m.KbExport(**{k.collection: all_records(ctx, k) for k in kinds.every()})


def search_response(urls: Urls, res: Results, offset: int = 0, next_url: str | None = None) -> m.SearchResponse:
    """A search's answer as the API gives it (``kb search --json`` prints the same), from hit ``offset`` on."""
    hits = [m.SearchHit(id=h.id, type=h.type, title=h.title, score=h.score, url=urls.record(h.type, h.id), highlight=h.highlight,
                        partial=h.partial, quoted=h.quoted) for h in res.hits[offset:]]
    return m.SearchResponse(query=res.query, total=res.total, data=hits, next=next_url, facets=res.facets, suggestion=res.suggestion,
                            partial=res.partial)
