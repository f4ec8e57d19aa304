"""`kb new`: a commented template for each kind of record an editor writes, and `kb import`'s drafts in the same form.

A template passes `kb check` once filled in, and until then is refused with « à compléter » messages (to-dos only, in a
draft: kb.content.placeholders). Its dates are left empty: the editor writes the ones the source gives, never today's.
The kinds it writes and their names (French, as in the site's addresses, then English) come from the registry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.content import kinds
from kb.content.fields import ID_RE
from kb.content.files import MAX_FILE_BYTES
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL
from kb.content.loader import Corpus, load_all
from kb.content.placeholders import is_placeholder
from kb.content.problems import did_you_mean, display_path

_HEAD = """\
# yaml-language-server: $schema=../../schemas/{kind}.schema.json
# {what} « {id} » : remplacez chaque « À COMPLÉTER »{dates}, puis lancez :
#   kb check {path}
"""
_DATES = " et écrivez\n# les dates que donne la source (jamais celle du jour)"
_DRAFT = """\
# Pas encore prête ? Ajoutez « draft: true » : c'est alors un brouillon, jamais publié, que kb check accepte en listant
# ce qui reste à compléter.
"""

_PROPOSAL = """\
title: {title}
# Résumé en texte simple, 400 caractères au plus, écrit avec nos mots (il alimente cartes et aperçus).
summary: "À COMPLÉTER"
# Texte détaillé en Markdown, avec nos mots (facultatif).
body: |
  À COMPLÉTER
document: {document}   # id d'un fichier de proposals/documents/
axis: {axis}   # id d'un axe de ce même document (proposals/axes/)
{axes}# horizon: court-terme                 # court-terme | long-terme ; omettre si la source ne le dit pas
flagship: false                        # true pour une mesure phare
sectors: []                            # ids de proposals/sectors.yaml
regions: []                            # ids de proposals/regions.yaml ; vide = portée nationale
status:                                # proposee | en-discussion | reprise-partiellement | adoptee | mise-en-oeuvre | abandonnee
status_history:                        # une étape par changement de statut, datée par sa source
  - date:                              # AAAA-MM-JJ : la date que donne la source
    status:                            # le statut à cette date
    note: "À COMPLÉTER"
    source: a-completer-id-du-document # id d'un document ou adresse https://…
tags: []
related: []                            # ids d'autres propositions (déclarer le lien d'un seul côté)
sources:                               # au moins une : « document » et/ou « url », « quote » = mots exacts de la source
{sources}aliases: []                            # anciens ids qui doivent continuer à fonctionner
published:                             # AAAA-MM-JJ (ou AAAA-MM, AAAA) : la date de publication que donne la source
updated:                               # AAAA-MM-JJ : la date où cette fiche est écrite ou révisée
"""
_PROPOSAL_SOURCE = """\
  - document: a-completer-id-du-document
    url: "https://a-completer.example/page"
    quote: "À COMPLÉTER : citation exacte"
"""

_ACTION = """\
title: "À COMPLÉTER : intitulé de l'action"
summary: "À COMPLÉTER (400 caractères au plus, texte simple, avec nos mots)"
body: |
  À COMPLÉTER
region: a-completer-id-de-region       # id de proposals/regions.yaml
organisation: a-completer-id-de-l-organisation  # qui porte l'action : id de proposals/organisations/
sectors: []
proposals: []                          # ids des propositions que l'action porte (voir « Liens » dans docs/editeurs/contenu.md)
status:                                # annoncee | en-cours | realisee | suspendue
partners: []
sources:
  - url: "https://a-completer.example/page"
    quote: "À COMPLÉTER : citation exacte"
aliases: []
published:                             # AAAA-MM-JJ (ou AAAA-MM, AAAA) : la date de publication que donne la source
updated:                               # AAAA-MM-JJ : la date où cette fiche est écrite ou révisée
"""

_DOCUMENT = """\
# Ensuite, ses axes : kb new axe ID --document {id} ; ses propositions : kb new proposition ID --document {id},
# ou kb import FICHIER --document {id} pour tout un livre blanc.
title: "À COMPLÉTER : titre exact du document"
publisher: "À COMPLÉTER : l'éditeur, tel que le document se présente"
organisations: [a-completer-id-de-l-organisation]  # qui s'y exprime : ids de proposals/organisations/ (toutes s'il est copublié)
kind:                                  # livre-blanc | rapport | communique | article | autre
published:                             # AAAA-MM-JJ, ou AAAA-MM, AAAA quand le document ne donne pas le jour
url: "https://a-completer.example/page"  # la page du document (sinon, retirez la ligne et citez des « sources »)
summary: "À COMPLÉTER (400 caractères au plus, texte simple, avec nos mots)"
body: |
  À COMPLÉTER
