"""The served build id, asked of the database on every call for the cost of one PRAGMA on SQLite."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

_QUERY = "SELECT \"value\" FROM buildinfo WHERE \"key\" = 'build_id'"


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
                value = conn.execute(text(_QUERY)).scalar()
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
                row = conn.execute(_QUERY).fetchone()
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
