"""Record models: the fields of each kind declared once, in base classes, and the strict file models editors write.

Each ``*Base`` holds the fields that the file model (here), the table model (kb.store.tables) and the API model
(kb.pages.shapes) share, as in SQLModel's "multiple models" pattern; each derived model adds only what is its own
(file models: sources and history as written; tables: primary key, JSON columns; API: resolved links). The
``sa_type`` and ``index`` settings only matter to the table models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, model_validator
from pydantic import Field as PydField
from sqlalchemy import JSON
from sqlmodel import AutoString, Field, SQLModel

from kb.content.fields import (
    INSEE_PATTERN,
    ActionStatus,
    Basis,
    DocumentKind,
    Horizon,
    Id,
    OrganisationKind,
    PartialDate,
    ProposalStatus,
    Summary,
    Text,
)


class Strict(SQLModel):
    """Base of file models: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # The build cache unpickles ~30,000 of these at 10,000 records: one small function per object instead of
        # pydantic's __newobj__, SQLModel.__new__ and __setstate__ (same state, about twice as fast).
        return _restore, (type(self), self.__dict__, self.__pydantic_fields_set__, self.__pydantic_extra__, self.__pydantic_private__)


_new = object.__new__
_set = object.__setattr__


def _restore(cls: type[Strict], values: dict[str, Any], fields_set: set[str], extra: Any, private: Any) -> Strict:
    """An unpickled file model: exactly the pickled state, no validation (it was validated when first read)."""
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", extra)
    _set(obj, "__pydantic_private__", private)
    return obj


def _ids() -> Any:
    """A list of ids (a JSON column in the tables)."""
    return Field(default_factory=list, sa_type=JSON, nullable=False)


class SourceRef(Strict):
    """Where a record's facts come from: a document of the base and/or an address."""

    document: Id | None = None
    url: Text | None = None
    quote: Text | None = None
    page: int | Text | None = None
    accessed: dt.date | None = None

    @model_validator(mode="after")
    def _document_or_url(self) -> SourceRef:
        if not self.document and not self.url:
            raise ValueError("une source doit avoir « document » ou « url »")
        return self


