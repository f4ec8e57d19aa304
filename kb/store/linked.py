"""Records with their links resolved both ways, as the pages, the API and the cards show them (read-only).

No Flask here: each function takes a Reader (kb.store.reader) first: the session, and whether drafts are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, select

from kb.content.filters import BY_KIND
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.store.queries import CARRIES, by_ids, get, links, listed, visible
from kb.store.reader import Reader
from kb.store.tables import Action, Axis, Document, Link, Listed, Organisation, Proposal, Region, Sector

# The link rows of the sector, region and organisation references are named after their filters (kb.builder.rows).
SECTOR_REL, REGION_REL, ORGANISATION_REL = BY_KIND[SECTOR].name, BY_KIND[REGION].name, BY_KIND[ORGANISATION].name


@dataclass
class ProposalView:
    """A proposal with everything its page shows, links resolved both ways.

    ``editorial`` maps the id of each record linked to it by the base rather than by a source (related proposals,
    carrying actions, echoed axes) to the note saying why.
    """

    proposal: Proposal
    document: Document | None
    axis: Axis | None
    actions: list[Action]
    related: list[Proposal]
    sectors: list[Sector]
    regions: list[Region]
    echoes: list[Axis] = field(default_factory=list)
    editorial: dict[str, str] = field(default_factory=dict)


def proposal_view(db: Reader, record_id: str) -> ProposalView | None:
    """A proposal and its resolved links (related declared on either side), read once per session."""
    return _once(db, PROPOSAL, record_id, lambda: next(iter(proposal_views(db, [record_id])), None))


@dataclass
class ActionView:
    """An action with the proposals it carries forward, its region and sectors (``editorial``: as for ProposalView)."""

    action: Action
    proposals: list[Proposal]
    region: Region | None
    sectors: list[Sector]
    editorial: dict[str, str] = field(default_factory=dict)


def action_view(db: Reader, record_id: str) -> ActionView | None:
    """An action and its resolved links, read once per session."""
    return _once(db, ACTION, record_id, lambda: next(iter(action_views(db, [record_id])), None))


def _once(db: Reader, kind: str, record_id: str, read: Callable[[], Any]) -> Any:
    """A record's view read once per session (a request's): its page and its share block's card read the same view
    (~14 queries)."""
    views = db.session.info.setdefault("kb.linked.views", {})
    key = (kind, record_id, db.drafts)
    if key not in views:
        views[key] = read()
    return views[key]


def _index(db: Reader, kind: str, ids: set[str]) -> dict[str, Any]:
    return {r.id: r for r in by_ids(db, kind, sorted(ids))}


def _editorial(db: Reader, ids: list[str]) -> dict[str, dict[str, str]]:
    """For each record id, the records linked to it editorially (either direction) and why."""
    out: dict[str, dict[str, str]] = {}
    for lk in db.session.exec(select(Link).where(Link.basis == "editorial", or_(col(Link.src).in_(ids), col(Link.dst).in_(ids)))):
        if lk.src in ids:
            out.setdefault(lk.src, {})[lk.dst] = lk.note or ""
        if lk.dst in ids:
            out.setdefault(lk.dst, {})[lk.src] = lk.note or ""
    return out


def proposal_views(db: Reader, ids: list[str]) -> list[ProposalView]:
    """The views of many proposals in a fixed number of queries (pages, API lists, exports), in the ids' order."""
    props = by_ids(db, PROPOSAL, ids)
    pids = [p.id for p in props]
    back: dict[str, dict[str, list[str]]] = {CARRIES: {}, "related": {}}
    for lk in db.session.exec(select(Link).where(col(Link.rel).in_((CARRIES, "related")), col(Link.dst).in_(pids)).order_by(col(Link.src))):
        back[lk.rel].setdefault(lk.dst, []).append(lk.src)
    related = {p.id: list(dict.fromkeys(p.related + back["related"].get(p.id, []))) for p in props}
    docs = _index(db, DOCUMENT, {p.document for p in props})
    axes = _index(db, AXIS, {p.axis for p in props} | {e for p in props for e in p.echoes})
    actions = _index(db, ACTION, {a for srcs in back[CARRIES].values() for a in srcs})
    others = _index(db, PROPOSAL, {r for rs in related.values() for r in rs})
    sectors = _index(db, SECTOR, {s for p in props for s in p.sectors})
    regions = _index(db, REGION, {r for p in props for r in p.regions})
    editorial = _editorial(db, pids)
    return [
        ProposalView(
            p,
            docs.get(p.document),
            axes.get(p.axis),
            [actions[a] for a in sorted(back[CARRIES].get(p.id, [])) if a in actions],
            [others[r] for r in related[p.id] if r in others],
            [sectors[s] for s in p.sectors if s in sectors],
            [regions[r] for r in p.regions if r in regions],
            [axes[e] for e in p.echoes if e in axes],
            editorial.get(p.id, {}),
        )
        for p in props
    ]


