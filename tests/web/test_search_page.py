"""The results page over the valid test corpus: every kind found, the compact block of documents, axes, regions and
sectors above the records, the type filter's new values, and a page that finds nothing."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from kb.web.typography import french

from .test_views import facet_links, html, result_ids


def pages_block(page: str) -> list[str]:
    """The hrefs of the compact block of documents, axes, regions and sectors (empty when the page has none)."""
    block = re.search(r'<section class="pages".*?</section>', page, re.S)
    return re.findall(r'<li data-id="[^"]+"><a href="([^"]+)"', block.group(0)) if block else []


def test_documents_and_axes_that_match_are_shown_above_the_records_and_counted(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=foncier")
    # The records are listed as before; the axis « Accès au foncier » (and its document) in the block above them.
    assert set(result_ids(page)) == {"pass-foncier", "sanctuaire-foncier"}
    assert "/axes/foncier-essai" in pages_block(page)
    assert page.index('class="pages"') < page.index('class="results"')
    types = facet_links(page, "type")
    assert {"proposition", "axe"} <= set(types)
    assert re.search(r'data-value="axe">Axes</a> <span class="count">\(1\)</span>', page)


def test_a_name_of_a_region_or_sector_offers_its_page_without_leaving_the_results(client: FlaskClient) -> None:
    # « normandie » is also the region's id: typed alone, it lists (a record's id would open the record).
    resp = client.get("/recherche?q=normandie")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert pages_block(page)[0] == "/regions/normandie"
    assert pages_block(html(client, "/recherche?q=chimie+des+materiaux"))[0] == "/filieres/chimie"


def test_a_region_with_no_record_is_still_found(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=ile+de+france")
    assert pages_block(page) == ["/regions/ile-de-france"]
    assert "Aucune fiche ne correspond" not in page and 'class="total"' not in page


def test_type_filter_takes_documents_and_axes_with_french_values(client: FlaskClient) -> None:
    docs = html(client, "/recherche?q=essai&type=document")
    assert set(result_ids(docs)) == {"livre-essai", "rapport-essai"} and pages_block(docs) == []
    assert "FEPE" in docs and "Institut d" in docs  # a document says who speaks in it (« qui propose »)
    axes = html(client, "/recherche?type=axe&document=livre-essai")
    assert set(result_ids(axes)) == {"foncier-essai", "energie-essai"}
    both = html(client, "/recherche?q=foncier&type=axe&type=proposition")
    assert set(result_ids(both)) == {"foncier-essai", "pass-foncier", "sanctuaire-foncier"}
    assert client.get("/recherche?q=foncier&type=axis").status_code == 400  # URLs speak French


def test_browse_pages_list_only_proposals_and_actions(client: FlaskClient) -> None:
    page = html(client, "/axes/foncier-essai")
    assert set(result_ids(page)) == {"pass-foncier", "implantation-normandie"} and pages_block(page) == []
    assert set(facet_links(page, "type")) == {"proposition", "action"}


def test_a_page_that_finds_nothing_offers_ways_in_and_the_latest_records(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=xylophone")
    assert french("Aucune fiche ne correspond à « xylophone »") in page
    # No filter applied: nothing to remove, nothing to sort.
    assert "Retirez un filtre" not in page and "Trier par" not in page
    ways = page.split('class="ways-in"', 1)[1]
    for href in ("/axes/foncier-essai", "/axes/energie-essai", "/documents/livre-essai", "/regions/normandie"):
        assert f'href="{href}"' in ways
    latest = re.findall(r'<li><a href="/(?:propositions|actions)/([^"]+)"', ways)
    assert latest == ["energie-locale", "implantation-normandie", "pass-foncier"]  # the three latest
    assert result_ids(page) == []  # offered, not listed as results


def test_a_page_that_finds_nothing_with_a_filter_says_to_remove_it(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=parcelles&type=action")
    assert "Aucune fiche ne correspond" in page and "Retirez un filtre" in page and "Trier par" not in page


def test_a_page_that_finds_nothing_offers_the_suggestion_first(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=reindustrialsation")
    assert re.search(r'Vouliez-vous dire <a href="/recherche\?q=r%C3%A9industrialisation">réindustrialisation</a>', page)
    assert 'class="ways-in"' not in page and "Trier par" not in page


def test_sort_control_only_when_there_is_something_to_sort(client: FlaskClient) -> None:
    assert "Trier par" in html(client, "/recherche?q=foncier")
    assert "Trier par" not in html(client, "/recherche?q=energie+locale+stable")
