"""Open-data exports: proposals.csv, actions.csv and kb.json, their columns and shapes, rendered whole per request by a
preview server and by ``kb export`` (a build writes them once, record by record: kb.api.built); the CSV machinery
(columns, formula neutralising) that comparer.csv shares.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kb.content.fields import ACTION_STATUSES, HORIZONS, PROPOSAL_STATUSES
from kb.content.kinds import ACTION, PROPOSAL
from kb.pages import Context, records
from kb.pages.shapes import Source

BOM = "\ufeff"
JOIN = " | "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet in a French (or German…) locale splits lines on « ; », ignoring our commas and quotes: any « ; » in a
# cell starts a new cell there, and so may a « , » in tools that split on it. A formula start right after one (quotes
# a splitter would strip between them) gets the same apostrophe: « impôts;=1+1 » is written « impôts;'=1+1 ».
AFTER_SEPARATOR = re.compile(r'([;,]"*)(?=[=+\-@\t\r])')


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return JOIN.join(_text(v) for v in value)
    return str(value)


def _cell(value: Any) -> str:
    """The cell's text; one starting like a formula, or with a formula start after a separator, gets an apostrophe there
    (shown as text by spreadsheets)."""
    text = AFTER_SEPARATOR.sub(r"\1'", _text(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _source(s: Source) -> str:
    return s.url or (s.document.url if s.document else "")


Column = tuple[str, Callable[[Any], Any]]


def _values(values: tuple[str, ...]) -> str:
    """« a, b ou c »."""
    return ", ".join(values[:-1]) + " ou " + values[-1]


def _head(what: str) -> dict[str, Column]:
    """The columns every export starts with (``what``: « de la proposition »)."""
    return {
        "id": (f"Identifiant permanent {what}", lambda r: r.id),
        "url": ("Adresse de sa page sur le site", lambda r: r.url),
        "title": ("Titre", lambda r: r.title),
        "summary": ("Résumé (texte simple, 400 caractères au plus)", lambda r: r.summary),
        "body": ("Texte complet, en Markdown (vide si la fiche n'en a pas)", lambda r: r.body),
    }


# The columns every export ends with.
TAIL: dict[str, Column] = {
    "sources": ("Sources : adresse citée, ou page du document de la base", lambda r: [_source(s) for s in r.sources]),
    "aliases": ("Anciens identifiants (ils redirigent vers la fiche)", lambda r: r.aliases),
    "published": ("Date de publication par la source (AAAA-MM-JJ, AAAA-MM ou AAAA)", lambda r: r.published),
    "updated": ("Date de dernière mise à jour de la fiche (AAAA-MM-JJ)", lambda r: r.updated.isoformat()),
}
SECTORS: dict[str, Column] = {
    "sectors": ("Identifiants des filières concernées", lambda r: [s.id for s in r.sectors]),
    "sector_names": ("Noms des filières concernées", lambda r: [s.name for s in r.sectors]),
}

# Column name → (French description shown on /donnees, value); the names are stable.
PROPOSAL_COLUMNS: dict[str, Column] = {
    **_head("de la proposition"),
    "document": ("Identifiant du document source (livre blanc, rapport…)", lambda p: p.document.id if p.document else None),
    "document_title": ("Titre du document source", lambda p: p.document.title if p.document else None),
    "axis": ("Identifiant de l'axe du document", lambda p: p.axis.id if p.axis else None),
    "axis_title": ("Titre de l'axe", lambda p: p.axis.title if p.axis else None),
    "horizon": (f"{_values(HORIZONS)} (vide si la source ne le dit pas)", lambda p: p.horizon),
    "flagship": ("true pour une mesure phare, sinon false", lambda p: p.flagship),
    "status": (f"Statut : {_values(PROPOSAL_STATUSES)}", lambda p: p.status),
    **SECTORS,
    "regions": ("Identifiants des régions concernées (vide : portée nationale)", lambda p: [r.id for r in p.regions]),
    "region_names": ("Noms des régions concernées", lambda p: [r.name for r in p.regions]),
    "tags": ("Mots-clés", lambda p: p.tags),
    "related": ("Identifiants des propositions liées (liens déclarés d'un côté ou de l'autre)", lambda p: [r.id for r in p.related]),
    "actions": ("Identifiants des actions régionales qui portent la proposition", lambda p: [a.id for a in p.actions]),
    "echoes": ("Identifiants des axes d'un autre document que la proposition rejoint (rapprochement de la base)",
               lambda p: [a.id for a in p.echoes]),
    **TAIL,
    # Added after the first exports: at the end, so the columns readers already use keep their places.
    "organisations": ("Identifiants des organisations qui s'expriment dans le document source (« qui propose »)",
                      lambda p: [o.id for o in p.organisations]),
    "organisation_names": ("Noms de ces organisations", lambda p: [o.name for o in p.organisations]),
}

ACTION_COLUMNS: dict[str, Column] = {
    **_head("de l'action"),
    "region": ("Identifiant de la région", lambda a: a.region.id if a.region else None),
    "region_name": ("Nom de la région", lambda a: a.region.name if a.region else None),
    **SECTORS,
    "proposals": ("Identifiants des propositions que l'action porte", lambda a: [p.id for p in a.proposals]),
    "status": (f"Statut : {_values(ACTION_STATUSES)}", lambda a: a.status),
    "partners": ("Partenaires (noms)", lambda a: a.partners),
    **TAIL,
    # Added after the first exports: at the end, so the columns readers already use keep their places.
    "organisation": ("Identifiant de l'organisation qui porte l'action (une union régionale…)",
                     lambda a: a.organisation.id if a.organisation else None),
    "organisation_name": ("Nom de cette organisation", lambda a: a.organisation.name if a.organisation else None),
}

# The CSV files, named after their kind's collection (proposals.csv): every listed kind has its columns.
COLUMNS_OF: dict[str, dict[str, Column]] = {PROPOSAL: PROPOSAL_COLUMNS, ACTION: ACTION_COLUMNS}
CSV_FILES: dict[str, tuple[str, dict[str, Column]]] = {f"{kind.collection}.csv": (kind, COLUMNS_OF[kind]) for kind in COLUMNS_OF}


# comparer.csv (« Qui propose quoi »): one line per record of a cell, read from the comparison's API shape.
COMPARE_COLUMNS: dict[str, Column] = {
    "axis": ("Identifiant de l'axe du livre blanc (la ligne du tableau)", lambda r: r.axis.id),
    "axis_title": ("Titre de l'axe", lambda r: r.axis.title),
    "document": ("Identifiant du document (la colonne du tableau)", lambda r: r.document.id),
    "document_title": ("Titre du document", lambda r: r.document.title),
    "id": ("Identifiant permanent de la proposition", lambda r: r.record.id),
    "title": ("Titre de la proposition", lambda r: r.record.title),
    "status": (f"Statut : {_values(PROPOSAL_STATUSES)}", lambda r: r.record.status),
    "basis": ("source : proposition du livre blanc sur son propre axe ; editorial : proposition d'un autre document que la base "
              "rapproche de l'axe (rapprochement éditorial)", lambda r: r.record.basis),
    "note": ("Pourquoi la base fait ce rapprochement, quand elle le dit", lambda r: r.record.note),
    "url": ("Adresse de la page de la proposition sur le site", lambda r: r.record.url),
}


def cells(columns: dict[str, Column], record: Any) -> list[str]:
    """A record's CSV cells for these columns, formulas neutralised."""
    return [_cell(get(record)) for _doc, get in columns.values()]


