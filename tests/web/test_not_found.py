"""A 404 that helps (issue 26, item 5): a near-miss record address offers the closest record and pre-fills the search
box with the address's words; any other unknown address keeps the plain page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from kb.content.typography import french

from .test_views import html


def _box(page: str) -> str | None:
    found = re.search(r'<input id="q" name="q" type="search" maxlength="200"(?: value="([^"]*)")?>', page)
    assert found, "no search box"
    return found.group(1)


def test_a_near_miss_record_address_suggests_the_closest_record_and_fills_the_search_box(client: FlaskClient) -> None:
    page = html(client, "/propositions/pass-fonciers", 404)
    assert french("Vouliez-vous dire ") + '<a href="/propositions/pass-foncier">Créer un pass foncier pour les PMI</a>' in page
    assert _box(page) == "pass fonciers"
    # Another kind's prefix: the closest record of that kind.
    assert '<a href="/axes/foncier-essai">' in html(client, "/axes/foncier-esai", 404)
    # The right id under the wrong kind's prefix: the record, wherever it is.
    assert '<a href="/propositions/pass-foncier">' in html(client, "/actions/pass-foncier", 404)


def test_an_address_close_to_nothing_only_fills_the_search_box(client: FlaskClient) -> None:
    page = html(client, "/propositions/xylophone-zorglub", 404)
    assert "Vouliez-vous dire" not in page and _box(page) == "xylophone zorglub"
    other = html(client, "/cette-page-n-existe-pas", 404)
    assert "Vouliez-vous dire" not in other and _box(other) is None
