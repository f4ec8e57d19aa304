"""Open-data exports: proposals.csv, actions.csv and kb.json, served by the API and written by ``kb export``."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kb import shapes
from kb.apimodels import ActionOut, ProposalOut, Source
from kb.config import DEFAULTS

BOM = "\ufeff"
JOIN = " | "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return JOIN.join(_text(v) for v in value)
    return str(value)


def _cell(value: Any) -> str:
    """The cell's text; one starting like a formula gets a leading apostrophe (shown as text by spreadsheets)."""
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _source(s: Source) -> str:
    return s.url or (s.document.url if s.document else "")


# Column name → (French description shown on /donnees, value); the names are stable.
PROPOSAL_COLUMNS: dict[str, tuple[str, Callable[[ProposalOut], Any]]] = {
    "id": ("Identifiant permanent de la proposition", lambda p: p.id),
    "url": ("Adresse de sa page sur le site", lambda p: p.url),
    "title": ("Titre", lambda p: p.title),
    "summary": ("Résumé (texte simple, 400 caractères au plus)", lambda p: p.summary),
    "body": ("Texte complet, en Markdown (vide si la fiche n'en a pas)", lambda p: p.body),
    "document": ("Identifiant du document source (livre blanc, rapport…)", lambda p: p.document.id if p.document else None),
    "document_title": ("Titre du document source", lambda p: p.document.title if p.document else None),
    "axis": ("Identifiant de l'axe du document", lambda p: p.axis.id if p.axis else None),
    "axis_title": ("Titre de l'axe", lambda p: p.axis.title if p.axis else None),
    "horizon": ("court-terme ou long-terme (vide si la source ne le dit pas)", lambda p: p.horizon),
    "flagship": ("true pour une mesure phare, sinon false", lambda p: p.flagship),
    "status": ("Statut : proposee, en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre ou abandonnee", lambda p: p.status),
    "sectors": ("Identifiants des filières concernées", lambda p: [s.id for s in p.sectors]),
    "sector_names": ("Noms des filières concernées", lambda p: [s.name for s in p.sectors]),
    "regions": ("Identifiants des régions concernées (vide : portée nationale)", lambda p: [r.id for r in p.regions]),
    "region_names": ("Noms des régions concernées", lambda p: [r.name for r in p.regions]),
    "tags": ("Mots-clés", lambda p: p.tags),
    "related": ("Identifiants des propositions liées (liens déclarés d'un côté ou de l'autre)", lambda p: [r.id for r in p.related]),
    "actions": ("Identifiants des actions régionales qui portent la proposition", lambda p: [a.id for a in p.actions]),
    "sources": ("Sources : adresse citée, ou page du document de la base", lambda p: [_source(s) for s in p.sources]),
    "aliases": ("Anciens identifiants (ils redirigent vers la fiche)", lambda p: p.aliases),
    "published": ("Date de publication par la source (AAAA-MM-JJ, AAAA-MM ou AAAA)", lambda p: p.published),
    "updated": ("Date de dernière mise à jour de la fiche (AAAA-MM-JJ)", lambda p: p.updated.isoformat()),
}

ACTION_COLUMNS: dict[str, tuple[str, Callable[[ActionOut], Any]]] = {
    "id": ("Identifiant permanent de l'action", lambda a: a.id),
    "url": ("Adresse de sa page sur le site", lambda a: a.url),
    "title": ("Titre", lambda a: a.title),
    "summary": ("Résumé (texte simple, 400 caractères au plus)", lambda a: a.summary),
    "body": ("Texte complet, en Markdown (vide si la fiche n'en a pas)", lambda a: a.body),
    "region": ("Identifiant de la région", lambda a: a.region.id if a.region else None),
    "region_name": ("Nom de la région", lambda a: a.region.name if a.region else None),
    "sectors": ("Identifiants des filières concernées", lambda a: [s.id for s in a.sectors]),
    "sector_names": ("Noms des filières concernées", lambda a: [s.name for s in a.sectors]),
    "proposals": ("Identifiants des propositions que l'action porte", lambda a: [p.id for p in a.proposals]),
    "status": ("Statut : annoncee, en-cours, realisee ou suspendue", lambda a: a.status),
    "partners": ("Partenaires (noms)", lambda a: a.partners),
    "sources": ("Sources : adresse citée, ou page du document de la base", lambda a: [_source(s) for s in a.sources]),
    "aliases": ("Anciens identifiants (ils redirigent vers la fiche)", lambda a: a.aliases),
    "published": ("Date de publication par la source (AAAA-MM-JJ, AAAA-MM ou AAAA)", lambda a: a.published),
    "updated": ("Date de dernière mise à jour de la fiche (AAAA-MM-JJ)", lambda a: a.updated.isoformat()),
}

