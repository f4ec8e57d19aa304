"""The options several commands share, declared once (name, environment variable, default, help), and the French
value types every option uses: Click names a value by its type (« INTEGER », « PATH ») and in its errors (« not a
valid integer »), so each type here has a French name and each option a French placeholder (``metavar``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from kb.config import DEFAULTS


class Integer(click.types.IntParamType):
    """A whole number, named in French in help and errors."""

    name = "entier"


class IntegerRange(click.IntRange):
    """A whole number within bounds, named in French in help and errors."""

    name = "entier"


class Date(click.ParamType):
    """A calendar date written AAAA-MM-JJ."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """The date, or a French usage error."""
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"« {value} » n'est pas une date AAAA-MM-JJ.", param, ctx)


INTEGER = Integer()
# Settings of the `kb` group and its subgroups: French placeholders, and -h beside --help (inherited by every command).
GROUP: dict[str, Any] = {"subcommand_metavar": "COMMANDE [ARGUMENTS]...", "context_settings": {"help_option_names": ["-h", "--help"]}}

DATA = click.option(
    "--data",
    "data_dir",
    envvar="KB_DATA_DIR",
    default=DEFAULTS["DATA_DIR"],
    show_default=True,
    type=click.Path(path_type=Path),
    metavar="DOSSIER",
    help="Dossier du contenu.",
)
# A content file larger than this is refused before it is read (kb.content.files): every command that reads content.
MAX_FILE = click.option(
    "--max-file-kb",
    "max_file_bytes",
    envvar="KB_MAX_FILE_KB",
    default=DEFAULTS["MAX_FILE_KB"],
    show_default=True,
    type=IntegerRange(1, 64 * 1024),
    metavar="KIO",
    callback=lambda _ctx, _param, kb: kb * 1024,
    help="Taille maximale d'un fichier de contenu, en Kio.",
)
INDEX = click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX_DIR",
    default=DEFAULTS["INDEX_DIR"],
    show_default=True,
    type=click.Path(path_type=Path),
    metavar="DOSSIER",
    help="Dossier de l'index de recherche.",
)
DATABASE = click.option(
    "--database",
    "database_url",
    envvar="KB_DATABASE_URL",
    default=DEFAULTS["DATABASE_URL"],
    show_default=True,
    metavar="URL",
    help="URL de la base (SQLite ou PostgreSQL).",
)
# The site's public address for links in data and search results: paths (/propositions/…) when not given.
SITE_URL = click.option(
    "--site-url",
    envvar="KB_SITE_URL",
    default="",
    metavar="URL",
    help="Adresse du site, pour des liens absolus (sinon : chemins /propositions/…).",
)
# The site's public address, for the absolute links of what is pasted elsewhere (newsletters): always absolute.
BASE_URL = click.option(
    "--base-url",
    envvar="KB_SITE_URL",
    default="http://127.0.0.1:5000",
    show_default=True,
    metavar="URL",
    help="Adresse publique du site.",
)
