"""API models: the query parameters each endpoint accepts and the shape of every answer.

The same classes validate requests, serialise responses and generate the OpenAPI document
(kb/openapi.py), so the description cannot drift from what is served. Keys may be added, never renamed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kb.models import ID_PATTERN, ActionStatus, DocumentKind, Horizon, ProposalStatus

MAX_LIMIT = 100
MAX_SEARCH_OFFSET = 10_000
MAX_OFFSET = 1_000_000  # far past any list; keeps the number inside what every database accepts


def _iso_date(value: str) -> dt.date:
    """Only YYYY-MM-DD (pydantic alone would also take timestamps)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("format")
    return dt.date.fromisoformat(value)


IdParam = Annotated[str, Field(pattern=ID_PATTERN)]
IsoDate = Annotated[str, Field(json_schema_extra={"format": "date"}), AfterValidator(_iso_date)]
RecordType = Literal["proposal", "action"]


# --- Query parameters ---------------------------------------------------------------------------


class Query(BaseModel):
    """Base of query-parameter models: unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore")


class Page(Query):
    """Pagination of a list."""

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page (1 à 100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Nombre d'éléments à sauter (un million au plus).")


class RecordFilters(Page):
    """Filters shared by proposals and actions (several values of one filter: any of them)."""

    document: list[IdParam] = Field([], description="Identifiant d'un document source.")
    axis: list[IdParam] = Field([], description="Identifiant d'un axe.")
    sector: list[IdParam] = Field([], description="Identifiant d'une filière.")
    region: list[IdParam] = Field([], description="Identifiant d'une région.")
    horizon: list[Horizon] = Field([], description="Horizon de la proposition.")
    updated_since: IsoDate | None = Field(None, description="Fiches mises à jour à partir de cette date (AAAA-MM-JJ).")


class ProposalQuery(RecordFilters):
    """Filters of the proposals list."""

    status: list[ProposalStatus] = Field([], description="Statut de la proposition.")


class ActionQuery(RecordFilters):
    """Filters of the actions list (document, axis and horizon: through the proposals carried)."""

    status: list[ActionStatus] = Field([], description="Statut de l'action.")


class AxisQuery(Page):
    """Filters of the axes list."""

    document: list[IdParam] = Field([], description="Identifiant d'un document source.")


class SearchQuery(Query):
    """A French full-text query with the site's filters."""

    q: str = Field("", max_length=500, description="Mots cherchés (syntaxe : « expression », -exclu, début*, OU).")
    type: list[RecordType] = Field([], description="Type de fiche.")
    document: list[IdParam] = Field([], description="Identifiant d'un document source.")
    axis: list[IdParam] = Field([], description="Identifiant d'un axe.")
    sector: list[IdParam] = Field([], description="Identifiant d'une filière.")
    region: list[IdParam] = Field([], description="Identifiant d'une région.")
    status: list[ProposalStatus | ActionStatus] = Field([], description="Statut (de proposition ou d'action).")
    horizon: list[Horizon] = Field([], description="Horizon de la proposition.")
    updated_since: IsoDate | None = Field(None, description="Fiches mises à jour à partir de cette date (AAAA-MM-JJ).")
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre de résultats par page (1 à 100).")
    offset: int = Field(0, ge=0, le=MAX_SEARCH_OFFSET, description="Nombre de résultats à sauter (10 000 au plus).")


# --- Records ------------------------------------------------------------------------------------


class Ref(BaseModel):
    """A link to another record: its id, title and permanent page URL."""

    id: str
    title: str
    url: str


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


class ProposalOut(BaseModel):
    """A proposal with its links resolved both ways."""

    id: str
    type: Literal["proposal"]
    url: str
    title: str
    summary: str
    body: str | None
    body_html: str
    document: Ref | None
    axis: Ref | None
    horizon: Horizon | None
    flagship: bool
    status: ProposalStatus
    status_history: list[StatusChange]
    tags: list[str]
    sectors: list[NamedRef]
    regions: list[NamedRef]
    related: list[Ref]
    actions: list[Ref]
    sources: list[Source]
    aliases: list[str]
    published: str
    updated: dt.date
    draft: bool


class ActionOut(BaseModel):
    """A regional action with the proposals it carries forward."""

    id: str
    type: Literal["action"]
    url: str
    title: str
    summary: str
    body: str | None
    body_html: str
    region: NamedRef | None
    sectors: list[NamedRef]
    proposals: list[Ref]
    status: ActionStatus
    partners: list[str]
    sources: list[Source]
    aliases: list[str]
    published: str
    updated: dt.date
    draft: bool


class AxisSummary(Ref):
    """An axis of a document with the number of proposals on it."""

    order: int
    proposal_count: int


class DocumentOut(BaseModel):
    """A source document, its axes in order and the proposals the base holds (against those announced)."""

    id: str
    type: Literal["document"]
    url: str
    title: str
    publisher: str
    kind: DocumentKind
    published: str
    source_url: str | None
    summary: str
    body: str | None
    body_html: str
    announced_proposals: int | None
    held_proposals: int
    axes: list[AxisSummary]
    proposals: list[Ref]
    sources: list[Source]


class AxisOut(BaseModel):
    """A strategic axis of a document and its proposals."""

    id: str
    type: Literal["axis"]
    url: str
    title: str
    description: str
    order: int
    document: Ref | None
    proposals: list[Ref]
    sources: list[Source]


class SectorOut(BaseModel):
    """A sector (filière) and the proposals and actions that name it."""

    id: str
    type: Literal["sector"]
    url: str
    name: str
    proposals: list[Ref]
    actions: list[Ref]


class RegionOut(BaseModel):
    """A region, its INSEE code, and the proposals and actions that name it."""

    id: str
    type: Literal["region"]
    url: str
    name: str
    insee: str
    proposals: list[Ref]
    actions: list[Ref]


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
    """One ranked result; ``highlight`` is HTML where matched words are wrapped in <mark>."""

    id: str
    type: RecordType
    title: str
    score: float
    url: str
    highlight: str


class SearchResponse(BaseModel):
    """A page of search results, facet counts over all matches (value id → count) and a spelling suggestion."""

    query: str
    total: int
    data: list[SearchHit]
    next: str | None
    facets: dict[str, dict[str, int]]
    suggestion: str | None


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
