"""French typography at render time: the filter's rules, what it leaves alone, and search still matching what people type."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.web.typography import APOSTROPHE, NARROW, NBSP, french, french_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'industrie", f"l{APOSTROPHE}industrie"),
        ("aujourd&#39;hui", f"aujourd{APOSTROPHE}hui"),
        ("« pass foncier PMI »", f"«{NARROW}pass foncier PMI{NARROW}»"),
        ("«coupe-file»", f"«{NARROW}coupe-file{NARROW}»"),
        ("«\u00a0x\u00a0»", f"«{NARROW}x{NARROW}»"),
        ("Recherche : foncier", f"Recherche{NARROW}: foncier"),
        ("Vraiment ? Oui ! Bien ; 13 %", f"Vraiment{NARROW}? Oui{NARROW}! Bien{NARROW}; 13{NARROW}%"),
        ("les 225 000 TPE et 23 000 PME", f"les 225{NBSP}000 TPE et 23{NBSP}000 PME"),
        ("1 000 000 d'emplois", f"1{NBSP}000{NBSP}000 d{APOSTROPHE}emplois"),
        ("le 28 janvier 2026", f"le 28{NBSP}janvier{NBSP}2026"),
        ("le 1er décembre 2025", f"le 1er{NBSP}décembre{NBSP}2025"),
        ("novembre 2025", f"novembre{NBSP}2025"),
        ("rapport n° 217", f"rapport n°{NBSP}217"),
    ],
)
def test_french_rules(text: str, expected: str) -> None:
    assert french(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://cpme17.fr/reindustrialiser-la-france?q=l'industrie&x=1",  # an address shown as text
        "à 10:30",  # no space typed before the colon: none added
        "50% des PME",  # idem before the per cent sign
        "en 2025 123 entreprises",  # a year then a number: not one number
        "",
        "   ",
    ],
)
def test_french_leaves_alone(text: str) -> None:
    assert french(text) == text


def test_french_is_idempotent() -> None:
    once = french("« l'industrie » : 225 000 TPE, le 28 janvier 2026 ?")
    assert french(once) == once


def test_french_html_touches_text_only() -> None:
    page = (
        '<p title="l\'attribut : intact">l\'industrie : « x »</p>'
        '<a href="/recherche?q=l%27industrie">Voir : ici</a>'
        "<pre><code>curl 'http://h/api' ; echo « a »</code></pre>"
        "<code>pass-foncier-pmi</code> <script>var a = 'b' ;</script>"
        '<input value="l\'industrie ?">'
        "<!-- l'avis : commentaire -->"
    )
    out = french_html(page)
    assert f"l{APOSTROPHE}industrie{NARROW}: «{NARROW}x{NARROW}»" in out
    assert f"Voir{NARROW}: ici" in out
    kept = ('title="l\'attribut : intact"', 'href="/recherche?q=l%27industrie"', "<pre><code>curl 'http://h/api' ; echo « a »</code></pre>",
            "<script>var a = 'b' ;</script>", 'value="l\'industrie ?"', "<!-- l'avis : commentaire -->")
    for piece in kept:
        assert piece in out


def test_pages_are_typeset_and_cards_and_data_are_not(client: FlaskClient) -> None:
    page = client.get("/propositions/pass-foncier").get_data(as_text=True)
    assert f"l{APOSTROPHE}implantation" in page and f"«{NARROW}Créer un pass foncier{NARROW}»" in page
    assert re.search(r'<time datetime="2025-11-20">20\u00a0novembre\u00a02025</time>', page)
    # The email card keeps plain spaces, and the API serves the records as written.
    card = client.get("/propositions/pass-foncier/carte").get_data(as_text=True)
    assert NARROW not in card and "l&#39;implantation" in card
    assert client.get("/api/v1/proposals/pass-foncier").get_json()["summary"].endswith("pour l'implantation des usines.")


@pytest.mark.parametrize("typed", ["l'implantation", f"l{APOSTROPHE}implantation"])
def test_search_finds_and_highlights_what_people_type(client: FlaskClient, typed: str) -> None:
    page = client.get("/recherche", query_string={"q": typed}).get_data(as_text=True)
    assert "pass-foncier" in re.findall(r'<li class="result" data-id="([^"]+)"', page)
    assert f'l{APOSTROPHE}<mark class="match term0">implantation</mark>' in page
    # The search box keeps what was typed, character for character.
    assert f'value="{typed.replace(chr(39), "&#39;")}"' in page
