"""The test suite's own promise: what starts a server, a browser or PostgreSQL says so with its marker, so that
``make test-fast`` (which leaves those markers out) never starts one. The helpers refuse an unmarked test before they
start anything; these tests are unmarked on purpose, and nothing is started."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import chromium, guard, servers
from tests.support.corpora import VALID
from tests.support.postgres import start_cluster

REFUSED = pytest.fail.Exception


def test_an_unmarked_test_cannot_start_gunicorn(tmp_path: Path) -> None:
    with pytest.raises(REFUSED, match=r"test_an_unmarked_test_cannot_start_gunicorn starts gunicorn but is not marked « server »"):
        with servers.gunicorn({"KB_DATA_DIR": str(VALID)}, tmp_path):
            pass
    assert list(tmp_path.iterdir()) == [], "refused before its log file was opened"


def test_an_unmarked_test_cannot_start_kb_serve(tmp_path: Path) -> None:
    with pytest.raises(REFUSED, match=r"starts kb serve but is not marked « server »: add @pytest\.mark\.server"):
        with servers.kb_serve({}, tmp_path):
            pass


def test_an_unmarked_test_cannot_spawn_another_server(tmp_path: Path) -> None:
    with pytest.raises(REFUSED, match="starts nginx but is not marked « server »"):
        servers.spawn(["nginx", "-p", str(tmp_path)], "nginx")


def test_an_unmarked_test_cannot_start_postgresql() -> None:
    with pytest.raises(REFUSED, match="starts a PostgreSQL server but is not marked « postgres »"):
        start_cluster()


def test_an_unmarked_test_cannot_launch_chromium() -> None:
    with pytest.raises(REFUSED, match="starts Chromium but is not marked « browser »"):
        chromium.launch(None)  # type: ignore[arg-type]  # refused before the Playwright object is used


def test_the_marker_a_helper_asks_for_is_the_one_it_needs(request: pytest.FixtureRequest) -> None:
    request.node.add_marker("server")  # as if marked: the guard lets it through, and only for what that marker covers
    guard.require("server", "gunicorn")
    with pytest.raises(REFUSED, match="not marked « postgres »"):
        guard.require("postgres", "a PostgreSQL server")


def test_the_guard_markers_are_the_declared_ones(pytestconfig: pytest.Config) -> None:
    declared = {line.split(":")[0].strip() for line in pytestconfig.getini("markers")}
    assert set(guard.HEAVY) <= declared
