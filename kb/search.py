"""The Whoosh index: schema, atomic build, and search with facets, highlights and suggestions.

Every Whoosh call of the project lives here and in analysis.py, so the engine could be swapped.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import os
import re
import shutil
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.analysis import Analyzer, Token
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.searching import Searcher

from kb.analysis import build_query, clean_query, fold, folded_words, folding_analyzer, french_analyzer, stems
from kb.snippets import TOKEN, matcher
from kb.snippets import highlight as snippet

# Public filter name → index field.
FACETS: dict[str, str] = {
    "type": "type",
    "document": "document",
    "axis": "axis",
    "sector": "sectors",
    "region": "regions",
    "status": "status",
    "horizon": "horizon",
}
MULTI = {"sectors", "regions"}
TEXT_FIELDS = {"title", "summary", "content"}
MAX_PAGE = 500
CACHE_SIZE = 512
# Postings held by the per-build leaf cache (about 100 bytes each).
LEAF_POSTINGS = 1_000_000
# Below this many records a second writer process costs more than it saves.
PARALLEL_FROM = 2000
LIMIT_MB = 1024


_MISSING = object()


class CachedAnalyzer(Analyzer):
    """Whoosh's French chain, with each word's index term cached: indexing skips five generator hops per token.

    Filters work token by token, so a word's term does not depend on its neighbours; positions are numbered like
    StopFilter(renumber=True). Anything but plain indexing (queries, highlighting) runs the original chain.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getstate__(self) -> dict[str, Any]:
        return {"kind": self.kind}  # the index stores the schema: never the cache

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CachedAnalyzer) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)

    @property
    def chain(self) -> Analyzer:
        """The original analyzer chain."""
        if "_chain" not in self.__dict__:
            self.__dict__["_chain"] = french_analyzer() if self.kind == "fr" else folding_analyzer()
            self.__dict__["_terms"] = {}
        return self.__dict__["_chain"]

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any) -> Any:
        chain = self.chain
        if chars or keeporiginal or not tokenize or not removestops or mode != "index":
            yield from chain(value, positions=positions, chars=chars, keeporiginal=keeporiginal, removestops=removestops,
                             start_pos=start_pos, start_char=start_char, tokenize=tokenize, mode=mode, **kwargs)
            return
        terms: dict[str, Any] = self.__dict__["_terms"]
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = None
        for i, match in enumerate(TOKEN.finditer(value)):
            word = match.group(0)
            term = terms.get(word, _MISSING)
            if term is _MISSING:
                found = [tok.text for tok in chain(word)]
                term = terms[word] = found[0] if len(found) == 1 else (tuple(found) if found else None)
            if term is None:
                continue
            if isinstance(term, tuple):  # never for a regex-whole word; kept exact anyway
                yield from chain(value, positions=positions, start_pos=start_pos, mode=mode, **kwargs)
                return
            t.text, t.boost, t.stopped = term, 1.0, False
            if positions:
                pos = start_pos + i if pos is None else pos + 1
                t.pos = pos
            yield t


def schema() -> Schema:
    """Index schema: boosted title, summary and a combined content field; slug fields for filters."""
    fr = CachedAnalyzer("fr")
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        ref=KEYWORD(lowercase=True, commas=True),
        title=TEXT(analyzer=fr, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=fr, field_boost=1.5, phrase=False),
        content=TEXT(analyzer=fr),
        hl=STORED(),
        spell=TEXT(analyzer=CachedAnalyzer("fold"), spelling=True, phrase=False),
        document=ID(sortable=True),
        axis=ID(sortable=True),
        sectors=KEYWORD(commas=True),
        regions=KEYWORD(commas=True),
        status=ID(sortable=True),
        horizon=ID(sortable=True),
        updated=ID(stored=True, sortable=True),
        draft=BOOLEAN(stored=True),
    )


