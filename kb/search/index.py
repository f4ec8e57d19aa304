"""An opened build's index: one Whoosh searcher per thread, and the per-build caches all threads of a process share."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from whoosh import index as windex
from whoosh.searching import Searcher

from kb.content.filters import NAMES as FILTER_NAMES
from kb.search import engine
from kb.search.analysis import folded_words
from kb.search.suggesting import Vocabulary

# Results (and « more like this » lists) kept per build and worker.
RESULTS = 256


class SharedCache:
    """A least-recently-used map (cachetools) shared by a worker's threads, bounded by count or by the weight of entries.

    A single entry heavier than the whole bound is not kept (cachetools refuses it): it is computed again when asked.
    """

    def __init__(self, maxsize: int, getsizeof: Callable[[Any], int] | None = None) -> None:
        self._lru: LRUCache[Hashable, Any] = LRUCache(maxsize, getsizeof)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value under key (now the most recently used), or None."""
        with self._lock:
            return self._lru.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Keep value, dropping the least recently used entries while over the bound."""
        with self._lock:
            try:
                self._lru[key] = value
            except ValueError:  # heavier than the whole cache
                self._lru.pop(key, None)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


def _size(leaf: engine.Leaf) -> int:
    return leaf.size


@dataclass
class Shared:
    """What one build's threads share in a process: results, leaf scores, facet bitmaps (pure data once made).

    Whoosh searchers are not thread-safe, so each thread has its own; the caches are the memory, so there is one set.
    """

    results: SharedCache = field(default_factory=partial(SharedCache, RESULTS))
    leaves: SharedCache = field(default_factory=partial(SharedCache, engine.LEAF_BYTES, _size))
    # Phrases (synonyms like « commande publique ») cost 10× a word to compute: their own cache, so words never evict them.
    phrases: SharedCache = field(default_factory=partial(SharedCache, engine.PHRASE_BYTES, _size))
    columns: engine.Columns | None = None
    carriers: dict[int, int] | None = None
    vocabulary: set[str] | None = None
    spellings: Vocabulary | None = None

    @classmethod
    def bounded(cls, results: int, leaves: int, phrases: int) -> Shared:
        """Caches with other bounds: results by count, leaves and phrases by bytes held."""
        return cls(SharedCache(results), SharedCache(leaves, _size), SharedCache(phrases, _size))


@dataclass
class SearchIndex:
    """An opened index with its synonyms and accent map, this thread's searcher, and the build's shared caches.

    One SearchIndex serves one build: a new build opens a new one, so caches never outlive their build.
    """

    path: Path
    synonyms: list[list[str]]
    accents: dict[str, str]
    searcher: Searcher
    shared: Shared = field(default_factory=Shared)
    # Folded spelling word → its written forms and how often visible records write each (kb-meta.json, kept exact by
    # incremental builds): the vocabulary of suggestions.
    forms: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def cache(self) -> SharedCache:
        """Results (and « more like this » lists) of this build."""
        return self.shared.results

    @property
    def leaves(self) -> SharedCache:
        """Per-leaf matches and scores of this build."""
        return self.shared.leaves

    @property
    def phrases(self) -> SharedCache:
        """Per-phrase matches and scores of this build (a phrase costs ten words)."""
        return self.shared.phrases

    @property
    def columns(self) -> engine.Columns:
        """Facet values per docnum, read on first use (two threads may both read them: same data)."""
        if self.shared.columns is None:
            self.shared.columns = engine.read_columns(self.searcher, [*FILTER_NAMES, "carries"])
        return self.shared.columns

    @property
    def carriers(self) -> dict[int, int]:
        """Docnum of each carried proposal → bitmap of the actions carrying it, read on first use."""
        if self.shared.carriers is None:
            carriers = {}
            for proposal_id, actions in self.columns.facets.get("carries", {}).items():
                docnum = next(iter(self.searcher.document_numbers(id=proposal_id)), None)
                if docnum is not None:
                    carriers[docnum] = actions
            self.shared.carriers = carriers
        return self.shared.carriers

    @property
    def vocabulary(self) -> set[str]:
        """Folded words of the synonyms file: vocabulary even when no record uses them."""
        if self.shared.vocabulary is None:
            self.shared.vocabulary = {w for group in self.synonyms for term in group for w in folded_words(term)}
        return self.shared.vocabulary

    @property
    def spellings(self) -> Vocabulary:
        """The words a « vouliez-vous dire » may offer, made on first use."""
        if self.shared.spellings is None:
            self.shared.spellings = Vocabulary.of(self.forms, self.accents)
        return self.shared.spellings

    def close(self) -> None:
        """Release this thread's searcher and empty the build's caches (a thread closes an index when a newer build lands).

        Another thread still answering from this build recomputes what it needs; its answers stay right.
        """
        for cache in (self.shared.results, self.shared.leaves, self.shared.phrases):
            cache.clear()
        self.searcher.close()


def open_index(path: Path, shared: Shared | None = None) -> SearchIndex:
    """Open a built index folder read-only, with the caches of other threads on the same build when given."""
    engine.install()  # searchers read compound files through their map (kb.search.engine.mapped)
    meta = json.loads((path / "kb-meta.json").read_text("utf-8"))
    ix = windex.open_dir(str(path))
    return SearchIndex(path, meta["synonyms"], meta["accents"], ix.searcher(), shared or Shared(), meta.get("forms", {}))


