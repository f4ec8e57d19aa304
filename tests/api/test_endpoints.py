"""The JSON API's contract: every endpoint and every error, each answer checked against the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate as validate_spec
from sqlmodel import Session

from kb import create_app
from kb.builder import build
from kb.pages import Context, records
from kb.store import linked, make_engine, queries
from kb.store.reader import Reader
from tests.support import apicheck
from tests.support.apicheck import BASE
from tests.support.corpora import Built


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return apicheck.document()


def ids(resp: Any) -> set[str]:
    return {r["id"] for r in resp.get_json()["data"]}


def test_served_document_is_valid_openapi_and_generated(client: FlaskClient, doc: dict[str, Any]) -> None:
    served = client.get(f"{BASE}/openapi.json").get_json()
    validate_spec(served)
    assert served["openapi"].startswith("3.1") and served == doc


def test_document_describes_every_api_route(app: Flask, doc: dict[str, Any]) -> None:
    routes = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith(BASE + "/")} - {f"{BASE}/openapi.json"}
    described = {BASE + p.replace("{id}", "<path:record_id>") for p in doc["paths"]}
    assert routes == described


def test_document_lists_enums_and_error_responses(doc: dict[str, Any]) -> None:
    params = {p["name"]: p["schema"] for p in doc["paths"]["/proposals"]["get"]["parameters"]}
    assert params["status"]["items"]["enum"][0] == "proposee" and params["horizon"]["items"]["enum"] == ["court-terme", "long-terme"]
    assert params["limit"]["maximum"] == 100 and params["offset"]["minimum"] == 0
    assert {p["name"]: p for p in doc["paths"]["/search"]["get"]["parameters"]}["type"]["schema"]["items"]["enum"] == [
        "document", "axis", "proposal", "action", "sector", "region", "organisation"
    ]
    assert set(doc["paths"]["/proposals/{id}"]["get"]["responses"]) >= {"200", "301", "304", "404"}
    assert set(doc["paths"]["/proposals"]["get"]["responses"]) >= {"200", "304", "400"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"pass-foncier", "sanctuaire-foncier", "energie-locale"}),
        ("axis=foncier-essai", {"pass-foncier"}),
        ("sector=chimie", {"energie-locale"}),
        # A region lists the proposals that name it and those of national scope (they name none).
        ("region=normandie", {"energie-locale", "pass-foncier", "sanctuaire-foncier"}),
        ("region=normandie&scope=regional", {"energie-locale"}),
        ("scope=national", {"pass-foncier", "sanctuaire-foncier"}),
        ("organisation=federation-essai", {"pass-foncier", "energie-locale"}),
        ("organisation=institut-essai", {"sanctuaire-foncier"}),
        ("status=proposee", {"pass-foncier", "sanctuaire-foncier"}),
        ("status=proposee&status=en-discussion", {"pass-foncier", "sanctuaire-foncier", "energie-locale"}),
        ("document=rapport-essai", {"sanctuaire-foncier"}),
        ("horizon=court-terme", {"sanctuaire-foncier"}),
        ("updated_since=2025-11-20", {"pass-foncier", "energie-locale"}),
        ("status=proposee&document=livre-essai", {"pass-foncier"}),
        ("unknown_parameter=whatever", {"pass-foncier", "sanctuaire-foncier", "energie-locale"}),
    ],
)
def test_proposals_list_filters(client: FlaskClient, doc: dict[str, Any], query: str, expected: set[str]) -> None:
    resp = apicheck.get(client, doc, f"{BASE}/proposals?{query}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert ids(resp) == expected and body["count"] == len(expected) and body["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=normandie", {"implantation-normandie"}),
        ("region=ile-de-france", set()),
        ("sector=automobile", {"implantation-normandie"}),
        ("axis=foncier-essai", {"implantation-normandie"}),
        ("axis=energie-essai", set()),
        ("status=en-cours", {"implantation-normandie"}),
        ("status=realisee", set()),
        ("updated_since=2025-11-22", set()),
    ],
)
def test_actions_list_filters(client: FlaskClient, doc: dict[str, Any], query: str, expected: set[str]) -> None:
    resp = apicheck.get(client, doc, f"{BASE}/actions?{query}")
    assert resp.status_code == 200 and ids(resp) == expected


def test_pagination_follows_next_keeping_filters(client: FlaskClient, doc: dict[str, Any]) -> None:
    url: str | None = f"{BASE}/proposals?limit=1&status=proposee&status=en-discussion"
    seen = []
    while url:
        resp = apicheck.get(client, doc, url)
        body = resp.get_json()
        assert resp.status_code == 200 and len(body["data"]) == 1 and body["count"] == 3
        seen.append(body["data"][0]["id"])
        url = body["next"]
        if url:
            parts = urlsplit(url)
            assert parts.scheme == "http" and parts.netloc == "localhost" and parts.path == f"{BASE}/proposals"
            assert parse_qs(parts.query)["status"] == ["proposee", "en-discussion"]
            assert parse_qs(parts.query)["offset"] == [str(len(seen))]
    assert sorted(seen) == ["energie-locale", "pass-foncier", "sanctuaire-foncier"]
    # Newest update first.
    assert seen[0] == "energie-locale"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/documents", {"livre-essai", "rapport-essai"}),
        ("/axes", {"foncier-essai", "energie-essai", "rapport-axe"}),
        ("/axes?document=livre-essai", {"foncier-essai", "energie-essai"}),
        ("/sectors", {"automobile", "chimie"}),
        ("/regions", {"normandie", "ile-de-france"}),
        ("/regions?limit=1&offset=1", {"normandie"}),
    ],
)
def test_other_lists(client: FlaskClient, doc: dict[str, Any], path: str, expected: set[str]) -> None:
    resp = apicheck.get(client, doc, BASE + path)
    assert resp.status_code == 200 and ids(resp) == expected


def test_proposal_detail_resolves_links_both_ways(client: FlaskClient, doc: dict[str, Any]) -> None:
    p = apicheck.get(client, doc, f"{BASE}/proposals/pass-foncier").get_json()
    assert p["url"] == "http://localhost/propositions/pass-foncier"
    assert p["axis"] == {"id": "foncier-essai", "title": "Accès au foncier", "url": "http://localhost/axes/foncier-essai"}
    assert p["document"]["id"] == "livre-essai" and p["document"]["url"] == "http://localhost/documents/livre-essai"
    assert [a["id"] for a in p["actions"]] == ["implantation-normandie"]
    assert p["actions"][0]["url"] == "http://localhost/actions/implantation-normandie"
    assert [r["id"] for r in p["related"]] == ["sanctuaire-foncier"]
    assert [s["id"] for s in p["sectors"]] == ["automobile"] and p["sectors"][0]["url"].endswith("/filieres/automobile")
    assert p["sources"][0]["document"]["id"] == "livre-essai" and p["sources"][0]["quote"] == "« Créer un pass foncier »"
    assert p["status_history"] == [
        {"date": "2025-11-17", "status": "proposee", "note": "Présentée dans le livre blanc.", "source": "livre-essai"}
    ]
    assert "<strong>collectivités</strong>" in p["body_html"] and p["aliases"] == ["ancien-pass-foncier"]
    # The link is declared on pass-foncier only: the other side shows it too.
    other = apicheck.get(client, doc, f"{BASE}/proposals/sanctuaire-foncier").get_json()
    assert [r["id"] for r in other["related"]] == ["pass-foncier"]


@pytest.mark.parametrize(
    ("path", "url", "check"),
    [
        (
            "/actions/implantation-normandie",
            "/actions/implantation-normandie",
            lambda r: [p["id"] for p in r["proposals"]] == ["pass-foncier"],
        ),
        ("/documents/livre-essai", "/documents/livre-essai", lambda r: r["held_proposals"] == 2 and r["announced_proposals"] == 4),
        ("/axes/foncier-essai", "/axes/foncier-essai", lambda r: [p["id"] for p in r["proposals"]] == ["pass-foncier"]),
        ("/sectors/chimie", "/filieres/chimie", lambda r: [a["id"] for a in r["actions"]] == ["implantation-normandie"]),
        ("/regions/ile-de-france", "/regions/ile-de-france", lambda r: r["name"] == "Île-de-France" and r["insee"] == "11"),
    ],
)
def test_other_details(client: FlaskClient, doc: dict[str, Any], path: str, url: str, check: Any) -> None:
    resp = apicheck.get(client, doc, BASE + path)
    assert resp.status_code == 200
    record = resp.get_json()
    assert record["url"] == "http://localhost" + url and check(record)


def test_alias_redirects_permanently(client: FlaskClient, doc: dict[str, Any]) -> None:
    resp = apicheck.get(client, doc, f"{BASE}/proposals/ancien-pass-foncier")
    assert resp.status_code == 301 and resp.headers["Location"] == f"http://localhost{BASE}/proposals/pass-foncier"
    assert client.get(resp.headers["Location"]).get_json()["id"] == "pass-foncier"


@pytest.mark.parametrize("kind", ["proposals", "actions", "documents", "axes", "sectors", "regions"])
def test_unknown_id_is_a_json_404(client: FlaskClient, doc: dict[str, Any], kind: str) -> None:
    resp = apicheck.get(client, doc, f"{BASE}/{kind}/nexiste-pas")
    body = resp.get_json()
    assert resp.status_code == 404 and set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == "not_found" and "nexiste-pas" in body["error"]["message"]


def test_unknown_api_address_and_method_answer_json(client: FlaskClient) -> None:
    resp = client.get(f"{BASE}/nothing-here")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    resp = client.post(f"{BASE}/proposals")
    assert resp.status_code == 405 and resp.get_json()["error"]["code"] == "method_not_allowed" and "GET" in resp.headers["Allow"]


def test_server_error_under_api_is_json(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(ctx: Any, record_id: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(records.DETAIL, "proposal", boom)
    resp = app.test_client().get(f"{BASE}/proposals/pass-foncier")
    assert resp.status_code == 500 and resp.get_json() == {"error": {"code": "server_error", "message": "Erreur interne du serveur."}}


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/proposals?status=nope", "status"),
        ("/proposals?status=en-cours", "status"),
        ("/actions?status=proposee", "status"),
        ("/proposals?axis=unknown-id", "axis"),
        ("/proposals?sector=acier", "sector"),
        ("/actions?region=atlantide", "region"),
        ("/proposals?document=inconnu", "document"),
        ("/axes?document=inconnu", "document"),
        ("/proposals?horizon=bientot", "horizon"),
        ("/proposals?limit=abc", "limit"),
        ("/proposals?limit=100000", "limit"),
        ("/proposals?limit=0", "limit"),
        ("/regions?limit=101", "limit"),
        ("/proposals?offset=-1", "offset"),
        ("/proposals?offset=99999999999999999999999", "offset"),
        ("/regions?offset=1000001", "offset"),
        ("/documents?offset=x", "offset"),
        ("/proposals?updated_since=2025-13-01", "updated_since"),
        ("/proposals?updated_since=1700000000", "updated_since"),
        ("/search?q=foncier&type=proposition", "type"),
        ("/search?q=foncier&status=nope", "status"),
        ("/search?q=foncier&axis=AXE", "axis"),
        ("/search?offset=999999", "offset"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(client: FlaskClient, doc: dict[str, Any], url: str, parameter: str) -> None:
    resp = apicheck.get(client, doc, BASE + url)
    error = resp.get_json()["error"]
    assert resp.status_code == 400 and error["code"] == "bad_parameter" and error["parameter"] == parameter
    assert f"« {parameter} »" in error["message"] or "inconnu" in error["message"]


def test_search_ranks_highlights_and_counts_facets(client: FlaskClient, doc: dict[str, Any]) -> None:
    body = apicheck.get(client, doc, f"{BASE}/search?q=parcelles").get_json()
    assert body["query"] == "parcelles" and body["total"] == len(body["data"]) == 3
    # Every kind is searched and each hit says its type: the proposals (one through the synonym « foncier »), and the
    # axis whose description names parcels.
    hits = {h["id"]: h for h in body["data"]}
    proposal, axis = hits["pass-foncier"], hits["foncier-essai"]
    assert proposal["type"] == "proposal" and proposal["url"] == "http://localhost/propositions/pass-foncier"
    assert axis["type"] == "axis" and axis["url"] == "http://localhost/axes/foncier-essai"
    assert "<mark" in proposal["highlight"] and proposal["score"] > 0
    assert body["facets"]["type"] == {"proposal": 2, "axis": 1} and set(body["facets"]) >= {"axis", "sector", "region", "status"}
    assert body["suggestion"] is None


def test_search_suggests_the_right_spelling(client: FlaskClient, doc: dict[str, Any]) -> None:
    body = apicheck.get(client, doc, f"{BASE}/search?q=reindustrialsation").get_json()
    assert body["suggestion"] == "réindustrialisation"


def test_search_filters_and_pages(client: FlaskClient, doc: dict[str, Any]) -> None:
    everything = apicheck.get(client, doc, f"{BASE}/search").get_json()
    kinds = {"proposal": 3, "action": 1, "document": 2, "axis": 3, "sector": 2, "region": 2, "organisation": 3}
    assert everything["total"] == 16 and everything["facets"]["type"] == kinds
    pages = apicheck.get(client, doc, f"{BASE}/search?type=document&type=axis&limit=100").get_json()
    assert {(h["type"], h["id"]) for h in pages["data"]} == {
        ("document", "livre-essai"), ("document", "rapport-essai"), ("axis", "foncier-essai"), ("axis", "energie-essai"),
        ("axis", "rapport-axe"),
    }
    actions = apicheck.get(client, doc, f"{BASE}/search?type=action").get_json()
    assert [h["id"] for h in actions["data"]] == ["implantation-normandie"] and actions["data"][0]["url"].endswith(
        "/actions/implantation-normandie"
    )
    page = apicheck.get(client, doc, f"{BASE}/search?limit=3&status=proposee&status=en-cours").get_json()
    assert page["total"] == 3 and page["next"] is None
    records = apicheck.get(client, doc, f"{BASE}/search?type=proposal&type=action").get_json()
    first = apicheck.get(client, doc, f"{BASE}/search?type=proposal&type=action&limit=2").get_json()
    second = apicheck.get(client, doc, first["next"]).get_json()
    assert len(first["data"]) == 2 and len(second["data"]) == 2 and second["next"] is None
    assert {h["id"] for h in first["data"] + second["data"]} == {h["id"] for h in records["data"]}


def test_search_has_the_lists_filters(client: FlaskClient, doc: dict[str, Any]) -> None:
    recent = apicheck.get(client, doc, f"{BASE}/search?updated_since=2025-11-21").get_json()
    assert {h["id"] for h in recent["data"]} == {"energie-locale", "implantation-normandie"}
    # An action meets an axis through the proposals it carries, in search as in the actions list.
    on_axis = apicheck.get(client, doc, f"{BASE}/search?axis=foncier-essai&type=action").get_json()
    listed = apicheck.get(client, doc, f"{BASE}/actions?axis=foncier-essai").get_json()
    assert [h["id"] for h in on_axis["data"]] == [a["id"] for a in listed["data"]] == ["implantation-normandie"]


@pytest.mark.parametrize(
    "path", ["/proposals", "/proposals/pass-foncier", "/search?q=foncier", "/export/proposals.csv", "/export/kb.json", "/nothing"]
)
def test_cors_allows_any_origin(client: FlaskClient, path: str) -> None:
    resp = client.get(BASE + path, headers={"Origin": "https://exemple.test"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_is_answered(client: FlaskClient) -> None:
    resp = client.options(
        f"{BASE}/proposals",
        headers={
            "Origin": "https://exemple.test",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in resp.headers["Access-Control-Allow-Methods"] and "If-None-Match" in resp.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("path", ["/proposals?status=proposee", "/proposals/pass-foncier", "/search?q=foncier", "/export/actions.csv"])
def test_etag_gives_304(client: FlaskClient, doc: dict[str, Any], path: str) -> None:
    first = client.get(BASE + path)
    etag = first.headers["ETag"]
    again = apicheck.get(client, doc, BASE + path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get(BASE + path + ("&" if "?" in path else "?") + "limit=5", headers={"If-None-Match": etag})
    if path.startswith("/export/"):
        # An export is one file per build: no query string makes another (kb.http.files).
        assert other.status_code == 304 and other.headers["ETag"] == etag
    else:
        assert other.status_code == 200 and other.headers["ETag"] != etag


def test_last_modified_gives_304(client: FlaskClient, doc: dict[str, Any]) -> None:
    first = client.get(f"{BASE}/proposals")
    modified = first.headers["Last-Modified"]
    assert first.last_modified is not None
    assert apicheck.get(client, doc, f"{BASE}/proposals", headers={"If-Modified-Since": modified}).status_code == 304
    earlier = (first.last_modified - dt.timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(f"{BASE}/proposals", headers={"If-Modified-Since": earlier}).status_code == 200


def test_a_new_build_changes_the_etag(fresh: Built) -> None:
    client = create_app(fresh.config()).test_client()
    etag = client.get(f"{BASE}/proposals").headers["ETag"]
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    resp = client.get(f"{BASE}/proposals", headers={"If-None-Match": etag})
    assert resp.status_code == 200 and resp.headers["ETag"] != etag


def test_drafts_are_invisible_unless_previewed(fresh: Built) -> None:
    draft = (fresh.data_dir / "proposals" / "sanctuaire-foncier.yaml").read_text("utf-8") + "draft: true\n"
    (fresh.data_dir / "proposals" / "sanctuaire-foncier.yaml").write_text(draft, "utf-8")
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    public = create_app(fresh.config()).test_client()
    assert public.get(f"{BASE}/proposals/sanctuaire-foncier").status_code == 404
    assert "sanctuaire-foncier" not in ids(public.get(f"{BASE}/proposals"))
    assert public.get(f"{BASE}/proposals/pass-foncier").get_json()["related"] == []
    assert "sanctuaire-foncier" not in {h["id"] for h in public.get(f"{BASE}/search?q=foncier").get_json()["data"]}
    preview = create_app(fresh.config(SHOW_DRAFTS=True)).test_client()
    assert preview.get(f"{BASE}/proposals/sanctuaire-foncier").get_json()["draft"] is True


def test_no_build_answers_503_json(tmp_path: Path) -> None:
    client = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite'}", "INDEX_DIR": str(tmp_path / "idx")}
    ).test_client()
    for path in ("/proposals", "/proposals/pass-foncier", "/search?q=x", "/export/kb.json"):
        resp = client.get(BASE + path)
        assert resp.status_code == 503 and resp.get_json()["error"]["code"] == "not_built"


def test_site_url_makes_the_links(built: Built) -> None:
    client = create_app(built.config(SITE_URL="https://kb.exemple.test/")).test_client()
    assert client.get(f"{BASE}/proposals/pass-foncier").get_json()["url"] == "https://kb.exemple.test/propositions/pass-foncier"


def test_every_page_links_to_the_api_and_the_open_data(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/api"' in html and 'href="/donnees"' in html


def test_api_page_documents_every_endpoint_in_french(client: FlaskClient, doc: dict[str, Any]) -> None:
    resp = client.get("/api")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and '<html lang="fr">' in html and "Promesse de stabilité" in html
    assert '<link rel="canonical" href="http://localhost/api">' in html
    # The curl examples use the address the page was asked under (code blocks are never typeset).
    assert "curl 'http://localhost/api/v1/proposals?" in html and "127.0.0.1:5000" not in html
    other = client.get("/api", base_url="http://kb.exemple.test:8080").get_data(as_text=True)
    assert "curl 'http://kb.exemple.test:8080/api/v1/proposals?" in other
    for path, item in doc["paths"].items():
        assert f"GET {BASE}{path}" in html
        for param in item["get"]["parameters"]:
            if param["in"] == "query":
                assert f"<code>{param['name']}</code>" in html


def test_records_without_site_url_carry_paths(built: Built) -> None:
    # kb export without --site-url: the permanent paths, never a guessed host.
    engine = make_engine(built.database_url)
    with Session(engine) as session:
        record = records.proposal(Context(Reader(session)), "pass-foncier")
    engine.dispose()
    assert record is not None and record.url == "/propositions/pass-foncier"


@pytest.mark.parametrize("drafts", [False, True])
def test_bulk_views_equal_the_single_views(built: Built, drafts: bool) -> None:
    # Lists and exports use proposal_views/action_views (a few queries for any number of records).
    engine = make_engine(built.database_url)
    with Session(engine) as session:
        pids = [p.id for p in queries.all_of(Reader(session, drafts), "proposal")]
        assert linked.proposal_views(Reader(session, drafts), pids) == [
            linked.proposal_view(Reader(session, drafts), i) for i in pids
        ]
        aids = [a.id for a in queries.all_of(Reader(session, drafts), "action")]
        assert linked.action_views(Reader(session, drafts), aids) == [
            linked.action_view(Reader(session, drafts), i) for i in aids
        ]
        assert linked.proposal_views(Reader(session), ["nexiste-pas"]) == []
    engine.dispose()


def test_examples_of_the_api_page_work_on_the_shipped_content(shipped_built: Built) -> None:
    _examples_answer(create_app(shipped_built.config()).test_client())


def test_examples_of_the_api_page_name_the_records_of_the_content_served(client: FlaskClient) -> None:
    # The test corpus has none of the shipped ids: examples written into the page would answer 404 or an empty list.
    _examples_answer(client)


def _examples_answer(client: FlaskClient) -> None:
    """Each curl example of /api answers 200 as the OpenAPI document says, a list with at least one record."""
    page = htmllib.unescape(client.get("/api").get_data(as_text=True))
    urls = re.findall(r"curl [^\n]*?'http://localhost(/api/v1/[^']+)'", page)
    assert len(urls) >= 5
    doc = apicheck.document()
    for url in urls:
        resp = apicheck.get(client, doc, url)
        assert resp.status_code == 200, url
        body = resp.get_json(silent=True)
        if isinstance(body, dict) and "data" in body:
            assert body["data"], f"{url} gives an empty list"


@pytest.mark.parametrize("url", ["/api", "/donnees"])
def test_documentation_pages_are_valid_html5_with_unique_ids(client: FlaskClient, url: str) -> None:
    page = client.get(url).get_data(as_text=True)
    html5lib.HTMLParser(strict=True).parse(page)  # raises on any HTML5 parse error
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_links_say_what_they_rest_on_and_echoes_are_listed_both_ways(client: FlaskClient) -> None:
    action = client.get(f"{BASE}/actions/implantation-normandie").get_json()
    carried = {p["id"]: p for p in action["proposals"]}
    assert carried["pass-foncier"]["basis"] == "editorial" and "la base le fait" in carried["pass-foncier"]["note"]
    proposal = client.get(f"{BASE}/proposals/pass-foncier").get_json()
    assert {a["id"]: a["basis"] for a in proposal["actions"]} == {"implantation-normandie": "editorial"}
    echo = client.get(f"{BASE}/proposals/sanctuaire-foncier").get_json()["echoes"]
    assert [(e["id"], e["basis"]) for e in echo] == [("foncier-essai", "editorial")]
    axis = client.get(f"{BASE}/axes/foncier-essai").get_json()
    assert [(p["id"], p["basis"], p["note"]) for p in axis["echoed_by"]] == [
        ("sanctuaire-foncier", "editorial", "Le rapport parle lui aussi du foncier des usines.")
    ]


def test_a_region_gives_its_filieres_with_their_source(client: FlaskClient) -> None:
    region = client.get(f"{BASE}/regions/normandie").get_json()
    assert [s["id"] for s in region["sectors"]] == ["automobile", "chimie"]
    assert region["summary"].startswith("Région d'essai") and region["sources"][0]["url"] == "https://exemple.test/article"


def test_documents_list_filters_by_kind_for_the_documents_page(client: FlaskClient) -> None:
    body = client.get("/api/v1/documents?kind=rapport").get_json()
    assert [d["id"] for d in body["data"]] == ["rapport-essai"] and body["count"] == 1
    both = client.get("/api/v1/documents?kind=rapport&kind=livre-blanc").get_json()
    assert {d["id"] for d in both["data"]} == {"livre-essai", "rapport-essai"}
    bad = client.get("/api/v1/documents?kind=brochure")
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "kind"


def test_documents_say_who_cites_them_and_sectors_which_regions_name_them(client: FlaskClient, doc: dict[str, Any]) -> None:
    cited = client.get("/api/v1/documents/rapport-essai").get_json()["cited_by"]
    assert [(c["type"], c["id"], c["title"]) for c in cited] == [
        ("proposal", "sanctuaire-foncier", "Sanctuariser le foncier industriel"), ("axis", "rapport-axe", "Ensemble des propositions")
    ]
    assert cited[0]["url"] == "http://localhost/propositions/sanctuaire-foncier"
    regions = client.get("/api/v1/sectors/chimie").get_json()["regions"]
    assert regions == [{"id": "normandie", "name": "Normandie", "url": "http://localhost/regions/normandie"}]
    # The OpenAPI document follows from the models: the new keys and the new parameter are described.
    schemas = doc["components"]["schemas"]
    assert "cited_by" in schemas["DocumentOut"]["properties"] and "regions" in schemas["SectorOut"]["properties"]
    assert "kind" in {p["name"] for p in doc["paths"]["/documents"]["get"]["parameters"]}
