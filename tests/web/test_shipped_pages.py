"""The site over the shipped content, as it is and grown as an editor would grow it (fixture ``shipped_built``): what must
hold for any valid content — every published link answers, every page of every record renders with its data twin,
drafts are never public, each document's coverage counts what the base holds of it. Behaviours are tested on the
fixture corpora (tests/data/), where the case is written for them."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from kb import create_app
from kb.content import kinds, load_all
from kb.content.permanence import read_published
from kb.content.urls import record_path, suffixes
from kb.web.display import coverage
from kb.web.typography import french
from tests.support.corpora import Built


@pytest.fixture(scope="module")
def client(shipped_built: Built) -> FlaskClient:
    return create_app(shipped_built.config()).test_client()


@pytest.fixture(scope="module")
def corpus(shipped_built: Built):
    return load_all(shipped_built.data_dir)


def _public(corpus, kind: str) -> list:
    return [r for r in corpus.of(kind) if not getattr(r.model, "draft", False)]


def test_every_published_link_and_every_page_of_every_record_answers(shipped_built: Built, client: FlaskClient, corpus) -> None:
    # The published links (they must answer forever: 200, a redirection to a page that does, or 410), and each public
    # record's pages, cards and feed (editors may add records before freezing the links), its data twin, the indexes.
    published, problems = read_published(shipped_built.data_dir)
    assert problems == [] and published
    urls = dict.fromkeys(url for _line, url in published)
    for kind in kinds.every():
        urls.update(dict.fromkeys([kind.index] if kind.index else []))
        for record in _public(corpus, kind):
            path = record_path(kind, record.id)
            urls.update(dict.fromkeys([path, *(path + s for s in suffixes(kind)), f"/api/v1/{kind.collection}/{record.id}"]))
    wrong = {}
    for url in urls:
        resp = client.get(url)
        if resp.status_code in (301, 308):
            resp = client.get(resp.headers["Location"])
        if resp.status_code not in (200, 410):
            wrong[url] = resp.status_code
    assert wrong == {}


def test_drafts_are_never_public(client: FlaskClient, corpus) -> None:
    drafts = [(kind, r) for kind in kinds.where(draftable=True) for r in corpus.of(kind) if r.model.draft]
    listed = "".join(client.get(url).get_data(as_text=True) for url in ("/", "/recherche", "/sitemap.xml", "/flux.atom",
                                                                        "/api/v1/proposals?limit=100", "/api/v1/actions?limit=100"))
    for kind, draft in drafts:
        path = record_path(kind, draft.id)
        for url in (path, *(path + s for s in suffixes(kind)), f"/api/v1/{kind.collection}/{draft.id}"):
            assert client.get(url).status_code == 404, url
        assert path not in listed
        found = client.get("/recherche", query_string={"q": draft.id})
        assert found.status_code == 200 and path not in found.get_data(as_text=True)


def test_each_document_says_how_many_of_its_announced_proposals_the_base_holds(client: FlaskClient, corpus) -> None:
    proposals = _public(corpus, kinds.PROPOSAL)
    for document in corpus.of(kinds.DOCUMENT):
        announced = document.model.announced_proposals
        if not announced:
            continue
        held = sum(p.model.document == document.id for p in proposals)
        page = client.get(record_path(kinds.DOCUMENT, document.id)).get_data(as_text=True)
        assert french(str(escape(coverage(held, announced)))) in page, document.id


def test_the_home_page_leads_to_the_featured_document_and_every_white_paper(client: FlaskClient, corpus) -> None:
    home = client.get("/").get_data(as_text=True)
    for document in corpus.of(kinds.DOCUMENT):
        if document.model.kind == "livre-blanc" or document.model.featured:
            assert f'href="{record_path(kinds.DOCUMENT, document.id)}"' in home, document.id
    featured = [d for d in corpus.of(kinds.DOCUMENT) if d.model.featured]
    for axis in corpus.of(kinds.AXIS):
        if featured and axis.model.document == featured[0].id:
            assert f'href="{record_path(kinds.AXIS, axis.id)}"' in home, axis.id

