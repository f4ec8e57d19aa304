"""Commands that read what is built or written: export, stats, digest (newsletter block), autolink (newsletter draft)."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import click

from kb.cli.common import built_context
from kb.cli.options import BASE_URL, DATA, DATABASE, INDEX, MAX_FILE, SITE_URL, Date
from kb.config import DEFAULTS
from kb.content import labels as fr
from kb.content import load_all
from kb.content.kinds import AXIS, REGION
from kb.content.labels import date_fr
from kb.newsletter.autolink import autolink
from kb.newsletter.digest import FORMATS, collect, distinct_records, render_digest
from kb.pages.dashboard import Count, Figures, figures
from kb.store import queries

NOT_BUILT = "Aucune base construite : lancez d'abord « kb build »."


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "all"]), default="all", show_default=True, help="Fichiers à écrire.")
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), required=True, metavar="DOSSIER", help="Dossier où écrire les fichiers."
)
@SITE_URL
@DATA
@INDEX
@DATABASE
def export_cmd(fmt: str, out: Path, site_url: str, data_dir: str, index_dir: str, database_url: str) -> None:
    """Écrit les fichiers de données ouvertes (proposals.csv, actions.csv, kb.json) de la base construite."""
    from kb.api import export  # the export's stack: only for this command

    del data_dir, index_dir  # accepted like the other commands; the export reads the built database only
    with built_context(database_url, NOT_BUILT, site_url) as ctx:
        written = export.write_files(ctx, out, ["csv", "json"] if fmt == "all" else [fmt])
    for path in written:
        click.echo(f"Écrit : {path}")


@click.command("stats")
@click.option(
    "--database",
    "database_url",
    envvar="KB_DATABASE_URL",
    default=None,
    metavar="URL",
    help="URL de la base construite (celle de kb build).",
)
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), metavar="DOSSIER", help="Compter depuis ce dossier de contenu (sans kb build)."
)
@MAX_FILE
@click.option("--drafts", is_flag=True, help="Compter aussi les brouillons.")
def stats_cmd(database_url: str | None, data_dir: Path | None, max_file_bytes: int, drafts: bool) -> None:
    """Affiche les chiffres du tableau de bord : propositions par axe et par statut, actions par région et filière."""
    with tempfile.TemporaryDirectory(prefix="kb-stats-") as tmp:
        if data_dir is not None:
            url = f"sqlite:///{Path(tmp) / 'stats.sqlite'}"
            _load_content(data_dir, url, max_file_bytes)
        else:
            url = database_url or DEFAULTS["DATABASE_URL"]
        with built_context(url, NOT_BUILT[:-1] + " (ou passez --data).", drafts=drafts) as ctx:
            click.echo(render_text(figures(ctx.db)))


def _load_content(data_dir: Path, url: str, max_file_bytes: int) -> None:
    """Check a content folder and load it into a scratch database (no index): stop on errors, like kb build."""
    from kb.builder.rows import rows_for  # the build's rows and the database writer: only with --data
    from kb.content import check, errors
    from kb.store import make_engine
    from kb.store.engine import replace_all
    from kb.store.tables import BuildInfo

    corpus, problems = check(data_dir, max_bytes=max_file_bytes)
    if errors(problems):
        for p in errors(problems):
            click.echo(p.format(), err=True)
        raise click.ClickException("le contenu a des erreurs : corrigez-les (kb check) avant de compter.")
    engine = make_engine(url)
    try:
        replace_all(engine, [*rows_for(corpus), BuildInfo(key="build_id", value="stats")])
    finally:
        engine.dispose()


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




@click.command("digest")
@click.option("--since", type=Date(), metavar="AAAA-MM-JJ", help="Depuis cette date (défaut : il y a 30 jours).")
@click.option("--axis", metavar="ID", help="Seulement cet axe (id).")
@click.option("--region", metavar="ID", help="Seulement cette région (id).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True, help="Format du bloc.")
@BASE_URL
@click.option("--campaign", metavar="NOM", help="Nom de campagne : ajoute utm_source=newsletter et utm_campaign aux liens.")
@DATABASE
def digest_cmd(
    since: dt.date | None, axis: str | None, region: str | None, fmt: str, base_url: str, campaign: str | None, database_url: str
) -> None:
    """Bloc prêt à coller dans une lettre d'information : les fiches créées ou mises à jour depuis une date."""
    day = since or dt.date.today() - dt.timedelta(days=30)
    with built_context(database_url, "kb digest : aucune base construite ; lancez d'abord « kb build ».", base_url) as ctx:
        for kind, value in ((AXIS, axis), (REGION, region)):
            if value and queries.get(ctx.db, kind, value) is None:
                click.echo(f"kb digest : {kind.noun} « {value} » introuvable.", err=True)
                sys.exit(1)
        groups = collect(ctx, since=day, axis=axis, region=region, campaign=campaign)
    count = distinct_records(groups)
    if not count:
        click.echo(f"Aucune proposition ni action mise à jour depuis le {date_fr(day)}.", err=True)
        return
    click.echo(render_digest(groups, since=day, fmt=fmt), nl=False)
    click.echo(f"{count} fiche{'s' if count > 1 else ''} dans {len(groups)} rubrique{'s' if len(groups) > 1 else ''}.", err=True)


@click.command("autolink")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="BROUILLON")
@BASE_URL
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FICHIER",
    help="Écrire le résultat dans ce fichier (défaut : la sortie).",
)
@DATA
@MAX_FILE
def autolink_cmd(file: Path, base_url: str, out: Path | None, data_dir: Path, max_file_bytes: int) -> None:
    """Ajoute à un brouillon de lettre (Markdown ou HTML) les liens vers les fiches qu'il cite."""
    markdown = file.suffix.lower() not in (".html", ".htm")
    result, mentions = autolink(file.read_text("utf-8"), load_all(data_dir, max_bytes=max_file_bytes), base_url, markdown)
    if out:
        out.write_text(result, "utf-8")
    else:
        click.echo(result, nl=False)
    for m in mentions:
        click.echo(f"{file.name}:{m.line}: « {' '.join(m.text.split())} » → {m.url}", err=True)
    click.echo(f"{len(mentions)} lien{'s' if len(mentions) > 1 else ''} ajouté{'s' if len(mentions) > 1 else ''}.", err=True)
