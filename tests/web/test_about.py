"""Who we are: /a-propos (contents, publisher, sourcing, coverage computed from the data), /mentions-legales,
/accessibilite (RGAA form), the publisher from configuration, and the footer links on every page."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.content.typography import french
from kb.web.about import CHECKED_PAGE_TYPES
from tests.support.corpora import Built

PUBLISHER = {
    "PUBLISHER_NAME": "CPME Normandie",
    "PUBLISHER_ADDRESS": "1 rue d'Essai, 14000 Caen",
    "PUBLISHER_CONTACT": "contact@exemple.test",
    "PUBLICATION_DIRECTOR": "Directrice d'essai",
    "HOST_NAME": "Hébergeur d'essai",
    "HOST_ADDRESS": "2 avenue d'Essai, 75000 Paris",
}


@pytest.fixture
def published(built: Built) -> FlaskClient:
    """The site with its publisher configured, as KB_PUBLISHER_NAME… would set it."""
    return create_app(built.config(**PUBLISHER)).test_client()


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"[ \n]+", " ", response.get_data(as_text=True))


def test_about_says_what_the_base_holds_computed_from_the_data(client: FlaskClient) -> None:
    page = text(client, "/a-propos")
    assert french("<strong>2 documents sources</strong> : 1 livre blanc, 1 rapport") in page
    assert "<strong>3 axes</strong>" in page and "<strong>3 propositions</strong>" in page
    assert "<strong>1 action régionale</strong> dans 1 région" in page
    # Every proposal and action cites a source; the count of sources and exact quotes comes from the records.
    assert french("Les 4 fiches de propositions et d'actions s'appuient sur 4 sources, dont 2 citations exactes.") in page
    assert "(1 lien de ce genre entre propositions et actions)" in page  # the one editorial link of the corpus
    rows = re.findall(r'<tr><th scope="row"><a href="/documents/([^"]+)">.*?</tr>', page)
    assert rows == ["livre-essai", "rapport-essai"]
    livre = re.search(r'<tr><th scope="row"><a href="/documents/livre-essai">.*?</tr>', page).group(0)
    assert re.findall(r'<td class="num">([^<]+)</td>', livre) == ["2", "4", "3"]  # held, announced, citing
    rapport = re.search(r'<tr><th scope="row"><a href="/documents/rapport-essai">.*?</tr>', page).group(0)
    assert "non précisé" in rapport


def test_the_publisher_comes_from_configuration(published: FlaskClient) -> None:
    legal = text(published, "/mentions-legales")
    for value in PUBLISHER.values():
        assert french(value.replace("'", "&#39;")) in legal, value
    assert '<a href="mailto:contact@exemple.test">contact@exemple.test</a>' in legal
    assert "Publiée par CPME Normandie." in text(published, "/")
    assert french("Éditeur : CPME Normandie.") in text(published, "/a-propos")
    assert "CPME Normandie s’engage à rendre son site internet accessible" in text(published, "/accessibilite")


def test_an_unset_publisher_is_said_to_be_missing_never_guessed(client: FlaskClient) -> None:
    legal = text(client, "/mentions-legales")
    assert legal.count('<span class="muted">non renseigné</span>') == 6
    assert "Publiée par" not in text(client, "/")
    assert "L’éditeur de ce site s’engage" in text(client, "/accessibilite")


def test_the_accessibility_statement_follows_the_rgaa_form(client: FlaskClient) -> None:
    page = text(client, "/accessibilite")
    headings = ("État de conformité", "Résultats des tests", "Contenus non accessibles",
                "Établissement de cette déclaration d’accessibilité", "Retour d’information et contact", "Voies de recours")
    for heading in headings:
        assert f">{heading}</h2>" in page, heading
    assert "est <strong>partiellement conforme</strong> avec le référentiel général d’amélioration de l’accessibilité (RGAA)" in page
    assert "Aucun audit complet selon le RGAA n’a encore été réalisé" in page
    checked = re.search(r'<ul class="checked-pages">(.*?)</ul>', page).group(1)
    assert re.findall(r"<li>(.*?)</li>", checked) == [french(t.replace("'", "&#39;")) for t in CHECKED_PAGE_TYPES]
    assert "Libre réponse 71120, 75342 Paris CEDEX 07" in page


@pytest.mark.parametrize("url", ["/", "/propositions/pass-foncier", "/regions", "/tableau-de-bord", "/api", "/page-inconnue"])
def test_every_page_links_who_we_are_from_its_footer(client: FlaskClient, url: str) -> None:
    footer = re.search(r'<footer class="site">.*?</footer>', client.get(url).get_data(as_text=True), re.S).group(0)
    for path in ("/a-propos", "/mentions-legales", "/accessibilite"):
        assert f'<a href="{path}">' in footer, (url, path)
    assert french("Accessibilité : partiellement conforme") in footer
