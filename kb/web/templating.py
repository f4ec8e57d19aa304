"""What every template may use: the kinds of record, French labels and dates, addresses, search links, Markdown, <head>;
and the French typography of every page the app answers (kb.content.typography's rules)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from kb.config import SITE_NAME
from kb.content import kinds
from kb.content import labels as fr
from kb.content.markup import render_markdown, safe_url
from kb.content.urls import record_path
from kb.http.context import served, show_drafts
from kb.pages.query import search_url
from kb.store.tables import kind_of
from kb.web.display import axis_count, coverage
from kb.web.fragments import BUILD, Fragments
from kb.web.head import page_meta
from kb.web.menu import main_menu, sectors_listed


def who_of(record: Any) -> str:
    """Whom a proposal, an action or a document is from, as a line names it (« CPME », « Sénat »): « qui propose »."""
    return served().who().of(record)


def organisations_of(record: Any) -> list[Any]:
    """The organisations a record is from (its document's, or the one carrying an action), each with its top one."""
    who = served().who()
    return [(org, who.root(org.id)) for org in who.organisations_of(record)]


def who_of_document(document_id: str) -> str:
    """Whom a document is from, by its id (an axis's line names its document's organisation)."""
    who = served().who()
    return who.short(who.documents.get(document_id, []))


def url_of(record: Any, suffix: str = "") -> str:
    """The permanent path of a record row (its kind read from its table), with a sub-page if given."""
    return record_path(kind_of(record), record.id) + suffix


def _helpers() -> dict[str, Any]:
    ctx = served()
    return {
        "fr": fr, "K": kinds.KINDS, "absolute": ctx.urls.absolute, BUILD: ctx.build_id, "record_path": record_path, "url_of": url_of,
        "who_of": who_of, "organisations_of": organisations_of, "who_of_document": who_of_document, "coverage": coverage,
        "axis_count": axis_count, "search_url": search_url, "safe_url": safe_url, "site_name": SITE_NAME,
        "show_drafts": show_drafts(), "kind_of": kind_of, "kb_page_meta": page_meta, "main_menu": main_menu,
        "sectors_listed": sectors_listed, "publisher_name": str(current_app.config.get("PUBLISHER_NAME") or "").strip(),
    }


def _date_fr(value: Any) -> str:
    return fr.date_fr(value.isoformat() if hasattr(value, "isoformat") else value)


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text))  # render_markdown sanitises with nh3


def init_app(app: Flask) -> None:
    """Register the template helpers and filters."""
    app.jinja_env.add_extension(Fragments)
    app.context_processor(_helpers)
    app.add_template_filter(_date_fr, "date_fr")
    app.add_template_filter(_markdown, "markdown")