def _text(doc: dict[str, Any]) -> str:
    return " ".join(filter(None, [doc["title"], doc["summary"], doc.get("body", "")]))


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    text = _text(doc)
    return {
        "id": doc["id"],
        "type": doc["type"],
        "ref": ",".join([doc["id"], *doc.get("aliases", [])]),
        "title": doc["title"],
        "summary": doc["summary"],
        "content": text + " " + " ".join(doc.get("tags", [])),
        "hl": " ".join(filter(None, [doc["summary"], doc.get("body", "")])),
        "spell": text,
        "document": doc.get("document") or "",
        "axis": doc.get("axis") or "",
        "sectors": ",".join(doc.get("sectors", [])),
        "regions": ",".join(doc.get("regions", [])),
        "status": doc.get("status") or "",
        "horizon": doc.get("horizon") or "",
        "updated": doc["updated"],
        "draft": bool(doc.get("draft")),
    }


def _count_forms(forms: dict[str, Counter[str]], docs: list[dict[str, Any]], sign: int = 1) -> None:
    """Count the written forms of each folded word (to restore accents in suggestions); ``sign=-1`` uncounts."""
    folded: dict[str, str] = {}
    for doc in docs:
        for word in _words(_text(doc)):
            lower = word.lower()
            key = folded.get(lower)
            if key is None:
                key = folded[lower] = fold(lower)
            forms.setdefault(key, Counter())[lower] += sign


