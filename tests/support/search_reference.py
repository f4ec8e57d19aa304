"""The plain Whoosh way to answer a search (every hit scored and grouped): the reference kb's fast path is tested against.

Partial matches are computed here the plain way too: when fewer than a page of records hold every unit of the query,
Whoosh's own search of the relaxed query (any unit) scores the others, and each record's units are counted one unit
query at a time; they follow, those holding the most units first, then by score, then in index order.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from kb.content.filters import BY_NAME, FILTERS, NATIONAL, SCOPE, UPDATED_SINCE
from kb.search import SearchIndex
from kb.search.analysis import clean_query, parse
from kb.search.suggesting import suggest


def _filter(idx: SearchIndex, filters: dict[str, list[str]]) -> wq.Query | None:
    parts: list[wq.Query] = []
    through: list[wq.Query] = []
    for name, values in filters.items():
        if not values:
            continue
        if name == UPDATED_SINCE:
            parts.append(wq.TermRange("updated", max(values), None))
            continue
        part: wq.Query = wq.Or([wq.Term(name, v) for v in values])
        if BY_NAME[name].national:  # a record that names no region concerns every region
            part = wq.Or([part, wq.Term(SCOPE.name, NATIONAL)])
        (through if BY_NAME[name].through_carried else parts).append(part)
    if through:
        # A record meets the proposal-level filters itself, or carries a proposal that meets them all.
        met = wq.And(through)
        carried = [idx.searcher.stored_fields(d)["id"] for d in idx.searcher.docs_for_query(met)]
        parts.append(wq.Or([met, wq.And([wq.Term("type", "action"), wq.Or([wq.Term("carries", p) for p in carried] or [wq.NullQuery])])]))
    return wq.And(parts) if parts else None


def reference_search(idx: SearchIndex, text: str, filters: dict[str, list[str]], show_drafts: bool = False, limit: int = 20,
                     fill: bool = True) -> Any:
    """Total, first ids and facet counts as Whoosh's own search gives them, for the same query and filters (``limit``:
    the page size; partial matches follow when fewer records hold every unit, unless ``fill`` is False);
    ``partial``: the partial matches' ids in their order; ``filled``: whether the full ones were too few;
    ``type_full``: the type counts of the full matches alone."""
    parsed = parse(clean_query(text), idx.synonyms, idx.steering) if text else None
    searcher = idx.searcher
    where = _filter(idx, filters)
    mask = None if show_drafts else wq.Term("draft", True)
    facets = {f.name: sorting.FieldFacet(f.name, allow_overlap=f.multi, maptype=sorting.Count) for f in FILTERS}
    results = searcher.search(parsed.query if parsed is not None else wq.Every(), limit=None, filter=where, mask=mask, groupedby=facets)
    ids = [h["id"] for h in results[:limit]]
    counts = {f.name: {k: v for k, v in results.groups(f.name).items() if k} for f in FILTERS}
    partial: list[str] = []
    filled = fill and parsed is not None and parsed.relaxed is not None and len(results) < limit
    if filled and _suggestion(idx, text, where, mask) is None:
        full = {h.docnum for h in results}
        relaxed = searcher.search(parsed.relaxed, limit=None, filter=where, mask=mask)
        held = Counter(d for unit in parsed.units for d in set(searcher.docs_for_query(unit)))
        others = sorted((h for h in relaxed if h.docnum not in full),
                        key=lambda h: (-held[h.docnum], -h.score, h.docnum))
        partial = [h["id"] for h in others]
    if partial:
        extra = searcher.search(wq.Or([wq.Term("id", i) for i in partial]), limit=None, groupedby=facets)
        for f in FILTERS:
            for value, n in extra.groups(f.name).items():
                if value:
                    counts[f.name][value] = counts[f.name].get(value, 0) + n
    for f in FILTERS:  # a region's count includes the records of national scope (for the regions that have their own)
        if f.national and counts[f.name]:
            counts[f.name] = {k: v + counts[SCOPE.name].get(NATIONAL, 0) for k, v in counts[f.name].items()}
    return {"total": len(results) + len(partial), "ids": (ids + partial)[:limit], "facets": counts, "partial": partial, "filled": filled,
            "type_full": {k: v for k, v in results.groups("type").items() if k}}


def _suggestion(idx: SearchIndex, text: str, where: wq.Query | None, mask: wq.Query | None) -> str | None:
    """kb's « vouliez-vous dire » over the records these filters keep (kb does not fill a page it offers to correct)."""
    docs = set(idx.searcher.docs_for_query(where or wq.Every())) - set(idx.searcher.docs_for_query(mask) if mask else ())
    visible = sum(1 << d for d in docs)
    return suggest(idx, clean_query(text), visible)
