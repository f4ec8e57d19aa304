"""The ``kb`` command: thin wrappers over check, build, search and friends."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kb.config import DEFAULTS, resolve_database_url
from kb.problems import errors, summary

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Commands defined with their own modules, imported only when run or listed: `kb build` starts without the
# export, import, stats and newsletter stacks (name -> module, attribute: a command, or a function making one).
LAZY_COMMANDS = {
    "export": ("kb.export", "export_cmd"),
    "import": ("kb.importer", "import_cmd"),
    "stats": ("kb.stats", "stats_cmd"),
    "links": ("kb.links", "cli"),
    "digest": ("kb.digest", "cli"),
    "autolink": ("kb.autolink", "cli"),
}


class LazyGroup(click.Group):
    """A command group that imports the modules of LAZY_COMMANDS on first use."""

    # Set when run as the `kb` program (not through click's test runner): objects a command keeps here are never freed.
    process_heap: list[Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The `kb` program: after a build, end the process without freeing its heap one object at a time."""
        self.process_heap = []
        try:
            return self.main(*args, **kwargs)
        except SystemExit as exc:
            if not self.process_heap:
                raise
            # A build leaves about a million objects (the validated corpus): a last cyclic-GC pass over them, freeing
            # them, then the interpreter's own teardown took ~0.13 s of a one-file build at 10,000 records.
            # Everything is written and closed by then (the engine is disposed, the output flushed below).
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if not isinstance(exc.code, int | None):
                print(exc.code, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, eager and lazy."""
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module the first time."""
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, attr = LAZY_COMMANDS[cmd_name]
            found = getattr(importlib.import_module(module), attr)
            self.add_command(found if isinstance(found, click.Command) else found(), cmd_name)
        return super().get_command(ctx, cmd_name)


DATA = click.option(
    "--data",
    "data_dir",
    envvar="KB_DATA_DIR",
    default=DEFAULTS["DATA_DIR"],
    show_default=True,
    type=click.Path(path_type=Path),
    help="Dossier du contenu.",
)
INDEX = click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX_DIR",
    default=DEFAULTS["INDEX_DIR"],
    show_default=True,
    type=click.Path(path_type=Path),
    help="Dossier de l'index de recherche.",
)
DATABASE = click.option(
    "--database",
    "database_url",
    envvar="KB_DATABASE_URL",
    default=DEFAULTS["DATABASE_URL"],
    show_default=True,
    help="URL de la base (SQLite ou PostgreSQL).",
)


@click.group(cls=LazyGroup)
def main() -> None:
    """kb — base de connaissances des livres blancs et des actions régionales."""


def _print_problems(problems: list, files: int) -> None:
    for problem in problems:
        click.echo(problem.format(), err=problem.level == "error")
    click.echo(summary(problems, files), err=bool(errors(problems)))


@main.command()
@DATA
@click.option("--strict", is_flag=True, help="Les avertissements font aussi échouer la vérification.")
def check(data_dir: Path, strict: bool) -> None:
    """Vérifie chaque fichier et chaque renvoi ; affiche tous les problèmes."""
    from kb import build as pipeline

    _corpus, problems = pipeline.check(data_dir)
    _keep(_corpus)
    _print_problems(problems, _corpus.files)
    sys.exit(1 if errors(problems) or (strict and problems) else 0)


