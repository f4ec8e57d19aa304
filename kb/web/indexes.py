"""The index pages: /axes (by document), /documents (by kind and date), /filieres, /regions (a tile map and the list)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from kb.content.kinds import AXIS, DOCUMENT, ORGANISATION, REGION, SECTOR, Kind
from kb.content.urls import API_PREFIX, PAGES, record_path
from kb.http.context import built
from kb.store import overview
from kb.web.tilemap import Tile, tile_map

bp = Blueprint("indexes", __name__)


def _meta(kind: Kind, title: str, description: str) -> dict[str, Any]:
    # The JSON twin of each index page: the API list of the same records (every one fits in a page of 100).
    return {"title": title, "description": description, "canonical": kind.index, "feed": PAGES["feed"],
            "json": f"{API_PREFIX}/{kind.collection}?limit=100", "type": "website"}


@bp.get(str(AXIS.index))
def axes_index() -> str:
    """Every document's axes, in the document's order, with the proposals the base holds on each."""
    groups = built().summary("axes_by_document", overview.axes_by_document)
    meta = _meta(AXIS, "Les axes", "Les axes de chaque document et le nombre de propositions que la base en contient.")
    return render_template("axes.html", meta=meta, groups=groups)


@bp.get(str(DOCUMENT.index))
def documents_index() -> str:
    """The source documents by kind, newest first, with what the base holds from each and how often it is cited."""
    groups = built().summary("documents_by_kind", overview.documents_by_kind)
    meta = _meta(DOCUMENT, "Les documents sources", "Livres blancs, rapports, communiqués et articles d'où viennent les fiches.")
    return render_template("documents.html", meta=meta, groups=groups)


@bp.get(str(SECTOR.index))
def sectors_index() -> str:
    """The sectors (filières), with the records that name them and the regions a source names them for."""
    entries = built().summary("sectors_overview", overview.sectors_overview)
    meta = _meta(SECTOR, "Les filières", "Les filières industrielles, les fiches qui les nomment et les régions qui les citent.")
    return render_template("sectors.html", meta=meta, entries=entries)


@bp.get(str(ORGANISATION.index))
def organisations_index() -> str:
    """Who proposes: the organisations by kind, each with its members and what the base files under it."""
    groups = built().summary("organisations_overview", overview.organisations_overview)
    description = "Qui propose : les organisations dont la base cite les documents et ce qu'elle contient d'elles."
    meta = _meta(ORGANISATION, "Les organisations", description)
    return render_template("organisations.html", meta=meta, groups=groups)


@bp.get(str(REGION.index))
def regions_index() -> str:
    """The 18 regions on a tile map and in a list, with their regional actions."""
    entries = built().summary("regions_overview", overview.regions_overview)
    tiles = [Tile(e.region.insee, e.region.name, e.actions, record_path(REGION, e.region.id)) for e in entries]
    meta = _meta(REGION, "Les régions", f"Les {len(entries)} régions et les actions régionales que la base recense dans chacune.")
    return render_template("regions.html", meta=meta, entries=entries, tilemap=tile_map(tiles, "carte-titre"))
