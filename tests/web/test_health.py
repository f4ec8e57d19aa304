"""Health that tells the truth: /sante checks the database, the build, the index files and a probe search; while the
served build cannot be read the site answers a French 503 (never a 500 or a 404), and the next good build heals it
without a restart."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlmodel import Session

from kb import create_app
from kb.builder import build
from kb.store import Layout, make_engine, verify_index
from kb.store.builds import MANIFEST
from kb.store.tables import Proposal
from tests.support.corpora import Built
from tests.support.servers import free_port

# Pages that read the index (search, a record with its « propositions proches », the API search) or only the
# database (home, a record's card): none of them may answer 500 or 404 while the build is unreadable.
PAGES = ["/recherche?q=foncier", "/propositions/pass-foncier", "/", "/propositions/pass-foncier/carte", "/documents/livre-essai"]
API = "/api/v1/search?q=foncier"


def served_index(built: Built) -> Path:
    """The index folder of the build this server serves."""
    return Layout(built.index_dir).index(Layout(built.index_dir).current() or "")


def damage_segment(built: Built) -> None:
    """1 MB of random bytes in place of a segment file's content (written in place, as a failing disk would)."""
    segment = next(served_index(built).glob("*.seg"))
    with open(segment, "r+b") as fh:
        fh.write(os.urandom(1 << 20))


def zero_segment(built: Built) -> None:
    """A segment file's bytes all zeroed, in place (same file, same size): warm searchers read zeros through their map."""
    segment = next(served_index(built).glob("*.seg"))
    with open(segment, "r+b") as fh:
        fh.write(bytes(segment.stat().st_size))


