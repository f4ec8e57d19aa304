"""The results page over the valid test corpus: every kind found, the compact block of documents, axes, regions and
sectors above the records, the type filter's new values, and a page that finds nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask.testing import FlaskClient

from kb import create_app
from kb.content.typography import french
from tests.support.corpora import VALID, build_corpus

from .test_views import facet_links, html, result_ids


def pages_block(page: str) -> list[str]:
    """The hrefs of the compact block of documents, axes, regions and sectors (empty when the page has none)."""
    block = re.search(r'<section class="pages".*?</section>', page, re.S)
    return re.findall(r'<li data-id="[^"]+">.*?<a href="([^"]+)"', block.group(0), re.S) if block else []


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
    assert "Aucune fiche ne correspond" not in page
    assert '<p class="total" role="status">1 résultat</p>' in page  # what the type facet counts: the region


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


def _type_counts(page: str) -> list[int]:
    group = re.search(r'<section class="facet"[^>]*data-param="type">(.*?)</section>', page, re.S)
    assert group
    return [int(n) for n in re.findall(r'<span class="count">\((\d+)\)</span>', group.group(1))]


def test_the_heading_counts_what_the_type_facet_counts(client: FlaskClient) -> None:
    # Issue 26: « 8 résultats » above a type facet adding up to 24. The heading counts every kind the facet counts,
    # and says how many of them are the records listed.
    for url in ("/recherche", "/recherche?q=foncier", "/recherche?q=essai", "/recherche?q=foncier&type=axe"):
        page = html(client, url)
        total = re.search(r'<p class="total" role="status">(\d+) résultats?', page)
        assert total and int(total.group(1)) == sum(_type_counts(page)), url
    heading = r'<p class="total" role="status">\d+ résultats, dont 2 propositions et actions</p>'
    assert re.search(heading, html(client, "/recherche?q=foncier"))


def test_axis_filters_are_named_with_their_document_s_short_title(client: FlaskClient) -> None:
    # « Propositions du livre », « Propositions du rapport »: an axis alone does not say whose it is.
    page = html(client, "/recherche?q=foncier")
    assert re.search(r'data-value="foncier-essai">Accès au foncier — Livre blanc d.essai sur l.industrie</a>', page)
    active = html(client, "/recherche?axe=rapport-axe")
    assert french("Axe : Ensemble des propositions — Rapport d'essai") in active  # the active filter's chip too


def test_short_titles_drop_the_subtitle_and_cut_on_a_word() -> None:
    from kb.content.labels import SHORT_TITLE, short_title

    assert short_title("Bâtir la puissance industrielle : un défi français") == "Bâtir la puissance industrielle"
    quoted = "« Réindustrialiser pour retrouver la souveraineté » : la CPME Normandie"
    assert short_title(quoted) == "Réindustrialiser pour retrouver la souveraineté"
    long = short_title("Rapport d'information n° 217 du Sénat relatif au programme Territoires d'industrie")
    assert long == "Rapport d'information n° 217 du Sénat relatif au…" and len(long) <= SHORT_TITLE + 1
    assert short_title("Le fabriqué en France") == "Le fabriqué en France"


def test_results_show_the_proposal_s_own_date_and_its_last_edit_where_it_differs(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=pass+foncier")
    item = re.search(r'<li class="result" data-id="pass-foncier">(.*?)</li>', page, re.S)
    assert item
    where = item.group(1).split('class="result-where"', 1)[1]
    # Its source's date (published: 2025-11-17) first, then its last edit (updated: 2025-11-20).
    assert '<time datetime="2025-11-17">' in where and "mis à jour le <time datetime=\"2025-11-20\">" in where
    assert where.index("2025-11-17") < where.index("2025-11-20")


def test_a_match_found_only_in_a_source_quote_shows_that_quote_s_words(tmp_path: Path) -> None:
    src = tmp_path / "content"
    shutil.copytree(VALID, src)
    path = src / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("quote: « Créer un pass foncier »",
                                                    "quote: « Créer un pass foncier et réduire drastiquement les délais »"), "utf-8")
    built = build_corpus(src, tmp_path / "built")
    client = create_app(built.config()).test_client()
    page = html(client, "/recherche?q=drastiquement")
    assert result_ids(page) == ["pass-foncier"]
    assert french("Dans une source citée :") in page and '<mark class="match term0">drastiquement</mark>' in page
    hit = client.get("/api/v1/search?q=drastiquement").get_json()["data"][0]
    assert hit["quoted"] is True and "drastiquement</mark>" in hit["highlight"]
    # A word of the record's own text is shown from its text, as before.
    assert client.get("/api/v1/search?q=collectivités").get_json()["data"][0]["quoted"] is False
