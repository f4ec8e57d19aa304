"""Newsletter kit on the web: card endpoints, preview images, oEmbed, and the share block of record pages."""

from __future__ import annotations

import functools
import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, jsonify, request

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content.kinds import PROPOSAL
from kb.content.urls import CARD_VARIANTS, PAGES, PREVIEW, parse_record_path, record_path
from kb.http.context import current
from kb.http.records import find
from kb.newsletter.cards import CARD_WIDTH, VARIANTS, card, card_document, citation, render_card
from kb.newsletter.preview import render_preview
from kb.store import queries

CARD_KINDS = kinds.where(card=True)

bp = Blueprint("newsletter", __name__)

IMAGE_MAX_AGE = 86400


# ---- cards and previews ----------------------------------------------------------------------------


def _request_card(kind: str, record_id: str) -> dict[str, Any] | None:
    """The card of a record as this request sees it: absolute links, its campaign tags, draft mode."""
    return card(current(), kind, record_id, campaign=request.args.get("utm_campaign"))


def _routes(suffix: str) -> list[tuple[str, str]]:
    """(rule, kind) of a sub-page of every card kind's records."""
    return [(f"{kind.prefix}<record_id>/{suffix}", kind) for kind in CARD_KINDS]


def card_page(kind: str, record_id: str, variant: str) -> Any:
    """A card variant; ``?utm_campaign=`` adds campaign tags to its link."""
    find(kind, record_id, f"/{variant}")
    data = _request_card(kind, record_id) or {}
    # The HTML card's address opens a complete French document; oEmbed and « Copier » give the card alone.
    body = card_document(data) if variant == CARD_VARIANTS[0] else render_card(data, variant)
    resp = Response(body, mimetype=VARIANTS[variant][1])
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def preview_image(kind: str, record_id: str) -> Any:
    """The 1200×630 link-preview image of a proposal or action."""
    find(kind, record_id, f"/{PREVIEW}")
    ctx = current()
    data = card(ctx, kind, record_id)
    if data is None:
        abort(404)
    kicker = f"{data['type']} · {data['source']}" if kind == PROPOSAL else data["source"]
    axis = " · ".join(data["axes"])
    footer = f"{SITE_NAME} · réf. {data['id']}"
    return _png(_preview_png(ctx.build_id or "", kicker, axis, data["title"], footer, data["draft"]))


@bp.get(PAGES["site_preview"])
def site_preview() -> Any:
    """The preview image of pages that are not a proposal or an action."""
    return _png(
        _preview_png("site", "CPME · livres blancs et actions régionales", "", SITE_NAME, "Propositions, axes et actions régionales")
    )


@functools.lru_cache(maxsize=256)
def _preview_png(_build_id: str, kicker: str, axis: str, title: str, footer: str, draft: bool = False) -> bytes:
    # Keyed on the build and the drawn text: a rebuild that changes nothing serves the same bytes.
    return render_preview(kicker, axis, title, footer, draft)


def _png(data: bytes) -> Any:
    resp = Response(data, mimetype="image/png")
    resp.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"  # a preview server's: private (kb.http.caching)
    resp.set_etag(hashlib.sha256(data).hexdigest()[:32])  # its content's: the conditional answer is kb.http.caching's
    return resp


# ---- oEmbed ----------------------------------------------------------------------------------------


@bp.get(PAGES["oembed"])
def oembed() -> Any:
    """oEmbed (type rich, html = the card) for a proposal or action URL of this site; never fetches the URL."""
    if request.args.get("format", "json") != "json":
        abort(501)
    target = urlsplit(request.args.get("url", ""))
    # Ours: the site's address (KB_SITE_URL, else this request's host); never the Host once KB_SITE_URL is set, so the
    # answer does not depend on it.
    ctx = current()
    ours = urlsplit(ctx.urls.base).netloc.lower()
    parsed = parse_record_path(target.path) if target.scheme in ("http", "https") and target.netloc.lower() == ours else None
    if parsed is None or parsed[0] not in CARD_KINDS or parsed[2]:
        abort(404)
    kind, record_id, _ = parsed
    alias = queries.resolve_alias(ctx.db, record_id)
    if alias and alias[0] == kind and queries.get(ctx.db, kind, record_id) is None:
        record_id = alias[1]
    data = card(ctx, kind, record_id)
    if data is None:
        abort(404)
    width = min(_int_arg("maxwidth", CARD_WIDTH), CARD_WIDTH)
    height = min(_int_arg("maxheight", 320), 320)
    return jsonify(
        type="rich",
        version="1.0",
        title=data["title"],
        provider_name=SITE_NAME,
        provider_url=ctx.urls.page("home"),
        html=render_card(data, "carte", width),
        width=width,
        height=height,
        thumbnail_url=ctx.urls.record(kind, data["id"], f"/{PREVIEW}"),
        thumbnail_width=1200,
        thumbnail_height=630,
    )


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except ValueError:
        return default


# ---- page hooks: tombstones, <head> metadata, share block ------------------------------------------


# ---- the share block of proposal and action pages -------------------------------------------------


def share_block(path: str) -> dict[str, Any] | None:
    """What the « Copier pour la newsletter » / « Citer » block needs on a proposal or action page."""
    parsed = parse_record_path(path)
    if parsed is None or parsed[0] not in CARD_KINDS or parsed[2]:
        return None
    kind, record_id, _ = parsed
    data = _request_card(kind, record_id)
    if data is None:
        return None
    base = record_path(kind, data["id"])
    return {
        "card": data,
        "citation": citation(data),
        "variants": {v: base + "/" + v for v in VARIANTS},
        "campaign": request.args.get("utm_campaign", ""),
    }


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_share": share_block}


for _rule, _kind in _routes(f"<any({', '.join(repr(v) for v in CARD_VARIANTS)}):variant>"):
    bp.add_url_rule(_rule, "card_page", card_page, defaults={"kind": _kind})
for _rule, _kind in _routes(PREVIEW):
    bp.add_url_rule(_rule, "preview_image", preview_image, defaults={"kind": _kind})
