"""The same code on a real PostgreSQL server: same query results, same pages and API answers as SQLite."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, select

from kb import create_app
from kb.builder import build, build_lock
from kb.store import Layout, build_info, home, linked, make_engine, queries
from kb.store.builds import MANIFEST
from kb.store.engine import BUILD_LOCK_KEY, replace_all
from kb.store.reader import Reader
from kb.store.tables import Proposal
from tests.support.corpora import VALID, Built
from tests.support.postgres import Cluster, start_cluster
from tests.support.servers import wait_until

# Every test here needs the throw-away cluster (tests/support/postgres.py refuses to start it without this marker).
pytestmark = pytest.mark.postgres
KB = Path(sys.executable).parent / "kb"
URLS = [
    "/",
    "/recherche?q=foncier",
    "/recherche?q=industriels&type=proposition",
    "/recherche",
    "/propositions/pass-foncier",
    "/propositions/ancien-pass-foncier",
    "/actions/implantation-normandie",
    "/documents/livre-essai",
    "/axes/foncier-essai",
    "/filieres/automobile",
    "/regions/normandie",
    "/propositions/inconnue",
    "/propositions/pass-foncier/carte",
    "/flux.atom",
    "/sitemap.xml",
    "/tableau-de-bord",
    "/api/v1/proposals",
    "/api/v1/proposals?sector=automobile",
    "/api/v1/proposals/pass-foncier",
    "/api/v1/actions/implantation-normandie",
    "/api/v1/documents/livre-essai",
    "/api/v1/search?q=foncier",
    "/api/v1/export/kb.json",
    "/api/v1/export/proposals.csv",
]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throw-away PostgreSQL cluster for the session; on CI a server that cannot start is a failure."""
    try:
        cluster = start_cluster()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL ne démarre pas (CI=true : échec, pas de saut) : {exc}")
        pytest.skip(f"PostgreSQL indisponible : {exc}")
    yield cluster
    cluster.stop()


def _build(dest: Path, database_url: str) -> Built:
    data = dest / "content"
    if not data.exists():
        shutil.copytree(VALID, data)
    built = Built(data, database_url, dest / "index")
    engine = make_engine(database_url)
    report = build(data, engine, built.index_dir)
    engine.dispose()
    assert report.ok, [p.format() for p in report.problems]
    return built


