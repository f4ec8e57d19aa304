"""The Whoosh index: schema, atomic build, and search with facets, highlights and suggestions.

Every Whoosh call of the project lives here and in analysis.py, so the engine could be swapped.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, sorting
from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.searching import Searcher

from kb.analysis import build_query, clean_query, fold, folded_words, folding_analyzer, french_analyzer, stems

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
MAX_PAGE = 500


def schema() -> Schema:
    """Index schema: boosted title, summary and a combined content field; slug fields for filters."""
    fr = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        ref=KEYWORD(lowercase=True, commas=True),
        title=TEXT(analyzer=fr, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=fr, field_boost=1.5),
        content=TEXT(analyzer=fr),
        hl=STORED(),
        spell=TEXT(analyzer=folding_analyzer(), spelling=True),
        document=ID(sortable=True),
        axis=ID(sortable=True),
        sectors=KEYWORD(commas=True),
        regions=KEYWORD(commas=True),
        status=ID(sortable=True),
        horizon=ID(sortable=True),
        updated=ID(stored=True, sortable=True),
        draft=BOOLEAN(stored=True),
    )


def build_index(docs: list[dict[str, Any]], synonyms: list[list[str]], target: Path) -> None:
    """Write a complete index into an empty folder ``target`` (the caller swaps it in)."""
    target.mkdir(parents=True)
    ix = windex.create_in(str(target), schema())
    spell_forms: dict[str, Counter[str]] = {}
    writer = ix.writer()
    try:
        for doc in docs:
            text = " ".join(filter(None, [doc["title"], doc["summary"], doc.get("body", "")]))
            for word in _words(text):
                spell_forms.setdefault(fold(word), Counter())[word.lower()] += 1
            writer.add_document(
                id=doc["id"],
                type=doc["type"],
                ref=",".join([doc["id"], *doc.get("aliases", [])]),
                title=doc["title"],
                summary=doc["summary"],
                content=text + " " + " ".join(doc.get("tags", [])),
                hl=" ".join(filter(None, [doc["summary"], doc.get("body", "")])),
                spell=text,
                document=doc.get("document") or "",
                axis=doc.get("axis") or "",
                sectors=",".join(doc.get("sectors", [])),
                regions=",".join(doc.get("regions", [])),
                status=doc.get("status") or "",
                horizon=doc.get("horizon") or "",
                updated=doc["updated"],
                draft=bool(doc.get("draft")),
            )
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    accents = {folded: forms.most_common(1)[0][0] for folded, forms in spell_forms.items()}
    (target / "kb-meta.json").write_text(json.dumps({"synonyms": synonyms, "accents": accents}, ensure_ascii=False), "utf-8")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@dataclass
class SearchIndex:
    """An opened index with its synonyms and accent map, and one searcher reused across requests."""

    path: Path
    synonyms: list[list[str]]
    accents: dict[str, str]
    searcher: Searcher

    def close(self) -> None:
        """Release the searcher's files."""
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


def _filter_query(filters: dict[str, list[str]]) -> wq.Query | None:
    parts = []
    for name, values in filters.items():
        if values:
            fieldname = FACETS[name]
            parts.append(wq.Or([wq.Term(fieldname, v) for v in values]))
    return wq.And(parts) if parts else None


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


def suggest(idx: SearchIndex, text: str) -> str | None:
    """« Vouliez-vous dire … » : the query with its unknown words replaced by the closest indexed words."""
    reader = idx.searcher.reader()
    corrector = idx.searcher.corrector("spell")
    words = text.split()
    # Words of the synonyms file are vocabulary even when no record uses them (« marchés » in « marchés publics »).
    vocabulary = {w for group in idx.synonyms for term in group for w in folded_words(term)}
    changed = False
    out = []
    for word in words:
        folded, word_stems = folded_words(word), stems(word)
        known = not word_stems or any(_known(reader, s) for s in word_stems)
        if known or len(folded) != 1 or folded[0] in vocabulary or len(folded[0]) < 4 or reader.frequency("spell", folded[0]) > 0:
            out.append(word)
            continue
        best = corrector.suggest(folded[0], limit=1, maxdist=2)
        if best and best[0] != folded[0]:
            out.append(idx.accents.get(best[0], best[0]))
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def search(
    idx: SearchIndex,
    text: str,
    *,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    show_drafts: bool = False,
) -> Results:
    """Ranked ids for a French query, with highlights, facet counts, suggestion and id/alias lookup."""
    text = clean_query(text)
    page = max(1, min(page, MAX_PAGE))
    searcher = idx.searcher
    parsed = build_query(text, idx.synonyms) if text else None
    q: wq.Query = parsed if parsed is not None else wq.Every()
    filt = _filter_query(filters or {})
    mask = None if show_drafts else wq.Term("draft", True)
    exact = _exact(searcher, text) if text else None
    facets = {
        name: sorting.FieldFacet(fieldname, allow_overlap=fieldname in MULTI, maptype=sorting.Count) for name, fieldname in FACETS.items()
    }
    by_date = sort == "date" or not text
    results = searcher.search(
        q,
        limit=page * per_page,
        filter=filt,
        mask=mask,
        groupedby=facets,
        sortedby=sorting.FieldFacet("updated", reverse=True) if by_date else None,
    )
    results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    start = (page - 1) * per_page
    hits = [_hit(h, text) for h in results[start : start + per_page]]
    total = len(results)
    exact_id = None
    if exact is not None and (not mask or not searcher.stored_fields(exact).get("draft")):
        fields = searcher.stored_fields(exact)
        exact_id = fields["id"]
        if page == 1:
            hits = [Hit(fields["id"], fields["type"], fields["title"], 1e9)] + [h for h in hits if h.id != exact_id]
            hits = hits[:per_page]
        if not any(h["id"] == exact_id for h in results[: page * per_page]):
            total += 1
    facet_counts = {name: {k: v for k, v in results.groups(name).items() if k} for name in FACETS}
    suggestion = suggest(idx, text) if text and parsed is not None else None
    return Results(text, total, hits, facet_counts, suggestion, exact_id, page, per_page)


def _hit(h: Any, text: str) -> Hit:
    snippet = h.highlights("content", text=h["hl"], top=2) if text else ""
    return Hit(h["id"], h["type"], h["title"], float(h.score or 0.0), snippet)


def more_like(idx: SearchIndex, record_id: str, text: str, limit: int = 5, show_drafts: bool = False) -> list[str]:
    """Ids of the records whose wording is closest to ``text`` (the record itself excluded)."""
    searcher = idx.searcher
    docnum = next(iter(searcher.document_numbers(id=record_id)), None)
    if docnum is None:
        return []
    mask = None if show_drafts else wq.Term("draft", True)
    hits = searcher.more_like(docnum, "content", text=text, top=limit, numterms=12, filter=None)
    out = []
    for h in hits:
        fields = h.fields()
        if mask is not None and searcher.stored_fields(h.docnum).get("draft"):
            continue
        out.append(fields["id"])
    return out
