"""Real servers on free loopback ports, for tests over HTTP: gunicorn (the production configuration), ``kb serve``,
and any other server process (nginx) through :func:`spawn`, which first checks that the test is marked ``server``."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import guard

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Poll a condition (every 10 ms) until it holds; fail with ``what`` past the deadline. Never a bare sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s: {what}")
        time.sleep(0.01)


def flock_waiters(pid: int) -> bool:
    """True when process ``pid`` is blocked waiting for a file lock (Linux: a « -> » line of /proc/locks)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid) for line in Path("/proc/locks").read_text().splitlines())


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    """One HTTP answer: status, headers and body (errors included, never raised)."""

    status: int
    headers: dict[str, str]
    body: str


def get(url: str, timeout: float = 15.0, headers: dict[str, str] | None = None) -> Answer:
    """GET a URL with urllib; 4xx/5xx are answers, not exceptions."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read().decode("utf-8", "replace"))


def raw_get(port: int, target: str) -> Answer:
    """Send a request line as is (invalid percent-encoding and all), which urllib would refuse."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode("utf-8", "replace"))
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workdir: Path, workers: int = 2) -> Iterator[str]:
    """Run ``gunicorn -c gunicorn.conf.py 'kb:create_app()'`` with KB_* ``env``; yield its base URL."""
    guard.require("server", "gunicorn")
    port = free_port()
    log = (workdir / f"gunicorn-{port}.log").open("w")
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    cmd.append("kb:create_app()")
    # Production refuses to start without the names it answers: the tests' servers answer their loopback address.
    named = {} if {"KB_SITE_URL", "KB_TRUSTED_HOSTS"} & env.keys() else {"KB_TRUSTED_HOSTS": "127.0.0.1"}
    full_env = {**os.environ, "KB_ACCESS_LOG": "-", **named, **env}
    proc = spawn(cmd, "gunicorn", cwd=workdir, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(log.name).read_text()}")
        try:
            get(base + "/sante", timeout=2)
        except OSError:
            return False
        return True

    try:
        wait_until(answers, "gunicorn answers /sante", timeout=30)
        yield base
    finally:
        stop(proc)
        log.close()


@contextlib.contextmanager
def kb_serve(env: dict[str, str], logdir: Path) -> Iterator[str]:
    """Run ``kb serve`` (the development server) with KB_* ``env`` on a free loopback port; yield its base URL."""
    guard.require("server", "kb serve")
    port = free_port()
    kb = Path(sys.executable).parent / "kb"
    log = (logdir / f"kb-serve-{port}.log").open("w")
    proc = spawn([str(kb), "serve", "--host", "127.0.0.1", "--port", str(port)], "kb serve", env={**os.environ, **env}, stdout=log,
                 stderr=log)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"kb serve exited: {Path(log.name).read_text()}")
        try:
            with urllib.request.urlopen(base + "/robots.txt", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        # A loaded two-core machine can be slow to import everything.
        wait_until(answers, "kb serve answers /robots.txt", timeout=30)
        yield base
    finally:
        stop(proc)
        log.close()


def spawn(cmd: list[str], what: str, **popen: Any) -> subprocess.Popen[bytes]:
    """Start a server process for the running test, which must be marked ``server`` (see tests/support/guard.py)."""
    guard.require("server", what)
    return subprocess.Popen(cmd, **popen)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process a test started, by its handle: terminate, then kill if it lingers."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
