"""« Copier ce tableau »: the comparison as an email-safe HTML table and as Markdown, like the record cards.

The data of /comparer (kb.pages.compare), for the same filters; absolute links (with campaign tags under ``?utm_campaign=``);
rendered by the card templates' environment (kb.newsletter.cards). In an email the table is one block per axis, a
line per document that proposes something on it, so that it holds in 600 pixels whatever the number of documents.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request

from kb.content import labels as fr
from kb.content.kinds import AXIS, DOCUMENT, PROPOSAL
from kb.content.markup import safe_url
from kb.content.urls import PAGES, Urls, with_campaign
from kb.http.context import built
from kb.newsletter.cards import CARD_WIDTH, render
from kb.pages import compare
from kb.pages.compare import EMPTY, Choice, CompareData
from kb.store.grid import Entry
from kb.store.who import Who

bp = Blueprint("compare_copy", __name__)

# Endpoint → (path, template, media type).
VARIANTS: dict[str, tuple[str, str, str]] = {
    "html": (PAGES["compare_card"], "comparaison.html", "text/html"),
    "markdown": (PAGES["compare_card_md"], "comparaison.md", "text/markdown"),
}


def copy_data(data: CompareData, urls: Urls, who: Who, campaign: str | None = None) -> dict[str, Any]:
    """What the copies show: per axis, the documents with records on it (absolute links) and those without."""
    c, choice = data.comparison, data.choice

    def link(url: str) -> str:
        return safe_url(with_campaign(url, campaign)) or ""

    def doc(d: Any) -> dict[str, str]:
        return {"title": d.title, "url": link(urls.record(DOCUMENT, d.id)), "date": fr.date_fr(d.published),
                "kind": fr.DOCUMENT_KIND.get(d.kind, d.kind), "who": who.of(d), "of_kind": fr.OF_DOCUMENT_KIND.get(d.kind, "du document")}

    def records(entries: list[Entry]) -> list[dict[str, Any]]:
        return [{"title": e.proposal.title, "url": link(urls.record(PROPOSAL, e.proposal.id)),
                 "status": fr.STATUS.get(e.proposal.status, e.proposal.status), "editorial": e.editorial} for e in entries]

    # Who proposes something on each axis and who does not: kb.pages.compare splits it once, for the page too.
    rows = [{"title": row.axis.title, "url": link(urls.record(AXIS, row.axis.id)),
             "documents": [{**doc(d), "records": records(entries)} for d, entries in row.proposing],
             "empty": [d.title for d in row.silent]} for row in data.rows]
    return {
        "pivot": doc(c.pivot) if c.pivot else None,
        "rows": rows,
        "url": link(urls.absolute(choice.url(PAGES["compare"]))),
        "source": data.source,
        "empty_text": EMPTY,
    }


def copy_page(variant: str) -> Response:
    """/comparer/carte (HTML for email) or /comparer/carte.md, for the filters of the address."""
    ctx = built()
    try:
        data = compare.read(ctx, Choice.asked(request.args))
    except compare.Unknown as exc:
        abort(400, description=exc.message())
    _path, template, mime = VARIANTS[variant]
    copy = copy_data(data, ctx.urls, ctx.who(), campaign=request.args.get("utm_campaign"))
    resp = Response(render(template, t=copy, width=CARD_WIDTH), mimetype=mime)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def share_links(choice: Choice) -> dict[str, str]:
    """The « Copier ce tableau » links of the page: the same view as HTML for email and as Markdown."""
    return {variant: choice.url(path) for variant, (path, _template, _mime) in VARIANTS.items()}


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_compare_share": share_links}


for _variant, (_path, _template, _mime) in VARIANTS.items():
    bp.add_url_rule(_path, _variant, copy_page, defaults={"variant": _variant})
