"""Where builds live and which one is served: the one module that knows the index layout and reads the served build.

A build id names both a database state and an index folder. On disk, under the index root::

    builds/<build id>/     the Whoosh index of one build (kept: the last few), with kb-files.json: the size and
                           hash of each of its files, written when it was swapped in (verify_index checks them)
    builds/<build id>/exports/   the open-data files of that build (proposals.csv, kb.json…, each with its .gz)
                           and base-url.txt, the site address their links start with; listed in kb-files.json too
    builds/.tmp-<id>/      an index being written (removed by the next build if the writer died)
    CURRENT                the id of the last finished build on this server (written last)
    .build.lock            locked by the build that is writing (a POSIX record lock: it dies with its process);
                           names that build's pid and start time
    records.cache, records.delta   validated records of the last build (kb.builder.cache)

The database names the build it serves in its ``buildinfo`` table. Everything that asks "which build?" asks
here: the CLI and builds read CURRENT, every request reads the database in its own transaction, and the page
cache asks ``BuildWatch`` (one ``PRAGMA`` on SQLite). kb.builder writes what this module reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlmodel import Session

_INFO = 'SELECT "key", "value" FROM buildinfo'
_BUILD_ID = "SELECT \"value\" FROM buildinfo WHERE \"key\" = 'build_id'"
TMP_PREFIX = ".tmp-"
MANIFEST = "kb-files.json"
EXPORTS = "exports"
EXPORTS_BASE = "base-url.txt"


@dataclass(frozen=True)
class Layout:
    """The folders and files of an index root (see the module's docstring)."""

    root: Path

    @property
    def builds(self) -> Path:
        """The folder holding one index folder per build."""
        return Path(self.root) / "builds"

    def index(self, build_id: str) -> Path:
        """The index folder of one build."""
        return self.builds / build_id

    def exports(self, build_id: str) -> Path:
        """The folder of a build's open-data files (inside its index folder, so they come and go with it)."""
        return self.index(build_id) / EXPORTS

    def temporary(self, build_id: str) -> Path:
        """Where the index of a build is written before it is swapped in."""
        return self.builds / f"{TMP_PREFIX}{build_id}"

    def temporaries(self) -> Iterator[Path]:
        """Index folders left behind by builds that did not finish."""
        return self.builds.glob(f"{TMP_PREFIX}*") if self.builds.is_dir() else iter(())

    @property
    def current_file(self) -> Path:
        """The file naming the last finished build."""
        return Path(self.root) / "CURRENT"

    @property
    def lock_file(self) -> Path:
        """The file a build locks while it writes."""
        return Path(self.root) / ".build.lock"

    @property
    def cache_file(self) -> Path:
        """The validated records of the last build (kb.builder.cache)."""
        return Path(self.root) / "records.cache"

    def current(self) -> str | None:
        """The id of the last finished build on this server, from CURRENT."""
        try:
            return self.current_file.read_text("utf-8").strip() or None
        except OSError:
            return None


def build_info(session: Session) -> dict[str, str]:
    """The facts of the build the database serves (build_id, built_at, counts), read in the session's transaction.

    Empty when nothing is built (no table yet). One raw query, no ORM: every request reads it, and a replayed page
    costs little else.
    """
    try:
        rows = session.connection().exec_driver_sql(_INFO).all()
    except (OperationalError, ProgrammingError):
        session.rollback()
        return {}
    return {key: value for key, value in rows}


def sqlite_file(url: str) -> Path | None:
    """The file of a file-backed SQLite URL, else None (PostgreSQL, in-memory databases)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if not parsed.drivername.startswith("sqlite") or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


class BuildWatch:
    """Which build the database serves now, as fresh as a query but cheap enough for every replayed page.

    On SQLite each thread keeps one read-only connection and asks ``PRAGMA data_version``, which changes
    whenever another connection commits: the build id is read again only then. Elsewhere it is one query.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.path = sqlite_file(url)
        self._local = threading.local()

    def current(self) -> str | None:
        """The build id the database serves now, or None when nothing is built (or it cannot be read)."""
        if self.path is None:
            return self._query()
        try:
            return self._sqlite(self.path)
        except sqlite3.Error:
            self._forget()
            return None

    def _query(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                value = conn.execute(text(_BUILD_ID)).scalar()
        except SQLAlchemyError:
            return None
        return str(value) if value is not None else None

    def _sqlite(self, path: Path) -> str | None:
        local = self._local
        try:
            stat = os.stat(path)
        except OSError:
            self._forget()
            return None
        # A database file replaced or recreated is a new file: reconnect rather than watch the old one forever.
        ident = (stat.st_dev, stat.st_ino)
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None or local.ident != ident:
            self._forget()
            uri = f"file:{quote(str(path.resolve()))}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
            local.conn, local.ident, local.version, local.build = conn, ident, None, None
        # The version first, the id second: a commit in between only makes the next call read the id again.
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != local.version:
            try:
                row = conn.execute(_BUILD_ID).fetchone()
            except sqlite3.OperationalError:  # no table yet: nothing built
                row = None
            local.version, local.build = version, (str(row[0]) if row and row[0] is not None else None)
        build: str | None = local.build
        return build

    def _forget(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._local.ident = None


def file_digest(path: Path) -> str:
    """The hash of a file's content (blake2b, read in chunks)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# A file's identity for the caches below: any write to it changes its ctime (and a replaced file its inode).
Stamp = tuple[int, int, int, int, int]


def stamp(path: Path) -> Stamp:
    """(device, inode, size, mtime, ctime) of a file."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def index_files(folder: Path, known: dict[str, tuple[Stamp, str]] | None = None) -> dict[str, list[int | str]]:
    """Each file of an index folder: name → [size, hash] (what the manifest records).

    ``known``: name → (stamp, hash) of files whose content is known (kb.builder.publish.copy_index: copies of files
    just verified); such a file is not read again if its stamp is unchanged. The hash is then what the file was
    copied from, so a copy damaged since is still found by verify_index.
    """
    known = known or {}
    out: dict[str, list[int | str]] = {}
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()  # « exports/kb.json » for the files of a sub-folder
        if not p.is_file() or name == MANIFEST:
            continue
        st, hit = stamp(p), known.get(name)
        out[name] = [st[2], hit[1] if hit is not None and hit[0] == st else file_digest(p)]
    return out


# Files already hashed, by path: their stamp when they were, and their hash if found right (else the damage found).
# Any write to a file changes its ctime, so it is hashed again; an unchanged file costs one stat, right or damaged
# (a flood of requests on a damaged build never hashes the same file twice).
_verified: dict[str, tuple[Stamp, str]] = {}
_damaged: dict[str, tuple[Stamp, str]] = {}
# Manifests already read, by folder: the manifest file's stamp and its entries.
_manifests: dict[str, tuple[Stamp, list[tuple[str, int, str]]]] = {}


def verified_digest(path: Path) -> str | None:
    """The hash of a file verify_index found right in this process, if it has not changed since (else None)."""
    seen = _verified.get(str(path))
    try:
        return seen[1] if seen is not None and seen[0] == stamp(path) else None
    except OSError:
        return None


def _entries(folder: Path) -> list[tuple[str, int, str]] | str:
    """The manifest's (name, size, hash) entries, read again only when the file changed; or what is wrong with it."""
    path = folder / MANIFEST
    try:
        key = stamp(path)
        cached = _manifests.get(str(folder))
        if cached is not None and cached[0] == key:
            return cached[1]
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        # Every build since manifests exist writes one: without it nothing vouches for the files (they may have been
        # damaged, and the next build would copy them), so the folder is damaged.
        return f"liste des fichiers de l'index ({MANIFEST}) absente"
    except (OSError, ValueError) as exc:
        return f"liste des fichiers de l'index illisible ({type(exc).__name__})"
    items = manifest.items() if isinstance(manifest, dict) else ()
    if not items or not all(isinstance(e, list) and len(e) == 2 for _, e in items):
        return "liste des fichiers de l'index illisible"
    entries = sorted((str(name), size, str(digest)) for name, (size, digest) in items)
    _manifests[str(folder)] = (key, entries)
    return entries


def listed_digest(folder: Path, name: str) -> str | None:
    """The hash kb-files.json gives for one file of a build's folder (``exports/kb.json``), or None."""
    entries = _entries(folder)
    if isinstance(entries, str):
        return None
    return next((digest for listed, _size, digest in entries if listed == name), None)


def verify_index(folder: Path) -> str | None:
    """What is wrong with an index folder, in French, or None: missing, without its manifest, or a file missing,
    resized or altered since its build.

    Cheap enough for every request: one stat per file while nothing changed (the manifest is parsed once, and a file is
    hashed once per change of its stamp, whatever it was found to be).
    """
    if not folder.is_dir():
        return "dossier de l'index absent"
    entries = _entries(folder)
    if isinstance(entries, str):
        return entries
    for name, size, digest in entries:
        path, where = folder / name, str(folder / name)
        try:
            key = stamp(path)
        except OSError:
            return f"fichier « {name} » absent ou illisible"
        if key[2] != size:
            return f"fichier « {name} » modifié depuis la construction ({key[2]} octets au lieu de {size})"
        if _verified.get(where) == (key, digest):
            continue
        known = _damaged.get(where)
        if known is not None and known[0] == key:
            return known[1]
        try:
            found = file_digest(path)
        except OSError:
            return f"fichier « {name} » absent ou illisible"
        if found != digest:
            _verified.pop(where, None)
            damage = f"fichier « {name} » modifié depuis la construction (contenu différent)"
            _damaged[where] = (key, damage)
            return damage
        _verified[where] = (key, digest)
    return None
