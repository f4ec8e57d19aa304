"""Fragments kept per build (kb.web.fragments): a page is the same whatever pages the worker rendered before it."""

from __future__ import annotations

import urllib.parse

import pytest

from kb import create_app
from tests.support.corpora import Built

QUERIES = ["foncier", "usine", "énergie", "", "pass", "industrie", "normandie", "zzzz"]


def test_a_page_is_the_same_whatever_was_rendered_before(built: Built) -> None:
    paths = [f"/recherche?q={urllib.parse.quote(q)}{v}" for q in QUERIES for v in ("", "&tri=date", "&type=action", "&region=normandie")]
    paths += ["/axes/foncier-essai", "/documents/livre-essai", "/regions/normandie", "/filieres/automobile"]
    forward, backward = (create_app(built.config(PAGE_CACHE=False)).test_client() for _ in range(2))
    first = {p: forward.get(p).get_data() for p in paths}
    assert {p: backward.get(p).get_data() for p in reversed(paths)} == first
    assert {p: forward.get(p).get_data() for p in paths} == first  # and again, from what the first round kept


def test_a_kept_fragment_belongs_to_its_record(built: Built) -> None:
    client = create_app(built.config(PAGE_CACHE=False)).test_client()
    for q in QUERIES:
        page = client.get("/recherche", query_string={"q": q}).get_data(as_text=True)
        for item in page.split('<li class="result" data-id="')[1:]:
            record = item.split('"', 1)[0]
            assert f'href="/propositions/{record}"' in item or f'href="/actions/{record}"' in item


def test_results_lists_show_the_same_from_light_rows_as_from_orm_rows(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.store import queries

    paths = [f"/recherche?q={urllib.parse.quote(q)}" for q in QUERIES] + ["/recherche", "/axes/foncier-essai", "/regions/normandie",
                                                                         "/filieres/automobile", "/documents/livre-essai"]
    light = create_app(built.config(PAGE_CACHE=False)).test_client()
    expected = {p: light.get(p).get_data() for p in paths}
    monkeypatch.setattr(queries, "listed", queries.by_ids)  # the full ORM rows, as results lists read them before
    orm = create_app(built.config(PAGE_CACHE=False)).test_client()
    assert {p: orm.get(p).get_data() for p in paths} == expected


def test_a_light_row_refuses_a_column_it_does_not_hold(built: Built) -> None:
    from sqlmodel import Session

    from kb.content.kinds import PROPOSAL
    from kb.store import make_engine, queries
    from kb.store.reader import Reader
    from kb.store.tables import NotListedError

    engine = make_engine(built.database_url)
    with Session(engine) as session:
        row = queries.listed(Reader(session), PROPOSAL, ["pass-foncier"])[0]
    engine.dispose()
    assert row.title == "Créer un pass foncier pour les PMI" and row.axis == "foncier-essai"
    with pytest.raises(NotListedError):
        _ = row.body
    with pytest.raises(AttributeError):
        _ = row.name  # not a column of proposals: what templates test with « is defined »