def _write_meta(target: Path, synonyms: list[list[str]], forms: dict[str, Counter[str]]) -> None:
    forms = {k: c for k, c in ((k, +c) for k, c in forms.items()) if c}
    accents = {folded: c.most_common(1)[0][0] for folded, c in forms.items()}
    meta = {"synonyms": synonyms, "accents": accents, "forms": forms}
    (target / "kb-meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def _commit(writer: Any, docs: list[dict[str, Any]], deletes: list[str]) -> None:
    try:
        for record_id in deletes:
            writer.delete_by_term("id", record_id)
        for doc in docs:
            writer.update_document(**_fields(doc))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def build_index(docs: list[dict[str, Any]], synonyms: list[list[str]], target: Path) -> None:
    """Write a complete index into an empty folder ``target`` (the caller swaps it in)."""
    target.mkdir(parents=True)
    ix = windex.create_in(str(target), schema())
    # Two writer processes, each its own segment (merging them would lose the gain on two cores).
    procs = min(2, os.cpu_count() or 1) if len(docs) >= PARALLEL_FROM else 1
    # A large pool keeps postings in memory: spilling sorted runs to disk and merging them doubled the time at 10,000.
    writer = ix.writer(procs=procs, multisegment=True, limitmb=LIMIT_MB) if procs > 1 else ix.writer(limitmb=LIMIT_MB)
    try:
        for doc in docs:
            writer.add_document(**_fields(doc))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    forms: dict[str, Counter[str]] = {}
    _count_forms(forms, docs)
    _write_meta(target, synonyms, forms)


def update_index(source: Path, target: Path, changed: list[dict[str, Any]], deleted: list[str], old: list[dict[str, Any]]) -> None:
    """Copy the index ``source`` into ``target`` and re-index only the changed records (``old``: their previous versions)."""
    shutil.copytree(source, target)
    meta = json.loads((target / "kb-meta.json").read_text("utf-8"))
    forms = {k: Counter(v) for k, v in meta.get("forms", {}).items()}
    _commit(windex.open_dir(str(target)).writer(timeout=10.0), changed, deleted)
    _count_forms(forms, old, -1)
    _count_forms(forms, changed)
    _write_meta(target, meta["synonyms"], forms)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _bits(docnums: Any) -> int:
    """A set of docnums as an int bitmap: and/or/count run in C (bit_count)."""
    buf = bytearray()
    for d in docnums:
        i = d >> 3
        if i >= len(buf):
            buf.extend(bytes(i + 1 - len(buf)))
        buf[i] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


_BYTE_BITS = [tuple(k for k in range(8) if b >> k & 1) for b in range(256)]


def docnums(bits: int) -> list[int]:
    """The docnums of a bitmap, ascending."""
    out: list[int] = []
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = i * 8
            out.extend(base + k for k in _BYTE_BITS[byte])
    return out


@dataclass
class Columns:
    """Per-build facet bitmaps and dates, read once: facet counts are then popcounts, not per-hit loops."""

    facets: dict[str, dict[str, int]]
    updated: list[str]
    drafts: int
    live: int
    _norms: dict[tuple[str, float, float, float], list[float]] = field(default_factory=dict)

    def norms(self, searcher: Searcher, fieldname: str, k1: float, b: float, avgfl: float) -> list[float]:
        """BM25's length normalisation of each document for a text field, computed once per build."""
        key = (fieldname, k1, b, avgfl)
        if key not in self._norms:
            reader = searcher.reader()
            lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            self._norms[key] = [k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        return self._norms[key]


def _columns(searcher: Searcher) -> Columns:
    reader = searcher.reader()
    facets = {
        f: {t: _bits(searcher.docs_for_query(wq.Term(f, t))) for t in list(reader.field_terms(f))} for f in dict.fromkeys(FACETS.values())
    }
    return Columns(
        facets,
        list(reader.column_reader("updated")),
        _bits(searcher.docs_for_query(wq.Term("draft", True))),
        _bits(searcher.docs_for_query(wq.Every())),
    )


@dataclass
class Leaf:
    """One leaf query's matches: a bitmap and each document's score as Whoosh computes it (boost included)."""

    bits: int
    scores: dict[int, float]


@dataclass
class SearchIndex:
    """An opened index with its synonyms and accent map, one searcher reused across requests, and a result cache.

    One SearchIndex serves one build: a new build opens a new one, so caches never outlive their build.
    """

    path: Path
    synonyms: list[list[str]]
    accents: dict[str, str]
    searcher: Searcher
    cache: OrderedDict[tuple[Any, ...], Results] = field(default_factory=OrderedDict)
    leaves: OrderedDict[Any, Leaf] = field(default_factory=OrderedDict)
    leaf_postings: int = 0
    _columns: Columns | None = None
    _vocabulary: set[str] | None = None

    @property
    def columns(self) -> Columns:
        """Facet values per docnum, read on first use."""
        if self._columns is None:
            self._columns = _columns(self.searcher)
        return self._columns

    @property
    def vocabulary(self) -> set[str]:
        """Folded words of the synonyms file: vocabulary even when no record uses them."""
        if self._vocabulary is None:
            self._vocabulary = {w for group in self.synonyms for term in group for w in folded_words(term)}
        return self._vocabulary

    def close(self) -> None:
        """Release the searcher's files."""
        self.cache.clear()
        self.leaves.clear()
        self.searcher.close()


def open_index(path: Path) -> SearchIndex:
    """Open a built index folder read-only."""
    meta = json.loads((path / "kb-meta.json").read_text("utf-8"))
    ix = windex.open_dir(str(path))
    return SearchIndex(path, meta["synonyms"], meta["accents"], ix.searcher())


def remove_index(path: Path) -> None:
    """Delete an index folder (a failed or superseded build)."""
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Hit:
    """One ranked result: the record's id and type, its title, score and highlighted snippet."""

    id: str
    type: str
    title: str
    score: float
    highlight: str = ""


@dataclass
class Results:
    """A page of results with facet counts over all matches and an optional spelling suggestion."""

    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    exact: str | None = None
    page: int = 1
    per_page: int = 20


def _allowed(idx: SearchIndex, filters: dict[str, list[str]]) -> int | None:
    """Bitmap of the docs passing the filters (values of one facet: any; across facets: all), or None without filters."""
    allowed = None
    for name, values in filters.items():
        fieldname = FACETS.get(name)
        if not values or fieldname is None:
            continue
        column = idx.columns.facets[fieldname]
        bits = 0
        for value in values:
            bits |= column.get(value, 0)
        allowed = bits if allowed is None else allowed & bits
    return allowed


def facet_counts(idx: SearchIndex, matched: int) -> dict[str, dict[str, int]]:
    """Facet counts over a bitmap of matching docs: one popcount per facet value."""
    out: dict[str, dict[str, int]] = {}
    for name, fieldname in FACETS.items():
        counts = {value: (matched & bits).bit_count() for value, bits in idx.columns.facets[fieldname].items() if value}
        out[name] = {k: v for k, v in counts.items() if v}
    return out


def _leaf(idx: SearchIndex, q: wq.Query) -> Leaf:
    """A leaf's matches and scores, cached per build (bounded by postings held): common words cost once."""
    key = (type(q).__name__, repr(q))
    found = idx.leaves.get(key)
    if found is not None:
        idx.leaves.move_to_end(key)
        return found
    searcher = idx.searcher
    scores: dict[int, float] = {}
    if type(q) is wq.Term and q.fieldname in TEXT_FIELDS and isinstance(searcher.weighting, scoring.BM25F):
        if (q.fieldname, q.text) in searcher.reader():
            _term_scores(idx, q, scores)
    else:
        m = q.matcher(searcher, searcher.context(weighting=searcher.weighting))
        while m.is_active():
            scores[m.id()] = m.score()
            m.next()
    found = idx.leaves[key] = Leaf(_bits(scores), scores)
    idx.leaf_postings += len(scores)
    while idx.leaf_postings > LEAF_POSTINGS and len(idx.leaves) > 1:
        _, old = idx.leaves.popitem(last=False)
        idx.leaf_postings -= len(old.scores)
    return found


def _term_scores(idx: SearchIndex, q: wq.Term, scores: dict[int, float]) -> None:
    """BM25F scores of one term, exactly as Whoosh computes them, read block by block with per-build length norms."""
    searcher = idx.searcher
    scorer = searcher.weighting.scorer(searcher, q.fieldname, q.text)
    idf, k1p, boost = scorer.idf, scorer.K1 + 1, q.boost
    norms = idx.columns.norms(searcher, q.fieldname, scorer.K1, scorer.B, scorer.avgfl)
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        if (q.fieldname, q.text) not in reader:
            continue
        m = reader.postings(q.fieldname, q.text)
        deleted = reader.deleted_docs_set if reader.has_deletions() else set()
        m = getattr(m, "child", m) if deleted else m
        if not hasattr(m, "_read_ids"):
            while m.is_active():
                d = m.id()
                if d not in deleted:
                    scores[d + offset] = idf * ((m.weight() * k1p) / (m.weight() + norms[d + offset])) * boost
                m.next()
            continue
        while m.is_active():
            m._read_ids()
            m._read_weights()
            for d, w in zip(m._ids[m._i :], m._weights[m._i :], strict=True):
                if d not in deleted:
                    scores[d + offset] = idf * ((w * k1p) / (w + norms[d + offset])) * boost
            m._next_block()


def _match(idx: SearchIndex, q: wq.Query, scoring: list[Leaf]) -> int:
    """Bitmap of the docs matching ``q``; collects the leaves that score (the positive side) into ``scoring``."""
    if isinstance(q, wq.AndNot):
        return _match(idx, q.a, scoring) & ~_match(idx, q.b, [])
    if isinstance(q, wq.Not):
        return idx.columns.live & ~_match(idx, q.query, [])
    if isinstance(q, wq.And):
        bits = idx.columns.live
        for sub in q.subqueries:
            bits &= _match(idx, sub, scoring)
        return bits
    if isinstance(q, wq.Or):
        bits = 0
        for sub in q.subqueries:
            bits |= _match(idx, sub, scoring)
        return bits
    if isinstance(q, wq.NullQuery.__class__):
        return 0
    leaf = _leaf(idx, q)
    scoring.append(leaf)
    return leaf.bits


def _ranked(matched: int, scoring: list[Leaf], limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best docs: scores summed over matching leaves as Whoosh sums them; ties by docnum."""
    docs = docnums(matched)
    total = dict.fromkeys(docs, 0.0)
    for leaf in scoring:
        if not leaf.bits & matched:
            continue
        if len(leaf.scores) <= len(docs):
            for d, v in leaf.scores.items():
                if d in total:
                    total[d] += v
        else:
            get = leaf.scores.get
            for d in docs:
                total[d] += get(d, 0.0)
    return [(d, total[d]) for d in heapq.nsmallest(limit, docs, key=lambda d: (-total[d], d))]


def _exact(searcher: Searcher, text: str) -> int | None:
    key = text.strip().lower()
    if not key or "," in key or " " in key:
        return None
    found = list(searcher.document_numbers(ref=key))
    return found[0] if found else None


def _known(reader: Any, stem: str) -> bool:
    """True when the word's query arms (term, prefix, shortened stem) match something: no suggestion then."""
    if reader.doc_frequency("content", stem):
        return True
    if len(stem) >= 5 and next(iter(reader.expand_prefix("content", stem)), None) is not None:
        return True
    return any(reader.doc_frequency("content", stem[:-k]) for k in (1, 2) if len(stem) - k >= 5)


MAX_CORRECTIONS = 3


def suggest(idx: SearchIndex, text: str) -> str | None:
    """« Vouliez-vous dire … » : the query with its unknown words replaced by the closest indexed words."""
    reader = idx.searcher.reader()
    vocabulary = idx.vocabulary
    changed = False
    out = []
    tried = 0
    for word in text.split():
        # Bounded cost: operators (mot*, "…", parentheses), words with digits and 30+ letters are not
        # misspellings, and the corrector (the costly part) runs for the first MAX_CORRECTIONS unknown words only.
        if tried >= MAX_CORRECTIONS or len(word) > 30 or not word.lstrip("-").replace("-", "").replace("'", "").replace("’", "").isalpha():
            out.append(word)
            continue
        folded, word_stems = folded_words(word), stems(word)
        known = not word_stems or any(_known(reader, s) for s in word_stems)
        if known or len(folded) != 1 or folded[0] in vocabulary or len(folded[0]) < 4 or reader.frequency("spell", folded[0]) > 0:
            out.append(word)
            continue
        tried += 1
        best = idx.searcher.corrector("spell").suggest(folded[0], limit=1, maxdist=2)
        if best and best[0] != folded[0]:
            out.append(idx.accents.get(best[0], best[0]))
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


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
    return dataclasses.replace(res, hits=hits, facets={k: dict(v) for k, v in res.facets.items()})


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
) -> Results:
    """Ranked ids for a French query, with highlights, facet counts, suggestion and id/alias lookup.

    Results are cached per opened build, keyed on the normalised query, filters, sort, page and drafts.
    """
    text = clean_query(text)
    page = max(1, min(page, MAX_PAGE))
    filters = filters or {}
    key = _cache_key(text, filters, sort, page, per_page, show_drafts)
    if cache and key in idx.cache:
        idx.cache.move_to_end(key)
        return _copy(idx.cache[key])
    res = _search(idx, text, filters, sort, page, per_page, show_drafts)
    if cache:
        idx.cache[key] = _copy(res)
        if len(idx.cache) > CACHE_SIZE:
            idx.cache.popitem(last=False)
    return res


def _search(idx: SearchIndex, text: str, filters: dict[str, list[str]], sort: str, page: int, per_page: int, show_drafts: bool) -> Results:
    searcher, cols = idx.searcher, idx.columns
    parsed = build_query(text, idx.synonyms) if text else None
    scoring: list[Leaf] = []
    # Matching docs as bitmaps from cached leaves; only the shown page is ranked from cached per-leaf scores.
    matched = _match(idx, parsed.normalize(), scoring) if parsed is not None else cols.live
    allowed = _allowed(idx, filters)
    if allowed is not None:
        matched &= allowed
    if not show_drafts:
        matched &= ~cols.drafts
    limit = page * per_page
    if sort == "date" or parsed is None:
        updated = cols.updated
        ranked = [(d, 0.0) for d in heapq.nsmallest(limit, docnums(matched), key=lambda d: (_desc(updated[d]), d))]
    else:
        ranked = _ranked(matched, scoring, limit)
    start = (page - 1) * per_page
    match = matcher(*_highlight_terms(parsed)) if parsed is not None else None
    hits = [_hit(searcher.stored_fields(d), score, match) for d, score in ranked[start : start + per_page]]
    total = matched.bit_count()
    exact = _exact(searcher, text) if text else None
    exact_id = None
    if exact is not None and (show_drafts or not cols.drafts >> exact & 1):
        fields = searcher.stored_fields(exact)
        exact_id = fields["id"]
        if page == 1:
            hits = [Hit(fields["id"], fields["type"], fields["title"], 1e9)] + [h for h in hits if h.id != exact_id]
            hits = hits[:per_page]
        if not matched >> exact & 1:
            total += 1
    suggestion = suggest(idx, text) if text and parsed is not None else None
    return Results(text, total, hits, facet_counts(idx, matched), suggestion, exact_id, page, per_page)


def reference_search(idx: SearchIndex, text: str, filters: dict[str, list[str]], show_drafts: bool = False, limit: int = 20) -> Any:
    """The plain Whoosh way (every hit scored and grouped): the reference the fast path is tested against."""
    parsed = build_query(clean_query(text), idx.synonyms) if text else None
    parts = [wq.Or([wq.Term(FACETS[n], v) for v in vs]) for n, vs in filters.items() if vs]
    facets = {n: sorting.FieldFacet(f, allow_overlap=f in MULTI, maptype=sorting.Count) for n, f in FACETS.items()}
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
        "facets": {name: {k: v for k, v in results.groups(name).items() if k} for name in FACETS},
    }


def _desc(value: str) -> tuple[int, ...]:
    """Sort key putting later ISO dates first."""
    return tuple(-ord(c) for c in value)


def _hit(fields: dict[str, Any], score: float, match: Any) -> Hit:
    snippet_html = snippet(fields["hl"], match, maxchars=220, surround=60, top=2) if match is not None else ""
    return Hit(fields["id"], fields["type"], fields["title"], score, snippet_html)


def more_like(idx: SearchIndex, record_id: str, text: str, limit: int = 5, show_drafts: bool = False) -> list[str]:
    """Ids of the records whose wording is closest to ``text`` (the record itself and, outside preview, drafts excluded).

    Whoosh's « more like this » query (key terms of the text, weighted), ranked by the cached leaf scores; cached per build.
    """
    key = ("more_like", record_id, text, limit, show_drafts)
    if key in idx.cache:
        return list(idx.cache[key])  # type: ignore[arg-type]
    searcher = idx.searcher
    docnum = next(iter(searcher.document_numbers(id=record_id)), None)
    if docnum is None:
        return []
    terms = searcher.key_terms_from_text("content", text, numterms=12, normalize=True)
    scoring: list[Leaf] = []
    matched = _match(idx, wq.Or([wq.Term("content", word, boost=weight) for word, weight in terms]), scoring)
    matched &= ~(1 << docnum)
    if not show_drafts:
        matched &= ~idx.columns.drafts
    out = [searcher.stored_fields(d)["id"] for d, _ in _ranked(matched, scoring, limit)]
    idx.cache[key] = out  # type: ignore[assignment]
    if len(idx.cache) > CACHE_SIZE:
        idx.cache.popitem(last=False)
    return list(out)
