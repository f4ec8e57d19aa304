"""What a worker keeps of a served build: its labels, and the records its result pages listed, read once per build.

A build never changes once served (a new build has a new id), so what is read of it can be kept under its id:
an uncached results page then costs no query for its labels and none for records shown before. The records are
detached from the session that read them and never changed; a draft kept by a preview request is not listed by a
public one. Bounded: the last few builds of each database, and the most recently listed records of each build
(each about 3 KB at 10,000 demo records: 4,000 of them are ~12 MB, and a worker's peak RSS stays under 250 MB).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from kb.search.index import SharedCache
from kb.store import queries
from kb.store.reader import Reader

ROWS = 4_000
BUILDS = 4  # builds kept per worker, all databases together (a test process serves several)


@dataclass
class Kept:
    """One build's kept values in this worker."""

    labels: dict[str, dict[str, str]] | None = None
    rows: SharedCache = field(default_factory=partial(SharedCache, ROWS))


_builds: dict[Hashable, Kept] = {}
_lock = threading.Lock()


def of(db: Reader, build_id: str | None) -> Kept | None:
    """The kept values of the build this reader's transaction serves (None before any build: nothing to keep)."""
    if build_id is None:
        return None
    key = (id(db.session.get_bind()), build_id)
    found = _builds.get(key)
    if found is None:
        with _lock:
            found = _builds.get(key)
            if found is None:
                while len(_builds) >= BUILDS:
                    del _builds[next(iter(_builds))]  # the oldest
                found = _builds[key] = Kept()
    return found


def labels(db: Reader, build_id: str | None) -> dict[str, dict[str, str]]:
    """Display names of documents, axes, sectors and regions by id (kb.store.queries.labels), once per build."""
    kept = of(db, build_id)
    if kept is None:
        return queries.labels(db)
    if kept.labels is None:
        kept.labels = queries.labels(db)  # two threads may both read them: the same data
    return kept.labels


def rows(db: Reader, build_id: str | None, kind: str, ids: list[str]) -> list[Any]:
    """Records of a kind by id, in the list's order (missing ones and, outside preview, drafts dropped), kept per build."""
    kept = of(db, build_id)
    if kept is None:
        return queries.by_ids(db, kind, ids)
    found = {i: row for i in ids if (row := kept.rows.get((kind, i))) is not None}
    missing = [i for i in ids if i not in found]
    for row in queries.by_ids(db, kind, missing):
        db.session.expunge(row)  # detached: a later rollback of this session cannot expire what other requests read
        kept.rows.put((kind, row.id), row)
        found[row.id] = row
    return [found[i] for i in ids if i in found and (db.drafts or not getattr(found[i], "draft", False))]
