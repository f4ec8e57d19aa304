"""A throw-away PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder, on a loopback port.

initdb refuses to run as root: as root, the cluster is created and run by the ``postgres`` system user
(created when missing), in a folder handed over to it.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import guard

SERVER_USER = "postgres"
DB_USER = "kb"


def _version(bindir: Path) -> tuple[int, ...]:
    name = bindir.parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit()) or (0,)


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: from PATH, pg_config, or the newest Debian-style install."""
    candidates: list[Path] = []
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out:
            candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    return next((c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running throw-away cluster; ``url(name)`` gives a SQLAlchemy URL for one of its databases."""

    bindir: Path
    root: Path
    port: int
    as_user: str | None

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        args = list(cmd)
        if self.as_user and shutil.which("runuser"):
            args = ["runuser", "-u", self.as_user, "--", *cmd]
        elif self.as_user:
            args = ["su", self.as_user, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        return subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> None:
        """initdb then pg_ctl start; raises RuntimeError with the server's words on failure."""
        locale = ["--locale=C.UTF-8"] if _has_c_utf8() else ["--no-locale"]
        init = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", DB_USER, "-A", "trust", "-E", "UTF8", *locale, "-N")
        if init.returncode:
            raise RuntimeError(f"initdb a échoué : {init.stderr or init.stdout}")
        # Throw-away data: no fsync. Loopback only, and the socket in our own folder.
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c synchronous_commit=off"
        log = str(self.root / "server.log")
        started = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start")
        if started.returncode:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start a échoué : {started.stderr or started.stdout}\n{log}")

    def stop(self) -> None:
        """Stop the server (immediately: the data is thrown away) and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def dsn(self, name: str = "postgres") -> str:
        """A libpq connection string."""
        return f"host=127.0.0.1 port={self.port} user={DB_USER} dbname={name}"

    def create_database(self, name: str) -> str:
        """Create an empty database; return its SQLAlchemy URL (psycopg 3 driver)."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, name: str) -> str:
        """SQLAlchemy URL of one database of the cluster."""
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{name}"


def _has_c_utf8() -> bool:
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.lower()
    return "c.utf8" in out or "c.utf-8" in out


def _server_user() -> str | None:
    """None when we may run the server ourselves; else the system user that will (created if missing)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER], check=True)
    return SERVER_USER


def start_cluster() -> Cluster:
    """Create and start a cluster in a new temporary folder; raise RuntimeError when that is impossible."""
    guard.require("postgres", "a PostgreSQL server")
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("initdb/pg_ctl introuvables : installez le paquet du serveur PostgreSQL (make test le fait)")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    root.chmod(0o700)
    cluster = Cluster(bindir, root, _free_port(), user)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
