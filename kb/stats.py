"""The overview figures shared by /tableau-de-bord and `kb stats`: proposals by axis and status, actions by region and sector."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click
from sqlmodel import Session

from kb import facets, queries
from kb import labels as fr
from kb.models import PROPOSAL_STATUSES, Document
from kb.urls import record_path

SEARCH_PATH = "/recherche"
RECENT = 10


@dataclass
class Count:
    """One bar: what it counts, how many, and the filtered search that lists them (None: nothing to link)."""

    key: str
    label: str
    count: int
    href: str | None = None


@dataclass
class DocumentFigures:
    """One document's proposals: held against announced, by axis (in the document's order) and by status."""

    document: Document
    held: int
    announced: int | None
    by_axis: list[Count]
    by_status: list[Count]

    @property
    def coverage(self) -> str | None:
        """« 3 sur 10 » when the document says how many proposals it announces."""
        return f"{self.held} sur {self.announced}" if self.announced else None


@dataclass
class StatusChange:
    """One dated step of a proposal's status history."""

    date: str
    proposal_id: str
    title: str
    status: str
    note: str | None
    href: str
    draft: bool = False

    @property
    def label(self) -> str:
        """The status in French."""
        return fr.STATUS.get(self.status, self.status)


@dataclass
class Figures:
    """Everything the dashboard shows."""

    documents: list[DocumentFigures]
    actions_by_region: list[Count]
    actions_by_sector: list[Count]
    recent: list[StatusChange]
    totals: dict[str, int] = field(default_factory=dict)


def search_href(**params: str) -> str:
    """The /recherche URL for some filters (French parameter names, built by kb.facets like every search link)."""
    order = [p for p in facets.PARAMS if p in params]
    return facets.SearchState(filters=tuple((p, (params[p],)) for p in order)).url(SEARCH_PATH)


def _by_count(counts: dict[str, int], names: dict[str, str], param: str) -> list[Count]:
    rows = [Count(k, names.get(k, k), n, search_href(type="action", **{param: k})) for k, n in counts.items() if n]
    return sorted(rows, key=lambda c: (-c.count, facets.collation_key(c.label)))


def figures(*, session: Session, drafts: bool = False, recent: int = RECENT) -> Figures:
    """The dashboard's figures from the built database (drafts only in preview)."""
    props = queries.all_of("proposal", session=session, drafts=drafts)
    actions = queries.all_of("action", session=session, drafts=drafts)
    axes = queries.all_of("axis", session=session)
    names = queries.labels(session=session)
    docs = sorted(queries.all_of("document", session=session), key=lambda d: d.kind != "livre-blanc")  # stable: newest first
    out = []
    for doc in docs:
        mine = [p for p in props if p.document == doc.id]
        doc_axes = [a for a in axes if a.document == doc.id]
        if not mine and not doc_axes:
            continue
        by_axis = [
            Count(a.id, a.title, sum(p.axis == a.id for p in mine), search_href(type="proposition", document=doc.id, axe=a.id))
            for a in doc_axes
        ]
        loose = sum(p.axis not in {a.id for a in doc_axes} for p in mine)
        if loose:  # drafts still without an axis (preview only)
            by_axis.append(Count("", "Sans axe", loose))
        by_status = [
            Count(s, fr.STATUS[s], n, search_href(type="proposition", document=doc.id, statut=s))
            for s in PROPOSAL_STATUSES
            if (n := sum(p.status == s for p in mine))
        ]
        out.append(DocumentFigures(doc, len(mine), doc.announced_proposals, by_axis, by_status))
    regions: dict[str, int] = {}
    sectors: dict[str, int] = {}
    for action in actions:
        regions[action.region] = regions.get(action.region, 0) + 1
        for s in action.sectors:
            sectors[s] = sectors.get(s, 0) + 1
    changes = [
        StatusChange(str(h.get("date")), p.id, p.title, str(h.get("status")), h.get("note"), record_path("proposal", p.id), p.draft)
        for p in props
        for h in p.status_history
    ]
    changes.sort(key=lambda c: (c.date, c.proposal_id), reverse=True)
    totals = {"proposal": len(props), "action": len(actions), "document": len(out)}
    by_region, by_sector = _by_count(regions, names["region"], "region"), _by_count(sectors, names["sector"], "filiere")
    return Figures(out, by_region, by_sector, changes[:recent], totals)


