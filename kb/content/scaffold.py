"""`kb new`: commented template files that pass `kb check` once filled in, and the markers they leave until then."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.content import kinds
from kb.content.fields import ID_RE
from kb.content.kinds import ACTION, PROPOSAL

# What the templates below leave in place of a value: their text marker, and the ids and address they start with.
# Lowercase « à compléter » is ordinary French (« un décret à compléter ») and is no marker.
PLACEHOLDER_RE = re.compile(r"[ÀA] COMPL[ÉE]TER|(?:^|//)a-completer\b")

_PROPOSAL = """\
# yaml-language-server: $schema=../../schemas/proposal.schema.json
# Nouvelle proposition « {id} ». Remplacez chaque valeur « À COMPLÉTER », puis lancez : kb check
title: "À COMPLÉTER : intitulé de la proposition"
# Résumé en texte simple, 400 caractères au plus, écrit avec nos mots (il alimente cartes et aperçus).
summary: "À COMPLÉTER"
# Texte détaillé en Markdown (facultatif).
body: |
  À COMPLÉTER
document: a-completer-id-du-document   # id d'un fichier de proposals/documents/
axis: a-completer-id-de-l-axe          # id d'un axe de ce même document (proposals/axes/)
# horizon: court-terme                 # court-terme | long-terme ; omettre si la source ne le dit pas
flagship: false                        # true pour une mesure phare
sectors: []                            # ids de proposals/sectors.yaml
regions: []                            # ids de proposals/regions.yaml ; vide = portée nationale
status: proposee                       # proposee | en-discussion | reprise-partiellement | adoptee | mise-en-oeuvre | abandonnee
status_history:
  - date: {today}
    status: proposee
    note: "À COMPLÉTER"
    source: a-completer-id-du-document # id d'un document ou adresse https://…
tags: []
related: []                            # ids d'autres propositions (déclarer le lien d'un seul côté)
sources:                               # au moins une : « document » et/ou « url », « quote » = mots exacts de la source
  - document: a-completer-id-du-document
    url: "https://a-completer.example/page"
    quote: "À COMPLÉTER : citation exacte"
aliases: []                            # anciens ids qui doivent continuer à fonctionner
published: {today}
updated: {today}
"""

_ACTION = """\
# yaml-language-server: $schema=../../schemas/action.schema.json
# Nouvelle action régionale « {id} ». Remplacez chaque valeur « À COMPLÉTER », puis lancez : kb check
title: "À COMPLÉTER : intitulé de l'action"
summary: "À COMPLÉTER (400 caractères au plus, texte simple)"
body: |
  À COMPLÉTER
region: a-completer-id-de-region       # id de proposals/regions.yaml
organisation: a-completer-id-de-l-organisation  # qui porte l'action : id de proposals/organisations/
sectors: []
proposals: []                          # ids des propositions que l'action met en œuvre
status: annoncee                       # annoncee | en-cours | realisee | suspendue
partners: []
sources:
  - url: "https://a-completer.example/page"
    quote: "À COMPLÉTER : citation exacte"
aliases: []
published: {today}
updated: {today}
"""


# The kinds `kb new` writes, and their templates.
TEMPLATES: dict[str, str] = {PROPOSAL: _PROPOSAL, ACTION: _ACTION}


def write_template(data_dir: Path, kind: str, record_id: str) -> Path:
    """Write a new template file for ``kind``; never overwrites an existing file."""
    if not ID_RE.match(record_id):
        raise ValueError(f"« {record_id} » n'est pas un id valide (minuscules, chiffres et tirets, 80 caractères au plus)")
    path = Path(data_dir) / str(kinds.kind(kind).folder) / f"{record_id}.yaml"
    if path.exists():
        raise FileExistsError(f"{path} existe déjà")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATES[kind].format(id=record_id, today=dt.date.today().isoformat())
    path.write_text(text, "utf-8")
    return path


def may_hold_placeholders(text: str) -> bool:
    """False when a file's text cannot hold a template marker (the common case: then its values are not searched)."""
    return "COMPL" in text or "a-completer" in text


def placeholders(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(location, text) of every value still holding a template marker, in file order."""
    if isinstance(data, str):
        if PLACEHOLDER_RE.search(data):
            text = " ".join(data.split())
            yield loc, text if len(text) <= 60 else text[:59] + "…"
        return
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from placeholders(value, (*loc, key))


def is_placeholder(value: Any) -> bool:
    """True for a value that still holds a template marker (a reference to it is reported once, as a placeholder)."""
    return isinstance(value, str) and PLACEHOLDER_RE.search(value) is not None
