"""The grown shipped content (tests/support/corpora.py: grown_shipped_source) is what editors will do to the shipped
content, with their own commands: the content-facing tests (fixture ``shipped_built``) run on it too, so it must hold
each kind of growth issue 25 names — or they would pass for nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content import load_all
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL
from kb.content.permanence import read_published
from tests.support.corpora import SHIPPED, grown_shipped_source, pivot


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grown_shipped_source(tmp_path_factory.mktemp("grown-shipped"))


def test_it_grows_the_shipped_content_as_issue_25_says(grown: Path) -> None:
    before, after = load_all(SHIPPED), load_all(grown)
    assert after.problems == [] or all(p.level == "warning" and p.todo for p in after.problems)
    ids = {kind: {r.id for r in before.of(kind)} for kind in (DOCUMENT, AXIS, PROPOSAL, ACTION, ORGANISATION)}
    added = {kind: [r for r in after.of(kind) if r.id not in ids[kind]] for kind in ids}
    # A second white paper, with axes and proposals.
    (paper,) = [d for d in added[DOCUMENT] if d.model.kind == "livre-blanc"]
    assert len([a for a in added[AXIS] if a.model.document == paper.id]) == 2
    assert len([p for p in added[PROPOSAL] if p.model.document == paper.id and not p.model.draft]) == 2
    # One more proposal under the featured document (the CPME white paper today).
    assert [p.id for p in added[PROPOSAL] if p.model.document == pivot(before).id] == ["croissance-essai-quatrieme"]
    # Two committed drafts: kb new's template and a kb import.
    drafts = sorted(p.id for p in added[PROPOSAL] if p.model.draft)
    assert drafts == ["assurer-les-premiers-contrats-a-l-export", "croissance-essai-brouillon"]
    # Another region's actions, carried by its regional organisation.
    bretagne = [a for a in added[ACTION] if a.model.region == "bretagne"]
    unions = {o.id for o in added[ORGANISATION] if o.model.region == "bretagne" and o.model.parent}
    assert len(bretagne) == 2 and {a.model.organisation for a in bretagne} == unions and len(unions) == 1
    # A renamed action, its old id kept in « aliases: ».
    (renamed,) = [a for a in added[ACTION] if a.id.endswith("-renommee")]
    old = renamed.id.removesuffix("-renommee")
    assert old in ids[ACTION] and old not in {a.id for a in after.of(ACTION)} and old in renamed.model.aliases


def test_its_links_are_frozen_and_keep_every_shipped_link(grown: Path) -> None:
    shipped = {url for _line, url in read_published(SHIPPED)[0]}
    frozen = {url for _line, url in read_published(grown)[0]}
    assert shipped < frozen
    assert "/documents/livre-blanc-croissance-essai" in frozen and "/propositions/croissance-essai-brouillon" not in frozen
