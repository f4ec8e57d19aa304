"""What the index and browse pages count and list: axes by document, documents by kind, sectors, regions, citations.

No Flask here: each function takes a Reader (kb.store.reader) first: the session, and whether drafts are shown.
Counts are made over ids and link rows, never by loading whole records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from kb.content.fields import DOCUMENT_KINDS, ORGANISATION_KINDS
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR, Kind
from kb.content.models import CITES
from kb.store.linked import ORGANISATION_REL, REGION_REL, SECTOR_REL
from kb.store.queries import all_of, by_ids, links, visible
from kb.store.reader import Reader
from kb.store.tables import Action, Axis, Document, Link, Organisation, Proposal, Region, Sector


def _visible_ids(db: Reader, model: Any) -> set[str]:
    return set(db.session.exec(select(model.id).where(visible(model, db.drafts))))


def _link_counts(db: Reader, rel: str, srcs: set[str]) -> Counter[str]:
    """How many of ``srcs`` link to each target through ``rel``."""
    return Counter(lk.dst for lk in db.session.exec(select(Link).where(Link.rel == rel)) if lk.src in srcs)


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


def _documents_in_order(db: Reader) -> list[Document]:
    """The featured document first, then the livres blancs, then the others; newest first within each (the order of
    all_of), as the dashboard: a newer white paper never goes before the one the editors feature."""
    return sorted(all_of(db, DOCUMENT), key=lambda d: (not d.featured, d.kind != "livre-blanc"))


def axes_by_document(db: Reader) -> list[DocumentAxes]:
    """Every document that has axes, with each axis's proposal and echo counts (for /axes)."""
    props = list(db.session.exec(select(Proposal.id, Proposal.axis).where(visible(Proposal, db.drafts))))
    per_axis = Counter(axis for _id, axis in props)
    echoes = _link_counts(db, "echoes", {pid for pid, _axis in props})
    axes: dict[str, list[AxisEntry]] = {}
    for axis in all_of(db, AXIS):
        axes.setdefault(axis.document, []).append(AxisEntry(axis, per_axis[axis.id], echoes[axis.id]))
    return [DocumentAxes(d, axes[d.id]) for d in _documents_in_order(db) if d.id in axes]


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


def documents_by_kind(db: Reader) -> list[KindGroup]:
    """Documents grouped by kind (livre blanc, rapport, communiqué, article, autre), newest first in each (for /documents)."""
    held = Counter(db.session.exec(select(Proposal.document).where(visible(Proposal, db.drafts))))
    citing = _link_counts(db, CITES, _citing_ids(db))
    groups: dict[str, list[DocumentEntry]] = {}
    for doc in all_of(db, DOCUMENT):
        groups.setdefault(doc.kind, []).append(DocumentEntry(doc, held[doc.id], citing[doc.id]))
    return [KindGroup(kind, groups[kind]) for kind in DOCUMENT_KINDS if kind in groups]


def _citing_ids(db: Reader) -> set[str]:
    ids = {*_visible_ids(db, Proposal), *_visible_ids(db, Action)}
    ids |= set(db.session.exec(select(Document.id))) | set(db.session.exec(select(Axis.id))) | set(db.session.exec(select(Region.id)))
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

    def groups(self) -> list[tuple[Kind, list[Any]]]:
        """(kind, records) in the order the document's page lists them."""
        return [(PROPOSAL, self.proposals), (ACTION, self.actions), (AXIS, self.axes), (DOCUMENT, self.documents), (REGION, self.regions)]


def citing(db: Reader, document_id: str) -> Citing:
    """Every record with a source on this document (« Fiches qui citent ce document »)."""
    srcs = sorted({lk.src for lk in links(db, None, CITES, document_id)})
    return Citing(*(by_ids(db, kind, srcs) for kind in (PROPOSAL, ACTION, AXIS, DOCUMENT, REGION)))


