"""Cards for newsletters: what a proposal or action card shows, rendered as email-safe HTML, text or Markdown.

No Flask here: ``kb digest`` renders the same cards from the command line; kb.newsletter.web serves them. Every
rendering is in French typography (kb.content.typography), as the pages are; the card's data keeps the stored text.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content.kinds import ACTION, AXIS, DOCUMENT, PROPOSAL
from kb.content.labels import DOCUMENT_KIND, FLAGSHIP, OF_DOCUMENT_KIND, STATUS, date_fr, of_publisher
from kb.content.markup import safe_url
from kb.content.typography import french, french_html, quotable, quoted
from kb.content.urls import with_campaign
from kb.pages import Context
from kb.store import linked, queries

CARD_WIDTH = 600
VARIANTS = {"carte": ("carte.html", "text/html"), "carte.txt": ("carte.txt", "text/plain"), "carte.md": ("carte.md", "text/markdown")}


@functools.cache
def _env() -> Environment:
    # Cards render outside Flask too (kb digest): a plain Jinja environment over the same templates.
    loader = PackageLoader("kb.newsletter", "templates")
    env = Environment(loader=loader, autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    env.filters["md"] = md_escape
    env.globals["quotable"] = quotable
    return env


def render(template: str, **context: Any) -> str:
    """Render one of the card, comparison or digest templates, typeset (an HTML template's text only, never its tags)."""
    out = _env().get_template(template).render(**context)
    return french_html(out) if template.endswith(".html") else french(out)


def page(title: str, body: str) -> str:
    """A block of e-mail HTML as a complete French document (doctype, ``lang``, ``<title>``), for its address opened in a
    browser; what is copied into a newsletter is the block alone (the ``<body>``'s content)."""
    return render("page.html", title=title, body=Markup(body))


def md_escape(text: Any) -> str:
    """Backslash-escape Markdown syntax so that a title is shown as written (HTML in it stays inert). « ! » is left: « [ »
    is escaped, so no image can start, and « ! » keeps the narrow space typography puts before it."""
    out = str(text or "")
    for ch in "\\`*_[]()<>#|~&":
        out = out.replace(ch, "\\" + ch)
    return out


def card(ctx: Context, kind: str, record_id: str, campaign: str | None = None) -> dict[str, Any] | None:
    """What a card shows for a proposal or action (None if absent): labels, summary, absolute link."""
    if kind == PROPOSAL:
        view = linked.proposal_view(ctx.db, record_id)
        if view is None:
            return None
        rec, axes, place = view.proposal, [view.axis] if view.axis else [], None
        doc = view.document
        who = ctx.who().of(doc) if doc else ""
        source = f"{who or doc.publisher} — {DOCUMENT_KIND.get(doc.kind, '').lower()} {quoted(doc.title)}" if doc else ""
    elif kind == ACTION:
        aview = linked.action_view(ctx.db, record_id)
        if aview is None:
            return None
        rec, place, doc = aview.action, aview.region, None
        who = ctx.who().of(rec)
        axis_ids = list(dict.fromkeys(p.axis for p in aview.proposals))
        axes = queries.by_ids(ctx.db, AXIS, axis_ids)
        source = " — ".join(filter(None, ["Action régionale", place.name if place else "", who]))
        cited = next((s["document"] for s in rec.sources if s.get("document")), None)
        source_doc = queries.get(ctx.db, DOCUMENT, cited) if cited else None
    else:
        return None
    url = ctx.url(kind, rec.id)
    label = kinds.kind(kind).label
    return {
        "attribution": attribution(label, doc, who) if kind == PROPOSAL else action_attribution(place, source_doc, who),
        "who": who,
        "kind": kind,
        "id": rec.id,
        "type": label,
        "title": rec.title,
        "summary": rec.summary,
        "flagship": FLAGSHIP if getattr(rec, "flagship", False) else "",
        "axes": [a.title for a in axes],
        "region": place.name if place else None,
        "document": doc,
        "source": source,
        "status": STATUS.get(rec.status, rec.status),
        "updated": rec.updated,
        "published": rec.published,
        "url": url,
        "link": safe_url(with_campaign(url, campaign)) or "",
        "cta": kinds.kind(kind).cta,
        "draft": bool(rec.draft),
    }


def render_card(data: dict[str, Any], variant: str = "carte", width: int = CARD_WIDTH) -> str:
    """One card as email-safe HTML (``carte``), plain text (``carte.txt``) or Markdown (``carte.md``)."""
    return render(VARIANTS[variant][0], c=data, width=max(1, min(width, CARD_WIDTH)))


def card_document(data: dict[str, Any]) -> str:
    """The HTML card as the document its address opens (``…/carte``)."""
    return page(f"{data.get('title') or SITE_NAME} — carte pour la newsletter", render_card(data))


def citation(data: dict[str, Any]) -> str:
    """A French citation, typeset: « Proposition « … » — CPME, livre blanc « … », novembre 2025, <url> »."""
    doc = data["document"]
    title = quoted(data["title"])
    if doc is not None:
        kind = DOCUMENT_KIND.get(doc.kind, "").lower()
        when = date_fr(doc.published, "MMMM y")
        return french(f'{data["type"]} {title} — {data["who"] or doc.publisher}, {kind} {quoted(doc.title)}, {when}, {data["link"]}')
    where = "".join(f"{part}, " for part in (data["who"], data["region"]) if part)
    return french(f'{data["type"]} {title} — {where}{date_fr(data["published"], "MMMM y")}, {data["link"]}')


def attribution(kind_label: str, doc: Any, who: str = "") -> str:
    """« Proposition du livre blanc de la CPME « … », novembre 2025 »: where a proposal comes from, in words (``who``:
    its organisations as a line names them, else the document's publisher)."""
    if doc is None:
        return kind_label
    of_kind = OF_DOCUMENT_KIND.get(doc.kind, "du document")
    when = date_fr(doc.published, "MMMM y")
    # The article (la CPME, le Medef, l'Assemblée) is not in the data: the document's own wording says it.
    of_who = of_publisher(who or doc.publisher, doc.title, doc.summary, doc.body)
    if of_who:
        return f"{kind_label} {of_kind} {of_who} {quoted(doc.title)}, {when}"
    return f"{kind_label} {of_kind} {quoted(doc.title)} ({who or doc.publisher}), {when}"


def action_attribution(region: Any, doc: Any, who: str = "") -> str:
    """« Action régionale — Normandie, CPME Normandie, d’après l’article « … » (lagazettefrance.fr), novembre 2025 »."""
    where = " — ".join(filter(None, ["Action régionale", ", ".join(filter(None, [region.name if region else "", who]))]))
    if doc is None:
        return where
    of_kind = OF_DOCUMENT_KIND.get(doc.kind, "du document").replace("du ", "le ", 1).replace("de l’", "l’", 1)
    return f"{where}, d’après {of_kind} {quoted(doc.title)} ({doc.publisher}), {date_fr(doc.published, 'MMMM y')}"
