"""Organisations as records (issue 24): kb check refuses unknown ones, parent cycles and a second featured document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.content.checks import check
from kb.content.organisations import family, lineage
from tests.support.corpora import VALID


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(VALID, tmp_path / "c")
    return tmp_path / "c"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _messages(data: Path) -> list[str]:
    _corpus, problems = check(data)
    return [p.format() for p in problems if p.level == "error"]


def test_the_fixture_is_clean(data: Path) -> None:
    assert _messages(data) == []


def test_an_unknown_organisation_names_the_nearest_ids(data: Path) -> None:
    _edit(data / "documents/livre-essai.yaml", "organisations: [federation-essai]", "organisations: [federation-esai]")
    _edit(data / "actions/implantation-normandie.yaml", "organisation: federation-essai-normandie", "organisation: fepe-normandie")
    doc, action = sorted(_messages(data))
    assert "c/actions/implantation-normandie.yaml:17: error: " in doc
    assert "organisation « fepe-normandie » introuvable (vouliez-vous dire « federation-essai-normandie » ?)" in doc
    assert "c/documents/livre-essai.yaml:10: error: " in action
    assert "« federation-esai » introuvable (vouliez-vous dire « federation-essai » ?)" in action


def test_every_document_names_an_organisation_and_every_action_its_own(data: Path) -> None:
    _edit(data / "documents/rapport-essai.yaml", "organisations: [institut-essai]\n", "")
    _edit(data / "actions/implantation-normandie.yaml", "organisation: federation-essai-normandie\n", "")
    found = "\n".join(_messages(data))
    assert "rapport-essai.yaml" in found and "« organisations »" in found
    assert "implantation-normandie.yaml" in found and "« organisation »" in found


def test_two_featured_documents_are_refused_at_the_second(data: Path) -> None:
    second = data / "documents/rapport-essai.yaml"
    second.write_text(second.read_text("utf-8") + "featured: true\n", "utf-8")
    (message,) = _messages(data)
    assert "c/documents/rapport-essai.yaml:8: error: « featured » : le document « livre-essai » est déjà mis en avant" in message
    assert "un seul document peut l'être" in message


def test_no_featured_document_is_valid(data: Path) -> None:
    # The site then pivots on no document: /comparer asks for a choice (tested in tests/web/test_compare.py).
    _edit(data / "documents/livre-essai.yaml", "featured: true\n", "")
    assert _messages(data) == []


def test_a_parent_cycle_and_an_unknown_region_are_refused(data: Path) -> None:
    _edit(data / "organisations/federation-essai.yaml", "kind: organisation-patronale\n",
          "kind: organisation-patronale\nparent: federation-essai-normandie\n")
    _edit(data / "organisations/federation-essai-normandie.yaml", "region: normandie", "region: normandy")
    found = "\n".join(_messages(data))
    assert "se retrouve parmi ses propres parents" in found
    assert "région « normandy » introuvable" in found


def test_lineage_and_family() -> None:
    parents = {"cpme": None, "cpme-normandie": "cpme", "cpme-calvados": "cpme-normandie", "senat": None}
    assert lineage("cpme-calvados", parents) == ["cpme-calvados", "cpme-normandie", "cpme"]
    # A co-published record is filed under both organisations and their ancestors, each once.
    assert family(["cpme-calvados", "senat", "cpme"], parents) == ["cpme-calvados", "cpme-normandie", "cpme", "senat"]
    assert lineage("inconnue", parents) == ["inconnue"]