def action_views(db: Reader, ids: list[str]) -> list[ActionView]:
    """The views of many actions in a fixed number of queries, in the ids' order."""
    actions = by_ids(db, ACTION, ids)
    props = _index(db, PROPOSAL, {p for a in actions for p in a.proposals})
    regions = _index(db, REGION, {a.region for a in actions})
    sectors = _index(db, SECTOR, {s for a in actions for s in a.sectors})
    editorial = _editorial(db, [a.id for a in actions])
    return [
        ActionView(a, [props[p] for p in a.proposals if p in props], regions.get(a.region), [sectors[s] for s in a.sectors if s in sectors],
                   editorial.get(a.id, {}))
        for a in actions
    ]


def echoing(db: Reader, axis_id: str) -> list[Proposal]:
    """The proposals of other documents that echo an axis (links the base makes), by document then id."""
    srcs = sorted({lk.src for lk in links(db, None, "echoes", axis_id)})
    return sorted(by_ids(db, PROPOSAL, srcs), key=lambda p: (p.document, p.id))


@dataclass
class DocumentView:
    """A document, its axes in order with their proposal counts, and its coverage."""

    document: Document
    axes: list[tuple[Axis, int]]
    proposals: list[Proposal]
    held: int
    announced: int | None


def document_view(db: Reader, record_id: str) -> DocumentView | None:
    """A document page's data: axes in order, proposals held against proposals announced."""
    doc = get(db, DOCUMENT, record_id)
    if doc is None:
        return None
    axes = list(db.session.exec(select(Axis).where(Axis.document == record_id).order_by(col(Axis.order))))
    props = list(
        db.session.exec(select(Proposal).where(Proposal.document == record_id, visible(Proposal, db.drafts)).order_by(col(Proposal.id)))
    )
    per_axis = {a.id: sum(1 for p in props if p.axis == a.id) for a in axes}
    return DocumentView(doc, [(a, per_axis[a.id]) for a in axes], props, len(props), doc.announced_proposals)


@dataclass
class AxisView:
    """An axis, its document, its proposals, the peer proposals the base links to it (``notes``: why), and how many
    proposals of its document the base holds (to say why an axis has none)."""

    axis: Axis
    document: Document | None
    proposals: list[Proposal]
    echoing: list[Proposal]
    notes: dict[str, str]
    held: int


def axis_view(db: Reader, record_id: str) -> AxisView | None:
    """An axis page's data, and its API shape's."""
    axis = get(db, AXIS, record_id)
    if axis is None:
        return None
    notes = {lk.src: lk.note or "" for lk in links(db, None, "echoes", record_id)}
    held = len(list(db.session.exec(select(Proposal.id).where(Proposal.document == axis.document, visible(Proposal, db.drafts)))))
    return AxisView(axis, get(db, DOCUMENT, axis.document), proposals_of_axis(db, record_id), echoing(db, record_id), notes, held)


