"""Records with their links resolved both ways, as the pages, the API and the cards show them (read-only).

No Flask here: each function takes the session as a keyword argument (and ``drafts`` to include draft records, for
the staff preview mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from kb.store.queries import KINDS, all_of, by_ids, get, links, livre_blanc, visible
from kb.store.tables import Action, Axis, Document, Link, Proposal, Region, Sector


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


def proposal_view(record_id: str, *, session: Session, drafts: bool = False) -> ProposalView | None:
    """A proposal and its resolved links (related declared on either side)."""
    return next(iter(proposal_views([record_id], session=session, drafts=drafts)), None)


@dataclass
class ActionView:
    """An action with the proposals it carries forward, its region and sectors (``editorial``: as for ProposalView)."""

    action: Action
    proposals: list[Proposal]
    region: Region | None
    sectors: list[Sector]
    editorial: dict[str, str] = field(default_factory=dict)


def action_view(record_id: str, *, session: Session, drafts: bool = False) -> ActionView | None:
    """An action and its resolved links."""
    return next(iter(action_views([record_id], session=session, drafts=drafts)), None)


def _index(kind: str, ids: set[str], *, session: Session, drafts: bool = False) -> dict[str, Any]:
    return {r.id: r for r in by_ids(kind, sorted(ids), session=session, drafts=drafts)}


def _editorial(ids: list[str], *, session: Session) -> dict[str, dict[str, str]]:
    """For each record id, the records linked to it editorially (either direction) and why."""
    out: dict[str, dict[str, str]] = {}
    for lk in session.exec(select(Link).where(Link.basis == "editorial", or_(col(Link.src).in_(ids), col(Link.dst).in_(ids)))):
        if lk.src in ids:
            out.setdefault(lk.src, {})[lk.dst] = lk.note or ""
        if lk.dst in ids:
            out.setdefault(lk.dst, {})[lk.src] = lk.note or ""
    return out


def proposal_views(ids: list[str], *, session: Session, drafts: bool = False) -> list[ProposalView]:
    """The views of many proposals in a fixed number of queries (pages, API lists, exports), in the ids' order."""
    props = by_ids("proposal", ids, session=session, drafts=drafts)
    pids = [p.id for p in props]
    back: dict[str, dict[str, list[str]]] = {"carries": {}, "related": {}}
    for lk in session.exec(select(Link).where(col(Link.rel).in_(("carries", "related")), col(Link.dst).in_(pids)).order_by(col(Link.src))):
        back[lk.rel].setdefault(lk.dst, []).append(lk.src)
    related = {p.id: list(dict.fromkeys(p.related + back["related"].get(p.id, []))) for p in props}
    docs = _index("document", {p.document for p in props}, session=session)
    axes = _index("axis", {p.axis for p in props} | {e for p in props for e in p.echoes}, session=session)
    actions = _index("action", {a for srcs in back["carries"].values() for a in srcs}, session=session, drafts=drafts)
    others = _index("proposal", {r for rs in related.values() for r in rs}, session=session, drafts=drafts)
    sectors = _index("sector", {s for p in props for s in p.sectors}, session=session)
    regions = _index("region", {r for p in props for r in p.regions}, session=session)
    editorial = _editorial(pids, session=session)
    return [
        ProposalView(
            p,
            docs.get(p.document),
            axes.get(p.axis),
            [actions[a] for a in sorted(back["carries"].get(p.id, [])) if a in actions],
            [others[r] for r in related[p.id] if r in others],
            [sectors[s] for s in p.sectors if s in sectors],
            [regions[r] for r in p.regions if r in regions],
            [axes[e] for e in p.echoes if e in axes],
            editorial.get(p.id, {}),
        )
        for p in props
    ]


def action_views(ids: list[str], *, session: Session, drafts: bool = False) -> list[ActionView]:
    """The views of many actions in a fixed number of queries, in the ids' order."""
    actions = by_ids("action", ids, session=session, drafts=drafts)
    props = _index("proposal", {p for a in actions for p in a.proposals}, session=session, drafts=drafts)
    regions = _index("region", {a.region for a in actions}, session=session)
    sectors = _index("sector", {s for a in actions for s in a.sectors}, session=session)
    editorial = _editorial([a.id for a in actions], session=session)
    return [
        ActionView(a, [props[p] for p in a.proposals if p in props], regions.get(a.region), [sectors[s] for s in a.sectors if s in sectors],
                   editorial.get(a.id, {}))
        for a in actions
    ]


