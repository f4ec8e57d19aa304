"""The searchable list of records shared by /recherche and the browse pages (document, axis, sector, region)."""

from __future__ import annotations

from typing import Any

from flask import abort, request

from kb import search
from kb.content.filters import BY_KIND
from kb.content.kinds import AXIS, DOCUMENT, REGION
from kb.content.urls import FEED, record_path
from kb.http.context import built
from kb.pages import kept, query
from kb.pages.search import LISTED, rows_of
from kb.web import display, facets

# How many documents, axes, regions or sectors the compact block above the results shows.
ASIDE = 5
# The latest records a page that found nothing offers.
LATEST = 3


def listing(path: str, names: dict[str, dict[str, str]], fixed: tuple[str, str] | None = None) -> dict[str, Any]:
    """Search results with facets for /recherche and the browse pages (which fix one filter).

    Without a type filter, /recherche lists proposals and actions and shows the documents, axes, regions and sectors
    that match in a block above them (all counted in the type facet); a browse page lists only proposals and actions.
    """
    ctx = built()
    allowed = kept.choices(ctx.db, ctx.build_id)
    try:
        s = query.parse(request.args.to_dict(flat=False), allowed, fixed=fixed[0] if fixed else None)
    except query.BadParam as exc:
        abort(400, description=str(exc))
    if ctx.index is None:
        abort(404)
    filters, listed = s.search_filters(fixed), None
    if not s.values("type"):
        if fixed:
            filters["type"] = list(LISTED)
        else:
            listed = LISTED
    results = search.search(ctx.index, s.q, filters=filters, sort=s.sort(), page=s.page, per_page=query.PER_PAGE,
                            show_drafts=ctx.drafts, listed=listed, aside=ASIDE if listed else 0)
    last = max(1, -(-results.total // query.PER_PAGE))
    if s.page > min(last, query.MAX_PAGE):
        abort(404, description="Cette page de résultats n'existe pas.")
    found = results.total > 0 or bool(results.aside)
    shown = _shown(results.hits)
    return {
        "state": s, "results": results, "path": path, "names": names, "last": last,
        # The records holding every word, then those holding some of them (under a line that says so).
        "items": [item for item in shown if not item[0].partial], "partial_items": [item for item in shown if item[0].partial],
        "pages": _shown(results.aside),
        # Whether some record holds every word (the line above the partial ones says « these hold some », not « none »).
        "whole": any(not h.partial for h in results.hits + results.aside),
        # The heading's count is the type facet's sum: every kind found, the records listed and the pages shown above.
        "found": sum(results.facets.get("type", {}).values()) if listed else results.total,
        "listed_label": " et ".join(f"{k.noun}s" for k in LISTED) if listed else "",
        "groups": facets.groups(s, results.facets, allowed, path, skip=fixed[0] if fixed else None),
        "active": facets.active(s, allowed, path),
        "suggestion": query.SearchState(results.suggestion, s.filters, s.tri).url(path) if results.suggestion else None,
        # A page that finds nothing, and has no spelling to offer, offers other ways in (not on a browse page).
        "empty": None if found or results.suggestion or fixed else _ways_in(names),
        # A browse page with nothing to list and nothing asked says why in its own words, without a search form.
        "asked": bool(s.q or s.filters or s.page > 1),
        # Filtered on a region, a proposal of national scope says so (it concerns every region).
        "national_label": bool(s.values(BY_KIND[REGION].param)) or bool(fixed and fixed[0] == BY_KIND[REGION].param),
    }


def _shown(hits: list[search.Hit]) -> list[tuple[search.Hit, Any, Any]]:
    """(hit, table row, safe snippet) for the hits whose record the database holds (each kind read once)."""
    return [(h, row, display.safe_highlight(h.highlight)) for h, row in rows_of(built(), hits)]


def _ways_in(names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What a page that found nothing offers instead: the axes, documents and regions that have records, the latest."""
    ctx = built()
    every = search.search(ctx.index, "", filters={"type": list(LISTED)}, per_page=LATEST, show_drafts=ctx.drafts)
    browse = []
    for kind in (AXIS, DOCUMENT, REGION):
        links = [(record_path(kind, i), names[kind].get(i, i)) for i in every.facets.get(BY_KIND[kind].name, {})]
        browse.append((f"Parcourir par {kind.noun}", sorted(links, key=lambda link: query.collation_key(link[1]))))
    return {"browse": browse, "latest": [row for _hit, row, _snippet in _shown(every.hits)]}


def browse(kind: str, record_id: str) -> dict[str, Any]:
    """The listing of a browse page: the records with its filter fixed to this record."""
    return listing(record_path(kind, record_id), built().names(), (BY_KIND[kind].param, record_id))


def browse_meta(kind: str, record_id: str, title: str, description: str) -> dict[str, Any]:
    """The <head> of a browse page: its permanent address and its Atom feed."""
    path = record_path(kind, record_id)
    return {"title": title, "description": description, "canonical": path, "feed": f"{path}/{FEED}", "type": "website"}
