"""French full-text search: the public read API (search, suggest, « more like this », lookup by id), analysis, indexing.

Owns the Whoosh index of a build: how text is analysed (kb.search.analysis), what is indexed (kb.search.indexing),
how an opened index is shared by a worker's threads (kb.search.index), and how a query is answered
(kb.search.searching); kb.search.engine holds, behind its stated boundary, what reads Whoosh's internals. Imports
only kb.content: it knows neither the database nor the web.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kb.search.indexing import build_index, index_doc, remove_index, update_index

if TYPE_CHECKING:
    from kb.search.index import SearchIndex, Shared, open_index
    from kb.search.searching import Hit, Results, more_like, search, suggest

# The read side is imported on first use: `kb build` writes an index and never searches (about 15 ms of its start-up,
# compiling included when no bytecode is cached).
_READ_SIDE = {name: "kb.search.index" for name in ("SearchIndex", "Shared", "open_index")} | {
    name: "kb.search.searching" for name in ("Hit", "Results", "more_like", "search", "suggest")
}


def __getattr__(name: str) -> Any:
    if name not in _READ_SIDE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_READ_SIDE[name]), name)
    globals()[name] = value
    return value

__all__ = [
    "Hit",
    "Results",
    "SearchIndex",
    "Shared",
    "build_index",
    "index_doc",
    "more_like",
    "open_index",
    "remove_index",
    "search",
    "suggest",
    "update_index",
]
