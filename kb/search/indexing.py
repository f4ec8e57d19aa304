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
from kb.content.filters import NAMES as FILTER_NAMES
from kb.procs import die_with_parent
from kb.search.analysis import FOLDED_STOPS, fold, folded_words, folding_analyzer, french_analyzer, title_key
from kb.search.snippets import QUOTES, TOKEN
from kb.search.steering import NAME_BONUS

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
    """Index schema: text fields by weight, the exact-title key, one slug field per filter (kb.content.filters)."""
    fr = CachedAnalyzer("fr")
    # A filter's field holds ids or fixed values; several per record (sectors, regions) as a comma list. The type is
    # stored too: a hit says what it is.
    filters = {f.name: KEYWORD(commas=True) if f.multi else ID(sortable=True, stored=f.name == "type") for f in FILTERS}
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),  # sortable: a column, for ties in date order
        ref=KEYWORD(lowercase=True, commas=True),
        # Weights: a word in a title counts most, then in a summary, then anywhere in the text; quotes least.
        title=TEXT(analyzer=fr, field_boost=3.0),
        name=STORED(),
        summary=TEXT(analyzer=fr, field_boost=1.5, phrase=False),
        content=TEXT(analyzer=fr),
        quotes=TEXT(analyzer=fr, field_boost=0.5),
        titlekey=KEYWORD(commas=True),  # the title's key, and an organisation's names': each typed whole is its title
        hl=STORED(),
        carries=KEYWORD(commas=True),
        updated=ID(stored=True, sortable=True),
        draft=BOOLEAN(stored=True),
        flagship=BOOLEAN(),
        **filters,
    )


def index_doc(kind: str, record_id: str, title: str, **fields: Any) -> dict[str, Any]:
    """An index document with every key the index reads (empty unless given): what a build hands to build_index.

    ``heading`` holds words shown with the title (a document's publisher and kind, « Région », a flagship's badge):
    they weigh like it; ``keywords`` (tags) are searched with the text; neither is shown in snippets. ``quotes`` (the
    sources' exact words) weigh least; ``sites`` are the hosts of its sources (never offered as spellings); filter
    values go under the filters' names; an empty ``updated`` sorts last by date; with ``by_id`` False, its id typed
    alone does not open it; ``steers``: names that, written in a query, steer it to this record's filter value (an
    organisation's name and short name: « que propose le Sénat » ranks the Sénat's records first); a ``hub`` (an
    organisation: its page lists what others say) is found by its names, typed whole or as words of the text, while
    its description weighs as little as a quote: « énergie » lists proposals before the pages of who made them.
    """
    doc: dict[str, Any] = {f.name: [] if f.multi else None for f in FILTERS}
    doc.update(id=record_id, type=kind, title=title, summary="", body="", heading=[], keywords=[], quotes=[], sites=[], aliases=[],
               carries=[], updated="", draft=False, flagship=False, by_id=True, steers=[], hub=False)
    unknown = set(fields) - set(doc)
    if unknown:
        raise TypeError(f"unknown index document keys: {sorted(unknown)}")
    doc.update(fields)
    return doc


def _text(doc: dict[str, Any]) -> str:
    return " ".join(filter(None, [doc["title"], doc["summary"], doc["body"]]))


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    text = _text(doc)
    hub = doc["hub"]
    return {
        "id": doc["id"],
        "ref": ",".join([doc["id"], *doc["aliases"]]) if doc["by_id"] else "",
        "title": " ".join([*([] if hub else [doc["title"]]), *doc["heading"]]),
        "name": doc["title"],
        "summary": "" if hub else doc["summary"],
        "content": " ".join([doc["title"], *doc["heading"]] if hub else [text, *doc["heading"], *doc["keywords"]]),
        "quotes": "\n".join([text, *doc["quotes"]] if hub else doc["quotes"]),
        # Its title typed whole, or one of the names that steer to it (an organisation's name or sigle): its own page.
        "titlekey": ",".join(dict.fromkeys(filter(None, map(title_key, [doc["title"], *doc["steers"]])))),
        # Snippets come from the record's own words, or else from its sources' quotes (after QUOTES).
        "hl": " ".join(filter(None, [doc["summary"], doc["body"]])) + (QUOTES + " … ".join(doc["quotes"]) if doc["quotes"] else ""),
        **{f.name: ",".join(doc[f.name] or []) if f.multi else doc[f.name] or "" for f in FILTERS},
        "carries": ",".join(doc["carries"]),
        "updated": doc["updated"],
        "draft": bool(doc["draft"]),
        "flagship": bool(doc["flagship"]),
    }


