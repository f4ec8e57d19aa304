"""The database: engine from a URL, one-transaction replacement of all rows, per-request sessions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine, delete

from kb.store.tables import TABLES


def make_engine(url: str) -> Engine:
    """An engine for a database URL; SQLite gets WAL mode and a busy timeout so readers never block on a build."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy open transactions itself (see _begin): the driver's own handling
            # would run each SELECT outside a transaction, so a request could mix two builds.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    # Repeatable read: every query of one request sees the same build, even if a build commits meanwhile.
    return create_engine(url, isolation_level="REPEATABLE READ", pool_pre_ping=True)


def create_tables(engine: Engine) -> None:
    """Create the tables that do not exist yet."""
    SQLModel.metadata.create_all(engine, tables=[t.__table__ for t in TABLES])  # type: ignore[attr-defined]


# Key of the PostgreSQL advisory lock that serialises builds writing the same database from several servers.
BUILD_LOCK_KEY = 0x6B62_6275_696C64


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for a build's writes; on PostgreSQL, builds from several servers take turns.

    The file lock of kb.builder.publish only serialises builds on one machine. On a shared PostgreSQL, a second
    build waits for the first one's commit (advisory lock), then works in READ COMMITTED so that it
    sees and replaces those rows instead of failing with a serialization error.
    """
    if engine.dialect.name != "postgresql":
        with Session(engine) as session:
            yield session
        return
    with Session(engine.execution_options(isolation_level="READ COMMITTED")) as session:
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUILD_LOCK_KEY})
        yield session


# Called with the writing session once the new rows are in, before they are committed (kb.builder: the exports, read
# from those rows, and the index swapped in); if it raises, nothing is committed.
BeforeCommit = Callable[[Session], None]


def replace_all(engine: Engine, rows: Iterable[SQLModel], before_commit: BeforeCommit | None = None) -> None:
    """Replace every row of every table in one transaction: readers see the old rows or the new, never a mix."""
    create_tables(engine)
    with write_session(engine) as session:
        for table in reversed(TABLES):
            session.exec(delete(table))  # type: ignore[call-overload]
        insert_rows(session, rows)
        if before_commit is not None:
            before_commit(session)
        session.commit()


def insert_rows(session: Session, rows: Iterable[SQLModel]) -> None:
    """Insert rows table by table with executemany: the ORM's unit of work took seconds at 10,000 records."""
    by_table: dict[type[SQLModel], list[dict[str, Any]]] = {}
    for row in rows:
        by_table.setdefault(type(row), []).append(row.model_dump())
    for table, values in by_table.items():
        session.execute(insert(table), values)  # type: ignore[arg-type]