@main.command()
@DATA
@INDEX
@DATABASE
@click.option("--no-wait", is_flag=True, help="Échouer au lieu d'attendre si une autre construction est en cours.")
@click.option(
    "--index-only",
    is_flag=True,
    help="Plusieurs serveurs, une base : construire seulement l'index de ce serveur pour la construction que la base sert déjà.",
)
def build(data_dir: Path, index_dir: Path, database_url: str, no_wait: bool, index_only: bool) -> None:
    """Vérifie puis construit la base et l'index ; en cas d'erreur, rien ne change."""
    from kb import build as pipeline
    from kb.db import make_engine

    engine = make_engine(resolve_database_url(database_url))
    try:
        if index_only:
            _index_only(data_dir, engine, index_dir, wait=not no_wait)
            return
        report = _without_gc(pipeline.build, data_dir, engine, index_dir, wait=not no_wait)
    except pipeline.BuildLocked as exc:
        click.echo(f"kb build : {exc} ; réessayez plus tard.", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    _keep(report)
    _print_problems(report.problems, report.files)
    if not report.ok:
        click.echo("Construction annulée : la base et l'index en service sont inchangés.", err=True)
        sys.exit(1)
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
    click.echo(f"Construction {report.build_id} terminée : {counts}.")


def _keep(obj: Any) -> None:
    """Keep a large result alive until the `kb` program exits (see LazyGroup.__call__); a no-op under test runners."""
    if main.process_heap is not None:
        main.process_heap.append(obj)


def _without_gc(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a build with the cyclic GC paused: it allocates millions of long-lived objects the GC would only rescan."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return func(*args, **kwargs)
    finally:
        if enabled:
            gc.enable()


def _index_only(data_dir: Path, engine: Engine, index_dir: Path, wait: bool) -> None:
    from kb.nodes import build_local_index

    report = build_local_index(data_dir, engine, index_dir, wait=wait)
    if report.problems:
        _print_problems(report.problems, report.files)
    if not report.ok:
        click.echo(f"kb build --index-only : {report.message} ; l'index de ce serveur est inchangé.", err=True)
        sys.exit(1)
    click.echo(f"kb build --index-only : {report.message}.")


@main.command("search")
@click.argument("query", nargs=-1)
@INDEX
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
def search_cmd(query: tuple[str, ...], index_dir: Path, as_json: bool, limit: int) -> None:
    """Cherche dans l'index construit."""
    from kb import build as pipeline
    from kb import search
    from kb.urls import record_path

    build_id = pipeline.current_build(index_dir)
    if not build_id:
        click.echo("Aucun index : lancez d'abord « kb build ».", err=True)
        sys.exit(1)
    idx = search.open_index(pipeline.index_path(index_dir, build_id))
    try:
        res = search.search(idx, " ".join(query), per_page=limit)
    finally:
        idx.close()
    results = [
        {
            "id": h.id,
            "type": h.type,
            "title": h.title,
            "score": round(h.score, 3),
            "url": record_path(h.type, h.id),
            "highlight": h.highlight,
        }
        for h in res.hits
    ]
    if as_json:
        click.echo(
            json.dumps(
                {"query": res.query, "total": res.total, "suggestion": res.suggestion, "results": results},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if res.suggestion:
        click.echo(f"Vouliez-vous dire « {res.suggestion} » ?")
    click.echo(f"{res.total} résultat{'s' if res.total > 1 else ''}")
    for r in results:
        click.echo(f"- [{r['type']}] {r['title']}  {r['url']}")


@main.command()
@click.argument("kind", type=click.Choice(["proposal", "action"]))
@click.argument("record_id")
@DATA
def new(kind: str, record_id: str, data_dir: Path) -> None:
    """Crée un fichier modèle commenté pour une nouvelle proposition ou action."""
    from kb.scaffold import write_template

    try:
        path = write_template(data_dir, kind, record_id)
    except (ValueError, FileExistsError) as exc:
        click.echo(f"kb new : {exc}", err=True)
        sys.exit(1)
    click.echo(f"Créé : {path} — complétez-le puis lancez « kb check ».")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), help="Écrire un fichier <type>.schema.json par type dans ce dossier.")
def schema(out: Path | None) -> None:
    """Affiche le schéma JSON de chaque type d'enregistrement (pour l'éditeur)."""
    from kb.schemas import json_schemas

    schemas = json_schemas()
    if out is None:
        click.echo(json.dumps(schemas, ensure_ascii=False, indent=2))
        return
    out.mkdir(parents=True, exist_ok=True)
    for kind, doc in schemas.items():
        (out / f"{kind}.schema.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    click.echo(f"{len(schemas)} schémas écrits dans {out}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Sert le site (serveur de développement ; en production, voir le README)."""
    from kb import create_app

    create_app().run(host=host, port=port)


@main.command("demo-corpus")
@click.option("--records", default=1000, show_default=True, type=click.IntRange(1, 1_000_000), help="Propositions + actions.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Dossier à créer (contenu fictif).")
@click.option("--seed", default=1, show_default=True, type=int)
def demo_corpus(records: int, out: Path, seed: int) -> None:
    """Écrit un contenu fictif et déterministe (bancs d'essai et tests ; jamais du vrai contenu)."""
    from kb.demo import write_corpus

    counts = write_corpus(out, records, seed)
    click.echo(f"Contenu fictif écrit dans {out} : " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
