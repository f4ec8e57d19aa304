"""Read-only functions over the database: records by id, kind and filters, labels (kb.store.linked adds their links).

No Flask here: each function takes a Reader (kb.store.reader) first: the session, and whether drafts are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, not_, or_
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import col, select

from kb.content import kinds
from kb.content.filters import BY_KIND, FILTERS, NATIONAL, REGIONAL
from kb.content.kinds import AXIS
from kb.content.models import LINK_FIELDS
from kb.store.reader import Reader
from kb.store.tables import LISTED_OF, Alias, Link, Listed, Proposal, Retired
from kb.store.tables import TABLE_OF as KINDS

CARRIES = LINK_FIELDS["proposals"]  # the relation of an action to the proposals it carries


def visible(model: Any, drafts: bool) -> Any:
    """The condition that hides drafts (outside preview) for a table that has them."""
    return True if drafts or not hasattr(model, "draft") else col(model.draft).is_(False)


def get(db: Reader, kind: str, record_id: str) -> Any | None:
    """One record of a kind by id (None when absent, or a draft outside preview)."""
    row = db.session.get(KINDS[kind], record_id)
    if row is None or (getattr(row, "draft", False) and not db.drafts):
        return None
    return row


def resolve_alias(db: Reader, record_id: str) -> tuple[str, str] | None:
    """(kind, current id) for a former id, or None: also None for a draft's former id outside preview (it would name the draft)."""
    alias = db.session.get(Alias, record_id)
    if alias is None or get(db, alias.kind, alias.target) is None:
        return None
    return alias.kind, alias.target


def get_retired(db: Reader, record_id: str) -> Retired | None:
    """The tombstone of an id, if any (None too for a database built before tombstones existed)."""
    try:
        return db.session.get(Retired, record_id)
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        return None


def find_kind(db: Reader, record_id: str) -> str | None:
    """The kind of the record with this id, if any."""
    return next((kind for kind in KINDS if get(db, kind, record_id) is not None), None)


def counts(db: Reader) -> dict[str, int]:
    """How many records of each kind there are (drafts counted only in preview)."""
    count = select(func.count())
    return {kind: int(db.session.exec(count.select_from(model).where(visible(model, db.drafts))).one()) for kind, model in KINDS.items()}


def _order(kind: str) -> list[Any]:
    """The SQL order of a kind's records (kb.content.kinds: ``order``), ties by id."""
    model = KINDS[kind]
    fields = [col(getattr(model, name.lstrip("-"))).desc() if name.startswith("-") else col(getattr(model, name))
              for name in kinds.kind(kind).order]
    return [*fields, col(model.id)]


def all_of(db: Reader, kind: str) -> list[Any]:
    """Every record of a kind, in its kind's order."""
    model = KINDS[kind]
    return list(db.session.exec(select(model).where(visible(model, db.drafts)).order_by(*_order(kind))))


def by_ids(db: Reader, kind: str, ids: list[str]) -> list[Any]:
    """Records of a kind for a list of ids, in the list's order (missing ones dropped)."""
    if not ids:
        return []
    model = KINDS[kind]
    rows = {r.id: r for r in db.session.exec(select(model).where(col(model.id).in_(ids), visible(model, db.drafts)))}
    return [rows[i] for i in ids if i in rows]


def listed(db: Reader, kind: str, ids: list[str]) -> list[Listed]:
    """Records of a kind as a results list shows them (kb.store.tables.Listed: no body, no lists), in the ids' order."""
    if not ids:
        return []
    model = KINDS[kind]
    light = LISTED_OF[model]
    columns = [getattr(model, name) for name in light.__slots__]
    rows = {row[0]: light(*row) for row in db.session.exec(select(*columns).where(col(model.id).in_(ids), visible(model, db.drafts)))}
    return [rows[i] for i in ids if i in rows]


def featured(documents: list[Any]) -> Any | None:
    """The document the editors put forward (``featured: true``; kb check allows one), or None: never guessed."""
    return next((d for d in documents if d.featured), None)


def labels(db: Reader) -> dict[str, dict[str, str]]:
    """Display names of the records a filter takes (documents, axes, sectors, regions, organisations by their short
    name), keyed by kind then id (for facets and badges)."""
    out = {}
    for kind in BY_KIND:
        model = KINDS[kind]
        name = getattr(model, kind.name_field)
        label = func.coalesce(model.short_name, name) if hasattr(model, "short_name") else name
        out[kind] = dict(db.session.exec(select(model.id, label)).all())
    return out


def axis_documents(db: Reader) -> dict[str, str]:
    """Each axis's document, by axis id (an axis is named with its document where several share a name)."""
    model = KINDS[AXIS]
    return dict(db.session.exec(select(model.id, model.document)).all())


def links(db: Reader, src: str | None, rel: str, dst: str | None) -> list[Link]:
    """Link rows of one relation, from and/or to a record."""
    stmt = select(Link).where(Link.rel == rel)
    if src is not None:
        stmt = stmt.where(Link.src == src)
    if dst is not None:
        stmt = stmt.where(Link.dst == dst)
    return list(db.session.exec(stmt))


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
            cond = col(model.id).in_(linked)
            if flt.national:  # a record that names no region concerns every region
                cond = or_(cond, col(model.id).not_in(select(Link.src).where(Link.rel == flt.name)))
            stmt = stmt.where(cond)
        elif flt.scope_of:
            # Regional: the record names a region; national: it names none.
            regional = col(model.id).in_(select(Link.src).where(Link.rel == flt.scope_of))
            conds = ([regional] if REGIONAL in values else []) + ([not_(regional)] if NATIONAL in values else [])
            stmt = stmt.where(or_(*conds))
        elif flt.through_carried and model is not Proposal:
            # An action matches a document, axis or horizon through the proposals it carries.
            carried, through = carried.where(col(getattr(Proposal, flt.name)).in_(values)), True
        else:
            stmt = stmt.where(col(getattr(model, flt.name)).in_(values))
    if through:
        stmt = stmt.where(col(model.id).in_(select(Link.src).where(Link.rel == CARRIES, col(Link.dst).in_(carried))))
    return stmt


def list_records(db: Reader, kind: str, f: Filters, *, limit: int, offset: int) -> tuple[list[Any], int]:
    """A page of proposals or actions matching the filters, newest update first, and the total count."""
    model = KINDS[kind]
    stmt = _filtered(model, f, db.drafts)
    total = db.session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = db.session.exec(stmt.order_by(col(model.updated).desc(), col(model.id)).offset(offset).limit(limit))
    return list(rows), int(total)


