"""The API's human pages: /api (the documentation, from the OpenAPI document) and /donnees (the open-data files);
and /comparer.csv, the comparison's CSV, at the site's address."""

from __future__ import annotations

from flask import Flask, render_template

from kb.api import compare_twins, export, openapi
from kb.api.views import openapi_document
from kb.content.urls import PAGES


def api_page() -> str:
    """Human documentation of the API, in French, generated from the OpenAPI document."""
    meta = {
        "title": "API et données ouvertes",
        "description": "Toutes les propositions et actions de la base en JSON, avec les filtres du site.",
        "canonical": PAGES["api_page"],
    }
    return render_template("api.html", meta=meta, doc=openapi_document(), base=openapi.BASE_PATH)


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
