"""Publishing a build on this server: the build lock, a new build id, the atomic CURRENT, pruning old index folders.

The layout itself (where each of these lives) is kb.store.builds's: this module only writes what it reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.search import remove_index
from kb.store import Layout
from kb.store.builds import EXPORTS, MANIFEST, Stamp, index_files, stamp, verified_digest

KEEP_BUILDS = 3


@dataclass(frozen=True)
class Holder:
    """Who holds the build lock: a process id and when it took the lock."""

    pid: int
    since: dt.datetime

    def describe(self) -> str:
        """« processus 1234, depuis le 2025-11-20 à 14:02:05 UTC (il y a 42 s) »."""
        age = max(0, int((dt.datetime.now(dt.UTC) - self.since).total_seconds()))
        return f"processus {self.pid}, depuis le {self.since:%Y-%m-%d à %H:%M:%S} UTC (il y a {_duration(age)})"


class BuildLocked(RuntimeError):
    """Another build holds the lock (``holder``: who, when known)."""

    def __init__(self, holder: Holder | None = None) -> None:
        self.holder = holder
        detail = f" ({holder.describe()})" if holder else ""
        super().__init__(f"une autre construction est en cours{detail}")


def new_build_id() -> str:
    """A fresh build id: its UTC time, then random hex (sortable, unique)."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


# POSIX record locks (lockf) belong to a process: the kernel drops them when it dies, and forked children (the
# validation pool, Whoosh's writers) never inherit them. They do not exclude the process that holds them, and
# closing any descriptor of the file releases them, so this process also keeps a lock of its own per file and
# never opens the lock file twice.
_local_locks: dict[Path, threading.Lock] = {}
_local_holders: dict[Path, Holder] = {}
_guard = threading.Lock()


@contextlib.contextmanager
def build_lock(layout: Layout, wait: bool = True, on_wait: Callable[[BuildLocked], None] | None = None) -> Iterator[None]:
    """Serialise builds: a second build waits (or raises BuildLocked, naming the holder, when ``wait`` is False).

    ``on_wait`` is told who holds the lock before waiting starts. The lock dies with its owner: a build killed with
    SIGKILL never blocks the next one.
    """
    Path(layout.root).mkdir(parents=True, exist_ok=True)
    path = Path(layout.lock_file).resolve()
    with _guard:
        local = _local_locks.setdefault(path, threading.Lock())
    if not local.acquire(blocking=False):
        _waiting(BuildLocked(_local_holders.get(path)), wait, on_wait)
        local.acquire()
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                _waiting(BuildLocked(_read_holder(fd)), wait, on_wait)
                fcntl.lockf(fd, fcntl.LOCK_EX)
            holder = Holder(os.getpid(), dt.datetime.now(dt.UTC).replace(microsecond=0))
            _write_holder(fd, holder)
            _local_holders[path] = holder
            try:
                yield
            finally:
                _local_holders.pop(path, None)
                os.ftruncate(fd, 0)  # the lock is free: nobody to name
        finally:
            os.close(fd)  # releases the record lock
    finally:
        local.release()


def _waiting(locked: BuildLocked, wait: bool, on_wait: Callable[[BuildLocked], None] | None) -> None:
    """The lock is taken: raise when not waiting, else say so before waiting."""
    if not wait:
        raise locked
    if on_wait is not None:
        on_wait(locked)


def _write_holder(fd: int, holder: Holder) -> None:
    data = json.dumps({"pid": holder.pid, "since": holder.since.isoformat()}).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _read_holder(fd: int) -> Holder | None:
    """The holder the lock file names, or None (the holder has not written it yet, or it is not a live process)."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"null")
        holder = Holder(int(data["pid"]), dt.datetime.fromisoformat(data["since"]))
        os.kill(holder.pid, 0)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return holder


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def write_atomic(path: Path, text: str) -> None:
    """Replace a small file in one step: readers see the old text or the new one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


Known = dict[str, tuple[Stamp, str]]


def copy_index(source: Path, target: Path) -> Known:
    """Copy the previous build's index into ``target``; what is known of the copies' content: name → (stamp, hash).

    A copy's hash is the one verify_index found for its original in this process, when the original has not changed
    since (then it did not change while being copied). swap_in then reads only the files written after the copy:
    about 0.03 s of a one-file build at 10,000 records. Were a copy damaged or rewritten in place in the same clock
    tick, the manifest would hold the original's hash and verify_index would report the file: never a silent pass.
    """
    # Not the exports: the new build writes its own (from its own rows).
    shutil.copytree(source, target, ignore=lambda folder, _names: [EXPORTS] if Path(folder) == source else [])
    known: Known = {}
    for copy in target.iterdir():
        digest = verified_digest(source / copy.name) if copy.name != MANIFEST else None
        if digest is not None:
            known[copy.name] = (stamp(copy), digest)
    return known


def swap_in(layout: Layout, build_id: str, known: Known | None = None) -> Path:
    """Move a finished index from its temporary folder to its build's folder, with the list of its files; its path.

    The list (size and hash of each file) lets a server tell a damaged index from a good one (kb.store.verify_index).
    ``known``: hashes of copied files (copy_index), not read again while unchanged.
    """
    tmp, final = layout.temporary(build_id), layout.index(build_id)
    write_atomic(tmp / MANIFEST, json.dumps(index_files(tmp, known)))
    os.replace(tmp, final)
    return final


def mark_current(layout: Layout, build_id: str) -> None:
    """Name build_id in CURRENT (last step of a build), then drop old and abandoned index folders."""
    write_atomic(layout.current_file, build_id)
    prune(layout, {build_id})


def prune(layout: Layout, keep: set[str]) -> None:
    """Keep the KEEP_BUILDS newest index folders (and ``keep``); remove folders of builds that died writing."""
    dirs = sorted((p for p in layout.builds.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in dirs[KEEP_BUILDS:]:
        if old.name not in keep:
            remove_index(old)
    for stale in layout.temporaries():
        remove_index(stale)
