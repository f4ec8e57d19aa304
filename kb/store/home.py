"""The home page's data: the documents with their counts, the featured document's axes (with the proposals of other
documents that join them), the latest updates.

Counted in the database (a worker keeps what it loads): no record is loaded but the latest few.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from kb.content.kinds import ACTION, DOCUMENT, PROPOSAL
from kb.store.overview import AxisEntry, axes_by_document
from kb.store.queries import KINDS, all_of, by_ids, featured, visible
from kb.store.reader import Reader
from kb.store.tables import Action, Document, Proposal


@dataclass
class HomeView:
    """What the home page shows: documents with counts, the featured document and its axes, type counts, the latest
    updates."""

    documents: list[tuple[Document, int]]
    featured: Document | None
    axes: list[AxisEntry]
    counts: dict[str, int]
    latest: list[Proposal | Action]

    @property
    def livres(self) -> list[tuple[Document, int]]:
        """Every livre blanc with the proposals the base holds from it, the featured one first."""
        livres = [(d, n) for d, n in self.documents if d.kind == "livre-blanc"]
        return sorted(livres, key=lambda item: not item[0].featured)


def home_view(db: Reader, latest: int = 8) -> HomeView:
    """The home page's data: counts from the database, and only the latest records loaded."""
    # Loading every record to count them cost ~60 MB of transient memory at 10,000 records, which a worker keeps.
    per_doc = _count_by(db, Proposal.document)
    docs = all_of(db, DOCUMENT)
    chosen = featured(docs)
    # Each axis with its own proposals and those of other documents that join it (echoes), as /axes counts them.
    axes = next((g.axes for g in axes_by_document(db) if chosen and g.document.id == chosen.id), [])
    counts = {PROPOSAL: sum(per_doc.values()), ACTION: len(_stamps(db, ACTION)), DOCUMENT: len(docs)}
    return HomeView([(d, per_doc.get(d.id, 0)) for d in docs], chosen, axes, counts, _latest(db, latest))


def _count_by(db: Reader, column: Any) -> dict[str, int]:
    stmt = select(column, func.count()).where(visible(Proposal, db.drafts)).group_by(column)
    return {key: int(n) for key, n in db.session.exec(stmt)}


def _stamps(db: Reader, kind: str) -> list[tuple[Any, str, str]]:
    model = KINDS[kind]
    return [(updated, rid, kind) for updated, rid in db.session.exec(select(model.updated, model.id).where(visible(model, db.drafts)))]


def _latest(db: Reader, n: int) -> list[Proposal | Action]:
    # Newest first, ties by id in code-point order (as Python sorts; a database collation may not): dates and ids only.
    listed = [k for k in KINDS if k.listed]
    top = sorted((stamp for kind in listed for stamp in _stamps(db, kind)), reverse=True)[:n]
    ids = {kind: [i for _, i, k in top if k == kind] for kind in listed}
    rows = {(kind, r.id): r for kind in ids for r in by_ids(db, kind, ids[kind])}
    return [rows[(kind, rid)] for _, rid, kind in top]
