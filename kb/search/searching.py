"""Search over an opened build: ranked ids with facets, highlights, suggestions, id lookup and a result cache."""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from kb.content.filters import BY_NAME, FILTERS, NATIONAL, SCOPE, UPDATED_SINCE
from kb.search.analysis import Parsed, clean_query, parse
from kb.search.engine import Scored, docnums, match_bits, rank, top
from kb.search.index import SearchIndex
from kb.search.partial import Partial
from kb.search.snippets import QUOTES, matcher
from kb.search.snippets import highlight as snippet
from kb.search.suggesting import suggest as _suggest

MAX_PAGE = 500


@dataclass
class Hit:
    """One ranked result: the record's id and type, its title, score and highlighted snippet."""

    id: str
    type: str
    title: str
    score: float
    highlight: str = ""
    partial: bool = False  # it holds only some of the query's words (it follows those that hold them all)
    quoted: bool = False  # the highlight is from one of its sources' quotes (the words matched nowhere else)


@dataclass
class Results:
    """A page of results with facet counts over all matches and an optional spelling suggestion.

    With ``listed`` kinds, ``hits``, ``total`` and the facets (but the type's) are those of these kinds, and ``aside``
    the best matches of the other kinds (a results page lists proposals and actions, and shows the documents,
    axes… that match above them, by their names: without snippets). ``partial`` says that no record has every word of
    the query, and that these results have some of them.
    """

    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    exact: str | None = None
    page: int = 1
    per_page: int = 20
    aside: list[Hit] = field(default_factory=list)
    partial: bool = False


def _since_bits(updated: list[str], since: str) -> int:
    """Bitmap of the docs updated on or after an ISO date."""
    # Bit d of the result is doc d: build the binary string from the last doc down.
    return int("".join("1" if value >= since else "0" for value in reversed(updated)) or "0", 2)


def _allowed(idx: SearchIndex, filters: dict[str, list[str]]) -> int | None:
    """Bitmap of the docs passing the filters, or None without filters: the semantics of the database lists
    (kb.store.queries.list_records), so that a search lists what a list lists.

    Values of one filter: any of them; across filters: all. The filters a proposal carries to the actions that carry it
    (document, axis, horizon) are met by a record that meets them all itself, or by an action carrying a proposal
    that meets them all.
    """
    plain: int | None = None
    through: int | None = None
    for name, values in filters.items():
        flt = BY_NAME.get(name)
        if not values or (flt is None and name != UPDATED_SINCE):
            continue
        if flt is None:
            bits = _since_bits(idx.columns.updated, max(values))
        else:
            column = idx.columns.facets[name]
            bits = 0
            for value in values:
                bits |= column.get(value, 0)
            if flt.national:  # a record that names no region concerns every region
                bits |= _national(idx)
            if flt.through_carried:
                through = bits if through is None else through & bits
                continue
        plain = bits if plain is None else plain & bits
    if through is not None:
        carried = 0
        for proposal, actions in idx.carriers.items():
            if through >> proposal & 1:
                carried |= actions
        through |= carried
        plain = through if plain is None else plain & through
    return plain


def _national(idx: SearchIndex) -> int:
    """Bitmap of the records of national scope."""
    return idx.columns.facets[SCOPE.name].get(NATIONAL, 0)


def facet_counts(idx: SearchIndex, matched: int) -> dict[str, dict[str, int]]:
    """Facet counts over a bitmap of matching docs: one popcount per facet value. A region's count is what choosing it
    lists: its own records and those of national scope (shown for the regions that have records of their own)."""
    out = {flt.name: _counts(idx, flt.name, matched) for flt in FILTERS}
    for flt in FILTERS:
        if flt.national and out[flt.name]:
            extra = (matched & _national(idx)).bit_count()
            out[flt.name] = {value: n + extra for value, n in out[flt.name].items()}
    return out


def _counts(idx: SearchIndex, name: str, matched: int) -> dict[str, int]:
    counts = {value: (matched & bits).bit_count() for value, bits in idx.columns.facets[name].items() if value}
    return {k: v for k, v in counts.items() if v}


def suggest(idx: SearchIndex, text: str, show_drafts: bool = False) -> str | None:
    """« Vouliez-vous dire … » for a query over every record (kb.search.suggesting says when one is offered)."""
    visible = idx.columns.live if show_drafts else idx.columns.live & ~idx.columns.drafts
    return _suggest(idx, clean_query(text), visible)


