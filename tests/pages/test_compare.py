"""« Qui propose quoi » read as lists (kb.pages.compare): per axis, who proposes something and who does not, and how a
line names each document — computed once for the page's phone layout and the e-mail copy."""

from __future__ import annotations

from kb.pages.compare import axis_rows, document_names
from kb.store.grid import Comparison, Entry
from kb.store.tables import Axis, Document, Proposal


def _doc(doc_id: str, published: str, publisher: str = "Sénat") -> Document:
    title = f"Rapport sur le foncier {doc_id} : un sous-titre"
    return Document(id=doc_id, title=title, publisher=publisher, kind="rapport", published=published, summary="x")


def _proposal(pid: str, document: str) -> Proposal:
    return Proposal(id=pid, title=pid, summary="x", document=document, axis="foncier", status="proposee")


class _Who:
    """Who speaks in a document: its publisher, as kb.store.who names it."""

    def of(self, record: Document) -> str:
        return record.publisher


def test_each_axis_lists_the_documents_that_propose_then_the_others_in_column_order() -> None:
    livre, senat, an = _doc("livre", "2025-11-17", "CPME"), _doc("senat", "2025-06-18"), _doc("an", "2025-07-10", "Assemblée")
    foncier = Axis(id="foncier", document="livre", title="Accès au foncier", description="x", order=1)
    energie = Axis(id="energie", document="livre", title="Énergie", description="x", order=2)
    shared = _proposal("p-senat", "senat")
    cells = {("foncier", "livre"): [Entry(_proposal("p-livre", "livre"))],
             ("foncier", "senat"): [Entry(shared, editorial=True)], ("energie", "senat"): [Entry(shared, editorial=True)]}
    rows = axis_rows(Comparison(livre, [foncier, energie], [livre, an, senat], cells))
    assert [(r.axis.id, [d.id for d, _ in r.proposing], [d.id for d in r.silent]) for r in rows] == [
        ("foncier", ["livre", "senat"], ["an"]),
        ("energie", ["senat"], ["livre", "an"]),
    ]
    assert [e.proposal.id for e in rows[0].proposing[1][1]] == ["p-senat"]
    assert [r.count() for r in rows] == [2, 1]


def test_an_axis_nobody_proposes_on_names_every_document() -> None:
    livre = _doc("livre", "2025-11-17", "CPME")
    axis = Axis(id="vide", document="livre", title="Vide", description="x", order=1)
    (row,) = axis_rows(Comparison(livre, [axis], [livre]))
    assert row.proposing == [] and [d.id for d in row.silent] == ["livre"] and row.count() == 0


def test_a_line_names_documents_by_who_and_when_and_by_title_only_when_that_is_ambiguous() -> None:
    docs = [_doc("a", "2025-06-18"), _doc("b", "2025-06-18"), _doc("c", "2025-07-08"), _doc("d", "2024", "")]
    names = document_names(docs, _Who())  # type: ignore[arg-type]
    assert names["c"] == "Sénat (8 juillet 2025)"
    assert names["a"] == "Sénat, « Rapport sur le foncier a » (18 juin 2025)"
    assert names["b"] == "Sénat, « Rapport sur le foncier b » (18 juin 2025)"
    assert names["d"] == "Rapport (2024)"  # nobody named: the kind of document
