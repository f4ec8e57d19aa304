"""An opened build's index: one Whoosh searcher per thread, and the per-build caches all threads of a process share."""

from __future__ import annotations

import json
import shutil
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.filedb import compound, structfile
from whoosh.searching import Searcher

from kb.analysis import folded_words
from kb.ranking import Columns, read_columns

# Public filter name → index field.
FACETS: dict[str, str] = {
    "type": "type",
    "document": "document",
    "axis": "axis",
    "sector": "sectors",
    "region": "regions",
    "status": "status",
    "horizon": "horizon",
}


class ViewReader:
    """A read-only file over a memoryview: the seek/read/tell Whoosh's BufferFile needs, without copying the buffer."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        """Up to size bytes from the position (all the rest when size is negative or None)."""
        start, length = self._pos, len(self._view)
        end = length if size is None or size < 0 else min(length, start + size)
        self._pos = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, target: Any) -> int:
        """Fill target from the position; the count of bytes copied."""
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        """Up to and including the next newline."""
        out = bytearray()
        while size is None or size < 0 or len(out) < size:
            chunk = self.read(256 if size is None or size < 0 else min(256, size - len(out)))
            if not chunk:
                break
            cut = chunk.find(b"\n")
            if cut >= 0:
                out += chunk[: cut + 1]
                self._pos -= len(chunk) - cut - 1
                break
            out += chunk
        return bytes(out)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move the position as a file does (0: from the start, 1: from here, 2: from the end)."""
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        """The position."""
        return self._pos

    def flush(self) -> None:
        """Nothing to write."""

    def close(self) -> None:
        """Nothing to release: the view belongs to the compound file's map."""


class ViewBufferFile(structfile.BufferFile):
    """Whoosh's BufferFile, minus the private copy of the whole sub-file: BytesIO(memoryview) copies it.

    Every searcher opens its own readers, and each held a copy of the postings and term files (about 16 MB at
    10,000 records): one per thread of every worker. Reading through the map instead gives the same bytes.
    """

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = ViewReader(memoryview(buf))
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


# Compound segment files (the only ones Whoosh maps) are opened through this name.
compound.BufferFile = ViewBufferFile  # type: ignore[misc]


class Lru:
    """A bounded least-recently-used map, safe to share between threads (each entry weighs what its caller says)."""

    def __init__(self) -> None:
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.weight = 0

    def get(self, key: Hashable) -> Any:
        """The value under key (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, weight: int, bound: int) -> None:
        """Keep value; then drop the least recently used entries while over bound (the newest always stays)."""
        with self._lock:
            previous = self._items.pop(key, None)
            self.weight += weight - (previous[1] if previous else 0)
            self._items[key] = (value, weight)
            while self.weight > bound and len(self._items) > 1:
                _, (_old, old_weight) = self._items.popitem(last=False)
                self.weight -= old_weight

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._items.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Shared:
    """What one build's threads share in a process: results, leaf scores, facet bitmaps (pure data once made).

    Whoosh searchers are not thread-safe, so each thread has its own; the caches are the memory, so there is one set.
    """

    results: Lru = field(default_factory=Lru)
    leaves: Lru = field(default_factory=Lru)
    phrases: Lru = field(default_factory=Lru)
    columns: Columns | None = None
    carriers: dict[int, int] | None = None
    vocabulary: set[str] | None = None


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

    @property
    def cache(self) -> Lru:
        """Results (and « more like this » lists) of this build."""
        return self.shared.results

    @property
    def leaves(self) -> Lru:
        """Per-leaf matches and scores of this build."""
        return self.shared.leaves

    @property
    def phrases(self) -> Lru:
        """Per-phrase matches and scores of this build (a phrase costs ten words)."""
        return self.shared.phrases

    @property
    def columns(self) -> Columns:
        """Facet values per docnum, read on first use (two threads may both read them: same data)."""
        if self.shared.columns is None:
            self.shared.columns = read_columns(self.searcher, [*dict.fromkeys(FACETS.values()), "carries"])
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

    def close(self) -> None:
        """Release this thread's searcher and empty the build's caches (a thread closes an index when a newer build lands).

        Another thread still answering from this build recomputes what it needs; its answers stay right.
        """
        for lru in (self.shared.results, self.shared.leaves, self.shared.phrases):
            lru.clear()
        self.searcher.close()


def open_index(path: Path, shared: Shared | None = None) -> SearchIndex:
    """Open a built index folder read-only, with the caches of other threads on the same build when given."""
    meta = json.loads((path / "kb-meta.json").read_text("utf-8"))
    ix = windex.open_dir(str(path))
    return SearchIndex(path, meta["synonyms"], meta["accents"], ix.searcher(), shared or Shared())


def remove_index(path: Path) -> None:
    """Delete an index folder (a failed or superseded build)."""
    shutil.rmtree(path, ignore_errors=True)
