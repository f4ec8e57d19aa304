"""Fragments kept per build (kb.web.fragments): a page is the same whatever pages the worker rendered before it."""

from __future__ import annotations

import urllib.parse

from kb import create_app
from tests.support.corpora import Built

QUERIES = ["foncier", "usine", "énergie", "", "pass", "industrie", "normandie", "zzzz"]


def test_a_page_is_the_same_whatever_was_rendered_before(built: Built) -> None:
    paths = [f"/recherche?q={urllib.parse.quote(q)}{v}" for q in QUERIES for v in ("", "&tri=date", "&type=action")]
    paths += ["/axes/foncier-essai", "/documents/livre-essai", "/regions/normandie", "/filieres/automobile"]
    forward, backward = (create_app(built.config(PAGE_CACHE=False)).test_client() for _ in range(2))
    first = {p: forward.get(p).get_data() for p in paths}
    assert {p: backward.get(p).get_data() for p in reversed(paths)} == first
    assert {p: forward.get(p).get_data() for p in paths} == first  # and again, from what the first round kept


def test_a_kept_fragment_belongs_to_its_record(built: Built) -> None:
    client = create_app(built.config(PAGE_CACHE=False)).test_client()
    for q in QUERIES:
        page = client.get("/recherche", query_string={"q": q}).get_data(as_text=True)
        for item in page.split('<li class="result" data-id="')[1:]:
            record = item.split('"', 1)[0]
            assert f'href="/propositions/{record}"' in item or f'href="/actions/{record}"' in item
