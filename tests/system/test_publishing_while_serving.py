"""Publishing while serving: gunicorn under a client loop while builds land, a build killed mid-way, the build lock."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kb import create_app
from kb.build import BuildLocked, build, build_lock
from kb.store import Layout, make_engine
from tests.support.corpora import VALID, Built, build_corpus
from tests.support.servers import flock_waiters, get, gunicorn, wait_until

KB = Path(sys.executable).parent / "kb"


def kb_build(built: Built, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``kb build`` command on a built corpus's folders."""
    cmd = [str(KB), "build", "--data", str(built.data_dir), "--index", str(built.index_dir), "--database", built.database_url, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def env_for(built: Built) -> dict[str, str]:
    """KB_* variables pointing a server at a built corpus."""
    return {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir)}


def set_title(path: Path, title: str) -> None:
    """Rewrite the title line of a record file."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(f"title: {title}\n" if ln.startswith("title:") else ln for ln in lines), "utf-8")


@dataclass
class Load:
    """What the client threads saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    forbidden_seen: list[str] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)
    stamps: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(base: str, urls: list[str], load: Load, stop: threading.Event, seed: int, max_requests: int) -> None:
    rnd = random.Random(seed)
    # Once a client has seen a new build's marker, no later answer to it may lack it (no going back).
    seen: set[str] = set()
    for _ in range(max_requests):
        if stop.is_set():
            return
        url = rnd.choice(urls)
        try:
            ans = get(base + url)
        except OSError as exc:
            with load.lock:
                load.failures.append(f"{url}: {exc!r}")
            continue
        with load.lock:
            load.statuses[ans.status] += 1
            load.stamps.append(time.monotonic())
            if ans.status != 200:
                load.failures.append(f"{url}: HTTP {ans.status}")
            if "Betavisible" in ans.body:
                load.forbidden_seen.append(url)
            for marker in ("Alphavisible", "Gammavisible"):
                if url.endswith(marker.replace("visible", "query").lower()):
                    if marker in ans.body:
                        seen.add(marker)
                    elif marker in seen:
                        load.regressions.append(f"{url}: {marker} vu puis disparu")


def _routes(base: str) -> list[str]:
    """The URLs the loop requests: searches and pages, plus the record and API endpoints when they exist."""
    urls = ["/", "/sante", "/recherche?q=foncier", "/recherche?q=alphaquery", "/recherche?q=betaquery", "/recherche?q=gammaquery"]
    optional = ["/propositions/pass-foncier", "/propositions/sanctuaire-foncier", "/api/v1/search?q=betaquery", "/api/v1/search?q=foncier"]
    return urls + [u for u in optional if get(base + u).status == 200]


def test_rebuilds_under_load_lose_nothing_and_never_show_an_invalid_build(tmp_path: Path) -> None:
    rebuilds_under_load(build_corpus(VALID, tmp_path), tmp_path)


