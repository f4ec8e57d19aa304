"""French labels for enumerated values, dates and plurals."""

from __future__ import annotations

import datetime as dt
import functools
import re

from babel.dates import format_date

from kb.content import kinds
from kb.content.drafts import UNDATED

STATUS = {
    "proposee": "Proposée",
    "en-discussion": "En discussion",
    "reprise-partiellement": "Reprise partiellement",
    "adoptee": "Adoptée",
    "mise-en-oeuvre": "Mise en œuvre",
    "abandonnee": "Abandonnée",
    "annoncee": "Annoncée",
    "en-cours": "En cours",
    "realisee": "Réalisée",
    "suspendue": "Suspendue",
}
HORIZON = {"court-terme": "Court terme", "long-terme": "Long terme"}
DOCUMENT_KIND = {
    "livre-blanc": "Livre blanc",
    "rapport": "Rapport",
    "communique": "Communiqué",
    "article": "Article",
    "autre": "Autre document",
}
DOCUMENT_KIND_PLURAL = {
    "livre-blanc": "livres blancs",
    "rapport": "rapports",
    "communique": "communiqués",
    "article": "articles",
    "autre": "autres documents",
}
ORGANISATION_KIND = {
    "organisation-patronale": "Organisation patronale",
    "institution-publique": "Institution publique",
    "assemblee-parlementaire": "Assemblée parlementaire",
    "cercle-de-reflexion": "Cercle de réflexion",
    "collectif": "Collectif",
    "auteur": "Auteur",
    "autre": "Autre",
}
# « Proposition du livre blanc … », « … de l’article … »: a document kind after « de ».
OF_DOCUMENT_KIND = {
    "livre-blanc": "du livre blanc",
    "rapport": "du rapport",
    "communique": "du communiqué",
    "article": "de l’article",
    "autre": "du document",
}
# The badge of a flagship proposal (also one of its search keywords).
FLAGSHIP = "Mesure phare"


@functools.lru_cache(maxsize=4096)  # a results page shows ~20 dates, each 50 µs in Babel; dates repeat
def date_fr(value: dt.date | str | None, fmt: str = "long") -> str:
    """« 17 novembre 2025 », « 1er décembre 2025 »; a partial date « 2025-11 » gives « novembre 2025 », « 2025 » gives « 2025 »;
    no date (a draft's that its file does not give: UNDATED) gives ""."""
    if value is None or value == "" or value == UNDATED or value == UNDATED.isoformat():
        return ""
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            return format_date(dt.date(int(parts[0]), int(parts[1]), 1), "MMMM y", locale="fr_FR")
        value = dt.date.fromisoformat(value)
    text = format_date(value, fmt, locale="fr_FR")
    # French writes the first of the month as an ordinal: « 1er décembre 2025 ».
    return "1er" + text[1:] if fmt == "long" and value.day == 1 else text


# A document's short title (facets, filters): at most this many characters, cut on a word.
SHORT_TITLE = 50


def short_title(title: str) -> str:
    """A document's title short enough for a filter's name: without quotation marks, before a subtitle (« : »), cut on a
    word with « … » past SHORT_TITLE characters. « Bâtir la puissance industrielle : un défi français » → « Bâtir la
    puissance industrielle »."""
    text = " ".join(title.replace("«", " ").replace("»", " ").split()).replace("’ ", "’").replace("' ", "'")
    main = text.split(" : ", 1)[0]
    if len(main) >= 10:
        text = main
    if len(text) <= SHORT_TITLE:
        return text
    return text[: SHORT_TITLE].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """French plural rule: 0 and 1 take the singular (« 0 résultat », « 2 résultats »)."""
    return f"{n} {singular if n < 2 else (plural_form or singular + 's')}"


def of_publisher(publisher: str, *texts: str | None) -> str | None:
    """« de la CPME », « du Sénat »: the publisher after « de », with the article ``texts`` use for it; else None."""
    # The article (la CPME, le Medef, l'Assemblée) is not in the data: the document's own wording says it.
    head = re.split(r"\s*[,(]", publisher, maxsplit=1)[0].strip()
    first = head.split(" ")[0]
    if not first:
        return None
    pattern = re.compile(rf"\b(de la|du|des|de l['’])\s*{re.escape(first)}\b")
    for text in texts:
        m = pattern.search(text or "")
        if m:
            article = m.group(1).replace("'", "’")
            return f"{article}{head}" if article.endswith("’") else f"{article} {head}"
    return None


def count_kinds(counts: dict[str, int]) -> str:
    """Counts by record kind in French: « 13 documents, 9 axes, 12 propositions, 4 actions, 6 filières, 18 régions »."""
    return ", ".join(plural(n, kinds.kind(kind).noun) for kind, n in counts.items())
