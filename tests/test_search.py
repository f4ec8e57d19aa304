"""French search: folding, stemming, elision, synonyms, boosts, filters, facets, suggestions, id lookup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kb import search
from kb.search.analysis import build_query, clean_query, stems
from kb.store import Layout

from .conftest import Built
from .search_reference import reference_search


@pytest.fixture(scope="module")
def idx(built: Built) -> Iterator[search.SearchIndex]:
    build_id = Layout(built.index_dir).current()
    assert build_id
    index = search.open_index(Layout(built.index_dir).index(build_id))
    yield index
    index.close()


def ids(idx: search.SearchIndex, q: str, **kw: object) -> list[str]:
    return [h.id for h in search.search(idx, q, **kw).hits]  # type: ignore[arg-type]


def test_accents_do_not_matter(idx: search.SearchIndex) -> None:
    assert ids(idx, "energie") == ids(idx, "énergie") == ["energie-locale"]
    assert ids(idx, "REINDUSTRIALISATION") == ["pass-foncier"]


def test_stemming_and_prefix_arm_join_word_forms(idx: search.SearchIndex) -> None:
    # « industrie » → industr, « industriels » → industriel: the prefix arm joins them.
    assert set(ids(idx, "industrie")) == {"energie-locale", "sanctuaire-foncier", "pass-foncier"}
    assert "sanctuaire-foncier" in ids(idx, "foncière")


def test_elision_and_stop_words(idx: search.SearchIndex) -> None:
    assert stems("l'industrie") == stems("industrie")
    assert stems("les cette plus dont") == ()
    assert ids(idx, "l'énergie") == ["energie-locale"]


def test_synonyms_from_the_content_folder(idx: search.SearchIndex) -> None:
    # "terrain" is only a synonym of "foncier" in synonyms.yaml; "PME" of "PMI".
    assert set(ids(idx, "terrain")) == {"pass-foncier", "sanctuaire-foncier"}
    assert set(ids(idx, "PME")) == {"pass-foncier", "implantation-normandie"}


def test_title_outranks_summary(idx: search.SearchIndex) -> None:
    # « implantation » is in the action's title, and only in pass-foncier's summary and tags.
    assert ids(idx, "implantation") == ["implantation-normandie", "pass-foncier"]


def test_filters_combine_within_and_across_facets(idx: search.SearchIndex) -> None:
    assert set(ids(idx, "", filters={"type": ["proposal"]})) == {"pass-foncier", "energie-locale", "sanctuaire-foncier"}
    assert ids(idx, "", filters={"region": ["normandie"], "type": ["action"]}) == ["implantation-normandie"]
    assert set(ids(idx, "", filters={"document": ["livre-essai", "rapport-essai"], "type": ["proposal"]})) == {
        "pass-foncier",
        "energie-locale",
        "sanctuaire-foncier",
    }
    assert ids(idx, "", filters={"sector": ["chimie"], "type": ["proposal"]}) == ["energie-locale"]


def test_actions_meet_document_axis_and_horizon_through_carried_proposals(idx: search.SearchIndex) -> None:
    # implantation-normandie carries pass-foncier (livre-essai, axis foncier-essai, no horizon), as the API lists do.
    assert set(ids(idx, "", filters={"axis": ["foncier-essai"]})) == {"pass-foncier", "implantation-normandie"}
    assert set(ids(idx, "", filters={"document": ["livre-essai"]})) == {"pass-foncier", "energie-locale", "implantation-normandie"}
    assert ids(idx, "", filters={"axis": ["energie-essai"], "type": ["action"]}) == []
    assert ids(idx, "", filters={"horizon": ["long-terme"]}) == ["energie-locale"]
    ref = reference_search(idx, "", {"axis": ["foncier-essai"]})
    assert set(ref["ids"]) == {"pass-foncier", "implantation-normandie"}


def test_updated_since_filter(idx: search.SearchIndex) -> None:
    assert set(ids(idx, "", filters={"updated_since": ["2025-11-21"]})) == {"energie-locale", "implantation-normandie"}
    assert ids(idx, "foncier", filters={"updated_since": ["2025-12-01"]}) == []
    ref = reference_search(idx, "", {"updated_since": ["2025-11-21"]})
    assert set(ref["ids"]) == {"energie-locale", "implantation-normandie"}


def test_facet_counts_cover_all_matches(idx: search.SearchIndex) -> None:
    res = search.search(idx, "", per_page=1)
    assert res.total == 4 and len(res.hits) == 1
    assert res.facets["type"] == {"proposal": 3, "action": 1}
    assert res.facets["sector"] == {"automobile": 2, "chimie": 2}
    assert res.facets["horizon"] == {"long-terme": 1, "court-terme": 1}


def test_highlights_mark_the_accented_original(idx: search.SearchIndex) -> None:
    hit = search.search(idx, "reindustrialisation").hits[0]
    assert "<mark" in hit.highlight and "réindustrialisation" in hit.highlight.lower()


def test_spelling_suggestion_restores_accents(idx: search.SearchIndex) -> None:
    res = search.search(idx, "reindustrialsation")
    assert res.total == 0
    assert res.suggestion == "réindustrialisation"
    assert search.search(idx, "industrie").suggestion is None


def test_id_and_alias_lookup_comes_first(idx: search.SearchIndex) -> None:
    res = search.search(idx, "ancien-pass-foncier")
    assert res.exact == "pass-foncier" and res.hits[0].id == "pass-foncier" and res.total == 1
    assert search.search(idx, "energie-locale").hits[0].id == "energie-locale"


def test_date_sort_and_pagination(idx: search.SearchIndex) -> None:
    order = ids(idx, "", sort="date")
    assert order == ["energie-locale", "implantation-normandie", "pass-foncier", "sanctuaire-foncier"]
    assert ids(idx, "", page=2, per_page=2) == order[2:]


@pytest.mark.parametrize(
    "hostile", ['"non fermé', "((", "AND OR", "*", "a*", "title:secret", "x" * 10_000, "\x00foncier", "- -", "OU", '""']
)
def test_hostile_queries_never_raise(idx: search.SearchIndex, hostile: str) -> None:
    res = search.search(idx, hostile)
    assert res.total >= 0
    assert len(res.query) <= 256 and "\x00" not in res.query


def test_field_syntax_cannot_reach_internal_fields() -> None:
    q = build_query("draft:true", [])
    assert q is not None and "draft" not in {f for f, _ in q.iter_all_terms()}


def test_one_letter_prefix_is_ignored() -> None:
    assert build_query("a*", []) is None
    assert clean_query("  a\tb\x00c  ") == "a b c"


def test_synonym_words_are_never_called_misspelt(idx: search.SearchIndex) -> None:
    # « made » appears in no record, only in synonyms.yaml: no « vouliez-vous dire » for it.
    assert search.search(idx, "made in france").suggestion is None