def rebuilds_under_load(built: Built, workdir: Path) -> None:
    """gunicorn (2 workers) under a client loop while three builds run, the second on invalid content."""
    proposals = built.data_dir / "proposals"
    with gunicorn(env_for(built), workdir) as base:
        urls = _routes(base)
        load, stop = Load(), threading.Event()
        # The cap only bounds a runaway loop (``stop`` ends it): with the page cache the server answers 6,000 requests
        # in a few seconds, faster than three builds on a loaded machine, and the loop must outlast them.
        threads = [threading.Thread(target=_client, args=(base, urls, load, stop, n, 50_000)) for n in range(4)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: len(load.stamps) >= 8, "the client loop answers before the builds start")
            started = time.monotonic()
            # Build 1 (valid): a new title.
            set_title(proposals / "pass-foncier.yaml", "Créer un pass foncier Alphaquery Alphavisible")
            first = kb_build(built)
            # Build 2 (invalid): a title change that must never be served, plus a broken file.
            sanctuaire = (proposals / "sanctuaire-foncier.yaml").read_text("utf-8")
            set_title(proposals / "sanctuaire-foncier.yaml", "Sanctuariser Betaquery Betavisible")
            (proposals / "cassee.yaml").write_text("title: [non fermé\n", "utf-8")
            second = kb_build(built)
            (proposals / "cassee.yaml").unlink()
            (proposals / "sanctuaire-foncier.yaml").write_text(sanctuaire, "utf-8")
            # Build 3 (valid): another title; build 1's change must still be there.
            set_title(proposals / "energie-locale.yaml", "Sécuriser l'énergie Gammaquery Gammavisible")
            third = kb_build(built)
            finished = time.monotonic()
            served = len(load.stamps)
            wait_until(lambda: len(load.stamps) >= served + 8, "the client loop goes on after the last build")
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert first.returncode == 0, first.stderr
        assert second.returncode == 1 and "cassee.yaml:1: error" in second.stderr
        assert third.returncode == 0, third.stderr
        during = [s for s in load.stamps if started <= s <= finished]
        assert len(during) >= 20, "the client loop must keep requesting while the builds run"
        assert load.failures == []
        assert set(load.statuses) == {200}
        assert load.forbidden_seen == []
        assert load.regressions == []
        words = ("alphaquery", "betaquery", "gammaquery")
        after = {word: get(f"{base}/recherche?{urllib.parse.urlencode({'q': word})}").body for word in words}
        assert "Alphavisible" in after["alphaquery"]
        assert "Gammavisible" in after["gammaquery"]
        assert "Betavisible" not in after["betaquery"]
        health = get(base + "/sante")
        assert health.status == 200 and f'"build_id":"{Layout(built.index_dir).current()}"' in health.body.replace(" ", "")


def _big_corpus(dest: Path, records: int) -> Built:
    """The valid corpus plus many generated proposals with long bodies (an index build that takes a moment)."""
    built = build_corpus(VALID, dest)
    template = (built.data_dir / "proposals" / "energie-locale.yaml").read_text("utf-8")
    words = "industrie foncier usine énergie souveraineté emploi formation territoire production innovation financement filière".split()
    rnd = random.Random(7)
    for i in range(records):
        body = " ".join(f"{rnd.choice(words)}{rnd.randint(0, 999)}" for _ in range(200))
        text = template.replace("title: Sécuriser l'énergie des industriels", f"title: Proposition générée Killmarker {i}")
        (built.data_dir / "proposals" / f"genere-{i:04d}.yaml").write_text(text + f"body: {body}\n", "utf-8")
    return built


def test_build_killed_mid_way_changes_nothing_served_and_the_next_build_succeeds(tmp_path: Path) -> None:
    built = _big_corpus(tmp_path, 300)
    # The generated records were written after the first build: nothing of them is served yet.
    before = Layout(built.index_dir).current()
    with gunicorn(env_for(built), tmp_path, workers=1) as base:
        assert "Killmarker" not in get(base + "/recherche?q=killmarker").body
        cmd = [str(KB), "build", "--data", str(built.data_dir), "--index", str(built.index_dir), "--database", built.database_url]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        builds = built.index_dir / "builds"
        wait_until(lambda: list(builds.glob(".tmp-*")) or proc.poll() is not None, "the build starts writing its index")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL, "the build must still be indexing when it is killed"
        assert list(builds.glob(".tmp-*")), "the killed build left its temporary index folder (removed by the next build)"
        assert Layout(built.index_dir).current() == before
        db_file = built.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(db_file) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT value FROM buildinfo WHERE key = 'build_id'").fetchone()[0] == before
        conn.close()
        health = get(base + "/sante")
        assert health.status == 200 and before in health.body
        assert "Killmarker" not in get(base + "/recherche?q=killmarker").body
        assert get(base + "/recherche?q=foncier").status == 200

        for generated in (built.data_dir / "proposals").glob("genere-*.yaml"):
            if int(generated.stem[-4:]) >= 3:
                generated.unlink()
        done = kb_build(built)
        assert done.returncode == 0, done.stderr
        assert not list(builds.glob(".tmp-*"))
        assert Layout(built.index_dir).current() != before
        assert "Killmarker" in get(base + "/recherche?q=killmarker").body