CSV_FILES: dict[str, tuple[str, dict[str, tuple[str, Callable[[Any], Any]]]]] = {
    "proposals.csv": ("proposal", PROPOSAL_COLUMNS),
    "actions.csv": ("action", ACTION_COLUMNS),
}


def csv_text(ctx: shapes.Ctx, name: str) -> str:
    """One CSV export (``proposals.csv`` or ``actions.csv``) as text, BOM first so Excel reads UTF-8."""
    kind, columns = CSV_FILES[name]
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf)
    writer.writerow(columns)
    for record in shapes.all_records(ctx, kind):
        writer.writerow([_cell(get(record)) for _doc, get in columns.values()])
    return buf.getvalue()


def json_text(ctx: shapes.Ctx) -> str:
    """kb.json: every record of every kind, in the detail endpoints' shapes."""
    return shapes.export_all(ctx).model_dump_json() + "\n"


def write_files(ctx: shapes.Ctx, out: Path, formats: list[str]) -> list[Path]:
    """Write the exports of the given formats (``csv``, ``json``) into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "csv" in formats:
        for name in CSV_FILES:
            # newline="" keeps the csv module's CRLF line ends as they are.
            with open(out / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(csv_text(ctx, name))
            written.append(out / name)
    if "json" in formats:
        (out / "kb.json").write_text(json_text(ctx), "utf-8")
        written.append(out / "kb.json")
    return written


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "all"]), default="all", show_default=True, help="Fichiers à écrire.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Dossier où écrire les fichiers.")
@click.option(
    "--site-url", envvar="KB_SITE_URL", default="", help="Adresse du site, pour des liens absolus (sinon : chemins /propositions/…)."
)
# Same options as the other commands; defined here because kb.cli imports this module to register the command.
@click.option("--data", "data_dir", envvar="KB_DATA_DIR", default=DEFAULTS["DATA_DIR"], show_default=True, help="Dossier du contenu.")
@click.option("--index", "index_dir", envvar="KB_INDEX_DIR", default=DEFAULTS["INDEX_DIR"], show_default=True, help="Dossier de l'index.")
@click.option(
    "--database", "database_url", envvar="KB_DATABASE_URL", default=DEFAULTS["DATABASE_URL"], show_default=True, help="URL de la base."
)
def export_cmd(fmt: str, out: Path, site_url: str, data_dir: str, index_dir: str, database_url: str) -> None:
    """Écrit les fichiers de données ouvertes (proposals.csv, actions.csv, kb.json) de la base construite."""
    from sqlmodel import Session

    from kb.config import resolve_database_url
    from kb.db import build_info, make_engine

    del data_dir, index_dir  # accepted like the other commands; the export reads the built database only
    engine = make_engine(resolve_database_url(database_url))
    try:
        with Session(engine) as session:
            if not build_info(session):
                click.echo("Aucune base construite : lancez d'abord « kb build ».", err=True)
                sys.exit(1)
            ctx = shapes.Ctx(session, site_url.rstrip("/"))
            written = write_files(ctx, out, ["csv", "json"] if fmt == "all" else [fmt])
    finally:
        engine.dispose()
    for path in written:
        click.echo(f"Écrit : {path}")
