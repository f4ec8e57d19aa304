"""Who proposes, in search (issue 24): an organisation's name steers a query to its records; the organisation and
scope filters; a region filter that keeps the national records. On the grown corpus (tests/data/grown/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kb import search
from kb.pages.search import LISTED
from kb.store import Layout
from tests.support.corpora import Built


@pytest.fixture(scope="module")
def idx(grown: Built) -> Iterator[search.SearchIndex]:
    layout = Layout(grown.index_dir)
    index = search.open_index(layout.index(layout.current() or ""))
    yield index
    index.close()


def found(idx: search.SearchIndex, q: str, **filters: list[str]) -> list[str]:
    return [h.id for h in search.search(idx, q, filters=filters or None, listed=LISTED, per_page=50).hits]  # type: ignore[arg-type]


def test_a_query_naming_an_organisation_ranks_its_records_first(idx: search.SearchIndex) -> None:
    # « foncier » alone: the federation's pass foncier first (its title says it); the institute's records follow.
    assert found(idx, "foncier")[0] == "pass-foncier"
    # Named, the institute's own proposal on the foncier comes first, though the federation's says foncier in its title.
    assert found(idx, "que propose l'Institut d'essai sur le foncier")[0] == "sanctuaire-foncier"
    # By its short name too; a co-published report is the federation's as well.
    assert set(found(idx, "FEPE électricité")) == {"energie-locale", "energie-commune"}


def test_a_name_steers_without_being_required(idx: search.SearchIndex) -> None:
    # The name is not asked of the records (the federation's proposals need not say « FEPE »): they come first, and
    # the others that answer the other words follow.
    found_ids = found(idx, "FEPE foncier")
    assert found_ids[0] == "pass-foncier" and "sanctuaire-foncier" in found_ids
    assert found_ids.index("pass-foncier") < found_ids.index("sanctuaire-foncier")
    # The institute proposes nothing on apprenticeship: the federation's proposal is listed all the same.
    assert "apprentissage-usine" in found(idx, "Institut d'essai apprentissage")


@pytest.mark.parametrize("q", ["FEPE OU institut", "fepe zzzqqq", "FEPE -foncier", '"FEPE" foncier', "FEPE*"])
def test_organisation_names_in_any_query_syntax_never_fail(idx: search.SearchIndex, q: str) -> None:
    # The any-word retry nests the name's arm in an Or: Whoosh flattened it and failed (ConstantScoreQuery has no boost).
    res = search.search(idx, q, listed=LISTED)
    assert res.total >= 0


def test_the_organisation_filter_includes_its_unions_and_co_published_documents(idx: search.SearchIndex) -> None:
    fed = set(found(idx, "", organisation=["federation-essai"]))
    assert {"pass-foncier", "apprentissage-usine", "energie-commune", "implantation-normandie", "formation-idf"} <= fed
    assert "sanctuaire-foncier" not in fed
    assert set(found(idx, "", organisation=["federation-essai-idf"])) == {"formation-idf"}
    inst = set(found(idx, "", organisation=["institut-essai"]))
    assert {"sanctuaire-foncier", "foncier-institut", "energie-commune"} <= inst and "pass-foncier" not in inst
    # Two values: either.
    assert set(found(idx, "", organisation=["federation-essai-idf", "institut-essai"])) == inst | {"formation-idf"}


def test_a_region_keeps_the_national_records_and_the_scope_filter_splits_them(idx: search.SearchIndex) -> None:
    normandie = set(found(idx, "", region=["normandie"]))
    assert {"pass-foncier", "implantation-normandie", "energie-locale"} <= normandie
    assert "formation-idf" not in normandie
    assert set(found(idx, "", region=["normandie"], scope=["regional"])) == {"implantation-normandie", "energie-locale"}
    national = set(found(idx, "", scope=["national"]))
    assert "pass-foncier" in national and not national & {"implantation-normandie", "energie-locale", "formation-idf"}


def test_facet_counts_follow_the_national_rule(idx: search.SearchIndex) -> None:
    res = search.search(idx, "", filters={"type": ["proposal"]}, listed=LISTED)
    national = res.facets["scope"]["national"]
    # The Normandie count is its own proposal plus every national one, as the filter lists them.
    assert res.facets["region"]["normandie"] == national + 1
    filtered = search.search(idx, "", filters={"type": ["proposal"], "region": ["normandie"]}, listed=LISTED)
    assert filtered.total == national + 1
    assert res.facets["organisation"]["federation-essai"] == len(found(idx, "", type=["proposal"], organisation=["federation-essai"]))
