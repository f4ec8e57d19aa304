"""What a worker keeps per build (kb.pages.kept): a new build is read anew, and a draft kept in preview stays private."""

from __future__ import annotations

from sqlmodel import Session

from kb import create_app
from kb.builder import build
from kb.content.kinds import PROPOSAL
from kb.pages import kept
from kb.store import build_info, make_engine
from kb.store.reader import Reader
from tests.support.corpora import Built

DRAFT = """\
title: "Mesure zorglub pour le foncier"
document: livre-essai
axis: foncier-essai
sources:
  - document: livre-essai
draft: true
"""


def _rebuild(built: Built) -> None:
    engine = make_engine(built.database_url)
    try:
        assert build(built.data_dir, engine, built.index_dir).ok
    finally:
        engine.dispose()


def test_a_new_build_shows_its_own_titles_and_labels_to_a_running_app(fresh: Built) -> None:
    client = create_app(fresh.config(PAGE_CACHE=False)).test_client()
    page = client.get("/recherche?q=foncier").get_data(as_text=True)
    assert "Créer un pass foncier pour les PMI" in page
    proposal = fresh.data_dir / "proposals" / "pass-foncier.yaml"
    proposal.write_text(proposal.read_text("utf-8").replace("Créer un pass foncier pour les PMI", "Un pass foncier renommé"), "utf-8")
    axis = next(p for p in (fresh.data_dir / "axes").iterdir() if p.stem == "foncier-essai")
    title = next(line for line in axis.read_text("utf-8").splitlines() if line.startswith("title:"))
    axis.write_text(axis.read_text("utf-8").replace(title, "title: Axe foncier renommé"), "utf-8")
    _rebuild(fresh)
    page = client.get("/recherche?q=foncier").get_data(as_text=True)
    assert "Un pass foncier renommé" in page and "Créer un pass foncier pour les PMI" not in page
    assert "Axe foncier renommé" in page  # a facet label


def test_a_draft_kept_by_a_preview_request_is_not_listed_by_a_public_one(fresh: Built) -> None:
    (fresh.data_dir / "proposals" / "brouillon-zorglub.yaml").write_text(DRAFT, "utf-8")
    _rebuild(fresh)
    engine = make_engine(fresh.database_url)
    try:
        with Session(engine) as session:
            build_id = build_info(session)["build_id"]
            ids = ["brouillon-zorglub", "pass-foncier"]
            assert [r.id for r in kept.rows(Reader(session, drafts=True), build_id, PROPOSAL, ids)] == ids
        with Session(engine) as session:
            # Kept now, and read from the keep: still not for the public.
            assert [r.id for r in kept.rows(Reader(session), build_id, PROPOSAL, ids)] == ["pass-foncier"]
            assert kept.of(Reader(session), build_id).rows.get((PROPOSAL, "brouillon-zorglub")) is not None
    finally:
        engine.dispose()


def test_kept_records_outlive_their_session_and_its_rollback(built: Built) -> None:
    engine = make_engine(built.database_url)
    try:
        with Session(engine) as session:
            build_id = build_info(session)["build_id"]
            first = kept.rows(Reader(session), build_id, PROPOSAL, ["pass-foncier"])[0]
            session.rollback()  # expires what the session holds: the kept record is no longer its own
        assert first.title == "Créer un pass foncier pour les PMI"
    finally:
        engine.dispose()
