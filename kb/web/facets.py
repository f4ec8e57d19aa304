"""Facet and removal links of a results page (the search state and its URL grammar: kb.pages.query)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kb.content.filters import BY_PARAM
from kb.pages.query import PARAMS, TITLES, SearchState, collation_key

# A facet of more than FOLD_ABOVE values (axes, organisations, regions as content grows) shows its SHOWN most frequent
# (and any active one) with a link to them all (« tout=axe »), as Datasette folds its facets: a list of 200 axes
# (40 documents) buried the other facets on a phone, and building and printing their links was a third of an
# uncached results page at 10,000 records (bench/README.md). Up to FOLD_ABOVE, all are shown (never « 1 more »).
SHOWN = 10
FOLD_ABOVE = 12


@dataclass
class FacetValue:
    """One facet link: its label, count, whether it is active, and the URL that adds (or removes) it."""

    value: str
    label: str
    count: int
    active: bool
    href: str


@dataclass
class FacetGroup:
    """The values of one facet: all of them in French order, or, folded, the most frequent first.

    ``count`` is how many values the facet has; ``toggle`` the address that unfolds it (``hidden`` values are not
    shown) or folds it again (all shown, ``hidden`` 0), empty when the facet is short enough to show whole.
    """

    param: str
    title: str
    values: list[FacetValue]
    count: int = 0
    hidden: int = 0
    toggle: str = ""


def groups(
    state: SearchState,
    counts: Mapping[str, Mapping[str, int]],
    allowed: Mapping[str, Mapping[str, str]],
    path: str,
    skip: str | None = None,
) -> list[FacetGroup]:
    """Facet groups with counts; each value links to the state with it added, or removed when active; long facets
    are folded unless the state unfolds them."""
    out = []
    for param, name in PARAMS.items():
        if param == skip:
            continue
        labels = allowed[param]
        found = {value: n for k, n in counts.get(name, {}).items() if (value := BY_PARAM[param].url_value(k)) in labels}
        active = state.values(param)
        chosen = {*found, *(v for v in active if v in labels)}
        if not chosen:
            continue
        unfolded = param in state.more
        toggle = ""
        if len(chosen) > FOLD_ABOVE:
            toggle = state.unfolding(param, not unfolded).url(path) + f"#facette-{param}"
        if toggle and not unfolded:
            # The active values, then the most frequent (ties in French order), SHOWN in all.
            ranked = sorted(chosen, key=lambda v: (v not in active, -found.get(v, 0), collation_key(labels[v])))
            shown = ranked[: max(SHOWN, sum(v in active for v in chosen))]
        else:
            shown = sorted(chosen, key=lambda v: collation_key(labels[v]))
        adding = state.adder(param, path)
        values = [
            FacetValue(v, labels[v], found.get(v, 0), v in active, state.removing(param, v).url(path) if v in active else adding(v))
            for v in shown
        ]
        out.append(FacetGroup(param, TITLES[param], values, len(chosen), len(chosen) - len(shown), toggle))
    return out


@dataclass
class ActiveFilter:
    """An active filter with the link that removes only it."""

    param: str
    title: str
    label: str
    href: str


def active(state: SearchState, allowed: Mapping[str, Mapping[str, str]], path: str) -> list[ActiveFilter]:
    """The active filters, each with its removal link."""
    return [
        ActiveFilter(param, TITLES[param], allowed[param].get(value, value), state.removing(param, value).url(path))
        for param, values in state.filters
        for value in values
    ]
