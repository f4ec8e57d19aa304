"""API models: the shape of every answer (the query parameters are kb.api.params's).

The same classes serialise responses and generate the OpenAPI document (kb.api.openapi), so the description
cannot drift from what is served. Keys may be added, never renamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, model_serializer
from sqlmodel import SQLModel

from kb.content.fields import RECORD_KINDS, ProposalStatus
from kb.content.models import ActionBase, AxisBase, DocumentBase, ProposalBase, RegionBase, SectorBase

# Every kind of record a search finds.
RecordType = Literal[RECORD_KINDS]  # type: ignore[valid-type]

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


class StatusChange(BaseModel):
    """One dated step of a proposal's status history (``source``: a document id or an address)."""

    date: dt.date
    status: ProposalStatus
    note: str | None
    source: str | None


class Out(SQLModel):
    """Base of record shapes: id, type and page URL lead every record's JSON, whatever the field order of its bases.

    Built with ``model_construct`` (kb.api.shapes): the values come from the database, validated when their file was
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


class CitingRef(Ref):
    """A record one of whose sources names a document: its kind, id, title (a region's name) and page URL."""

    type: Literal["document", "axis", "proposal", "action", "region"]


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


class ProposalList(ListEnvelope):
    """A page of proposals."""

    data: list[ProposalOut]


class ActionList(ListEnvelope):
    """A page of actions."""

    data: list[ActionOut]


class DocumentList(ListEnvelope):
    """A page of documents."""

    data: list[DocumentOut]


class AxisList(ListEnvelope):
    """A page of axes."""

    data: list[AxisOut]


class SectorList(ListEnvelope):
    """A page of sectors."""

    data: list[SectorOut]


class RegionList(ListEnvelope):
    """A page of regions."""

    data: list[RegionOut]


class SearchHit(BaseModel):
    """One ranked result of any kind (``type``); ``highlight`` is HTML where matched words are wrapped in <mark>."""

    id: str
    type: RecordType
    title: str
    score: float
    url: str
    highlight: str


class SearchResponse(BaseModel):
    """A page of search results, facet counts over all matches (value id → count) and a spelling suggestion.

    ``partial`` is true when no record has every word of the query and the results are those with some of them.
    """

    query: str
    total: int
    data: list[SearchHit]
    next: str | None
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    partial: bool = False


class KbExport(BaseModel):
    """Everything the base serves, with the same record shapes as the detail endpoints."""

    documents: list[DocumentOut]
    axes: list[AxisOut]
    proposals: list[ProposalOut]
    actions: list[ActionOut]
    sectors: list[SectorOut]
    regions: list[RegionOut]


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, the offending parameter if any, and a French message."""

    code: str
    message: str
    parameter: str | None = None


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail
