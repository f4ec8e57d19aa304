"""Fixtures of the browser tests: the shipped content served by ``kb serve`` on a loopback port, and Chromium.

Every test in this folder is marked ``browser`` and ``server`` by tests/conftest.py (it drives Chromium against a real
server). Chromium comes from ``make system-deps`` (the Debian package); without it these tests fail under CI and are
skipped, with the reason, elsewhere. Playwright never downloads a browser here: it launches the system one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support import chromium
from tests.support.corpora import ROOT, build_corpus
from tests.support.servers import kb_serve


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a loopback port over a built copy of the shipped content (page cache on); yields its base URL."""
    built = build_corpus(ROOT / "proposals", tmp_path_factory.mktemp("browser"))
    env = {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir),
           "KB_PUBLISHER_NAME": "CPME Normandie (essai)", "KB_PUBLISHER_CONTACT": "contact@exemple.test"}
    with kb_serve(env, tmp_path_factory.mktemp("server-log")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, launched from the system package (never downloaded)."""
    with sync_playwright() as p:
        launched = chromium.launch(p)
        yield launched
        launched.close()
