"""French search: folding, stemming, elision, synonyms, boosts, filters, facets, suggestions, id lookup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import search
from kb.pages.search import LISTED as RECORDS
from kb.search.analysis import EXACT_TITLE_BONUS, FLAGSHIP_BONUS, build_query, clean_query, stems
from kb.search.snippets import highlight, matcher
from kb.store import Layout
from tests.support.corpora import Built
from tests.support.search_reference import reference_search


@pytest.fixture(scope="module")
def idx(built: Built) -> Iterator[search.SearchIndex]:
    build_id = Layout(built.index_dir).current()
    assert build_id
    index = search.open_index(Layout(built.index_dir).index(build_id))
    yield index
    index.close()


def ids(idx: search.SearchIndex, q: str, **kw: object) -> list[str]:
    """The ids of proposals and actions found, as a results page lists them."""
    return [h.id for h in search.search(idx, q, listed=RECORDS, **kw).hits]  # type: ignore[arg-type]


def every(idx: search.SearchIndex, q: str, **kw: object) -> list[str]:
    """The ids of every kind of record found, in one ranking (as the API returns them)."""
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
    # The axis and the document themselves carry their own id: « type=axe & document=… » lists a document's axes.
    assert set(every(idx, "", filters={"axis": ["foncier-essai"]})) == {"foncier-essai", "pass-foncier", "implantation-normandie"}
    assert set(every(idx, "", filters={"document": ["livre-essai"], "type": ["axis"]})) == {"foncier-essai", "energie-essai"}
    assert ids(idx, "", filters={"axis": ["energie-essai"], "type": ["action"]}) == []
    assert ids(idx, "", filters={"horizon": ["long-terme"]}) == ["energie-locale"]
    ref = reference_search(idx, "", {"axis": ["foncier-essai"], "type": list(RECORDS)})
    assert set(ref["ids"]) == {"pass-foncier", "implantation-normandie"}


def test_updated_since_filter(idx: search.SearchIndex) -> None:
    assert set(ids(idx, "", filters={"updated_since": ["2025-11-21"]})) == {"energie-locale", "implantation-normandie"}
    assert ids(idx, "foncier", filters={"updated_since": ["2025-12-01"]}) == []
    ref = reference_search(idx, "", {"updated_since": ["2025-11-21"]})
    assert set(ref["ids"]) == {"energie-locale", "implantation-normandie"}


def test_facet_counts_cover_all_matches(idx: search.SearchIndex) -> None:
    res = search.search(idx, "", per_page=1, listed=RECORDS)
    assert res.total == 4 and len(res.hits) == 1
    # Listing proposals and actions, the type facet still counts every kind that matches.
    assert res.facets["type"] == {"proposal": 3, "action": 1, "document": 2, "axis": 3, "region": 2, "sector": 2, "organisation": 3}
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
    # Documents, axes, regions and sectors have no update date: by date, they come after every dated record.
    assert every(idx, "", sort="date", per_page=4) == order


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


# --- Every kind of record, ranked by intent --------------------------------------------------------------------------


def test_every_kind_of_record_is_found_and_says_its_type(idx: search.SearchIndex) -> None:
    found = {h.id: h.type for h in search.search(idx, "foncier", per_page=50).hits}
    assert found["foncier-essai"] == "axis" and found["pass-foncier"] == "proposal"
    assert {"livre-essai", "rapport-essai"} <= set(every(idx, "essai"))
    # An organisation's name finds it first (its title), then what it published: the record names the organisation.
    assert every(idx, "Institut d'essai")[:2] == ["institut-essai", "rapport-essai"]
    assert every(idx, "FEPE")[0] == "federation-essai"  # its short name is searched too
    assert every(idx, "rapport")[0] == "rapport-essai"  # and its kind (« Rapport »)
    assert every(idx, "Île-de-France") == ["ile-de-france"]  # a region with no record at all
    first = search.search(idx, "Chimie des matériaux").hits[0]
    assert (first.id, first.type) == ("chimie", "sector")
    assert every(idx, "région Normandie")[0] == "normandie"  # what its page is called


def test_a_query_that_is_a_whole_title_puts_that_record_first(idx: search.SearchIndex) -> None:
    # « Sécuriser l'énergie des industriels » says énergie too, in its title: the axis is the title typed.
    assert every(idx, "souveraineté énergétique")[0] == "energie-essai"
    assert every(idx, "acces au foncier")[0] == "foncier-essai"
    exact = search.search(idx, "Accès au foncier").hits[0]
    assert exact.score - EXACT_TITLE_BONUS > 0 and exact.title == "Accès au foncier"


def _tiny(tmp_path: Path, docs: list[dict[str, object]]) -> search.SearchIndex:
    search.build_index(docs, [], tmp_path / "ix")
    return search.open_index(tmp_path / "ix")


def test_a_mesure_phare_passes_a_peer_with_the_same_score(tmp_path: Path) -> None:
    same = {"summary": "Mobiliser les friches industrielles.", "updated": "2025-01-01"}
    idx = _tiny(tmp_path, [search.index_doc("proposal", "a-peer", "Friches", **same),
                           search.index_doc("proposal", "b-phare", "Friches", flagship=True, **same)])
    try:
        peer, phare = sorted(search.search(idx, "friches").hits, key=lambda h: h.id)
        assert [h.id for h in search.search(idx, "friches").hits] == ["b-phare", "a-peer"]
        assert phare.score - peer.score == pytest.approx(FLAGSHIP_BONUS)  # small: it only breaks ties
    finally:
        idx.close()


def test_source_quotes_are_searched_with_less_weight_than_the_text(tmp_path: Path) -> None:
    idx = _tiny(tmp_path, [
        search.index_doc("proposal", "cite", "Une mesure", summary="Rien.", quotes=["friches"]),
        search.index_doc("proposal", "ecrit", "Une autre mesure", summary="Rien.", body="friches " + "texte " * 20),
        # Long quotes elsewhere: the short quote is a strong match by length, yet weighs less than the text.
        search.index_doc("proposal", "autre", "Autre", summary="Rien.", quotes=["citation " * 30]),
    ])
    try:
        assert [h.id for h in search.search(idx, "friches").hits] == ["ecrit", "cite"]
    finally:
        idx.close()


def test_a_whole_title_outranks_a_record_that_repeats_the_words(tmp_path: Path) -> None:
    idx = _tiny(tmp_path, [
        search.index_doc("axis", "court", "Friches industrielles", summary="Un axe."),
        search.index_doc("proposal", "long", "Friches industrielles et friches urbaines", summary="Friches industrielles.",
                         body="Les friches industrielles, encore des friches industrielles."),
    ])
    try:
        plain = search.search(idx, "friches industrielles et urbaines")
        exact = search.search(idx, "friches industrielles")
        assert plain.hits[0].id == "long"  # the words alone favour the record that repeats them…
        assert [h.id for h in exact.hits] == ["court", "long"]  # … but the title typed whole comes first
        assert exact.hits[0].score > EXACT_TITLE_BONUS > exact.hits[1].score
    finally:
        idx.close()


def test_snippets_start_and_end_on_words_with_an_ellipsis_where_cut() -> None:
    text = ("Mesure phare du livre blanc de la CPME : confier aux collectivités un dispositif qui ouvre à l'industrie les "
            "terrains de moins de 2 hectares, aujourd'hui peu utilisés, pour aider les PMI à s'installer ou à agrandir "
            "leurs sites de production, ce que le texte ne détaille pas davantage.")
    snippet = highlight(text, matcher(set(stems("terrains")), set()), surround=60)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    inner = snippet[2:-2]
    assert inner[0].isalnum() and inner[-1].isalnum()  # never « : confier… », never a cut word
    assert all(word in text for word in re.sub(r"<[^>]+>", "", inner).split())
    assert highlight("Les terrains.", matcher(set(stems("terrains")), set())) == 'Les <mark class="match term0">terrains</mark>.'


def test_the_pages_shown_above_the_records_carry_no_snippet(idx: search.SearchIndex) -> None:
    # A results page names the documents and axes that match, without an extract: none is made for them.
    res = search.search(idx, "foncier", listed=RECORDS, aside=5, cache=False)
    assert res.aside and res.hits
    assert all(h.highlight == "" for h in res.aside) and any("<mark" in h.highlight for h in res.hits)