def table_csv(columns: dict[str, Column], rows: Iterable[Any]) -> str:
    """Rows of records as CSV text with these columns, BOM first so Excel reads UTF-8, formulas neutralised."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf)
    writer.writerow(columns)
    for record in rows:
        writer.writerow(cells(columns, record))
    return buf.getvalue()


def csv_text(ctx: Context, name: str) -> str:
    """One CSV export (``proposals.csv`` or ``actions.csv``) as text."""
    kind, columns = CSV_FILES[name]
    return table_csv(columns, records.all_records(ctx, kind))


def json_text(ctx: Context) -> str:
    """kb.json: every record of every kind, in the detail endpoints' shapes."""
    return records.export_all(ctx).model_dump_json() + "\n"


JSON_FILE = "kb.json"
# The files a build writes (kb.api.built), the API serves, and ``kb export`` writes: name → media type.
FILES: dict[str, str] = {**dict.fromkeys(CSV_FILES, "text/csv"), JSON_FILE: "application/json"}


def render(ctx: Context, name: str) -> bytes:
    """One export file's bytes (``proposals.csv``, ``actions.csv`` or ``kb.json``)."""
    return (json_text(ctx) if name == JSON_FILE else csv_text(ctx, name)).encode("utf-8")


def write_files(ctx: Context, out: Path, formats: list[str]) -> list[Path]:
    """Write the exports of the given formats (``csv``, ``json``) into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    wanted = [name for name in FILES if ("json" if name == JSON_FILE else "csv") in formats]
    for name in wanted:
        # Bytes as they are: the csv module's CRLF line ends, kept.
        (out / name).write_bytes(render(ctx, name))
    return [out / name for name in wanted]
