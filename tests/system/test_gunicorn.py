"""The app under its production server, gunicorn with gunicorn.conf.py, on a loopback port: requests the test
client cannot send, workers that heal after a damaged build, hosts and SCRIPT_NAME as gunicorn passes them on.

The same behaviours in-process are in tests/web/ (test_security, test_health, test_cache_poisoning)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.config import NO_SITE_ADDRESS
from tests.support.corpora import ROOT, VALID, Built, build_corpus
from tests.support.servers import free_port, get, gunicorn, raw_get
from tests.web.test_cache_poisoning import REGION_FEED, SITE
from tests.web.test_health import DAMAGES, rebuild, truncate_segment

# Every test here starts gunicorn (tests/support/servers.py refuses to without this marker).
pytestmark = pytest.mark.server

RAW_TARGETS = [
    "/recherche?q=%ZZ%",
    "/recherche?q=%",
    "/recherche?q=%00",
    "/recherche?q=%C3%28",
    "/recherche?q=%FF%FE",
    "/recherche?q=%ED%A0%80",
    "/recherche?q=a%2A",
    "/recherche?%ZZ=1",
    "/recherche?q=foncier&page=%ZZ",
    "/recherche?q=foncier&page=-1",
    "/recherche?q=foncier&page=abc",
    "/recherche?q=foncier&page=99999999999999999999999",
    "/api/v1/search?q=%ZZ%",
    "/api/v1/search?q=%00",
    "/api/v1/search?q=foncier&limit=%ZZ",
]


def env_for(built: Built, **extra: str) -> dict[str, str]:
    """KB_* variables pointing a server at a built corpus."""
    return {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir), **extra}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn over the valid corpus, for requests the test client cannot send (raw request lines)."""
    dest = tmp_path_factory.mktemp("raw")
    built = build_corpus(VALID, dest)
    env = {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir)}
    with gunicorn(env, dest, workers=1) as base:
        yield int(base.rsplit(":", 1)[1])


def test_invalid_percent_encoding_and_nul_bytes_over_http(server: int) -> None:
    for target in RAW_TARGETS:
        ans = raw_get(server, target)
        if target.startswith("/api/") and ans.status == 404:
            continue  # the API is not there yet
        assert ans.status in (200, 400), f"{target}: HTTP {ans.status}"
        assert "content-security-policy" in ans.headers
    long = raw_get(server, "/recherche?q=" + "x" * 6000)
    assert long.status == 414 and "Adresse trop longue" in long.body


def test_gunicorn_workers_answer_503_on_a_damaged_build_and_heal_on_the_next(fresh: Built, tmp_path: Path) -> None:
    env = {"KB_DATA_DIR": str(fresh.data_dir), "KB_DATABASE_URL": fresh.database_url, "KB_INDEX_DIR": str(fresh.index_dir)}
    with gunicorn(env, tmp_path) as base:
        for damage in DAMAGES.values():
            assert get(base + "/recherche?q=usine").status == 200
            damage(fresh)
            assert get(base + "/sante").status == 503
            for url in ["/recherche?q=foncier", "/propositions/pass-foncier"]:
                ans = get(base + url)
                assert ans.status in (200, 503), (url, ans.status)  # a worker whose searcher holds the files may still answer
            rebuild(fresh)
            assert get(base + "/sante").status == 200
            assert "pass-foncier" in get(base + "/recherche?q=foncier").body


def test_a_segment_truncated_in_place_is_a_503_from_live_workers(fresh: Built, tmp_path: Path) -> None:
    # Both workers' threads hold the index memory-mapped (warm); reading past the new end of a truncated file through
    # the map is a SIGBUS, which killed every worker that searched. Each request checks the files first: a 503.
    with gunicorn(env_for(fresh), tmp_path) as base:
        for _ in range(12):
            assert get(base + "/api/v1/search?q=usine").status == 200
        log = next(tmp_path.glob("gunicorn-*.log"))
        booted = log.read_text().count("Booting worker")
        truncate_segment(fresh)
        for q in ("foncier", "industrie", "terrain", "pass", "energie", "chimie"):
            ans = get(base + f"/api/v1/search?q={q}")  # no answer at all (a dead worker) raises here
            assert ans.status == 503 and '"unavailable"' in ans.body, (q, ans.status)
        for url in ["/recherche?q=foncier", "/propositions/pass-foncier", "/sante"]:
            assert get(base + url).status == 503, url
        assert log.read_text().count("Booting worker") == booted and "SIGBUS" not in log.read_text()
        rebuild(fresh)
        assert "pass-foncier" in get(base + "/api/v1/search?q=foncier").body


def test_gunicorn_ignores_a_script_name_header_even_from_a_trusted_peer(built: Built, tmp_path: Path) -> None:
    with gunicorn(env_for(built), tmp_path, workers=1) as base:
        # Loopback is a trusted forwarder (KB_FORWARDED_ALLOW_IPS): this is the request of the issue, word for word.
        attack = get(base + REGION_FEED, headers={"SCRIPT_NAME": "/regions/normandie"})
        assert attack.status == 200 and "Normandie" in attack.body.split("<entry>")[0]
        again = get(base + REGION_FEED)
        assert again.body == attack.body


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
