"""« Qui propose quoi »: the one data function of /comparer, its JSON and CSV twins and its e-mail copies.

The rows are the axes of one document, the pivot (``pivot=``; the featured document by default), or the axes a
reader chooses (``axe=`` on the site, ``axis=`` in the API: any axis of any document); the columns are documents
(``document=``). ``read`` turns a choice into the comparison (kb.store.grid), the choice in the table's order, the
line saying what it rests on, and each axis as a list (who proposes something on it, who does not) for the phone
layout and the e-mail copy. kb.web renders it as HTML, kb.api as JSON and CSV, kb.newsletter as e-mail and
Markdown: each parses its own address, none computes the table again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.filters import BY_KIND
from kb.content.kinds import AXIS, DOCUMENT
from kb.content.typography import quoted
from kb.pages.context import Context
from kb.store import grid
from kb.store.grid import PIVOT, Comparison, Entry
from kb.store.tables import Axis, Document
from kb.store.who import Who

COLUMNS, ROWS = BY_KIND[DOCUMENT], BY_KIND[AXIS]
EMPTY = "aucune proposition dans les sources consultées"
# How each parameter is called in a French message.
TITLES = {COLUMNS.name: COLUMNS.title, ROWS.name: ROWS.title, PIVOT: "Document de référence"}


class Args(Protocol):
    """A query string's values by name (Werkzeug's MultiDict)."""

    def getlist(self, key: str) -> list[str]:
        """Every value given for ``key``."""


@dataclass(frozen=True)
class Choice:
    """The pivot, columns and rows a comparison address names (empty: the defaults), in the table's order once read."""

    documents: tuple[str, ...] = ()
    axes: tuple[str, ...] = ()
    pivot: str = ""

    def pairs(self, api: bool = False) -> list[tuple[str, str]]:
        """The query parameters: French names on the site (``axe``), the filters' own names in the API (``axis``)."""
        col, row = (COLUMNS.name, ROWS.name) if api else (COLUMNS.param, ROWS.param)
        out = [(PIVOT, self.pivot)] if self.pivot else []
        return out + [(col, d) for d in self.documents] + [(row, a) for a in self.axes]

    def url(self, path: str, api: bool = False) -> str:
        """``path`` with this choice's query string."""
        qs = urlencode(self.pairs(api))
        return f"{path}?{qs}" if qs else path

    @classmethod
    def canonical(cls, c: Comparison, asked: Choice) -> Choice:
        """The choice in the table's order (columns, then rows), whatever order an address gave them in."""
        rows = [a.id for a in c.axes]
        return cls(tuple(d.id for d in c.all_documents if d.id in asked.documents), tuple(a for a in rows if a in asked.axes),
                   asked.pivot)

    @classmethod
    def asked(cls, args: Args, api: bool = False) -> Choice:
        """The values an address gives under the site's names (``axe``) or the API's (``axis``): blank ones dropped,
        each once, in the address's order."""
        col, row = (COLUMNS.name, ROWS.name) if api else (COLUMNS.param, ROWS.param)
        pivot = next(iter(_values(args.getlist(PIVOT))), "")
        return cls(_values(args.getlist(col)), _values(args.getlist(row)), pivot)


def _values(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


class Unknown(ValueError):
    """A chosen pivot, column or row the base does not hold: its parameter's name and the value."""

    def __init__(self, name: str, value: str) -> None:
        super().__init__(f"{name}={value}")
        self.name, self.value = name, value

    def message(self) -> str:
        """The French 400 of the site's addresses and of the API."""
        return f"Le filtre « {TITLES.get(self.name, self.name)} » ne connaît pas la valeur « {_shown(self.value)} »."


def _shown(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable())[:80]


@dataclass(frozen=True)
class AxisRow:
    """One axis read as a list, as a phone and an e-mail show it: the documents that propose something on it, each with
    its records, then the documents that propose nothing there (one line names them all)."""

    axis: Axis
    proposing: list[tuple[Document, list[Entry]]]
    silent: list[Document]

    def count(self) -> int:
        """How many different proposals the axis holds (one linked twice counts once)."""
        return len({e.proposal.id for _d, entries in self.proposing for e in entries})


def axis_rows(c: Comparison) -> list[AxisRow]:
    """Each shown axis with the shown documents split into those that propose something on it and the others."""
    rows = []
    for a in c.axes:
        cells = [(d, c.cell(a.id, d.id)) for d in c.documents]
        rows.append(AxisRow(a, [(d, entries) for d, entries in cells if entries], [d for d, entries in cells if not entries]))
    return rows


def document_names(documents: Sequence[Document], who: Who) -> dict[str, str]:
    """How a line names each document: who and when (« Sénat (18 juin 2025) »), with its short title when that is not
    enough to tell two apart."""
    def name(d: Document, titled: bool = False) -> str:
        title = f", « {fr.short_title(d.title)} »" if titled else ""
        return f"{who.of(d) or fr.DOCUMENT_KIND.get(d.kind, d.kind)}{title} ({fr.date_fr(d.published)})"

    seen = Counter(name(d) for d in documents)
    return {d.id: name(d, titled=seen[name(d)] > 1) for d in documents}


@dataclass(frozen=True)
class CompareData:
    """Everything a rendering of « Qui propose quoi » shows: the table, the canonical choice, its source line, the axes
    read as lists and how a line names each document."""

    comparison: Comparison
    choice: Choice
    source: str
    rows: list[AxisRow]
    names: dict[str, str]


def read(ctx: Context, asked: Choice) -> CompareData:
    """The comparison for a choice (Unknown for a pivot, column or row the base does not hold)."""
    c = grid.comparison(ctx.db, documents=asked.documents, axes=asked.axes, pivot=asked.pivot)
    bad = c.unknown(asked.documents, asked.axes, asked.pivot)
    if bad:
        raise Unknown(*bad)
    return CompareData(c, Choice.canonical(c, asked), source_line(ctx, c), axis_rows(c), document_names(c.documents, ctx.who()))


def source_line(ctx: Context, c: Comparison) -> str:
    """What the comparison rests on and when, for the page, its print, its copies and the API (the address follows)."""
    pivot = c.pivot
    if pivot is not None:
        who = ctx.who().of(pivot) or pivot.publisher
        origin = f"axes {fr.OF_DOCUMENT_KIND.get(pivot.kind, 'du document')} {quoted(pivot.title)} ({who}, {fr.date_fr(pivot.published)})"
    else:
        origin = "axes choisis"
    built_at = ctx.info.get("built_at", "")
    when = f" ; état de la base au {fr.date_fr(built_at[:10])}" if built_at else ""
    return (
        f"Source : {SITE_NAME}, « Qui propose quoi » — {origin} ; les propositions des autres documents sont rapprochées "
        f"de ces axes par la base (rapprochements éditoriaux){when}."
    )
