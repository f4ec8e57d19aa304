"""The engine boundary: everything that reads Whoosh's internals, and nothing else, lives in this package.

kb.search's fast path is a fork of Whoosh's scoring pinned to whoosh-reloaded 2.7.5 (pyproject pins it): it reads
the block matchers' private fields (``_read_ids``, ``_ids``, ``_weights``, ``_i``, ``_next_block``), the BM25F
scorer's attributes (``idf``, ``K1``, ``B``, ``avgfl``), a prefix query's private ``_btexts``, and replaces the
``BufferFile`` name in ``whoosh.filedb.compound`` (``mapped.install``, called by the code that opens a searcher,
never at import). Another Whoosh version may change any of these: the tests that compare every answer with
Whoosh's own search (tests/support/search_reference.py) are what tells. The rest of kb.search uses only Whoosh's public
API (schema, writers, searchers, query objects).
"""

from kb.search.engine.columns import Columns, bits, docnums, read_columns
from kb.search.engine.mapped import ViewBufferFile, ViewReader, install
from kb.search.engine.ranking import LEAF_BYTES, MAX_PREFIX_TERMS, PHRASE_BYTES, CappedPrefix, Leaf, Scored, Scoring, match_bits, rank
from kb.search.engine.topk import top

__all__ = [
    "LEAF_BYTES",
    "MAX_PREFIX_TERMS",
    "PHRASE_BYTES",
    "CappedPrefix",
    "Columns",
    "Leaf",
    "Scored",
    "Scoring",
    "ViewBufferFile",
    "ViewReader",
    "bits",
    "docnums",
    "install",
    "match_bits",
    "rank",
    "read_columns",
    "top",
]
