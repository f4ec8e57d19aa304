"""The data twin of « Qui propose quoi »: /api/v1/compare (JSON, in the OpenAPI document) and /comparer.csv.

Both read kb.store.compare through the same shape, so the CSV is the JSON's cells laid flat, one line per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

from flask import Response
from pydantic import BaseModel, Field, create_model
from werkzeug.datastructures import MultiDict

from kb.api import export, shapes
from kb.api.models import Ref
from kb.api.params import ApiError, IdParam, Query, check_known_ids, parse
from kb.content.fields import DocumentKind, ProposalStatus
from kb.content.urls import PAGES
from kb.store import compare
from kb.web import compare as page
from kb.web.head import base_url
from kb.web.records import drafts
from kb.web.state import state

CSV_NAME = "comparer.csv"

CompareQuery = create_model(
    "CompareQuery", __base__=Query, __doc__="Columns and rows of the comparison (none: the defaults).",
    **{
        page.COLUMNS.name: (list[IdParam], Field([], description=(
            "Identifiant d'un document : une colonne. Sans ce paramètre : le livre blanc et chaque document qui a une "
            "proposition sur les axes choisis."))),
        page.ROWS.name: (list[IdParam], Field([], description=(
            "Identifiant d'un axe du livre blanc : une ligne. Sans ce paramètre : tous ses axes."))),
    },
)


class CompareRecord(Ref):
    """A proposal in a cell: « source » for the livre blanc's own on its axis, « editorial » when the base links it."""

    status: ProposalStatus
    flagship: bool
    basis: Literal["source", "editorial"]
    note: str | None = None


class CompareDocument(Ref):
    """A column: a source document."""

    publisher: str
    kind: DocumentKind
    published: str


class CompareCell(BaseModel):
    """The records of one document (``document``: its id) on the row's axis; empty: none in the sources consulted."""

    document: str
    records: list[CompareRecord]


class CompareRow(BaseModel):
    """A row: an axis of the livre blanc and one cell per column, in the columns' order."""

    axis: Ref
    cells: list[CompareCell]


class CompareResponse(BaseModel):
    """Qui propose quoi: the livre blanc's axes (rows) against the documents (columns); ``count``: different proposals
    shown (one the base links to two axes is in two cells, counted once)."""

    livre_blanc: Ref | None
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


def shape(ctx: shapes.Ctx, c: compare.Comparison, choice: page.Choice) -> CompareResponse:
    """The API shape of a comparison, with the addresses of the same view on the site and as CSV."""

    def record(e: compare.Entry) -> CompareRecord:
        p = e.proposal
        basis: Literal["source", "editorial"] = "editorial" if e.editorial else "source"
        return CompareRecord(id=p.id, title=p.title, url=ctx.url("proposal", p.id), status=p.status, flagship=p.flagship,
                             basis=basis, note=e.note or None)

    rows = [
        CompareRow(axis=Ref(id=a.id, title=a.title, url=ctx.url("axis", a.id)),
                   cells=[CompareCell(document=d.id, records=[record(e) for e in c.cell(a.id, d.id)]) for d in c.documents])
        for a in c.axes
    ]
    return CompareResponse(
        livre_blanc=Ref(id=c.livre.id, title=c.livre.title, url=ctx.url("document", c.livre.id)) if c.livre else None,
        documents=[CompareDocument(id=d.id, title=d.title, url=ctx.url("document", d.id), publisher=d.publisher, kind=d.kind,
                                   published=d.published) for d in c.documents],
        rows=rows,
        count=c.count(),
        page=ctx.base + choice.url(PAGES["compare"]),
        csv=ctx.base + choice.url(PAGES["compare_csv"]),
        source=page.source_line(c),
    )


def lines(body: CompareResponse) -> Iterator[Line]:
    """The records of a comparison's cells, row by row and column by column."""
    columns = {d.id: d for d in body.documents}
    for row in body.rows:
        for cell in row.cells:
            for rec in cell.records:
                yield Line(row.axis, columns[cell.document], rec)


def answer(ctx: shapes.Ctx, args: MultiDict[str, str]) -> CompareResponse:
    """GET /api/v1/compare: the API's filter names (``document``, ``axis``); unknown values are a 400 naming them."""
    q = parse(CompareQuery, args)
    check_known_ids(q, ctx.names())
    documents, axes = getattr(q, page.COLUMNS.name), getattr(q, page.ROWS.name)
    c = compare.comparison(session=ctx.session, documents=documents, axes=axes, drafts=ctx.drafts)
    bad = c.unknown(documents, axes)
    if bad:
        # Known to the base (check_known_ids passed) but not a row: an axis of another document.
        message = f"L'axe « {bad[1]} » n'est pas un axe du livre blanc : les lignes de la comparaison sont ses axes."
        raise ApiError(400, "bad_parameter", message, parameter=bad[0])
    return shape(ctx, c, page.Choice.canonical(c, documents, axes))


def csv_page() -> Response:
    """/comparer.csv: the page's filters (``document``, ``axe``), the page's French 400, one line per record."""
    c, choice = page.read()
    body = shape(shapes.Ctx(state().session, base_url(), drafts()), c, choice)
    resp = Response(export.table_csv(export.COMPARE_COLUMNS, lines(body)).encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return resp
