"""The search fast paths give the same answers as plain Whoosh: result cache, bitmap facets, cached leaf scores."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import create_app, search
from kb.builder import build
from kb.content.demo import read_queries, write_corpus
from kb.http.context import current as state
from kb.pages.search import LISTED as RESULT_KINDS
from kb.search import searching
from kb.search.indexing import CachedAnalyzer
from kb.store import Layout, make_engine
from tests.support.corpora import Built, build_corpus
from tests.support.search_reference import reference_search

QUERIES = Path(__file__).resolve().parents[2] / "bench" / "queries.txt"


def _queries() -> list[tuple[str, dict[str, list[str]]]]:
    return read_queries(QUERIES)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Built:
    src = tmp_path_factory.mktemp("demo-src")
    write_corpus(src, 300, seed=5)
    return build_corpus(src, tmp_path_factory.mktemp("demo-built"))


def _open(built: Built) -> search.SearchIndex:
    build_id = Layout(built.index_dir).current()
    assert build_id
    return search.open_index(Layout(built.index_dir).index(build_id))


@pytest.fixture(scope="module")
def demo_idx(demo: Built) -> Iterator[search.SearchIndex]:
    idx = _open(demo)
    yield idx
    idx.close()


@pytest.fixture(scope="module")
def test_idx(built: Built) -> Iterator[search.SearchIndex]:
    idx = _open(built)
    yield idx
    idx.close()


CASES = [(q, f) for q, f in _queries()[::4]] + [
    ("", {}),
    ("", {"sector": ["automobile", "energie"], "type": ["proposal"]}),
    ("-foncier", {}),
    ('"commande publique"', {}),
    ("usine OU atelier", {"region": ["bretagne"]}),
    ("indus*", {}),
]


def test_fast_path_equals_plain_whoosh_on_a_demo_corpus(demo_idx: search.SearchIndex) -> None:
    checked = 0
    for text, filters in CASES:
        fast = search.search(demo_idx, text, filters=filters, cache=False)
        ref = reference_search(demo_idx, text, filters)
        assert fast.total == ref["total"], text
        assert fast.facets == ref["facets"], text
        if text and not fast.exact:
            assert [h.id for h in fast.hits] == ref["ids"], text
        checked += fast.total > 0
    assert checked > len(CASES) // 2  # most cases match something: the comparison is not vacuous


def test_fast_path_equals_plain_whoosh_on_the_test_corpus_with_drafts(test_idx: search.SearchIndex) -> None:
    for text in ["", "foncier", "industrie", "énergie", "PME", "-foncier"]:
        for drafts in (False, True):
            fast = search.search(test_idx, text, show_drafts=drafts, cache=False)
            ref = reference_search(test_idx, text, {}, show_drafts=drafts)
            assert (fast.total, fast.facets) == (ref["total"], ref["facets"])
            if text:
                assert [h.id for h in fast.hits] == ref["ids"]


def test_listing_some_kinds_equals_filtering_on_them(demo_idx: search.SearchIndex) -> None:
    # « listed »: hits, total and facets of these kinds only, as a type filter gives them; the type facet counts all.
    for text, filters in CASES:
        kinds = [k for k in filters.get("type", RESULT_KINDS) if k in RESULT_KINDS]
        listed = search.search(demo_idx, text, filters=filters, listed=RESULT_KINDS, cache=False)
        ref = reference_search(demo_idx, text, {**filters, "type": kinds})
        assert listed.total == ref["total"], text
        assert {k: v for k, v in listed.facets.items() if k != "type"} == {k: v for k, v in ref["facets"].items() if k != "type"}
        # The type facet: every kind's full matches, and every kind's partial ones when the listed kinds' are too few.
        every = reference_search(demo_idx, text, filters, limit=10**6)
        partial = Counter(demo_idx.searcher.stored_fields(demo_idx.searcher.document_number(id=i))["type"] for i in every["partial"])
        assert listed.facets["type"] == dict(Counter(every["type_full"]) + (partial if ref["filled"] else Counter())), text
        if text and not listed.exact:
            assert [h.id for h in listed.hits] == ref["ids"], text


def test_a_whole_title_and_a_flagship_rank_as_plain_whoosh_ranks_them(demo: Built, demo_idx: search.SearchIndex) -> None:
    titles = [line[len("title: "):].strip().strip('"') for path in sorted((demo.data_dir / "proposals").glob("*.yaml"))[:30]
              for line in path.read_text("utf-8").splitlines() if line.startswith("title: ")]
    for title in titles[:10]:
        fast = search.search(demo_idx, title, cache=False)
        assert [h.id for h in fast.hits] == reference_search(demo_idx, title, {})["ids"], title
        assert fast.hits[0].title == title  # the record whose whole title is the query comes first


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each search the engine really computes (a cached answer computes nothing)."""
    computed: list[str] = []
    real = searching._search

    def counted(idx: search.SearchIndex, text: str, *args: object) -> search.Results:
        computed.append(text)
        return real(idx, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(searching, "_search", counted)
    return computed


def test_cached_results_equal_uncached_and_are_private_copies(demo_idx: search.SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_idx.cache.clear()
    computed = _counting(monkeypatch)
    for text, filters in CASES[:20]:
        for page, sort in ((1, "relevance"), (2, "relevance"), (1, "date")):
            first = search.search(demo_idx, text, filters=filters, page=page, per_page=5, sort=sort)
            again = search.search(demo_idx, text, filters=filters, page=page, per_page=5, sort=sort)
            plain = search.search(demo_idx, text, filters=filters, page=page, per_page=5, sort=sort, cache=False)
            assert first == again == plain
    assert len(computed) == 2 * 60  # each first and each uncached search computed; every repeat was answered from the cache
    # A caller changing its answer does not change the cached one.
    res = search.search(demo_idx, "usine")
    res.hits.clear()
    res.facets["type"]["proposal"] = -1
    assert search.search(demo_idx, "usine") == search.search(demo_idx, "usine", cache=False)
    # Equivalent spellings of one query share an answer (normalised key).
    computed.clear()
    assert search.search(demo_idx, "  usine ", filters={"type": []}) == search.search(demo_idx, "usine")
    assert computed == []


def test_leaf_cache_eviction_keeps_answers_right(demo_idx: search.SearchIndex) -> None:
    expected = [search.search(demo_idx, q, filters=f, cache=False) for q, f in CASES]
    # Caches far too small for these queries: leaves and phrases are evicted (or refused) all the time.
    tight = search.open_index(demo_idx.path, search.Shared.bounded(results=1, leaves=600, phrases=12))
    try:
        for _round in range(2):
            assert [search.search(tight, q, filters=f) for q, f in CASES] == expected
    finally:
        tight.close()


def test_highlights_escape_text_and_mark_accented_words(demo_idx: search.SearchIndex) -> None:
    hit = search.search(demo_idx, "electricite", cache=False).hits[0]
    assert '<mark class="match term0">électricité</mark>' in hit.highlight.lower()
    from kb.search.snippets import highlight, matcher

    html = highlight("<b>usine</b> & atelier", matcher({"usin"}, set()))
    assert html == '&lt;b&gt;<mark class="match term0">usine</mark>&lt;/b&gt; &amp; atelier'


def test_a_new_build_never_answers_from_the_old_build_s_cache(fresh: Built) -> None:
    app = create_app(fresh.config())

    def titles(text: str) -> dict[str, str]:
        with app.test_request_context("/"):
            index = state().index
            assert index is not None
            return {h.id: h.title for h in search.search(index, text).hits}

    assert titles("industriel")["sanctuaire-foncier"].startswith("Sanctuariser le foncier")  # now cached for this build
    path = fresh.data_dir / "proposals" / "sanctuaire-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Sanctuariser le foncier", "Protéger les zones"), "utf-8")
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, fresh.index_dir).ok
    engine.dispose()
    assert titles("industriel")["sanctuaire-foncier"].startswith("Protéger les zones")
    assert list(titles("protéger zones")) == ["sanctuaire-foncier"]


