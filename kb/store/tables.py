"""Table models: what is served, one row per record, derived from the content's base classes (fields declared once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from kb.content import kinds
from kb.content.models import ActionLinks, AxisBase, DocumentLinks, OrganisationBase, ProposalLinks, RegionBase, SectorBase


def _json() -> Any:
    """A JSON column holding what the file wrote (sources, status history) as plain data."""
    return Field(default_factory=list, sa_type=JSON, nullable=False)


class Served(SQLModel):
    """What every record file becomes in a table: its id (the file's stem), its sources as written, its file."""

    id: str = Field(primary_key=True)
    sources: list[dict[str, Any]] = _json()
    path: str = ""


class Document(DocumentLinks, Served, table=True):
    """A served document."""

    url: str | None = None


class Axis(AxisBase, Served, table=True):
    """A served axis."""


class Proposal(ProposalLinks, Served, table=True):
    """A served proposal; multi-valued references also live in Link rows for querying."""

    # The ids the file names, in its order; how each link was made (source or editorial, and why) is on its Link row.
    related: list[str] = _json()
    echoes: list[str] = _json()
    status_history: list[dict[str, Any]] = _json()


class Action(ActionLinks, Served, table=True):
    """A served regional action."""

    proposals: list[str] = _json()  # ids, in the file's order (basis and note on the Link rows)


class Sector(SectorBase, table=True):
    """A served sector."""


class Region(RegionBase, table=True):
    """A served region."""

    sources: list[dict[str, Any]] = _json()


class Organisation(OrganisationBase, Served, table=True):
    """A served organisation."""


class Link(SQLModel, table=True):
    """A typed reference between records (sector, region, related, carries, echoes), for both-way lookups.

    ``basis`` says what it rests on: « source » (a source states it) or « editorial » (the base makes it, ``note``
    says why).
    """

    src: str = Field(primary_key=True)
    rel: str = Field(primary_key=True)
    dst: str = Field(primary_key=True, index=True)
    basis: str = "source"
    note: str | None = None


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
    """A tombstone: a removed record's id, why and when, and the record that replaces it (kb.content.permanence)."""

    id: str = Field(primary_key=True)
    date: dt.date
    reason: str
    replacement: str | None = None
    replacement_kind: str | None = None


# Every table, in an order where deleting backwards never leaves a reference behind.
RECORD_TABLES: tuple[type[SQLModel], ...] = (Document, Axis, Proposal, Action, Sector, Region, Organisation)
TABLES: list[type[SQLModel]] = [*RECORD_TABLES, Link, Alias, Retired, BuildInfo]
# Each kind's table: the one built on the fields the kind declares (kb.content.kinds: ``base``).
TABLE_OF: dict[str, Any] = {kind: next(t for t in RECORD_TABLES if issubclass(t, kind.base)) for kind in kinds.every()}
KIND_OF_TABLE: dict[type[SQLModel], kinds.Kind] = {table: kinds.kind(kind) for kind, table in TABLE_OF.items()}


def kind_of(row: Any) -> kinds.Kind:
    """The kind of a record row (« proposal » for a Proposal)."""
    return KIND_OF_TABLE[type(row)]
