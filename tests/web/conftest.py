"""Fixtures of the web tests: the app with its page cache off, and a client over the shipped content."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from tests.support.corpora import Built


@pytest.fixture
def uncached_app(built: Built) -> Iterator[Flask]:
    """The app over the session build with the page cache off: every request goes through Flask."""
    yield create_app(built.config(PAGE_CACHE=False))


@pytest.fixture
def shipped_client(shipped_built: Built) -> FlaskClient:
    """A test client of the app over the shipped content (the page cache on)."""
    return create_app(shipped_built.config()).test_client()
