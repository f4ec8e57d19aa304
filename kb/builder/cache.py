"""The record cache of incremental builds: validated records kept by file hash, and parallel validation of the rest.

A build reads every file (to hash it) but validates only new or changed ones (kb.builder.incremental then decides
whether the index and rows can be updated for those only). The cache is only an accelerator: missing, stale or
unreadable, it is ignored and the build validates everything.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
import secrets
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from kb.content.files import MAX_FILE_BYTES, Files
from kb.content.loader import Loaded, load_record
from kb.procs import die_with_parent
from kb.store import Layout

# Bumped with the pickled layout, with what a file's problems are (6: limits, template text, source warnings) or with
# what the index keeps of a record (7: its sources' quotes, for snippets; 8: a draft's to-dos, empty values, what is read
# of a record with errors, drafts stored as written), so that the next build is a full one; the Python version too, since
# records keep their key lines in marshal's format.
VERSION = (8, *sys.version_info[:2])
# Below this many files to validate, a process pool costs more than it saves.
POOL_FROM = 400
# A file written this close to the last scan is hashed even when its size and time look unchanged.
RACY_NS = 2_000_000_000
# Above this share of changed files, a full build is as fast and leaves a fresh, merged index.
MAX_CHANGED_SHARE = 0.05
AUX_FILES = ("sectors.yaml", "regions.yaml", "synonyms.yaml")


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _load_one(item: tuple[str, str | Path], max_bytes: int = MAX_FILE_BYTES) -> Loaded:
    return load_record(*item, max_bytes)


def load_parallel(files: Files, max_bytes: int = MAX_FILE_BYTES) -> list[Loaded]:
    """Validate record files, on every core when there are many."""
    procs = min(2, os.cpu_count() or 1)
    if len(files) < POOL_FROM or procs < 2:
        return [_load_one(item, max_bytes) for item in files]
    # Each worker dies with the build: one killed while validating leaves no orphan waiting on the pool's queue.
    pool = ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),))
    with pool:
        return list(pool.map(partial(_load_one, max_bytes=max_bytes), files, chunksize=64))


@dataclass
class Entry:
    """One record file as last validated: its content hash, kind, and (record, problems)."""

    digest: str
    kind: str
    loaded: Loaded
    stat: tuple[int, int] = (-1, -1)


@dataclass
class FileCache:
    """Validated records of the last successful build, keyed by path and content hash."""

    path: Path | None
    build_id: str | None = None
    old: dict[str, Entry] = field(default_factory=dict)
    aux: dict[str, str] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    misses: set[str] = field(default_factory=set)
    base: dict[str, Entry] = field(default_factory=dict)
    token: str = ""
    scanned_ns: int = 0
    now_ns: int = 0

    @classmethod
    def open(cls, layout: Layout | None) -> FileCache:
        """The cache kept beside the builds (empty when missing, stale or unreadable: it is only an accelerator)."""
        cache = cls(layout.cache_file if layout else None)
        if cache.path is None:
            return cache
        base, delta = _read(cache.path), _read(cache.path.with_suffix(".delta"))
        if base is None or not {"entries", "token", "build_id", "aux"} <= base.keys():
            return cache
        if delta is not None and not {"token", "build_id", "aux", "changed", "removed"} <= delta.keys():
            delta = None
        cache.base, cache.token = base["entries"], base["token"]
        cache.build_id, cache.aux, cache.old = base["build_id"], base["aux"], dict(base["entries"])
        cache.scanned_ns = base.get("scanned_ns", 0)
        if delta is not None and delta["token"] == base["token"]:
            # Small builds write only what changed since the base file, so saving stays cheap.
            cache.build_id, cache.aux, cache.scanned_ns = delta["build_id"], delta["aux"], delta.get("scanned_ns", 0)
            cache.old.update(delta["changed"])
            for gone in delta["removed"]:
                cache.old.pop(gone, None)
        return cache

    def load_many(self, files: Files, max_bytes: int = MAX_FILE_BYTES) -> list[Loaded]:
        """Like loader.load_each, but unchanged files come from the cache and the rest is validated in parallel."""
        self.now_ns = time.time_ns()
        results: list[Loaded | None] = [None] * len(files)
        todo: list[int] = []
        digests: dict[int, str] = {}
        stats: dict[int, tuple[int, int]] = {}
        old, entries, trust_before = self.old, self.entries, self.scanned_ns - RACY_NS
        for i, (kind, path) in enumerate(files):
            key = path if isinstance(path, str) else str(path)
            entry = old.get(key)
            try:
                st = os.stat(key)
                stat = stats[i] = (st.st_size, st.st_mtime_ns)
                if st.st_size > max_bytes:  # never read here: load_record refuses it, before reading, with its message
                    todo.append(i)
                    continue
                # Same size and modification time: unchanged, as git's index assumes, unless the file was written within
                # RACY_NS of the last scan (a coarse clock could give a later edit the same time); otherwise hash it.
                if entry is not None and entry.kind == kind and entry.stat == stat and stat[1] < trust_before:
                    results[i] = entry.loaded
                    entries[key] = entry
                    continue
                with open(key, "rb") as fh:
                    digests[i] = _digest(fh.read())
            except OSError:
                todo.append(i)
                continue
            if entry is not None and entry.kind == kind and entry.digest == digests[i]:
                results[i] = entry.loaded
                entries[key] = entry if entry.stat == stat else Entry(entry.digest, kind, entry.loaded, stat)
            else:
                todo.append(i)
        for i, loaded in zip(todo, load_parallel([files[i] for i in todo], max_bytes), strict=True):
            kind, path = files[i]
            results[i] = loaded
            self.entries[str(path)] = Entry(digests.get(i, ""), kind, loaded, stats.get(i, (-1, -1)))
            self.misses.add(str(path))
        return results  # type: ignore[return-value]

    def save(self, build_id: str, data_dir: Path) -> None:
        """Remember this build's records (written atomically, after the build is served)."""
        if self.path is None:
            return
        aux = aux_digests(data_dir)
        changed = {p: e for p, e in self.entries.items() if self.base.get(p) is not e}
        removed = [p for p in self.base if p not in self.entries]
        delta_path = self.path.with_suffix(".delta")
        if self.token and len(changed) + len(removed) <= max(20, MAX_CHANGED_SHARE * len(self.entries)):
            delta = {"version": VERSION, "token": self.token, "build_id": build_id, "aux": aux, "changed": changed, "removed": removed,
                     "scanned_ns": self.now_ns}
            _write(delta_path, delta)
            return
        token = secrets.token_hex(8)
        base = {"version": VERSION, "token": token, "build_id": build_id, "aux": aux, "entries": self.entries, "scanned_ns": self.now_ns}
        _write(self.path, base)
        delta_path.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Any] | None:
    # The cyclic GC would scan the growing heap again and again while millions of objects are rebuilt: 3× slower.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    except (OSError, TypeError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, ImportError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


def _write(path: Path, data: dict[str, Any]) -> None:
    """Pickle atomically."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def aux_digests(data_dir: Path) -> dict[str, str]:
    """Hashes of the files every record depends on (taxonomy, synonyms): a change forces a full build."""
    out = {}
    for name in AUX_FILES:
        try:
            out[name] = _digest((Path(data_dir) / name).read_bytes())
        except OSError:
            out[name] = ""
    return out
