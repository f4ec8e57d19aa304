"""The API's human pages: /api (the documentation, from the OpenAPI document) and /donnees (the open-data files);
and /comparer.csv, the comparison's CSV, at the site's address."""

from __future__ import annotations

from flask import Flask, render_template

from kb.api import compare_twins, export, openapi
from kb.api.views import openapi_document
from kb.content.filters import BY_KIND
from kb.content.kinds import ACTION, AXIS, DOCUMENT, PROPOSAL, REGION
from kb.content.urls import PAGES
from kb.http.context import current
from kb.store import queries
from kb.store.reader import Reader


def api_page() -> str:
    """Human documentation of the API, in French, generated from the OpenAPI document."""
    meta = {
        "title": "API et données ouvertes",
        "description": "Toutes les propositions et actions de la base en JSON, avec les filtres du site.",
        "canonical": PAGES["api_page"],
    }
    return render_template("api.html", meta=meta, doc=openapi_document(), base=openapi.BASE_PATH,
                           examples=current().summary("api-examples", examples))


def examples(db: Reader) -> dict[str, str]:
    """The ids the page's curl examples name, read from the content served (editors add and rename records)."""
    # An axis that has proposals (the featured document's first), one of its proposals with its status and first
    # keyword, the region with the most actions.
    docs = queries.all_of(db, DOCUMENT)
    pivot = queries.featured(docs)
    axes = sorted(queries.all_of(db, AXIS), key=lambda a: pivot is None or a.document != pivot.id)  # stable: in order
    out = {"axis": "", "proposal": "", "status": "", "q": "industrie", "region": ""}
    for axis in axes:
        found, _total = queries.list_records(db, PROPOSAL, queries.Filters({BY_KIND[AXIS].name: [axis.id]}), limit=1, offset=0)
        if found:
            out.update(axis=axis.id, proposal=found[0].id, status=found[0].status, q=(found[0].tags or ["industrie"])[0])
            break
    counts = {r.id: queries.list_records(db, ACTION, queries.Filters({BY_KIND[REGION].name: [r.id]}), limit=1, offset=0)[1]
              for r in queries.all_of(db, REGION)}
    out["region"] = max(counts, key=lambda r: (counts[r], r), default="")
    return out


def data_page() -> str:
    """The open-data files and each of their columns, in French."""
    meta = {
        "title": "Données ouvertes",
        "description": "Les propositions et actions en CSV et en JSON : fichiers et colonnes.",
        "canonical": PAGES["data_page"],
    }
    return render_template("donnees.html", meta=meta, csv_files=export.CSV_FILES, base=openapi.BASE_PATH,
                           compare_csv=(PAGES["compare_csv"], export.COMPARE_COLUMNS))


def init_app(app: Flask) -> None:
    """Register the two pages and the comparison's CSV (outside /api/v1, which the API blueprint's prefix would impose)."""
    app.add_url_rule(PAGES["api_page"], "api_page", api_page)
    app.add_url_rule(PAGES["data_page"], "data_page", data_page)
    app.add_url_rule(PAGES["compare_csv"], "compare_csv", compare_twins.csv_page)