def _bar(n: int, top: int, width: int = 24) -> str:
    return "█" * max(1 if n else 0, round(width * n / top)) if top else ""


def _rows(counts: list[Count]) -> list[str]:
    top = max((c.count for c in counts), default=0)
    pad = max((len(c.label) for c in counts), default=0)
    return [f"    {c.label.ljust(pad)}  {c.count:>3}  {_bar(c.count, top)}" for c in counts] or ["    (aucune)"]


def render_text(figs: Figures) -> str:
    """The figures as terminal text (`kb stats`)."""
    lines: list[str] = []
    for d in figs.documents:
        lines.append(f"{d.document.title} ({fr.DOCUMENT_KIND.get(d.document.kind, d.document.kind).lower()})")
        held = fr.plural(d.held, "proposition")
        lines.append(f"  {held} sur {d.announced} annoncées" if d.announced else f"  {held}")
        lines += ["  Par axe :", *_rows(d.by_axis), "  Par statut :", *_rows(d.by_status), ""]
    lines += ["Actions régionales par région :", *_rows(figs.actions_by_region), ""]
    lines += ["Actions régionales par filière :", *_rows(figs.actions_by_sector), ""]
    lines.append("Derniers changements de statut :")
    marks = {True: " [brouillon]", False: ""}
    lines += [f"    {c.date}  {c.label} : {c.title} ({c.proposal_id}){marks[c.draft]}" for c in figs.recent] or ["    (aucun)"]
    return "\n".join(lines)


@click.command("stats")
@click.option("--database", "database_url", envvar="KB_DATABASE_URL", default=None, help="URL de la base construite (celle de kb build).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Compter depuis ce dossier de contenu (sans kb build).")
@click.option("--drafts", is_flag=True, help="Compter aussi les brouillons.")
def stats_cmd(database_url: str | None, data_dir: Path | None, drafts: bool) -> None:
    """Affiche les chiffres du tableau de bord : propositions par axe et par statut, actions par région et filière."""
    from kb.config import DEFAULTS, resolve_database_url
    from kb.db import build_info, make_engine

    with tempfile.TemporaryDirectory(prefix="kb-stats-") as tmp:
        if data_dir is not None:
            url = f"sqlite:///{Path(tmp) / 'stats.sqlite'}"
            _load_content(data_dir, url)
        else:
            url = resolve_database_url(database_url or DEFAULTS["DATABASE_URL"])
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                if not build_info(session) and data_dir is None:
                    click.echo("Aucune base construite : lancez d'abord « kb build » (ou passez --data).", err=True)
                    sys.exit(1)
                click.echo(render_text(figures(session=session, drafts=drafts)))
        finally:
            engine.dispose()


def _load_content(data_dir: Path, url: str) -> None:
    """Check a content folder and load it into a scratch database (no index): stop on errors, like kb build."""
    from kb.build import check, rows_for
    from kb.db import make_engine, replace_all
    from kb.models import BuildInfo
    from kb.problems import errors

    corpus, problems = check(data_dir)
    if errors(problems):
        for p in errors(problems):
            click.echo(p.format(), err=True)
        raise click.ClickException("le contenu a des erreurs : corrigez-les (kb check) avant de compter.")
    engine = make_engine(url)
    try:
        replace_all(engine, [*rows_for(corpus), BuildInfo(key="build_id", value="stats")])
    finally:
        engine.dispose()
