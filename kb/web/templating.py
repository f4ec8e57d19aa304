"""What every template may use: French labels and dates, addresses, Markdown, the <head> metadata."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from kb.config import SITE_NAME
from kb.content import labels as fr
from kb.content.markup import render_markdown
from kb.content.urls import PAGES, record_path
from kb.web.display import kind_of
from kb.web.head import absolute, page_meta
from kb.web.records import drafts

# The main menu: (path, label), in order.
MAIN_MENU: tuple[tuple[str, str], ...] = (
    (PAGES["home"], "Accueil"),
    (PAGES["search"] + "?type=proposition", "Propositions"),
    (PAGES["search"] + "?type=action", "Actions régionales"),
    (PAGES["axes"], "Axes"),
    (PAGES["documents"], "Documents"),
    (PAGES["sectors"], "Filières"),
    (PAGES["regions"], "Régions"),
    (PAGES["search"], "Toutes les fiches"),
)


def _helpers() -> dict[str, Any]:
    return {"fr": fr, "absolute": absolute, "record_path": record_path, "site_name": SITE_NAME, "show_drafts": drafts(),
            "kind_of": kind_of, "kb_page_meta": page_meta, "main_menu": MAIN_MENU,
            "publisher_name": str(current_app.config.get("PUBLISHER_NAME") or "").strip()}


def _date_fr(value: Any) -> str:
    return fr.date_fr(value.isoformat() if hasattr(value, "isoformat") else value)


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text))  # render_markdown sanitises with nh3


def init_app(app: Flask) -> None:
    """Register the template helpers and filters."""
    app.context_processor(_helpers)
    app.add_template_filter(_date_fr, "date_fr")
    app.add_template_filter(_markdown, "markdown")