@dataclass
class SectorView:
    """A sector, the proposals and actions that name it, the regions a source names it for and their actions."""

    sector: Sector
    proposals: list[Listed]
    actions: list[Listed]
    regions: list[Region]
    region_actions: list[Action]


def sector_view(db: Reader, record_id: str) -> SectorView | None:
    """A sector page's data, and its API shape's."""
    sector = get(db, SECTOR, record_id)
    if sector is None:
        return None
    found = linked_records(db, SECTOR_REL, record_id)
    regions = by_ids(db, REGION, sorted({lk.src for lk in links(db, None, SECTOR_REL, record_id)}))
    return SectorView(sector, found[PROPOSAL], found[ACTION], regions, actions_in(db, [r.id for r in regions]))


@dataclass
class RegionView:
    """A region, its filières where a source names them, the proposals that name it and its regional actions."""

    region: Region
    sectors: list[Sector]
    proposals: list[Listed]
    actions: list[Listed]
    organisations: list[Organisation] = field(default_factory=list)


def region_view(db: Reader, record_id: str) -> RegionView | None:
    """A region page's data, and its API shape's; ``organisations``: those of the region and those carrying its actions."""
    region = get(db, REGION, record_id)
    if region is None:
        return None
    found = linked_records(db, REGION_REL, record_id)
    present = {a.organisation for a in found[ACTION]}
    orgs = db.session.exec(select(Organisation).where(or_(Organisation.region == record_id, col(Organisation.id).in_(present))))
    return RegionView(region, by_ids(db, SECTOR, region.sectors), found[PROPOSAL], found[ACTION],
                      sorted(orgs, key=lambda o: o.short_name or o.name))


@dataclass
class OrganisationView:
    """An organisation, whom it belongs to, its members (regional unions, committees), and what the base files under it
    and its members: documents, their proposals, the actions they carry (proposals and actions as lists show them)."""

    organisation: Organisation
    parent: Organisation | None
    region: Region | None
    members: list[Organisation]
    documents: list[Document]
    proposals: list[Listed]
    actions: list[Listed]


def organisation_view(db: Reader, record_id: str) -> OrganisationView | None:
    """An organisation page's data, and its API shape's."""
    org = get(db, ORGANISATION, record_id)
    if org is None:
        return None
    filed = sorted({lk.src for lk in links(db, None, ORGANISATION_REL, record_id)})
    members = list(db.session.exec(select(Organisation).where(Organisation.parent == record_id).order_by(col(Organisation.name))))
    return OrganisationView(
        org, get(db, ORGANISATION, org.parent) if org.parent else None, get(db, REGION, org.region) if org.region else None,
        members, sorted(by_ids(db, DOCUMENT, filed), key=lambda d: d.published or "", reverse=True), listed(db, PROPOSAL, filed),
        listed(db, ACTION, filed),
    )


def actions_in(db: Reader, region_ids: list[str]) -> list[Action]:
    """The regional actions of some regions, by region then id."""
    if not region_ids:
        return []
    stmt = select(Action).where(visible(Action, db.drafts), col(Action.region).in_(region_ids))
    return list(db.session.exec(stmt.order_by(col(Action.region), col(Action.id))))


def proposals_of_axis(db: Reader, axis_id: str) -> list[Proposal]:
    """The proposals on one axis."""
    stmt = select(Proposal).where(Proposal.axis == axis_id, visible(Proposal, db.drafts)).order_by(col(Proposal.id))
    return list(db.session.exec(stmt))


def linked_records(db: Reader, rel: str, dst: str) -> dict[str, list[Listed]]:
    """Proposals and actions that reference ``dst`` through ``rel`` (sector or region), as lists show them (light rows:
    a confederation's page, preview and export detail loaded every record it files as a whole row, ~0.6 s of a one-file
    build at 10,000 demo records; bench/README.md)."""
    srcs = sorted({lk.src for lk in links(db, None, rel, dst)})
    return {PROPOSAL: listed(db, PROPOSAL, srcs), ACTION: listed(db, ACTION, srcs)}
