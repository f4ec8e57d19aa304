"""Commands on the content: check, new, schema, links freeze (importing content from elsewhere: kb.cli.importing)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from kb.cli.common import keep, print_problems
from kb.cli.options import DATA, GROUP, MAX_FILE
from kb.config import DEFAULTS
from kb.content import check as check_content
from kb.content import freeze
from kb.content.addresses import fix_folder
from kb.content.permanence import write_published
from kb.content.problems import blocking, display_path
from kb.content.scaffold import kind_named, write_template
from kb.content.schemas import json_schemas


@click.command()
@click.argument("files", nargs=-1, metavar="[FICHIER]...", type=click.Path(path_type=Path))
@DATA
@MAX_FILE
@click.option(
    "--strict", is_flag=True, help="Les avertissements font aussi échouer la vérification (sauf les « à compléter » des brouillons)."
)
@click.option("--fix-urls", is_flag=True, help="Corriger d'abord les adresses dans les fichiers (port par défaut, espaces) et dire quoi.")
def check(files: tuple[Path, ...], data_dir: Path, max_file_bytes: int, strict: bool, fix_urls: bool) -> None:
    """Vérifie chaque fichier et chaque renvoi ; affiche tous les problèmes (seulement ceux des FICHIERS s'ils sont donnés)."""
    if fix_urls:
        fixes = fix_folder(data_dir, max_file_bytes)
        for fix in fixes:
            click.echo(f"{display_path(fix.path)}:{fix.line}: corrigé : « {fix.before} » → « {fix.after} »")
        click.echo(f"{len(fixes)} adresse{'s' if len(fixes) > 1 else ''} corrigée{'s' if len(fixes) > 1 else ''}.")
    corpus, problems = check_content(data_dir, max_bytes=max_file_bytes)
    keep(corpus)
    checked = len(files) or corpus.files
    if files:
        wanted = {os.path.abspath(f) for f in files}
        known = {os.path.abspath(r.path) for kind in corpus.records for r in corpus.of(kind)}
        known |= {os.path.abspath(p.path) for p in problems}
        unknown = sorted(str(f) for f in files if os.path.abspath(f) not in known)
        if unknown:
            raise click.UsageError(f"pas un fichier du dossier de contenu « {data_dir} » : {', '.join(unknown)}")
        problems = [p for p in problems if os.path.abspath(p.path) in wanted]
    print_problems(problems, checked, strict)
    sys.exit(1 if blocking(problems, strict) else 0)


@click.command()
@click.argument("kind_name", metavar="TYPE")
@click.argument("record_id", metavar="ID")
@click.option("--document", metavar="ID", help="Le document de l'axe (obligatoire pour un axe) ou de la proposition ; ses axes listés.")
@DATA
@MAX_FILE
def new(kind_name: str, record_id: str, document: str | None, data_dir: Path, max_file_bytes: int) -> None:
    """Crée le modèle commenté d'une nouvelle fiche : TYPE proposition, action, document, axe ou organisation."""
    try:
        kind = kind_named(kind_name)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        path = write_template(data_dir, kind, record_id, document, max_file_bytes)
    except (ValueError, FileExistsError) as exc:
        click.echo(f"kb new : {exc}", err=True)
        sys.exit(1)
    data = "" if str(data_dir) == DEFAULTS["DATA_DIR"] else f" --data {data_dir}"
    click.echo(f"Créé : {display_path(str(path))}")
    click.echo(f"Complétez-le ; ce qui reste à remplir : kb check{data} {display_path(str(path))}")


@click.command()
@click.option(
    "--out", type=click.Path(path_type=Path), metavar="DOSSIER", help="Écrire un fichier <type>.schema.json par type dans ce dossier."
)
def schema(out: Path | None) -> None:
    """Affiche le schéma JSON de chaque type d'enregistrement (pour l'éditeur)."""
    schemas = json_schemas()
    if out is None:
        click.echo(json.dumps(schemas, ensure_ascii=False, indent=2))
        return
    out.mkdir(parents=True, exist_ok=True)
    for kind, doc in schemas.items():
        (out / f"{kind}.schema.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    click.echo(f"{len(schemas)} schémas écrits dans {out}")


@click.group("links", **GROUP)
def links() -> None:
    """Adresses permanentes : liste des liens publiés."""


@links.command("freeze")
@DATA
@MAX_FILE
def freeze_cmd(data_dir: Path, max_file_bytes: int) -> None:
    """Écrit toutes les adresses publiques du site dans <data>/published-links.txt (kb check les surveille)."""
    paths, problems = freeze(data_dir, max_file_bytes)
    if problems:
        for p in problems:
            click.echo(p.format(), err=True)
        click.echo("Liste non écrite : corrigez d'abord ces erreurs (kb check).", err=True)
        sys.exit(1)
    target = write_published(data_dir, paths)
    click.echo(f"{len(paths)} adresses écrites dans {target}")
