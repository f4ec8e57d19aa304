"""``kb serve``: the development server (in production, gunicorn: see the operators' guide)."""

from __future__ import annotations

import errno
import socket
import sys

import click

from kb.cli.options import INTEGER


def why_not_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, in French (None when it can): said before Werkzeug says it in
    English. Bound as Werkzeug binds (SO_REUSEADDR), then released at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            other = f"make run PORT={port + 1} (ou kb serve --port {port + 1})"
            if exc.errno == errno.EADDRINUSE:
                return (f"le port {port} est déjà utilisé par un autre programme (un autre « make run » ?) : arrêtez-le, "
                        f"ou choisissez un autre port avec le réglage PORT : {other}")
            if exc.errno == errno.EACCES:
                return f"le port {port} est réservé à l'administrateur : choisissez-en un au-dessus de 1024 avec le réglage PORT : {other}"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"l'adresse « {host} » n'est pas une adresse de cette machine (réglage HOST de make run, ou --host)"
        except socket.gaierror:
            return f"l'adresse « {host} » est inconnue (réglage HOST de make run, ou --host)"
    return None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=INTEGER, metavar="PORT", help="Port d'écoute.")
def serve(host: str, port: int) -> None:
    """Sert le site (serveur de développement ; en production, voir docs/exploitation/production.md)."""
    why = why_not_listen(host, port)
    if why:
        click.echo(f"kb serve : {why}.", err=True)
        sys.exit(1)
    from kb import create_app  # the web stack: only for this command

    create_app().run(host=host, port=port)
