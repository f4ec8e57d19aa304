"""Property-based tests of search: any query text parses, and any query with any filters, sort and page gives results.

Broken YAML is fuzzed in tests/content/test_yaml_fuzz.py."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import search
from kb.content.filters import NAMES
from kb.content.kinds import KINDS as RECORD_KINDS
from kb.search import searching
from kb.search.analysis import build_query, clean_query
from kb.store import Layout
from tests.support.corpora import Built

SYNONYMS = [["pmi", "pme", "tpe"], ["foncier", "terrain", "parcelle"], ["made in france", "fabriqué en france"]]
# Pieces of the query syntax and of the corpus vocabulary, so examples hit the parser's branches, not just noise.
PIECES = ['"', "(", ")", "-", "*", "OU", "OR", "ET", "AND", "|", "+", ":", "draft:true", "id:x", "foncier", "indus*", "a*", "fon*"]
PIECES += ["l'industrie", "coupe-file", "made in france", "pmi", "é", "\x00", "\u200b", "\ufeff", "%ZZ", "~2", "^3", "ﬁ", "Œ"]
QUERY_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=400),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
)
# Bounded for the suite; raise it for a longer hunt: KB_FUZZ_EXAMPLES=5000 pytest tests/search/test_query_fuzz.py
EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def index(built: Built) -> Iterator[search.SearchIndex]:
    """The test corpus's index, opened once."""
    idx = search.open_index(Layout(built.index_dir).index(Layout(built.index_dir).current() or ""))
    yield idx
    idx.close()


@FUZZ
@given(text=QUERY_TEXT)
def test_query_parser_never_raises(text: str) -> None:
    cleaned = clean_query(text)
    assert len(cleaned) <= 256 and "\x00" not in cleaned
    build_query(cleaned, SYNONYMS)
    build_query(text, SYNONYMS)  # even uncleaned text


@FUZZ
@given(
    text=QUERY_TEXT,
    filters=st.dictionaries(st.sampled_from(sorted(NAMES)), st.lists(st.text(max_size=12), max_size=3), max_size=3),
    sort=st.sampled_from(["relevance", "date", "", "zzz"]),
    page=st.integers(min_value=-(10**6), max_value=10**9),
)
def test_search_answers_any_text(index: search.SearchIndex, text: str, filters: dict[str, list[str]], sort: str, page: int) -> None:
    results = search.search(index, text, filters=filters, sort=sort, page=page)
    assert results.total >= 0
    assert len(results.hits) <= results.per_page
    assert 1 <= results.page <= searching.MAX_PAGE
    assert all(h.type in RECORD_KINDS for h in results.hits)