# Addresses and domain names written out in a text (« https://… », « bfc-industries.com »): never words to suggest.
_DOTTED = re.compile(r"\w\.\w|://")
_ADDRESS = re.compile(r"\w+://\S+|\w[\w-]*(?:\.\w[\w-]*)+")
# Words of letters only: not « cpme67 », « 3e ».
_LETTERS = re.compile(r"\b[^\W\d_]+\b")


def spell_words(doc: dict[str, Any]) -> list[str]:
    """The words of a record that « vouliez-vous dire » may offer: its own text, never a draft's.

    Left out: addresses and domain names, numbers, and the names of the sites its sources come from when written as
    in their address (« selon zepros »: a site, not a word of the language).
    """
    if doc["draft"]:
        return []
    text = " ".join([_text(doc), *doc["heading"], *doc["keywords"]])
    if _DOTTED.search(text):  # most texts have no address: skip the costlier pattern
        text = _ADDRESS.sub(" ", text)
    words = _LETTERS.findall(text)
    sites = {label for host in doc["sites"] for label in host.split(".")}
    return [w for w in words if w not in sites] if sites else words


def _count_forms(forms: dict[str, Counter[str]], docs: list[dict[str, Any]], sign: int = 1) -> None:
    """Count the written forms of each folded spelling word (to restore accents in suggestions); ``sign=-1`` uncounts."""
    written: Counter[str] = Counter()
    for doc in docs:
        written.update(spell_words(doc))  # counted in C; each distinct word is then lowered and folded once
    lowered: Counter[str] = Counter()
    for word, n in written.items():
        lowered[word.lower()] += n
    for lower, n in lowered.items():
        key = fold(lower)
        if key and key not in FOLDED_STOPS:  # too short or a stop word: never offered (nor searched)
            forms.setdefault(key, Counter())[lower] += sign * n


def steering(docs: list[dict[str, Any]]) -> list[list[Any]]:
    """The content's own steering words, ``[words, field, value, bonus]`` each (kb.search.steering): every name in
    an index document's ``steers`` (an organisation's name and sigle, folded) → the records filed under it."""
    return [[" ".join(folded_words(name)), kind, doc["id"], NAME_BONUS] for doc in docs
            if doc["steers"] and (kind := doc["type"]) in FILTER_NAMES for name in doc["steers"] if folded_words(name)]


def _write_meta(target: Path, synonyms: list[list[str]], forms: dict[str, Counter[str]], steering: list[list[Any]]) -> None:
    forms = {k: c for k, c in ((k, +c) for k, c in forms.items()) if c}
    accents = {folded: c.most_common(1)[0][0] for folded, c in forms.items()}
    meta = {"synonyms": synonyms, "accents": accents, "forms": forms, "steering": steering}
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
    """Write a complete index into an empty folder ``target`` (the caller swaps it in), with the content's own
    steering words (``steering``) beside the kinds' words that every build has."""
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
    _write_meta(target, synonyms, forms, steering(docs))


def _stop_writers(writer: Any) -> None:
    # MpWriter.cancel() only flags the parent's copies of its tasks: the forked writers would wait on their job queue
    # for ever, and the interpreter waits for them at exit.
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join()


def update_index(target: Path, changed: list[dict[str, Any]], deleted: list[str], old: list[dict[str, Any]]) -> None:
    """Re-index only the changed records in ``target``, a copy of the previous build's index (``old``: their previous versions)."""
    meta = json.loads((target / "kb-meta.json").read_text("utf-8"))
    forms = {k: Counter(v) for k, v in meta.get("forms", {}).items()}
    _commit(windex.open_dir(str(target)).writer(timeout=10.0), changed, deleted)
    _count_forms(forms, old, -1)
    _count_forms(forms, changed)
    # A changed organisation rebuilds everything (kb.builder.incremental): the steering names stay those of the copy.
    _write_meta(target, meta["synonyms"], forms, meta.get("steering", []))


def remove_index(path: Path) -> None:
    """Delete an index folder (a failed or superseded build)."""
    shutil.rmtree(path, ignore_errors=True)
