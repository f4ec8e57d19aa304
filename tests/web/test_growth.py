"""Links that never break when content grows (issue 24): the valid corpus, then the same with what editors will add.

tests/data/grown/ adds a second white paper of the same federation (newer than the featured one), a white paper of
another organisation, a co-published report echoing the featured paper's axes, and a second regional union with an
action in a second region. Every published address of the first corpus, and the addresses the README and the pages
give as shareable, answer the same after: the same status, the same pivot, the same rows, the same records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.content.checks import check, freeze
from tests.support.corpora import VALID, Built, grown_source

# Addresses given as shareable (README, /api, the pages' « Partager » and « Copier » blocks), with query strings.
SHARED = [
    "/comparer?axe=foncier-essai",
    "/comparer?axe=foncier-essai&document=livre-essai&document=rapport-essai",
    "/comparer?document=rapport-essai",
    "/comparer.csv?axe=foncier-essai",
    "/comparer/carte?axe=foncier-essai",
    "/comparer/carte.md?axe=energie-essai",
    "/api/v1/compare?axis=foncier-essai",
    "/api/v1/compare?document=rapport-essai&axis=energie-essai",
    "/recherche?q=foncier&type=proposition&region=normandie",
    "/recherche?q=foncier&type=proposition",
    "/api/v1/proposals?region=normandie",
    "/api/v1/search?q=foncier",
    "/api/v1/proposals/pass-foncier",
    "/api/v1/documents/livre-essai",
    "/api/v1/axes/foncier-essai",
    "/api/v1/actions/implantation-normandie",
    "/api/v1/organisations/federation-essai",
    "/tableau-de-bord",
]


@pytest.fixture(scope="module")
def before(built: Built) -> FlaskClient:
    return create_app(built.config()).test_client()


@pytest.fixture(scope="module")
def after(grown: Built) -> FlaskClient:
    return create_app(grown.config()).test_client()


def published() -> list[str]:
    urls, problems = freeze(VALID)
    assert not problems and len(urls) > 40
    return urls


def _json(client: FlaskClient, url: str) -> Any:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_json()


def test_the_grown_corpus_is_valid_content(tmp_path: Path) -> None:
    # What editors will add is valid: kb check has nothing to say, so the site must take it as it is.
    _corpus, problems = check(grown_source(tmp_path))
    assert problems == []


def test_every_published_and_shared_address_answers_the_same(before: FlaskClient, after: FlaskClient) -> None:
    changed = {}
    for url in [*published(), *SHARED]:
        a, b = before.get(url), after.get(url)
        if (a.status_code, a.headers.get("Location")) != (b.status_code, b.headers.get("Location")):
            changed[url] = (a.status_code, b.status_code)
        assert a.status_code in (200, 301, 308), url
    assert changed == {}


def test_records_answer_word_for_word(before: FlaskClient, after: FlaskClient) -> None:
    # Records the additions do not touch are the same records, to the byte (but the build's date).
    for url in ("/api/v1/proposals/pass-foncier", "/api/v1/documents/livre-essai", "/api/v1/actions/implantation-normandie",
                "/api/v1/proposals/sanctuaire-foncier"):
        a, b = _json(before, url), _json(after, url)
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True), url


def test_a_newer_white_paper_does_not_re_point_the_site(before: FlaskClient, after: FlaskClient) -> None:
    for client in (before, after):
        data = _json(client, "/api/v1/compare")
        assert data["pivot"]["id"] == "livre-essai"  # featured by the editors, whatever is newer
        assert [r["axis"]["id"] for r in data["rows"]] == ["foncier-essai", "energie-essai"]
        home = client.get("/").get_data(as_text=True)
        assert 'href="/axes/foncier-essai"' in home and 'href="/axes/suite-competences"' not in home
    one = _json(after, "/api/v1/compare?axis=foncier-essai")
    assert one["pivot"]["id"] == "livre-essai" and [r["axis"]["id"] for r in one["rows"]] == ["foncier-essai"]
    # The other white paper's proposal that echoes the axis joins its row, in its own document's column.
    cells = {c["document"]: [r["id"] for r in c["records"]] for c in one["rows"][0]["cells"]}
    assert cells["livre-institut"] == ["foncier-institut"] and cells["livre-essai"] == ["pass-foncier"]


def test_any_axis_of_any_document_and_any_pivot(after: FlaskClient) -> None:
    other = _json(after, "/api/v1/compare?axis=suite-competences")
    assert [r["axis"]["id"] for r in other["rows"]] == ["suite-competences"]
    assert after.get("/comparer?axe=institut-axe").status_code == 200
    pivot = _json(after, "/api/v1/compare?pivot=livre-essai-suite")
    assert pivot["pivot"]["id"] == "livre-essai-suite"
    assert [r["axis"]["id"] for r in pivot["rows"]] == ["suite-competences", "suite-export"]
    assert 'href="/axes/institut-axe"' in after.get("/comparer?pivot=livre-institut").get_data(as_text=True)
    assert after.get("/api/v1/compare?pivot=nulle-part").status_code == 400


def test_home_lists_every_white_paper_with_its_coverage(after: FlaskClient) -> None:
    home = after.get("/").get_data(as_text=True)
    for doc in ("livre-essai", "livre-essai-suite", "livre-institut"):
        assert f'href="/documents/{doc}"' in home
    assert "1 proposition sur les 5 annoncées" in home  # the second paper: one held of five announced


def test_the_dashboard_shows_each_documents_coverage_featured_first(after: FlaskClient) -> None:
    page = after.get("/tableau-de-bord").get_data(as_text=True)
    order = [page.index(f'id="doc-{d}"') for d in ("livre-essai", "livre-essai-suite", "rapport-commun")]
    assert order == sorted(order) and "document mis en avant" in page
    assert "1 sur 5" in page


def test_a_region_filter_keeps_the_national_proposals_and_its_own_actions(after: FlaskClient) -> None:
    data = _json(after, "/api/v1/proposals?region=normandie")
    assert {"pass-foncier", "foncier-institut", "apprentissage-usine"} <= {p["id"] for p in data["data"]}
    actions = {a["id"] for a in _json(after, "/api/v1/actions?region=normandie")["data"]}
    assert actions == {"implantation-normandie"}  # the Île-de-France union's action stays in its region
    assert {a["id"] for a in _json(after, "/api/v1/actions?region=ile-de-france")["data"]} == {"formation-idf"}
    # scope=regional keeps the region's own: the one proposal that names Normandie.
    assert [p["id"] for p in _json(after, "/api/v1/proposals?region=normandie&scope=regional")["data"]] == ["energie-locale"]
    assert "energie-locale" not in {p["id"] for p in _json(after, "/api/v1/proposals?scope=national")["data"]}


def test_a_co_published_document_is_both_organisations(after: FlaskClient) -> None:
    for org in ("federation-essai", "institut-essai"):
        ids = {p["id"] for p in _json(after, f"/api/v1/proposals?organisation={org}")["data"]}
        assert "energie-commune" in ids, org
    assert "energie-commune" not in {p["id"] for p in _json(after, "/api/v1/proposals?organisation=federation-essai-normandie")["data"]}
    page = after.get("/documents/rapport-commun").get_data(as_text=True)
    assert 'href="/organisations/federation-essai"' in page and 'href="/organisations/institut-essai"' in page
    # The federation's page lists both of its unions and the actions they carry.
    fed = after.get("/organisations/federation-essai").get_data(as_text=True)
    for linked in ("/organisations/federation-essai-normandie", "/organisations/federation-essai-idf",
                   "/actions/implantation-normandie", "/actions/formation-idf", "/documents/rapport-commun"):
        assert f'href="{linked}"' in fed, linked


def test_the_axes_index_keeps_the_featured_document_first(after: FlaskClient) -> None:
    # A newer white paper (livre-essai-suite) comes after the featured one, as on the dashboard; then newest first.
    page = after.get("/axes").get_data(as_text=True)
    order = [page.index(f'href="/documents/{d}"') for d in ("livre-essai", "livre-essai-suite", "livre-institut")]
    assert order == sorted(order)
