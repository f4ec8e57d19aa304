"""The state of a search as the site's French URL parameters: parsing, validation, and the addresses of searches.

The URL names (``axe``, ``filiere``, ``statut``…) of the search filters (``axis``, ``sector``, ``status``…) come
from kb.content.filters. Every page that takes the same query string (/recherche, the browse pages, the search
feed) parses it here, and every link to a search (the dashboard's, the menu's, a status badge's) is built here.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote_plus, urlencode

from kb.content import kinds
from kb.content import labels as fr
from kb.content.filters import BY_NAME, BY_PARAM, FILTERS, SCOPE, SCOPE_LABELS
from kb.content.urls import PAGES

# URL parameter → kb.search filter name, in the order they appear in URLs and on pages.
PARAMS: dict[str, str] = {f.param: f.name for f in FILTERS}
TITLES: dict[str, str] = {f.param: f.title for f in FILTERS}
_ORDER = {param: i for i, param in enumerate(PARAMS)}
# The record types keep French values in URLs (« type=proposition », « type=axe »): kb.content.filters names them.
TYPE = BY_NAME["type"]
AXIS_PARAM = BY_NAME[kinds.AXIS].param
SORTS: dict[str, str] = {"pertinence": "relevance", "date": "date"}
SORT_PARAM = "tri"
# « tout=axe »: the axis facet lists every value, not only the most frequent (kb.web.facets folds long facets).
MORE_PARAM = "tout"
PER_PAGE = 20
MAX_PAGE = 500


def only_kind(types: Sequence[str]) -> kinds.Kind | None:
    """The one kind a search lists when its address names one ``type`` alone (« proposition » → proposals), else None."""
    if len(types) != 1 or TYPE.from_url(types[0]) not in kinds.KINDS:
        return None
    return kinds.kind(TYPE.from_url(types[0]))


class BadParam(ValueError):
    """A request parameter that names nothing we know; the message is French and shown to the reader."""


# Facet values (ids, a bounded set) as a URL encodes them: a results page links ~270 of them at 10,000 records.
_quoted = functools.lru_cache(maxsize=8192)(quote_plus)


@functools.lru_cache(maxsize=8192)  # facet labels: a bounded set, sorted on every results page
def collation_key(text: str) -> tuple[str, str]:
    """French sort key: accents and case are secondary (« Écologie » sorts with E), ligatures spelt out."""
    spelt = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    base = "".join(c for c in unicodedata.normalize("NFKD", spelt) if not unicodedata.combining(c))
    primary = "".join(c for c in base.casefold() if c.isalnum() or c.isspace()).strip()
    return (primary, text)


def choices(names: Mapping[str, Mapping[str, str]], parents: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Allowed values and their labels per URL parameter, from ``queries.labels`` output.

    With ``parents`` (axis id → its document's id), an axis is named with its document's short title: « Propositions
    du rapport — Bâtir la puissance industrielle » (several documents have an axis of that name).
    """
    fixed = {"type": {TYPE.url_value(kind): kinds.kind(kind).plural for kind in TYPE.values}, "status": fr.STATUS, "horizon": fr.HORIZON,
             SCOPE.name: {SCOPE.url_value(v): label for v, label in SCOPE_LABELS.items()}}
    out = {f.param: dict(names[f.kind]) if f.kind else dict(fixed[f.name]) for f in FILTERS}
    documents = names.get(kinds.DOCUMENT, {})
    for axis, document in (parents or {}).items():
        if axis in out[AXIS_PARAM] and document in documents:
            out[AXIS_PARAM][axis] = f"{out[AXIS_PARAM][axis]} — {fr.short_title(documents[document])}"
    return out


