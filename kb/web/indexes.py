"""The index pages: /axes (by document), /documents (by kind and date), /filieres, /regions (a tile map and the list)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from kb.content.urls import API_PREFIX, PAGES, record_path
from kb.store import overview
from kb.web.records import built, drafts
from kb.web.tilemap import Tile, tile_map

bp = Blueprint("indexes", __name__)
# The JSON twin of each index page: the API list of the same records (every one fits in a page of 100).
TWINS = {"axes": "/axes", "documents": "/documents", "sectors": "/sectors", "regions": "/regions"}


def _meta(name: str, title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "canonical": PAGES[name], "feed": PAGES["feed"],
            "json": f"{API_PREFIX}{TWINS[name]}?limit=100", "type": "website"}


@bp.get(PAGES["axes"])
def axes_index() -> str:
    """Every document's axes, in the document's order, with the proposals the base holds on each."""
    st = built()
    groups = overview.axes_by_document(session=st.session, drafts=drafts())
    meta = _meta("axes", "Les axes", "Les axes de chaque document et le nombre de propositions que la base en contient.")
    return render_template("axes.html", meta=meta, groups=groups)


@bp.get(PAGES["documents"])
def documents_index() -> str:
    """The source documents by kind, newest first, with what the base holds from each and how often it is cited."""
    st = built()
    groups = overview.documents_by_kind(session=st.session, drafts=drafts())
    meta = _meta("documents", "Les documents sources", "Livres blancs, rapports, communiqués et articles d'où viennent les fiches.")
    return render_template("documents.html", meta=meta, groups=groups)


@bp.get(PAGES["sectors"])
def sectors_index() -> str:
    """The sectors (filières), with the records that name them and the regions a source names them for."""
    st = built()
    entries = overview.sectors_overview(session=st.session, drafts=drafts())
    meta = _meta("sectors", "Les filières", "Les filières industrielles, les fiches qui les nomment et les régions qui les citent.")
    return render_template("sectors.html", meta=meta, entries=entries)


@bp.get(PAGES["regions"])
def regions_index() -> str:
    """The 18 regions on a tile map and in a list, with their regional actions."""
    st = built()
    entries = overview.regions_overview(session=st.session, drafts=drafts())
    tiles = [Tile(e.region.insee, e.region.name, e.actions, record_path("region", e.region.id)) for e in entries]
    meta = _meta("regions", "Les régions", f"Les {len(entries)} régions et les actions régionales que la base recense dans chacune.")
    return render_template("regions.html", meta=meta, entries=entries, tilemap=tile_map(tiles, "carte-titre"))
