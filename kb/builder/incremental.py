"""Incremental builds: when only record files changed since the served build, re-write only those records.

The index of the served build is copied and updated for the changed records, and their database rows are replaced
in one transaction. Anything else (taxonomy or synonyms changed, no usable previous build, many changes) falls back
to the full build (kb.builder.pipeline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, delete

from kb.builder.cache import MAX_CHANGED_SHARE, FileCache, aux_digests
from kb.builder.publish import Known, copy_index
from kb.builder.rows import Lineage, index_docs, retired_rows, rows_for
from kb.content import Corpus, Record, kinds
from kb.content.kinds import DOCUMENT, ORGANISATION
from kb.search import update_index
from kb.store import build_info
from kb.store.changes import Changes
from kb.store.engine import BeforeCommit, create_tables, insert_rows, write_session
from kb.store.tables import TABLE_OF, Alias, BuildInfo, Link, Retired

# Kinds whose change re-files other records (a document's organisations are its proposals', an organisation's parent
# its members'): an incremental build of them alone would leave the others filed under the old lineage.
RELAYS = (DOCUMENT, ORGANISATION)


@dataclass
class Plan:
    """What changed since the served build: previous and new versions of the changed records."""

    previous: str
    old: list[Record]
    new: list[Record]

    @property
    def ids(self) -> set[str]:
        """Ids whose rows are replaced."""
        return {r.id for r in self.old} | {r.id for r in self.new}


def plan(cache: FileCache, data_dir: Path, served: str | None, engine: Engine) -> Plan | None:
    """The incremental plan, or None when a full build is needed."""
    if not served or cache.build_id != served or not cache.old or cache.aux != aux_digests(data_dir):
        return None
    with Session(engine) as session:
        if build_info(session).get("build_id") != served:
            return None
    gone = set(cache.old) - set(cache.entries)
    touched = cache.misses | gone
    if len(touched) > max(20, MAX_CHANGED_SHARE * len(cache.entries)):
        return None
    old = [e.loaded[0] for p in touched if (e := cache.old.get(p)) is not None and e.loaded[0] is not None]
    new = [e.loaded[0] for p in cache.misses if (e := cache.entries.get(p)) is not None and e.loaded[0] is not None]
    if any(r.kind in RELAYS for r in (*old, *new)):
        return None  # every record filed under the changed document's or organisation's lineage would need rewriting
    return Plan(served, old, new)


def sub_corpus(corpus: Corpus, records: Iterable[Record]) -> Corpus:
    """A corpus holding only some records (same folder, synonyms; no sectors or regions)."""
    sub = Corpus(corpus.data_dir, synonyms=corpus.synonyms)
    for rec in records:
        sub.records.setdefault(rec.kind, []).append(rec)
    return sub


def replace_rows(engine: Engine, ids: set[str], rows: list[SQLModel], replace_whole: list[type[SQLModel]],
                 before_commit: BeforeCommit | None = None) -> None:
    """One transaction: drop the rows of the changed records (and whole small tables), add their new rows."""
    create_tables(engine)
    with write_session(engine) as session:
        for table in (TABLE_OF[kind] for kind in kinds.with_files()):
            session.exec(delete(table).where(col(table.id).in_(ids)))  # type: ignore[call-overload,attr-defined]
        session.exec(delete(Alias).where(col(Alias.target).in_(ids)))  # type: ignore[call-overload]
        session.exec(delete(Link).where(col(Link.src).in_(ids)))  # type: ignore[call-overload]
        for table in replace_whole:
            session.exec(delete(table))  # type: ignore[call-overload]
        insert_rows(session, rows)
        if before_commit is not None:
            before_commit(session)
        session.commit()


WHOLE_TABLES: list[type[SQLModel]] = [Retired, BuildInfo]


def index_changes(old_docs: list[dict[str, Any]], new_docs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Documents to (re)index and ids to drop from the index."""
    new_ids = {d["id"] for d in new_docs}
    return new_docs, sorted({d["id"] for d in old_docs} - new_ids)



def write_index(work: Plan, corpus: Corpus, previous_index: Path, tmp: Path) -> Known:
    """The new index in ``tmp``: a copy of the previous one with only the changed records re-indexed.

    Returns what is known of the copied files' hashes, for the manifest (kb.builder.publish.copy_index).
    """
    lineage = Lineage.of(corpus)
    old_docs = index_docs(sub_corpus(corpus, work.old), lineage)
    changed, dropped = index_changes(old_docs, index_docs(sub_corpus(corpus, work.new), lineage))
    known = copy_index(previous_index, tmp)
    update_index(tmp, changed, dropped, old_docs)
    return known


def write_rows(work: Plan, corpus: Corpus, engine: Engine, extra_rows: list[SQLModel], before_commit: BeforeCommit | None = None) -> None:
    """Replace the changed records' rows, the tombstones and the build facts, in one transaction."""
    rows = [r for r in rows_for(sub_corpus(corpus, work.new), Lineage.of(corpus)) if not isinstance(r, Retired)]
    replace_rows(engine, work.ids, rows + retired_rows(corpus) + extra_rows, WHOLE_TABLES, before_commit)


def changes(work: Plan, corpus: Corpus, previous_exports: Path) -> Changes:
    """What the exports of the build need to know: the previous build's, the changed ids and their old rows."""
    old_rows = rows_for(sub_corpus(corpus, work.old), Lineage.of(corpus))
    return Changes(previous_exports, frozenset(work.ids), tuple(r for r in old_rows if not isinstance(r, Retired)))