def test_cached_analyzer_gives_the_chain_s_terms_and_positions(demo: Built) -> None:
    from kb.search.analysis import folding_analyzer, french_analyzer

    texts = [p.read_text("utf-8") for p in sorted((demo.data_dir / "proposals").glob("*.yaml"))[:40]]
    texts += ["L'industrie d'aujourd'hui, c'est 3.5 % de l'économie : « Fabriqué en France » ! a b c", "", "les de la", "x" * 300]
    for kind, chain in (("fr", french_analyzer()), ("fold", folding_analyzer())):
        fast = CachedAnalyzer(kind)
        for text in texts:
            for positions in (True, False):
                got = [(t.text, t.pos if positions else None) for t in fast(text, positions=positions, mode="index")]
                want = [(t.text, t.pos if positions else None) for t in chain(text, positions=positions, mode="index")]
                assert got == want
        # Anything but indexing runs the original chain (queries, highlights).
        assert [t.text for t in fast("Énergies", mode="query")] == [t.text for t in chain("Énergies", mode="query")]


def test_date_order_equals_sorting_every_match_by_date(demo_idx: search.SearchIndex) -> None:
    updated = demo_idx.columns.updated
    searcher = demo_idx.searcher
    for text in ["", "usine", "foncier industrie", "énergie"]:
        every = reference_search(demo_idx, text, {}, limit=10**6, fill=False)["ids"] if text else None
        docs = [searcher.document_number(id=i) for i in every] if every is not None else list(range(len(updated)))
        live = [d for d in docs if d is not None and not demo_idx.columns.drafts >> d & 1 and demo_idx.columns.live >> d & 1]
        # Newest first, undated records (documents, axes, regions, sectors) last, ties by id (as the database lists).
        ids = {d: searcher.stored_fields(d)["id"] for d in live}
        expected = sorted(live, key=lambda d: (not updated[d], tuple(-ord(c) for c in updated[d]), ids[d]))[:40]
        got = search.search(demo_idx, text, sort="date", per_page=40, cache=False)
        assert got.total == len(live) and len(got.hits) == min(40, len(live)) > 0
        assert [h.id for h in got.hits] == [searcher.stored_fields(d)["id"] for d in expected], text


