"""Linked views (kb.store.linked): a record's view is read once per session, by its page and its share block alike."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session

from kb.store import linked, make_engine
from kb.store.reader import Reader
from tests.support.corpora import Built


def test_a_view_is_read_once_per_session_and_per_drafts_mode(built: Built) -> None:
    engine = make_engine(built.database_url)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    try:
        with Session(engine) as session:
            first = linked.proposal_view(Reader(session), "pass-foncier")
            read = len(queries)
            assert first is not None and read > 3
            assert linked.proposal_view(Reader(session), "pass-foncier") is first and len(queries) == read
            assert linked.proposal_view(Reader(session, drafts=True), "pass-foncier") is not first
        with Session(engine) as session:
            assert linked.proposal_view(Reader(session), "pass-foncier") is not first  # another request, read anew
    finally:
        engine.dispose()
