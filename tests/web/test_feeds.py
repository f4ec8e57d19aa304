"""Atom feeds: valid for a real parser, permanent entry ids, the right records, advertised on their pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from flask.testing import FlaskClient

from kb import create_app
from tests.support.corpora import Built

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = {
    "/flux.atom": {"pass-foncier", "energie-locale", "sanctuaire-foncier", "implantation-normandie"},
    "/documents/livre-essai/flux.atom": {"pass-foncier", "energie-locale", "implantation-normandie"},
    "/axes/foncier-essai/flux.atom": {"pass-foncier", "implantation-normandie"},
    "/filieres/chimie/flux.atom": {"energie-locale", "implantation-normandie"},
    # A region's records and the proposals of national scope, which concern it too.
    "/regions/normandie/flux.atom": {"energie-locale", "implantation-normandie", "pass-foncier", "sanctuaire-foncier"},
    "/organisations/federation-essai/flux.atom": {"pass-foncier", "energie-locale", "implantation-normandie"},
    "/organisations/institut-essai/flux.atom": {"sanctuaire-foncier"},
    "/recherche.atom?q=foncier&axe=foncier-essai": {"pass-foncier"},  # as on /recherche: actions have no axis there
    "/recherche.atom?type=proposition&statut=proposee": {"pass-foncier", "sanctuaire-foncier"},
    "/recherche.atom?region=normandie&portee=regionale": {"energie-locale", "implantation-normandie"},
}


def parse(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    """Fetch and parse a feed; it must be served as Atom and parse without any error."""
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    assert resp.mimetype == "application/atom+xml"
    feed = feedparser.parse(resp.data)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    return feed


def ids(feed: feedparser.FeedParserDict) -> set[str]:
    """Record ids of a feed's entries, from their links."""
    return {e.link.rsplit("/", 1)[1] for e in feed.entries}


@pytest.mark.parametrize(("url", "expected"), FEEDS.items())
def test_feeds_parse_cleanly_and_hold_the_right_records(client: FlaskClient, url: str, expected: set[str]) -> None:
    feed = parse(client, url)
    assert ids(feed) == expected
    for entry in feed.entries:
        assert entry.title and entry.summary and entry.updated_parsed
        assert entry.id.startswith("tag:cpme.fr,2025:kb/") and entry.id.endswith(entry.link.split("localhost", 1)[1])
        assert entry.link.startswith("http://localhost/")
    dates = [e.updated_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_feed_level_elements_required_by_rfc_4287(client: FlaskClient) -> None:
    root = ET.fromstring(client.get("/axes/foncier-essai/flux.atom").data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://localhost/axes/foncier-essai/flux.atom"
    assert links["alternate"] == "http://localhost/axes/foncier-essai"
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}link").get("href")


def test_entry_ids_are_permanent_across_builds_and_hosts(built: Built, fresh: Built) -> None:
    first = create_app(built.config()).test_client()
    second = create_app(fresh.config(SITE_URL="https://autre-hote.example.org")).test_client()
    a, b = parse(first, "/flux.atom"), parse(second, "/flux.atom")
    assert [e.id for e in a.entries] == [e.id for e in b.entries]
    assert a.feed.id == b.feed.id and a.feed.updated == b.feed.updated
    assert b.entries[0].link.startswith("https://autre-hote.example.org/")


def test_feed_of_unknown_record_is_404_and_bad_filter_400(client: FlaskClient) -> None:
    assert client.get("/axes/inconnu/flux.atom").status_code == 404
    assert client.get("/recherche.atom?statut=imaginaire").status_code == 400


def test_search_feed_id_and_self_link_keep_the_query_without_campaign_tags(client: FlaskClient) -> None:
    feed = parse(client, "/recherche.atom?q=foncier&utm_source=newsletter&utm_campaign=x")
    assert feed.feed.id == "tag:cpme.fr,2025:kb/recherche.atom?q=foncier"
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "http://localhost/recherche.atom?q=foncier"


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/flux.atom"),
        ("/documents/livre-essai", "/documents/livre-essai/flux.atom"),
        ("/axes/foncier-essai", "/axes/foncier-essai/flux.atom"),
        ("/filieres/chimie", "/filieres/chimie/flux.atom"),
        ("/regions/normandie", "/regions/normandie/flux.atom"),
        ("/recherche?q=foncier&axe=foncier-essai", "/recherche.atom?q=foncier&axe=foncier-essai"),
    ],
)
def test_pages_advertise_their_feed(client: FlaskClient, page: str, feed: str) -> None:
    html = client.get(page).get_data(as_text=True)
    found = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)
    assert found, page
    href = found.group(1).replace("&amp;", "&")
    assert href == "http://localhost" + feed
    parse(client, href.removeprefix("http://localhost"))