def test_threads_share_one_set_of_caches_and_answer_as_one_thread(demo_idx: search.SearchIndex) -> None:
    import threading

    expected = [search.search(demo_idx, q, filters=f, cache=False) for q, f in CASES]
    # Tight bounds: the threads evict each other's leaves and results all the time.
    shared = search.Shared.bounded(results=5, leaves=5_000, phrases=600)
    indexes = [search.open_index(demo_idx.path, shared) for _ in range(4)]
    answers: list[list[search.Results]] = [[] for _ in indexes]
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for round_ in range(3):
                order = CASES if (n + round_) % 2 else CASES[::-1]
                got = {(q, str(f)): search.search(indexes[n], q, filters=f) for q, f in order}
                answers[n].append([got[(q, str(f))] for q, f in CASES])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(indexes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(run == expected for runs in answers for run in runs)
    for idx in indexes:
        idx.searcher.close()


def test_the_threads_of_a_worker_share_the_build_s_caches(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    app = create_app(built.config())
    computed = _counting(monkeypatch)
    answers: list[search.Results] = []

    def request() -> None:
        with app.test_request_context("/"):
            index = state().index
            assert index is not None
            answers.append(search.search(index, "foncier énergie terrain"))

    for _ in range(2):
        t = threading.Thread(target=request)
        t.start()
        t.join()
    assert len(answers) == 2 and answers[0] == answers[1]
    assert computed == ["foncier énergie terrain"]  # the second thread's search was answered from the first one's


def test_a_searcher_reads_the_index_through_its_map_without_copying_it(demo: Built) -> None:
    import tracemalloc

    path = Layout(demo.index_dir).index(Layout(demo.index_dir).current() or "")
    search.open_index(path).close()  # Whoosh's modules imported: what follows is the opening alone
    size = sum(f.stat().st_size for f in path.glob("*.seg"))
    tracemalloc.start()
    try:
        idx = search.open_index(path)
        held = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Whoosh's BufferFile copied the postings and term files into a BytesIO, for every searcher of every thread.
    assert held < size / 4, (held, size)
    other = _open(demo)
    assert search.search(idx, "usine", cache=False) == search.search(other, "usine", cache=False)
    idx.close()
    other.close()


def test_highlighted_words_are_the_tokens_that_match(demo_idx: search.SearchIndex) -> None:
    """The words a snippet marks are found as before (each token tested in turn), for every bench query and record."""
    from kb.search.analysis import build_query
    from kb.search.snippets import TOKEN, matcher, matching_spans

    texts = [demo_idx.searcher.stored_fields(d)["hl"] for d in range(demo_idx.searcher.doc_count_all())]
    compared = 0
    for text, _filters in _queries()[::2]:
        parsed = build_query(text, demo_idx.synonyms)
        if parsed is None:
            continue
        match = matcher(*searching._highlight_terms(parsed))
        for hl in texts:
            assert matching_spans(hl, match) == [(m.start(), m.end()) for m in TOKEN.finditer(hl) if match(m.group())]
            compared += 1
    assert compared > 10_000


def test_phrases_match_and_score_as_whoosh_computes_them(demo_idx: search.SearchIndex) -> None:
    """Every pair and triple of consecutive words of some records, as a phrase in each text field (boosted or not, a
    word repeated): the same documents and the same float scores as Whoosh's own phrase matcher."""
    from whoosh import query as wq

    from kb.search.engine import ranking

    searcher = demo_idx.searcher
    analyzer = searcher.schema["content"].analyzer
    phrases: set[tuple[str, ...]] = set()
    for d in range(0, searcher.doc_count_all(), 7):
        terms = [t.text for t in analyzer(searcher.stored_fields(d)["hl"])]
        phrases |= {tuple(terms[i : i + n]) for n in (2, 3) for i in range(0, len(terms) - n, 11)}
    phrases |= {("foncier", "foncier"), ("industriel",), ("mot-absent", "foncier")}
    compared = 0
    for words in sorted(phrases):
        for field in ("title", "content", "quotes"):  # the text fields with positions (summary has none: no phrase)
            for boost in (1.0, 0.5):
                q = wq.Phrase(field, list(words), boost=boost)
                leaf, weight = ranking._leaf(demo_idx, q)
                m = q.matcher(searcher, searcher.context(weighting=searcher.weighting))
                expected = {}
                while m.is_active():
                    expected[m.id()] = m.score()
                    m.next()
                assert weight == 1.0 and leaf.scores() == expected, (field, words, boost)
                compared += bool(expected)
    assert compared > 200


@pytest.mark.parametrize("size", [0, 1, 8, 255, 256, 257, 3000])
def test_bitmaps_and_docnums_round_trip_on_either_side_of_the_c_path(size: int) -> None:
    import random

    from kb.search.engine.columns import bits, docnums

    rng = random.Random(size)
    docs = sorted(rng.sample(range(size * 3 + 1), size))
    bitmap = bits(docs)
    assert bitmap == sum(1 << d for d in docs) == bits(iter(docs))
    assert docnums(bitmap) == docs


def test_more_like_this_ranks_as_whoosh_scores_the_weighted_key_words(demo_idx: search.SearchIndex) -> None:
    """« More like this » (boosted words whose leaves are shared, unboosted, with searches): the same records in the same
    order as Whoosh's own search of the same weighted words."""
    from whoosh import query as wq

    searcher = demo_idx.searcher
    checked = 0
    for d in range(0, searcher.doc_count_all(), 9):
        fields = searcher.stored_fields(d)
        if fields["type"] not in ("proposal", "action"):
            continue
        text = fields["hl"]
        got = search.more_like(demo_idx, fields["id"], text, limit=8, show_drafts=True)
        terms = searcher.key_terms_from_text("content", text, numterms=12, normalize=True)
        q = wq.Or([wq.Term("content", word, boost=weight) for word, weight in terms])
        ranked = [h["id"] for h in searcher.search(q, limit=None) if h["id"] != fields["id"]]
        assert got == ranked[:8], fields["id"]
        checked += 1
    assert checked > 20


def test_pruned_top_ranks_as_rank_scores_every_document(demo_idx: search.SearchIndex) -> None:
    """kb.search.engine.topk.top (documents of light words alone never scored) gives rank's answer, scores and ties
    included, for every record's « more like this » query and for plain searches, at several page sizes; and it does
    prune (fewer documents scored than matched) on some of them."""
    from whoosh import query as wq

    from kb.search.engine import match_bits, rank, top, topk

    searcher = demo_idx.searcher
    pruned = compared = 0
    queries = []
    for d in range(searcher.doc_count_all()):
        fields = searcher.stored_fields(d)
        if fields["type"] in ("proposal", "action"):
            terms = searcher.key_terms_from_text("content", fields["hl"], numterms=12, normalize=True)
            queries.append((d, wq.Or([wq.Term("content", word, boost=weight) for word, weight in terms])))
    plain = (["usine", "foncier"], ["énergie"], ["pme", "industrie", "export"])
    queries += [(None, wq.Or([wq.Term("content", w) for w in words])) for words in plain]
    scored: list[int] = []
    original = topk.totals

    def counted(matched: int, scoring: list) -> dict[int, float]:  # what top scores
        found = original(matched, scoring)
        scored.extend(found)
        return found

    topk.totals = counted
    try:
        for self_doc, q in queries:
            scoring: list = []
            matched = match_bits(demo_idx, q, scoring)
            if self_doc is not None:
                matched &= ~(1 << self_doc)
            for limit in (1, 5, 8, 20):
                scored.clear()
                assert top(matched, scoring, limit) == rank(matched, scoring, limit), (self_doc, limit)
                compared += 1
                pruned += len(set(scored)) < matched.bit_count()
    finally:
        topk.totals = original
    assert compared > 400 and pruned > compared // 4


def test_a_matcher_judges_the_words_stemmed_after_it_was_made() -> None:
    """Words first met by another matcher, or after this one read its terms' words, are judged all the same."""
    from kb.search.snippets import matcher

    first, second = matcher({"usin"}, set()), matcher({"ateli"}, set())
    assert first.among({"usines", "ateliers", "zzq-mot"}) == {"usines"}
    assert second.among({"ateliers", "usines"}) == {"ateliers"}  # « ateliers » was stemmed by the first matcher
    assert first.among({"usine", "atelier"}) == {"usine"}  # « usine » stemmed since: judged by the first all the same
    # A prefix (« fonci… »): the words whose stems it starts, met before or after.
    prefixed = matcher(set(), {"fonci"})
    assert prefixed.among({"foncière", "fondation"}) == {"foncière"}
    assert prefixed.among({"fonciers", "foncière", "fond"}) == {"fonciers", "foncière"}
    assert matcher(set(), {"fo"}).among({"foncière", "usines"}) == {"foncière"}  # shorter than HEAD: word by word


def test_a_text_met_before_is_highlighted_from_the_words_that_match() -> None:
    """The second time a text is highlighted (by any query), its matches come from one pattern of the words that match
    (Matcher.spans): the same spans as tokenizing it, whole tokens only, words stemmed since included."""
    from kb.search import snippets
    from kb.search.snippets import TOKEN, matcher, matching_spans

    text = "Usines, usinage et _usine ; l'usine-école, USINE2 et usine."
    first = matcher({"usin"}, set())
    expected = [(m.start(), m.end()) for m in TOKEN.finditer(text) if first(m.group())]
    assert matching_spans(text, matcher({"usin"}, set())) == expected  # met now: tokenized
    assert hash(text) in snippets._TOKENIZED
    second = matcher({"usin"}, set())
    assert matching_spans(text, second) == expected and second._pattern is not None  # the pattern's way
    # A word first met after the pattern was made is found all the same.
    later = "On usinait des Usinés."
    assert matching_spans(later, matcher({"usin"}, set())) == [(3, 10), (15, 21)]  # met now, by another query
    assert matching_spans(later, second) == [(3, 10), (15, 21)]  # known: the pattern is made again with them
