"""Hostile input gets a page or a French 4xx, never a 500; headers, limits, caching and the health check."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from kb import create_app, search
from kb.search import suggesting
from kb.search.analysis import MAX_PREFIXES, MAX_WORD_CHARS, MAX_WORDS, build_query, clean_query
from kb.search.engine import MAX_PREFIX_TERMS, CappedPrefix
from kb.store import Layout
from tests.support.corpora import Built

HOSTILE = [
    '"foncier',
    'foncier"',
    '"""',
    "((foncier",
    "foncier))",
    "(",
    ")",
    "AND",
    "OR",
    "OU",
    "NOT",
    "-",
    "+",
    "|",
    "-foncier",
    "--",
    "*",
    "**",
    "a*",
    "f*",
    "*foncier",
    "fon*cier",
    "?",
    "~",
    "foncier~2",
    "foncier^10",
    "draft:true",
    "draft:1",
    "id:x",
    "type:proposal",
    "title:*",
    "ref:pass-foncier",
    "content:foncier",
    "\x00",
    "fon\x00cier",
    "%ZZ%",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 3000,
    "foncier " * 300,
    "🏭" * 100,
    "\u202e\u200b\ufeff",
    "OU OU OU",
    "-*",
    '"-"',
]
UNKNOWN_FILTERS = [
    {"statut": "zzz"},
    {"type": "<script>"},
    {"region": "\x00"},
    {"axe": "inconnu", "filiere": "inconnue", "document": "inconnu", "horizon": "jamais"},
    {"tri": "zzz"},
    {"status": "zzz", "sector": "x", "axis": "y", "limit": "abc"},
    {"limit": "100000", "offset": "-5"},
    {"page": "0"},
    {"updated_since": "2025-13-45"},
]


def search_paths(client: FlaskClient) -> list[str]:
    """The search endpoints that exist now: the page, and the JSON API's when it answers."""
    return ["/recherche"] + (["/api/v1/search"] if client.get("/api/v1/search?q=foncier").status_code == 200 else [])


def assert_clean(resp: object, where: str) -> None:
    """A normal answer, or a 4xx in French: never a server error."""
    status = resp.status_code  # type: ignore[attr-defined]
    body = resp.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status < 500, f"{where}: HTTP {status}"
    assert status in (200, 400, 414), f"{where}: HTTP {status}"
    if status != 200:
        french = r"invalide|trop|inconnu|permise|paramètre|doit|valeur|n'est pas|identifiant"
        assert re.search(french, body, re.I), f"{where}: no French message: {body[:200]}"


@pytest.mark.parametrize("query", HOSTILE, ids=[repr(q)[:30] for q in HOSTILE])
def test_hostile_queries_get_a_page_or_a_french_400(client: FlaskClient, query: str) -> None:
    for path in search_paths(client):
        assert_clean(client.get(path, query_string={"q": query}), f"{path} q={query[:40]!r}")


def test_unknown_filter_values_never_fail(client: FlaskClient) -> None:
    for path in search_paths(client):
        for params in UNKNOWN_FILTERS:
            assert_clean(client.get(path, query_string={"q": "foncier", **params}), f"{path} {params}")


def test_field_syntax_cannot_reach_internal_fields(built: Built) -> None:
    idx = search.open_index(Layout(built.index_dir).index(Layout(built.index_dir).current() or ""))
    try:
        # Field syntax is plain words: « draft:true » searches the words draft and true, never the draft flag.
        for text in ("draft:true", "id:pass-foncier", "type:proposal", "ref:ancien-pass-foncier"):
            query = build_query(text, [])
            # The user's words reach text fields only; kb's own bonus terms are fixed (flagship) or whole titles.
            terms = set(query.iter_all_terms()) if query is not None else set()
            assert {f for f, _t in terms} <= {"title", "summary", "content", "quotes", "titlekey", "flagship"}
            assert {t for f, t in terms if f == "flagship"} == {True}
        assert search.search(idx, "draft:true").total == 0
    finally:
        idx.close()


