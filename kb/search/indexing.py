"""Writing the Whoosh index: schema, French analysis with a per-word term cache, full and incremental builds."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from multiprocessing import util
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.analysis import Analyzer, Token
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema

from kb.content.filters import FILTERS
from kb.procs import die_with_parent
from kb.search.analysis import fold, folding_analyzer, french_analyzer
from kb.search.snippets import TOKEN

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
                # The tokenizer's pattern matched this whole word: the chain gives it one term, or none (stop word).
                term = terms[word] = next((tok.text for tok in chain(word)), None)
            if term is None:
                continue
            t.text, t.boost, t.stopped = term, 1.0, False
            if positions:
                pos = start_pos + i if pos is None else pos + 1
                t.pos = pos
            yield t


def schema() -> Schema:
    """Index schema: boosted title, summary and a combined content field; one slug field per filter (kb.content.filters)."""
    fr = CachedAnalyzer("fr")
    # A filter's field holds ids or fixed values; several per record (sectors, regions) as a comma list. The type is
    # stored too: a hit says what it is.
    filters = {f.name: KEYWORD(commas=True) if f.multi else ID(sortable=True, stored=f.name == "type") for f in FILTERS}
    return Schema(
        id=ID(stored=True, unique=True),
        ref=KEYWORD(lowercase=True, commas=True),
        title=TEXT(analyzer=fr, field_boost=3.0, stored=True),
        summary=TEXT(analyzer=fr, field_boost=1.5, phrase=False),
        content=TEXT(analyzer=fr),
        hl=STORED(),
        spell=TEXT(analyzer=CachedAnalyzer("fold"), spelling=True, phrase=False),
        carries=KEYWORD(commas=True),
        updated=ID(stored=True, sortable=True),
        draft=BOOLEAN(stored=True),
        **filters,
    )


def _text(doc: dict[str, Any]) -> str:
    return " ".join(filter(None, [doc["title"], doc["summary"], doc.get("body", "")]))


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    text = _text(doc)
    return {
        "id": doc["id"],
        "ref": ",".join([doc["id"], *doc.get("aliases", [])]),
        "title": doc["title"],
        "summary": doc["summary"],
        "content": text + " " + " ".join(doc.get("tags", [])),
        "hl": " ".join(filter(None, [doc["summary"], doc.get("body", "")])),
        "spell": text,
        **{f.name: ",".join(doc.get(f.name) or []) if f.multi else doc.get(f.name) or "" for f in FILTERS},
        "carries": ",".join(doc.get("carries", [])),
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
    if procs > 1:
        # Whoosh forks its writers as documents arrive: each one dies with this build, never lingers as an orphan.
        parent = os.getpid()
        util.register_after_fork(writer, lambda _writer: die_with_parent(parent))
    try:
        for doc in docs:
            writer.add_document(**_fields(doc))
        writer.commit()
    except BaseException:
        writer.cancel()
        _stop_writers(writer)
        raise
    forms: dict[str, Counter[str]] = {}
    _count_forms(forms, docs)
    _write_meta(target, synonyms, forms)


def _stop_writers(writer: Any) -> None:
    # MpWriter.cancel() only flags the parent's copies of its tasks: the forked writers would wait on their job queue
    # for ever, and the interpreter waits for them at exit.
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join()


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
