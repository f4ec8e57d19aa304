"""Fixtures of the web tests: the app with its page cache off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kb import create_app
from tests.support.corpora import Built


@pytest.fixture
def uncached_app(built: Built) -> Iterator[Flask]:
    """The app over the session build with the page cache off: every request goes through Flask."""
    yield create_app(built.config(PAGE_CACHE=False))
