"""The value types of record fields: ids, texts, partial dates and the closed lists of values (declared once)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator
from pydantic import Field as PydField

ID_PATTERN = r"^[a-z0-9-]{1,80}$"
ID_RE = re.compile(ID_PATTERN)
INSEE_PATTERN = r"^\d{2}$"
# Each pattern as an editor reads it, for the message of a value that does not match it (kb.content.validation).
PATTERNS = {
    ID_PATTERN: ("un identifiant valide", "minuscules, chiffres et tirets, 80 caractères au plus"),
    INSEE_PATTERN: ("un code INSEE de région valide", "deux chiffres, entre guillemets : \"28\""),
}
SUMMARY_MAX = 400
QUOTE_MAX = 600  # a longer quote is a warning (kb.content.addresses): cite the words that matter, not the page

DocumentKind = Literal["livre-blanc", "rapport", "communique", "article", "autre"]
OrganisationKind = Literal[
    "organisation-patronale", "institution-publique", "assemblee-parlementaire", "cercle-de-reflexion", "collectif", "auteur", "autre"
]
Horizon = Literal["court-terme", "long-terme"]
ProposalStatus = Literal["proposee", "en-discussion", "reprise-partiellement", "adoptee", "mise-en-oeuvre", "abandonnee"]
ActionStatus = Literal["annoncee", "en-cours", "realisee", "suspendue"]
# What a link between records rests on: a source says it, or the base makes it (an editorial link, said as such).
Basis = Literal["source", "editorial"]

DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
ORGANISATION_KINDS: tuple[str, ...] = get_args(OrganisationKind)
HORIZONS: tuple[str, ...] = get_args(Horizon)
PROPOSAL_STATUSES: tuple[str, ...] = get_args(ProposalStatus)
ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)


def _partial_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD, each a real calendar value."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        raise ValueError(f"date « {value} » invalide : attendu AAAA-MM-JJ, AAAA-MM ou AAAA")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year or 1, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"date impossible « {value} »") from None
    return value


def _str_from_scalar(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, PydField(pattern=ID_PATTERN)]
PartialDate = Annotated[str, BeforeValidator(_str_from_scalar), AfterValidator(_partial_date)]
Text = Annotated[str, PydField(min_length=1)]
Summary = Annotated[str, PydField(min_length=1, max_length=SUMMARY_MAX)]
