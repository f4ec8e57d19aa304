"""Per-worker page cache: replayed pages equal rendered ones, and a new build is seen at once."""

from __future__ import annotations

import pytest
from flask import Flask, request

from kb import create_app
from kb.builder import build
from kb.http import pagecache
from kb.store import make_engine
from tests.support.corpora import Built

PATHS = ["/", "/propositions/pass-foncier", "/recherche?q=foncier", "/recherche?q=industrie&type=proposition", "/api/v1/search?q=foncier"]


def _headers(resp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: v for k, v in resp.headers.items() if k != "Date"}


def test_replayed_pages_equal_rendered_pages_with_the_same_headers(built: Built, uncached_app: Flask) -> None:
    cached = create_app(built.config(PAGE_CACHE=True))
    uncached = uncached_app
    plain = uncached.test_client()
    client = cached.test_client()
    for path in PATHS:
        first, again, fresh = client.get(path), client.get(path), plain.get(path)
        assert first.status_code == again.status_code == 200, path
        assert first.get_data() == again.get_data() == fresh.get_data(), path
        assert _headers(first) == _headers(again) == _headers(fresh), path
    assert cached.extensions["kb.pages"].hits == len(PATHS)
    assert cached.extensions["kb.pages"].pages  # and the app with KB_PAGE_CACHE=false keeps nothing
    assert not uncached.extensions["kb.pages"].pages


def test_cookies_and_health_bypass_the_cache_and_conditional_requests_are_answered_from_it(built: Built) -> None:
    app = create_app(built.config(PAGE_CACHE=True))
    client = app.test_client()
    first = client.get("/propositions/pass-foncier")
    etag = first.headers.get("ETag")
    assert etag and "Date" in first.headers
    with_cookie = app.test_client()
    with_cookie.set_cookie("x", "1")
    with_cookie.get("/propositions/pass-foncier")
    client.get("/sante")
    client.get("/sante")
    assert app.extensions["kb.pages"].hits == 0
    assert not any("/sante" in key for key in app.extensions["kb.pages"].pages)
    # A conditional request is answered from the kept page, by Werkzeug's rule (the app's): 304 on a match, the page
    # otherwise; the kept page carries no Date of its own (the server dates each answer).
    kept = client.get("/propositions/pass-foncier", headers={"If-None-Match": etag})
    assert kept.status_code == 304 and kept.headers["ETag"] == etag and not kept.data and app.extensions["kb.pages"].hits == 1
    other = client.get("/propositions/pass-foncier", headers={"If-None-Match": 'W/"autre"'})
    assert other.status_code == 200 and other.data == first.data and app.extensions["kb.pages"].hits == 2
    page = next(iter(app.extensions["kb.pages"].pages.values()))
    assert not any(name.lower() == "date" for name, _ in page.headers)


def test_a_new_build_empties_the_cache(fresh: Built) -> None:
    app = create_app(fresh.config(PAGE_CACHE=True, PAGE_CACHE_TTL=0))
    client = app.test_client()
    assert "sanctuaire-foncier" in client.get("/recherche?q=sanctuariser").get_data(as_text=True)
    assert "sanctuaire-foncier" in client.get("/recherche?q=sanctuariser").get_data(as_text=True)
    assert app.extensions["kb.pages"].hits == 1
    path = fresh.data_dir / "proposals" / "sanctuaire-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Sanctuariser le foncier", "Protéger les zones"), "utf-8")
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    page = client.get("/propositions/sanctuaire-foncier").get_data(as_text=True)
    assert "Protéger les zones" in page
    assert 'data-id="sanctuaire-foncier"' not in client.get("/recherche?q=sanctuariser").get_data(as_text=True)
    assert app.extensions["kb.pages"].hits == 1


def test_the_cache_keeps_within_its_byte_bound(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagecache, "MAX_TOTAL_BYTES", 20_000)
    app = create_app(built.config(PAGE_CACHE=True))
    client = app.test_client()
    for path in PATHS:
        assert client.get(path).status_code == 200
    cache = app.extensions["kb.pages"]
    assert 0 < cache.size <= 20_000 and len(cache.pages) < len(PATHS)
    assert cache.size == sum(len(page.body) for page in cache.pages.values())


