"""The kinds of record, each declared once: every table keyed by kind derives from this registry.

A kind is its id (a plain string: a dictionary key, a database value, the search index's ``type``) with what the
rest of kb needs to know of it: French labels, the address of its pages, where its files live and their model, its
API collection, and whether it can be a draft, a newsletter card, an Atom feed or a listed search result. Adding a
kind is one entry below plus its models (file model here; table, API shape and page where it is shown).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kb.content.models import (
    ActionBase,
    ActionFile,
    AxisBase,
    AxisFile,
    DocumentBase,
    DocumentFile,
    OrganisationBase,
    OrganisationFile,
    ProposalBase,
    ProposalFile,
    RegionBase,
    RegionFile,
    SectorBase,
    SectorFile,
    Strict,
)


class Kind(str):
    """A kind of record: equal to its id (``"proposal"``), with its properties as attributes (read-only)."""

    label: str  # « Proposition »: a type badge, a facet value
    plural: str  # « Propositions »: a list's heading
    noun: str  # « proposition »: inside a sentence (« id déjà utilisé par proposition … »)
    url_name: str  # its value in the site's URLs: « /recherche?type=proposition »
    prefix: str  # the path prefix of its records' permanent pages: « /propositions/ »
    collection: str  # its records as a collection: API path « /api/v1/proposals », kb.json key, index page name
    index: str | None  # the path of the site's page listing every record of the kind (« /axes »), if any
    folder: str | None  # the content folder of its files (one record per file) …
    list_file: str | None  # … or the file listing all its records (sectors.yaml)
    model: type[Strict]  # what editors write
    base: type[Any]  # the fields the file, table and API models share (kb.content.models)
    card: bool  # its records have newsletter cards and a preview image
    feed: bool  # its records' pages have an Atom feed of the records about them
    listed: bool  # listed as records in searches, lists and feeds (the other kinds show above them)
    words: tuple[str, ...]  # folded words that name it in a query (« les propositions du Medef »): they steer, see kb.search.steering
    cta: str  # a card's call to action
    unknown: str  # « Filière inconnue »: an id of this kind that the base does not hold
    order: tuple[str, ...]  # the fields its records are listed by (« -published »: newest first), then by id

    def __new__(cls, kind_id: str, **attrs: Any) -> Kind:
        obj = super().__new__(cls, kind_id)
        obj.__dict__.update(attrs)
        return obj

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a kind is declared once, in kb.content.kinds")

    def __reduce__(self) -> tuple[Any, ...]:
        return kind, (str(self),)  # pickled (build cache, process pool) as its id: one object per kind per process

    def __repr__(self) -> str:
        return f"Kind({str(self)!r})"

    @property
    def draftable(self) -> bool:
        """True when its records may be drafts (``draft: true``)."""
        return "draft" in self.model.model_fields

    @property
    def has_aliases(self) -> bool:
        """True when its records keep their former ids (``aliases``)."""
        return "aliases" in self.model.model_fields

    @property
    def name_field(self) -> str:
        """The field that names a record of this kind: ``title``, or ``name`` (sectors, regions)."""
        return "title" if "title" in self.model.model_fields else "name"

    def path(self, record_id: str) -> str:
        """The permanent path of one of its records: « /propositions/pass-foncier-pmi »."""
        return self.prefix + record_id


DOCUMENT = Kind(
    "document", label="Document", plural="Documents", noun="document", url_name="document", prefix="/documents/",
    collection="documents", index="/documents", folder="documents", list_file=None, model=DocumentFile, base=DocumentBase,
    card=False, feed=True, listed=False, words=("document", "documents", "rapport", "rapports"), cta="Lire le document",
    unknown="Document inconnu", order=("-published",),
)
AXIS = Kind(
    "axis", label="Axe", plural="Axes", noun="axe", url_name="axe", prefix="/axes/", collection="axes", index="/axes",
    folder="axes", list_file=None, model=AxisFile, base=AxisBase, card=False, feed=True, listed=False, words=("axe", "axes"),
    cta="Lire l'axe", unknown="Axe inconnu", order=("document", "order"),
)
PROPOSAL = Kind(
    "proposal", label="Proposition", plural="Propositions", noun="proposition", url_name="proposition", prefix="/propositions/",
    collection="proposals", index=None, folder="proposals", list_file=None, model=ProposalFile, base=ProposalBase, card=True,
    feed=False, listed=True, cta="Lire la proposition", unknown="Proposition inconnue", order=(),
    # « que propose la CPME », « les mesures du Sénat »: the content calls proposals measures and recommendations too.
    words=("proposition", "propositions", "propose", "proposent", "recommande", "recommandent", "recommandation", "recommandations",
           "mesure", "mesures"),
)
ACTION = Kind(
    "action", label="Action régionale", plural="Actions régionales", noun="action", url_name="action", prefix="/actions/",
    collection="actions", index=None, folder="actions", list_file=None, model=ActionFile, base=ActionBase, card=True, feed=False,
    listed=True, words=("action", "actions"), cta="Lire l'action", unknown="Action inconnue", order=(),
)
SECTOR = Kind(
    "sector", label="Filière", plural="Filières", noun="filière", url_name="filiere", prefix="/filieres/", collection="sectors",
    index="/filieres", folder=None, list_file="sectors.yaml", model=SectorFile, base=SectorBase, card=False, feed=True,
    listed=False, words=("filiere", "filieres"), cta="Voir la filière", unknown="Filière inconnue", order=(),
)
REGION = Kind(
    "region", label="Région", plural="Régions", noun="région", url_name="region", prefix="/regions/", collection="regions",
    index="/regions", folder=None, list_file="regions.yaml", model=RegionFile, base=RegionBase, card=False, feed=True,
    listed=False, words=("region", "regions"), cta="Voir la région", unknown="Région inconnue", order=(),
)
ORGANISATION = Kind(
    "organisation", label="Organisation", plural="Organisations", noun="organisation", url_name="organisation",
    prefix="/organisations/", collection="organisations", index="/organisations", folder="organisations", list_file=None,
    model=OrganisationFile, base=OrganisationBase, card=False, feed=True, listed=False, words=(), cta="Voir l'organisation",
    unknown="Organisation inconnue", order=("name",),
)

# Every kind, in the order pages, counts and checks list them.
KINDS: dict[str, Kind] = {k: k for k in (DOCUMENT, AXIS, PROPOSAL, ACTION, SECTOR, REGION, ORGANISATION)}


def kind(kind_id: str) -> Kind:
    """The kind of this id (KeyError for an unknown one)."""
    return KINDS[kind_id]


def every() -> Iterator[Kind]:
    """Every kind, in the registry's order."""
    return iter(KINDS.values())


def where(**wanted: Any) -> tuple[Kind, ...]:
    """The kinds whose attributes have these values, in order: ``where(card=True)`` → proposal, action."""
    return tuple(k for k in KINDS.values() if all(getattr(k, name) == value for name, value in wanted.items()))


def with_files() -> tuple[Kind, ...]:
    """The kinds written one record per file (a folder each)."""
    return tuple(k for k in KINDS.values() if k.folder)


def with_list_file() -> tuple[Kind, ...]:
    """The kinds written as one list file each."""
    return tuple(k for k in KINDS.values() if k.list_file)


def by_prefix(segment: str) -> Kind | None:
    """The kind whose page prefix is this first path segment (« propositions »), or None."""
    return _BY_SEGMENT.get(segment)


def by_url_name(name: str) -> Kind | None:
    """The kind a URL names (« proposition »), or None."""
    return _BY_URL_NAME.get(name)


_BY_SEGMENT = {k.prefix.strip("/"): k for k in KINDS.values()}
_BY_URL_NAME = {k.url_name: k for k in KINDS.values()}
