"""The pipeline: a valid build writes database and index; a failed build changes nothing served."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, select

from kb import create_app
from kb.builder import build
from kb.store import Layout, make_engine
from kb.store.tables import Alias, Link, Proposal
from tests.support.corpora import Built


def _ids(html: str) -> list[str]:
    return re.findall(r'data-id="([^"]+)"', html)


def test_build_writes_rows_links_and_aliases(built: Built) -> None:
    engine = make_engine(built.database_url)
    with Session(engine) as s:
        props = {p.id: p for p in s.exec(select(Proposal))}
        assert set(props) == {"pass-foncier", "energie-locale", "sanctuaire-foncier"}
        assert props["pass-foncier"].sources[0]["quote"] == "« Créer un pass foncier »"
        links = {(lk.src, lk.rel, lk.dst) for lk in s.exec(select(Link))}
        assert ("implantation-normandie", "carries", "pass-foncier") in links
        assert ("pass-foncier", "related", "sanctuaire-foncier") in links
        assert ("implantation-normandie", "region", "normandie") in links
        aliases = {a.alias: a.target for a in s.exec(select(Alias))}
        assert aliases == {"ancien-pass-foncier": "pass-foncier"}
    engine.dispose()


def test_build_marks_current_build_and_keeps_index_folder(built: Built) -> None:
    build_id = Layout(built.index_dir).current()
    assert build_id and Layout(built.index_dir).index(build_id).is_dir()
    assert not list((built.index_dir / "builds").glob(".tmp-*"))


def test_failed_build_keeps_serving_the_same_answers(fresh: Built) -> None:
    app = create_app(fresh.config())
    client = app.test_client()
    queries = ["foncier", "industrie", "énergie", ""]
    before = {q: _ids(client.get("/recherche", query_string={"q": q}).get_data(as_text=True)) for q in queries}
    assert before["foncier"], "the search must answer something before the build"
    build_id = Layout(fresh.index_dir).current()
    db_file = Path(fresh.database_url.removeprefix("sqlite:///"))
    db_bytes = db_file.read_bytes()

    # A valid-looking change plus one invalid file: the whole build must be refused.
    (fresh.data_dir / "proposals" / "pass-foncier.yaml").unlink()
    (fresh.data_dir / "proposals" / "cassee.yaml").write_text("title: [non fermé\n", "utf-8")
    engine = make_engine(fresh.database_url)
    report = build(fresh.data_dir, engine, fresh.index_dir)
    engine.dispose()

    assert not report.ok and report.problems
    assert Layout(fresh.index_dir).current() == build_id
    assert db_file.read_bytes() == db_bytes
    after = {q: _ids(client.get("/recherche", query_string={"q": q}).get_data(as_text=True)) for q in queries}
    assert after == before


def test_valid_rebuild_is_seen_by_a_running_app(fresh: Built) -> None:
    app = create_app(fresh.config())
    client = app.test_client()
    assert "sanctuaire-foncier" in _ids(client.get("/recherche?q=sanctuariser").get_data(as_text=True))
    path = fresh.data_dir / "proposals" / "sanctuaire-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Sanctuariser le foncier", "Protéger les zones"), "utf-8")
    engine = make_engine(fresh.database_url)
    report = build(fresh.data_dir, engine, fresh.index_dir)
    engine.dispose()
    assert report.ok
    assert _ids(client.get("/recherche?q=sanctuariser").get_data(as_text=True)) == []
    assert _ids(client.get("/recherche?q=protéger zones").get_data(as_text=True)) == ["sanctuaire-foncier"]
