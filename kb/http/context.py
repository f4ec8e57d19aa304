"""The request context: one Context per request (kb.pages.context), reached one way, as flaskr's ``get_db()``.

A request reads one database session and the index of the same build (switched when a build lands), in the drafts
mode of this server, with a builder of absolute addresses for its links. When this server cannot read what the
database serves (database unreachable, the build's index missing, unreadable or damaged), requests answer 503
(kb.http.errors) and /sante says which part fails (kb.http.health); the next good build is picked up by the next
request, without a restart. The only reader of KB_SHOW_DRAFTS and of the site's base address.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, abort, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from werkzeug.exceptions import SecurityError

from kb import search
from kb.config import resolve_database_url
from kb.content import kinds
from kb.content.urls import Urls
from kb.pages import Context
from kb.store import Layout, build_info, make_engine, verify_index
from kb.store.reader import Reader

DATABASE_DOWN = "base de données injoignable"

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


def show_drafts(app: Flask | None = None) -> bool:
    """True when this server is a staff preview that shows drafts (KB_SHOW_DRAFTS, read here only)."""
    return bool((app or current_app).config.get("SHOW_DRAFTS"))


def base_url() -> str:
    """The site's absolute root: SITE_URL when configured, else the request's own ("" for a Host not to be trusted)."""
    site = current_app.config.get("SITE_URL")
    if site:
        return str(site).rstrip("/")
    try:
        host = request.host
    except SecurityError:  # an untrusted Host: its 400 page has relative links only
        return ""
    return request.url_root.rstrip("/") if host else ""


def _close(_exc: BaseException | None) -> None:
    ctx = g.pop("kb_context", None)
    if ctx is not None:
        ctx.db.session.close()


class Unreadable(Exception):
    """This server cannot read the index of the build the database serves (the message says why, in French)."""


def _index_for(layout: Layout, build_id: str) -> search.SearchIndex:
    """This thread's searcher on a build's index, opened only if its files are the ones the build wrote."""
    # Searchers are not thread-safe: one per thread, reopened only when the build changes.
    path = layout.index(build_id)
    # Checked on every request, before the index is read: a stat per file while nothing changed. A warm searcher reads
    # its segments through a memory map, which gives zeros for a file zeroed in place (wrong answers) and kills the
    # worker (SIGBUS) for one truncated in place; checked before opening, Whoosh would leave a half-opened index's files
    # open.
    damage = index_damage(build_id, path)
    cached: search.SearchIndex | None = getattr(_local, "index", None)
    if cached is not None and cached.path == path and not damage:
        return cached
    forget_index()
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


def served() -> Context:
    """This request's context, read in its own transaction, even when it cannot be served (``problem()`` says why)."""
    if "kb_context" not in g:
        session = Session(current_app.extensions["kb.engine"])
        info = build_info(session)
        build_id = info.get("build_id")
        ctx = g.kb_context = Context(Reader(session, show_drafts()), Urls(base_url()), build_id, info)
        g.kb_problem = None
        if not info and not _reachable(session):
            g.kb_problem = ("database", DATABASE_DOWN)
        elif build_id:
            try:
                ctx.index = _index_for(Layout(Path(current_app.config["INDEX_DIR"])), build_id)
            except Unreadable as exc:
                g.kb_problem = ("index", str(exc))
    context: Context = g.kb_context
    return context


def problem() -> tuple[str, str] | None:
    """(part, French message) when this server cannot serve the build this request reads: part is "database" or "index"."""
    served()
    found: tuple[str, str] | None = g.kb_problem
    return found


def current() -> Context:
    """This request's context: the build id is read in the request's own transaction; 503 when it cannot be served."""
    ctx = served()
    failure = problem()
    if failure is not None:
        current_app.logger.error("Service indisponible : %s", failure[1])
        abort(503)
    return ctx


def built() -> Context:
    """This request's context; 404 when nothing was built yet (no table to read)."""
    ctx = current()
    if ctx.build_id is None:
        abort(404)
    return ctx


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
    ctx: Context | None = g.get("kb_context")
    if ctx is None or ctx.index is None:
        return None
    failure = index_damage(ctx.build_id or "", ctx.index.path) or probe(ctx.index)
    if failure is not None:
        forget_index()
    return failure


def probe(idx: search.SearchIndex, expected: int | None = None) -> str | None:
    """Run two searches on an index (everything, then the first record by its id): what fails, or None.

    ``expected``: how many public proposals and actions the database holds, which the index must hold too.
    """
    try:
        everything = search.search(idx, "", per_page=1, cache=False, listed=kinds.where(listed=True))
        if expected is not None and everything.total != expected:
            return f"l'index compte {everything.total} fiches publiques, la base {expected}"
        first = everything.hits[0].id if everything.hits else None
        if first is not None and search.search(idx, first, per_page=1, cache=False).exact != first:
            return f"la recherche ne retrouve pas la fiche « {first} » par son identifiant"
    except Exception as exc:  # noqa: BLE001 - see served(): any failure of a probe search means an unreadable index
        return f"recherche impossible ({type(exc).__name__}: {exc})"[:300]
    return None
