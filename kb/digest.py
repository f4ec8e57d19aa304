"""``kb digest``: a ready-to-paste newsletter block of what changed since a date, grouped by axis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from kb import queries
from kb.cards import SITE_NAME, card, render
from kb.labels import date_fr

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
    session: Session, *, since: dt.date, base: str, axis: str | None = None, region: str | None = None, campaign: str | None = None
) -> list[Group]:
    """The records updated since ``since`` (filtered by axis and region), as cards grouped by axis, in axis order."""
    f = queries.Filters(axis=[axis] if axis else [], region=[region] if region else [], updated_since=since)
    axes = queries.all_of("axis", session=session)
    docs = {d.id: d.title for d in queries.all_of("document", session=session)}
    groups = {a.id: Group(a.title, docs.get(a.document, "")) for a in axes}
    regional = Group(REGIONAL)
    for kind in ("proposal", "action"):
        rows, _ = queries.list_records(kind, f, session=session, limit=LIMIT, offset=0)
        for row in rows:
            data = card(kind, row.id, session=session, base=base, campaign=campaign)
            if data is None:
                continue
            if kind == "proposal":
                homes = [row.axis]
            else:
                # An action goes under the axes of the proposals it carries (only the requested one when filtered).
                carried = queries.by_ids("proposal", row.proposals, session=session)
                homes = list(dict.fromkeys(p.axis for p in carried if not axis or p.axis == axis))
            for group in [groups[h] for h in homes if h in groups] or [regional]:
                group.items.append(data)
    ordered = [g for g in groups.values() if g.items] + ([regional] if regional.items else [])
    for g in ordered:
        g.items.sort(key=lambda c: (c["updated"], c["id"]), reverse=True)
    return ordered


def render_digest(groups: list[Group], *, since: dt.date, fmt: str) -> str:
    """The digest in one format: email-safe HTML (cards' rules), Markdown or plain text."""
    return render(FORMATS[fmt], groups=groups, since=date_fr(since), site=SITE_NAME)


def cli() -> Any:
    """The ``kb digest`` command (registered in kb.cli)."""
    import sys

    import click

    from kb.config import DEFAULTS, resolve_database_url
    from kb.db import build_info, make_engine

    @click.command("digest")
    @click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Depuis cette date (AAAA-MM-JJ ; défaut : il y a 30 jours).")
    @click.option("--axis", help="Seulement cet axe (id).")
    @click.option("--region", help="Seulement cette région (id).")
    @click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True)
    @click.option("--base-url", envvar="KB_SITE_URL", default="http://127.0.0.1:5000", show_default=True, help="Adresse publique du site.")
    @click.option("--campaign", help="Nom de campagne : ajoute utm_source=newsletter et utm_campaign aux liens.")
    @click.option("--database", "database_url", envvar="KB_DATABASE_URL", default=DEFAULTS["DATABASE_URL"], show_default=True)
    def digest_cmd(
        since: dt.datetime | None, axis: str | None, region: str | None, fmt: str, base_url: str, campaign: str | None, database_url: str
    ) -> None:
        """Bloc prêt à coller dans une lettre d'information : les fiches créées ou mises à jour depuis une date."""
        day = since.date() if since else dt.date.today() - dt.timedelta(days=30)
        engine = make_engine(resolve_database_url(database_url))
        try:
            with Session(engine) as session:
                if not build_info(session):
                    click.echo("kb digest : aucune base construite ; lancez d'abord « kb build ».", err=True)
                    sys.exit(1)
                for kind, value in (("axis", axis), ("region", region)):
                    if value and queries.get(kind, value, session=session) is None:
                        click.echo(f"kb digest : {'axe' if kind == 'axis' else 'région'} « {value} » introuvable.", err=True)
                        sys.exit(1)
                groups = collect(session, since=day, base=base_url.rstrip("/"), axis=axis, region=region, campaign=campaign)
        finally:
            engine.dispose()
        count = sum(len(g.items) for g in groups)
        if not count:
            click.echo(f"Aucune proposition ni action mise à jour depuis le {date_fr(day)}.", err=True)
            return
        click.echo(render_digest(groups, since=day, fmt=fmt), nl=False)
        click.echo(f"{count} fiche{'s' if count > 1 else ''} dans {len(groups)} rubrique{'s' if len(groups) > 1 else ''}.", err=True)

    return digest_cmd
