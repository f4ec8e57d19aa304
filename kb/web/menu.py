"""The main menu: its entries, the section each page belongs to (marked ``aria-current``), and « Filières » only while
a record names a sector.

A page belongs to the section of its path: a record's page to its kind's entry (an axis page to « Axes », a proposal
to « Propositions »), an index page to its own, /comparer to « Qui propose quoi », and a search that lists one kind
only (« /recherche?type=proposition ») to that kind's entry. The entry that opens the very page is « page »; any other
page of its section is « true ». An error page is in no section. While no proposal or action names a sector, the sector
pages list no record: « Filières » leaves the menu (its pages still answer, linked from regions and records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import g, request
from sqlalchemy.exc import SQLAlchemyError

from kb.content import kinds
from kb.content.kinds import ACTION, PROPOSAL, SECTOR
from kb.content.urls import PAGES, parse_record_path
from kb.http.context import problem, served
from kb.pages import kept
from kb.pages.query import TYPE, only_kind, search_url

# The sections that are not a kind of record.
HOME, COMPARE, SEARCH = "home", "compare", "search"


@dataclass(frozen=True)
class Entry:
    """A link of the main menu and the section it leads to (a kind, or HOME, COMPARE, SEARCH)."""

    section: str
    href: str
    label: str


# In order. Proposals and actions have no index page: their lists are searches of one kind.
ENTRIES: tuple[Entry, ...] = (
    Entry(HOME, PAGES["home"], "Accueil"),
    Entry(PROPOSAL, search_url(type=PROPOSAL), PROPOSAL.plural),
    Entry(ACTION, search_url(type=ACTION), ACTION.plural),
    Entry(COMPARE, PAGES["compare"], "Qui propose quoi"),
    *(Entry(k, str(k.index), k.plural) for k in kinds.every() if k.index),
    Entry(SEARCH, PAGES["search"], "Toutes les fiches"),
)


def section(path: str, types: Sequence[str] = ()) -> str | None:
    """The section of a page, from its path and, on /recherche, the ``type`` values of its address (« proposition »)."""
    if path == PAGES["home"]:
        return HOME
    if path == PAGES["compare"]:
        return COMPARE
    if path == PAGES["search"]:
        kind = only_kind(types)
        return kind if kind is not None else SEARCH
    record = parse_record_path(path)
    if record is not None and not record[2]:
        return record[0]
    return next((k for k in kinds.every() if k.index == path), None)


def marked(path: str, query: str, types: Sequence[str], with_sectors: bool = True) -> list[tuple[Entry, str | None]]:
    """The entries shown, each with its ``aria-current`` value (« page », « true » or None); « Filières » if ``with_sectors``."""
    here, address = section(path, types), f"{path}?{query}" if query else path
    shown = [e for e in ENTRIES if with_sectors or e.section != SECTOR]
    return [(e, "page" if e.href == address else "true" if e.section == here else None) for e in shown]


def sectors_listed() -> bool:
    """Whether « Filières » leads to records (a proposal or action names a sector): else the menu and home leave it out."""
    if "kb_sectors_listed" not in g:
        g.kb_sectors_listed = _sectors_listed()
    listed: bool = g.kb_sectors_listed
    return listed


def _sectors_listed() -> bool:
    """sectors_listed, read from this request's build; True when there is none to read (the menu as it always was)."""
    ctx = served()
    if problem() is not None or ctx.build_id is None:
        return True
    try:
        return kept.sectors(ctx.db, ctx.build_id)
    except SQLAlchemyError:  # an error page never fails for its menu
        return True


def main_menu(mark: bool = True) -> list[tuple[Entry, str | None]]:
    """The main menu of this request's page; nothing marked unless ``mark`` (an error page is in no section)."""
    query = request.query_string.decode("utf-8", "replace")
    entries = marked(request.path, query, request.args.getlist(TYPE.param), sectors_listed())
    return entries if mark else [(e, None) for e, _current in entries]
