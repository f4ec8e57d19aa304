"""Database rows → API record shapes (kb.api.models), shared by the API endpoints and the exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, SQLModel

from kb.api import models as m
from kb.content.markup import render_markdown
from kb.content.models import ActionBase, AxisBase, DocumentBase, ProposalBase, RegionBase, SectorBase
from kb.content.urls import record_path
from kb.store import linked, overview, queries


@dataclass
class Ctx:
    """What every shape needs: the session, the site's absolute base URL and the drafts switch."""

    session: Session
    base: str
    drafts: bool = False
    _names: dict[str, dict[str, str]] = field(default_factory=dict)

    def url(self, kind: str, record_id: str) -> str:
        """Absolute permanent page URL of a record."""
        return self.base + record_path(kind, record_id)

    def names(self) -> dict[str, dict[str, str]]:
        """Display names of documents, axes, sectors and regions (read once per context)."""
        if not self._names:
            self._names.update(queries.labels(session=self.session))
        return self._names


def _own(base: type[SQLModel], row: Any, kind: str, ctx: Ctx) -> dict[str, Any]:
    """What a shape shares with its row (the fields of the kind's base class), with its id, type and page URL."""
    return {**{name: getattr(row, name) for name in base.model_fields}, "id": row.id, "type": kind, "url": ctx.url(kind, row.id)}


def _ref(ctx: Ctx, kind: str, row: Any) -> m.Ref:
    return m.Ref(id=row.id, title=row.title, url=ctx.url(kind, row.id))


def _linked_ref(ctx: Ctx, kind: str, row: Any, editorial: dict[str, str]) -> m.LinkedRef:
    note = editorial.get(row.id)
    basis = "source" if note is None else "editorial"
    return m.LinkedRef(id=row.id, title=row.title, url=ctx.url(kind, row.id), basis=basis, note=note or None)


def _named(ctx: Ctx, kind: str, row: Any) -> m.NamedRef:
    return m.NamedRef(id=row.id, name=row.name, url=ctx.url(kind, row.id))


def _sources(ctx: Ctx, sources: list[dict[str, Any]]) -> list[m.Source]:
    titles = ctx.names()["document"]
    out = []
    for s in sources:
        doc = s.get("document")
        page = s.get("page")
        out.append(
            m.Source(
                document=m.Ref(id=doc, title=titles.get(doc, doc), url=ctx.url("document", doc)) if doc else None,
                url=s.get("url"),
                quote=s.get("quote"),
                page=None if page is None else str(page),
                accessed=s.get("accessed"),
            )
        )
    return out


def proposal_from_view(ctx: Ctx, v: linked.ProposalView) -> m.ProposalOut:
    """The API shape of a proposal view."""
    p = v.proposal
    return m.ProposalOut.model_construct(
        **_own(ProposalBase, p, "proposal", ctx),
        body_html=render_markdown(p.body),
        document=_ref(ctx, "document", v.document) if v.document else None,
        axis=_ref(ctx, "axis", v.axis) if v.axis else None,
        status_history=[m.StatusChange.model_validate({"note": None, "source": None, **h}) for h in p.status_history],
        sectors=[_named(ctx, "sector", s) for s in v.sectors],
        regions=[_named(ctx, "region", r) for r in v.regions],
        related=[_linked_ref(ctx, "proposal", r, v.editorial) for r in v.related],
        actions=[_linked_ref(ctx, "action", a, v.editorial) for a in v.actions],
        echoes=[_linked_ref(ctx, "axis", a, v.editorial) for a in v.echoes],
        sources=_sources(ctx, p.sources),
    )


def proposals(ctx: Ctx, ids: list[str]) -> list[m.ProposalOut]:
    """Proposals by id (in that order; unknown or hidden ones dropped), links resolved both ways."""
    return [proposal_from_view(ctx, v) for v in linked.proposal_views(ids, session=ctx.session, drafts=ctx.drafts)]


def proposal(ctx: Ctx, record_id: str) -> m.ProposalOut | None:
    """A proposal by id, links resolved both ways."""
    return next(iter(proposals(ctx, [record_id])), None)


def actions(ctx: Ctx, ids: list[str]) -> list[m.ActionOut]:
    """Actions by id (in that order) with the proposals they carry."""
    return [action_from_view(ctx, v) for v in linked.action_views(ids, session=ctx.session, drafts=ctx.drafts)]


def action(ctx: Ctx, record_id: str) -> m.ActionOut | None:
    """An action by id with the proposals it carries."""
    return next(iter(actions(ctx, [record_id])), None)


def action_from_view(ctx: Ctx, v: linked.ActionView) -> m.ActionOut:
    """The API shape of an action view."""
    a = v.action
    return m.ActionOut.model_construct(
        **_own(ActionBase, a, "action", ctx),
        body_html=render_markdown(a.body),
        region=_named(ctx, "region", v.region) if v.region else None,
        sectors=[_named(ctx, "sector", s) for s in v.sectors],
        proposals=[_linked_ref(ctx, "proposal", p, v.editorial) for p in v.proposals],
        sources=_sources(ctx, a.sources),
    )


