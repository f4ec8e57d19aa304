"""The shapes of the records and searches every front end shows: the API's answers, the exports, the site's sources.

The same classes serialise the API's responses and generate its OpenAPI document (kb.api.openapi), so the
description cannot drift from what is served. Keys may be added, never renamed. (The query parameters are
kb.api.params's.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, create_model, model_serializer
from sqlmodel import Field, SQLModel

from kb.content import kinds
from kb.content.markup import safe_url
from kb.content.models import ActionBase, AxisBase, DocumentBase, OrganisationBase, ProposalBase, RegionBase, SectorBase, StatusChange

# Every kind of record a search finds.
RecordType = Literal[tuple(str(k) for k in kinds.every())]  # type: ignore[valid-type]
# The kinds whose records cite sources.
CitingType = Literal[tuple(str(k) for k in kinds.every() if "sources" in k.model.model_fields)]  # type: ignore[valid-type]

# --- Records ------------------------------------------------------------------------------------


class Ref(BaseModel):
    """A link to another record: its id, title and permanent page URL."""

    id: str
    title: str
    url: str


class LinkedRef(Ref):
    """A link to a related record, and what it rests on: « source » (a source states it) or « editorial » (the base
    makes it; ``note`` says why)."""

    basis: Literal["source", "editorial"] = "source"
    note: str | None = None


class NamedRef(BaseModel):
    """A link to a sector or a region."""

    id: str
    name: str
    url: str


class Source(BaseModel):
    """Where a fact comes from: a document of the base and/or an address, with the exact quote."""

    document: Ref | None
    url: str | None
    quote: str | None
    page: str | None
    accessed: dt.date | None

    @property
    def href(self) -> str | None:
        """The address as a link, only if it is http(s) (a javascript: or data: address is shown as text)."""
        return safe_url(self.url)


class Out(SQLModel):
    """Base of record shapes: id, type and page URL lead every record's JSON, whatever the field order of its bases.

    Built with ``model_construct`` (kb.pages.records): the values come from the database, validated when their file was
    read; validating again would refuse what a draft leaves blank in the staff preview.
    """

    @model_serializer(mode="wrap")
    def _lead(self, handler: Any) -> Any:  # only reorders keys: kb.api.openapi describes the fields (validation mode)
        data = handler(self)
        return {key: data[key] for key in LEAD if key in data} | data


LEAD = ("id", "type", "url")


class ProposalOut(ProposalBase, Out):
    """A proposal with its links resolved both ways (its own fields: kb.content.models.ProposalBase)."""

    id: str
    type: Literal["proposal"]
    url: str
    body_html: str
    document: Ref | None
    axis: Ref | None
    status_history: list[StatusChange]
    sectors: list[NamedRef]
    regions: list[NamedRef]
    related: list[LinkedRef]
    actions: list[LinkedRef]
    echoes: list[LinkedRef]
    sources: list[Source]
    organisations: list[NamedRef] = Field(default_factory=list)  # who speaks in its document (« qui propose »)


class ActionOut(ActionBase, Out):
    """A regional action with the proposals it carries forward (its own fields: kb.content.models.ActionBase)."""

    id: str
    type: Literal["action"]
    url: str
    body_html: str
    region: NamedRef | None
    sectors: list[NamedRef]
    proposals: list[LinkedRef]
    sources: list[Source]
    organisation: NamedRef | None = None  # who carries it


class CitingRef(Ref):
    """A record one of whose sources names a document: its kind, id, title (a region's name) and page URL."""

    type: CitingType


class AxisSummary(Ref):
    """An axis of a document with the number of proposals on it."""

    order: int
    proposal_count: int


class DocumentOut(DocumentBase, Out):
    """A source document, its axes in order and the proposals the base holds, against those announced."""

    id: str
    type: Literal["document"]
    url: str
    source_url: str | None
    body_html: str
    held_proposals: int
    axes: list[AxisSummary]
    proposals: list[Ref]
    sources: list[Source]
    organisations: list[NamedRef] = Field(default_factory=list)  # who speaks in it (« qui propose »)
    cited_by: list[CitingRef]


class AxisOut(AxisBase, Out):
    """A strategic axis of a document and its proposals (its own fields: kb.content.models.AxisBase)."""

    id: str
    type: Literal["axis"]
    url: str
    document: Ref | None  # type: ignore[assignment]  # the document's id, resolved
    proposals: list[Ref]
    echoed_by: list[LinkedRef]
    sources: list[Source]


class SectorOut(SectorBase, Out):
    """A sector (filière), the proposals and actions that name it, and the regions a source names it for."""

    type: Literal["sector"]
    url: str
    proposals: list[Ref]
    actions: list[Ref]
    regions: list[NamedRef]


class RegionOut(RegionBase, Out):
    """A region, its INSEE code, its filières where a source names them, and the proposals and actions that name it."""

    type: Literal["region"]
    url: str
    sectors: list[NamedRef]  # type: ignore[assignment]  # the sectors' ids, resolved
    proposals: list[Ref]
    actions: list[Ref]
    sources: list[Source]


# --- Envelopes ----------------------------------------------------------------------------------


class ListEnvelope(BaseModel):
    """A page of a list: ``count`` is the number of matching records, ``next`` the following page or null."""

    count: int
    next: str | None


# Each kind's record shape (the one built on the fields the kind declares), and its list envelope (ProposalList…).
class OrganisationOut(OrganisationBase, Out):
    """An organisation: who it is, whom it belongs to, its regional unions and committees (``members``), and what the
    base holds from it and its members: documents, their proposals, the actions they carry."""

    id: str
    type: Literal["organisation"]
    url: str
    parent: NamedRef | None  # type: ignore[assignment]  # the parent's id, resolved
    region: NamedRef | None  # type: ignore[assignment]  # the region's id, resolved
    members: list[NamedRef]
    documents: list[Ref]
    proposals: list[Ref]
    actions: list[Ref]
    sources: list[Source]


RECORD_SHAPES: tuple[type[Out], ...] = (ProposalOut, ActionOut, DocumentOut, AxisOut, SectorOut, RegionOut, OrganisationOut)
DETAIL: dict[str, type[Out]] = {k: next(m for m in RECORD_SHAPES if issubclass(m, k.base)) for k in kinds.every()}
LISTS: dict[str, type[ListEnvelope]] = {
    k: create_model(  # type: ignore[call-overload]
        DETAIL[k].__name__.removesuffix("Out") + "List", __base__=ListEnvelope, __doc__=f"A page of {k.collection}.",
        __module__=__name__, data=(list[DETAIL[k]], ...),  # type: ignore[name-defined]
    )
    for k in kinds.every()
}


class SearchHit(BaseModel):
    """One ranked result of any kind (``type``); ``highlight`` is HTML where matched words are wrapped in <mark>;
    ``partial``: it holds only some of the query's words (it follows the results that hold them all); ``quoted``: the
    highlight is from one of its sources' quotes, where alone the words were found."""

    id: str
    type: RecordType
    title: str
    score: float
    url: str
    highlight: str
    partial: bool = False
    quoted: bool = False


class SearchResponse(BaseModel):
    """A page of search results, facet counts over all matches (value id → count) and a spelling suggestion.

    ``partial`` is true when fewer records than a page hold every word of the query and those holding some of them
    follow (each such hit says ``partial``), the most words first.
    """

    query: str
    total: int
    data: list[SearchHit]
    next: str | None
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    partial: bool = False


KbExport = create_model(
    "KbExport", __doc__="Everything the base serves, with the same record shapes as the detail endpoints.", __module__=__name__,
    **{k.collection: (list[DETAIL[k]], ...) for k in kinds.every()},  # type: ignore[name-defined]
)


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, the offending parameter if any, and a French message."""

    code: str
    message: str
    parameter: str | None = None


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail
