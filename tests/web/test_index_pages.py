"""Index pages (/axes, /documents, /filieres, /regions), browse pages that say what they know, honest empty states.

Over the valid test corpus, and the same with tests/data/sparse/ where only that has the case (an axis of the livre
blanc whose proposals are not in the sources, a sector no record names, a cited document without proposal).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from kb.content.typography import french
from tests.support.corpora import build_corpus, sparse_source


@pytest.fixture(scope="module")
def sparse_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A client over the valid corpus with tests/data/sparse/: pages that say what they do not hold."""
    dest = tmp_path_factory.mktemp("sparse")
    return create_app(build_corpus(sparse_source(dest), dest / "built").config()).test_client()


def html(client: FlaskClient, url: str) -> str:
    """GET a page that must answer 200; its text."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def squash(text: str) -> str:
    """Runs of spaces and newlines as one space (no-break spaces, which typography puts there on purpose, are kept)."""
    return re.sub(r"[ \n]+", " ", text)


def section(page: str, heading_id: str) -> str:
    """The <section> whose heading has this id."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert found, heading_id
    return found.group(0)


def links(text: str, prefix: str = "/") -> list[str]:
    """The hrefs of the links in a piece of HTML that start with ``prefix``."""
    return re.findall(rf'<a href="({re.escape(prefix)}[^"]*)"', text)


# --- Index pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "twin"), [("/axes", "/api/v1/axes"), ("/documents", "/api/v1/documents"),
                                            ("/filieres", "/api/v1/sectors"), ("/regions", "/api/v1/regions")])
def test_index_pages_are_in_the_menu_with_their_feed_and_json_twin(client: FlaskClient, path: str, twin: str) -> None:
    page = html(client, path)
    for menu in re.findall(r'<nav[^>]*aria-label="Navigation principale">(.*?)</nav>', page, re.S):
        assert f'<a href="{path}" aria-current="page">' in menu
    assert '<link rel="alternate" type="application/atom+xml" href="http://localhost/flux.atom"' in page
    assert f'<link rel="alternate" type="application/json" href="http://localhost{twin}?limit=100"' in page
    assert f'<a href="{twin}?limit=100">' in page
    data = client.get(f"{twin}?limit=100").get_json()
    assert set(links(page, path + "/")) == {re.sub(r"^http://localhost", "", r["url"]) for r in data["data"]}


def test_every_page_has_the_menu_to_the_index_pages(client: FlaskClient) -> None:
    for url in ("/", "/propositions/pass-foncier", "/a-propos", "/page-inconnue"):
        page = client.get(url).get_data(as_text=True)
        for path in ("/axes", "/documents", "/filieres", "/regions"):
            assert f'<a href="{path}"' in page, (url, path)


def test_axes_are_grouped_by_document_in_order_with_counts(client: FlaskClient) -> None:
    page = html(client, "/axes")
    livre, rapport = section(page, "doc-livre-essai"), section(page, "doc-rapport-essai")
    assert page.index("doc-livre-essai") < page.index("doc-rapport-essai")  # the livre blanc first
    assert links(livre, "/axes/") == ["/axes/foncier-essai", "/axes/energie-essai"]  # the document's order
    assert french("1 proposition dans la base · 1 proposition d'un autre document le rejoint") in squash(livre)
    assert links(rapport, "/axes/") == ["/axes/rapport-axe"]


def test_documents_are_grouped_by_kind_with_coverage_and_citations(client: FlaskClient) -> None:
    page = html(client, "/documents")
    assert page.index('id="genre-livre-blanc"') < page.index('id="genre-rapport"')
    livre = squash(section(page, "genre-livre-blanc"))
    assert "2 propositions sur 4 annoncées dans la base" in livre
    assert "cité par 3 fiches" in livre  # pass-foncier and the two axes name it in their sources
    assert "cité par 2 fiches" in squash(section(page, "genre-rapport"))


def test_sectors_index_counts_and_names_the_regions_citing_each(client: FlaskClient) -> None:
    page = squash(html(client, "/filieres"))
    automobile = re.search(r'<li><a href="/filieres/automobile">.*?</li>', page).group(0)
    assert french("1 proposition · 1 action régionale · citée pour") in automobile and '/regions/normandie">Normandie' in automobile


def test_regions_index_draws_its_own_tile_map_and_lists_every_region(client: FlaskClient) -> None:
    page = html(client, "/regions")
    svg = re.search(r'<svg[^>]*class="tilemap".*?</svg>', page, re.S).group(0)
    assert 'role="group" aria-labelledby="carte-titre"' in svg
    assert '<a href="/regions/normandie" aria-label="Normandie : 1 action" class="tile-on">' in svg
    assert '<a href="/regions/ile-de-france" aria-label="Île-de-France : 0 action" class="tile-off">' in svg
    assert "<path" not in svg and "<image" not in svg  # our own rectangles, no borrowed geometry
    listed = section(page, "liste-titre")
    assert set(links(listed, "/regions/")) == {"/regions/normandie", "/regions/ile-de-france"}


def test_tile_names_wrap_after_hyphens_and_at_spaces() -> None:
    from kb.web.tilemap import LAYOUT, name_lines

    assert name_lines("Bourgogne-Franche-Comté") == ["Bourgogne-", "Franche-", "Comté"]
    assert name_lines("Provence-Alpes-Côte d'Azur") == ["Provence-", "Alpes-Côte", "d'Azur"]
    assert name_lines("Normandie") == ["Normandie"]
    assert len(LAYOUT) == 18 and len(set(LAYOUT.values())) == 18


# --- Pages worth opening ---------------------------------------------------------------------------------------


def test_a_document_lists_every_record_that_cites_it(client: FlaskClient) -> None:
    citing = section(html(client, "/documents/livre-essai"), "citent-titre")
    assert set(links(citing)) == {"/propositions/pass-foncier", "/axes/foncier-essai", "/axes/energie-essai"}
    data = client.get("/api/v1/documents/livre-essai").get_json()
    assert {(r["type"], r["id"]) for r in data["cited_by"]} == {("proposal", "pass-foncier"), ("axis", "foncier-essai"),
                                                                ("axis", "energie-essai")}


def test_a_document_without_proposal_shows_its_citing_records_and_no_search(sparse_client: FlaskClient) -> None:
    page = html(sparse_client, "/documents/communique-essai")
    assert 'class="facets"' not in page and "Chercher dans cette page" not in page
    assert french("La base ne contient aucune proposition de ce document : il sert de source aux fiches ci-dessous.") in page
    assert set(links(section(page, "citent-titre"))) == {"/propositions/pass-foncier", "/documents/livre-essai"}


def test_the_source_of_a_status_step_cites_its_document_too(sparse_client: FlaskClient) -> None:
    # energie-locale's sources are addresses; the report is the source of a step of its status history.
    page = html(sparse_client, "/documents/rapport-essai")
    assert "/propositions/energie-locale" in links(section(page, "citent-titre"), "/propositions/")


def test_a_region_page_introduces_it_lists_its_actions_filieres_and_national_proposals(client: FlaskClient) -> None:
    page = html(client, "/regions/normandie")
    assert french("Région d'essai où les sources citent deux filières.") in page  # summary from regions.yaml
    filieres = section(page, "filieres-titre")
    assert links(filieres) == ["/filieres/automobile", "/filieres/chimie"]
    assert french("« l'automobile et la chimie »") in page  # the source of that list
    # Its own records, and the proposals that name no region, which concern Normandie too, labelled as such.
    listed = re.findall(r'<li class="result" data-id="([^"]+)"', page)
    assert set(listed) == {"implantation-normandie", "energie-locale", "pass-foncier", "sanctuaire-foncier"}
    for found in re.finditer(r'<li class="result" data-id="([^"]+)"(.*?)</li>', page, re.S):
        record, body = found.groups()
        assert (french("Portée nationale") in body) == (record in {"pass-foncier", "sanctuaire-foncier"}), record
    own = html(client, "/regions/normandie?portee=regionale")
    assert set(re.findall(r'<li class="result" data-id="([^"]+)"', own)) == {"implantation-normandie", "energie-locale"}
    assert 'href="/regions/normandie?portee=regionale"' in page
    # The organisations of the region: the regional union whose region it is, and the one carrying its actions.
    assert links(section(page, "organisations-titre")) == ["/organisations/federation-essai-normandie"]


def test_a_region_without_action_lists_the_national_proposals(client: FlaskClient) -> None:
    page = html(client, "/regions/ile-de-france")
    listed = re.findall(r'<li class="result" data-id="([^"]+)"', page)
    assert set(listed) == {"pass-foncier", "sanctuaire-foncier"} and french("Portée nationale") in page
    own = html(client, "/regions/ile-de-france?portee=regionale")
    assert re.findall(r'<li class="result" data-id="([^"]+)"', own) == []


def test_a_sector_page_shows_the_region_naming_it_and_its_actions_once(client: FlaskClient) -> None:
    page = html(client, "/filieres/chimie")
    assert '<a href="/regions/normandie">Normandie</a>' in section(page, "regions-titre")
    listed = re.findall(r'<li class="result" data-id="([^"]+)"', page)
    assert set(listed) == {"implantation-normandie", "energie-locale"}
    # Normandie's one action already names the filière: listed once, and the region section says where it is.
    assert page.count('href="/actions/implantation-normandie"') == 1
    assert french("Les actions régionales de la région Normandie sont toutes dans la liste ci-dessus.") in page


def test_a_sector_only_a_region_names_shows_that_region_and_its_actions(sparse_client: FlaskClient) -> None:
    page = html(sparse_client, "/filieres/aeronautique")
    assert 'class="facets"' not in page and "Chercher dans cette page" not in page
    assert french("Aucune proposition ni action de la base n'est rattachée à la filière aéronautique par sa source.") in page
    assert '<a href="/regions/normandie">Normandie</a>' in page and french("l’aéronautique") in page
    assert links(section(page, "actions-normandie"), "/actions/") == ["/actions/implantation-normandie"]
    assert sparse_client.get("/api/v1/sectors/aeronautique").get_json()["regions"][0]["id"] == "normandie"


def test_an_action_page_never_lists_a_record_twice(client: FlaskClient, app: Flask) -> None:
    from kb import search
    from kb.http.context import current as state

    with app.test_request_context("/"):
        close = search.more_like(state().index, "implantation-normandie", "Soutenir l'implantation de sites de production usine", limit=5)
    assert "pass-foncier" in close  # the index finds it close: the page must not offer it again
    page = html(client, "/actions/implantation-normandie")
    article = re.search(r'<article class="record".*?</article>', page, re.S).group(0)
    hrefs = links(article, "/propositions/") + links(article, "/actions/")
    assert hrefs.count("/propositions/pass-foncier") == 1 and len(hrefs) == len(set(hrefs))


# --- Honest empty states ------------------------------------------------------------------------------------


def test_an_axis_of_the_livre_blanc_without_proposal_says_why(sparse_client: FlaskClient) -> None:
    page = html(sparse_client, "/axes/axe-vide-essai")
    assert 'class="facets"' not in page and 'class="sort"' not in page and "Chercher dans cette page" not in page
    assert "0 résultat" not in page and "etirez un filtre" not in page
    empty = squash(re.search(r'<div class="empty empty-axis">.*?</div>', page, re.S).group(0))
    assert french("Aucune proposition de cet axe n'est dans la base.") in empty
    assert french("Le livre blanc annonce 4 propositions ; les sources consultées donnent le texte de 2 d'entre elles") in empty
    assert french("Le texte des 2 autres n'est pas dans les sources consultées.") in empty
    assert 'href="https://exemple.test/livre-essai/commande-publique"' in empty  # its source
    assert "rendu public" not in page
    assert links(section(page, "echos-titre"), "/propositions/") == ["/propositions/sanctuaire-foncier"]  # what others propose


def test_zero_results_never_ask_to_remove_a_filter_that_is_not_there(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=zzzyxw")
    assert french("Aucune fiche ne correspond à « zzzyxw ».") in page and "etirez un filtre" not in page
    assert 'class="facets"' not in page and 'class="sort"' not in page
    filtered = html(client, "/recherche?q=zzzyxw&type=action")
    assert "Retirez un filtre ci-dessus" in filtered and 'class="remove"' in filtered and 'class="facets"' not in filtered
    browse = html(client, "/axes/foncier-essai?q=zzzyxw")  # a reader's search on a browse page: its box stays
    assert "Chercher dans cette page" in browse and "etirez un filtre" not in browse


def test_active_filters_come_before_the_results(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=foncier&type=proposition")
    assert page.index('class="active-filters"') < page.index('<ol class="results">') < page.index('class="facets"')


def test_record_pages_put_the_text_first_and_the_tools_after_it(client: FlaskClient) -> None:
    for url in ("/propositions/pass-foncier", "/actions/implantation-normandie"):
        page = html(client, url)
        # Title, summary and body, then « En bref », the record's sources and links, then the newsletter and « Citer ».
        order = ["<h1", 'href="#partager"', 'class="lead"', 'class="prose"', 'id="fiche-titre"', 'id="sources-titre"',
                 'id="partager"', 'id="newsletter-titre"', 'id="citer-titre"']
        assert [page.index(mark) for mark in order] == sorted(page.index(mark) for mark in order), url
        assert page.index("<form", page.index("<main")) > page.index('id="newsletter-titre"')  # no tool before the text
        # « Appliquer » (the campaign) brings the editor back to the block, without JavaScript.
        assert f'<form method="get" action="{url}#newsletter-titre" class="share-campaign">' in page


def test_the_header_menu_is_a_details_button(client: FlaskClient) -> None:
    page = html(client, "/")
    menu = re.search(r'<details class="menu narrow-only">.*?</details>', page, re.S).group(0)
    assert "<summary>Menu</summary>" in menu and 'id="q-menu"' in menu and '<a href="/regions">' in menu


def test_index_pages_are_kept_by_the_page_cache(app: Flask) -> None:
    client = app.test_client()
    cache = app.extensions["kb.pages"]
    for path in ("/axes", "/documents", "/filieres", "/regions", "/a-propos", "/mentions-legales", "/accessibilite"):
        first = client.get(path)
        hits = cache.hits
        again = client.get(path)
        assert again.status_code == first.status_code == 200 and cache.hits == hits + 1, path
        assert again.get_data() == first.get_data()


def test_sitemap_lists_the_index_and_about_pages(client: FlaskClient) -> None:
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    for path in ("/axes", "/documents", "/filieres", "/regions", "/a-propos", "/mentions-legales", "/accessibilite"):
        assert f"<loc>http://localhost{path}</loc>" in xml