# announced_proposals: 10              # combien de propositions le document annonce, s'il le dit
# featured: true                       # le document mis en avant (un seul dans la base : à déplacer, jamais à doubler)
sources: []                            # d'autres pages sur le document : - url: https://… / quote: "mots exacts"
"""

_AXIS = """\
document: {document}
{axes}title: "À COMPLÉTER : intitulé de l'axe, tel que le document le nomme"
description: "À COMPLÉTER : ce que couvre l'axe, avec nos mots"
order: {order}                               # sa place parmi les axes du document (1 pour le premier)
sources:                               # où le document présente cet axe
  - document: {document}
    quote: "À COMPLÉTER : les mots exacts du document"
# echoes_note: "…"                     # pourquoi peu de propositions d'autres documents rejoignent l'axe, s'il y a lieu
"""

_ORGANISATION = """\
name: "À COMPLÉTER : nom complet"
# short_name: CPME                     # son sigle, s'il en a un
kind:                                  # organisation-patronale | institution-publique | assemblee-parlementaire |
                                       # cercle-de-reflexion | auteur | collectif | autre
# parent: cpme                         # l'organisation dont elle fait partie (une union régionale : sa confédération)
# region: normandie                    # la région d'une union régionale (id de proposals/regions.yaml)
url: "https://a-completer.example/page"  # sa propre page (facultatif)
summary: "À COMPLÉTER (400 caractères au plus, texte simple, avec nos mots)"
body: |
  À COMPLÉTER
sources:                               # au moins une : la page qui dit ce qu'elle est
  - url: "https://a-completer.example/page"
    quote: "À COMPLÉTER : les mots exacts de la page"
"""

# What each kind's template says first, and its body.
TEMPLATES: dict[str, tuple[str, str]] = {
    PROPOSAL: ("Nouvelle proposition", _PROPOSAL),
    ACTION: ("Nouvelle action régionale", _ACTION),
    DOCUMENT: ("Nouveau document", _DOCUMENT),
    AXIS: ("Nouvel axe", _AXIS),
    ORGANISATION: ("Nouvelle organisation", _ORGANISATION),
}
# The kinds `kb new` writes, by the names an editor types: French (« axe »: the site's) and English (« axis »).
NAMES: dict[str, kinds.Kind] = {
    **{k.url_name: k for k in kinds.with_files() if k in TEMPLATES},
    **{str(k): k for k in kinds.with_files() if k in TEMPLATES},
}
FRENCH_NAMES = tuple(k.url_name for k in kinds.with_files() if k in TEMPLATES)
# The kinds that belong to a document: `kb new … --document ID` (required for an axis).
OF_DOCUMENT = (PROPOSAL, AXIS)


def kind_named(name: str) -> kinds.Kind:
    """The kind `kb new` writes under this name (French or English); ValueError in French otherwise."""
    if name in NAMES:
        return NAMES[name]
    english = ", ".join(str(NAMES[n]) for n in FRENCH_NAMES)
    raise ValueError(f"type « {name} » inconnu{did_you_mean(name, NAMES, n=1)} : {', '.join(FRENCH_NAMES)} (en anglais : {english})")


@dataclass
class Proposal:
    """What a proposal's template is filled with (kb import: from the source), placeholders otherwise."""

    title: str = "À COMPLÉTER : intitulé de la proposition"
    document: str = "a-completer-id-du-document"
    axis: str = "a-completer-id-de-l-axe"
    # The first source as the importer found it (document, page, the source's words as its quote), else the template's.
    source: dict[str, Any] | None = None
    draft: bool = False


