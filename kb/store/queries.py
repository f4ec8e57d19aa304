"""Read-only functions over the database: records by id, kind and filters, labels (kb.store.linked adds their links).

No Flask here: each function takes the session as a keyword argument (and ``drafts`` to include
draft records, for the staff preview mode).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session, col, select

from kb.content.filters import FILTERS
from kb.store.tables import TABLE_OF as KINDS
from kb.store.tables import Alias, Axis, Document, Link, Proposal, Region, Retired, Sector


def visible(model: Any, drafts: bool) -> Any:
    """The condition that hides drafts (outside preview) for a table that has them."""
    return True if drafts or not hasattr(model, "draft") else col(model.draft).is_(False)


def get(kind: str, record_id: str, *, session: Session, drafts: bool = False) -> Any | None:
    """One record of a kind by id (None when absent, or a draft outside preview)."""
    row = session.get(KINDS[kind], record_id)
    if row is None or (getattr(row, "draft", False) and not drafts):
        return None
    return row


def resolve_alias(record_id: str, *, session: Session, drafts: bool = False) -> tuple[str, str] | None:
    """(kind, current id) for a former id, or None: also None for a draft's former id outside preview (it would name the draft)."""
    alias = session.get(Alias, record_id)
    if alias is None or get(alias.kind, alias.target, session=session, drafts=drafts) is None:
        return None
    return alias.kind, alias.target


def get_retired(record_id: str, *, session: Session) -> Retired | None:
    """The tombstone of an id, if any (None too for a database built before tombstones existed)."""
    try:
        return session.get(Retired, record_id)
    except (OperationalError, ProgrammingError):
        session.rollback()
        return None


def find_kind(record_id: str, *, session: Session, drafts: bool = False) -> str | None:
    """The kind of the record with this id, if any."""
    for kind in KINDS:
        if get(kind, record_id, session=session, drafts=drafts) is not None:
            return kind
    return None


def counts(*, session: Session, drafts: bool = False) -> dict[str, int]:
    """How many records of each kind there are (drafts counted only in preview)."""
    count = select(func.count())
    return {kind: int(session.exec(count.select_from(model).where(visible(model, drafts))).one()) for kind, model in KINDS.items()}


def all_of(kind: str, *, session: Session, drafts: bool = False) -> list[Any]:
    """Every record of a kind, in a stable order."""
    model = KINDS[kind]
    stmt = select(model).where(visible(model, drafts))
    order = {"axis": (col(Axis.document), col(Axis.order)), "document": (col(Document.published).desc(),)}.get(kind, (col(model.id),))
    return list(session.exec(stmt.order_by(*order)))


def by_ids(kind: str, ids: list[str], *, session: Session, drafts: bool = False) -> list[Any]:
    """Records of a kind for a list of ids, in the list's order (missing ones dropped)."""
    if not ids:
        return []
    model = KINDS[kind]
    rows = {r.id: r for r in session.exec(select(model).where(col(model.id).in_(ids), visible(model, drafts)))}
    return [rows[i] for i in ids if i in rows]


def livre_blanc(documents: list[Document]) -> Document | None:
    """The livre blanc the site is built around: the first of kind livre-blanc in ``all_of("document")`` order (newest)."""
    return next((d for d in documents if d.kind == "livre-blanc"), None)


def labels(*, session: Session) -> dict[str, dict[str, str]]:
    """Display names of documents, axes, sectors and regions, keyed by id (for facets and badges)."""
    return {
        "document": {d.id: d.title for d in session.exec(select(Document))},
        "axis": {a.id: a.title for a in session.exec(select(Axis))},
        "sector": {s.id: s.name for s in session.exec(select(Sector))},
        "region": {r.id: r.name for r in session.exec(select(Region))},
    }


def links(src: str | None, rel: str, dst: str | None, *, session: Session) -> list[Link]:
    """Link rows of one relation, from and/or to a record."""
    stmt = select(Link).where(Link.rel == rel)
    if src is not None:
        stmt = stmt.where(Link.src == src)
    if dst is not None:
        stmt = stmt.where(Link.dst == dst)
    return list(session.exec(stmt))


@dataclass
class Filters:
    """The filters shared by pages and API lists: values per filter name (kb.content.filters), and a date."""

    values: dict[str, list[str]] = field(default_factory=dict)
    updated_since: dt.date | None = None


def _filtered(model: Any, f: Filters, drafts: bool) -> Any:
    stmt = select(model).where(visible(model, drafts))
    if f.updated_since:
        stmt = stmt.where(col(model.updated) >= f.updated_since)
    carried = select(Proposal.id)
    through = False
    for flt in FILTERS:
        values = f.values.get(flt.name)
        if not values or flt.name == "type":
            continue
        if flt.multi:
            # Several values per record: their references are link rows.
            linked = select(Link.src).where(Link.rel == flt.name, col(Link.dst).in_(values))
            stmt = stmt.where(col(model.id).in_(linked))
        elif flt.through_carried and model is not Proposal:
            # An action matches a document, axis or horizon through the proposals it carries.
            carried, through = carried.where(col(getattr(Proposal, flt.name)).in_(values)), True
        else:
            stmt = stmt.where(col(getattr(model, flt.name)).in_(values))
    if through:
        stmt = stmt.where(col(model.id).in_(select(Link.src).where(Link.rel == "carries", col(Link.dst).in_(carried))))
    return stmt


def list_records(kind: str, f: Filters, *, session: Session, limit: int, offset: int, drafts: bool = False) -> tuple[list[Any], int]:
    """A page of proposals or actions matching the filters, newest update first, and the total count."""
    model = KINDS[kind]
    stmt = _filtered(model, f, drafts)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(model.updated).desc(), col(model.id)).offset(offset).limit(limit))
    return list(rows), int(total)


