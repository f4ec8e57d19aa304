"""Facet and removal links of a results page (the search state and its URL grammar: kb.pages.query)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kb.content.filters import BY_PARAM
from kb.pages.query import PARAMS, TITLES, SearchState, collation_key


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
    """The values of one facet, sorted in French order."""

    param: str
    title: str
    values: list[FacetValue]


def groups(
    state: SearchState,
    counts: Mapping[str, Mapping[str, int]],
    allowed: Mapping[str, Mapping[str, str]],
    path: str,
    skip: str | None = None,
) -> list[FacetGroup]:
    """Facet groups with counts; each value links to the state with it added, or removed when active."""
    out = []
    for param, name in PARAMS.items():
        if param == skip:
            continue
        found = {BY_PARAM[param].url_value(k): n for k, n in counts.get(name, {}).items()}
        active = state.values(param)
        adding = state.adder(param, path)
        values = []
        for value in {*found, *active}:
            if value not in allowed[param]:
                continue
            on = value in active
            href = state.removing(param, value).url(path) if on else adding(value)
            values.append(FacetValue(value, allowed[param][value], found.get(value, 0), on, href))
        if values:
            out.append(FacetGroup(param, TITLES[param], sorted(values, key=lambda v: collation_key(v.label))))
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
