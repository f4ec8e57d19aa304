"""What a build writes for each record: its table rows (with both-way links, aliases, tombstones) and its index document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import to_jsonable_python
from sqlmodel import SQLModel

from kb.content import Corpus, kinds
from kb.content import labels as fr
from kb.content.fields import ID_RE
from kb.content.filters import BY_KIND, NATIONAL, REGIONAL, SCOPE
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.content.markup import plain_text
from kb.content.models import CITES, LINK_FIELDS, ref_ids
from kb.content.organisations import family
from kb.content.permanence import load_retired
from kb.search import index_doc
from kb.store.tables import TABLE_OF, Alias, Link, Retired


def _row(kind: str, model: Any, **extra: Any) -> SQLModel:
    """The table row of a validated file model, built without validating again.

    The values were validated when the file was read; a second validation would refuse what a draft leaves blank
    (its display placeholders) and cost time. Lists (sources, history, ids) go to JSON columns as plain data;
    reference lists keep their ids (what each link rests on is on its Link row).
    """
    data = model.model_dump()
    for key, value in data.items():
        if key in LINK_FIELDS:
            data[key] = ref_ids(getattr(model, key))
        elif isinstance(value, list):
            data[key] = to_jsonable_python(value)
    return TABLE_OF[kind](**data, **extra)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Lineage:
    """Who speaks in each document and whom each organisation belongs to: what files a record under its organisations
    (read from the whole corpus, so that an incremental build of a few records files them as a full build would)."""

    documents: dict[str, list[str]]
    parents: dict[str, str | None]

    @classmethod
    def of(cls, corpus: Corpus) -> Lineage:
        """The lineage of a loaded corpus."""
        return cls({r.id: list(r.model.organisations) for r in corpus.of(DOCUMENT)},
                   {r.id: r.model.parent for r in corpus.of(ORGANISATION)})

    def of_record(self, kind: str, model: Any, record_id: str) -> list[str]:
        """The organisations a record is filed under, with their ancestors: a document's own, a proposal's or an axis's
        document's, an action's; an organisation only under itself (a query naming the Sénat ranks the Sénat's page and reports
        first, not its committees' pages, which its page lists)."""
        if kind == DOCUMENT:
            own = list(model.organisations)
        elif kind == PROPOSAL:
            own = self.documents.get(model.document, [])
        elif kind == ACTION:
            own = [model.organisation] if model.organisation else []
        elif kind == AXIS:
            own = self.documents.get(model.document, [])
        elif kind == ORGANISATION:
            return [record_id]
        else:
            own = []
        return family(own, self.parents)


def scope(kind: str, model: Any) -> str | None:
    """A proposal's or action's scope: regional when it names a region, national otherwise (kb.content.filters)."""
    if kind == PROPOSAL:
        return REGIONAL if model.regions else NATIONAL
    return REGIONAL if kind == ACTION else None


def rows_for(corpus: Corpus, lineage: Lineage | None = None) -> list[SQLModel]:
    """Table rows for every record, with both-way links, aliases and tombstones (``lineage``: the whole corpus's, when
    ``corpus`` holds only the records an incremental build rewrites)."""
    rows: list[SQLModel] = []
    for kind in kinds.with_files():
        for rec in corpus.of(kind):
            rows.append(_row(kind, rec.model, id=rec.id, path=rec.path))
            for alias in getattr(rec.model, "aliases", []):
                rows.append(Alias(alias=alias, target=rec.id, kind=kind))
    for kind in kinds.with_list_file():
        rows += [_row(kind, rec.model) for rec in corpus.of(kind)]
    links = _links(corpus, lineage or Lineage.of(corpus))
    rows += [links[key] for key in sorted(links)]
    rows += retired_rows(corpus)
    return rows


def _links(corpus: Corpus, lineage: Lineage) -> dict[tuple[str, str, str], Link]:
    """Every multi-valued reference as a Link row, keyed (source id, relation, target id); relations named as the filters.

    A record whose source (or the source of a step of its status history) names a document of the base also gets a
    « cites » row to it.
    """
    links: dict[tuple[str, str, str], Link] = {}

    def add(src: str, rel: str, dst: str, basis: str = "source", note: str | None = None) -> None:
        links.setdefault((src, rel, dst), Link(src=src, rel=rel, dst=dst, basis=basis, note=note))

    sector_rel, region_rel = BY_KIND[SECTOR].name, BY_KIND[REGION].name
    for kind in (PROPOSAL, ACTION, REGION):
        for rec in corpus.of(kind):
            m = rec.model
            for sector in m.sectors:
                add(rec.id, sector_rel, sector)
            for region in m.regions if kind == PROPOSAL else [m.region] if kind == ACTION else []:
                add(rec.id, region_rel, region)
            for field, rel in LINK_FIELDS.items():
                for ref in getattr(m, field, []):
                    add(rec.id, rel, ref.id, ref.basis, ref.note)
    organisation_rel = BY_KIND[ORGANISATION].name
    for kind in (DOCUMENT, AXIS, PROPOSAL, ACTION):
        for rec in corpus.of(kind):
            for org in lineage.of_record(kind, rec.model, rec.id):
                add(rec.id, organisation_rel, org)
    for kind in (k for k in kinds.every() if "sources" in k.model.model_fields):
        for rec in corpus.of(kind):
            # A step's source is a document id or an address; an id is the id of a document (kb check says so).
            steps = [h.source for h in getattr(rec.model, "status_history", []) if h.source and ID_RE.match(h.source)]
            for doc in [s.document for s in rec.model.sources] + steps:
                if doc and doc != rec.id:
                    add(rec.id, CITES, doc)
    return links


def retired_rows(corpus: Corpus) -> list[Retired]:
    """Table rows of the tombstones, with the replacement's kind."""
    kind_of = {rec.id: kind for kind in kinds.every() for rec in corpus.of(kind)}
    retired, _ = load_retired(corpus.data_dir)
    rows = {}
    for rec in retired:
        m = rec.model
        rows[rec.id] = Retired(
            id=rec.id, date=m.date, reason=m.reason, replacement=m.replacement, replacement_kind=kind_of.get(m.replacement or "")
        )
    return list(rows.values())


def index_docs(corpus: Corpus, lineage: Lineage | None = None) -> list[dict[str, Any]]:
    """What the search index holds for every record of every kind (kb.search.index_doc says what each key is for).

    Heading: what a result shows beside its title (a document's publisher and kind, « Mesure phare », what a region's
    or sector's page is called: « Région », « Filière »); keywords: a proposal's tags. A document, axis, region or
    sector carries its own id under its filter, so that « type=axe » with « document=… » lists a document's axes; it
    has no update date. Every record carries the organisations it is filed under (with their ancestors) and, for a
    proposal or action, its scope (``lineage``: as for rows_for).
    """
    lineage = lineage or Lineage.of(corpus)
    organisation, scope_name = BY_KIND[ORGANISATION].name, SCOPE.name
    docs: list[dict[str, Any]] = []
    for kind in kinds.every():
        make = _DOCS.get(kind)
        for rec in corpus.of(kind):
            doc = make(rec) if make is not None else _named_doc(kind, rec)
            doc[organisation] = lineage.of_record(kind, rec.model, rec.id)
            doc[scope_name] = scope(kind, rec.model)
            docs.append(doc)
    return docs


def _named_doc(kind: kinds.Kind, rec: Any) -> dict[str, Any]:
    """A record named by a title or a name (regions, sectors, and any kind without index code of its own)."""
    m = rec.model
    # Region, sector and organisation ids are the very words people search for (« normandie », « cpme », « medef »):
    # typed alone, they list, not open, the page (it comes first: its name or sigle is its title); any other record
    # written in a file of its own opens by its id.
    own = {kind: [rec.id]} if kind in BY_KIND else {}
    by_id = kind.folder is not None and kind != ORGANISATION
    # An organisation's names steer a query that names it to its records (kb.search.indexing.steering).
    steers = [n for n in (getattr(m, "short_name", None), getattr(m, "name", None)) if n] if kind == ORGANISATION else []
    heading = [kind.label, *([m.short_name] if getattr(m, "short_name", None) else [])]
    return index_doc(kind, rec.id, getattr(m, kind.name_field), summary=getattr(m, "summary", None) or "", heading=heading,
                     by_id=by_id, steers=steers, hub=kind == ORGANISATION, **_sourced(m), **own)


def _sourced(model: Any) -> dict[str, list[str]]:
    """The quotes and the source hosts of a record."""
    sources = getattr(model, "sources", [])
    urls = [s.url for s in sources if s.url] + ([model.url] if getattr(model, "url", None) else [])
    return {"quotes": [s.quote for s in sources if s.quote], "sites": sorted({h for u in urls if (h := _host(u))})}


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # an address that is no URL (editors may write anything; kb check shows it as text)
        return None


def _document_doc(rec: Any) -> dict[str, Any]:
    m = rec.model
    return index_doc(DOCUMENT, rec.id, m.title, summary=m.summary, body=plain_text(m.body), document=rec.id,
                     heading=[m.publisher, fr.DOCUMENT_KIND[m.kind]], **_sourced(m))


def _axis_doc(rec: Any) -> dict[str, Any]:
    m = rec.model
    return index_doc(AXIS, rec.id, m.title, summary=m.description, document=m.document, axis=rec.id, **_sourced(m))


def _record_doc(rec: Any) -> dict[str, Any]:
    kind = rec.kind
    m = rec.model
    proposal = kind == PROPOSAL
    return index_doc(
        kind, rec.id, m.title, summary=m.summary, body=plain_text(m.body), heading=[fr.FLAGSHIP] if proposal and m.flagship else [],
        keywords=list(m.tags) if proposal else [],
        aliases=list(m.aliases), document=m.document if proposal else None, axis=m.axis if proposal else None,
        sector=list(m.sectors), region=list(m.regions) if proposal else [m.region], status=m.status,
        horizon=m.horizon if proposal else None, carries=[] if proposal else ref_ids(m.proposals),
        updated=m.updated.isoformat(), draft=m.draft, flagship=proposal and m.flagship, **_sourced(m),
    )


# The index documents of the kinds that have their own fields to index; the others are _named_doc's.
_DOCS: dict[str, Callable[[Any], dict[str, Any]]] = {DOCUMENT: _document_doc, AXIS: _axis_doc, PROPOSAL: _record_doc, ACTION: _record_doc}
