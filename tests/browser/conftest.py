"""Fixtures of the browser tests: the shipped content served on a loopback port, and Chromium.

Chromium comes from ``make system-deps`` (the Debian package); without it these tests fail under CI and are skipped,
with the reason, elsewhere. Playwright never downloads a browser here: it launches the system one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.chromium import CHROMIUM, FLAGS
from tests.support.corpora import ROOT, build_corpus
from tests.support.servers import free_port, stop, wait_until


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a loopback port over a built copy of the shipped content (page cache on); yields its base URL."""
    built = build_corpus(ROOT / "proposals", tmp_path_factory.mktemp("browser"))
    port = free_port()
    env = {**os.environ, "KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir),
           "KB_PUBLISHER_NAME": "CPME Normandie (essai)", "KB_PUBLISHER_CONTACT": "contact@exemple.test"}
    kb = Path(sys.executable).parent / "kb"
    log = (tmp_path_factory.mktemp("server-log") / "server.log").open("w")
    proc = subprocess.Popen([str(kb), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"the server did not start: {Path(log.name).read_text()}")
        try:
            with urllib.request.urlopen(base + "/robots.txt", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        # A loaded two-core machine can be slow to import everything.
        wait_until(answers, "the server answers /robots.txt", timeout=30)
        yield base
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, launched from the system package (never downloaded)."""
    if not CHROMIUM.exists():
        message = "Chromium is missing: run `make system-deps` (as root it installs the Debian package `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()
