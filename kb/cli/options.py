"""The options several commands share, declared once (name, environment variable, default, help)."""

from __future__ import annotations

from pathlib import Path

import click

from kb.config import DEFAULTS

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
# The site's public address, for the absolute links of what is pasted elsewhere (newsletters).
BASE_URL = click.option(
    "--base-url", envvar="KB_SITE_URL", default="http://127.0.0.1:5000", show_default=True, help="Adresse publique du site."
)
