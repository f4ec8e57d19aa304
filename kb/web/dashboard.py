"""/tableau-de-bord: the overview for staff and readers, as SVG charts and tables (no JavaScript)."""

from __future__ import annotations

from flask import Blueprint, render_template

from kb.content.urls import PAGES
from kb.http.context import built
from kb.pages import dashboard as stats
from kb.web.charts import bar_chart

bp = Blueprint("dashboard", __name__)
bp.add_app_template_global(bar_chart, "bar_chart")


@bp.get(PAGES["dashboard"])
def dashboard() -> str:
    """Proposals by axis and status per document, actions by region and sector, recent status changes."""
    ctx = built()
    figs = ctx.summary("dashboard", stats.figures)
    meta = {
        "title": "Tableau de bord",
        "description": "Les propositions par axe et par statut, les actions régionales par région et par filière, "
        "et les derniers changements de statut.",
        "canonical": PAGES["dashboard"],
        "type": "website",
    }
    return render_template("dashboard.html", figs=figs, meta=meta)
