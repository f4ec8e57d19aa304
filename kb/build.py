"""The pipeline: check the content, then replace the database and swap in a new index, atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from kb import db, incremental, search
from kb.checks import check_links
from kb.links import check_permanence, retired_rows
from kb.loader import Corpus, load_all, load_each
from kb.markup import plain_text
from kb.models import Action, Alias, Axis, BuildInfo, Document, Link, Proposal, Region, Sector
from kb.problems import Problem, errors

KEEP_BUILDS = 3


class BuildLocked(RuntimeError):
    """Another build holds the lock."""


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


def check(data_dir: Path, load_many: Any = load_each) -> tuple[Corpus, list[Problem]]:
    """Load a content folder and run every rule; return the corpus and all problems, sorted."""
    corpus = load_all(Path(data_dir), load_many)
    problems = corpus.problems + (check_links(corpus) if not errors(corpus.problems) or corpus.records else [])
    problems += check_permanence(corpus)  # tombstones and published URLs (kb.links)
    return corpus, sorted(set(problems))


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def rows_for(corpus: Corpus) -> list[SQLModel]:
    """Table rows for every record, with both-way links and aliases."""
    rows: list[SQLModel] = []
    table_of = {"document": Document, "axis": Axis, "proposal": Proposal, "action": Action}
    for kind, table in table_of.items():
        for rec in corpus.of(kind):
            rows.append(table.model_validate({**_dump(rec.model), "id": rec.id, "path": rec.path}))
            for alias in getattr(rec.model, "aliases", []):
                rows.append(Alias(alias=alias, target=rec.id, kind=kind))
    for rec in corpus.of("sector"):
        rows.append(Sector.model_validate(_dump(rec.model)))
    for rec in corpus.of("region"):
        rows.append(Region.model_validate(_dump(rec.model)))
    links: set[tuple[str, str, str]] = set()
    for rec in corpus.of("proposal"):
        m = rec.model
        links |= {(rec.id, "sector", s) for s in m.sectors} | {(rec.id, "region", r) for r in m.regions}
        links |= {(rec.id, "related", r) for r in m.related}
    for rec in corpus.of("action"):
        m = rec.model
        links |= {(rec.id, "sector", s) for s in m.sectors} | {(rec.id, "region", m.region)}
        links |= {(rec.id, "carries", p) for p in m.proposals}
    rows += [Link(src=s, rel=r, dst=d) for s, r, d in sorted(links)]
    rows += retired_rows(corpus)
    return rows


def index_docs(corpus: Corpus) -> list[dict[str, Any]]:
    """What the search index holds for each proposal and action."""
    docs = []
    for kind in ("proposal", "action"):
        for rec in corpus.of(kind):
            m = rec.model
            docs.append(
                {
                    "id": rec.id,
                    "type": kind,
                    "title": m.title,
                    "summary": m.summary,
                    "body": plain_text(m.body),
                    "tags": list(getattr(m, "tags", [])),
                    "aliases": list(m.aliases),
                    "document": getattr(m, "document", None),
                    "axis": getattr(m, "axis", None),
                    "sectors": list(m.sectors),
                    "carries": list(m.proposals) if kind == "action" else [],
                    "regions": list(m.regions) if kind == "proposal" else [m.region],
                    "status": m.status,
                    "horizon": getattr(m, "horizon", None),
                    "updated": m.updated.isoformat(),
                    "draft": m.draft,
                }
            )
    return docs


@contextlib.contextmanager
def build_lock(index_root: Path, wait: bool = True) -> Iterator[None]:
    """Serialise builds: a second build waits (or raises BuildLocked when ``wait`` is False)."""
    index_root.mkdir(parents=True, exist_ok=True)
    with open(index_root / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildLocked("une autre construction est en cours") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def index_path(index_root: Path, build_id: str) -> Path:
    """Folder of the index of one build."""
    return Path(index_root) / "builds" / build_id


def current_build(index_root: Path) -> str | None:
    """The id of the last finished build, from the CURRENT file (written last)."""
    try:
        return (Path(index_root) / "CURRENT").read_text("utf-8").strip() or None
    except OSError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def _prune(index_root: Path, keep: set[str]) -> None:
    builds = Path(index_root) / "builds"
    dirs = sorted((p for p in builds.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in dirs[KEEP_BUILDS:]:
        if old.name not in keep:
            search.remove_index(old)
    for stale in builds.glob(".tmp-*"):
        search.remove_index(stale)


def build(data_dir: Path, engine: Engine, index_root: Path, *, wait: bool = True) -> BuildReport:
    """Check, then write the index for a new build id, commit the database with that id, and mark it current.

    The index folder exists before the database names it, so a reader that takes the build id from the
    database always finds the matching index; on any error nothing served changes.
    """
    # Unchanged files come validated from the last build's cache; the rest is validated on every core.
    cache = incremental.FileCache.open(Path(index_root))
    corpus, problems = check(Path(data_dir), cache.load_many)
    report = BuildReport(problems, corpus.files, retained=(corpus, cache))
    if errors(problems):
        return report
    index_root = Path(index_root)
    with build_lock(index_root, wait=wait):
        build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        tmp = index_root / "builds" / f".tmp-{build_id}"
        final = index_path(index_root, build_id)
        try:
            work = incremental.plan(cache, Path(data_dir), current_build(index_root), engine)
            if work is None:
                search.build_index(index_docs(corpus), corpus.synonyms, tmp)
            else:
                incremental.write_index(work, corpus, index_path(index_root, work.previous), tmp, index_docs)
            os.replace(tmp, final)
            counts = {kind: len(corpus.of(kind)) for kind in ("document", "axis", "proposal", "action", "sector", "region")}
            info = {
                "build_id": build_id,
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "counts": json.dumps(counts),
            }
            info_rows: list[SQLModel] = [BuildInfo(key=k, value=v) for k, v in info.items()]
            if work is None:
                db.replace_all(engine, rows_for(corpus) + info_rows)
            else:
                incremental.write_rows(work, corpus, engine, info_rows, rows_for)
        except BaseException:
            search.remove_index(tmp)
            search.remove_index(final)
            raise
        _write_atomic(index_root / "CURRENT", build_id)
        _prune(index_root, {build_id})
        cache.save(build_id, Path(data_dir))
    report.build_id, report.counts = build_id, counts
    return report
