"""Table models: what is served, one row per record, derived from the content's base classes (fields declared once)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

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
KIND_OF_TABLE: dict[type[Any], kinds.Kind] = {table: kinds.kind(kind) for kind, table in TABLE_OF.items()}


class Listed:
    """A record row as a results list shows it: its columns but its body and lists (sources, history…), in slots.

    A worker keeps thousands of them per build (kb.pages.kept): ~0.9 KB each at 10,000 demo records, where a
    detached ORM row weighs ~6 KB. Reading a column it does not hold is an error, never an empty value.
    """

    __slots__ = ()
    table: ClassVar[type[SQLModel]]

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if name in self.table.model_fields:
            raise NotListedError(f"{self.table.__name__}.{name} is not read for a results list (kb.store.tables.Listed)")
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"

    def __eq__(self, other: object) -> bool:
        """Two light rows are equal when they are of one table and hold the same values (as read by either backend)."""
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self) -> int:
        return hash((type(self), getattr(self, "id", None)))


class NotListedError(RuntimeError):
    """A results list's row asked for a column it does not hold."""


# The lists a results line reads: a proposal's regions (none: « Portée nationale » on a region's list). A few ids.
LISTED_LISTS = ("regions",)


def _listed(table: type[SQLModel]) -> type[Listed]:
    columns = tuple(
        c.name for c in table.__table__.columns  # type: ignore[attr-defined]
        if (not isinstance(c.type, JSON) or c.name in LISTED_LISTS) and c.name not in ("body", "path")
    )
    return type(f"Listed{table.__name__}", (Listed,), {"__slots__": columns, "table": table})


# Each record table's light row, and the columns it holds.
LISTED_OF: dict[type[SQLModel], type[Listed]] = {table: _listed(table) for table in RECORD_TABLES}
KIND_OF_TABLE.update({LISTED_OF[table]: kind for table, kind in KIND_OF_TABLE.items()})


def kind_of(row: Any) -> kinds.Kind:
    """The kind of a record row (« proposal » for a Proposal or its Listed row)."""
    return KIND_OF_TABLE[type(row)]
