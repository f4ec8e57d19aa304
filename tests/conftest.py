"""Shared fixtures: the valid test corpus and the shipped content, each built once per session; an app and clients
over them; a click runner. Fixtures that only one folder needs live in that folder's conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from tests.support.corpora import ROOT, VALID, Built, build_corpus


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid test corpus, built once for the whole session (read-only for tests)."""
    return build_corpus(VALID, tmp_path_factory.mktemp("built"))


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


@pytest.fixture(scope="session")
def shipped_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The shipped content under proposals/, built once for the whole session (read-only for tests)."""
    return build_corpus(ROOT / "proposals", tmp_path_factory.mktemp("shipped"))
