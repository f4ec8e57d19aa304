"""« Qui propose » as the pages name it: each organisation's label, its lineage, and who speaks in each document.

Read once per request (kb.pages.Context.who) from the organisations and the documents' organisation ids: a result
line, a record page, a card or a column header names the organisation from here, never from a document's
``publisher`` text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from kb.content.kinds import DOCUMENT
from kb.content.organisations import lineage, root
from kb.store.reader import Reader
from kb.store.tables import KIND_OF_TABLE, Document, Organisation


@dataclass
class Who:
    """The organisations of the base and the documents' organisations, by id."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)

    @property
    def parents(self) -> dict[str, str | None]:
        """Each organisation's parent id."""
        return {o.id: o.parent for o in self.organisations.values()}

    def label(self, org_id: str) -> str:
        """An organisation's short name (« CPME », « Medef »), else its name; its id when unknown."""
        org = self.organisations.get(org_id)
        return (org.short_name or org.name) if org is not None else org_id

    def lineage(self, org_id: str) -> list[Organisation]:
        """An organisation and its ancestors, nearest first."""
        return [self.organisations[o] for o in lineage(org_id, self.parents) if o in self.organisations]

    def root(self, org_id: str) -> Organisation | None:
        """The organisation at the top of its lineage (the Sénat for one of its committees)."""
        return self.organisations.get(root(org_id, self.parents))

    def of_document(self, document_id: str) -> list[Organisation]:
        """The organisations who speak in a document, in its order."""
        return [self.organisations[o] for o in self.documents.get(document_id, []) if o in self.organisations]

    def short(self, org_ids: list[str]) -> str:
        """Whom a line names, each once: a regional body by its own name (« CPME Normandie »), any other by the organisation
        at the top of its lineage (« Sénat » for one of its committees)."""
        names = []
        for org_id in org_ids:
            org = self.organisations.get(org_id)
            top = org if org is not None and org.region else self.root(org_id)
            if top is not None:
                names.append(self.label(top.id))
        return ", ".join(dict.fromkeys(names))

    def organisations_of(self, record: Any) -> list[Organisation]:
        """The organisations of a document, a proposal (its document's) or an action (the one carrying it)."""
        if _is_document(record):
            return self.of_document(record.id)
        org_id = getattr(record, "organisation", None)
        if isinstance(org_id, str) and org_id:
            return [self.organisations[org_id]] if org_id in self.organisations else []
        document = getattr(record, "document", None)
        return self.of_document(document) if isinstance(document, str) else []

    def of(self, record: Any) -> str:
        """Whom a proposal, an action or a document is from, as a line names it ("" when the base does not say)."""
        if _is_document(record):
            return self.short(self.documents.get(record.id, []))
        if getattr(record, "organisation", None):
            return self.short([record.organisation])
        document = getattr(record, "document", None)
        return self.short(self.documents.get(document, [])) if isinstance(document, str) else ""


def _is_document(record: Any) -> bool:
    """Whether a row is a document's, ORM or light (a results list's rows hold no lists: kb.store.tables.Listed)."""
    return KIND_OF_TABLE.get(type(record)) is DOCUMENT


def who(db: Reader) -> Who:
    """The organisations and the documents' organisations (two small queries)."""
    orgs = {o.id: o for o in db.session.exec(select(Organisation).order_by(Organisation.name))}
    docs = {doc_id: list(ids) for doc_id, ids in db.session.exec(select(Document.id, Document.organisations))}
    return Who(orgs, docs)
