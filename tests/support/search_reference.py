"""The plain Whoosh way to answer a search (every hit scored and grouped): the reference kb's fast path is tested against."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh import sorting

from kb.content.filters import BY_NAME, FILTERS, NATIONAL, SCOPE, UPDATED_SINCE
from kb.search import SearchIndex
from kb.search.analysis import build_query, clean_query


def reference_search(idx: SearchIndex, text: str, filters: dict[str, list[str]], show_drafts: bool = False, limit: int = 20) -> Any:
    """Total, first ids and facet counts as Whoosh's own search gives them, for the same query and filters."""
    parsed = build_query(clean_query(text), idx.synonyms, steering=idx.steering) if text else None
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
    facets = {f.name: sorting.FieldFacet(f.name, allow_overlap=f.multi, maptype=sorting.Count) for f in FILTERS}
    results = idx.searcher.search(
        parsed if parsed is not None else wq.Every(),
        limit=None,
        filter=wq.And(parts) if parts else None,
        mask=None if show_drafts else wq.Term("draft", True),
        groupedby=facets,
    )
    return {
        "total": len(results),
        "ids": [h["id"] for h in results[:limit]],
        "facets": {f.name: _national({k: v for k, v in results.groups(f.name).items() if k}, f.national, results) for f in FILTERS},
    }


def _national(counts: dict[str, int], national: bool, results: Any) -> dict[str, int]:
    """A region's count includes the records of national scope among the results (for the regions that have their own)."""
    if not national or not counts:
        return counts
    extra = results.groups(SCOPE.name).get(NATIONAL, 0)
    return {k: v + extra for k, v in counts.items()}
