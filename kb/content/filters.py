"""The filters over proposals and actions, declared once: the search, the site's URLs, the API and the lists read them.

A filter narrows a list by one record field. Its ``name`` is the API parameter, the search filter and the index
field; ``param`` is its French name in the site's URLs (``/recherche?axe=…``); ``kind`` is the record kind whose
ids it takes (``None``: a fixed list of values); a ``multi`` filter's values are references a record may hold
several of (kept as link rows in the database). A proposal-only filter (``through_carried``) also keeps the actions
that carry a matching proposal, so an axis page shows the regional actions that follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.content.fields import ACTION_STATUSES, HORIZONS, PROPOSAL_STATUSES, RESULT_KINDS


@dataclass(frozen=True)
class Filter:
    """One filter: API and index name, French URL parameter and title, what its values are."""

    name: str
    param: str
    title: str
    kind: str | None = None
    values: tuple[str, ...] = ()
    through_carried: bool = False
    multi: bool = False
    description: str = ""


FILTERS: tuple[Filter, ...] = (
    Filter("type", "type", "Type", values=RESULT_KINDS, description="Type de fiche."),
    Filter("document", "document", "Document", kind="document", through_carried=True, description="Identifiant d'un document source."),
    Filter("axis", "axe", "Axe", kind="axis", through_carried=True, description="Identifiant d'un axe."),
    Filter("sector", "filiere", "Filière", kind="sector", multi=True, description="Identifiant d'une filière."),
    Filter("region", "region", "Région", kind="region", multi=True, description="Identifiant d'une région."),
    Filter("status", "statut", "Statut", values=PROPOSAL_STATUSES + ACTION_STATUSES, description="Statut (de proposition ou d'action)."),
    Filter("horizon", "horizon", "Horizon", values=HORIZONS, through_carried=True, description="Horizon de la proposition."),
)
BY_NAME: dict[str, Filter] = {f.name: f for f in FILTERS}
BY_PARAM: dict[str, Filter] = {f.param: f for f in FILTERS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
# Filters whose values are ids of records of the base (an unknown id is a 400, not an empty list).
BY_KIND: dict[str, Filter] = {f.kind: f for f in FILTERS if f.kind}
# Not a facet: records updated on or after a date (API lists and search, digest).
UPDATED_SINCE = "updated_since"
