"""``kb search`` over the built index, and ``kb serve``, the development server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.cli.options import INDEX, INTEGER, IntegerRange


@click.command("search")
@click.argument("query", nargs=-1, metavar="MOTS...")
@INDEX
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--limit", default=10, show_default=True, type=IntegerRange(1, 100), metavar="N", help="Nombre de résultats.")
def search_cmd(query: tuple[str, ...], index_dir: Path, as_json: bool, limit: int) -> None:
    """Cherche dans l'index construit."""
    from kb import search  # here, not at the top: `kb serve` needs none of it before the app opens the index
    from kb.content.labels import TYPE
    from kb.content.urls import record_path
    from kb.store import Layout

    layout = Layout(index_dir)
    build_id = layout.current()
    if not build_id:
        click.echo("Aucun index : lancez d'abord « kb build ».", err=True)
        sys.exit(1)
    idx = search.open_index(layout.index(build_id))
    try:
        res = search.search(idx, " ".join(query), per_page=limit)
    finally:
        idx.close()
    results = [
        {"id": h.id, "type": h.type, "title": h.title, "score": round(h.score, 3), "url": record_path(h.type, h.id),
         "highlight": h.highlight}
        for h in res.hits
    ]
    if as_json:
        body = {"query": res.query, "total": res.total, "suggestion": res.suggestion, "partial": res.partial, "results": results}
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if res.suggestion:
        click.echo(f"Vouliez-vous dire « {res.suggestion} » ?")
    if res.partial:
        click.echo("Aucune fiche ne contient tous ces mots : voici celles qui en contiennent une partie.")
    click.echo(f"{res.total} résultat{'s' if res.total > 1 else ''}")
    for r in results:
        click.echo(f"- [{TYPE.get(r['type'], r['type'])}] {r['title']}  {r['url']}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=INTEGER, metavar="PORT", help="Port d'écoute.")
def serve(host: str, port: int) -> None:
    """Sert le site (serveur de développement ; en production, voir le README)."""
    from kb import create_app  # the web stack: only for this command

    create_app().run(host=host, port=port)
