"""``kb serve``: the development server (in production, gunicorn: see the operators' guide)."""

from __future__ import annotations

import click

from kb.cli.options import INTEGER


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=INTEGER, metavar="PORT", help="Port d'écoute.")
def serve(host: str, port: int) -> None:
    """Sert le site (serveur de développement ; en production, voir le README)."""
    from kb import create_app  # the web stack: only for this command

    create_app().run(host=host, port=port)
