"""« Qui propose quoi »: the livre blanc's axes (rows) against the documents (columns), read once for the page, the API,
the CSV and the newsletter copy.

A cell holds the records of one document on one axis: the livre blanc's own proposals on its axis, or the proposals
of another document that the base links to that axis (``echoes``: always an editorial link, never the source's own).
No Flask here: a Reader (kb.store.reader) comes first, as in kb.store.queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select

from kb.content.filters import BY_KIND
from kb.content.kinds import AXIS, DOCUMENT, PROPOSAL
from kb.store.queries import all_of, by_ids, livre_blanc, visible
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

    livre: Document | None
    axes: list[Axis]
    documents: list[Document]
    cells: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    all_axes: list[Axis] = field(default_factory=list)
    all_documents: list[Document] = field(default_factory=list)

    def cell(self, axis_id: str, document_id: str) -> list[Entry]:
        """The records of a document on an axis (empty: none in the sources the base holds)."""
        return self.cells.get((axis_id, document_id), [])

    def count(self) -> int:
        """How many different proposals the shown cells hold (one linked to two axes counts once)."""
        return len({e.proposal.id for a in self.axes for d in self.documents for e in self.cell(a.id, d.id)})

    def unknown(self, documents: Sequence[str], axes: Sequence[str]) -> tuple[str, str] | None:
        """(filter name, value) of the first chosen column or row the comparison does not offer, else None."""
        doc_ids = {d.id for d in self.all_documents}
        axis_ids = {a.id for a in self.all_axes}
        bad = [(BY_KIND[DOCUMENT].name, v) for v in documents if v not in doc_ids]
        bad += [(BY_KIND[AXIS].name, v) for v in axes if v not in axis_ids]
        return bad[0] if bad else None


def column_order(documents: Sequence[Document], livre: Document | None) -> list[Document]:
    """The livre blanc first, then the others by publication date, the most recent first (ties by id)."""
    # Partial dates (« 2025-11 », « 2026 ») sort as text: newest first, a bare year comes after that year's dated documents.
    others = sorted((d for d in documents if livre is None or d.id != livre.id), key=lambda d: d.id)
    others.sort(key=lambda d: d.published or "", reverse=True)
    return ([livre] if livre is not None else []) + others


def comparison(db: Reader, documents: Sequence[str] = (), axes: Sequence[str] = ()) -> Comparison:
    """The comparison for the chosen columns and rows (unknown ids are left out: ``unknown`` names them).

    No rows chosen: every axis of the livre blanc. No columns chosen: the livre blanc and every document with at least
    one record on the rows shown.
    """
    docs = all_of(db, DOCUMENT)
    livre = livre_blanc(docs)
    ordered = column_order(docs, livre)
    all_axes = list(db.session.exec(select(Axis).where(Axis.document == livre.id).order_by(col(Axis.order), col(Axis.id)))) if livre else []
    chosen_axes, chosen_docs = set(axes), set(documents)
    rows = [a for a in all_axes if a.id in chosen_axes] if axes else all_axes
    cells = _cells(db, livre, [a.id for a in rows])
    if documents:
        columns = [d for d in ordered if d.id in chosen_docs]
    else:
        filled = {doc_id for (_axis, doc_id), entries in cells.items() if entries}
        columns = [d for d in ordered if d is livre or d.id in filled]
    return Comparison(livre, rows, columns, cells, all_axes, ordered)


def _cells(db: Reader, livre: Document | None, axis_ids: list[str]) -> dict[tuple[str, str], list[Entry]]:
    """(axis, document) → its records: the livre blanc's own by axis, the others' through their echoes links."""
    if livre is None or not axis_ids:
        return {}
    cells: dict[tuple[str, str], list[Entry]] = {}
    own = select(Proposal).where(Proposal.document == livre.id, col(Proposal.axis).in_(axis_ids), visible(Proposal, db.drafts))
    for p in db.session.exec(own.order_by(col(Proposal.id))):
        cells.setdefault((p.axis, p.document), []).append(Entry(p))
    echoes = list(db.session.exec(select(Link).where(Link.rel == "echoes", col(Link.dst).in_(axis_ids))))
    peers = {p.id: p for p in by_ids(db, PROPOSAL, sorted({lk.src for lk in echoes}))}
    for lk in sorted(echoes, key=lambda lk: lk.src):
        p = peers.get(lk.src)
        if p is not None and p.document != livre.id:
            cells.setdefault((lk.dst, p.document), []).append(Entry(p, editorial=True, note=lk.note or ""))
    return cells
