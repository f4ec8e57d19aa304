"""« Ma sélection » on the web: its page, its e-mail block (HTML, text, Markdown) and the « Ajouter » links of other pages.

Everything is an address: the page (``/selection?ids=a,b,c``) and its controls (move up, move down, remove: plain
links; add, campaign: GET forms), so it works without JavaScript and whoever opens the address sees the same
selection. The page and the block render one value (kb.newsletter.selection.read). A script (static/selection.js)
only remembers the last selection opened here, so that « Ajouter à ma sélection » elsewhere adds to it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request

from kb import search
from kb.content.urls import PAGES
from kb.http.context import built
from kb.newsletter.cards import page
from kb.newsletter.selection import MAX_RECORDS, SELECTABLE, VARIANTS, Selection, address, moved, read, render_block
from kb.pages import Context
from kb.pages.search import rows_of
from kb.store.tables import kind_of

bp = Blueprint("selection", __name__)

# How many records the page's own search offers to add (its way in without JavaScript).
OFFERED = 10
EMPTY = "La sélection est vide : ajoutez-y des propositions ou des actions régionales depuis la page « Ma sélection »."
# Endpoint's variant → its path.
PATHS = {"carte": PAGES["selection_card"], "carte.txt": PAGES["selection_card_txt"], "carte.md": PAGES["selection_card_md"]}


def _asked(add: str | None = None) -> Selection:
    """The selection of this request's address (``ids``, ``utm_campaign``; ``add``: one more record)."""
    return read(built(), request.args.getlist("ids"), request.args.get("utm_campaign"), add)


def offered(ctx: Context, q: str, sel: Selection) -> list[dict[str, Any]]:
    """The records a search of the page finds, each with the address of the selection with it added."""
    if ctx.index is None:
        return []
    res = search.search(ctx.index, q, filters={"type": list(SELECTABLE)}, per_page=OFFERED, show_drafts=ctx.drafts)
    return [{"record": row, "kind": kind_of(row), "chosen": row.id in sel.ids, "add": address((*sel.ids, row.id), sel.campaign)}
            for _hit, row in rows_of(ctx, res.hits)]


@bp.get(PAGES["selection"])
def selection_page() -> Any:
    """The selection: its records in order with their controls, a search to add more, and its block to copy."""
    add = request.args.get("ajouter", "").strip()[:300] or None
    sel = _asked(add)
    if add and not sel.problems:
        # Added: the address that names the selection with it, the one to keep and share.
        return redirect(address(sel.ids, sel.campaign), 302)
    camp, last = sel.campaign, len(sel.ids) - 1
    items = [{"card": c, "up": address(moved(sel.ids, i, -1), camp) if i else None,
              "down": address(moved(sel.ids, i, 1), camp) if i < last else None, "remove": address(moved(sel.ids, i, 0), camp)}
             for i, c in enumerate(sel.cards)]
    q = " ".join(request.args.get("q", "").split())[:200]
    here = address(sel.ids, camp)
    count = f"{len(sel.ids)} fiche{'s' if len(sel.ids) > 1 else ''}"
    about = f"{count} réunies" if sel.ids else "Réunir des fiches"
    meta = {"title": "Ma sélection", "canonical": address(sel.ids), "type": "website",
            "description": f"{about} pour une lettre d’information."}
    return render_template(
        "selection.html", meta=meta, sel=sel, items=items, q=q, offered=offered(built(), q, sel) if q else [], here=here,
        full=len(sel.ids) >= MAX_RECORDS, max_records=MAX_RECORDS, count=count,
        variants={v: address(sel.ids, camp, path) for v, path in PATHS.items()},
    )


def selection_block(variant: str) -> Response:
    """The selection's cards in one e-mail block: HTML (its address opens a complete document), text or Markdown."""
    sel = _asked()
    if sel.problems:
        abort(400, description=" ".join(sel.problems))
    if not sel.cards:
        abort(400, description=EMPTY)
    body = render_block(sel, variant)
    if variant == "carte":
        body = page(f"Ma sélection — {len(sel.cards)} fiche{'s' if len(sel.cards) > 1 else ''} pour la newsletter", body)
    resp = Response(body, mimetype=VARIANTS[variant][1])
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def add_link(record: Any) -> dict[str, str] | None:
    """« Ajouter à ma sélection » for a record of a list, or a card's data on a record page (None for a kind without a card)."""
    kind, rid = (record["kind"], record["id"]) if isinstance(record, dict) else (kind_of(record), record.id)
    if kind not in SELECTABLE:
        return None
    g.kb_select_links = True  # the page then loads static/selection.js (base.html), and only then
    return {"id": rid, "href": PAGES["selection"] + "?ajouter=" + rid}


def any_add_links(items: list[tuple[Any, Any, Any]]) -> str:
    """Tell the page it has « Ajouter à ma sélection » links when a list (hit, record, snippet) has a record with a card;
    prints nothing (a results list keeps its links with each record's fragment, kb.web.fragments)."""
    if any(kind_of(record) in SELECTABLE for _hit, record, _snippet in items):
        g.kb_select_links = True
    return ""


def has_add_links() -> bool:
    """True once this page has drawn an « Ajouter à ma sélection » link (asked at its end: base.html's scripts)."""
    return bool(g.get("kb_select_links"))


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"kb_select": add_link, "kb_select_any": any_add_links, "kb_select_script": has_add_links}


for _variant, _path in PATHS.items():
    bp.add_url_rule(_path, f"block_{_variant.replace('.', '_')}", selection_block, defaults={"variant": _variant})
