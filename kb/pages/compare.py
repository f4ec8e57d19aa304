"""« Qui propose quoi »: the one data function of /comparer, its JSON and CSV twins and its e-mail copies.

The columns (documents) and rows (axes) a reader chooses are the filters of kb.content.filters (``document=``,
``axe=`` on the site, ``document=``, ``axis=`` in the API); ``read`` turns them into the comparison (kb.store.grid),
the choice in the table's order, and the line saying what it rests on. kb.web renders it as HTML, kb.api as JSON and
CSV, kb.newsletter as e-mail and Markdown: each parses its own address, none computes the table again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.filters import BY_KIND, BY_NAME, Filter
from kb.content.kinds import AXIS, DOCUMENT
from kb.pages.context import Context
from kb.store import grid
from kb.store.grid import Comparison

COLUMNS, ROWS = BY_KIND[DOCUMENT], BY_KIND[AXIS]
EMPTY = "aucune proposition dans les sources consultées"


@dataclass(frozen=True)
class Choice:
    """The columns and rows a comparison address names (empty: the defaults), in the table's order once read."""

    documents: tuple[str, ...] = ()
    axes: tuple[str, ...] = ()

    def pairs(self, api: bool = False) -> list[tuple[str, str]]:
        """The query parameters: French names on the site (``axe``), the filters' own names in the API (``axis``)."""
        col, row = (COLUMNS.name, ROWS.name) if api else (COLUMNS.param, ROWS.param)
        return [(col, d) for d in self.documents] + [(row, a) for a in self.axes]

    def url(self, path: str, api: bool = False) -> str:
        """``path`` with this choice's query string."""
        qs = urlencode(self.pairs(api))
        return f"{path}?{qs}" if qs else path

    @classmethod
    def canonical(cls, c: Comparison, documents: Sequence[str], axes: Sequence[str]) -> Choice:
        """The choice in the table's order (columns, then rows), whatever order an address gave them in."""
        return cls(tuple(d.id for d in c.all_documents if d.id in documents), tuple(a.id for a in c.all_axes if a.id in axes))

    @classmethod
    def asked(cls, args: Args, api: bool = False) -> Choice:
        """The values an address gives under the site's names (``axe``) or the API's (``axis``): blank ones dropped,
        each once, in the address's order."""
        col, row = (COLUMNS.name, ROWS.name) if api else (COLUMNS.param, ROWS.param)
        return cls(_values(args.getlist(col)), _values(args.getlist(row)))


class Args(Protocol):
    """A query string's values by name (Werkzeug's MultiDict)."""

    def getlist(self, key: str) -> list[str]:
        """Every value given for ``key``."""


def _values(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


class Unknown(ValueError):
    """A chosen column or row the comparison does not offer: the filter and the value, worded for the site or the API."""

    def __init__(self, flt: Filter, value: str) -> None:
        super().__init__(f"{flt.name}={value}")
        self.filter, self.value = flt, value

    def site_message(self) -> str:
        """The French 400 of the site's addresses (/comparer, its CSV and its copies)."""
        why = " : les lignes de la comparaison sont les axes du livre blanc" if self.filter is ROWS else ""
        return f"Le filtre « {self.filter.title} » ne connaît pas la valeur « {_shown(self.value)} »{why}."

    def api_message(self) -> str:
        """The API's 400, for a value the base holds but the comparison does not offer (an axis of another document)."""
        return f"L'axe « {self.value} » n'est pas un axe du livre blanc : les lignes de la comparaison sont ses axes."


def _shown(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable())[:80]


@dataclass(frozen=True)
class CompareData:
    """Everything a rendering of « Qui propose quoi » shows: the table, the canonical choice, its source line."""

    comparison: Comparison
    choice: Choice
    source: str


def read(ctx: Context, asked: Choice) -> CompareData:
    """The comparison for a choice (Unknown for a column or row it does not offer)."""
    c = grid.comparison(ctx.db, documents=asked.documents, axes=asked.axes)
    bad = c.unknown(asked.documents, asked.axes)
    if bad:
        raise Unknown(BY_NAME[bad[0]], bad[1])
    return CompareData(c, Choice.canonical(c, asked.documents, asked.axes), source_line(c, ctx.info.get("built_at", "")))


def source_line(c: Comparison, built_at: str) -> str:
    """What the comparison rests on and when, for the page, its print, its copies and the API (the address follows)."""
    livre = c.livre
    origin = f"axes du livre blanc « {livre.title} » ({livre.publisher}, {fr.date_fr(livre.published)})" if livre else "aucun livre blanc"
    when = f" ; état de la base au {fr.date_fr(built_at[:10])}" if built_at else ""
    return (
        f"Source : {SITE_NAME}, « Qui propose quoi » — {origin} ; les propositions des autres documents sont rapprochées "
        f"de ces axes par la base (rapprochements éditoriaux){when}."
    )