def test_build_killed_while_writing_the_database_changes_nothing(fresh: Built) -> None:
    before = Layout(fresh.index_dir).current()
    path = fresh.data_dir / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Créer un pass foncier", "Killdbmarker pass foncier"), "utf-8")
    db_file = fresh.database_url.removeprefix("sqlite:///")
    # Hold SQLite's write lock: the build gets through indexing, then waits in its database transaction.
    blocker = sqlite3.connect(db_file, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        cmd = [str(KB), "build", "--data", str(fresh.data_dir), "--index", str(fresh.index_dir), "--database", fresh.database_url]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        builds = fresh.index_dir / "builds"
        known = {p.name for p in builds.iterdir()}
        new_index = lambda: {p.name for p in builds.iterdir() if not p.name.startswith(".")} - known  # noqa: E731
        wait_until(lambda: new_index() or proc.poll() is not None, "the build swaps its index in, then writes the database")
        # The blocker holds SQLite's write lock: the build cannot commit, it can only wait (30 s busy timeout).
        assert proc.poll() is None, "the build must be waiting in its database transaction"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    app = create_app(fresh.config())
    client = app.test_client()
    assert client.get("/sante").json["build_id"] == before
    assert "Killdbmarker" not in client.get("/recherche?q=killdbmarker").get_data(as_text=True)
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    done = kb_build(fresh)
    assert done.returncode == 0, done.stderr
    assert "Killdbmarker" in client.get("/recherche?q=killdbmarker").get_data(as_text=True)
    assert not list((fresh.index_dir / "builds").glob(".tmp-*"))


def test_second_build_exits_with_a_clear_message_or_waits(fresh: Built) -> None:
    before = Layout(fresh.index_dir).current()
    with build_lock(Layout(fresh.index_dir)):
        refused = kb_build(fresh, "--no-wait")
        assert refused.returncode == 2
        assert "une autre construction est en cours" in refused.stderr
        engine = make_engine(fresh.database_url)
        with pytest.raises(BuildLocked, match="une autre construction est en cours"):
            build(fresh.data_dir, engine, fresh.index_dir, wait=False)
        engine.dispose()
        cmd = [str(KB), "build", "--data", str(fresh.data_dir), "--index", str(fresh.index_dir), "--database", fresh.database_url]
        waiting = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: flock_waiters(waiting.pid) or waiting.poll() is not None, "the second build reaches the lock")
        # Blocked on the lock: nothing written yet.
        assert waiting.poll() is None
        assert Layout(fresh.index_dir).current() == before
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "terminée" in out
    assert Layout(fresh.index_dir).current() != before


def test_gunicorn_config_is_production_ready() -> None:
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_") and k != "WEB_CONCURRENCY"}
    keys = ("bind", "workers", "preload_app", "timeout", "accesslog", "forwarder_headers")
    keys += ("limit_request_line", "limit_request_fields", "limit_request_field_size")
    code = f"import runpy, json; c = runpy.run_path({str(path)!r}); print(json.dumps({{k: c[k] for k in {keys!r}}}))"
    site = {"KB_SITE_URL": "https://kb.exemple.fr"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**env, **site, "KB_WORKERS": "3"}, check=True)
    config = json.loads(out.stdout)
    assert config == {
        "bind": "127.0.0.1:8000",
        "workers": 3,
        "preload_app": False,
        "timeout": 30,
        "accesslog": "-",
        # No request may move the site's root (a SCRIPT_NAME header from a trusted peer would).
        "forwarder_headers": "",
        # Request size limits in front of the app's own (414 above 4,096 bytes of URL, 64 KiB bodies).
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
    }
    assert shutil.which("gunicorn", path=str(Path(sys.executable).parent))


def test_index_only_needs_a_build_in_the_database(tmp_path: Path) -> None:
    empty = Built(VALID, f"sqlite:///{tmp_path / 'vide.sqlite'}", tmp_path / "index")
    done = kb_build(empty, "--index-only")
    assert done.returncode == 1
    assert "aucune construction" in done.stderr
    assert not (tmp_path / "index" / "CURRENT").exists()
