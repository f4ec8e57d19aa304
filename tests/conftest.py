"""Shared fixtures: the valid test corpus built once per session, an app and clients over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from kb.build import build
from kb.store import make_engine

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Built:
    """A built corpus: its content folder, database URL and index folder."""

    data_dir: Path
    database_url: str
    index_dir: Path

    def config(self, **extra: object) -> dict[str, object]:
        """App configuration pointing at this build."""
        return {
            "TESTING": True,
            "DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "INDEX_DIR": str(self.index_dir),
            **extra,
        }


def build_corpus(src: Path, dest: Path) -> Built:
    """Copy a content folder under ``dest`` and build it there."""
    data = dest / "content"
    shutil.copytree(src, data)
    built = Built(data, f"sqlite:///{dest / 'kb.sqlite'}", dest / "index")
    engine = make_engine(built.database_url)
    report = build(data, engine, built.index_dir)
    engine.dispose()
    assert report.ok, [p.format() for p in report.problems]
    return built


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
def uncached_app(built: Built) -> Iterator[Flask]:
    """The app over the session build with the page cache off: every request goes through Flask."""
    yield create_app(built.config(PAGE_CACHE=False))


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


@pytest.fixture
def shipped_client(shipped_built: Built) -> FlaskClient:
    """A test client of the app over the shipped content (the page cache on)."""
    return create_app(shipped_built.config()).test_client()


# The browser fixtures (a served copy of the shipped content, Chromium) live with the browser helpers.
pytest_plugins = ["tests.browsing"]
