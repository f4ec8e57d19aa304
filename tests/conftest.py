"""Shared fixtures: the valid test corpus and the shipped content, each built once per session; an app and clients
over them; a click runner. Fixtures that only one folder needs live in that folder's conftest.py.

Two hooks keep the markers honest (see tests/support/guard.py): every test in tests/browser/ is marked ``browser`` and
``server`` by its folder, every test in tests/browser/ or tests/system/ must carry one of ``server``, ``browser``,
``postgres``, and the running test is recorded so that the helpers that start those can check its marker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import werkzeug.test
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from tests.support import guard
from tests.support.corpora import FROZEN, SHIPPED, VALID, Built, build_corpus, grown_shipped_source, grown_source

TESTS = Path(__file__).parent


_open = werkzeug.test.Client.open


def _closing_open(self: werkzeug.test.Client, *args: Any, **kwargs: Any) -> Any:
    """Werkzeug's test client (Flask's and schemathesis's), reading each answer whole and closing it as a WSGI server
    does: an export is a file its answer streams (kb.http.files), which an unread, unclosed answer would leave open."""
    kwargs["buffered"] = True  # Flask's client passes False itself
    return _open(self, *args, **kwargs)


werkzeug.test.Client.open = _closing_open  # type: ignore[method-assign]
# Folders whose tests start what their markers say; tests/browser/'s tests all get these two from their folder.
FOLDER_MARKERS = {"browser": ("browser", "server"), "system": ()}


@pytest.hookimpl(tryfirst=True)  # before -m deselects: the folder's markers count
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        if folder not in FOLDER_MARKERS:
            continue
        for marker in FOLDER_MARKERS[folder]:
            item.add_marker(marker)
        if not any(item.get_closest_marker(marker) for marker in guard.HEAVY):
            raise pytest.UsageError(f"{item.nodeid}: a test in tests/{folder}/ starts a server, a browser or PostgreSQL and says so "
                                    f"with one of the markers {', '.join(guard.HEAVY)}; a test that needs none belongs in its "
                                    "subsystem's folder")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    with guard.running(item):
        return (yield)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid test corpus, built once for the whole session (read-only for tests)."""
    return build_corpus(VALID, tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="session")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus with what editors will add (tests/data/grown/), built once for the whole session."""
    dest = tmp_path_factory.mktemp("grown")
    return build_corpus(grown_source(dest), dest / "built")


@pytest.fixture
def fresh(tmp_path: Path) -> Built:
    """A private build of the valid corpus that a test may change and rebuild."""
    return build_corpus(VALID, tmp_path)


@pytest.fixture
def app(built: Built) -> Iterator[Flask]:
    """The app over the session build, configured as served (the page cache on)."""
    yield create_app(built.config())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the kb command."""
    return CliRunner()


# The shipped content as it is, and grown as an editor would grow it: a content-facing test must pass on both.
SHIPPED_CONTENTS = ("shipped", "grown")


@pytest.fixture(scope="session", params=SHIPPED_CONTENTS)
def shipped_built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The shipped content under proposals/, and (« grown ») a copy of it grown as an editor would grow it — a second
    white paper, a fourth proposal under the featured one, two drafts, another region's actions, a renamed record,
    links frozen (tests/support/corpora.py: grown_shipped_source). Each built once for the session (read-only).

    A test of the shipped content takes this fixture and checks only what holds for any valid content: it runs on
    both, so valid content added by editors never turns it red (docs/developpeurs/tests.md)."""
    dest = tmp_path_factory.mktemp(request.param)
    return build_corpus(SHIPPED if request.param == "shipped" else grown_shipped_source(dest), dest / "built")


@pytest.fixture(scope="session")
def frozen_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The relevance suite's frozen corpus (tests/relevance/corpus/), built once for the whole session (read-only)."""
    return build_corpus(FROZEN, tmp_path_factory.mktemp("frozen"))
