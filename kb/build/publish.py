"""Publishing a build on this server: the build lock, a new build id, the atomic CURRENT, pruning old index folders.

The layout itself (where each of these lives) is kb.store.builds's: this module only writes what it reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from kb.search import remove_index
from kb.store import Layout

KEEP_BUILDS = 3


class BuildLocked(RuntimeError):
    """Another build holds the lock."""


def new_build_id() -> str:
    """A fresh build id: its UTC time, then random hex (sortable, unique)."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@contextlib.contextmanager
def build_lock(layout: Layout, wait: bool = True) -> Iterator[None]:
    """Serialise builds: a second build waits (or raises BuildLocked when ``wait`` is False)."""
    Path(layout.root).mkdir(parents=True, exist_ok=True)
    with open(layout.lock_file, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildLocked("une autre construction est en cours") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_atomic(path: Path, text: str) -> None:
    """Replace a small file in one step: readers see the old text or the new one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def swap_in(layout: Layout, build_id: str) -> Path:
    """Move a finished index from its temporary folder to its build's folder; its path."""
    final = layout.index(build_id)
    os.replace(layout.temporary(build_id), final)
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
