"""What a build writes for each record: its table rows (with both-way links, aliases, tombstones) and its index document."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import SQLModel

from kb.content import Corpus
from kb.content.markup import plain_text
from kb.content.permanence import load_retired
from kb.content.urls import PREFIXES
from kb.store.tables import TABLE_OF, Alias, Link, Retired


def _row(kind: str, model: Any, **extra: Any) -> SQLModel:
    """The table row of a validated file model, built without validating again.

    The values were validated when the file was read; a second validation would refuse what a draft leaves blank
    (its display placeholders) and cost time. Lists (sources, history, ids) go to JSON columns as plain data.
    """
    data = {key: to_jsonable_python(value) if isinstance(value, list) else value for key, value in model.model_dump().items()}
    return TABLE_OF[kind](**data, **extra)  # type: ignore[no-any-return]


def rows_for(corpus: Corpus) -> list[SQLModel]:
    """Table rows for every record, with both-way links, aliases and tombstones."""
    rows: list[SQLModel] = []
    for kind in ("document", "axis", "proposal", "action"):
        for rec in corpus.of(kind):
            rows.append(_row(kind, rec.model, id=rec.id, path=rec.path))
            for alias in getattr(rec.model, "aliases", []):
                rows.append(Alias(alias=alias, target=rec.id, kind=kind))
    for kind in ("sector", "region"):
        rows += [_row(kind, rec.model) for rec in corpus.of(kind)]
    rows += [Link(src=s, rel=r, dst=d) for s, r, d in sorted(_links(corpus))]
    rows += retired_rows(corpus)
    return rows


def _links(corpus: Corpus) -> set[tuple[str, str, str]]:
    """(source id, relation, target id) of every multi-valued reference (relations named as the filters)."""
    links: set[tuple[str, str, str]] = set()
    for rec in corpus.of("proposal"):
        m = rec.model
        links |= {(rec.id, "sector", s) for s in m.sectors} | {(rec.id, "region", r) for r in m.regions}
        links |= {(rec.id, "related", r) for r in m.related}
    for rec in corpus.of("action"):
        m = rec.model
        links |= {(rec.id, "sector", s) for s in m.sectors} | {(rec.id, "region", m.region)}
        links |= {(rec.id, "carries", p) for p in m.proposals}
    return links


def retired_rows(corpus: Corpus) -> list[Retired]:
    """Table rows of the tombstones, with the replacement's kind."""
    kind_of = {rec.id: kind for kind in PREFIXES for rec in corpus.of(kind)}
    retired, _ = load_retired(corpus.data_dir)
    rows = {}
    for rec in retired:
        m = rec.model
        rows[rec.id] = Retired(
            id=rec.id, date=m.date, reason=m.reason, replacement=m.replacement, replacement_kind=kind_of.get(m.replacement or "")
        )
    return list(rows.values())


def index_docs(corpus: Corpus) -> list[dict[str, Any]]:
    """What the search index holds for each proposal and action (filter values under the filters' names)."""
    docs = []
    for kind in ("proposal", "action"):
        for rec in corpus.of(kind):
            m = rec.model
            proposal = kind == "proposal"
            docs.append(
                {
                    "id": rec.id,
                    "type": kind,
                    "title": m.title,
                    "summary": m.summary,
                    "body": plain_text(m.body),
                    "tags": list(m.tags) if proposal else [],
                    "aliases": list(m.aliases),
                    "document": m.document if proposal else None,
                    "axis": m.axis if proposal else None,
                    "sector": list(m.sectors),
                    "carries": [] if proposal else list(m.proposals),
                    "region": list(m.regions) if proposal else [m.region],
                    "status": m.status,
                    "horizon": m.horizon if proposal else None,
                    "updated": m.updated.isoformat(),
                    "draft": m.draft,
                }
            )
    return docs
