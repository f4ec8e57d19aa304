"""Publishing while serving: gunicorn under a client loop while builds land, and a build killed mid-way under it.

Builds killed or locked without a server are in tests/builder/test_build_processes.py."""

from __future__ import annotations

import random
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

from kb.store import Layout
from tests.support.corpora import VALID, Built, build_corpus
from tests.support.servers import get, gunicorn, wait_until

# Every test here starts gunicorn (tests/support/servers.py refuses to without this marker).
pytestmark = pytest.mark.server

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
        # kb build prints the problems on standard output with kb check's (one stream, file order), the refusal on stderr.
        assert second.returncode == 1 and "cassee.yaml:1: error" in second.stdout and "Construction annulée" in second.stderr
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