class LinkRef(Strict):
    """A reference to another record, and on what it rests: stated by a source, or made by us (editorial, with why).

    Written as the plain id when a source states the link, or as ``{id, basis: editorial, note}``.
    """

    id: Id
    basis: Basis = "source"
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_id(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _editorial_says_why(self) -> LinkRef:
        if self.basis == "editorial" and not self.note:
            raise ValueError(f"rapprochement éditorial vers « {self.id} » sans « note » : dites pourquoi la base fait ce lien")
        return self


class EchoRef(LinkRef):
    """A livre blanc axis that a peer record echoes: always a link we make (editorial); ``note`` may say why."""

    basis: Literal["editorial"] = "editorial"

    @model_validator(mode="after")
    def _editorial_says_why(self) -> EchoRef:
        return self


def ref_ids(refs: list[Any]) -> list[str]:
    """The ids of a list of references (LinkRef, or already plain ids)."""
    return [r if isinstance(r, str) else r.id for r in refs]


class StatusChange(Strict):
    """One dated step of a proposal's status history."""

    date: dt.date
    status: ProposalStatus
    note: str | None = None
    source: Text | None = None


# ---- fields shared by the file, table and API models ---------------------------------------------------------


class DocumentBase(SQLModel):
    """A source document: livre blanc, report, press release, article."""

    title: Text
    publisher: Text
    kind: DocumentKind = Field(sa_type=AutoString)
    published: PartialDate
    summary: Summary
    body: str | None = None
    announced_proposals: int | None = Field(default=None, ge=0)
    # The document the site is built around (its axes on the home page and in « Qui propose quoi » by default): chosen
    # by the editors on one document at most (kb check refuses two), never guessed from dates.
    featured: bool = False


class DocumentLinks(DocumentBase):
    """A document with the organisations who speak in it, as ids (files and tables; the API resolves them)."""

    organisations: list[Id] = _ids()


class OrganisationBase(SQLModel):
    """Who speaks in a document or carries an action: an employers' organisation, an institution, an author…

    ``parent``: the organisation it belongs to (a regional union → its confederation, a committee → its assembly);
    ``region``: where it is regional; ``url``: its own web page.
    """

    name: Text
    short_name: Text | None = None
    kind: OrganisationKind = Field(sa_type=AutoString)
    parent: Id | None = Field(default=None, index=True)
    region: Id | None = None
    url: Text | None = None
    summary: Summary
    body: str | None = None


class AxisBase(SQLModel):
    """A strategic axis of a document (``echoes_note``: why other documents echo it little, when they do)."""

    document: Id = Field(index=True)
    title: Text
    description: Text
    order: int
    echoes_note: Text | None = None


class RecordBase(SQLModel):
    """What proposals and actions both have: a titled, summarised, dated record with former ids, maybe a draft."""

    title: Text
    summary: Summary
    body: str | None = None
    aliases: list[Id] = _ids()
    published: PartialDate
    updated: dt.date = Field(index=True)
    draft: bool = False


class ProposalBase(RecordBase):
    """A proposal of a document: what every model of it shows as written."""

    horizon: Horizon | None = Field(default=None, sa_type=AutoString)
    flagship: bool = False
    status: ProposalStatus = Field(sa_type=AutoString)
    tags: list[Text] = Field(default_factory=list, sa_type=JSON, nullable=False)


class ProposalLinks(ProposalBase):
    """A proposal with its references as ids (files and tables; the API resolves them)."""

    document: Id = Field(index=True)
    axis: Id = Field(index=True)
    sectors: list[Id] = _ids()
    regions: list[Id] = _ids()


class ActionBase(RecordBase):
    """A regional action carrying proposals forward: what every model of it shows as written."""

    status: ActionStatus = Field(sa_type=AutoString)
    partners: list[Text] = Field(default_factory=list, sa_type=JSON, nullable=False)


class ActionLinks(ActionBase):
    """An action with its references as ids (files and tables; the API resolves them)."""

    region: Id = Field(index=True)
    sectors: list[Id] = _ids()
    organisation: Id = Field(index=True)


class SectorBase(SQLModel):
    """A sector (filière)."""

    id: Id = Field(primary_key=True)
    name: Text


class RegionBase(SQLModel):
    """A French region with its official INSEE code and, where a source gives them, an introduction and its filières."""

    id: Id = Field(primary_key=True)
    name: Text
    insee: Annotated[str, PydField(pattern=INSEE_PATTERN)]
    summary: Summary | None = None
    sectors: list[Id] = _ids()


# ---- file models: what editors write -----------------------------------------------------------------------


class DocumentFile(DocumentLinks, Strict):
    """A source document: livre blanc, report, press release, article."""

    organisations: list[Id] = Field(min_length=1)
    url: Text | None = None
    sources: list[SourceRef] = []


class OrganisationFile(OrganisationBase, Strict):
    """An organisation, described in our words and sourced."""

    sources: list[SourceRef] = Field(min_length=1)


class AxisFile(AxisBase, Strict):
    """A strategic axis of a document."""

    sources: list[SourceRef] = []


class ProposalFile(ProposalLinks, Strict):
    """A proposal of a document."""

    related: list[LinkRef] = []
    echoes: list[EchoRef] = []
    status_history: list[StatusChange] = []
    sources: list[SourceRef] = Field(min_length=1)


class ActionFile(ActionLinks, Strict):
    """A regional action carrying proposals forward."""

    proposals: list[LinkRef] = []
    sources: list[SourceRef] = Field(min_length=1)


class SectorFile(SectorBase, Strict):
    """A sector (filière)."""


class RegionFile(RegionBase, Strict):
    """A French region with its official INSEE code."""

    sources: list[SourceRef] = []


# Reference fields whose items are LinkRef (an id, or an id with its basis): their relation name in the link rows.
LINK_FIELDS: dict[str, str] = {"related": "related", "proposals": "carries", "echoes": "echoes"}
# The relation of a record to each document of the base that one of its sources names (« Fiches qui citent ce document »).
CITES = "cites"
