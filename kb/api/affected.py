"""Which records' exports a set of changed records can alter: themselves and every record linked to them, either way.

A record's export shows, of another record, only what a reference carries (its id, title or name, page URL, the note
of an editorial link) or a count over records that name it (a document's proposals per axis). So an export can
change only when a record it references, or that references it, changes: one hop on the references, both ways, in
the old rows and the new. The rule is widened on purpose: every text value of a row counts as a possible reference
(an id that names nothing costs nothing), and the ids are matched whatever their kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_
from sqlalchemy.sql import sqltypes
from sqlmodel import Session, col, select

from kb.store.tables import RECORD_TABLES, Link

# Columns that hold no reference: the record's own id and where its file sits.
_NOT_REFERENCES = frozenset({"id", "path"})


def references(rows: Iterable[Any]) -> set[str]:
    """Every id the rows may reference: both ends of links, and every text value (or text in a list) of a record row."""
    out: set[str] = set()
    for row in rows:
        if isinstance(row, Link):
            out |= {row.src, row.dst}
            continue
        for name in type(row).model_fields:
            value = getattr(row, name, None)
            if name in _NOT_REFERENCES:
                continue
            if isinstance(value, str):
                out.add(value)
            elif isinstance(value, list):
                out |= {v for v in value if isinstance(v, str)}
    return out


def _text_columns(table: Any) -> list[Any]:
    # SQLModel's text type wraps String (a TypeDecorator): its ``impl`` says what it stores.
    return [c for c in table.__table__.columns
            if isinstance(getattr(c.type, "impl", c.type), sqltypes.String) and c.name not in _NOT_REFERENCES]


def referring(session: Session, ids: set[str]) -> set[str]:
    """Ids of the records that reference one of ``ids`` (by a link, or a column naming it), drafts included."""
    if not ids:
        return set()
    wanted = sorted(ids)
    out = set(session.exec(select(Link.src).where(col(Link.dst).in_(wanted))))
    for table in RECORD_TABLES:
        columns = _text_columns(table)
        if columns:
            out |= set(session.exec(select(table.id).where(or_(*(c.in_(wanted) for c in columns)))))  # type: ignore[attr-defined]
    return out


def current_rows(session: Session, ids: set[str]) -> list[Any]:
    """The rows the session holds now for these ids: their records (drafts included) and the links they start."""
    wanted = sorted(ids)
    rows: list[Any] = list(session.exec(select(Link).where(col(Link.src).in_(wanted))))
    for table in RECORD_TABLES:
        rows += session.exec(select(table).where(col(table.id).in_(wanted)))  # type: ignore[attr-defined]
    return rows


def affected(session: Session, changed: frozenset[str], old_rows: Iterable[Any]) -> set[str]:
    """The ids whose exports must be rendered again after ``changed`` were rewritten (``old_rows``: their rows before)."""
    return set(changed) | references(old_rows) | references(current_rows(session, set(changed))) | referring(session, set(changed))
