"""Several servers, one database: a server builds its own index for the build the shared database serves.

A build id names both the database state and an index folder; the index lives on each server's disk.
When one server runs ``kb build`` against the shared PostgreSQL, the others must build the index of
that same build id from the same content (``kb build --index-only``) before they can serve it;
until then their ``/sante`` answers 503 and the load balancer sends them no traffic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kb.builder.pipeline import Exporter
from kb.builder.publish import BuildLocked, build_lock, mark_current, swap_in
from kb.builder.rows import index_docs, rows_for
from kb.content import Problem, check, errors
from kb.content.files import MAX_FILE_BYTES
from kb.search import build_index, remove_index
from kb.store import Layout, build_info, verify_index
from kb.store.builds import EXPORTS
from kb.store.tables import TABLES, BuildInfo


@dataclass
class NodeReport:
    """What ``kb build --index-only`` did: the build id it serves now, or why it could not."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    build_id: str | None = None
    message: str = ""
    ok: bool = False


def _dumps(rows: list[object]) -> dict[str, set[str]]:
    """Rows as comparable text, per table; the file path is left out (checkouts may sit in different folders)."""
    out: dict[str, set[str]] = {}
    for row in rows:
        if isinstance(row, BuildInfo):
            continue
        data = row.model_dump(mode="json")  # type: ignore[attr-defined]
        data.pop("path", None)
        out.setdefault(type(row).__name__, set()).add(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return out


def _differences(served: dict[str, set[str]], local: dict[str, set[str]]) -> list[str]:
    """Ids (or table names) whose rows differ between the database and the local content."""
    found: set[str] = set()
    for table in served.keys() | local.keys():
        for text in served.get(table, set()) ^ local.get(table, set()):
            data = json.loads(text)
            found.add(str(data.get("id") or data.get("src") or data.get("alias") or table))
    return sorted(found)


def build_local_index(
    data_dir: Path,
    engine: Engine,
    index_root: Path,
    *,
    wait: bool = True,
    on_wait: Callable[[BuildLocked], None] | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    exports: Exporter | None = None,
) -> NodeReport:
    """Build this server's index for the build the database serves, after checking the local content is the same;
    ``exports`` writes its open-data files beside it, from the database (kb.builder.pipeline.Exporter)."""
    layout = Layout(Path(index_root))
    with Session(engine) as session:
        build_id = build_info(session).get("build_id")
        served = _dumps(list(_all_rows(session))) if build_id else {}
    if not build_id:
        return NodeReport(message="la base ne contient aucune construction : lancez d'abord « kb build » sur un serveur")
    final = layout.index(build_id)
    if final.is_dir() and verify_index(final) is None:
        return NodeReport(build_id=build_id, ok=True, message=f"l'index de la construction {build_id} est déjà sur ce serveur")
    corpus, problems = check(Path(data_dir), max_bytes=max_file_bytes)
    report = NodeReport(problems, corpus.files, build_id)
    if errors(problems):
        report.message = "le contenu local a des erreurs"
        return report
    differ = _differences(served, _dumps(rows_for(corpus)))
    if differ:
        listed = ", ".join(differ[:8]) + (" …" if len(differ) > 8 else "")
        report.message = (
            f"le contenu local diffère de la construction {build_id} en service ({listed}) : "
            "mettez ce serveur sur le même commit du contenu que celui qui a construit"
        )
        return report
    with build_lock(layout, wait=wait, on_wait=on_wait):
        tmp = layout.temporary(build_id)
        remove_index(tmp)
        try:
            build_index(index_docs(corpus), corpus.synonyms, tmp)
            if exports is not None:
                with Session(engine) as session:
                    if build_info(session).get("build_id") == build_id:  # else a newer build landed: the site renders them
                        exports(session, build_id, tmp / EXPORTS)
            remove_index(final)  # a damaged index of this build, if any: replaced by the one just written
            swap_in(layout, build_id)
        except BaseException:
            remove_index(tmp)
            raise
        mark_current(layout, build_id)
    report.ok, report.message = True, f"index de la construction {build_id} construit sur ce serveur"
    return report


def _all_rows(session: Session) -> list[object]:
    rows: list[object] = []
    for table in TABLES:
        rows += list(session.exec(select(table)))
    return rows
