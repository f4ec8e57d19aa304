"""The filters over records, declared once: the search, the site's URLs, the API and the lists read them.

A filter narrows a list by one record field. Its ``name`` is the API parameter, the search filter and the index
field; ``param`` is its French name in the site's URLs (``/recherche?axe=…``); ``kind`` is the record kind whose
ids it takes (``None``: a fixed list of values); a ``multi`` filter's values are references a record may hold
several of (kept as link rows in the database). A proposal-only filter (``through_carried``) also keeps the actions
that carry a matching proposal, so an axis page shows the regional actions that follow from it. The ``type``
filter takes every kind a search finds (documents, axes, regions and sectors besides proposals and actions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kb.content import kinds
from kb.content.fields import ACTION_STATUSES, HORIZONS, PROPOSAL_STATUSES


@dataclass(frozen=True)
class Filter:
    """One filter: API and index name, French URL parameter and title, what its values are."""

    name: str
    param: str
    title: str
    kind: kinds.Kind | None = None
    values: tuple[str, ...] = ()
    through_carried: bool = False
    multi: bool = False
    description: str = ""
    # A value's name in the site's URLs when it differs from the value (« type=axe » for « axis »).
    url_names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    # A value also matches the records of national scope (the region filter: a proposal that names no region concerns
    # every region, as a region's page says).
    national: bool = False
    # The multi-valued filter whose presence makes a record regional (the scope filter: « region »).
    scope_of: str | None = None
    # Kinds besides proposals and actions that a value files through Link rows, not through a field of theirs (an
    # organisation's documents and their axes): their API lists take the filter too.
    files: tuple[str, ...] = ()

    def url_value(self, value: str) -> str:
        """The value as the site's URLs write it."""
        return self.url_names.get(value, value)

    def from_url(self, url_value: str) -> str:
        """The value a URL names (the inverse of url_value)."""
        return next((v for v, name in self.url_names.items() if name == url_value), url_value)


# Every kind of record a search finds, and its French name in URLs (« /recherche?type=proposition »).
TYPE_URL_NAMES: Mapping[str, str] = MappingProxyType({k: k.url_name for k in kinds.every()})


def _over(kind: kinds.Kind, **attrs: Any) -> Filter:
    """The filter on the ids of a kind: named as the kind, in URLs as the kind's URL name (« axe »), titled as it."""
    return Filter(str(kind), kind.url_name, kind.label, kind=kind, **attrs)


# The scope of a proposal or action: national (it names no region) or regional.
NATIONAL, REGIONAL = "national", "regional"
SCOPE_LABELS: Mapping[str, str] = MappingProxyType({NATIONAL: "Portée nationale", REGIONAL: "Portée régionale"})
SCOPE_URL_NAMES: Mapping[str, str] = MappingProxyType({NATIONAL: "nationale", REGIONAL: "regionale"})

FILTERS: tuple[Filter, ...] = (
    Filter("type", "type", "Type", values=tuple(kinds.KINDS), url_names=TYPE_URL_NAMES, description="Type de fiche."),
    _over(kinds.ORGANISATION, multi=True, files=(kinds.DOCUMENT, kinds.AXIS),
          description="Identifiant d'une organisation (qui propose) ; ses unions régionales et ses instances comprises."),
    _over(kinds.DOCUMENT, through_carried=True, description="Identifiant d'un document source."),
    _over(kinds.AXIS, through_carried=True, description="Identifiant d'un axe."),
    _over(kinds.SECTOR, multi=True, description="Identifiant d'une filière."),
    _over(kinds.REGION, multi=True, national=True,
          description="Identifiant d'une région : ses fiches régionales et les propositions de portée nationale."),
    Filter("scope", "portee", "Portée", values=(NATIONAL, REGIONAL), url_names=SCOPE_URL_NAMES, scope_of=str(kinds.REGION),
           description="Portée : nationale (aucune région nommée) ou régionale."),
    Filter("status", "statut", "Statut", values=PROPOSAL_STATUSES + ACTION_STATUSES, description="Statut (de proposition ou d'action)."),
    Filter("horizon", "horizon", "Horizon", values=HORIZONS, through_carried=True, description="Horizon de la proposition."),
)
BY_NAME: dict[str, Filter] = {f.name: f for f in FILTERS}
BY_PARAM: dict[str, Filter] = {f.param: f for f in FILTERS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
SCOPE = BY_NAME["scope"]
# Filters whose values are ids of records of the base (an unknown id is a 400, not an empty list).
BY_KIND: dict[str, Filter] = {f.kind: f for f in FILTERS if f.kind}
# Not a facet: records updated on or after a date (API lists and search, digest).
UPDATED_SINCE = "updated_since"
