"""Fixtures of the newsletter tests: the corpus whose titles hold guillemets and apostrophes (tests/data/quoted/)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb import create_app
from tests.support.corpora import Built, build_corpus, quoted_source

SITE = "https://kb.example.org"


@pytest.fixture(scope="session")
def quoted(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus with tests/data/quoted/ added, built once for the session (never modify it)."""
    dest = tmp_path_factory.mktemp("quoted")
    return build_corpus(quoted_source(dest), dest / "built")


@pytest.fixture(scope="session")
def site(quoted: Built) -> FlaskClient:
    """A client over the quoted corpus, served as https://kb.example.org."""
    return create_app(quoted.config(SITE_URL=SITE)).test_client()
