"""``kb search``: the built index, searched as the site and the API search it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.options import INDEX, SITE_URL, IntegerRange


@click.command("search")
@click.argument("query", nargs=-1, metavar="MOTS...")
@INDEX
@SITE_URL
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (la forme de /api/v1/search).")
@click.option("--limit", default=10, show_default=True, type=IntegerRange(1, 100), metavar="N", help="Nombre de résultats.")
def search_cmd(query: tuple[str, ...], index_dir: Path, site_url: str, as_json: bool, limit: int) -> None:
    """Cherche dans l'index construit."""
    from kb import search  # here, not at the top: the other commands need none of it
    from kb.content import kinds
    from kb.content.urls import Urls
    from kb.pages.records import search_response
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
    body = search_response(Urls(site_url.rstrip("/")), res)
    if as_json:
        click.echo(body.model_dump_json(indent=2))
        return
    if res.suggestion:
        click.echo(f"Vouliez-vous dire « {res.suggestion} » ?")
    if res.partial and not any(not h.partial for h in res.hits):
        click.echo("Aucune fiche ne contient tous ces mots : voici celles qui en contiennent une partie.")
    click.echo(f"{res.total} résultat{'s' if res.total > 1 else ''}")
    before = False
    for hit in body.data:
        if hit.partial and before:
            click.echo("Ces fiches contiennent une partie des mots :")
        before = not hit.partial
        click.echo(f"- [{kinds.kind(hit.type).label}] {hit.title}  {hit.url}")
