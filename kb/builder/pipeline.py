"""The pipeline: check the content, then replace the database and swap in a new index, atomically."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from kb.builder import incremental
from kb.builder.cache import FileCache
from kb.builder.publish import BuildLocked, Known, build_lock, mark_current, new_build_id, swap_in
from kb.builder.rows import index_docs, rows_for
from kb.content import Problem, check, errors, kinds
from kb.content.files import MAX_FILE_BYTES
from kb.search import build_index, remove_index
from kb.store import Layout, verify_index
from kb.store.builds import EXPORTS
from kb.store.changes import Changes
from kb.store.engine import replace_all
from kb.store.tables import BuildInfo


class Exporter(Protocol):
    """Writes a build's open-data files into a folder, read from the session's rows (kb.api.built writes them: the
    command line hands it down, this floor cannot import it); ``since``: what an incremental build changed."""

    def __call__(self, session: Session, build_id: str, folder: Path, since: Changes | None = None) -> None: ...


@dataclass
class BuildReport:
    """What a build did: its id and counts, or the problems that stopped it."""

    problems: list[Problem]
    files: int
    build_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # The corpus and cache the build made: held so that the `kb` program can exit without freeing them (kb.cli).
    retained: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when the build was written."""
        return self.build_id is not None


def build(
    data_dir: Path,
    engine: Engine,
    index_root: Path,
    *,
    wait: bool = True,
    on_wait: Callable[[BuildLocked], None] | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    exports: Exporter | None = None,
) -> BuildReport:
    """Check, then write the index for a new build id, commit the database with that id, and mark it current.

    The index folder exists before the database names it, so a reader that takes the build id from the
    database always finds the matching index; on any error nothing served changes. ``exports`` writes the build's
    open-data files into its folder, from the new rows before they are committed (kb.api.built.exporter): an
    incremental build tells it what changed, so that it renders only what that can alter.
    """
    layout = Layout(Path(index_root))
    # Unchanged files come validated from the last build's cache; the rest is validated on every core.
    cache = FileCache.open(layout)
    corpus, problems = check(Path(data_dir), cache.load_many, max_file_bytes)
    report = BuildReport(problems, corpus.files, retained=(corpus, cache))
    if errors(problems):
        return report
    with build_lock(layout, wait=wait, on_wait=on_wait):
        build_id = new_build_id()
        tmp, final = layout.temporary(build_id), layout.index(build_id)
        try:
            work = incremental.plan(cache, Path(data_dir), layout.current(), engine)
            if work is not None and verify_index(layout.index(work.previous)):
                work = None  # never copy a damaged index into the next build: build it afresh
            known: Known | None = None
            since: Changes | None = None
            if work is None:
                build_index(index_docs(corpus), corpus.synonyms, tmp)
            else:
                known = incremental.write_index(work, corpus, layout.index(work.previous), tmp)
                since = incremental.changes(work, corpus, layout.exports(work.previous))
            counts = {kind: len(corpus.of(kind)) for kind in kinds.every()}
            # Record counts are not stored: /sante counts the public records in the tables it probes.
            info = {"build_id": build_id, "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            info_rows: list[SQLModel] = [BuildInfo(key=k, value=v) for k, v in info.items()]

            def finish(session: Session) -> None:
                # The rows are in, not yet committed: the exports are read from them, then the folder is swapped in.
                if exports is not None:
                    exports(session, build_id, tmp / EXPORTS, since=since)
                swap_in(layout, build_id, known)

            if work is None:
                replace_all(engine, rows_for(corpus) + info_rows, finish)
            else:
                incremental.write_rows(work, corpus, engine, info_rows, finish)
        except BaseException:
            remove_index(tmp)
            remove_index(final)
            raise
        mark_current(layout, build_id)
        cache.save(build_id, Path(data_dir))
    report.build_id, report.counts = build_id, counts
    return report
