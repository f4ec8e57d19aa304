"""The link-preview image of every page people share: each record kind's pages, « Qui propose quoi » and the home page.

Each image says what its page says, from the page's own data (the card of a proposal or an action, kb.store.linked's
view of a document, an axis, an organisation, a region or a filière, kb.pages.compare's grid, the home page's counts),
and ends with the site's address, never an internal id. Drawn once per build and content (kb.newsletter.preview),
answered with a content ETag; kb.http.caching answers the conditional requests.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, request

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content import labels as fr
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.content.typography import quoted
from kb.content.urls import PAGES, PREVIEW
from kb.http.context import built, current
from kb.http.records import find
from kb.newsletter.cards import attribution, card
from kb.newsletter.preview import Grid, Preview, render
from kb.pages import Context, compare
from kb.pages.compare import EMPTY, Choice
from kb.store import linked, queries

bp = Blueprint("images", __name__)

IMAGE_MAX_AGE = 86400
TAGLINE = "Livres blancs, propositions et actions régionales"
HOME_TEXT = "Les propositions des livres blancs patronaux et les actions régionales qui les portent."


def footer(ctx: Context) -> str:
    """« Base des livres blancs · kb.example.org »: the site and its address, where the image is pasted."""
    host = urlsplit(ctx.urls.base).netloc
    return f"{SITE_NAME} · {host}" if host else SITE_NAME


def counted(*parts: tuple[int, str, str | None]) -> str:
    """« 3 propositions · 1 action régionale »: the counts that are not zero, in French."""
    return " · ".join(fr.plural(n, singular, plural) for n, singular, plural in parts if n)


def _names(labels: list[str]) -> str:
    return ", ".join(dict.fromkeys(label for label in labels if label))


def record_preview(ctx: Context, record_id: str, kind: str) -> Preview | None:
    """A proposal's or an action's image: where it comes from, its axis, « Mesure phare », its title and summary."""
    data = card(ctx, kind, record_id)
    if data is None:
        return None
    kicker = f"{data['type']} · {data['source']}" if kind == PROPOSAL else data["source"]
    return Preview(kicker, data["title"], " · ".join(data["axes"]), data["flagship"], data["summary"], "", footer(ctx),
                   draft=data["draft"])


def document_preview(ctx: Context, record_id: str) -> Preview | None:
    """A document's image: its kind, who and when, its title and summary, the proposals the base holds and its axes."""
    view = linked.document_view(ctx.db, record_id)
    if view is None:
        return None
    doc = view.document
    who = ctx.who().of(doc) or doc.publisher
    held = f"{fr.plural(view.held, 'proposition')} dans la base" + (f" sur les {view.announced} annoncées" if view.announced else "")
    facts = " · ".join(filter(None, [held, counted((len(view.axes), "axe", None))]))
    kicker = " · ".join(filter(None, [fr.DOCUMENT_KIND.get(doc.kind, ""), who, fr.date_fr(doc.published)]))
    return Preview(kicker, doc.title, summary=doc.summary, facts=facts, footer=footer(ctx), draft=bool(getattr(doc, "draft", False)))


def axis_preview(ctx: Context, record_id: str) -> Preview | None:
    """An axis's image: its document, its title, how many proposals join it and from which organisations."""
    view = linked.axis_view(ctx.db, record_id)
    if view is None:
        return None
    who = ctx.who()
    records = view.proposals + view.echoing
    # Each organisation once, as a line names it: a co-published document's organisations each count.
    speaking = who.short([org for p in records for org in who.documents.get(p.document, [])])
    facts = f"{fr.plural(len(records), 'proposition')} : {speaking}" if records else EMPTY.capitalize()
    kicker = attribution(AXIS.label, view.document, who.of(view.document)) if view.document else AXIS.label
    return Preview(kicker, view.axis.title, summary=view.axis.description, facts=facts, footer=footer(ctx))


def organisation_preview(ctx: Context, record_id: str) -> Preview | None:
    """An organisation's image: its kind and parent, its name, summary, and what the base files under it."""
    view = linked.organisation_view(ctx.db, record_id)
    if view is None:
        return None
    org = view.organisation
    parent = f"membre de {view.parent.short_name or view.parent.name}" if view.parent else ""
    kicker = " · ".join(filter(None, [fr.ORGANISATION_KIND.get(org.kind, ORGANISATION.label), parent]))
    title = f"{org.name} ({org.short_name})" if org.short_name and org.short_name != org.name else org.name
    facts = counted((len(view.documents), "document", None), (len(view.proposals), "proposition", None),
                    (len(view.actions), "action régionale", "actions régionales"))
    return Preview(kicker, title, summary=org.summary, facts=facts or "Aucune fiche dans la base", footer=footer(ctx))


def region_preview(ctx: Context, record_id: str) -> Preview | None:
    """A region's image: its name and summary, its actions and proposals, and the organisations present."""
    view = linked.region_view(ctx.db, record_id)
    if view is None:
        return None
    facts = " · ".join(filter(None, [
        counted((len(view.actions), "action régionale", "actions régionales"), (len(view.proposals), "proposition", None)),
        _names([o.short_name or o.name for o in view.organisations]),
    ]))
    return Preview(REGION.label, view.region.name, summary=view.region.summary or "", facts=facts or "Aucune action régionale dans la base",
                   footer=footer(ctx))