def test_a_replay_never_enters_flask_and_asks_the_database_only_which_build_is_served(fresh: Built) -> None:
    from sqlalchemy import event

    app = create_app(fresh.config(PAGE_CACHE=True, PAGE_CACHE_TTL=0))
    entered: list[str] = []
    app.teardown_request(lambda _exc: entered.append(request.path))  # runs for every request Flask handles
    client = app.test_client()
    first = client.get("/propositions/pass-foncier")
    statements: list[str] = []
    event.listen(app.extensions["kb.engine"], "before_cursor_execute", lambda *a: statements.append(a[2]))
    again = client.get("/propositions/pass-foncier")
    assert again.get_data() == first.get_data() and _headers(again) == _headers(first)
    assert entered == ["/propositions/pass-foncier"] and statements == []
    # Yet a build committed by another connection (another process: the same) is seen by the very next request.
    path = fresh.data_dir / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("title: ", "title: Nouveau titre — ", 1), "utf-8")
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    assert "Nouveau titre" in client.get("/propositions/pass-foncier").get_data(as_text=True)
    assert len(entered) == 2


def test_pages_are_kept_per_host_and_head_replays_the_headers_without_a_body(built: Built) -> None:
    app = create_app(built.config(PAGE_CACHE=True))
    client = app.test_client()
    for host in ("kb-a.example", "kb-b.example", "kb-a.example", "kb-b.example"):
        page = client.get("/propositions/pass-foncier", base_url=f"http://{host}").get_data(as_text=True)
        assert f'href="http://{host}/propositions/pass-foncier"' in page
    assert app.extensions["kb.pages"].hits == 2
    got, head = client.get("/recherche?q=foncier"), client.head("/recherche?q=foncier")
    assert head.status_code == 200 and head.get_data() == b""
    assert _headers(head) == _headers(got) and int(head.headers["Content-Length"]) == len(got.get_data())
    assert app.extensions["kb.pages"].hits == 3


def test_a_replay_within_the_ttl_runs_no_query_and_keeps_the_etag(built: Built) -> None:
    from sqlalchemy import event

    app = create_app(built.config(PAGE_CACHE=True, PAGE_CACHE_TTL=60))
    client = app.test_client()
    first = client.get("/propositions/pass-foncier")
    statements: list[str] = []
    event.listen(app.extensions["kb.engine"], "before_cursor_execute", lambda *a: statements.append(a[2]))
    again = client.get("/propositions/pass-foncier")
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert app.extensions["kb.pages"].hits == 1 and statements == []


def test_pages_the_api_cards_and_images_answer_conditional_requests_by_one_rule(built: Built) -> None:
    # One path for every answer (kb.http.caching, Werkzeug's make_conditional), the page cache off: a match is a 304
    # without a body, compared weakly as RFC 9110 asks of If-None-Match; the API's Last-Modified answers too; and a bad
    # parameter is still its 400, however conditional the request.
    client = create_app(built.config(PAGE_CACHE=False)).test_client()
    for path in ("/propositions/pass-foncier", "/api/v1/proposals/pass-foncier", "/propositions/pass-foncier/carte",
                 "/propositions/pass-foncier/apercu.png", "/comparer.csv", "/flux.atom"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and etag, path
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag, path
        weak = "W/" + etag.removeprefix("W/")
        assert client.get(path, headers={"If-None-Match": weak}).status_code == 304, path
        assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200, path
    api = client.get("/api/v1/proposals")
    assert client.get("/api/v1/proposals", headers={"If-Modified-Since": api.headers["Last-Modified"]}).status_code == 304
    assert client.get("/api/v1/proposals?limit=0", headers={"If-None-Match": "*"}).status_code == 400
    assert client.get("/propositions/inconnue", headers={"If-None-Match": "*"}).status_code == 404
