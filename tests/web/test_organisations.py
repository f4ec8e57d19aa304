"""« Qui propose » everywhere (issue 24): organisation pages, and the organisation on every result line, record page,
card, link preview, « Citer », /comparer header, export and API answer. On the valid corpus (FEPE: the federation's
short name; FEPE Normandie: its regional union; Institut d'essai: another organisation)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask.testing import FlaskClient

from tests.support.corpora import Built


def text(client: FlaskClient, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def result_line(page: str, record_id: str) -> str:
    start = page.index(f'data-id="{record_id}"')
    return page[start : page.index("</li>", start)]


def test_the_organisations_index_groups_by_kind_with_the_unions_under_their_federation(client: FlaskClient) -> None:
    page = text(client, "/organisations")
    fed = page.index('href="/organisations/federation-essai"')
    union = page.index('href="/organisations/federation-essai-normandie"')
    assert page.index("Organisation patronale") < fed < union < page.index('href="/organisations/institut-essai"')
    assert "(FEPE)" in page
    assert '<a href="/organisations"' in page  # in the main menu


def test_an_organisation_page_lists_its_documents_proposals_by_axis_unions_and_their_actions(client: FlaskClient) -> None:
    page = text(client, "/organisations/federation-essai")
    assert 'href="/documents/livre-essai"' in section(page, "documents-titre")
    props = section(page, "propositions-titre")
    # Axis by axis, in one heading each, with its proposals under it.
    assert re.findall(r'<h3><a href="/axes/([^"]+)"', props) == ["energie-essai", "foncier-essai"]
    assert props.index("/axes/foncier-essai") < props.index("/propositions/pass-foncier")
    assert 'href="/organisations/federation-essai-normandie"' in section(page, "membres-titre")
    assert 'href="/actions/implantation-normandie"' in section(page, "actions-titre")
    assert 'type="application/atom+xml" href="http://localhost/organisations/federation-essai/flux.atom"' in page
    assert 'href="https://exemple.test/federation"' in page  # its own site
    union = text(client, "/organisations/federation-essai-normandie")
    assert 'href="/organisations/federation-essai"' in union and 'href="/regions/normandie"' in union


def test_an_unknown_organisation_is_a_french_404(client: FlaskClient) -> None:
    resp = client.get("/organisations/nulle-part")
    assert resp.status_code == 404 and "introuvable" in resp.get_data(as_text=True).lower()


def test_every_result_line_says_who(client: FlaskClient) -> None:
    page = text(client, "/recherche?q=foncier")
    assert '<span class="who">FEPE</span>' in result_line(page, "pass-foncier")
    assert '<span class="who">Institut d’essai</span>' in result_line(page, "sanctuaire-foncier")
    action = result_line(text(client, "/recherche?type=action"), "implantation-normandie")
    assert '<span class="who">FEPE Normandie</span>' in action


def test_record_pages_say_who_proposes_and_who_carries(client: FlaskClient) -> None:
    prop = text(client, "/propositions/pass-foncier")
    assert re.search(r'<dt>Proposée par</dt><dd><a href="/organisations/federation-essai">', prop)
    action = text(client, "/actions/implantation-normandie")
    assert re.search(r'<dt>Portée par</dt><dd><a href="/organisations/federation-essai-normandie">', action)
    doc = text(client, "/documents/rapport-essai")
    assert 'href="/organisations/institut-essai"' in doc


def test_link_previews_and_citations_name_the_organisation(client: FlaskClient) -> None:
    prop = text(client, "/propositions/pass-foncier")
    assert '<meta property="og:description" content="FEPE — Mettre à disposition' in prop
    citation = re.search(r'<p class="citation" id="citation">(.*?)</p>', prop, re.S)
    assert citation and "FEPE" in citation.group(1)
    action = text(client, "/actions/implantation-normandie")
    assert '<meta property="og:description" content="FEPE Normandie — ' in action


def test_cards_in_every_format_name_the_organisation(client: FlaskClient) -> None:
    for fmt in ("carte", "carte.txt", "carte.md"):
        assert "FEPE" in text(client, f"/propositions/pass-foncier/{fmt}"), fmt
        assert "FEPE Normandie" in text(client, f"/actions/implantation-normandie/{fmt}"), fmt
    assert "Institut d" in text(client, "/propositions/sanctuaire-foncier/carte.txt")


def test_compare_headers_say_who_and_when(client: FlaskClient) -> None:
    page = text(client, "/comparer")
    heads = re.findall(r'<span class="compare-doc-meta">([^<]+)</span>', page.replace("\xa0", " "))
    assert list(dict.fromkeys(heads)) == ["FEPE · 17 novembre 2025", "Institut d’essai · juin 2025"]
    data = client.get("/api/v1/compare").get_json()
    assert [d["who"] for d in data["documents"]] == ["FEPE", "Institut d'essai"]


def test_exports_end_with_the_organisation_columns(client: FlaskClient) -> None:
    def rows(name: str) -> list[dict[str, Any]]:
        return list(csv.DictReader(io.StringIO(text(client, f"/api/v1/export/{name}").lstrip("\ufeff"))))

    props = {r["id"]: r for r in rows("proposals.csv")}
    assert list(props["pass-foncier"])[-2:] == ["organisations", "organisation_names"]
    assert props["pass-foncier"]["organisations"] == "federation-essai"
    assert props["sanctuaire-foncier"]["organisation_names"] == "Institut d'essai"
    (action,) = rows("actions.csv")
    assert list(action)[-2:] == ["organisation", "organisation_name"]
    assert (action["organisation"], action["organisation_name"]) == ("federation-essai-normandie", "FEPE Normandie")


def test_the_api_filters_and_documents_the_organisation_and_scope(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p["schema"] for p in spec["paths"]["/proposals"]["get"]["parameters"]}
    assert params["organisation"]["type"] == "array" and params["scope"]["items"]["enum"] == ["national", "regional"]
    ids = {p["id"] for p in client.get("/api/v1/actions?organisation=federation-essai").get_json()["data"]}
    assert ids == {"implantation-normandie"}  # the federation's union's action
    bad = client.get("/api/v1/proposals?organisation=fepe")
    assert bad.status_code == 400 and "organisation" in bad.get_json()["error"]["message"]


def test_organisation_feeds_hold_the_records_of_its_unions(client: FlaskClient) -> None:
    feed = text(client, "/organisations/federation-essai/flux.atom")
    assert "/actions/implantation-normandie" in feed and "/propositions/pass-foncier" in feed
    assert "/propositions/sanctuaire-foncier" not in feed


def test_a_search_filter_on_an_organisation_is_offered_as_a_facet(client: FlaskClient, built: Built) -> None:
    page = text(client, "/recherche?q=foncier")
    assert 'href="/recherche?q=foncier&amp;organisation=federation-essai"' in page
    filtered = text(client, "/recherche?q=foncier&organisation=institut-essai")
    assert 'data-id="sanctuaire-foncier"' in filtered and 'data-id="pass-foncier"' not in filtered


def test_document_and_axis_lists_take_the_organisation_filter(client: FlaskClient) -> None:
    docs = client.get("/api/v1/documents?organisation=institut-essai").get_json()
    assert [d["id"] for d in docs["data"]] == ["rapport-essai"]
    axes = client.get("/api/v1/axes?organisation=federation-essai").get_json()
    assert {a["id"] for a in axes["data"]} == {"foncier-essai", "energie-essai"}
    assert client.get("/api/v1/axes?organisation=nulle-part").status_code == 400
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "organisation" in {p["name"] for p in spec["paths"]["/documents"]["get"]["parameters"]}


def test_feed_entries_are_authored_by_who_proposes(client: FlaskClient) -> None:
    import feedparser

    feed = feedparser.parse(text(client, "/flux.atom"))
    by_link = {e.link.rsplit("/", 1)[-1]: e for e in feed.entries}
    assert by_link["pass-foncier"].author == "FEPE" and " · FEPE · " in by_link["pass-foncier"].summary
    assert by_link["implantation-normandie"].author == "FEPE Normandie"
    assert "CPME" not in feed.feed.author  # the site's publisher comes from its configuration, never written in code


def test_an_organisation_s_id_or_sigle_typed_alone_lists_with_its_page_first(client: FlaskClient) -> None:
    # Like a region's name: what people type (« cpme », « medef ») lists its page first and its records below,
    # instead of leaving the results for the page (a proposal's id typed alone still opens it).
    for q in ("FEPE", "institut-essai", "Institut d'essai"):
        resp = client.get("/recherche", query_string={"q": q})
        assert resp.status_code == 200, q
        page = resp.get_data(as_text=True)
        first = re.search(r'<section class="pages".*?<li data-id="([^"]+)"', page, re.S)
        assert first and first.group(1) == {"FEPE": "federation-essai"}.get(q, "institut-essai"), q
    assert client.get("/recherche", query_string={"q": "pass-foncier"}).status_code == 302
