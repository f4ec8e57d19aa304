"""The searchable list of records shared by /recherche and the browse pages (document, axis, sector, region)."""

from __future__ import annotations

from typing import Any

from flask import abort, request

from kb import search
from kb.content.fields import RESULT_KINDS
from kb.content.filters import BY_KIND
from kb.content.urls import FEED, record_path
from kb.store import queries
from kb.web import display, facets
from kb.web.records import built, drafts
from kb.web.state import state


def listing(path: str, names: dict[str, dict[str, str]], fixed: tuple[str, str] | None = None) -> dict[str, Any]:
    """Search results with facets for /recherche and the browse pages (which fix one filter)."""
    st = built()
    allowed = facets.choices(names)
    try:
        s = facets.parse(request.args.to_dict(flat=False), allowed, fixed=fixed[0] if fixed else None)
    except facets.BadParam as exc:
        abort(400, description=str(exc))
    if st.index is None:
        abort(404)
    results = search.search(st.index, s.q, filters=s.search_filters(fixed), sort=s.sort(), page=s.page,
                            per_page=facets.PER_PAGE, show_drafts=drafts())
    last = max(1, -(-results.total // facets.PER_PAGE))
    if s.page > min(last, facets.MAX_PAGE):
        abort(404, description="Cette page de résultats n'existe pas.")
    ids = [h.id for h in results.hits]
    records = {r.id: r for kind in RESULT_KINDS for r in queries.by_ids(kind, ids, session=st.session, drafts=drafts())}
    return {
        "state": s, "results": results, "path": path, "names": names, "last": last,
        "items": [(h, records[h.id], display.safe_highlight(h.highlight)) for h in results.hits if h.id in records],
        "groups": facets.groups(s, results.facets, allowed, path, skip=fixed[0] if fixed else None),
        "active": facets.active(s, allowed, path),
        "suggestion": facets.SearchState(results.suggestion, s.filters, s.tri).url(path) if results.suggestion else None,
        # A browse page with nothing to list and nothing asked says why in its own words, without a search form.
        "asked": bool(s.q or s.filters or s.page > 1),
    }


def browse(kind: str, record_id: str) -> dict[str, Any]:
    """The listing of a browse page: the records with its filter fixed to this record."""
    names = queries.labels(session=state().session)
    return listing(record_path(kind, record_id), names, (BY_KIND[kind].param, record_id))


def browse_meta(kind: str, record_id: str, title: str, description: str) -> dict[str, Any]:
    """The <head> of a browse page: its permanent address and its Atom feed."""
    path = record_path(kind, record_id)
    return {"title": title, "description": description, "canonical": path, "feed": f"{path}/{FEED}", "type": "website"}