@dataclass(frozen=True)
class SearchState:
    """Everything a results page shows depends on this, and all of it is in the URL."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    tri: str = ""
    page: int = 1
    more: tuple[str, ...] = ()

    def values(self, param: str) -> tuple[str, ...]:
        """The active values of one filter."""
        return dict(self.filters).get(param, ())

    def _with(self, param: str, values: tuple[str, ...]) -> SearchState:
        current = dict(self.filters)
        current[param] = values
        ordered = tuple((p, current[p]) for p in PARAMS if current.get(p))
        return replace(self, filters=ordered, page=1, more=())

    def adding(self, param: str, value: str) -> SearchState:
        """This state with one more filter value (back to page 1)."""
        return self if value in self.values(param) else self._with(param, (*self.values(param), value))

    def removing(self, param: str, value: str) -> SearchState:
        """This state without one filter value (back to page 1)."""
        return self._with(param, tuple(v for v in self.values(param) if v != value))

    def sorted_by(self, tri: str) -> SearchState:
        """This state sorted another way (back to page 1)."""
        return replace(self, tri=tri, page=1)

    def unfolding(self, param: str, unfold: bool = True) -> SearchState:
        """This state with one facet listing all its values (``unfold``), or folded again; the page stays."""
        chosen = {*self.more, param} if unfold else {*self.more} - {param}
        return replace(self, more=tuple(p for p in PARAMS if p in chosen))

    def at_page(self, page: int) -> SearchState:
        """This state at another page."""
        return replace(self, page=page)

    def pairs(self, with_page: bool = True) -> list[tuple[str, str]]:
        """The URL parameters, in a stable order (q, filters, tri, page)."""
        out = [("q", self.q)] if self.q else []
        out += [(param, value) for param, values in self.filters for value in values]
        if self.tri:
            out.append((SORT_PARAM, self.tri))
        out += [(MORE_PARAM, param) for param in self.more]
        if with_page and self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self, with_page: bool = True) -> str:
        """The URL query string (without « ? »)."""
        return urlencode(self.pairs(with_page))

    def url(self, path: str, with_page: bool = True) -> str:
        """``path`` followed by this state's query string."""
        qs = self.query_string(with_page)
        return f"{path}?{qs}" if qs else path

    def adder(self, param: str, path: str) -> Callable[[str], str]:
        """``lambda value: self.adding(param, value).url(path)`` for values not active, with the rest encoded once.

        A results page links every facet value (hundreds at 10,000 records): encoding the whole state for each
        was a fifth of a page's time.
        """
        at = _ORDER[param]
        base = replace(self, page=1, more=())
        before = [(p, v) for p, values in base.filters if _ORDER[p] <= at for v in values]
        after = [(p, v) for p, values in base.filters if _ORDER[p] > at for v in values]
        head = urlencode(([("q", base.q)] if base.q else []) + before)
        tail = urlencode(after + ([(SORT_PARAM, base.tri)] if base.tri else []))
        name = quote_plus(param)

        def url(value: str) -> str:
            pair = f"{name}={_quoted(value)}"
            return f"{path}?{'&'.join(part for part in (head, pair, tail) if part)}"

        return url

    def sort(self) -> str:
        """The kb.search sort name: relevance by default when there are words, else date."""
        return SORTS[self.tri] if self.tri else ("relevance" if self.q else "date")

    def search_filters(self, fixed: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """The filters for kb.search.search, plus a page's fixed filter (e.g. its axis)."""
        out = {PARAMS[p]: [BY_PARAM[p].from_url(v) for v in values] for p, values in self.filters}
        if fixed:
            # A browse page's own filter always holds (its facet is not offered there).
            out[PARAMS[fixed[0]]] = [fixed[1]]
        return out


def search_url(q: str = "", sort: str = "", **filters: str) -> str:
    """The /recherche address for a query, a sort (« relevance », « date ») and filters by their names (kb.content.filters):
    ``search_url(type=PROPOSAL, status="adoptee")`` → « /recherche?type=proposition&statut=adoptee »."""
    chosen = {BY_NAME[name].param: (BY_NAME[name].url_value(value),) for name, value in filters.items()}
    state = SearchState(q, tuple((p, chosen[p]) for p in PARAMS if p in chosen), next((t for t, s in SORTS.items() if s == sort), ""))
    return state.url(PAGES["search"])


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()


def parse(args: Mapping[str, list[str]], allowed: Mapping[str, Mapping[str, str]], fixed: str | None = None) -> SearchState:
    """Read q, filters, tri, the unfolded facets and page from the query arguments; BadParam (French) on a value we don't know.

    ``fixed`` names the parameter a browse page sets itself (``axe`` on /axes/…): it is ignored in the URL.
    """
    q = " ".join(_clean(v) for v in args.get("q", []) if _clean(v))
    filters = []
    for param in PARAMS:
        if param == fixed:
            continue
        values = tuple(dict.fromkeys(v.strip() for v in args.get(param, []) if v.strip()))
        for value in values:
            if value not in allowed[param]:
                shown = _clean(value)[:80]
                raise BadParam(f"Le filtre « {TITLES[param]} » ne connaît pas la valeur « {shown} ».")
        if values:
            filters.append((param, values))
    tri = next((v.strip() for v in reversed(args.get(SORT_PARAM, [])) if v.strip()), "")
    if tri and tri not in SORTS:
        raise BadParam("Le tri demandé n'existe pas : choisissez « pertinence » ou « date ».")
    more = tuple(dict.fromkeys(v.strip() for v in args.get(MORE_PARAM, []) if v.strip()))
    for param in more:
        if param not in PARAMS:
            raise BadParam(f"« {MORE_PARAM}={_clean(param)[:80]} » ne nomme aucun filtre de la recherche.")
    raw_page = next((v.strip() for v in reversed(args.get("page", [])) if v.strip()), "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or len(raw_page) > 6 or int(raw_page) < 1:
        raise BadParam("Le numéro de page doit être un nombre entier positif.")
    return SearchState(q, tuple(filters), tri, int(raw_page), tuple(p for p in PARAMS if p in more))
