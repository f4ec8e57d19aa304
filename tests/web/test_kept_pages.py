"""The pages that sum up the whole base are made once per build and mode (kb.pages.kept.page): another query string
does not make them again, a new build does, and a preview's never shows on the public site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from kb import create_app
from kb.builder import build
from kb.content.urls import INDEXES, PAGES
from kb.store import make_engine
from tests.support.corpora import Built

# Every page whose data reads every record of a kind (the index pages: /axes, /documents, /filieres…).
SUMMING_UP = [PAGES["home"], PAGES["about"], PAGES["dashboard"], PAGES["sitemap"], PAGES["api_page"], *(PAGES[i] for i in INDEXES)]


def statements(app: Flask, url: str) -> list[str]:
    """The SQL statements one request runs."""
    engine = app.extensions["kb.engine"]
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return seen


@pytest.mark.parametrize("path", SUMMING_UP)
def test_another_query_string_does_not_read_the_records_again(built: Built, path: str) -> None:
    # The page cache keeps a page under its whole address: « ?x=1 » is a new page, made from the kept data.
    app = create_app(built.config())
    first = statements(app, f"{path}?x=0")
    again = statements(app, f"{path}?x=1")
    # The build served is read in the request's own transaction, and nothing else.
    assert len(again) <= 2 < len(first), (again, first)


def test_a_new_build_makes_them_again(fresh: Built) -> None:
    app = create_app(fresh.config(PAGE_CACHE=False))
    client = app.test_client()
    before = client.get(PAGES["about"]).get_data(as_text=True)
    proposals = sorted((fresh.data_dir / "proposals").glob("*.yaml"))
    shutil.copy(proposals[0], fresh.data_dir / "proposals" / "copie-de-test.yaml")
    text = (fresh.data_dir / "proposals" / "copie-de-test.yaml").read_text("utf-8")
    (fresh.data_dir / "proposals" / "copie-de-test.yaml").write_text(
        "\n".join("id: copie-de-test" if line.startswith("id:") else line for line in text.splitlines()) + "\n", "utf-8"
    )
    engine = make_engine(fresh.database_url)
    assert build(fresh.data_dir, engine, Path(fresh.index_dir)).ok
    engine.dispose()
    after = client.get(PAGES["about"]).get_data(as_text=True)
    assert before != after
    assert "/propositions/copie-de-test" in client.get(PAGES["sitemap"]).get_data(as_text=True)
