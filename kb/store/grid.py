"""« Qui propose quoi »: axes (rows) against documents (columns), read in a few queries for the page, the API, the CSV
and the newsletter copy (kb.pages.compare).

The rows are the axes of one document, the pivot (the featured document unless the reader chooses another), or any
axes the reader chooses. A cell holds the records of one document on one axis: the axis's document's own proposals on
it, or the proposals of another document that the base links to that axis (``echoes``: always an editorial link,
never the source's own).
No Flask here: a Reader (kb.store.reader) comes first, as in kb.store.queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select

from kb.content.filters import BY_KIND
from kb.content.kinds import AXIS, DOCUMENT, PROPOSAL
from kb.store.queries import all_of, by_ids, featured, visible
from kb.store.reader import Reader
from kb.store.tables import Axis, Document, Link, Proposal


@dataclass(frozen=True)
class Entry:
    """One record in a cell; ``editorial`` when the base, not the document, puts it on the axis (``note``: why)."""

    proposal: Proposal
    editorial: bool = False
    note: str = ""


@dataclass
class Comparison:
    """The rows and columns shown, their cells, and every row and column a reader may choose."""

    pivot: Document | None
    axes: list[Axis]
    documents: list[Document]
    cells: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    all_axes: list[Axis] = field(default_factory=list)
    all_documents: list[Document] = field(default_factory=list)
    known_axes: set[str] = field(default_factory=set)

    def cell(self, axis_id: str, document_id: str) -> list[Entry]:
        """The records of a document on an axis (empty: none in the sources the base holds)."""
        return self.cells.get((axis_id, document_id), [])

    def count(self) -> int:
        """How many different proposals the shown cells hold (one linked to two axes counts once)."""
        return len({e.proposal.id for a in self.axes for d in self.documents for e in self.cell(a.id, d.id)})

    def filled(self, axis_id: str) -> list[Document]:
        """The columns that hold records on an axis, in the columns' order."""
        return [d for d in self.documents if self.cell(axis_id, d.id)]

    def unknown(self, documents: Sequence[str], axes: Sequence[str], pivot: str = "") -> tuple[str, str] | None:
        """(filter name, value) of the first chosen column, row or pivot the base does not hold, else None."""
        doc_ids = {d.id for d in self.all_documents}
        bad = [(PIVOT, pivot)] if pivot and pivot not in doc_ids else []
        bad += [(BY_KIND[DOCUMENT].name, v) for v in documents if v not in doc_ids]
        bad += [(BY_KIND[AXIS].name, v) for v in axes if v not in self.known_axes]
        return bad[0] if bad else None


# The parameter naming the document whose axes are the rows (« document » names the columns, « axe » the rows).
PIVOT = "pivot"


def column_order(documents: Sequence[Document], pivot: Document | None) -> list[Document]:
    """The pivot first, then the others by publication date, the most recent first (ties by id)."""
    # Partial dates (« 2025-11 », « 2026 ») sort as text: newest first, a bare year comes after that year's dated documents.
    others = sorted((d for d in documents if pivot is None or d.id != pivot.id), key=lambda d: d.id)
    others.sort(key=lambda d: d.published or "", reverse=True)
    return ([pivot] if pivot is not None else []) + others


def comparison(db: Reader, documents: Sequence[str] = (), axes: Sequence[str] = (), pivot: str = "") -> Comparison:
    """The comparison for the chosen columns, rows and pivot (unknown ids are left out: ``unknown`` names them).

    The pivot is the chosen document, else the document of the chosen rows when none is the featured one's, else the
    featured document. No rows chosen: every axis of the pivot. No columns chosen: the pivot and every document with at
    least one record on the rows shown.
    """
    docs = all_of(db, DOCUMENT)
    by_id = {d.id: d for d in docs}
    every_axis = {a.id: a for a in all_of(db, AXIS)}
    chosen = [every_axis[a] for a in dict.fromkeys(axes) if a in every_axis]
    centre = by_id.get(pivot) if pivot else featured(docs)
    if not pivot and chosen and (centre is None or all(a.document != centre.id for a in chosen)):
        centre = by_id.get(chosen[0].document)
    ordered = column_order(docs, centre)
    rank = {d.id: i for i, d in enumerate(ordered)}
    own = [a for a in every_axis.values() if centre is not None and a.document == centre.id]
    rows = sorted(chosen, key=lambda a: (rank.get(a.document, len(rank)), a.order, a.id)) if axes else own
    cells = _cells(db, rows)
    if documents:
        wanted = set(documents)
        columns = [d for d in ordered if d.id in wanted]
    else:
        have = {doc_id for (_axis, doc_id), entries in cells.items() if entries}
        columns = [d for d in ordered if d is centre or d.id in have]
    return Comparison(centre, rows, columns, cells, own, ordered, set(every_axis))


def _cells(db: Reader, rows: list[Axis]) -> dict[tuple[str, str], list[Entry]]:
    """(axis, document) → its records: each axis's document's own proposals on it, the others' through their echoes."""
    if not rows:
        return {}
    axis_ids = [a.id for a in rows]
    home = {a.id: a.document for a in rows}
    cells: dict[tuple[str, str], list[Entry]] = {}
    own = select(Proposal).where(col(Proposal.axis).in_(axis_ids), visible(Proposal, db.drafts))
    for p in db.session.exec(own.order_by(col(Proposal.id))):
        if p.document == home[p.axis]:
            cells.setdefault((p.axis, p.document), []).append(Entry(p))
    echoes = list(db.session.exec(select(Link).where(Link.rel == "echoes", col(Link.dst).in_(axis_ids))))
    peers = {p.id: p for p in by_ids(db, PROPOSAL, sorted({lk.src for lk in echoes}))}
    for lk in sorted(echoes, key=lambda lk: lk.src):
        p = peers.get(lk.src)
        if p is not None and p.document != home[lk.dst]:
            cells.setdefault((lk.dst, p.document), []).append(Entry(p, editorial=True, note=lk.note or ""))
    return cells