@pytest.fixture(scope="module")
def backends(postgres: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The test corpus built into SQLite and into PostgreSQL."""
    sqlite_dir, pg_dir = tmp_path_factory.mktemp("sqlite"), tmp_path_factory.mktemp("pg")
    return {
        "sqlite": _build(sqlite_dir, f"sqlite:///{sqlite_dir / 'kb.sqlite'}"),
        "postgresql": _build(pg_dir, postgres.create_database("kb_compare")),
    }


def plain(value: Any) -> Any:
    """Rows, dataclasses and containers as plain data, for comparing answers across backends."""
    if isinstance(value, SQLModel):
        return {k: plain(v) for k, v in value.model_dump().items() if k != "path"}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _answers(built: Built) -> dict[str, Any]:
    engine = make_engine(built.database_url)
    out: dict[str, Any] = {}
    with Session(engine) as session:
        s = Reader(session)
        for kind in queries.KINDS:
            out[f"all_of {kind}"] = queries.all_of(s, kind)
        pairs = [("proposal", "pass-foncier"), ("action", "implantation-normandie"), ("axis", "x")]
        out["get"] = [queries.get(s, k, i) for k, i in pairs]
        out["resolve_alias"] = [queries.resolve_alias(s, i) for i in ("ancien-pass-foncier", "inconnu")]
        out["find_kind"] = [queries.find_kind(s, i) for i in ("pass-foncier", "livre-essai", "normandie", "inconnu")]
        out["by_ids"] = queries.by_ids(s, "proposal", ["sanctuaire-foncier", "pass-foncier", "absent"])
        out["labels"] = queries.labels(s)
        out["proposal_view"] = linked.proposal_view(s, "pass-foncier")
        out["action_view"] = linked.action_view(s, "implantation-normandie")
        out["document_view"] = linked.document_view(s, "livre-essai")
        out["proposals_of_axis"] = linked.proposals_of_axis(s, "foncier-essai")
        out["axis_view"] = linked.axis_view(s, "foncier-essai")
        out["sector_view"] = linked.sector_view(s, "automobile")
        out["region_view"] = linked.region_view(s, "normandie")
        links = [("sector", "automobile"), ("region", "normandie")]
        out["linked_records"] = [linked.linked_records(s, rel, dst) for rel, dst in links]
        filters = [
            queries.Filters(),
            queries.Filters({"sector": ["automobile"]}),
            queries.Filters({"region": ["normandie"], "status": ["proposee"]}),
        ]
        for kind in ("proposal", "action"):
            for n, f in enumerate(filters):
                out[f"list_records {kind} {n}"] = queries.list_records(s, kind, f, limit=2, offset=0)
                out[f"list_records {kind} {n} page 2"] = queries.list_records(s, kind, f, limit=2, offset=2)
        out["home_view"] = home.home_view(s)
        result = plain(out)
    engine.dispose()
    return result


def test_queries_give_the_same_results_on_sqlite_and_postgresql(backends: dict[str, Built]) -> None:
    sqlite, pg = _answers(backends["sqlite"]), _answers(backends["postgresql"])
    assert sqlite["all_of proposal"], "the comparison must compare something"
    for key in sqlite:
        assert pg[key] == sqlite[key], key


def _normalised(built: Built, body: str) -> str:
    engine = make_engine(built.database_url)
    with Session(engine) as s:
        info = build_info(s)
    engine.dispose()
    for key in ("build_id", "built_at"):
        if info.get(key):
            body = body.replace(info[key], f"<{key}>")
    return re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?", "<now>", body)


@contextlib.contextmanager
def app_client(built: Built) -> Iterator[FlaskClient]:
    """A test client whose database connections are closed afterwards (psycopg warns about open ones)."""
    app = create_app(built.config())
    try:
        yield app.test_client()
    finally:
        app.extensions["kb.engine"].dispose()


def test_pages_and_api_answer_the_same_on_both_backends(backends: dict[str, Built]) -> None:
    with app_client(backends["sqlite"]) as sqlite_client, app_client(backends["postgresql"]) as pg_client:
        _compare({"sqlite": sqlite_client, "postgresql": pg_client}, backends)


def _compare(clients: dict[str, FlaskClient], backends: dict[str, Built]) -> None:
    compared = 0
    for url in URLS:
        answers = {}
        for name, client in clients.items():
            resp = client.get(url)
            answers[name] = (resp.status_code, resp.mimetype, _normalised(backends[name], resp.get_data(as_text=True)))
        assert answers["postgresql"][:2] == answers["sqlite"][:2], url
        assert answers["postgresql"][2] == answers["sqlite"][2], url
        compared += answers["sqlite"][0] == 200
    assert compared >= 5


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_request_keeps_its_snapshot_while_a_build_commits(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres").create_database("kb_snapshot")
    else:
        url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    built = _build(tmp_path, url)
    engine = make_engine(url)
    with Session(engine) as request_session:
        before = build_info(request_session)["build_id"]
        path = built.data_dir / "proposals" / "pass-foncier.yaml"
        path.write_text(path.read_text("utf-8").replace("Créer un pass foncier", "Instaurer un pass foncier"), "utf-8")
        report = build(built.data_dir, engine, built.index_dir)
        assert report.ok and report.build_id != before
        # Same transaction: the old build, whole (build id and rows agree).
        assert build_info(request_session)["build_id"] == before
        assert request_session.get(Proposal, "pass-foncier").title.startswith("Créer")  # type: ignore[union-attr]
    with Session(engine) as next_request:
        assert build_info(next_request)["build_id"] == report.build_id
        assert next_request.exec(select(Proposal).where(Proposal.id == "pass-foncier")).one().title.startswith("Instaurer")
    engine.dispose()


def test_kb_build_and_the_site_run_on_postgresql(postgres: Cluster, tmp_path: Path) -> None:
    url = postgres.create_database("kb_cli")
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    env = {**os.environ, "KB_DATABASE_URL": url, "KB_INDEX_DIR": str(tmp_path / "index"), "KB_DATA_DIR": str(data)}
    done = subprocess.run([str(KB), "build"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    built = Built(data, url, tmp_path / "index")
    with app_client(built) as client:
        health = client.get("/sante")
        assert health.status_code == 200 and health.json["build_id"] == Layout(built.index_dir).current()
        assert health.json["counts"]["proposal"] == 3
        assert "pass-foncier" in client.get("/recherche?q=foncier").get_data(as_text=True)
    with build_lock(Layout(built.index_dir)):
        refused = subprocess.run([str(KB), "build", "--no-wait"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert refused.returncode == 2 and "une autre construction est en cours" in refused.stderr


def test_builds_from_two_servers_take_turns_on_a_shared_database(postgres: Cluster, tmp_path: Path) -> None:
    import psycopg

    url = postgres.create_database("kb_two_nodes")
    built = _build(tmp_path, url)
    engine = make_engine(url)
    with Session(engine) as s:
        rows = [Proposal.model_validate(p.model_dump()) for p in s.exec(select(Proposal))]
    outcome: list[BaseException | None] = []

    def second_build() -> None:
        try:
            replace_all(engine, rows)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome.append(exc)

    # Another server's build is writing: it holds the build lock and has deleted rows, not committed yet.
    with psycopg.connect(postgres.dsn("kb_two_nodes")) as other:
        other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        other.execute("SELECT pg_advisory_xact_lock(%s)", (BUILD_LOCK_KEY,))
        other.execute("DELETE FROM proposal")
        thread = threading.Thread(target=second_build)
        thread.start()
        with psycopg.connect(postgres.dsn("kb_two_nodes"), autocommit=True) as watcher:
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            wait_until(lambda: watcher.execute(waiting).fetchone()[0] or not thread.is_alive(), "the second build asks for the lock")
        assert thread.is_alive(), "the second build must wait for the first one"
        other.commit()
    thread.join(timeout=60)
    # It then replaced the rows the first one committed, instead of failing with a serialization error.
    assert outcome == [None]
    with Session(engine) as s:
        assert {p.id for p in s.exec(select(Proposal))} == {"pass-foncier", "energie-locale", "sanctuaire-foncier"}
    engine.dispose()
    assert built.index_dir.is_dir()


def test_several_servers_share_one_database_each_with_its_own_index(postgres: Cluster, tmp_path: Path) -> None:
    url = postgres.create_database("kb_cluster")
    servers = {}
    for name in ("a", "b"):
        data = tmp_path / name / "content"
        shutil.copytree(VALID, data)
        servers[name] = Built(data, url, tmp_path / name / "index")

    def kb(server: Built, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KB_DATABASE_URL": url, "KB_INDEX_DIR": str(server.index_dir), "KB_DATA_DIR": str(server.data_dir)}
        return subprocess.run([str(KB), "build", *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)

    def health(server: Built) -> tuple[int, Any]:
        with app_client(server) as client:
            resp = client.get("/sante")
            return resp.status_code, resp.json

    a, b = servers["a"], servers["b"]
    assert kb(a).returncode == 0
    # B shares the database but has no index for its build: out of the load balancer's rotation.
    assert health(b)[0] == 503
    done = kb(b, "--index-only")
    assert done.returncode == 0, done.stderr
    status, body = health(b)
    assert status == 200 and body["build_id"] == Layout(a.index_dir).current() == Layout(b.index_dir).current()
    with app_client(a) as ca, app_client(b) as cb:
        assert ca.get("/recherche?q=foncier").get_data() == cb.get("/recherche?q=foncier").get_data()
    assert "déjà" in kb(b, "--index-only").stdout
    # B's index damaged (its list of files gone): --index-only builds it again instead of calling it « déjà » there.
    (Layout(b.index_dir).index(body["build_id"]) / MANIFEST).unlink()
    assert health(b)[0] == 503
    assert "construit" in kb(b, "--index-only").stdout and health(b)[0] == 200

    # A publishes a change; B, still on the old content, refuses to build a mismatched index.
    path = a.data_dir / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Créer un pass foncier", "Instaurer un pass foncier"), "utf-8")
    assert kb(a).returncode == 0
    assert health(b)[0] == 503
    refused = kb(b, "--index-only")
    assert refused.returncode == 1
    assert "diffère de la construction" in refused.stderr and "pass-foncier" in refused.stderr
    # Same content commit on B: it catches up.
    shutil.copy(path, b.data_dir / "proposals" / "pass-foncier.yaml")
    assert kb(b, "--index-only").returncode == 0
    status, body = health(b)
    assert status == 200 and body["build_id"] == Layout(a.index_dir).current()
    with app_client(b) as cb:
        assert "Instaurer" in cb.get("/recherche?q=instaurer").get_data(as_text=True)


@pytest.mark.server  # it runs gunicorn under load
def test_rebuilds_under_load_on_postgresql(postgres: Cluster, tmp_path: Path) -> None:
    from .test_publishing_while_serving import rebuilds_under_load

    rebuilds_under_load(_build(tmp_path, postgres.create_database("kb_load")), tmp_path)


def test_the_page_cache_sees_a_build_committed_by_another_server(postgres: Cluster, tmp_path: Path) -> None:
    from kb.store.builds import BuildWatch

    built = _build(tmp_path, postgres.create_database("kb_watch"))
    app = create_app(built.config(PAGE_CACHE=True))
    client = app.test_client()
    watch = BuildWatch(app.extensions["kb.engine"], built.database_url)
    assert watch.current() == Layout(built.index_dir).current()
    assert "Créer un pass foncier" in client.get("/propositions/pass-foncier").get_data(as_text=True)
    assert "Créer un pass foncier" in client.get("/propositions/pass-foncier").get_data(as_text=True)
    assert app.extensions["kb.pages"].hits == 1
    path = built.data_dir / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("title: ", "title: Titre changé ", 1), "utf-8")
    engine = make_engine(built.database_url)
    report = build(built.data_dir, engine, built.index_dir)
    engine.dispose()
    assert report.ok and watch.current() == report.build_id
    assert "Titre changé" in client.get("/propositions/pass-foncier").get_data(as_text=True)
    app.extensions["kb.engine"].dispose()
