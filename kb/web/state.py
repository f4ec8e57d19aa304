"""Per-request state: one database session and the index of the same build, switched when a build lands."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g
from sqlmodel import Session

from kb import search
from kb.config import resolve_database_url
from kb.store import Layout, build_info, make_engine


@dataclass
class State:
    """What one request reads: a session, the build id it holds, and that build's index (None before any build)."""

    session: Session
    build_id: str | None
    index: search.SearchIndex | None
    info: dict[str, str]


_local = threading.local()
# The caches of the build opened last, shared by the threads of this process (see kb.search.Shared);
# an older build's caches go once its threads move on.
_shared: tuple[Path, search.Shared] | None = None
_shared_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Create the engine (lazily connected) and close each request's session at teardown."""
    app.config["DATABASE_URL"] = resolve_database_url(str(app.config["DATABASE_URL"]))
    app.extensions["kb.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close)


def _close(_exc: BaseException | None) -> None:
    state = g.pop("kb_state", None)
    if state is not None:
        state.session.close()


def _index_for(layout: Layout, build_id: str) -> search.SearchIndex | None:
    # Searchers are not thread-safe: one per thread, reopened only when the build changes.
    path = layout.index(build_id)
    cached: search.SearchIndex | None = getattr(_local, "index", None)
    if cached is not None and cached.path == path:
        return cached
    if cached is not None:
        cached.close()
        _local.index = None
    if not path.is_dir():
        return None
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != path:
            _shared = (path, search.Shared())
        shared = _shared[1]
    _local.index = search.open_index(path, shared)
    return _local.index


def state() -> State:
    """This request's consistent view: the build id is read in the request's own transaction."""
    if "kb_state" not in g:
        session = Session(current_app.extensions["kb.engine"])
        info = build_info(session)
        build_id = info.get("build_id")
        index = _index_for(Layout(Path(current_app.config["INDEX_DIR"])), build_id) if build_id else None
        g.kb_state = State(session, build_id, index, info)
    return g.kb_state
