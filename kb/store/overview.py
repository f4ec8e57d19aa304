"""What the index and browse pages count and list: axes by document, documents by kind, sectors, regions, citations.

No Flask here: each function takes the session as a keyword argument (and ``drafts`` to include draft records, for
the staff preview mode). Counts are made over ids and link rows, never by loading whole records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from kb.content.fields import DOCUMENT_KINDS
from kb.content.models import CITES
from kb.store.queries import all_of, by_ids, links, visible
from kb.store.tables import Action, Axis, Document, Link, Proposal, Region, Sector


def _visible_ids(model: Any, *, session: Session, drafts: bool) -> set[str]:
    return set(session.exec(select(model.id).where(visible(model, drafts))))


def _link_counts(rel: str, srcs: set[str], *, session: Session) -> Counter[str]:
    """How many of ``srcs`` link to each target through ``rel``."""
    return Counter(lk.dst for lk in session.exec(select(Link).where(Link.rel == rel)) if lk.src in srcs)


@dataclass
class AxisEntry:
    """An axis with its proposals and, for the axes others echo, the peer proposals that do."""

    axis: Axis
    proposals: int
    echoes: int


@dataclass
class DocumentAxes:
    """A document and its axes in order."""

    document: Document
    axes: list[AxisEntry]


def _documents_in_order(session: Session) -> list[Document]:
    """Livres blancs first, then the others; newest first within each (the order of all_of)."""
    return sorted(all_of("document", session=session), key=lambda d: d.kind != "livre-blanc")


def axes_by_document(*, session: Session, drafts: bool = False) -> list[DocumentAxes]:
    """Every document that has axes, with each axis's proposal and echo counts (for /axes)."""
    props = list(session.exec(select(Proposal.id, Proposal.axis).where(visible(Proposal, drafts))))
    per_axis = Counter(axis for _id, axis in props)
    echoes = _link_counts("echoes", {pid for pid, _axis in props}, session=session)
    axes: dict[str, list[AxisEntry]] = {}
    for axis in all_of("axis", session=session):
        axes.setdefault(axis.document, []).append(AxisEntry(axis, per_axis[axis.id], echoes[axis.id]))
    return [DocumentAxes(d, axes[d.id]) for d in _documents_in_order(session) if d.id in axes]


@dataclass
class DocumentEntry:
    """A document with the proposals the base holds from it and the records that cite it."""

    document: Document
    held: int
    citing: int


@dataclass
class KindGroup:
    """The documents of one kind, newest first."""

    kind: str
    documents: list[DocumentEntry]


def documents_by_kind(*, session: Session, drafts: bool = False) -> list[KindGroup]:
    """Documents grouped by kind (livre blanc, rapport, communiqué, article, autre), newest first in each (for /documents)."""
    held = Counter(session.exec(select(Proposal.document).where(visible(Proposal, drafts))))
    citing = _link_counts(CITES, _citing_ids(session, drafts), session=session)
    groups: dict[str, list[DocumentEntry]] = {}
    for doc in all_of("document", session=session):
        groups.setdefault(doc.kind, []).append(DocumentEntry(doc, held[doc.id], citing[doc.id]))
    return [KindGroup(kind, groups[kind]) for kind in DOCUMENT_KINDS if kind in groups]


def _citing_ids(session: Session, drafts: bool) -> set[str]:
    ids = {*_visible_ids(Proposal, session=session, drafts=drafts), *_visible_ids(Action, session=session, drafts=drafts)}
    ids |= set(session.exec(select(Document.id))) | set(session.exec(select(Axis.id))) | set(session.exec(select(Region.id)))
    return ids


@dataclass
class Citing:
    """The records whose sources name a document, by kind."""

    proposals: list[Proposal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.proposals) + len(self.actions) + len(self.axes) + len(self.documents) + len(self.regions)


def citing(document_id: str, *, session: Session, drafts: bool = False) -> Citing:
    """Every record with a source on this document (« Fiches qui citent ce document »)."""
    srcs = sorted({lk.src for lk in links(None, CITES, document_id, session=session)})
    return Citing(
        by_ids("proposal", srcs, session=session, drafts=drafts),
        by_ids("action", srcs, session=session, drafts=drafts),
        by_ids("axis", srcs, session=session),
        by_ids("document", srcs, session=session),
        by_ids("region", srcs, session=session),
    )


@dataclass
class SectorEntry:
    """A sector, the proposals and actions that name it, and the regions a source names it for."""

    sector: Sector
    proposals: int
    actions: int
    regions: list[Region]


def sectors_overview(*, session: Session, drafts: bool = False) -> list[SectorEntry]:
    """Every sector with its counts and regions (for /filieres)."""
    prop_ids = _visible_ids(Proposal, session=session, drafts=drafts)
    action_ids = _visible_ids(Action, session=session, drafts=drafts)
    rows = list(session.exec(select(Link).where(Link.rel == "sector")))
    regions = {r.id: r for r in all_of("region", session=session)}
    out = []
    for s in all_of("sector", session=session):
        named = [lk.src for lk in rows if lk.dst == s.id]
        out.append(SectorEntry(s, sum(i in prop_ids for i in named), sum(i in action_ids for i in named),
                               [regions[i] for i in named if i in regions]))
    return out


def regions_naming(sector_id: str, *, session: Session) -> list[Region]:
    """The regions whose entry, on a source's word, names this sector."""
    return by_ids("region", sorted({lk.src for lk in links(None, "sector", sector_id, session=session)}), session=session)


@dataclass
class RegionEntry:
    """A region with its regional actions and the proposals that concern it alone or with others."""

    region: Region
    actions: int
    proposals: int


def regions_overview(*, session: Session, drafts: bool = False) -> list[RegionEntry]:
    """Every region with its counts (for /regions and its map)."""
    actions = Counter(session.exec(select(Action.region).where(visible(Action, drafts))))
    proposals = _link_counts("region", _visible_ids(Proposal, session=session, drafts=drafts), session=session)
    return [RegionEntry(r, actions[r.id], proposals[r.id]) for r in all_of("region", session=session)]


def national_proposals(*, session: Session, drafts: bool = False) -> list[Proposal]:
    """The proposals that name no region (« portée nationale »), livres blancs first, then by document (newest first)."""
    regional = select(Link.src).where(Link.rel == "region")
    stmt = select(Proposal).where(visible(Proposal, drafts), col(Proposal.id).not_in(regional)).order_by(col(Proposal.id))
    rank = {d.id: i for i, d in enumerate(_documents_in_order(session))}
    return sorted(session.exec(stmt), key=lambda p: rank.get(p.document, len(rank)))


def held(document_id: str, *, session: Session, drafts: bool = False) -> int:
    """How many proposals of a document the base holds."""
    stmt = select(Proposal.id).where(Proposal.document == document_id, visible(Proposal, drafts))
    return len(list(session.exec(stmt)))


def actions_in(region_ids: list[str], *, session: Session, drafts: bool = False) -> list[Action]:
    """The regional actions of some regions, by region then id."""
    if not region_ids:
        return []
    stmt = select(Action).where(visible(Action, drafts), col(Action.region).in_(region_ids))
    return list(session.exec(stmt.order_by(col(Action.region), col(Action.id))))
