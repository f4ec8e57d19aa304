"""Newsletter kit on the web: card endpoints, preview images, oEmbed, <head> metadata, share block, tombstones."""

from __future__ import annotations

import functools
import hashlib
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, request

from kb import queries
from kb.cards import CARD_WIDTH, CTA, SITE_NAME, VARIANTS, card, citation, render_card, without_campaign
from kb.links import parse_record_path, tombstone_response
from kb.preview import render_preview
from kb.serving import state
from kb.urls import PREFIXES, record_path

bp = Blueprint("newsletter", __name__)

IMAGE_MAX_AGE = 86400


# ---- URLs ------------------------------------------------------------------------------------------


def base_url() -> str:
    """The site's absolute root: SITE_URL when configured, else the request's own."""
    return (current_app.config.get("SITE_URL") or request.url_root).rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for a site path (an absolute URL is returned unchanged)."""
    return path if urlsplit(path).scheme else base_url() + path


# ---- cards and previews ----------------------------------------------------------------------------


def _lookup(kind: str, record_id: str) -> tuple[str, Any]:
    """(current id, response) for a card-like URL: an alias or a tombstone answers with a redirect or 410."""
    st = state()
    drafts = current_app.config["SHOW_DRAFTS"]
    if queries.get(kind, record_id, session=st.session, drafts=drafts) is not None:
        return record_id, None
    alias = queries.resolve_alias(record_id, session=st.session)
    if alias and alias[0] == kind:
        suffix = request.path[len(record_path(kind, record_id)) :]
        qs = request.query_string.decode("utf-8", "replace")  # campaign tags survive the redirect
        return record_id, Response(status=301, headers={"Location": record_path(kind, alias[1]) + suffix + (f"?{qs}" if qs else "")})
    abort(404)


def _request_card(kind: str, record_id: str) -> dict[str, Any] | None:
    """The card of a record as this request sees it: absolute links, its campaign tags, draft mode."""
    return card(kind, record_id, session=state().session, base=base_url(), campaign=request.args.get("utm_campaign"),
                drafts=current_app.config["SHOW_DRAFTS"])


@bp.get("/propositions/<record_id>/<any(carte, 'carte.txt', 'carte.md'):variant>", defaults={"kind": "proposal"})
@bp.get("/actions/<record_id>/<any(carte, 'carte.txt', 'carte.md'):variant>", defaults={"kind": "action"})
def card_page(kind: str, record_id: str, variant: str) -> Any:
    """A card variant; ``?utm_campaign=`` adds campaign tags to its link."""
    record_id, moved = _lookup(kind, record_id)
    if moved is not None:
        return moved
    body = render_card(_request_card(kind, record_id) or {}, variant)
    resp = Response(body, mimetype=VARIANTS[variant][1])
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/propositions/<record_id>/apercu.png", defaults={"kind": "proposal"})
@bp.get("/actions/<record_id>/apercu.png", defaults={"kind": "action"})
def preview_image(kind: str, record_id: str) -> Any:
    """The 1200×630 link-preview image of a proposal or action."""
    record_id, moved = _lookup(kind, record_id)
    if moved is not None:
        return moved
    st = state()
    data = card(kind, record_id, session=st.session, base="", drafts=current_app.config["SHOW_DRAFTS"])
    if data is None:
        abort(404)
    kicker = f"{data['type']} · {data['source']}" if kind == "proposal" else data["source"]
    axis = " · ".join(data["axes"])
    return _png(_preview_png(st.build_id or "", kicker, axis, data["title"], f"{SITE_NAME} · réf. {data['id']}"))


@bp.get("/apercu.png")
def site_preview() -> Any:
    """The preview image of pages that are not a proposal or an action."""
    return _png(
        _preview_png("site", "CPME · livres blancs et actions régionales", "", SITE_NAME, "Propositions, axes et actions régionales")
    )


@functools.lru_cache(maxsize=256)
def _preview_png(_build_id: str, kicker: str, axis: str, title: str, footer: str) -> bytes:
    # Keyed on the build and the drawn text: a rebuild that changes nothing serves the same bytes.
    return render_preview(kicker, axis, title, footer)


def _png(data: bytes) -> Any:
    resp = Response(data, mimetype="image/png")
    resp.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    resp.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return resp.make_conditional(request)


# ---- oEmbed ----------------------------------------------------------------------------------------


@bp.get("/oembed")
def oembed() -> Any:
    """oEmbed (type rich, html = the card) for a proposal or action URL of this site; never fetches the URL."""
    if request.args.get("format", "json") != "json":
        abort(501)
    target = urlsplit(request.args.get("url", ""))
    ours = {urlsplit(base_url()).netloc.lower(), request.host.lower()}
    parsed = parse_record_path(target.path) if target.scheme in ("http", "https") and target.netloc.lower() in ours else None
    if parsed is None or parsed[0] not in CTA or parsed[2]:
        abort(404)
    kind, record_id, _ = parsed
    st = state()
    alias = queries.resolve_alias(record_id, session=st.session)
    if alias and alias[0] == kind and queries.get(kind, record_id, session=st.session) is None:
        record_id = alias[1]
    data = card(kind, record_id, session=st.session, base=base_url(), drafts=current_app.config["SHOW_DRAFTS"])
    if data is None:
        abort(404)
    width = min(_int_arg("maxwidth", CARD_WIDTH), CARD_WIDTH)
    height = min(_int_arg("maxheight", 320), 320)
    return jsonify(
        type="rich",
        version="1.0",
        title=data["title"],
        provider_name=SITE_NAME,
        provider_url=base_url() + "/",
        html=render_card(data, "carte", width),
        width=width,
        height=height,
        thumbnail_url=absolute(record_path(kind, data["id"]) + "/apercu.png"),
        thumbnail_width=1200,
        thumbnail_height=630,
    )


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except ValueError:
        return default


# ---- page hooks: tombstones, <head> metadata, share block ------------------------------------------


@bp.before_app_request
def _tombstones() -> Any:
    """A retired record's URLs answer 301 (replacement) or 410, before any view reports a 404."""
    parsed = parse_record_path(request.path)
    if parsed is None:
        return None
    kind, record_id, suffix = parsed
    query = request.query_string.decode("utf-8", "replace")
    return tombstone_response(kind, record_id, session=state().session, suffix=suffix, query=query)


