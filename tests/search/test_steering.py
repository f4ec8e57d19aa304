"""Words that steer a query instead of being required (issue 26, item 1): the words that name a kind of record
(« propositions », « rapport », « axe »…: the registry's ``words``), and whatever a build adds to them from its content
(kb-meta.json « steering »: the place organisation names plug in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb import search
from kb.search.analysis import parse
from kb.search.steering import NAME_BONUS, Steer, find, kind_table, merged
from kb.store import Layout
from tests.support.corpora import VALID, Built, build_corpus


def _steers(q: str, table: object = None) -> set[tuple[str, str]]:
    parsed = parse(q, [], table)  # type: ignore[arg-type]
    assert parsed is not None
    return {(f, t) for f, t in parsed.query.all_terms() if f not in ("title", "summary", "content", "quotes", "flagship", "titlekey")}


@pytest.mark.parametrize(("word", "kind"), [("propositions", "proposal"), ("rapport", "document"), ("documents", "document"),
                                             ("axe", "axis"), ("actions", "action"), ("région", "region"), ("filière", "sector"),
                                             ("mesures", "proposal"), ("propose", "proposal"), ("recommandations", "proposal")])
def test_a_word_that_names_a_kind_steers_to_it_and_is_not_required(word: str, kind: str) -> None:
    parsed = parse(f"{word} sur le foncier", [])
    assert parsed is not None and len(parsed.units) == 1  # only « foncier » is required
    assert _steers(f"{word} sur le foncier") == {("type", kind)}
    assert word.replace("é", "e").replace("è", "e") in {w for key in kind_table() for w in key}


def test_a_steering_word_alone_or_written_as_an_operator_is_a_word() -> None:
    alone = parse("rapport", [])
    assert alone is not None and len(alone.units) == 1 and _steers("rapport") == {("type", "document")}
    assert _steers("foncier -rapport") == set()  # excluded: no bonus either
    assert _steers('"rapport" foncier') == set() and len(parse('"rapport" foncier', []).units) == 2  # type: ignore[union-attr]
    assert _steers("rapport OU foncier") == set()  # an explicit alternative is taken literally


def test_steering_runs_are_found_longest_first() -> None:
    table = merged([["cour comptes", "organisation", "cour-des-comptes", 5.0], ["cour", "organisation", "cour-x", 1.0]])
    assert find(["rapport", "cour", "comptes", "foncier"], table) == [
        (0, 1, kind_table()[("rapport",)]), (1, 3, (Steer("organisation", "cour-des-comptes", 5.0),))]
    # Stop words do not break a name: « Cour des comptes » is the run « cour comptes ».
    assert _steers("que dit la Cour des comptes sur les territoires", table) == {("organisation", "cour-des-comptes")}


def test_a_build_s_own_steering_words_steer_its_searches(tmp_path: Path) -> None:
    # The content's organisations give a build its own steering words: each one's name and sigle → its records.
    built: Built = build_corpus(VALID, tmp_path)
    path = Layout(built.index_dir).index(Layout(built.index_dir).current() or "")
    meta = json.loads((path / "kb-meta.json").read_text("utf-8"))
    assert ["fepe", "organisation", "federation-essai", NAME_BONUS] in meta["steering"]
    assert ["institut essai", "organisation", "institut-essai", NAME_BONUS] in meta["steering"]
    idx = search.open_index(path)
    try:
        plain = [h.id for h in search.search(idx, "foncier", cache=False).hits]
        steered = [h.id for h in search.search(idx, "Institut d'essai foncier", cache=False).hits]
    finally:
        idx.close()
    # The institute's proposal on foncier comes last by its words, first when the institute is named (and its name's
    # words are not required: its proposal does not hold them).
    assert plain[-1] == "sanctuaire-foncier" and steered[0] == "sanctuaire-foncier"
    assert set(plain) <= set(steered)


def test_build_index_keeps_the_content_s_steering_words_folded(tmp_path: Path) -> None:
    from kb.search.indexing import build_index, index_doc

    org = index_doc("organisation", "cdc", "Cour des comptes", steers=["Cour des comptes"], organisation=["cdc"])
    build_index([index_doc("document", "d", "Titre"), org], [], tmp_path / "ix")
    meta = json.loads((tmp_path / "ix" / "kb-meta.json").read_text("utf-8"))
    assert meta["steering"] == [["cour comptes", "organisation", "cdc", NAME_BONUS]]


def test_a_build_s_entries_may_leave_the_bonus_to_the_kinds_one() -> None:
    from kb.search.steering import KIND_BONUS

    table = merged([["senat", "organisation", "senat"], ["senat", "organisation", "senat"]])
    assert table[("senat",)] == (Steer("organisation", "senat", KIND_BONUS),)
