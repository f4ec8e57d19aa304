"""The overview figures shared by /tableau-de-bord and `kb stats`: proposals by axis and status, actions by region and sector."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.content import labels as fr
from kb.content.fields import PROPOSAL_STATUSES
from kb.content.filters import BY_KIND
from kb.content.kinds import ACTION, AXIS, DOCUMENT, PROPOSAL, REGION, SECTOR
from kb.content.urls import record_path
from kb.pages import query
from kb.store import queries
from kb.store.reader import Reader
from kb.store.tables import Document

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
class RecentChange:
    """One dated step of a proposal's status history, with the proposal it belongs to (the dashboard's « derniers changements »)."""

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
    recent: list[RecentChange]
    totals: dict[str, int] = field(default_factory=dict)


def search_href(**filters: str) -> str:
    """The /recherche URL for some filters, by their names (kb.content.filters), built by kb.pages.query like every search link."""
    return query.search_url(**filters)


def _by_count(counts: dict[str, int], names: dict[str, str], name: str) -> list[Count]:
    rows = [Count(k, names.get(k, k), n, search_href(type=ACTION, **{name: k})) for k, n in counts.items() if n]
    return sorted(rows, key=lambda c: (-c.count, query.collation_key(c.label)))


def figures(db: Reader, recent: int = RECENT) -> Figures:
    """The dashboard's figures from the built database (drafts only in preview)."""
    props = queries.all_of(db, PROPOSAL)
    actions = queries.all_of(db, ACTION)
    axes = queries.all_of(db, AXIS)
    names = queries.labels(db)
    # The featured document first, then the white papers, then the others; stable: newest first within each.
    docs = sorted(queries.all_of(db, DOCUMENT), key=lambda d: (not d.featured, d.kind != "livre-blanc"))
    out = []
    for doc in docs:
        mine = [p for p in props if p.document == doc.id]
        doc_axes = [a for a in axes if a.document == doc.id]
        if not mine and not doc_axes:
            continue
        by_axis = [
            Count(a.id, a.title, sum(p.axis == a.id for p in mine), search_href(type=PROPOSAL, document=doc.id, axis=a.id))
            for a in doc_axes
        ]
        loose = sum(p.axis not in {a.id for a in doc_axes} for p in mine)
        if loose:  # drafts still without an axis (preview only)
            by_axis.append(Count("", "Sans axe", loose))
        by_status = [
            Count(s, fr.STATUS[s], n, search_href(type=PROPOSAL, document=doc.id, status=s))
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
        RecentChange(str(h.get("date")), p.id, p.title, str(h.get("status")), h.get("note"), record_path(PROPOSAL, p.id), p.draft)
        for p in props
        for h in p.status_history
    ]
    changes.sort(key=lambda c: (c.date, c.proposal_id), reverse=True)
    totals = {PROPOSAL: len(props), ACTION: len(actions), DOCUMENT: len(out)}
    by_region = _by_count(regions, names[REGION], BY_KIND[REGION].name)
    by_sector = _by_count(sectors, names[SECTOR], BY_KIND[SECTOR].name)
    return Figures(out, by_region, by_sector, changes[:recent], totals)