def page_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """Absolute URLs for a page's <head>: canonical (no utm_*), image, oEmbed discovery and Atom feed."""
    meta = meta or {}
    canonical = without_campaign(absolute(meta.get("canonical") or _default_canonical()))
    path = urlsplit(canonical).path
    parsed = parse_record_path(path)
    kind = parsed[0] if parsed and not parsed[2] else None
    image = meta.get("image") or (path + "/apercu.png" if kind in CTA else "/apercu.png")
    feed = meta.get("feed") or _default_feed(path, kind)
    oembed_href = f"{base_url()}/oembed?{urlencode({'url': canonical, 'format': 'json'})}" if kind in CTA else None
    return {
        "canonical": canonical,
        "image": absolute(image),
        "type": meta.get("type") or ("article" if kind in CTA else "website"),
        "oembed": oembed_href,
        "feed": absolute(feed) if feed else None,
    }


def _default_canonical() -> str:
    # Only the search page keeps its query (q and filters) in its canonical URL.
    return request.full_path.rstrip("?") if request.path == "/recherche" else request.path


def _default_feed(path: str, kind: str | None) -> str | None:
    if path == "/":
        return "/flux.atom"
    if path == "/recherche":
        query = without_campaign(request.full_path).partition("?")[2]
        return "/recherche.atom" + (f"?{query}" if query else "")
    return path + "/flux.atom" if kind in ("document", "axis", "sector", "region") else None


def share_block(path: str) -> dict[str, Any] | None:
    """What the « Copier pour la newsletter » / « Citer » block needs on a proposal or action page."""
    parsed = parse_record_path(path)
    if parsed is None or parsed[0] not in CTA or parsed[2]:
        return None
    kind, record_id, _ = parsed
    data = _request_card(kind, record_id)
    if data is None:
        return None
    base = PREFIXES[kind] + data["id"]
    return {
        "card": data,
        "citation": citation(data),
        "variants": {v: base + "/" + v for v in VARIANTS},
        "campaign": request.args.get("utm_campaign", ""),
    }


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_page_meta": page_meta, "kb_share": share_block}