def _exact(searcher: Searcher, text: str) -> int | None:
    key = text.strip().lower()
    if not key or "," in key or " " in key:
        return None
    found = list(searcher.document_numbers(ref=key))
    return found[0] if found else None


def _highlight_terms(q: wq.Query) -> tuple[set[str], set[str]]:
    """Terms and prefixes a match can show, from the positive side of the query (exclusions are not highlighted)."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    stack = [q]
    while stack:
        node = stack.pop()
        if isinstance(node, wq.AndNot):
            stack.append(node.a)
        elif isinstance(node, wq.Not):
            continue
        elif isinstance(node, wq.Prefix):
            prefixes.add(node.text)
        elif isinstance(node, wq.Term):
            exact.add(node.text)
        elif isinstance(node, wq.Phrase):
            exact.update(node.words)
        elif isinstance(node, wq.CompoundQuery):
            stack.extend(node.subqueries)
    return exact, prefixes


def _copy(res: Results) -> Results:
    """A copy callers may change without touching the cached answer (cheaper than deepcopy)."""
    hits = [dataclasses.replace(h) for h in res.hits]
    aside = [dataclasses.replace(h) for h in res.aside]
    return dataclasses.replace(res, hits=hits, aside=aside, facets={k: dict(v) for k, v in res.facets.items()})


def _cache_key(text: str, filters: dict[str, list[str]], *rest: Any) -> tuple[Any, ...]:
    return (text, tuple(sorted((k, tuple(sorted(set(v)))) for k, v in filters.items() if v)), *rest)


def search(
    idx: SearchIndex,
    text: str,
    *,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    show_drafts: bool = False,
    cache: bool = True,
    listed: tuple[str, ...] | None = None,
    aside: int = 0,
    fill_below: int | None = None,
) -> Results:
    """Ranked ids for a French query, with highlights, facet counts, suggestion and id/alias lookup.

    ``listed`` narrows hits, total and facets to these record kinds (the type facet still counts every kind);
    ``aside`` asks, on the first page, for that many of the best matches of the other kinds. When fewer than
    ``fill_below`` records (by default a page: ``per_page``; 0 never) hold every word, the records holding some of them
    follow, marked ``partial``, the most words first (kb.search.partial). Results are cached per opened build, keyed on the
    normalised query, filters, sort, page, kinds, drafts and that threshold.
    """
    text = clean_query(text)
    page = max(1, min(page, MAX_PAGE))
    filters = filters or {}
    fill_below = per_page if fill_below is None else fill_below
    key = _cache_key(text, filters, sort, page, per_page, show_drafts, listed, aside, fill_below)
    found = idx.cache.get(key) if cache else None
    if found is not None:
        return _copy(found)
    res = _search(idx, text, filters, sort, page, per_page, show_drafts, listed, aside, fill_below)
    if cache:
        idx.cache.put(key, _copy(res))
    return res


def _search(idx: SearchIndex, text: str, filters: dict[str, list[str]], sort: str, page: int, per_page: int, show_drafts: bool,
            listed: tuple[str, ...] | None, aside: int, fill_below: int) -> Results:
    searcher, cols = idx.searcher, idx.columns
    parsed = _parsed(idx, text) if text else None
    scoring: list[Scored] = []
    visible = cols.live if show_drafts else cols.live & ~cols.drafts
    allowed = _allowed(idx, filters)
    if allowed is not None:
        visible &= allowed
    # Matching docs as bitmaps from cached leaves; only the shown page is ranked from cached per-leaf scores.
    matched = (match_bits(idx, parsed.query, scoring) if parsed is not None else cols.live) & visible
    suggestion = _suggest(idx, text, visible) if text and parsed is not None else None
    kinds = cols.facets["type"]
    wanted = visible if listed is None else visible & _union(kinds.get(k, 0) for k in listed)
    shown = matched & wanted
    full = shown.bit_count()
    # Fewer records than a page hold every word (and no spelling fixes a word): those with most of the words follow.
    fill = None
    if parsed is not None and parsed.relaxed is not None and suggestion is None and full < fill_below:
        fill = Partial(idx, parsed.relaxed, parsed.units, visible & ~matched)
    more = fill.bits if fill is not None else 0
    limit = page * per_page
    ranked = _ranked(idx, shown, scoring, limit, sort == "date" or parsed is None)
    if fill is not None and limit > full:
        ranked += [(d, score, True) for d, score in fill.ranked(wanted, limit - full)]
    start = (page - 1) * per_page
    match = matcher(*_highlight_terms(parsed.query)) if parsed is not None else None
    hits = [_hit(searcher.stored_fields(d), score, match, *part) for d, score, *part in ranked[start : start + per_page]]
    others: list[Hit] = []
    if aside and page == 1 and listed is not None and parsed is not None:
        best = rank(matched & ~shown, scoring, aside)
        if fill is not None and len(best) < aside:
            best += [(d, score, True) for d, score in fill.ranked(visible & ~wanted, aside - len(best))]
        # Shown by their names alone, above the records: no snippet (five highlights were a fifth of a page's).
        others = [_hit(searcher.stored_fields(d), score, None, *part) for d, score, *part in best]
    listing = (shown | more) & wanted
    total = listing.bit_count()
    exact = _exact(searcher, text) if text else None
    exact_id = None
    if exact is not None and visible >> exact & 1:
        fields = searcher.stored_fields(exact)
        exact_id = fields["id"]
        first = Hit(fields["id"], fields["type"], fields["name"], 1e9)
        if listed is None or fields["type"] in listed:
            if page == 1:
                hits = ([first] + [h for h in hits if h.id != exact_id])[:per_page]
            total += not listing >> exact & 1
        elif aside:
            others = ([first] + [h for h in others if h.id != exact_id])[:aside]
    # Facets count what is listed (a value's count is what choosing it lists), the type facet every kind that matches:
    # the heading's count is their sum.
    facets = facet_counts(idx, listing)
    facets["type"] = _counts(idx, "type", matched | more)
    partial = bool(listing & more) or any(h.partial for h in others)
    return Results(text, total, hits, facets, suggestion, exact_id, page, per_page, others, partial)


def _parsed(idx: SearchIndex, text: str) -> Parsed | None:
    """The parsed query of a text, kept per build (read only once made; its parts made on first use)."""
    found = idx.shared.parsed.get(text)
    if found is None:
        found = (parse(text, idx.synonyms, idx.steering),)
        idx.shared.parsed.put(text, found)
    parsed: Parsed | None = found[0]
    return parsed


def _union(bitmaps: Any) -> int:
    out = 0
    for b in bitmaps:
        out |= b
    return out


def _ranked(idx: SearchIndex, docs: int, scoring: list[Scored], limit: int, by_date: bool) -> list[tuple[int, float, bool]]:
    """The ``limit`` first docs, by relevance or by date (newest first), none partial."""
    if by_date:
        return [(d, 0.0, False) for d in heapq.nsmallest(limit, docnums(docs), key=idx.columns.newest.__getitem__)]
    return [(d, score, False) for d, score in rank(docs, scoring, limit)]


def _hit(fields: dict[str, Any], score: float, match: Any, partial: bool = False) -> Hit:
    if match is None:
        return Hit(fields["id"], fields["type"], fields["name"], score, "", partial)
    own, _, quotes = fields["hl"].partition(QUOTES)
    html = snippet(own, match, maxchars=220, surround=60, top=2)
    # Matched only in a source's quote: that quote's matching words, said to be a quote.
    quoted = not html and bool(quotes) and bool(html := snippet(quotes, match, maxchars=220, surround=60, top=2))
    return Hit(fields["id"], fields["type"], fields["name"], score, html, partial, quoted)


def more_like(idx: SearchIndex, record_id: str, text: str, limit: int = 5, show_drafts: bool = False) -> list[str]:
    """Ids of the records whose wording is closest to ``text`` (the record itself and, outside preview, drafts excluded).

    Whoosh's « more like this » query (key terms of the text, weighted), ranked by the cached leaf scores; cached per build.
    """
    key = ("more_like", record_id, text, limit, show_drafts)
    found = idx.cache.get(key)
    if found is not None:
        return list(found)
    searcher = idx.searcher
    docnum = next(iter(searcher.document_numbers(id=record_id)), None)
    if docnum is None:
        return []
    terms = searcher.key_terms_from_text("content", text, numterms=12, normalize=True)
    scoring: list[Scored] = []
    matched = match_bits(idx, wq.Or([wq.Term("content", word, boost=weight) for word, weight in terms]), scoring)
    matched &= ~(1 << docnum)
    if not show_drafts:
        matched &= ~idx.columns.drafts
    out = [searcher.stored_fields(d)["id"] for d, _ in top(matched, scoring, limit)]
    idx.cache.put(key, out)
    return list(out)
