"""Facet links built the fast way equal the plain SearchState way, for any state and value."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kb.pages import query as facets

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
FILTERS = st.lists(
    st.tuples(st.sampled_from(list(facets.PARAMS)), st.lists(TEXT.filter(bool), min_size=1, max_size=3, unique=True)),
    max_size=4,
    unique_by=lambda pair: pair[0],
)


@st.composite
def states(draw: st.DrawFn) -> facets.SearchState:
    chosen = dict((p, tuple(v)) for p, v in draw(FILTERS))
    ordered = tuple((p, chosen[p]) for p in facets.PARAMS if p in chosen)
    more = tuple(p for p in facets.PARAMS if p in draw(st.sets(st.sampled_from(list(facets.PARAMS)), max_size=2)))
    return facets.SearchState(draw(TEXT), ordered, draw(st.sampled_from(["", "date", "pertinence"])), draw(st.integers(1, 9)), more)


@given(states(), st.sampled_from(list(facets.PARAMS)), TEXT.filter(bool), st.sampled_from(["/recherche", "/axes/a b"]))
def test_adder_equals_adding_then_url(state: facets.SearchState, param: str, value: str, path: str) -> None:
    if value in state.values(param):
        return
    assert state.adder(param, path)(value) == state.adding(param, value).url(path)


def test_adder_on_a_typical_state() -> None:
    state = facets.SearchState("usine & énergie", (("type", ("proposition",)), ("region", ("normandie",))), "date", 3)
    url = state.adder("axe", "/recherche")("souveraineté")
    assert url == "/recherche?q=usine+%26+%C3%A9nergie&type=proposition&axe=souverainet%C3%A9&region=normandie&tri=date"
    assert url == state.adding("axe", "souveraineté").url("/recherche")


def test_unfolded_facets_are_read_kept_in_the_address_and_dropped_when_a_filter_changes() -> None:
    allowed = {p: {"a": "A", "b": "B"} for p in facets.PARAMS}
    state = facets.parse({"q": ["usine"], "tout": ["region", "axe", "axe"], "page": ["2"]}, allowed)
    # In the filters' order, once each, after the sort and before the page.
    assert state.more == ("axe", "region")
    assert state.url("/recherche") == "/recherche?q=usine&tout=axe&tout=region&page=2"
    assert state.unfolding("axe", False).more == ("region",)
    assert state.unfolding("organisation").more == ("organisation", "axe", "region")
    # Choosing or removing a value starts again from page 1 with every facet folded (the chosen value is always shown).
    assert state.adding("axe", "a").more == () and state.adder("axe", "/recherche")("a") == "/recherche?q=usine&axe=a"
    assert state.adding("axe", "a").removing("axe", "a").more == ()


def test_unfolding_a_facet_that_does_not_exist_is_a_french_400_message() -> None:
    allowed = {p: {} for p in facets.PARAMS}
    try:
        facets.parse({"tout": ["<script>"]}, allowed)
    except facets.BadParam as exc:
        assert str(exc) == "« tout=<script> » ne nomme aucun filtre de la recherche."
    else:
        raise AssertionError("tout=<script> was accepted")
