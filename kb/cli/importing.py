"""Commands that write content from elsewhere: import (a white paper in Markdown, Word or PDF) and demo-corpus.

Their own module, so that `kb check` and `kb build` never load the importer, its Word and PDF readers, or the
synthetic corpus (tests/architecture checks the start-up set).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.options import DATA, INTEGER, MAX_FILE, IntegerRange
from kb.content.demo import write_corpus
from kb.content.importer import NEXT_STEP, ImportReadError, ImportRefused, import_file
from kb.content.labels import count_kinds
from kb.content.problems import display_path


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER")
@click.option("--document", "document", required=True, metavar="ID", help="Id du document source (proposals/documents/<id>.yaml).")
@click.option(
    "--axis-level", type=IntegerRange(1, 6), metavar="N", help="Niveau des titres de section (axes) ; le niveau suivant = une proposition."
)
@DATA
@MAX_FILE
def import_cmd(file: Path, document: str, axis_level: int | None, data_dir: Path, max_file_bytes: int) -> None:
    """Importe un livre blanc (.md, .docx, .pdf) : un brouillon de proposition par proposition trouvée."""
    try:
        report = import_file(file, document, data_dir, axis_level, max_file_bytes)
    except ImportReadError as exc:
        click.echo(f"{file} : {exc}", err=True)
        sys.exit(1)
    except ImportRefused as exc:
        click.echo(f"kb import : {exc}", err=True)
        sys.exit(1)
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
    if not report.created:
        n = len(report.clashes)
        click.echo(f"Rien n'est écrit : {'la proposition trouvée a' if n == 1 else f'les {n} propositions trouvées ont toutes'} un "
                   "conflit (ci-dessus) : déjà importée(s), ou id déjà pris. Pour importer de nouveau, retirez d'abord les "
                   "fichiers en conflit.", err=True)
        sys.exit(1)
    click.echo(f"{len(report.created)} brouillon(s) créé(s), {len(report.clashes)} conflit(s). Étape suivante : {NEXT_STEP}.")


@click.command("demo-corpus")
@click.option(
    "--records", default=1000, show_default=True, type=IntegerRange(1, 1_000_000), metavar="N", help="Propositions + actions."
)
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="DOSSIER", help="Dossier à créer (contenu fictif).")
@click.option("--seed", default=1, show_default=True, type=INTEGER, metavar="N", help="Graine du tirage (même graine, même contenu).")
def demo_corpus(records: int, out: Path, seed: int) -> None:
    """Écrit un contenu fictif et déterministe (bancs d'essai et tests ; jamais du vrai contenu)."""
    counts = write_corpus(out, records, seed)
    click.echo(f"Contenu fictif écrit dans {out} : {count_kinds(counts)}.")
