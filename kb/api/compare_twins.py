"""The data twins of « Qui propose quoi »: /api/v1/compare (JSON, in the OpenAPI document) and /comparer.csv.

Both render the data of kb.pages.compare through the same shape, so the CSV is the JSON's cells laid flat, one line
per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

from flask import Response, abort, request
from pydantic import BaseModel, Field, create_model
from werkzeug.datastructures import MultiDict

from kb.api import export
from kb.api.params import ApiError, IdParam, Query, check_known_ids, parse
from kb.content.fields import DocumentKind, ProposalStatus
from kb.content.kinds import AXIS, DOCUMENT, PROPOSAL
from kb.content.urls import PAGES
from kb.http.context import built
from kb.pages import Context, compare
from kb.pages.compare import COLUMNS, ROWS, Choice, CompareData
from kb.pages.shapes import Ref
from kb.store.grid import PIVOT, Entry

CSV_NAME = "comparer.csv"

CompareQuery = create_model(
    "CompareQuery", __base__=Query, __doc__="Pivot, columns and rows of the comparison (none: the defaults).",
    **{
        PIVOT: (IdParam | None, Field(None, description=(
            "Identifiant du document de référence, dont les axes font les lignes. Sans ce paramètre : le document mis en "
            "avant par la base (ou celui des axes choisis)."))),
        COLUMNS.name: (list[IdParam], Field([], description=(
            "Identifiant d'un document : une colonne. Sans ce paramètre : le document de référence et chaque document qui a "
            "une proposition sur les axes choisis."))),
        ROWS.name: (list[IdParam], Field([], description=(
            "Identifiant d'un axe, de n'importe quel document : une ligne. Sans ce paramètre : tous les axes du document de "
            "référence."))),
    },
)


class CompareRecord(Ref):
    """A proposal in a cell: « source » for the axis's document's own, « editorial » when the base links it to the axis."""

    status: ProposalStatus | None  # None: a draft whose file gives none yet (staff preview only)
    flagship: bool
    basis: Literal["source", "editorial"]
    note: str | None = None


class CompareDocument(Ref):
    """A column: a source document, and who speaks in it (``organisations``: their ids; ``who``: as the page names them)."""

    publisher: str
    kind: DocumentKind
    published: str
    organisations: list[str] = Field(default_factory=list)
    who: str = ""


class CompareCell(BaseModel):
    """The records of one document (``document``: its id) on the row's axis; empty: none in the sources consulted."""

    document: str
    records: list[CompareRecord]


class CompareRow(BaseModel):
    """A row: an axis (``document``: the id of the document it belongs to) and one cell per column, in the columns' order."""

    axis: Ref
    document: str = ""
    cells: list[CompareCell]


class CompareResponse(BaseModel):
    """Qui propose quoi: axes (rows) against documents (columns); ``pivot``: the document whose axes are the rows (the
    featured one by default; ``livre_blanc`` names it too, as it always has); ``count``: different proposals shown (one
    the base links to two axes is in two cells, counted once)."""

    livre_blanc: Ref | None
    pivot: Ref | None = None
    documents: list[CompareDocument]
    rows: list[CompareRow]
    count: int
    page: str
    csv: str
    source: str


class Line(NamedTuple):
    """One line of comparer.csv: a record with its row and column."""

    axis: Ref
    document: CompareDocument
    record: CompareRecord


def shape(ctx: Context, data: CompareData) -> CompareResponse:
    """The API shape of a comparison, with the addresses of the same view on the site and as CSV."""
    c, choice = data.comparison, data.choice

    def record(e: Entry) -> CompareRecord:
        p = e.proposal
        basis: Literal["source", "editorial"] = "editorial" if e.editorial else "source"
        return CompareRecord(id=p.id, title=p.title, url=ctx.url(PROPOSAL, p.id), status=p.status or None, flagship=p.flagship,
                             basis=basis, note=e.note or None)

    rows = [
        CompareRow(axis=Ref(id=a.id, title=a.title, url=ctx.url(AXIS, a.id)), document=a.document,
                   cells=[CompareCell(document=d.id, records=[record(e) for e in c.cell(a.id, d.id)]) for d in c.documents])
        for a in c.axes
    ]
    pivot = Ref(id=c.pivot.id, title=c.pivot.title, url=ctx.url(DOCUMENT, c.pivot.id)) if c.pivot else None
    who = ctx.who()
    return CompareResponse(
        livre_blanc=pivot,
        pivot=pivot,
        documents=[CompareDocument(id=d.id, title=d.title, url=ctx.url(DOCUMENT, d.id), publisher=d.publisher, kind=d.kind,
                                   published=d.published, organisations=list(d.organisations), who=who.of(d)) for d in c.documents],
        rows=rows,
        count=c.count(),
        page=ctx.urls.absolute(choice.url(PAGES["compare"])),
        csv=ctx.urls.absolute(choice.url(PAGES["compare_csv"])),
        source=data.source,
    )


def lines(body: CompareResponse) -> Iterator[Line]:
    """The records of a comparison's cells, row by row and column by column."""
    columns = {d.id: d for d in body.documents}
    for row in body.rows:
        for cell in row.cells:
            for rec in cell.records:
                yield Line(row.axis, columns[cell.document], rec)


def answer(ctx: Context, args: MultiDict[str, str]) -> CompareResponse:
    """GET /api/v1/compare: the API's filter names (``pivot``, ``document``, ``axis``); unknown values are a 400 naming them."""
    q = parse(CompareQuery, args)
    check_known_ids(q, ctx.names())
    try:
        data = compare.read(ctx, Choice.asked(args, api=True))
    except compare.Unknown as exc:
        raise ApiError(400, "bad_parameter", exc.message(), parameter=exc.name) from None
    return shape(ctx, data)


def csv_page() -> Response:
    """/comparer.csv: the page's filters (``document``, ``axe``), the page's French 400, one line per record."""
    ctx = built()
    try:
        data = compare.read(ctx, Choice.asked(request.args))
    except compare.Unknown as exc:
        abort(400, description=exc.message())
    body = shape(ctx, data)
    resp = Response(export.table_csv(export.COMPARE_COLUMNS, lines(body)).encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return resp
