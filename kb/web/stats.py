"""The overview figures shared by /tableau-de-bord and `kb stats`: proposals by axis and status, actions by region and sector."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from kb.content import labels as fr
from kb.content.fields import PROPOSAL_STATUSES
from kb.content.urls import PAGES, record_path
from kb.store import queries
from kb.store.tables import Document
from kb.web import facets

RECENT = 10


@dataclass
class Count:
    """One bar: what it counts, how many, and the filtered search that lists them (None: nothing to link)."""

    key: str
    label: str
    count: int
    href: str | None = None


@dataclass
class DocumentFigures:
    """One document's proposals: held against announced, by axis (in the document's order) and by status."""

    document: Document
    held: int
    announced: int | None
    by_axis: list[Count]
    by_status: list[Count]

    @property
    def coverage(self) -> str | None:
        """« 3 sur 10 » when the document says how many proposals it announces."""
        return f"{self.held} sur {self.announced}" if self.announced else None


@dataclass
class StatusChange:
    """One dated step of a proposal's status history."""

    date: str
    proposal_id: str
    title: str
    status: str
    note: str | None
    href: str
    draft: bool = False

    @property
    def label(self) -> str:
        """The status in French."""
        return fr.STATUS.get(self.status, self.status)


@dataclass
class Figures:
    """Everything the dashboard shows."""

    documents: list[DocumentFigures]
    actions_by_region: list[Count]
    actions_by_sector: list[Count]
    recent: list[StatusChange]
    totals: dict[str, int] = field(default_factory=dict)


def search_href(**params: str) -> str:
    """The /recherche URL for some filters (French parameter names, built by kb.facets like every search link)."""
    order = [p for p in facets.PARAMS if p in params]
    return facets.SearchState(filters=tuple((p, (params[p],)) for p in order)).url(PAGES["search"])


def _by_count(counts: dict[str, int], names: dict[str, str], param: str) -> list[Count]:
    rows = [Count(k, names.get(k, k), n, search_href(type="action", **{param: k})) for k, n in counts.items() if n]
    return sorted(rows, key=lambda c: (-c.count, facets.collation_key(c.label)))


def figures(*, session: Session, drafts: bool = False, recent: int = RECENT) -> Figures:
    """The dashboard's figures from the built database (drafts only in preview)."""
    props = queries.all_of("proposal", session=session, drafts=drafts)
    actions = queries.all_of("action", session=session, drafts=drafts)
    axes = queries.all_of("axis", session=session)
    names = queries.labels(session=session)
    docs = sorted(queries.all_of("document", session=session), key=lambda d: d.kind != "livre-blanc")  # stable: newest first
    out = []
    for doc in docs:
        mine = [p for p in props if p.document == doc.id]
        doc_axes = [a for a in axes if a.document == doc.id]
        if not mine and not doc_axes:
            continue
        by_axis = [
            Count(a.id, a.title, sum(p.axis == a.id for p in mine), search_href(type="proposition", document=doc.id, axe=a.id))
            for a in doc_axes
        ]
        loose = sum(p.axis not in {a.id for a in doc_axes} for p in mine)
        if loose:  # drafts still without an axis (preview only)
            by_axis.append(Count("", "Sans axe", loose))
        by_status = [
            Count(s, fr.STATUS[s], n, search_href(type="proposition", document=doc.id, statut=s))
            for s in PROPOSAL_STATUSES
            if (n := sum(p.status == s for p in mine))
        ]
        out.append(DocumentFigures(doc, len(mine), doc.announced_proposals, by_axis, by_status))
    regions: dict[str, int] = {}
    sectors: dict[str, int] = {}
    for action in actions:
        regions[action.region] = regions.get(action.region, 0) + 1
        for s in action.sectors:
            sectors[s] = sectors.get(s, 0) + 1
    changes = [
        StatusChange(str(h.get("date")), p.id, p.title, str(h.get("status")), h.get("note"), record_path("proposal", p.id), p.draft)
        for p in props
        for h in p.status_history
    ]
    changes.sort(key=lambda c: (c.date, c.proposal_id), reverse=True)
    totals = {"proposal": len(props), "action": len(actions), "document": len(out)}
    by_region, by_sector = _by_count(regions, names["region"], "region"), _by_count(sectors, names["sector"], "filiere")
    return Figures(out, by_region, by_sector, changes[:recent], totals)
