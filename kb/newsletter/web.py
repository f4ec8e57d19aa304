"""Newsletter kit on the web: card endpoints, oEmbed, and the share block of record pages (images: kb.newsletter.images)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, jsonify, request

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content.urls import CARD_VARIANTS, PAGES, PREVIEW, parse_record_path, record_path
from kb.http.context import current
from kb.http.records import find
from kb.newsletter.cards import CARD_WIDTH, VARIANTS, card, card_document, citation, render_card
from kb.store import queries

CARD_KINDS = kinds.where(card=True)

bp = Blueprint("newsletter", __name__)


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
