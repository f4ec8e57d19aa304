"""Commands on the content: check, new, schema, links freeze, import, demo-corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.cli.common import keep, print_problems
from kb.cli.options import DATA
from kb.content import check as check_content
from kb.content import errors, freeze
from kb.content.demo import write_corpus
from kb.content.importer import NEXT_STEP, ImportReadError, ImportRefused, import_file
from kb.content.permanence import write_published
from kb.content.problems import display_path
from kb.content.scaffold import write_template
from kb.content.schemas import json_schemas


@click.command()
@DATA
@click.option("--strict", is_flag=True, help="Les avertissements font aussi échouer la vérification.")
def check(data_dir: Path, strict: bool) -> None:
    """Vérifie chaque fichier et chaque renvoi ; affiche tous les problèmes."""
    corpus, problems = check_content(data_dir)
    keep(corpus)
    print_problems(problems, corpus.files)
    sys.exit(1 if errors(problems) or (strict and problems) else 0)


@click.command()
@click.argument("kind", type=click.Choice(["proposal", "action"]))
@click.argument("record_id")
@DATA
def new(kind: str, record_id: str, data_dir: Path) -> None:
    """Crée un fichier modèle commenté pour une nouvelle proposition ou action."""
    try:
        path = write_template(data_dir, kind, record_id)
    except (ValueError, FileExistsError) as exc:
        click.echo(f"kb new : {exc}", err=True)
        sys.exit(1)
    click.echo(f"Créé : {path} — complétez-le puis lancez « kb check ».")


@click.command()
@click.option("--out", type=click.Path(path_type=Path), help="Écrire un fichier <type>.schema.json par type dans ce dossier.")
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


@click.group("links")
def links() -> None:
    """Adresses permanentes : liste des liens publiés."""


@links.command("freeze")
@DATA
def freeze_cmd(data_dir: Path) -> None:
    """Écrit toutes les adresses publiques du site dans <data>/published-links.txt (kb check les surveille)."""
    paths, problems = freeze(data_dir)
    if problems:
        for p in problems:
            click.echo(p.format(), err=True)
        click.echo("Liste non écrite : corrigez d'abord ces erreurs (kb check).", err=True)
        sys.exit(1)
    target = write_published(data_dir, paths)
    click.echo(f"{len(paths)} adresses écrites dans {target}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", "document", required=True, help="Id du document source (proposals/documents/<id>.yaml).")
@click.option("--axis-level", type=click.IntRange(1, 6), help="Niveau des titres de section (axes) ; le niveau suivant = une proposition.")
@DATA
def import_cmd(file: Path, document: str, axis_level: int | None, data_dir: Path) -> None:
    """Importe un livre blanc (.md, .docx, .pdf) : un brouillon de proposition par proposition trouvée."""
    try:
        report = import_file(file, document, data_dir, axis_level)
    except (ImportReadError, ImportRefused) as exc:
        raise click.ClickException(str(exc)) from None
    for target, found, axis in report.created:
        where = f" (page {found.page})" if found.page else ""
        click.echo(f"Créé : {display_path(str(target))}{where} — « {found.title} »" + (f" → axe {axis}" if axis else ""))
    for target, found, why in report.clashes:
        click.echo(f"Conflit : {display_path(str(target))} — « {found.title} » : {why} ; rien n'est écrit pour elle.", err=True)
    for target, found in report.unmapped:
        section = f"section « {found.section} »" if found.section else "aucune section"
        click.echo(f"Sans axe : {display_path(str(target))} — {section} ne correspond à aucun axe du document ; renseignez « axis ».")
    total = len(report.created) + len(report.clashes)
    if not total:
        click.echo(f"Aucune proposition trouvée dans {file.name} (« Proposition 4 », « Mesure n° 4 », « 4. » ou --axis-level).", err=True)
        sys.exit(1)
    click.echo(f"{len(report.created)} brouillon(s) créé(s), {len(report.clashes)} conflit(s). Étape suivante : {NEXT_STEP}.")


@click.command("demo-corpus")
@click.option("--records", default=1000, show_default=True, type=click.IntRange(1, 1_000_000), help="Propositions + actions.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Dossier à créer (contenu fictif).")
@click.option("--seed", default=1, show_default=True, type=int)
def demo_corpus(records: int, out: Path, seed: int) -> None:
    """Écrit un contenu fictif et déterministe (bancs d'essai et tests ; jamais du vrai contenu)."""
    counts = write_corpus(out, records, seed)
    click.echo(f"Contenu fictif écrit dans {out} : " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
