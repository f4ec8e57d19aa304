"""Long facets fold: the most frequent values and the active ones, a link to them all, and one to fold them again."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.content.demo import write_corpus
from kb.pages.query import PARAMS, SearchState, collation_key
from kb.web import facets
from tests.support.corpora import build_corpus

AXE = "axe"


def allowed(values: dict[str, str]) -> dict[str, dict[str, str]]:
    return {p: dict(values) if p == AXE else {} for p in PARAMS}


def counted(n: int) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int]]]:
    """n axes labelled in reverse French order, axis i found i + 1 times."""
    labels = {f"axe-{i:02d}": f"Axe {chr(ord('z') - i)}" for i in range(n)}
    return allowed(labels), {PARAMS[AXE]: {f"axe-{i:02d}": i + 1 for i in range(n)}}


def test_a_short_facet_shows_every_value_in_french_order_with_no_link() -> None:
    labels, counts = counted(facets.FOLD_ABOVE)
    (group,) = facets.groups(SearchState("usine"), counts, labels, "/recherche")
    assert len(group.values) == facets.FOLD_ABOVE and group.hidden == 0 and group.toggle == ""
    assert [v.label for v in group.values] == sorted((v.label for v in group.values), key=collation_key)


def test_a_long_facet_shows_the_most_frequent_and_the_active_ones_and_links_to_all() -> None:
    labels, counts = counted(30)
    state = SearchState("usine", ((AXE, ("axe-00",)),))  # the least frequent one, active
    (group,) = facets.groups(state, counts, labels, "/recherche")
    shown = [v.value for v in group.values]
    assert shown == ["axe-00", *(f"axe-{i:02d}" for i in range(29, 20, -1))]
    assert len(shown) == facets.SHOWN and group.count == 30 and group.hidden == 20
    assert group.values[0].active and group.values[1].count == 30
    url = urlsplit(group.toggle)
    assert url.fragment == "facette-axe" and ("tout", AXE) in parse_qsl(url.query)
    # Unfolded: all of them in French order, and a link that folds them again (the active value stays active).
    unfolded = state.unfolding(AXE)
    (group,) = facets.groups(unfolded, counts, labels, "/recherche")
    assert len(group.values) == 30 and group.hidden == 0
    assert [v.label for v in group.values] == sorted((v.label for v in group.values), key=collation_key)
    assert ("tout", AXE) not in parse_qsl(urlsplit(group.toggle).query) and group.toggle.endswith("#facette-axe")
    # Each value's link chooses it and folds the facets again.
    assert all("tout" not in dict(parse_qsl(urlsplit(v.href).query)) for v in group.values)


def test_more_active_values_than_shown_are_all_shown() -> None:
    labels, counts = counted(30)
    active = tuple(f"axe-{i:02d}" for i in range(facets.SHOWN + 2))
    (group,) = facets.groups(SearchState("", ((AXE, active),)), counts, labels, "/recherche")
    assert {v.value for v in group.values} == set(active) and group.hidden == 30 - len(active)


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A small demo corpus: its organisations and regions (18 each) are more than a facet shows folded."""
    src = tmp_path_factory.mktemp("folding")
    write_corpus(src / "content", 80, seed=3)
    return create_app(build_corpus(src / "content", src / "built").config()).test_client()


def facet(page: str, param: str) -> str:
    found = re.search(rf'<section class="facet" id="facette-{param}" data-param="{param}">(.*?)</section>', page, re.S)
    assert found, param
    return found.group(1)


def test_the_results_page_folds_long_facets_and_unfolds_them_by_address(demo_client: FlaskClient) -> None:
    page = demo_client.get("/recherche?q=industrie").get_data(as_text=True)
    region = facet(page, "region")
    assert region.count('<li>') == facets.SHOWN
    link = re.search(r'<p class="facet-toggle"><a href="([^"]+)" rel="nofollow">Afficher les (\d+) valeurs', region)
    assert link and int(link.group(2)) > facets.FOLD_ABOVE
    unfolded = demo_client.get(link.group(1).replace("&amp;", "&"))
    assert unfolded.status_code == 200
    region = facet(unfolded.get_data(as_text=True), "region")
    assert region.count("<li>") == int(link.group(2)) and "Réduire la liste" in region
    # A facet of a dozen values or fewer is whole, without a link.
    assert "facet-toggle" not in facet(page, "statut")
    assert demo_client.get("/recherche?q=industrie&tout=inconnu").status_code == 400


def test_a_browse_page_folds_its_facets_and_unfolds_them_at_its_own_address(demo_client: FlaskClient) -> None:
    listing = demo_client.get("/recherche?type=document").get_data(as_text=True)
    document = re.search(r'href="(/documents/[^"?#]+)"', listing)
    assert document
    page = demo_client.get(document.group(1)).get_data(as_text=True)
    region = facet(page, "region")
    link = re.search(r'<p class="facet-toggle"><a href="([^"]+)"', region)
    assert link and region.count("<li>") == facets.SHOWN
    assert link.group(1).replace("&amp;", "&") == f"{document.group(1)}?tout=region#facette-region"
    unfolded = facet(demo_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True), "region")
    assert unfolded.count("<li>") > facets.FOLD_ABOVE
