"""Which build is served, asked cheaply: new commits seen at once, a replaced file followed, nothing built is None."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import event

from kb.builder import build
from kb.store import make_engine
from kb.store.builds import BuildWatch, sqlite_file
from tests.support.corpora import Built


def test_sqlite_file_of_a_url() -> None:
    assert sqlite_file("sqlite:///kb.sqlite") == Path("kb.sqlite")
    assert sqlite_file("sqlite:////srv/kb/kb.sqlite") == Path("/srv/kb/kb.sqlite")
    assert sqlite_file("sqlite://") is None and sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://kb@127.0.0.1/kb") is None


def test_a_commit_from_another_connection_is_seen_by_the_next_call(fresh: Built) -> None:
    engine = make_engine(fresh.database_url)
    watch = BuildWatch(engine, fresh.database_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    first = watch.current()
    assert first is not None and watch.current() == first
    other = make_engine(fresh.database_url)
    report = build(fresh.data_dir, other, fresh.index_dir)
    other.dispose()
    assert report.ok and report.build_id != first
    assert watch.current() == report.build_id
    assert statements == []  # on SQLite it asks through its own read-only connection, never the app's pool
    engine.dispose()


def test_a_replaced_database_file_is_followed(fresh: Built, tmp_path: Path) -> None:
    path = sqlite_file(fresh.database_url)
    assert path is not None
    watch = BuildWatch(make_engine(fresh.database_url), fresh.database_url)
    before = watch.current()
    copy = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        dst.execute("UPDATE buildinfo SET value = 'remplacee' WHERE key = 'build_id'")
    dst.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(copy, path)
    assert before != "remplacee" and watch.current() == "remplacee"


def test_nothing_built_is_none(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    assert BuildWatch(make_engine(missing), missing).current() is None
    assert not (tmp_path / "absent.sqlite").exists()  # asking creates nothing
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    url = f"sqlite:///{empty}"
    assert BuildWatch(make_engine(url), url).current() is None
