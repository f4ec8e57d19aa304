"""Fixtures of the browser tests: the shipped content — as it is and grown as an editor would grow it (``shipped_built``) —
served by ``kb serve`` on a loopback port, Chromium, and one page of each type chosen in the content served.

Every test in this folder is marked ``browser`` and ``server`` by tests/conftest.py (it drives Chromium against a real
server). Chromium comes from ``make system-deps`` (the Debian package); without it these tests fail under CI and are
skipped, with the reason, elsewhere. Playwright never downloads a browser here: it launches the system one.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support import chromium
from tests.support.corpora import Built
from tests.support.servers import kb_serve


@pytest.fixture(scope="session")
def server(shipped_built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a loopback port over a build of the shipped content (page cache on); yields its base URL."""
    env = {"KB_DATA_DIR": str(shipped_built.data_dir), "KB_DATABASE_URL": shipped_built.database_url,
           "KB_INDEX_DIR": str(shipped_built.index_dir), "KB_PUBLISHER_NAME": "CPME Normandie (essai)",
           "KB_PUBLISHER_CONTACT": "contact@exemple.test"}
    with kb_serve(env, tmp_path_factory.mktemp("server-log")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, launched from the system package (never downloaded)."""
    with sync_playwright() as p:
        launched = chromium.launch(p)
        yield launched
        launched.close()


def api(server: str, path: str) -> Any:
    """The JSON of an API address of the server."""
    with urllib.request.urlopen(server + path, timeout=10) as response:
        return json.loads(response.read())


def typed(text: str) -> str:
    """A text as the page shows it, compared as people read it (typographic apostrophes and spaces made plain)."""
    return " ".join(text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ").split())


@dataclass(frozen=True)
class Shown:
    """One record of each kind of page, chosen in the content served (editors grow and rename it), as the API gives it:
    the featured document, one of its proposals (one that actions carry, a flagship, if there is one) and an action,
    the first of its axes that has proposals, an axis of a document with announced proposals that has none, a document
    without proposal that records cite, a sector that only a region's source names, the region with the most actions
    and a region without any, the featured document's first organisation, a regional union. None: the content has none."""

    pivot: dict
    proposal: dict
    action: dict
    axis: dict
    empty_axis: dict | None
    lone_document: dict | None
    sector: dict | None
    region: dict
    quiet_region: dict
    organisation: dict
    union: dict | None

    def path(self, record: dict | None) -> str | None:
        """The path of a record's page (None for a page type the content does not have)."""
        return urlsplit(record["url"]).path if record else None


@pytest.fixture(scope="session")
def shown(server: str) -> Shown:
    """The records the tests open (see Shown), read from the server's API."""
    every = {kind: api(server, f"/api/v1/{kind}?limit=100")["data"] for kind in
             ("documents", "axes", "proposals", "actions", "sectors", "regions", "organisations")}
    pivot = api(server, "/api/v1/compare")["pivot"]
    pivot = api(server, f"/api/v1/documents/{pivot['id']}")
    mine = [api(server, f"/api/v1/proposals/{p['id']}") for p in pivot["proposals"]]
    proposal = max(mine, key=lambda p: (bool(p["actions"]), p["flagship"], p["id"]))
    carried = [a["id"] for a in proposal["actions"]] or [every["actions"][0]["id"]]
    held = {d["id"]: d for d in every["documents"]}
    empty_axes = [a for a in every["axes"] if not a["proposals"] and held[a["document"]["id"]]["announced_proposals"]]
    lone = [d for d in every["documents"] if not d["held_proposals"] and d["cited_by"]]
    named = {s["id"] for r in every["regions"] for s in r["sectors"]}
    quiet_sectors = [s for s in every["sectors"] if not s["proposals"] and not s["actions"] and s["id"] in named]
    busiest = max(every["regions"], key=lambda r: (len(r["actions"]), r["id"]))
    unions = [o for o in every["organisations"] if o["parent"] and o["region"]]
    return Shown(
        pivot=pivot,
        proposal=proposal,
        action=api(server, f"/api/v1/actions/{carried[0]}"),
        axis=next(a for a in every["axes"] if a["document"]["id"] == pivot["id"] and a["proposals"]),
        empty_axis=empty_axes[0] if empty_axes else None,
        lone_document=api(server, f"/api/v1/documents/{lone[0]['id']}") if lone else None,
        sector=quiet_sectors[0] if quiet_sectors else None,
        region=busiest,
        quiet_region=next(r for r in every["regions"] if not r["actions"]),
        organisation=next(o for o in every["organisations"] if o["id"] == pivot["organisations"][0]["id"]),
        union=unions[0] if unions else None,
    )