def echoing(axis_id: str, *, session: Session, drafts: bool = False) -> list[Proposal]:
    """The proposals of other documents that echo an axis (links the base makes), by document then id."""
    srcs = sorted({lk.src for lk in links(None, "echoes", axis_id, session=session)})
    return sorted(by_ids("proposal", srcs, session=session, drafts=drafts), key=lambda p: (p.document, p.id))


@dataclass
class DocumentView:
    """A document, its axes in order with their proposal counts, and its coverage."""

    document: Document
    axes: list[tuple[Axis, int]]
    proposals: list[Proposal]
    held: int
    announced: int | None


def document_view(record_id: str, *, session: Session, drafts: bool = False) -> DocumentView | None:
    """A document page's data: axes in order, proposals held against proposals announced."""
    doc = get("document", record_id, session=session)
    if doc is None:
        return None
    axes = list(session.exec(select(Axis).where(Axis.document == record_id).order_by(col(Axis.order))))
    props = list(
        session.exec(select(Proposal).where(Proposal.document == record_id, visible(Proposal, drafts)).order_by(col(Proposal.id)))
    )
    per_axis = {a.id: sum(1 for p in props if p.axis == a.id) for a in axes}
    return DocumentView(doc, [(a, per_axis[a.id]) for a in axes], props, len(props), doc.announced_proposals)


def proposals_of_axis(axis_id: str, *, session: Session, drafts: bool = False) -> list[Proposal]:
    """The proposals on one axis."""
    stmt = select(Proposal).where(Proposal.axis == axis_id, visible(Proposal, drafts)).order_by(col(Proposal.id))
    return list(session.exec(stmt))


def linked_records(rel: str, dst: str, *, session: Session, drafts: bool = False) -> dict[str, list[Any]]:
    """Proposals and actions that reference ``dst`` through ``rel`` (sector or region)."""
    srcs = sorted({lk.src for lk in links(None, rel, dst, session=session)})
    return {
        "proposal": by_ids("proposal", srcs, session=session, drafts=drafts),
        "action": by_ids("action", srcs, session=session, drafts=drafts),
    }


@dataclass
class HomeView:
    """What the home page shows: documents with counts, the livre blanc's axes, type counts, latest updates."""

    documents: list[tuple[Document, int]]
    axes: list[tuple[Axis, int]]
    counts: dict[str, int]
    latest: list[Proposal | Action]


def home_view(*, session: Session, drafts: bool = False, latest: int = 8) -> HomeView:
    """The home page's data: counts from the database, and only the latest records loaded."""
    # Loading every record to count them cost ~60 MB of transient memory at 10,000 records, which a worker keeps.
    per_doc, per_axis = (_count_by(c, session=session, drafts=drafts) for c in (Proposal.document, Proposal.axis))
    docs = all_of("document", session=session)
    flagship_doc = livre_blanc(docs)
    axes = [(a, per_axis.get(a.id, 0)) for a in all_of("axis", session=session) if flagship_doc and a.document == flagship_doc.id]
    counts = {"proposal": sum(per_doc.values()), "action": len(_stamps("action", session, drafts)), "document": len(docs)}
    return HomeView([(d, per_doc.get(d.id, 0)) for d in docs], axes, counts, _latest(latest, session, drafts))


def _count_by(column: Any, *, session: Session, drafts: bool) -> dict[str, int]:
    stmt = select(column, func.count()).where(visible(Proposal, drafts)).group_by(column)
    return {key: int(n) for key, n in session.exec(stmt)}


def _stamps(kind: str, session: Session, drafts: bool) -> list[tuple[Any, str, str]]:
    model = KINDS[kind]
    return [(updated, rid, kind) for updated, rid in session.exec(select(model.updated, model.id).where(visible(model, drafts)))]


def _latest(n: int, session: Session, drafts: bool) -> list[Proposal | Action]:
    # Newest first, ties by id in code-point order (as Python sorts; a database collation may not): dates and ids only.
    top = sorted(_stamps("proposal", session, drafts) + _stamps("action", session, drafts), reverse=True)[:n]
    ids = {kind: [i for _, i, k in top if k == kind] for kind in ("proposal", "action")}
    rows = {(kind, r.id): r for kind in ids for r in by_ids(kind, ids[kind], session=session, drafts=drafts)}
    return [rows[(kind, rid)] for _, rid, kind in top]
