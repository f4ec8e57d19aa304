"""Per-request state: one database session and the index of the same build, switched when a build lands.

When this server cannot read what the database serves (database unreachable, the build's index missing, unreadable
or damaged), requests answer 503 (kb.web.errors) and /sante says which part fails (kb.web.health); the next good
build is picked up by the next request, without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, current_app, g
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from kb import search
from kb.config import resolve_database_url
from kb.content.fields import RESULT_KINDS
from kb.store import Layout, build_info, make_engine, verify_index

DATABASE_DOWN = "base de données injoignable"


@dataclass
class State:
    """What one request reads: a session, the build id it holds, and that build's index (None before any build).

    ``problem`` is (part, French message) when this server cannot serve the build: part is "database" or "index".
    """

    session: Session
    build_id: str | None
    index: search.SearchIndex | None
    info: dict[str, str]
    problem: tuple[str, str] | None = None


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


class Unreadable(Exception):
    """This server cannot read the index of the build the database serves (the message says why, in French)."""


def _index_for(layout: Layout, build_id: str) -> search.SearchIndex:
    """This thread's searcher on a build's index, opened only if its files are the ones the build wrote."""
    # Searchers are not thread-safe: one per thread, reopened only when the build changes.
    path = layout.index(build_id)
    cached: search.SearchIndex | None = getattr(_local, "index", None)
    if cached is not None and cached.path == path:
        return cached
    forget_index()
    # Checked before opening: Whoosh would leave the files of a half-opened index open.
    damage = index_damage(build_id, path)
    if damage:
        raise Unreadable(damage)
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != path:
            _shared = (path, search.Shared())
        shared = _shared[1]
    try:
        _local.index = search.open_index(path, shared)
    except Exception as exc:  # a damaged index fails in Whoosh, json, struct or the OS: all mean « unreadable »
        reason = f"{type(exc).__name__}: {exc}"[:300]
        raise Unreadable(f"Index de la construction {build_id} illisible sur ce serveur ({reason}) : lancez « kb build ».") from exc
    return _local.index


def index_damage(build_id: str, folder: Path) -> str | None:
    """Why this server cannot serve a build's index folder (missing, or its files not those the build wrote), or None."""
    if not folder.is_dir():
        return f"Index de la construction {build_id} absent sur ce serveur : lancez « kb build »."
    damage = verify_index(folder)
    return f"Index de la construction {build_id} endommagé sur ce serveur ({damage}) : lancez « kb build »." if damage else None


def forget_index() -> None:
    """Close this thread's searcher (a newer build landed, or this one failed): the next request opens the index again."""
    global _shared
    cached: search.SearchIndex | None = getattr(_local, "index", None)
    _local.index = None
    if cached is None:
        return
    with _shared_lock:
        if _shared is not None and _shared[0] == cached.path:
            _shared = None
    try:
        cached.close()
    except Exception:  # closing a damaged index may fail in any way: it is dropped all the same
        current_app.logger.warning("Fermeture de l'index %s impossible", cached.path, exc_info=True)


def served() -> State:
    """This request's view, read in its own transaction, with the reason it cannot be served if any (for /sante)."""
    if "kb_state" not in g:
        session = Session(current_app.extensions["kb.engine"])
        info = build_info(session)
        build_id = info.get("build_id")
        st = g.kb_state = State(session, build_id, None, info)
        if not info and not _reachable(session):
            st.problem = ("database", DATABASE_DOWN)
        elif build_id:
            try:
                st.index = _index_for(Layout(Path(current_app.config["INDEX_DIR"])), build_id)
            except Unreadable as exc:
                st.problem = ("index", str(exc))
    return g.kb_state


def state() -> State:
    """This request's consistent view: the build id is read in the request's own transaction; 503 when it cannot be served."""
    st = served()
    if st.problem is not None:
        current_app.logger.error("Service indisponible : %s", st.problem[1])
        abort(503)
    return st


def _reachable(session: Session) -> bool:
    try:
        session.connection().exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        session.rollback()
        return False
    return True


def unavailable(exc: BaseException) -> str | None:
    """Why a request that failed with ``exc`` met an unservable build (then it answers 503, not 500), or None.

    A database error while the database does not answer, or any error while the served index fails its check (its
    files, then a probe search): this thread's searcher is then dropped, so the next request opens the index again.
    """
    if isinstance(exc, SQLAlchemyError):
        with Session(current_app.extensions["kb.engine"]) as fresh:
            return None if _reachable(fresh) else DATABASE_DOWN
    st: State | None = g.get("kb_state")
    if st is None or st.index is None:
        return None
    problem = index_damage(st.build_id or "", st.index.path) or probe(st.index)
    if problem is not None:
        forget_index()
    return problem


def probe(idx: search.SearchIndex, expected: int | None = None) -> str | None:
    """Run two searches on an index (everything, then the first record by its id): what fails, or None.

    ``expected``: how many public proposals and actions the database holds, which the index must hold too.
    """
    try:
        everything = search.search(idx, "", per_page=1, cache=False, listed=RESULT_KINDS)
        if expected is not None and everything.total != expected:
            return f"l'index compte {everything.total} fiches publiques, la base {expected}"
        first = everything.hits[0].id if everything.hits else None
        if first is not None and search.search(idx, first, per_page=1, cache=False).exact != first:
            return f"la recherche ne retrouve pas la fiche « {first} » par son identifiant"
    except Exception as exc:  # noqa: BLE001 - see served(): any failure of a probe search means an unreadable index
        return f"recherche impossible ({type(exc).__name__}: {exc})"[:300]
    return None