def proposal_text(record_id: str, filled: Proposal, axes: Sequence[tuple[int, str, str]] = (), head: str = "",
                  path: str = "") -> str:
    """The YAML text of a proposal in the template's form; ``head``: what the file says of itself first (else the
    template's own, naming ``path``)."""
    if filled.source is None:
        sources = _PROPOSAL_SOURCE
    else:
        sources = _indent(yaml.dump([filled.source], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000), 2)
    text = head or _head(PROPOSAL, record_id, path) + _DRAFT
    text += _PROPOSAL.format(title=_scalar(filled.title), document=filled.document, axis=filled.axis,
                             axes="" if is_placeholder(filled.document) else _axes_comment(filled.document, axes),
                             sources=sources)
    return text + ("draft: true\n" if filled.draft else "")


def template(kind: kinds.Kind, record_id: str, path: str, document: str | None = None,
             axes: Sequence[tuple[int, str, str]] = ()) -> str:
    """The commented template of a new record at ``path`` (as the editor names it); ``axes``: (order, id, title) of its
    document's axes, listed in it."""
    if kind == PROPOSAL:
        return proposal_text(record_id, Proposal(document=document) if document else Proposal(), axes, path=path)
    body = TEMPLATES[kind][1]
    head = _head(kind, record_id, path) + (_DRAFT if kind.draftable else "")
    order = max((o for o, _i, _t in axes), default=0) + 1
    return head + body.format(id=record_id, document=document, axes=_axes_comment(document or "", axes), order=order)


def write_template(data_dir: Path, kind: kinds.Kind, record_id: str, document: str | None = None,
                   max_bytes: int = MAX_FILE_BYTES) -> Path:
    """Write the template of a new record (never over an existing file); ValueError or FileExistsError in French."""
    if not ID_RE.match(record_id):
        raise ValueError(f"« {record_id} » n'est pas un id valide (minuscules, chiffres et tirets, 80 caractères au plus)")
    if kind == AXIS and not document:
        raise ValueError(f"un axe appartient à un document : kb new {kind.url_name} {record_id} --document ID_DU_DOCUMENT")
    if document and kind not in OF_DOCUMENT:
        raise ValueError(f"--document ne vaut que pour {' ou '.join(k.url_name for k in OF_DOCUMENT)}, pas pour {kind.url_name}")
    path = Path(data_dir) / str(kind.folder) / f"{record_id}.yaml"
    if path.exists():
        raise FileExistsError(f"{display_path(str(path))} existe déjà")
    axes = document_axes(load_all(Path(data_dir), max_bytes=max_bytes), document) if document else []
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:  # "x": never replace a file that appeared meanwhile
        fh.write(template(kind, record_id, display_path(str(path)), document, axes))
    return path


def _head(kind: kinds.Kind, record_id: str, path: str) -> str:
    dates = _DATES if "published" in kind.model.model_fields else ""
    return _HEAD.format(kind=kind, what=TEMPLATES[kind][0], id=record_id, dates=dates, path=path)


def document_axes(corpus: Corpus, document: str) -> list[tuple[int, str, str]]:
    """(order, id, title) of a document's axes, in order; ValueError in French for a document the base does not hold."""
    documents = {r.id for r in corpus.of(DOCUMENT)}
    if document in corpus.failed.get(DOCUMENT, {}):
        where = display_path(corpus.failed[DOCUMENT][document])
        raise ValueError(f"le document « {document} » a des erreurs : corrigez-les d'abord (kb check {where})")
    if document not in documents:
        hint = did_you_mean(document, documents)
        raise ValueError(f"document « {document} » introuvable{hint} : créez-le d'abord (kb new document {document})")
    return sorted((a.model.order, a.id, a.model.title) for a in corpus.of(AXIS) if a.model.document == document)


def _axes_comment(document: str, axes: Sequence[tuple[int, str, str]]) -> str:
    """The document's axes as comments of the template, or that it has none yet."""
    if not document:
        return ""
    if not axes:
        return f"# Le document « {document} » n'a encore aucun axe.\n"
    lines = "".join(f"#   {order}. {axis_id} — {' '.join(title.split())}\n" for order, axis_id, title in axes)
    return f"# Les axes du document « {document} » :\n{lines}"


def _scalar(value: str) -> str:
    """A one-line text as a YAML value (JSON's double-quoted strings are YAML's)."""
    return json.dumps(" ".join(value.split()), ensure_ascii=False)


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so that an editor can read and rewrite what was taken from the source."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
