"""The database and the builds it serves: table models, engine and sessions, read-only queries, the served build.

Owns what is served: the tables (derived from kb.content's base classes), the engine (SQLite or PostgreSQL), the
read functions every page, feed and API answer is built from (kb.store.queries, kb.store.linked), and, in
kb.store.builds, the layout of the index folders and the one reader of "which build is served". Imports only
kb.content and kb.config; nothing here writes except the engine helpers that kb.builder calls.
"""

from kb.store.builds import BuildWatch, Layout, build_info, verify_index
from kb.store.engine import make_engine

__all__ = ["BuildWatch", "Layout", "build_info", "make_engine", "verify_index"]
