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
from whoosh import scoring
from whoosh.searching import Searcher

from kb.content.filters import NAMES as FILTER_NAMES
from kb.search import engine
from kb.search.analysis import FOLDED_STOPS, fold, folded_words, stems
from kb.search.steering import Steer, merged
from kb.search.suggesting import Vocabulary

# Results (and « more like this » lists) kept per build and worker.
RESULTS = 256
# BM25F's parameters (Whoosh's defaults: B 0.75, K1 1.2). A lower B normalises less by length, a lower K1 saturates
# sooner on repeated words: on the judged queries, nDCG@5 0.876 → 0.879 (the first 131 queries 0.926 → 0.933), hit
# rate 88.1 % → 89.1 %, and the one region query kb ranked below FTS5 OR (« Normandie ») back in order.
BM25_B = 0.5
BM25_K1 = 1.0


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
    steering: dict[tuple[str, ...], tuple[Steer, ...]] | None = None
    # Parsed queries by their text: a query typed again with another filter, sort or page is not parsed again (Whoosh
    # copies query objects while normalising them: ~0.3 ms a query).
    parsed: SharedCache = field(default_factory=partial(SharedCache, RESULTS))

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
    # The build's own steering words (kb-meta.json « steering »: [words, field, value(, bonus)] each), beside the kinds'.
    steers: list[list[Any]] = field(default_factory=list)

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
        """Folded words of the synonyms file and their index terms: vocabulary even when no record uses them (« usines »
        is « usine », found through its group)."""
        if self.shared.vocabulary is None:
            words = {w for group in self.synonyms for term in group for w in folded_words(term)}
            self.shared.vocabulary = words | {s for w in words for s in stems(w)}
        return self.shared.vocabulary

    @property
    def steering(self) -> dict[tuple[str, ...], tuple[Steer, ...]]:
        """The words that steer a query (kb.search.steering): the kinds' words and the build's own, made on first use."""
        if self.shared.steering is None:
            # Folded here as queries are (a build may write names as they are written: « Cour des comptes »).
            self.shared.steering = merged([[" ".join(folded_words(str(words))), *rest] for words, *rest in self.steers])
        return self.shared.steering

    @property
    def spellings(self) -> Vocabulary:
        """The words a « vouliez-vous dire » may offer, made on first use."""
        if self.shared.spellings is None:
            # The synonyms file's single words too (« usine », « paperasse »): found through their groups, though no
            # record writes them; counted once, so that a word of the records wins a tie.
            written = {term.lower(): term.lower() for group in self.synonyms for term in group if " " not in term and term.isalpha()}
            extra = {f: {w: 1} for w in written if (f := fold(w)) and f not in self.forms and f not in FOLDED_STOPS}
            accents = {**{f: w for f, ws in extra.items() for w in ws}, **self.accents}
            self.shared.spellings = Vocabulary.of({**extra, **self.forms}, accents)
        return self.shared.spellings

    def close(self) -> None:
        """Release this thread's searcher and empty the build's caches (a thread closes an index when a newer build lands).

        Another thread still answering from this build recomputes what it needs; its answers stay right.
        """
        for cache in (self.shared.results, self.shared.leaves, self.shared.phrases, self.shared.parsed):
            cache.clear()
        self.searcher.close()


def open_index(path: Path, shared: Shared | None = None) -> SearchIndex:
    """Open a built index folder read-only, with the caches of other threads on the same build when given."""
    engine.install()  # searchers read compound files through their map (kb.search.engine.mapped)
    meta = json.loads((path / "kb-meta.json").read_text("utf-8"))
    ix = windex.open_dir(str(path))
    searcher = ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
    return SearchIndex(path, meta["synonyms"], meta["accents"], searcher, shared or Shared(), meta.get("forms", {}),
                       meta.get("steering", []))