def document(ctx: Ctx, record_id: str) -> m.DocumentOut | None:
    """A document with its axes (and their proposal counts) and its proposals."""
    v = linked.document_view(record_id, session=ctx.session, drafts=ctx.drafts)
    if v is None:
        return None
    d = v.document
    return m.DocumentOut.model_construct(
        **_own(DocumentBase, d, "document", ctx),
        source_url=d.url,
        body_html=render_markdown(d.body),
        held_proposals=v.held,
        axes=[m.AxisSummary(id=a.id, title=a.title, url=ctx.url("axis", a.id), order=a.order, proposal_count=n) for a, n in v.axes],
        proposals=[_ref(ctx, "proposal", p) for p in v.proposals],
        sources=_sources(ctx, d.sources),
        cited_by=_cited_by(ctx, d.id),
    )


def _cited_by(ctx: Ctx, document_id: str) -> list[m.CitingRef]:
    """Every record with a source on a document, by kind (as the document's page lists them)."""
    found = overview.citing(document_id, session=ctx.session, drafts=ctx.drafts)
    groups = (("proposal", found.proposals), ("action", found.actions), ("axis", found.axes), ("document", found.documents),
              ("region", found.regions))
    return [
        m.CitingRef(id=r.id, type=kind, title=getattr(r, "title", None) or r.name, url=ctx.url(kind, r.id))
        for kind, rows in groups
        for r in rows
    ]


def axis(ctx: Ctx, record_id: str) -> m.AxisOut | None:
    """An axis with its document and proposals."""
    a = queries.get("axis", record_id, session=ctx.session)
    if a is None:
        return None
    doc = queries.get("document", a.document, session=ctx.session)
    return m.AxisOut.model_construct(
        **_own(AxisBase, a, "axis", ctx)
        | {
            "document": _ref(ctx, "document", doc) if doc else None,
            "proposals": [_ref(ctx, "proposal", p) for p in linked.proposals_of_axis(a.id, session=ctx.session, drafts=ctx.drafts)],
            "echoed_by": [_echo(ctx, a.id, p) for p in linked.echoing(a.id, session=ctx.session, drafts=ctx.drafts)],
            "sources": _sources(ctx, a.sources),
        }
    )


def _echo(ctx: Ctx, axis_id: str, proposal: Any) -> m.LinkedRef:
    """A peer proposal echoing an axis: always an editorial link; its note, if the file gives one."""
    note = next((lk.note for lk in queries.links(proposal.id, "echoes", axis_id, session=ctx.session)), None)
    return m.LinkedRef(id=proposal.id, title=proposal.title, url=ctx.url("proposal", proposal.id), basis="editorial", note=note)


def _linked(ctx: Ctx, rel: str, record_id: str) -> dict[str, list[m.Ref]]:
    found = linked.linked_records(rel, record_id, session=ctx.session, drafts=ctx.drafts)
    return {
        "proposals": [_ref(ctx, "proposal", p) for p in found["proposal"]],
        "actions": [_ref(ctx, "action", a) for a in found["action"]],
    }


def sector(ctx: Ctx, record_id: str) -> m.SectorOut | None:
    """A sector with the proposals and actions that name it."""
    s = queries.get("sector", record_id, session=ctx.session)
    if s is None:
        return None
    regions = [_named(ctx, "region", r) for r in overview.regions_naming(s.id, session=ctx.session)]
    return m.SectorOut.model_construct(**_own(SectorBase, s, "sector", ctx), **_linked(ctx, "sector", s.id), regions=regions)


def region(ctx: Ctx, record_id: str) -> m.RegionOut | None:
    """A region with the proposals and actions that name it."""
    r = queries.get("region", record_id, session=ctx.session)
    if r is None:
        return None
    sectors = [_named(ctx, "sector", s) for s in queries.by_ids("sector", r.sectors, session=ctx.session)]
    extra = {"sectors": sectors, "sources": _sources(ctx, r.sources), **_linked(ctx, "region", r.id)}
    return m.RegionOut.model_construct(**_own(RegionBase, r, "region", ctx) | extra)


DETAIL: dict[str, Callable[[Ctx, str], BaseModel | None]] = {
    "proposal": proposal,
    "action": action,
    "document": document,
    "axis": axis,
    "sector": sector,
    "region": region,
}


def many(ctx: Ctx, kind: str, ids: list[str]) -> list[Any]:
    """Records of a kind in their API shape, in the ids' order (proposals and actions in a few queries)."""
    if kind == "proposal":
        return proposals(ctx, ids)
    if kind == "action":
        return actions(ctx, ids)
    return [shape for i in ids if (shape := DETAIL[kind](ctx, i)) is not None]


def all_records(ctx: Ctx, kind: str) -> list[Any]:
    """Every visible record of a kind in its API shape, in the base's stable order."""
    return many(ctx, kind, [row.id for row in queries.all_of(kind, session=ctx.session, drafts=ctx.drafts)])


def export_all(ctx: Ctx) -> m.KbExport:
    """Everything, as kb.json holds it."""
    return m.KbExport(
        documents=all_records(ctx, "document"),
        axes=all_records(ctx, "axis"),
        proposals=all_records(ctx, "proposal"),
        actions=all_records(ctx, "action"),
        sectors=all_records(ctx, "sector"),
        regions=all_records(ctx, "region"),
    )