@dataclass
class SectorEntry:
    """A sector, the proposals and actions that name it, and the regions a source names it for."""

    sector: Sector
    proposals: int
    actions: int
    regions: list[Region]


def sectors_overview(db: Reader) -> list[SectorEntry]:
    """Every sector with its counts and regions (for /filieres)."""
    prop_ids = _visible_ids(db, Proposal)
    action_ids = _visible_ids(db, Action)
    rows = list(db.session.exec(select(Link).where(Link.rel == SECTOR_REL)))
    regions = {r.id: r for r in all_of(db, REGION)}
    out = []
    for s in all_of(db, SECTOR):
        named = [lk.src for lk in rows if lk.dst == s.id]
        out.append(SectorEntry(s, sum(i in prop_ids for i in named), sum(i in action_ids for i in named),
                               [regions[i] for i in named if i in regions]))
    return out


def sectors_named(db: Reader) -> bool:
    """True when a proposal or action the reader sees names a sector (its source attaches it): the menu's « Filières »."""
    listed = [select(model.id).where(visible(model, db.drafts)) for model in (Proposal, Action)]
    stmt = select(Link.src).where(Link.rel == SECTOR_REL, col(Link.src).in_(listed[0]) | col(Link.src).in_(listed[1])).limit(1)
    return db.session.exec(stmt).first() is not None


@dataclass
class RegionEntry:
    """A region with its regional actions and the proposals that concern it alone or with others."""

    region: Region
    actions: int
    proposals: int


def regions_overview(db: Reader) -> list[RegionEntry]:
    """Every region with its counts (for /regions and its map)."""
    actions = Counter(db.session.exec(select(Action.region).where(visible(Action, db.drafts))))
    proposals = _link_counts(db, REGION_REL, _visible_ids(db, Proposal))
    return [RegionEntry(r, actions[r.id], proposals[r.id]) for r in all_of(db, REGION)]


def national_proposals(db: Reader) -> list[Proposal]:
    """The proposals that name no region (« portée nationale »), livres blancs first, then by document (newest first)."""
    regional = select(Link.src).where(Link.rel == REGION_REL)
    stmt = select(Proposal).where(visible(Proposal, db.drafts), col(Proposal.id).not_in(regional)).order_by(col(Proposal.id))
    rank = {d.id: i for i, d in enumerate(_documents_in_order(db))}
    return sorted(db.session.exec(stmt), key=lambda p: rank.get(p.document, len(rank)))




@dataclass
class OrganisationEntry:
    """An organisation with what the base files under it (its members' included) and its members."""

    organisation: Organisation
    documents: int
    proposals: int
    actions: int
    members: list[OrganisationEntry] = field(default_factory=list)


def organisations_overview(db: Reader) -> list[tuple[str, list[OrganisationEntry]]]:
    """The organisations that head a lineage, by kind (in the kinds' order), each with its members (for /organisations)."""
    orgs = all_of(db, ORGANISATION)
    filed = Counter()
    kinds_of = {
        **{i: DOCUMENT for i in db.session.exec(select(Document.id))},
        **{i: PROPOSAL for i in _visible_ids(db, Proposal)},
        **{i: ACTION for i in _visible_ids(db, Action)},
    }
    for lk in db.session.exec(select(Link).where(Link.rel == ORGANISATION_REL)):
        if lk.src in kinds_of:
            filed[(lk.dst, kinds_of[lk.src])] += 1

    def entry(org: Organisation) -> OrganisationEntry:
        members = [entry(o) for o in orgs if o.parent == org.id]
        return OrganisationEntry(org, filed[(org.id, DOCUMENT)], filed[(org.id, PROPOSAL)], filed[(org.id, ACTION)], members)

    known = {o.id for o in orgs}
    tops = [entry(o) for o in orgs if o.parent is None or o.parent not in known]
    return [(kind, [e for e in tops if e.organisation.kind == kind]) for kind in ORGANISATION_KINDS
            if any(e.organisation.kind == kind for e in tops)]
