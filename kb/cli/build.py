"""``kb build``: check, then write the database and the index of a new build (or only this server's index)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kb.builder import BuildLocked, build_local_index
from kb.builder import build as run_build
from kb.builder.pipeline import Exporter
from kb.cli.common import keep, print_problems, without_gc
from kb.cli.options import DATA, DATABASE, INDEX, MAX_FILE, SITE_URL
from kb.config import resolve_database_url
from kb.content.labels import count_kinds
from kb.store import make_engine
from kb.store.changes import Changes


@click.command()
@DATA
@MAX_FILE
@INDEX
@DATABASE
@SITE_URL
@click.option("--no-wait", is_flag=True, help="Échouer au lieu d'attendre si une autre construction est en cours.")
@click.option(
    "--index-only",
    is_flag=True,
    help="Plusieurs serveurs, une base : construire seulement l'index de ce serveur pour la construction que la base sert déjà.",
)
def build(data_dir: Path, max_file_bytes: int, index_dir: Path, database_url: str, site_url: str, no_wait: bool, index_only: bool) -> None:
    """Vérifie puis construit la base, l'index et les exports ; en cas d'erreur, rien ne change."""
    engine = make_engine(resolve_database_url(database_url))
    exports = _exporter(site_url)
    try:
        if index_only:
            _index_only(data_dir, engine, index_dir, wait=not no_wait, max_file_bytes=max_file_bytes, exports=exports)
            return
        report = without_gc(
            run_build, data_dir, engine, index_dir, wait=not no_wait, on_wait=_say_waiting, max_file_bytes=max_file_bytes,
            exports=exports,
        )
    except BuildLocked as exc:
        click.echo(f"kb build : {exc} ; réessayez plus tard.", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    keep(report)
    print_problems(report.problems, report.files)
    if not report.ok:
        click.echo("Construction annulée : la base et l'index en service sont inchangés.", err=True)
        sys.exit(1)
    click.echo(f"Construction {report.build_id} terminée : {count_kinds(report.counts)}.")


def _exporter(site_url: str) -> Exporter:
    """The build's export writer (kb.api.built), for the site's address (--site-url, KB_SITE_URL)."""

    def write(session: Session, build_id: str, folder: Path, since: Changes | None = None) -> None:
        # The API's shapes (kb.pages) are imported only once a build has rows to export: a refused build never pays.
        from kb.api.built import write_built

        write_built(session, build_id, folder, site_url, since)

    return write


def _say_waiting(locked: BuildLocked) -> None:
    click.echo(f"kb build : {locked} ; attente de sa fin (--no-wait pour ne pas attendre)…", err=True)


def _index_only(data_dir: Path, engine: Engine, index_dir: Path, wait: bool, max_file_bytes: int, exports: Exporter) -> None:
    report = build_local_index(data_dir, engine, index_dir, wait=wait, on_wait=_say_waiting, max_file_bytes=max_file_bytes,
                               exports=exports)
    if report.problems:
        print_problems(report.problems, report.files)
    if not report.ok:
        click.echo(f"kb build --index-only : {report.message} ; l'index de ce serveur est inchangé.", err=True)
        sys.exit(1)
    click.echo(f"kb build --index-only : {report.message}.")
