"""``kb digest``: a ready-to-paste newsletter block of what changed since a date, grouped by axis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kb.config import SITE_NAME
from kb.content.filters import BY_KIND
from kb.content.kinds import ACTION, AXIS, DOCUMENT, PROPOSAL, REGION
from kb.content.labels import date_fr
from kb.newsletter.cards import card, render
from kb.pages import Context
from kb.store import queries
from kb.store.grid import column_order

FORMATS = {"html": "digest.html", "md": "digest.md", "txt": "digest.txt"}
REGIONAL = "Actions régionales"
LIMIT = 1000


@dataclass
class Group:
    """One heading of the digest (an axis, or the regional actions carrying no proposal) and its cards."""

    title: str
    subtitle: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)


def collect(
    ctx: Context, *, since: dt.date, axis: str | None = None, region: str | None = None, campaign: str | None = None
) -> list[Group]:
    """The records updated since ``since`` (filtered by axis and region), as cards grouped by axis: the documents' axes
    in the site's order of documents (the featured one first, then the newest first, as « Qui propose quoi »), each
    document's in its own order. A region takes its own records and the proposals of national scope, as its page does.

    Each record appears once: a proposal under its axis; an action under the axis of the first proposal it carries (the
    requested axis when filtered), or under « Actions régionales » when it carries none that is public."""
    f = queries.Filters({BY_KIND[AXIS].name: [axis] if axis else [], BY_KIND[REGION].name: [region] if region else []}, updated_since=since)
    every = queries.all_of(ctx.db, DOCUMENT)
    documents = column_order(every, queries.featured(every))
    rank = {d.id: i for i, d in enumerate(documents)}
    axes = sorted(queries.all_of(ctx.db, AXIS), key=lambda a: (rank.get(a.document, len(rank)), a.order, a.id))
    titles = {d.id: d.title for d in documents}
    groups = {a.id: Group(a.title, titles.get(a.document, "")) for a in axes}
    regional = Group(REGIONAL)
    for kind in (PROPOSAL, ACTION):
        rows, _ = queries.list_records(ctx.db, kind, f, limit=LIMIT, offset=0)
        for row in rows:
            data = card(ctx, kind, row.id, campaign=campaign)
            if data is None:
                continue
            if kind == PROPOSAL:
                home = row.axis
            else:
                carried = [p.axis for p in queries.by_ids(ctx.db, PROPOSAL, row.proposals)]
                home = axis if axis in carried else (carried[0] if carried else None)
            groups.get(home or "", regional).items.append(data)
    ordered = [g for g in groups.values() if g.items] + ([regional] if regional.items else [])
    for g in ordered:
        g.items.sort(key=lambda c: (c["updated"], c["id"]), reverse=True)
    return ordered


def distinct_records(groups: list[Group]) -> int:
    """How many different records the digest shows (each once, whatever the grouping)."""
    return len({(c["type"], c["id"]) for g in groups for c in g.items})


def render_digest(groups: list[Group], *, since: dt.date, fmt: str) -> str:
    """The digest in one format: email-safe HTML (cards' rules), Markdown or plain text."""
    return render(FORMATS[fmt], groups=groups, since=date_fr(since), site=SITE_NAME)