def sector_preview(ctx: Context, record_id: str) -> Preview | None:
    """A filière's image: its name, the records that name it and the regions a source cites it for."""
    view = linked.sector_view(ctx.db, record_id)
    if view is None:
        return None
    records = counted((len(view.proposals), "proposition", None), (len(view.actions), "action régionale", "actions régionales"))
    regions = f"{'Région' if len(view.regions) == 1 else 'Régions'} : {_names([r.name for r in view.regions])}" if view.regions else ""
    facts = " · ".join(filter(None, [records or "Aucune fiche ne la nomme encore", regions]))
    return Preview(SECTOR.label, view.sector.name, facts=facts, footer=footer(ctx))


def plain_preview(ctx: Context, record_id: str, kind: str) -> Preview | None:
    """The image of a kind's page that has no drawing of its own yet (an added kind): its label, name and summary."""
    record = queries.get(ctx.db, kind, record_id)
    if record is None:
        return None
    k = kinds.kind(kind)
    return Preview(k.label, getattr(record, k.name_field), summary=getattr(record, "summary", "") or "", footer=footer(ctx),
                   draft=bool(getattr(record, "draft", False)))


# Every shipped kind of record has a page, and so an image of its own (tests/newsletter/test_images.py checks the
# registry against it); a kind added later shows its name until it gets one (plain_preview).
PREVIEWS: dict[str, Callable[[Context, str], Preview | None]] = {
    PROPOSAL: functools.partial(record_preview, kind=PROPOSAL),
    ACTION: functools.partial(record_preview, kind=ACTION),
    DOCUMENT: document_preview,
    AXIS: axis_preview,
    ORGANISATION: organisation_preview,
    REGION: region_preview,
    SECTOR: sector_preview,
}


def home_preview(ctx: Context) -> Preview:
    """The home page's image (and that of the pages without their own): what the base holds, and its featured document."""
    view = ctx.home() if ctx.build_id else None
    if view is None:
        return Preview(TAGLINE, SITE_NAME, summary=HOME_TEXT, footer=footer(ctx))
    facts = counted((view.counts[PROPOSAL], "proposition", None), (view.counts[ACTION], "action régionale", "actions régionales"),
                    (view.counts[DOCUMENT], "document", None))
    featured = view.featured
    summary = f"À la une : {quoted(featured.title)} ({ctx.who().of(featured) or featured.publisher})" if featured else HOME_TEXT
    return Preview(TAGLINE, SITE_NAME, summary=summary, facts=facts, footer=footer(ctx))


def compare_preview(ctx: Context, choice: Choice) -> Preview:
    """« Qui propose quoi »'s image: its pivot document and a small grid, axes × documents, a dot where one proposes."""
    c = compare.read(ctx, choice).comparison
    who = ctx.who()
    if c.pivot is None or not c.axes:
        return Preview("Qui propose quoi", "Les axes d’un document face aux autres documents", footer=footer(ctx))
    grid = Grid(tuple(a.title for a in c.axes), tuple(who.of(d) or fr.short_title(d.title) for d in c.documents),
                frozenset((i, j) for i, a in enumerate(c.axes) for j, d in enumerate(c.documents) if c.cell(a.id, d.id)))
    proposals = len({e.proposal.id for entries in c.cells.values() for e in entries})
    facts = f"{fr.plural(len(c.axes), 'axe')} × {fr.plural(len(c.documents), 'document')} · {fr.plural(proposals, 'proposition')}"
    pivot = c.pivot
    kicker = " · ".join(filter(None, ["Qui propose quoi", fr.DOCUMENT_KIND.get(pivot.kind, ""), who.of(pivot),
                                      fr.date_fr(pivot.published)]))
    return Preview(kicker, c.pivot.title, facts=facts, footer=footer(ctx), grid=grid)


# ---- endpoints -------------------------------------------------------------------------------------


def record_image(kind: str, record_id: str) -> Response:
    """The 1200×630 link-preview image of a record's page."""
    find(kind, record_id, f"/{PREVIEW}")
    ctx = current()
    draw = PREVIEWS.get(kind) or functools.partial(plain_preview, kind=kind)
    preview = draw(ctx, record_id)
    if preview is None:
        abort(404)
    return png(ctx, preview)


@bp.get(PAGES["site_preview"])
def home_image() -> Response:
    """The home page's image, which the pages without one of their own share."""
    ctx = current()
    return png(ctx, home_preview(ctx))


@bp.get(PAGES["compare_preview"])
def compare_image() -> Response:
    """The image of a « Qui propose quoi » view (same parameters as /comparer)."""
    ctx = built()
    try:
        preview = compare_preview(ctx, Choice.asked(request.args))
    except compare.Unknown as exc:
        abort(400, description=exc.message())
    return png(ctx, preview)


@functools.lru_cache(maxsize=256)
def drawn(_build_id: str, preview: Preview) -> bytes:
    """The PNG of a preview, kept per build and content: a rebuild that changes nothing serves the same bytes."""
    return render(preview)


def png(ctx: Context, preview: Preview) -> Response:
    """An image answer: cached a day by browsers and caches (a preview server's: private, kb.http.caching), content ETag."""
    data = drawn(ctx.build_id or "", preview)
    resp = Response(data, mimetype="image/png")
    resp.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    resp.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return resp


for _kind in kinds.every():
    bp.add_url_rule(f"{_kind.prefix}<record_id>/{PREVIEW}", "record_image", record_image, defaults={"kind": _kind})
