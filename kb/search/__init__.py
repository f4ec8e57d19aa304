"""French full-text search: the public read API (search, suggest, « more like this », lookup by id), analysis, indexing.

Owns the Whoosh index of a build: how text is analysed (kb.search.analysis), what is indexed (kb.search.indexing),
how an opened index is shared by a worker's threads (kb.search.index), and how a query is answered
(kb.search.searching); kb.search.engine holds, behind its stated boundary, what reads Whoosh's internals. Imports
only kb.content: it knows neither the database nor the web.
"""

from kb.search.index import SearchIndex, Shared, open_index, remove_index
from kb.search.indexing import build_index, index_doc, update_index
from kb.search.searching import Hit, Results, more_like, search, suggest

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
