"""No cache poisoning: the page-cache key is what the app routes on, hosts are trusted from configuration, a bad Host
gets a 400, and pages built from the Host say so (Vary: Host)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.config import NO_SITE_ADDRESS, ConfigError, trusted_hosts
from tests.support.corpora import ROOT, Built
from tests.support.servers import free_port, get, gunicorn

REGION_FEED = "/regions/normandie/flux.atom"
SITE = "https://kb.exemple.fr"
# Every surface that writes an absolute address: canonical and og:url, feeds, sitemap, oEmbed, the API's urls.
ABSOLUTE = ["/propositions/pass-foncier", REGION_FEED, "/sitemap.xml", "/robots.txt", "/api/v1/proposals/pass-foncier",
            "/recherche?q=foncier", "/propositions/pass-foncier/carte"]


def env_for(built: Built, **extra: str) -> dict[str, str]:
    """KB_* variables pointing a server at a built corpus."""
    return {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir), **extra}


def test_a_script_name_never_shares_the_key_of_the_path_it_prefixes(built: Built) -> None:
    client = create_app(built.config()).test_client()
    # The attack: the site-wide feed (/flux.atom) asked with the region as SCRIPT_NAME, as a trusted forwarder can.
    poisoned = client.get("/flux.atom", environ_overrides={"SCRIPT_NAME": "/regions/normandie"})
    assert poisoned.status_code == 200
    plain = client.get(REGION_FEED).get_data(as_text=True)
    assert plain == create_app(built.config(PAGE_CACHE=False)).test_client().get(REGION_FEED).get_data(as_text=True)
    assert "Normandie" in plain.split("<entry>")[0]


def test_gunicorn_ignores_a_script_name_header_even_from_a_trusted_peer(built: Built, tmp_path: Path) -> None:
    with gunicorn(env_for(built), tmp_path, workers=1) as base:
        # Loopback is a trusted forwarder (KB_FORWARDED_ALLOW_IPS): this is the request of the issue, word for word.
        attack = get(base + REGION_FEED, headers={"SCRIPT_NAME": "/regions/normandie"})
        assert attack.status == 200 and "Normandie" in attack.body.split("<entry>")[0]
        again = get(base + REGION_FEED)
        assert again.body == attack.body


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


def test_gunicorn_refuses_to_start_without_a_site_address(built: Built, tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("KB_SITE_URL", "KB_TRUSTED_HOSTS")}
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{free_port()}", "kb:create_app()"]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**env, **env_for(built)}, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode != 0
    assert NO_SITE_ADDRESS in done.stderr


def test_gunicorn_with_a_site_address_refuses_other_hosts(built: Built, tmp_path: Path) -> None:
    with gunicorn(env_for(built, KB_SITE_URL=SITE), tmp_path, workers=1) as base:
        evil = get(base + "/propositions/pass-foncier", headers={"Host": "evil.example"})
        assert evil.status == 400 and "Nom de site inconnu" in evil.body
        good = get(base + "/propositions/pass-foncier", headers={"Host": "kb.exemple.fr"})
        assert good.status == 200 and f"{SITE}/propositions/pass-foncier" in good.body
        # The machine itself (health checks, staff on the server) is answered, with the site's links.
        local = get(base + "/propositions/pass-foncier")
        assert local.status == 200 and "http://127.0.0.1" not in local.body
        assert get(base + "/sante").status == 200