def test_ten_thousand_characters_and_long_urls_get_a_french_414(client: FlaskClient) -> None:
    for path in search_paths(client):
        resp = client.get(path, query_string={"q": "foncier " * 1250})
        assert resp.status_code == 414
        text = resp.get_data(as_text=True)
        assert "Adresse trop longue" in text
        if path.startswith("/api/"):
            assert resp.is_json and resp.json["error"]["message"]
    # Just under the cap: a normal page (the query itself is cut to its first words).
    assert client.get("/recherche", query_string={"q": "foncier " * 400}).status_code == 200


def test_in_process_search_bounds_any_query(built: Built) -> None:
    idx = search.open_index(Layout(built.index_dir).index(Layout(built.index_dir).current() or ""))
    try:
        assert search.search(idx, "foncier " * 1250 + "\x00" * 100).total >= 1
        assert search.search(idx, "a" * 10_000).total == 0
    finally:
        idx.close()


@pytest.mark.parametrize("page_cache", [False, True])
def test_security_headers_on_every_response(built: Built, page_cache: bool) -> None:
    # With the page cache on (production), the second request of each path is a replay: same headers.
    client = create_app(built.config(PAGE_CACHE=page_cache)).test_client()
    paths = ["/", "/recherche?q=foncier", "/sante", "/inconnu", "/propositions/inconnue", "/api/v1/search?q=foncier"]
    for path in paths + paths:
        resp = client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp) or re.search(r"default-src ([^;]+)", csp)
        assert script_src and "unsafe-inline" not in script_src.group(1), path
        assert "frame-ancestors 'none'" in csp, path
        assert "base-uri 'none'" in csp and "object-src 'none'" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert resp.headers["X-Frame-Options"] == "DENY"


def test_only_card_endpoints_may_be_framed(built: Built) -> None:
    app = create_app(built.config())
    # A stand-in card route, so the rule is tested whatever the newsletter blueprint offers today.
    app.add_url_rule("/essai/<record_id>/carte", "essai_carte", lambda record_id: f"<td style='color:red'>{record_id}</td>")
    client = app.test_client()
    cards = [r.rule.replace("<record_id>", "pass-foncier") for r in app.url_map.iter_rules() if r.rule.endswith("/carte")]
    cards += ["/propositions/pass-foncier/carte"] if any("<any(carte" in r.rule for r in app.url_map.iter_rules()) else []
    for path in cards:
        resp = client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors *" in csp, path
        assert "script-src" not in csp and "default-src 'none'" in csp, path  # no script at all
        assert "style-src 'unsafe-inline'" in csp
        assert "X-Frame-Options" not in resp.headers
    page = client.get("/propositions/pass-foncier/carte.txt")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_writes_on_read_only_endpoints_get_a_french_405(app: Flask, method: str) -> None:
    client = app.test_client()
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments]
    assert rules
    for rule in rules:
        resp = client.open(rule.rule, method=method, data={"x": "1"})
        assert resp.status_code == 405, f"{method} {rule.rule}"
        assert "GET" in resp.headers["Allow"]
        assert "Méthode non permise" in resp.get_data(as_text=True)


def test_request_bodies_are_capped_on_every_endpoint(built: Built) -> None:
    app = create_app(built.config())
    # No endpoint of the site takes a body; a stand-in shows the app-wide cap applies to any that would.
    app.add_url_rule("/essai-envoi", "essai_envoi", lambda: str(len(request.get_data())), methods=["POST"])
    client = app.test_client()
    assert client.post("/essai-envoi", data=b"x" * 1000).get_data(as_text=True) == "1000"
    big = client.post("/essai-envoi", data=b"x" * (65 * 1024))
    assert big.status_code == 413
    assert "trop volumineuse" in big.get_data(as_text=True)


