"""What a worker keeps of a served build: its labels, filter choices, « qui propose » and whether records name
sectors (the menu's « Filières »), the records its result pages listed, and the data of the pages that sum up the
whole base (the about page, the dashboard, the index pages, the sitemap).

A build never changes once served (a new build has a new id), so what is read of it can be kept under its id:
an uncached results page then costs no query for its labels and none for records shown before. Records are kept
as results lists show them (kb.store.tables.Listed: no body, no lists, ~0.9 KB each at 10,000 demo records where an
ORM row weighs ~6 KB); a draft kept by a preview request is not listed by a public one. Bounded: the last few builds
of all databases, and the most recently listed records of each build (12,000: ~11 MB).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from kb.pages import query
from kb.search.index import SharedCache
from kb.store import queries, who
from kb.store.overview import sectors_named
from kb.store.reader import Reader
from kb.store.tables import Listed

ROWS = 12_000
BUILDS = 4  # builds kept per worker, all databases together (a test process serves several)


@dataclass
class Kept:
    """One build's kept values in this worker."""

    labels: dict[str, dict[str, str]] | None = None
    choices: dict[str, dict[str, str]] | None = None
    who: who.Who | None = None
    sectors: dict[bool, bool] = field(default_factory=dict)  # drafts shown → whether a record names a sector
    rows: SharedCache = field(default_factory=partial(SharedCache, ROWS))
    pages: dict[tuple[str, bool], Any] = field(default_factory=dict)  # (page, drafts shown) → its data


T = TypeVar("T")


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


def choices(db: Reader, build_id: str | None) -> dict[str, dict[str, str]]:
    """A search's allowed filter values and their labels, axes named with their document (kb.pages.query.choices),
    once per build: 200 axes' short titles at 10,000 demo records. Not to be changed."""
    kept = of(db, build_id)
    if kept is None:
        return query.choices(labels(db, build_id), queries.axis_documents(db))
    if kept.choices is None:
        kept.choices = query.choices(labels(db, build_id), queries.axis_documents(db))
    return kept.choices


def rows(db: Reader, build_id: str | None, kind: str, ids: list[str]) -> list[Listed]:
    """Records of a kind by id as a results list shows them, in the list's order (missing ones and, outside preview,
    drafts dropped), kept per build."""
    kept = of(db, build_id)
    if kept is None:
        return queries.listed(db, kind, ids)
    found = {i: row for i in ids if (row := kept.rows.get((kind, i))) is not None}
    for row in queries.listed(db, kind, [i for i in ids if i not in found]):
        kept.rows.put((kind, row.id), row)
        found[row.id] = row
    return [found[i] for i in ids if i in found and (db.drafts or not getattr(found[i], "draft", False))]


def who_of(db: Reader, build_id: str | None) -> who.Who:
    """The organisations and who speaks in each document (kb.store.who), once per build: two queries a page were
    ~0.7 ms of a 7 ms uncached search page at 1,000 demo records (bench/pages.py)."""
    kept = of(db, build_id)
    if kept is None:
        return who.who(db)
    if kept.who is None:
        kept.who = who.who(db)
    return kept.who


def sectors(db: Reader, build_id: str | None) -> bool:
    """Whether a record the reader sees names a sector (kb.store.overview.sectors_named), once per build and mode:
    the menu asks on every page (~0.7 ms a page at 1,000 demo records)."""
    kept = of(db, build_id)
    if kept is None:
        return sectors_named(db)
    if db.drafts not in kept.sectors:
        kept.sectors[db.drafts] = sectors_named(db)
    return kept.sectors[db.drafts]


def page(db: Reader, build_id: str | None, name: str, make: Callable[[Reader], T]) -> T:
    """The data of a page that sums up the whole base, made once per build and mode (drafts shown or not) in this
    worker: ``make(db)`` reads the build alone (never the request: its host, its query string), and what it returns
    is not to be changed.

    These pages read every record: at 10,000 demo records /a-propos took ~1 s, /tableau-de-bord ~0.7 s, /sitemap.xml
    ~0.5 s, /filieres ~0.4 s, and an address with any other query string (« ?x=1 ») is a new page for the page
    cache, so anyone could have them made again and again. Rows kept here are read-only and complete (the tables
    have no lazy relationship), so they stay readable once their session is closed.
    """
    kept = of(db, build_id)
    if kept is None:
        return make(db)
    key = (name, db.drafts)
    if key not in kept.pages:
        kept.pages[key] = make(db)  # two threads may both make it: the same data
    found: T = kept.pages[key]
    return found
