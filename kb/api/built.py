"""The exports a build writes beside its index: proposals.csv, actions.csv and kb.json, each with a gzip copy.

The files are each record's pieces laid end to end (kb.api.pieces), and ``pieces.json`` says where each piece and
each gzip chunk (kb.api.gzchunks) sits. An incremental build renders again only the records its changes can alter
(kb.api.affected) and copies every other piece, and every unchanged gzip chunk, from the previous build's files; it
renders everything when those are missing, damaged, or made for another site address or by another version.

Importable without Flask: ``kb build`` writes them from its rows before they are committed.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from kb.api import gzchunks, pieces
from kb.api.affected import affected
from kb.api.export import FILES, JSON_FILE
from kb.api.pieces import key
from kb.content import kinds
from kb.content.urls import Urls
from kb.pages import Context
from kb.store import queries
from kb.store.builds import EXPORTS_BASE
from kb.store.changes import Changes
from kb.store.reader import Reader

INDEX = "pieces.json"
# A gzip chunk ends after a record whose key hashes to 0 modulo this: ~128 kb.json entries (~600 KB), ~384 CSV lines:
# each chunk starts with an empty 32 KiB window, so longer chunks compress better (measured in bench/README.md).
CHUNK_EVERY = {JSON_FILE: 128}
CSV_CHUNK_EVERY = 384


@dataclass
class Previous:
    """The previous build's files (by name): their bytes, where each piece sits, and their gzip chunks by key."""

    raw: dict[str, bytes] = field(default_factory=dict)
    offsets: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    chunks: dict[str, dict[str, bytes]] = field(default_factory=dict)

    def piece(self, name: str, piece_key: str) -> memoryview:
        """A piece of a previous file, as it was written."""
        start, end = self.offsets[name][piece_key]
        return memoryview(self.raw[name])[start:end]

    def has(self, name: str, piece_key: str) -> bool:
        """True when the previous file holds this piece."""
        return piece_key in self.offsets[name]


def previous_files(folder: Path, base: str, version: str) -> Previous | None:
    """The previous build's exports, or None when they cannot be trusted to splice (missing, damaged, other address or
    version): they are only an accelerator."""
    try:
        index = json.loads((folder / INDEX).read_text("utf-8"))
        if index["version"] != version or index["base"] != base:
            return None
        out = Previous()
        for name in FILES:
            entry = index["files"][name]
            raw, gz = (folder / name).read_bytes(), (folder / f"{name}.gz").read_bytes()
            if len(raw) != entry["size"] or len(gz) != entry["gz_size"]:
                return None
            out.raw[name], out.offsets[name] = raw, entry["pieces"]
            out.chunks[name] = gzchunks.reusable(gz, (gzchunks.Chunk(*c) for c in entry["chunks"]))
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _todo(ids: dict[str, list[str]], previous: Previous | None, again: set[str]) -> dict[str, list[str]]:
    """The records to render: all of them without previous files, else those a change can alter or the files lack."""
    if previous is None:
        return ids
    lists = pieces.files_of()
    return {kind: [i for i in listed if i in again or not all(previous.has(name, key(kind, i)) for name in lists if kind in lists[name])]
            for kind, listed in ids.items()}


def _parts(name: str, ids: dict[str, list[str]], fresh: dict[str, bytes], rendered: set[str],
           previous: Previous | None) -> Iterator[tuple[str | None, bytes | memoryview]]:
    """A file's parts in order: (key, piece) for each record, (None, bytes) for what frames them."""

    def pieces_of(kind: str) -> Iterator[tuple[str, bytes | memoryview]]:
        for i in ids[kind]:
            k = key(kind, i)
            if k in fresh:
                yield k, fresh[k]
            elif k not in rendered and previous is not None:
                yield k, previous.piece(name, k)
            # else: rendered and gone (hidden since): the full render drops it too

    if name != JSON_FILE:
        yield None, pieces.csv_head(name)
        yield from pieces_of(pieces.files_of()[name][0])
        return
    for n, kind in enumerate(pieces.files_of()[name]):
        yield None, pieces.json_frame(n, kinds.kind(kind).collection)
        for j, part in enumerate(pieces_of(kind)):
            if j:
                yield None, pieces.SEPARATOR
            yield part
    yield None, pieces.JSON_END


def _write_file(folder: Path, name: str, parts: Iterator[tuple[str | None, bytes | memoryview]],
                previous: Previous | None) -> dict[str, Any]:
    """Write a file and its gzip copy from its parts; where its pieces and chunks sit."""
    every = CHUNK_EVERY.get(name, CSV_CHUNK_EVERY)
    chunks: list[bytes] = []
    current: list[bytes | memoryview] = []
    offsets: dict[str, list[int]] = {}
    at = 0
    for part_key, data in parts:
        current.append(data)
        if part_key is not None:
            offsets[part_key] = [at, at + len(data)]
            if zlib.crc32(part_key.encode()) % every == 0:
                chunks.append(b"".join(current))
                current = []
        at += len(data)
    if current:
        chunks.append(b"".join(current))
    with open(folder / name, "wb") as fh:
        fh.writelines(chunks)
    with open(folder / f"{name}.gz", "wb") as fh:
        placed = gzchunks.write(fh, chunks, previous.chunks[name] if previous else None)
        gz_size = fh.tell()
    return {"size": at, "gz_size": gz_size, "pieces": offsets, "chunks": [[c.key, c.start, c.end] for c in placed]}


def write_built(session: Session, build_id: str, folder: Path, base: str, since: Changes | None = None) -> None:
    """Write a build's exports into ``folder``: every file of FILES, its gzip copy, where their pieces sit, and the site
    address of their links; ``since``: what an incremental build changed (the rest is copied from the previous files).

    Public records only: a preview server (drafts shown) renders its exports on the fly. Called by the build with
    its rows not yet committed (kb.builder.pipeline): a failure fails the build, which changes nothing served.
    """
    ctx = Context(Reader(session, False), Urls(base.rstrip("/")), build_id)
    version = pieces.version()
    previous = previous_files(since.previous, ctx.urls.base, version) if since is not None else None
    ids = {str(kind): queries.ids_of(ctx.db, kind) for kind in kinds.every()}
    again = affected(session, since.ids, since.old_rows) if since is not None and previous is not None else set()
    todo = _todo(ids, previous, again)
    fresh = pieces.render(ctx, todo)
    rendered = {key(kind, i) for kind, listed in todo.items() for i in listed}
    folder.mkdir(parents=True)
    index: dict[str, Any] = {"version": version, "base": ctx.urls.base, "files": {}}
    for name in FILES:
        made = fresh.json if name == JSON_FILE else fresh.csv
        index["files"][name] = _write_file(folder, name, _parts(name, ids, made, rendered, previous), previous)
    (folder / INDEX).write_text(json.dumps(index, separators=(",", ":")), "utf-8")
    (folder / EXPORTS_BASE).write_text(ctx.urls.base, "utf-8")


def exporter(base: str) -> Callable[..., None]:
    """The build's export writer for a site address (``kb build --site-url``, KB_SITE_URL; "" keeps paths)."""
    return functools.partial(write_built, base=base)