def test_pages_are_cacheable_with_an_etag_and_304(fresh: Built) -> None:
    app = create_app(fresh.config())
    client = app.test_client()
    first = client.get("/recherche?q=foncier")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = client.get("/recherche?q=foncier", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/recherche?q=usine").headers["ETag"] != etag
    assert client.get("/").headers["ETag"] != etag
    # A new build changes every page's ETag.
    from kb.builder import build
    from kb.store import make_engine

    engine = make_engine(fresh.database_url)
    path = fresh.data_dir / "proposals" / "energie-locale.yaml"
    path.write_text(path.read_text("utf-8").replace("Sécuriser l'énergie", "Garantir l'énergie"), "utf-8")
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    after = client.get("/recherche?q=foncier", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


def test_errors_health_and_previews_are_not_publicly_cached(built: Built) -> None:
    client = create_app(built.config()).test_client()
    missing = client.get("/propositions/inconnue")
    assert "public" not in missing.headers.get("Cache-Control", "")
    assert client.get("/sante").headers["Cache-Control"] == "no-store"
    preview = create_app(built.config(SHOW_DRAFTS=True)).test_client().get("/")
    assert preview.headers["Cache-Control"] == "private, no-store"


def test_health_reports_the_build(built: Built) -> None:
    resp = create_app(built.config()).test_client().get("/sante")
    assert resp.status_code == 200 and resp.is_json
    body = resp.json
    assert body["status"] == "ok"
    assert body["build_id"] == Layout(built.index_dir).current()
    assert body["counts"]["proposal"] == 3 and body["counts"]["action"] == 1
    assert isinstance(body["index_age_seconds"], int) and body["index_age_seconds"] >= 0
    assert body["built_at"]


def test_health_is_503_without_a_build_or_without_this_nodes_index(tmp_path: Path, fresh: Built) -> None:
    empty = Built(tmp_path / "vide", f"sqlite:///{tmp_path / 'vide.sqlite'}", tmp_path / "index-vide")
    resp = create_app(empty.config()).test_client().get("/sante")
    assert resp.status_code == 503 and resp.json["status"] == "indisponible" and "kb build" in resp.json["message"]
    # The database names a build whose index this node does not have (another node built it).
    shutil.rmtree(Layout(fresh.index_dir).index(Layout(fresh.index_dir).current() or ""))
    resp = create_app(fresh.config()).test_client().get("/sante")
    assert resp.status_code == 503 and "Index de la construction" in resp.json["message"]


def test_prefix_expansion_is_capped(tmp_path: Path) -> None:
    # 400 distinct words sharing « ind », one of them in every record: the expansion keeps the frequent one.
    docs = []
    for n in range(40):
        words = " ".join(f"ind{chr(97 + (n * 10 + k) // 26 % 26)}{chr(97 + (n * 10 + k) % 26)}x" for k in range(10))
        docs.append(search.index_doc("proposal", f"r{n}", f"Titre {n}", summary="indispensable", body=words, updated="2025-01-01"))
    # A rare word, last in order and in frequency: past the cap, so « ind* » does not reach it.
    docs.append(search.index_doc("proposal", "rare", "Rare", summary="Seul", body="indzzzzz", updated="2025-01-01"))
    target = tmp_path / "ix"
    search.build_index(docs, [], target)
    idx = search.open_index(target)
    try:
        reader = idx.searcher.reader()
        assert sum(1 for _ in reader.expand_prefix("content", "ind")) > 300
        capped = list(CappedPrefix("content", "ind")._btexts(reader))
        assert len(capped) == MAX_PREFIX_TERMS
        assert b"indispens" in capped or "indispens" in capped
        query = build_query("ind*", [])
        assert query is not None
        terms = query.existing_terms(reader, expand=True)
        assert 0 < len(terms) <= 2 * 2 * MAX_PREFIX_TERMS  # (title, content) x (prefix, its stem)
        # The cap holds on the real search path, not only in the query object.
        assert search.search(idx, "ind*").total == 40
        assert [h.id for h in search.search(idx, "indzzzzz").hits] == ["rare"]
    finally:
        idx.close()


def test_query_keeps_its_first_words_only() -> None:
    words = [f"mot{n}" for n in range(MAX_WORDS + 10)]
    query = build_query(" ".join(words), [])
    assert query is not None
    texts = {t for f, t in query.iter_all_terms() if f == "content"}
    assert any(t.startswith("mot0") for t in texts)
    assert not any(t.startswith(f"mot{MAX_WORDS + 5}") for t in texts)


def test_oembed_never_fetches_the_url_it_is_given(client: FlaskClient) -> None:
    assert any(r.rule == "/oembed" for r in client.application.url_map.iter_rules()), "no /oembed endpoint"
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        for url in [f"http://127.0.0.1:{port}/propositions/pass-foncier", f"http://127.0.0.1:{port}/", "file:///etc/passwd"]:
            resp = client.get("/oembed", query_string={"url": url, "format": "json"})
            assert resp.status_code in (200, 400, 404), url
            assert "root:" not in resp.get_data(as_text=True)
        # Nobody connected to the address we gave: the endpoint matched it, it did not fetch it.
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_clean_query_bounds_words_and_word_length() -> None:
    cleaned = clean_query(" ".join(["x" * 500] * 50))
    assert cleaned.split() and all(len(w) <= MAX_WORD_CHARS for w in cleaned.split()) and len(cleaned) <= 256
    assert clean_query(" ".join(f"mot{n}" for n in range(40))).split() == [f"mot{n}" for n in range(MAX_WORDS)]
    assert clean_query("a" * 80) == "a" * 80  # a record id (80 characters at most) typed in the box stays whole


def test_a_query_expands_a_few_prefixes_only() -> None:
    query = build_query(" ".join(f"{w}*" for w in ("indus", "fonci", "energ", "souve", "compe", "forma", "trans")), [])
    assert query is not None
    prefixes = {node.text for node in _walk(query) if isinstance(node, CappedPrefix)}
    assert {"indus", "fonci", "energ", "souve"} <= prefixes  # the first MAX_PREFIXES, with their stems
    assert not any(p.startswith(("comp", "form", "tran")) for p in prefixes)
    assert MAX_PREFIXES == 4


def _walk(node: object) -> Iterator[object]:
    yield node
    for sub in getattr(node, "subqueries", ()) or ():
        yield from _walk(sub)
    for attr in ("a", "b"):
        if hasattr(node, attr) and not isinstance(getattr(node, attr), str):
            yield from _walk(getattr(node, attr))


def test_spelling_suggestion_corrects_a_few_words_only(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    idx = search.open_index(Layout(built.index_dir).index(Layout(built.index_dir).current() or ""))
    calls: list[str] = []
    real = suggesting.correction

    def counting(vocabulary: suggesting.Vocabulary, word: str) -> str | None:
        calls.append(word)
        return real(vocabulary, word)

    monkeypatch.setattr(suggesting, "correction", counting)
    try:
        words = "fonceir industrei energei souverainte competitivte formaiton finacement tranistion"
        search.suggest(idx, words)
        assert len(calls) == suggesting.MAX_CORRECTIONS
        calls.clear()
        search.suggest(idx, "fonc* mot1 mot2 -(x) \"y\" -fonceir")
        assert calls == []  # operators, exclusions and words with digits are not misspellings
    finally:
        idx.close()


def test_health_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    from tests.support.servers import free_port

    down = Built(tmp_path, f"postgresql+psycopg://kb@127.0.0.1:{free_port()}/kb", tmp_path / "index")
    app = create_app(down.config())
    try:
        resp = app.test_client().get("/sante")
    finally:
        app.extensions["kb.engine"].dispose()
    assert resp.status_code == 503 and resp.json["message"] == "base de données injoignable"


def test_error_answers_survive_a_broken_error_template(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2 import TemplateNotFound

    import kb.http.errors

    def broken(*_args: object, **_kw: object) -> str:
        raise TemplateNotFound("error.html")

    monkeypatch.setattr(kb.http.errors, "render_template", broken)
    resp = app.test_client().delete("/")
    assert resp.status_code == 405 and "Méthode non permise" in resp.get_data(as_text=True)
