"""Who we are: /a-propos (what the base holds and how it is sourced), /mentions-legales, /accessibilite (RGAA form).

The publisher's name, address and contact come from configuration (KB_PUBLISHER_NAME…, kb.config); a setting left
empty is shown as not given, never guessed. The figures are computed from the served build.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template

from kb.config import PUBLISHER_KEYS, SITE_NAME
from kb.content.kinds import ACTION, AXIS, PROPOSAL
from kb.content.markup import safe_url
from kb.content.models import LINK_FIELDS
from kb.content.urls import PAGES
from kb.http.context import current
from kb.store import overview, queries
from kb.store.reader import Reader

bp = Blueprint("about", __name__)

# The accessibility statement: its date, and the page types its automated checks cover. tests/browser/test_page_types.py runs
# axe-core (WCAG 2.1 A and AA rules) on one page of each of these types, at 320, 390 and 1366 px, and checks that
# this list and its own are the same.
DECLARED = dt.date(2026, 12, 1)
CHECKED_PAGE_TYPES: tuple[str, ...] = (
    "Accueil",
    "Recherche avec résultats",
    "Recherche sans résultat",
    "Index des axes",
    "Index des documents",
    "Index des filières",
    "Index des régions (carte)",
    "Index des organisations",
    "Page d'un document",
    "Page d'un document sans proposition",
    "Page d'un axe",
    "Page d'un axe sans proposition dans la base",
    "Page d'une filière",
    "Page d'une région avec actions",
    "Page d'une région sans action",
    "Page d'une proposition",
    "Page d'une action régionale",
    "Page d'une organisation",
    "Page d'une union régionale",
    "Qui propose quoi (comparaison)",
    "Ma sélection (newsletter)",
    "Tableau de bord",
    "API",
    "Données ouvertes",
    "À propos",
    "Mentions légales",
    "Déclaration d'accessibilité",
    "Page introuvable",
)


@dataclass
class Publisher:
    """Who publishes the site, as configured (empty strings: not given)."""

    name: str
    address: str
    contact: str
    director: str
    host_name: str
    host_address: str

    @property
    def contact_href(self) -> str | None:
        """A link for the contact: mailto: for an e-mail address, the page for an http(s) address."""
        if "@" in self.contact and " " not in self.contact.strip():
            return "mailto:" + self.contact.strip()
        return safe_url(self.contact)


def publisher() -> Publisher:
    """The publisher settings of this app."""
    return Publisher(*(str(current_app.config.get(key) or "").strip() for key in PUBLISHER_KEYS))


def _meta(name: str, title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "canonical": PAGES[name], "type": "website"}


@dataclass
class Coverage:
    """One document: the proposals the base holds from it against those it announces, and the records citing it."""

    document: Any
    held: int
    announced: int | None
    citing: int


def _figures(db: Reader) -> dict[str, Any]:
    """What the base holds, counted from the served build."""
    groups = overview.documents_by_kind(db)
    proposals = queries.all_of(db, PROPOSAL)
    actions = queries.all_of(db, ACTION)
    sources = [s for r in (*proposals, *actions) for s in r.sources]
    regions = Counter(a.region for a in actions)
    return {
        "kinds": [(g.kind, len(g.documents)) for g in groups],
        "documents": sum(len(g.documents) for g in groups),
        "proposals": len(proposals),
        "actions": len(actions),
        "action_regions": len(regions),
        "axes": len(queries.all_of(db, AXIS)),
        "sources": len(sources),
        "quotes": sum(1 for s in sources if s.get("quote")),
        "editorial": sum(lk.basis == "editorial" for rel in (LINK_FIELDS["proposals"], LINK_FIELDS["related"])
                         for lk in queries.links(db, None, rel, None)),
        "livres": [e.document for g in groups if g.kind == "livre-blanc" for e in g.documents],
        "coverage": [Coverage(e.document, e.held, e.document.announced_proposals, e.citing) for g in groups for e in g.documents],
    }


@bp.get(PAGES["about"])
def about() -> str:
    """What the base contains, who publishes it, how records are sourced and checked, each document's coverage."""
    ctx = current()
    figures = ctx.summary("about", _figures) if ctx.build_id else None
    description = f"Ce que contient la {SITE_NAME.lower()}, qui la publie, comment chaque fiche est sourcée et vérifiée."
    meta = _meta("about", "À propos", description)
    return render_template("about.html", meta=meta, figures=figures, publisher=publisher())


@bp.get(PAGES["legal"])
def legal() -> str:
    """Mentions légales: publisher, director of publication, host, personal data."""
    current()  # the page cache keeps a page under the build it was rendered from
    meta = _meta("legal", "Mentions légales", "Éditeur, directeur de la publication, hébergeur et données personnelles.")
    return render_template("legal.html", meta=meta, publisher=publisher())


@bp.get(PAGES["accessibility"])
def accessibility() -> str:
    """The accessibility statement, in the form the RGAA asks for."""
    ctx = current()  # the page cache keeps a page under the build it was rendered from
    meta = _meta("accessibility", "Déclaration d'accessibilité", f"État de conformité au RGAA du site {SITE_NAME}.")
    return render_template("accessibility.html", meta=meta, publisher=publisher(), declared=DECLARED, checked=CHECKED_PAGE_TYPES,
                           site_url=ctx.urls.base)
