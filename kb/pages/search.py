"""The data of a search, for every front end: ranked hits with the records the database holds for them.

The search itself is kb.search's (ranked ids, facets, suggestion); this module reads the hits' records (each kind
in one query) and the listed kinds, so that /recherche, the browse pages, the search feed, the API and ``kb search``
list the same records in the same order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb import search
from kb.content import kinds
from kb.pages import kept
from kb.pages.context import Context
from kb.store import queries
from kb.store.tables import Listed

if TYPE_CHECKING:
    from kb.search import Hit

# The kinds a results list holds (the other kinds show above it, or through the type filter).
LISTED: tuple[kinds.Kind, ...] = kinds.where(listed=True)


def rows_of(ctx: Context, hits: list[Hit]) -> list[tuple[Hit, Listed]]:
    """(hit, row as a results list shows it) for the hits whose record the database holds, in the hits' order (kept
    per build, each kind read in one query)."""
    ids: dict[str, list[str]] = {}
    for h in hits:
        ids.setdefault(h.type, []).append(h.id)
    rows = {(kind, r.id): r for kind, some in ids.items() for r in kept.rows(ctx.db, ctx.build_id, kind, some)}
    return [(h, rows[h.type, h.id]) for h in hits if (h.type, h.id) in rows]


def records_of(ctx: Context, ids: list[str]) -> list[Any]:
    """The listed records of these ids, in the ids' order."""
    found = {r.id: r for kind in LISTED for r in queries.by_ids(ctx.db, kind, ids)}
    return [found[i] for i in ids if i in found]


def close(ctx: Context, record_id: str, text: str, limit: int = 5) -> list[Any]:
    """« Propositions proches »: the listed records whose wording is closest to ``text``, from the index."""
    if ctx.index is None:
        return []
    return records_of(ctx, search.more_like(ctx.index, record_id, text, limit=limit, show_drafts=ctx.drafts))