def truncate_segment(built: Built) -> None:
    """A segment file cut to half its size, in place: reading the lost half through a memory map is a SIGBUS."""
    segment = next(served_index(built).glob("*.seg"))
    os.truncate(segment, segment.stat().st_size // 2)


def unlist_and_garble(built: Built) -> None:
    """kb-files.json deleted, then a segment overwritten: nothing is left to tell the damage by its files."""
    (served_index(built) / MANIFEST).unlink()
    damage_segment(built)


def damage_metadata(built: Built) -> None:
    """kb-meta.json (synonyms, accents) cut short."""
    meta = served_index(built) / "kb-meta.json"
    meta.write_text(meta.read_text("utf-8")[:40], "utf-8")


def delete_folder(built: Built) -> None:
    """The served build's index folder removed."""
    shutil.rmtree(served_index(built))


DAMAGES: dict[str, Callable[[Built], None]] = {"segment": damage_segment, "zeroed": zero_segment, "metadata": damage_metadata,
                                               "unlisted": unlist_and_garble, "folder": delete_folder}


def rebuild(built: Built) -> None:
    """A new good build of the same content (a new build id, a new index folder)."""
    engine = make_engine(built.database_url)
    try:
        assert build(built.data_dir, engine, built.index_dir).ok
    finally:
        engine.dispose()


def assert_unavailable(client: FlaskClient, urls: list[str]) -> None:
    """Every page answers the French 503 page, the API its JSON 503, each with Retry-After."""
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 503, (url, resp.status_code)
        assert resp.headers["Retry-After"] == "30"
        text = resp.get_data(as_text=True)
        assert "Service momentanément indisponible" in text and "Erreur du serveur" not in text, url
    api = client.get(API)
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"


def test_health_checks_every_part(built: Built) -> None:
    resp = create_app(built.config()).test_client().get("/sante")
    assert resp.status_code == 200
    assert resp.json["checks"] == {"database": "ok", "build": "ok", "index": "ok", "search": "ok"}
    assert "failing" not in resp.json


def in_new_thread(check: Callable[[], None]) -> None:
    """Run check in a thread of its own, as a restarted worker would: no searcher opened before (they are per thread)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            check()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def assert_health_names_the_index(client: FlaskClient) -> None:
    """/sante answers 503 naming the index, after the database and the build passed."""
    health = client.get("/sante")
    assert health.status_code == 503, health.json
    assert health.json["status"] == "indisponible" and health.json["failing"] == "index"
    assert health.json["checks"]["database"] == "ok" and health.json["checks"]["build"] == "ok"
    assert "kb build" in health.json["message"]


def assert_served(client: FlaskClient) -> None:
    """/sante, every page and the API answer 200."""
    assert client.get("/sante").status_code == 200
    for url in [*PAGES, API]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_is_a_503_everywhere_until_the_next_build(fresh: Built, damage: str) -> None:
    # A running worker: its searcher open and pages kept from before the damage.
    client = create_app(fresh.config()).test_client()
    assert client.get("/recherche?q=usine").status_code == 200 and client.get("/sante").status_code == 200
    DAMAGES[damage](fresh)
    assert_health_names_the_index(client)
    if damage in ("segment", "zeroed", "unlisted"):
        # It meets the damage while searching: a 503, never a 500.
        assert_unavailable(client, ["/recherche?q=foncier", "/propositions/pass-foncier"])

    # A worker started after the damage, or a new thread of this one.
    def restarted() -> None:
        assert_health_names_the_index(client)
        assert_unavailable(client, PAGES)

    in_new_thread(restarted)
    rebuild(fresh)
    assert_served(client)
    in_new_thread(lambda: assert_served(client))


def test_a_file_changed_since_the_build_is_named(fresh: Built) -> None:
    folder = served_index(fresh)
    segment = next(folder.glob("*.seg"))
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped: same size, different content
    segment.write_bytes(bytes(data))
    body = create_app(fresh.config()).test_client().get("/sante").json
    assert body["failing"] == "index"
    assert f"fichier « {segment.name} » modifié depuis la construction (contenu différent)" in body["message"]
    for broken in ("[", "{}", '{"a": 5}', '{"a": [1]}'):
        (folder / MANIFEST).write_text(broken, "utf-8")
        assert "liste des fichiers de l'index illisible" in create_app(fresh.config()).test_client().get("/sante").json["message"]


def test_an_index_that_disagrees_with_the_database_fails_the_search_probe(fresh: Built) -> None:
    engine = make_engine(fresh.database_url)
    with Session(engine) as session:
        session.delete(session.get(Proposal, "energie-locale"))
        session.commit()
    engine.dispose()
    body = create_app(fresh.config()).test_client().get("/sante").json
    assert body["failing"] == "search" and body["checks"]["index"] == "ok"
    assert "l'index compte 4 fiches publiques, la base 3" in body["message"]


def test_an_unreachable_database_is_a_503_page_not_a_404(tmp_path: Path) -> None:
    down = Built(tmp_path, f"postgresql+psycopg://kb@127.0.0.1:{free_port()}/kb", tmp_path / "index")
    app = create_app(down.config())
    try:
        client = app.test_client()
        assert_unavailable(client, ["/", "/recherche?q=foncier", "/propositions/pass-foncier"])
        assert client.get("/sante").json["failing"] == "database"
    finally:
        app.extensions["kb.engine"].dispose()


def test_a_database_lost_during_a_request_is_a_503(built: Built, tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    app: Flask = create_app(built.config(PROPAGATE_EXCEPTIONS=False))
    dead = make_engine(f"postgresql+psycopg://kb@127.0.0.1:{free_port()}/kb")

    @app.get("/essai-base")
    def lost() -> str:
        if request.args.get("perdue"):
            app.extensions["kb.engine"] = dead  # the database stops answering while this request runs
        raise OperationalError("SELECT 1", {}, Exception("connexion perdue"))

    try:
        client = app.test_client()
        assert client.get("/essai-base").status_code == 500  # the database still answers: a real error
        lost_answer = client.get("/essai-base?perdue=1")
        assert lost_answer.status_code == 503 and "Service momentanément indisponible" in lost_answer.get_data(as_text=True)
    finally:
        dead.dispose()


def test_other_errors_stay_500(built: Built) -> None:
    app: Flask = create_app(built.config(PROPAGATE_EXCEPTIONS=False))

    @app.get("/essai-panne")
    def broken() -> str:
        raise RuntimeError("panne sans rapport avec l'index")

    resp = app.test_client().get("/essai-panne")
    assert resp.status_code == 500 and "Erreur du serveur" in resp.get_data(as_text=True)


# Damage to a segment under a running app, each met by the API first (no page has dropped the searcher before it).
UNDER_A_RUNNING_APP = {"overwritten": damage_segment, "zeroed": zero_segment, "unlisted": unlist_and_garble}


@pytest.mark.parametrize("damage", UNDER_A_RUNNING_APP)
def test_a_segment_damaged_under_a_running_app_answers_the_api_503_before_any_page(fresh: Built, damage: str) -> None:
    # Every answer is the JSON 503 with Retry-After, never a 500 (the API has no catch-all of its own: errors are the
    # HTTP floor's) nor a 200 with no results (a segment zeroed in place reads as an empty index), until a new build.
    client = create_app(fresh.config(PAGE_CACHE=False)).test_client()
    assert client.get("/api/v1/search?q=usine").status_code == 200
    UNDER_A_RUNNING_APP[damage](fresh)
    for q in ("foncier", "industrie", "terrain", "pass"):
        resp = client.get(f"/api/v1/search?q={q}")
        assert resp.status_code == 503, (q, resp.status_code, resp.get_data(as_text=True)[:200])
        assert resp.json["error"]["code"] == "unavailable" and resp.headers["Retry-After"] == "30"
    for path in ("/api/v1/proposals", "/api/v1/proposals/pass-foncier", "/api/v1/export/kb.json"):
        assert client.get(path).status_code == 503, path
    page = client.get("/recherche?q=foncier")
    assert page.status_code == 503 and "Service momentanément indisponible" in page.get_data(as_text=True)
    assert_health_names_the_index(client)
    # The next build never copies the damaged files: it starts afresh, and answers right.
    rebuild(fresh)
    found = client.get("/api/v1/search?q=foncier")
    assert found.status_code == 200 and "pass-foncier" in [hit["id"] for hit in found.json["data"]]
    assert client.get("/sante").status_code == 200
    assert verify_index(served_index(fresh)) is None


def test_a_missing_manifest_is_damage(fresh: Built) -> None:
    (served_index(fresh) / MANIFEST).unlink()
    assert verify_index(served_index(fresh)) == "liste des fichiers de l'index (kb-files.json) absente"
    body = create_app(fresh.config()).test_client().get("/sante").json
    assert body["failing"] == "index" and "kb-files.json" in body["message"]
