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
    return facets.SearchState(draw(TEXT), ordered, draw(st.sampled_from(["", "date", "pertinence"])), draw(st.integers(1, 9)))


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
