"""Record models: strict file models (what editors write) and table models (what is served)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, model_validator
from pydantic import Field as PydField
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

ID_PATTERN = r"^[a-z0-9-]{1,80}$"
ID_RE = re.compile(ID_PATTERN)

DocumentKind = Literal["livre-blanc", "rapport", "communique", "article", "autre"]
Horizon = Literal["court-terme", "long-terme"]
ProposalStatus = Literal["proposee", "en-discussion", "reprise-partiellement", "adoptee", "mise-en-oeuvre", "abandonnee"]
ActionStatus = Literal["annoncee", "en-cours", "realisee", "suspendue"]

PROPOSAL_STATUSES: tuple[str, ...] = ProposalStatus.__args__  # type: ignore[attr-defined]
ACTION_STATUSES: tuple[str, ...] = ActionStatus.__args__  # type: ignore[attr-defined]


def _partial_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD, each a real calendar value."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        raise ValueError(f"date « {value} » invalide : attendu AAAA-MM-JJ, AAAA-MM ou AAAA")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year or 1, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"date impossible « {value} »") from None
    return value


def _str_from_scalar(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, PydField(pattern=ID_PATTERN)]
PartialDate = Annotated[str, BeforeValidator(_str_from_scalar), AfterValidator(_partial_date)]
Text = Annotated[str, PydField(min_length=1)]


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


class StatusChange(Strict):
    """One dated step of a proposal's status history."""

    date: dt.date
    status: ProposalStatus
    note: str | None = None
    source: Text | None = None


class DocumentFile(Strict):
    """A source document: livre blanc, report, press release, article."""

    title: Text
    publisher: Text
    kind: DocumentKind
    published: PartialDate
    url: Text | None = None
    summary: Text = PydField(max_length=400)
    body: str | None = None
    announced_proposals: int | None = PydField(default=None, ge=0)
    sources: list[SourceRef] = []


class AxisFile(Strict):
    """A strategic axis of a document."""

    document: Id
    title: Text
    description: Text
    order: int
    sources: list[SourceRef] = []


class ProposalFile(Strict):
    """A proposal of a document."""

    title: Text
    summary: Text = PydField(max_length=400)
    body: str | None = None
    document: Id
    axis: Id
    horizon: Horizon | None = None
    flagship: bool = False
    sectors: list[Id] = []
    regions: list[Id] = []
    status: ProposalStatus
    status_history: list[StatusChange] = []
    tags: list[Text] = []
    related: list[Id] = []
    sources: list[SourceRef] = PydField(min_length=1)
    aliases: list[Id] = []
    published: PartialDate
    updated: dt.date
    draft: bool = False


class ActionFile(Strict):
    """A regional action carrying proposals forward."""

    title: Text
    summary: Text = PydField(max_length=400)
    body: str | None = None
    region: Id
    sectors: list[Id] = []
    proposals: list[Id] = []
    status: ActionStatus
    partners: list[Text] = []
    sources: list[SourceRef] = PydField(min_length=1)
    aliases: list[Id] = []
    published: PartialDate
    updated: dt.date
    draft: bool = False


class SectorFile(Strict):
    """A sector (filière)."""

    id: Id
    name: Text


class RegionFile(Strict):
    """A French region with its official INSEE code."""

    id: Id
    name: Text
    insee: Annotated[str, PydField(pattern=r"^\d{2}$")]


FILE_MODELS: dict[str, type[Strict]] = {
    "document": DocumentFile,
    "axis": AxisFile,
    "proposal": ProposalFile,
    "action": ActionFile,
}

# Folder under the content directory for each record kind.
FOLDERS: dict[str, str] = {
    "document": "documents",
    "axis": "axes",
    "proposal": "proposals",
    "action": "actions",
}


def _json() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Document(SQLModel, table=True):
    """A served document."""

    id: str = Field(primary_key=True)
    title: str
    publisher: str
    kind: str
    published: str
    url: str | None = None
    summary: str
    body: str | None = None
    announced_proposals: int | None = None
    sources: list[dict[str, Any]] = _json()
    path: str = ""


class Axis(SQLModel, table=True):
    """A served axis."""

    id: str = Field(primary_key=True)
    document: str = Field(index=True)
    title: str
    description: str
    order: int
    sources: list[dict[str, Any]] = _json()
    path: str = ""


class Proposal(SQLModel, table=True):
    """A served proposal; multi-valued references also live in Link rows for querying."""

    id: str = Field(primary_key=True)
    title: str
    summary: str
    body: str | None = None
    document: str = Field(index=True)
    axis: str = Field(index=True)
    horizon: str | None = None
    flagship: bool = False
    status: str
    status_history: list[dict[str, Any]] = _json()
    tags: list[str] = _json()
    sectors: list[str] = _json()
    regions: list[str] = _json()
    related: list[str] = _json()
    sources: list[dict[str, Any]] = _json()
    aliases: list[str] = _json()
    published: str
    updated: dt.date = Field(index=True)
    draft: bool = False
    path: str = ""


class Action(SQLModel, table=True):
    """A served regional action."""

    id: str = Field(primary_key=True)
    title: str
    summary: str
    body: str | None = None
    region: str = Field(index=True)
    sectors: list[str] = _json()
    proposals: list[str] = _json()
    status: str
    partners: list[str] = _json()
    sources: list[dict[str, Any]] = _json()
    aliases: list[str] = _json()
    published: str
    updated: dt.date = Field(index=True)
    draft: bool = False
    path: str = ""


class Sector(SQLModel, table=True):
    """A served sector."""

    id: str = Field(primary_key=True)
    name: str


class Region(SQLModel, table=True):
    """A served region."""

    id: str = Field(primary_key=True)
    name: str
    insee: str


class Link(SQLModel, table=True):
    """A typed reference between records (sector, region, related, carries), for both-way lookups."""

    src: str = Field(primary_key=True)
    rel: str = Field(primary_key=True)
    dst: str = Field(primary_key=True, index=True)


class Alias(SQLModel, table=True):
    """A former id and the record it now names."""

    alias: str = Field(primary_key=True)
    target: str
    kind: str


class BuildInfo(SQLModel, table=True):
    """Facts about the build the database holds (build id, time, counts)."""

    key: str = Field(primary_key=True)
    value: str


class Retired(SQLModel, table=True):
    """A tombstone: a removed record's id, why and when, and the record that replaces it (see kb.links)."""

    id: str = Field(primary_key=True)
    date: dt.date
    reason: str
    replacement: str | None = None
    replacement_kind: str | None = None
