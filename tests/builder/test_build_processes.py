"""Builds that cannot wedge: the build lock dies with its owner, helper processes die with their build, ``kb build
--no-wait`` names who holds the lock; a build killed while it writes the database changes nothing, a second build waits
or says why it cannot, ``--index-only`` needs a build in the database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import create_app
from kb.builder import BuildLocked, build, build_lock
from kb.content.demo import write_corpus
from kb.search import build_index
from kb.search.indexing import PARALLEL_FROM, index_doc
from kb.store import Layout, make_engine
from kb.store.engine import create_tables
from tests.support.corpora import VALID, Built
from tests.support.servers import flock_waiters, wait_until

# Each test runs real kb builds in child processes and kills or blocks them: about 15 s together, out of make test-fast.
pytestmark = pytest.mark.slow

KB = Path(sys.executable).parent / "kb"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Started]:
    """Processes a test starts: killed and reaped at its end, whatever happened."""
    runs = Started(tmp_path / "runs")
    yield runs
    for proc in runs.procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


class Started:
    """Start processes whose output goes to files: a killed process's orphans may hold its pipes open for ever."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: list[str]) -> subprocess.Popen[bytes]:
        """Start cmd (from the project's root) with its output and errors in files."""
        self.folder.mkdir(exist_ok=True)
        n = len(self.procs)
        with open(self.folder / f"{n}.out", "wb") as out, open(self.folder / f"{n}.err", "wb") as err:
            self.procs.append(subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT))
        return self.procs[-1]

    def finish(self, proc: subprocess.Popen[bytes], timeout: float = 300) -> tuple[int, str, str]:
        """Wait for proc; its exit code, output and errors."""
        code = proc.wait(timeout=timeout)
        n = self.procs.index(proc)
        return code, *((self.folder / f"{n}.{ext}").read_text("utf-8") for ext in ("out", "err"))  # type: ignore[return-value]

    def line(self, proc: subprocess.Popen[bytes]) -> str:
        """The first line proc prints (waiting for it)."""
        path = self.folder / f"{self.procs.index(proc)}.out"
        wait_until(lambda: "\n" in path.read_text("utf-8") or proc.poll() is not None, "the process prints its first line")
        return path.read_text("utf-8").partition("\n")[0]


def kb_build(started: Started, built: Built, *extra: str) -> subprocess.Popen[bytes]:
    """Start the real ``kb build`` on a corpus's folders."""
    return started.start([str(KB), "build", "--data", str(built.data_dir), "--index", str(built.index_dir), "--database",
                          built.database_url, *extra])


