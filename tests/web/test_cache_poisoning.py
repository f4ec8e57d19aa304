"""No cache poisoning: the page-cache key is what the app routes on, hosts are trusted from configuration, a bad Host
gets a 400, and pages built from the Host say so (Vary: Host)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.config import ConfigError, trusted_hosts
from tests.support.corpora import Built

REGION_FEED = "/regions/normandie/flux.atom"
SITE = "https://kb.exemple.fr"
# Every surface that writes an absolute address: canonical and og:url, feeds, sitemap, oEmbed, the API's urls.
ABSOLUTE = ["/propositions/pass-foncier", REGION_FEED, "/sitemap.xml", "/robots.txt", "/api/v1/proposals/pass-foncier",
            "/recherche?q=foncier", "/propositions/pass-foncier/carte"]


def test_a_script_name_never_shares_the_key_of_the_path_it_prefixes(built: Built) -> None:
    client = create_app(built.config()).test_client()
    # The attack: the site-wide feed (/flux.atom) asked with the region as SCRIPT_NAME, as a trusted forwarder can.
    poisoned = client.get("/flux.atom", environ_overrides={"SCRIPT_NAME": "/regions/normandie"})
    assert poisoned.status_code == 200
    plain = client.get(REGION_FEED).get_data(as_text=True)
    assert plain == create_app(built.config(PAGE_CACHE=False)).test_client().get(REGION_FEED).get_data(as_text=True)
    assert "Normandie" in plain.split("<entry>")[0]


def test_without_a_site_address_pages_follow_the_host_and_say_so(built: Built) -> None:
    client = create_app(built.config()).test_client()
    for path in ABSOLUTE:
        evil = client.get(path, headers={"Host": "evil.example"})
        plain = client.get(path)
        assert "Host" in evil.headers.get("Vary", ""), path
        assert "Host" in plain.headers.get("Vary", ""), path
        assert "evil.example" not in plain.get_data(as_text=True), path
    # The API's redirect of a former id names the host in its Location: it varies by host too.
    former = client.get("/api/v1/proposals/ancien-pass-foncier", headers={"Host": "evil.example"})
    assert former.status_code == 301 and former.headers["Location"].startswith("http://evil.example/")
    assert "Host" in former.headers["Vary"]


@pytest.fixture
def production(built: Built) -> FlaskClient:
    """The site as configured in production: KB_SITE_URL set, so TRUSTED_HOSTS derives from it."""
    app = create_app(built.config(SITE_URL=SITE))
    assert app.config["TRUSTED_HOSTS"] == ["kb.exemple.fr", "localhost", "127.0.0.1", "::1"]
    return app.test_client()


@pytest.mark.parametrize("host", ["evil.example", "kb.exemple.fr.evil.example", "evil.example:443"])
def test_an_untrusted_host_gets_a_french_400(production: FlaskClient, host: str) -> None:
    for path in ABSOLUTE:
        resp = production.get(path, headers={"Host": host})
        assert resp.status_code == 400, (path, host)
        text = resp.get_data(as_text=True)
        assert "evil.example" not in text
        assert "Nom de site inconnu ou mal formé" in text or "bad_request" in text


def test_with_a_site_address_pages_are_built_from_it_only(production: FlaskClient) -> None:
    for path in ABSOLUTE:
        for host in ("kb.exemple.fr", "localhost", "127.0.0.1:8000"):
            resp = production.get(path, headers={"Host": host})
            assert resp.status_code == 200, (path, host)
            assert "Vary" not in resp.headers, (path, host)
            text = resp.get_data(as_text=True)
            assert "http://localhost" not in text and "http://127.0.0.1" not in text, (path, host)
    assert f'<link rel="canonical" href="{SITE}/propositions/pass-foncier">' in production.get("/propositions/pass-foncier").get_data(
        as_text=True)
    former = production.get("/api/v1/proposals/ancien-pass-foncier", headers={"Host": "localhost"})
    assert former.status_code == 301 and former.headers["Location"] == f"{SITE}/api/v1/proposals/pass-foncier"
    # oEmbed answers for the site's address only, whatever Host asked.
    url = f"/oembed?url={SITE}/propositions/pass-foncier"
    assert production.get(url, headers={"Host": "localhost"}).status_code == 200
    assert production.get("/oembed?url=http://localhost/propositions/pass-foncier").status_code == 404


@pytest.mark.parametrize("host", ["a b", "exa mple.fr", "evil.example:99999", "", "[::1", "evil.example\\x"])
def test_a_malformed_host_gets_a_400_never_http_colon_slash(built: Built, host: str) -> None:
    client = create_app(built.config()).test_client()
    for path in ["/propositions/pass-foncier", "/api/v1/proposals/pass-foncier", "/sitemap.xml"]:
        resp = client.get(path, headers={"Host": host})
        assert resp.status_code == 400, (path, host)
        assert "http:/" not in resp.get_data(as_text=True).replace("http://www.w3.org", "")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"TRUSTED_HOSTS": '["kb.cpme.fr", ".cpme.fr"]'}, ['["kb.cpme.fr"', '".cpme.fr"]']),
        ({"TRUSTED_HOSTS": ["KB.cpme.fr", ".cpme.fr"]}, ["kb.cpme.fr", ".cpme.fr"]),
        ({"TRUSTED_HOSTS": "kb.cpme.fr, www.kb.cpme.fr"}, ["kb.cpme.fr", "www.kb.cpme.fr"]),
        ({"SITE_URL": "https://kb.cpme.fr/"}, ["kb.cpme.fr", "localhost", "127.0.0.1", "::1"]),
        ({"SITE_URL": "https://kb.cpme.fr", "TRUSTED_HOSTS": "autre.fr"}, ["autre.fr"]),
        ({}, None),
    ],
)
def test_trusted_hosts_come_from_configuration(config: dict[str, object], expected: list[str] | None) -> None:
    assert trusted_hosts(config) == expected


def test_trusted_hosts_from_the_environment(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TRUSTED_HOSTS", '["kb.cpme.fr", "localhost"]')  # JSON, as Flask reads KB_* variables
    app = create_app(built.config())
    assert app.config["TRUSTED_HOSTS"] == ["kb.cpme.fr", "localhost"]
    assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
    assert app.test_client().get("/", headers={"Host": "kb.cpme.fr"}).status_code == 200


def test_production_needs_a_site_address() -> None:
    with pytest.raises(ConfigError, match="KB_SITE_URL"):
        trusted_hosts({}, under_gunicorn=True)
    assert trusted_hosts({"SITE_URL": SITE}, under_gunicorn=True)