def children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux: /proc/<pid>/task/*/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return {c for c in found if alive(c)}


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def kill_and_check_no_orphan(proc: subprocess.Popen[bytes], helpers: set[int]) -> None:
    """SIGKILL a build; its helper processes must be gone within seconds (they would otherwise live on for ever)."""
    assert proc.poll() is None, "the build must still be running when it is killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:
        wait_until(lambda: not any(alive(pid) for pid in helpers), f"the helpers {sorted(helpers)} die with their build", timeout=10)
    finally:
        for pid in filter(alive, helpers):  # a regression must not leave them running after the test
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def large(tmp_path: Path) -> Built:
    """A fictitious corpus big enough for the validation pool and two Whoosh writer processes (not built yet)."""
    data = tmp_path / "content"
    counts = write_corpus(data, PARALLEL_FROM + 100)
    assert counts["proposal"] + counts["action"] >= PARALLEL_FROM
    return Built(data, f"sqlite:///{tmp_path / 'kb.sqlite'}", tmp_path / "index")


def waits_for_sqlite(proc: subprocess.Popen[bytes]) -> bool:
    """True while the process sleeps in SQLite's busy handler: its write transaction waits for the lock another holds.

    (The index is swapped in at the end of that transaction, with the exports read from its rows: no folder tells.)
    """
    try:
        return "nanosleep" in Path(f"/proc/{proc.pid}/wchan").read_text()
    except OSError:
        return False


def test_a_build_killed_at_any_moment_never_blocks_the_next(large: Built, started: Started) -> None:
    builds = large.index_dir / "builds"
    temporaries = lambda: list(builds.glob(".tmp-*")) if builds.is_dir() else []  # noqa: E731

    # 1. Killed while its process pool validates the records (nothing of the index written yet).
    first = kb_build(started, large)
    wait_until(lambda: children(first.pid) or first.poll() is not None, "the validation pool starts")
    assert not temporaries()
    kill_and_check_no_orphan(first, children(first.pid))

    # 2. The next build starts at once (--no-wait: a held lock would stop it with code 2); killed while two Whoosh
    #    writer processes index.
    second = kb_build(started, large, "--no-wait")
    wait_until(lambda: (temporaries() and len(children(second.pid)) == 2) or second.poll() is not None, "both index writers start")
    writers = children(second.pid)
    assert len(writers) == 2, writers
    kill_and_check_no_orphan(second, writers)
    assert temporaries(), "the killed build left its temporary index (removed by the next build)"

    # 3. Killed while it waits to write the database (SQLite's write lock held here), its index written. The tables
    #    exist already (as after any build): creating them under the held lock would fail at once, not wait.
    engine = make_engine(large.database_url)
    create_tables(engine)
    engine.dispose()
    blocker = sqlite3.connect(large.database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        third = kb_build(started, large, "--no-wait")
        wait_until(lambda: (temporaries() and waits_for_sqlite(third)) or third.poll() is not None,
                   "the third build writes its index, then waits for the database")
        assert third.poll() is None, "the build must be waiting in its database transaction"
        kill_and_check_no_orphan(third, children(third.pid))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert Layout(large.index_dir).current() is None, "no build was ever served"

    # 4. The next build runs to the end.
    code, out, err = started.finish(kb_build(started, large, "--no-wait"))
    assert code == 0, err
    assert "terminée" in out
    assert Layout(large.index_dir).current() is not None
    assert not temporaries()


HOLDER = textwrap.dedent(
    """
    import multiprocessing, sys, time
    from pathlib import Path
    from kb.builder import build_lock
    from kb.store import Layout

    with build_lock(Layout(Path(sys.argv[1]))):
        # A forked child that does not die with its parent: it must not hold the lock either.
        child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(600,))
        child.start()
        print(child.pid, flush=True)
        time.sleep(600)
    """
)


def test_no_wait_names_the_holder_and_the_lock_dies_with_it(fresh: Built, started: Started) -> None:
    holder = started.start([sys.executable, "-c", HOLDER, str(fresh.index_dir)])
    orphan = int(started.line(holder))
    try:
        code, _, err = started.finish(kb_build(started, fresh, "--no-wait"))
        assert code == 2
        assert f"une autre construction est en cours (processus {holder.pid}, depuis le " in err
        assert "UTC (il y a " in err and "réessayez plus tard" in err
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert alive(orphan), "the forked child outlives its parent (it was not told to die with it)"
        # The lock died with its owner, though its child still runs: the next build goes through at once.
        code, out, err = started.finish(kb_build(started, fresh, "--no-wait"))
        assert code == 0, err
        assert "terminée" in out
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_a_waiting_build_says_whom_it_waits_for_and_goes_on_when_the_holder_dies(fresh: Built, started: Started) -> None:
    holder = started.start([sys.executable, "-c", HOLDER, str(fresh.index_dir)])
    orphan = int(started.line(holder))
    try:
        waiting = kb_build(started, fresh)
        err = started.folder / f"{started.procs.index(waiting)}.err"
        wait_until(lambda: "attente de sa fin" in err.read_text("utf-8") or waiting.poll() is not None, "the build says it waits")
        assert f"une autre construction est en cours (processus {holder.pid}, depuis le " in err.read_text("utf-8")
        assert waiting.poll() is None
        holder.send_signal(signal.SIGKILL)
        code, out, err_text = started.finish(waiting)
        assert code == 0, err_text
        assert "terminée" in out
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_a_failing_multiprocess_index_build_stops_its_writers(tmp_path: Path) -> None:
    import multiprocessing  # only here: the other tests look at processes through /proc

    docs = [index_doc("proposal", f"p{i}", f"Titre {i}", summary="Résumé", updated="2025-01-01") for i in range(PARALLEL_FROM + 100)]
    del docs[PARALLEL_FROM // 2]["title"]  # the writers run when this document fails
    with pytest.raises(KeyError, match="title"):
        build_index(docs, [], tmp_path / "index")
    assert multiprocessing.active_children() == []


PARENT = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from kb.procs import die_with_parent

    PARENT = os.getpid()  # taken before the fork, as the build does

    def child():
        if sys.argv[1] == "watch":
            sys.platform = "other"  # the portable path: a thread watches the parent
        if sys.argv[1] == "late":
            time.sleep(2)  # the parent is killed before the child asks to die with it
        die_with_parent(PARENT)
        time.sleep(600)

    proc = multiprocessing.get_context("fork").Process(target=child)
    proc.start()
    print(proc.pid, flush=True)
    time.sleep(600)
    """
)


@pytest.mark.parametrize("how", ["prctl", "watch", "late"])
def test_helpers_die_with_their_parent(how: str, started: Started) -> None:
    proc = started.start([sys.executable, "-c", PARENT, how])
    child = int(started.line(proc))
    try:
        assert alive(child)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        wait_until(lambda: not alive(child), "the child dies with its parent", timeout=10)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def run_kb_build(built: Built, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``kb build`` command on a built corpus's folders, to its end."""
    cmd = [str(KB), "build", "--data", str(built.data_dir), "--index", str(built.index_dir), "--database", built.database_url, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


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
        wait_until(lambda: waits_for_sqlite(proc) or proc.poll() is not None, "the build writes its index, then the database")
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
    done = run_kb_build(fresh)
    assert done.returncode == 0, done.stderr
    assert "Killdbmarker" in client.get("/recherche?q=killdbmarker").get_data(as_text=True)
    assert not list((fresh.index_dir / "builds").glob(".tmp-*"))


def test_second_build_exits_with_a_clear_message_or_waits(fresh: Built) -> None:
    before = Layout(fresh.index_dir).current()
    with build_lock(Layout(fresh.index_dir)):
        refused = run_kb_build(fresh, "--no-wait")
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


def test_index_only_needs_a_build_in_the_database(tmp_path: Path) -> None:
    empty = Built(VALID, f"sqlite:///{tmp_path / 'vide.sqlite'}", tmp_path / "index")
    done = run_kb_build(empty, "--index-only")
    assert done.returncode == 1
    assert "aucune construction" in done.stderr
    assert not (tmp_path / "index" / "CURRENT").exists()
