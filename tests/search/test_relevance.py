"""Relevance on the frozen corpus the queries were judged on (tests/relevance/corpus/): the judged queries of
tests/relevance/ through kb's real search, scored side by side with the SQLite FTS5 baselines of bench/judged.py
(every word required, and any word), and the questions of issues 14 and 26, each as stated.

Never on the live proposals/: editors grow it, and a valid record must never turn these tests red (`make relevance`
reports on the live content instead).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kb import create_app, search
from kb.pages.search import LISTED as RESULT_KINDS
from kb.store import Layout
from tests.support.corpora import FROZEN, Built
from tests.support.relevance import bench_module

REL = bench_module("judged")
ENG = bench_module("relevance_engines")


@pytest.fixture(scope="module")
def idx(frozen_built: Built) -> Iterator[search.SearchIndex]:
    layout = Layout(frozen_built.index_dir)
    index = search.open_index(layout.index(layout.current() or ""))
    yield index
    index.close()


@pytest.fixture(scope="module")
def site(frozen_built: Built) -> FlaskClient:
    return create_app(frozen_built.config()).test_client()


def ids(idx: search.SearchIndex, q: str, n: int = 10) -> list[str]:
    """Every kind of record, ranked together."""
    return [h.id for h in search.search(idx, q, per_page=n).hits]


def test_judgments_are_well_formed() -> None:
    judgments = REL.load_judgments(REL.JUDGMENTS)
    rows = REL.load_rows(FROZEN)
    assert len(judgments) >= 200
    assert REL.problems(judgments, {r.id for r in rows}) == []
    # Every kind of record and every axis of the frozen corpus is what some query must find.
    expected = {rid for j in judgments for rid in j.must}
    assert {r.type for r in rows if r.id in expected} == set(REL.TYPE_ORDER)
    assert {r.id for r in rows if r.type == "axe"} <= expected


def test_each_synonym_group_of_the_frozen_copy_is_justified_by_the_content_s_words() -> None:
    # issue 26, item 2: everyday words (usine, ZAN, paperasse…) are grouped with the words the records use.
    assert REL.unused_synonyms(FROZEN) == []
    groups = {tuple(g) for g in REL.yaml.safe_load((FROZEN / "synonyms.yaml").read_text("utf-8"))}
    for group in [("usine", "site de production", "outil de production", "implantation"), ("zan", "zéro artificialisation nette"),
                  ("foncier industriel", "foncier économique"), ("énergie", "énergétique", "électricité")]:
        assert group in groups


@pytest.fixture(scope="module")
def figures(idx: search.SearchIndex) -> dict:
    """kb and both baselines on every judged query, scored (as `make relevance` scores them)."""
    judgments = REL.load_judgments(REL.JUDGMENTS)

    def run(q: str) -> tuple[list[str], str | None]:
        res = search.search(idx, q, per_page=REL.DEPTH)
        return [h.id for h in res.hits], res.suggestion

    kb = ENG.kb_runs(run, judgments)
    runs = {"kb": [r.ids for r in kb], **ENG.fts_runs(FROZEN, judgments)}
    types = {r.id: r.type for r in REL.load_rows(FROZEN)}
    missed = [j.q for j, r in zip(judgments, kb, strict=True) if not REL.hit(r.ids, j.must, j.k)]
    return {**REL.scores(judgments, runs, types), "missed": missed, "wrong": ENG.wrong_suggestions(judgments, kb)}


def test_kb_is_above_its_threshold(figures: dict) -> None:
    kb_score = figures["engines"]["kb"][f"ndcg@{REL.NDCG_AT}"]
    assert kb_score >= REL.MIN_NDCG, f"nDCG@5 {kb_score:.3f} < {REL.MIN_NDCG}; missed: {figures['missed']}"
    assert figures["wrong"] == []


def test_kb_is_ahead_of_fts5_and_and_or_on_every_type_of_query(figures: dict) -> None:
    # In total, per type of expected answer and per way of typing the query (the judgments' tags): nDCG@5 and hit rate.
    assert set(figures["engines"]) == {"kb", "fts5_and", "fts5_or"}
    assert REL.behind(figures) == []


# --- Issue 14, as its reader typed it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("souveraineté", "axe-souverainete-energetique"),  # an axis title: whole-title match first
        # An institution's name: its own page first (issue 24: organisations are records; it lists its reports).
        ("Assemblée nationale", "assemblee-nationale"),
        ("Cour des comptes", "cour-des-comptes"),
        ("industrie verte", "senat-rapport-projet-loi-industrie-verte"),
        ("Bourgogne", "bourgogne-franche-comte"),
        ("Normandie", "normandie"),
        ("aéronautique", "aeronautique"),
        ("livre blanc", "livre-blanc-redynamiser-l-industrie"),
        ("Clarisse Maillet", "entretien-clarisse-maillet-bfc-industries"),
    ],
)
def test_queries_that_found_nothing_find_their_record_first(idx: search.SearchIndex, q: str, first: str) -> None:
    assert ids(idx, q)[0] == first


@pytest.mark.parametrize(
    ("q", "organisation", "report"),
    [
        ("Assemblée nationale", "assemblee-nationale", "an-rapport-batir-la-puissance-industrielle"),
        ("Cour des comptes", "cour-des-comptes", "cour-des-comptes-territoires-d-industrie"),
        ("Alliance du Fabriqué en France", "alliance-du-fabrique-en-france", "alliance-du-fabrique-en-france-lancement"),
    ],
)
def test_an_organisation_named_comes_first_and_its_document_next(idx: search.SearchIndex, q: str, organisation: str, report: str) -> None:
    assert ids(idx, q)[:2] == [organisation, report]


def test_reindustrialisation_with_or_without_accents(idx: search.SearchIndex) -> None:
    plain, accented = ids(idx, "reindustrialisation"), ids(idx, "réindustrialisation")
    assert plain == accented
    assert {"an-rapport-batir-la-puissance-industrielle", "lluansi-reindustrialiser-defi-d-une-generation"} <= set(plain[:5])


def test_the_livre_blanc_title_words_find_the_livre_blanc_and_its_axis(idx: search.SearchIndex) -> None:
    assert {"livre-blanc-redynamiser-l-industrie", "axe-souverainete-energetique"} <= set(ids(idx, "souveraineté", 3))
    assert ids(idx, "Redynamiser l'industrie pour une souveraineté retrouvée")[0] == "livre-blanc-redynamiser-l-industrie"


def test_pmi_ranks_the_two_proposals_titled_pmi_above_the_actions_that_mention_it(idx: search.SearchIndex) -> None:
    found = ids(idx, "PMI", 20)
    titled = {"pass-foncier-pmi", "coupe-file-pmi"}
    assert set(found[:2]) == titled
    actions = [i for i in found if i.startswith("normandie-")]
    assert actions and all(found.index(a) > 1 for a in actions)


def test_french_morphology_users_expect(idx: search.SearchIndex) -> None:
    # « énergie » finds « énergétique » (synonyms file): the livre blanc's axis says only « énergétique ».
    assert "axe-souverainete-energetique" in ids(idx, "énergie", 3)
    # « industriel » finds « industrie » (the synonyms file joins the two stems): this axis says only « l'industrie ».
    assert "axe-souverainete-energetique" in ids(idx, "industriel", 100)
    assert "axe-metiers-competences" in ids(idx, "compétences", 3)
    assert ids(idx, "métiers et compétences")[0] == "axe-metiers-competences"


def test_source_quotes_are_searched(idx: search.SearchIndex) -> None:
    # « drastiquement » is only in the quote of the communiqué that the coupe-file PMI cites.
    assert ids(idx, "drastiquement") == ["coupe-file-pmi"]


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("relocalsation", "relocalisation"),
        ("fonsier", "foncier"),
        ("Clarisse Maillet", None),  # proper nouns of the content are never « corrected »
        ("prix de l'électricité", None),  # no correction finds anything
        ("zéro artificialisation nette", None),
        ("zeprox", None),  # « zepros » is a site (a source's address), never offered as a word
        ("Banque des Territoires", None),  # « manque » is one letter away, but a different first letter
        ("Saone et Loire", None),
        # Issue 26: a word in no record and no group gets the nearest word the search knows, a record's or a group's…
        ("usinne", "usine"),
        ("paperase", "paperasse"),
        ("etiquettage", "étiquetage"),
        ("zann", "zan"),
        ("implantaton usine", "implantation usine"),
        # … and none when nothing is near, or when the word is a form of a group's word; never a real word turned into
        # another (« construire » is in no record, « construite » is).
        ("usines", None),
        ("xylophone", None),
        ("faut-il construire de nouvelles centrales nucleaires", None),
    ],
)
def test_suggestions_users_trust(idx: search.SearchIndex, q: str, suggestion: str | None) -> None:
    assert search.search(idx, q).suggestion == suggestion


def test_the_readme_example_finds_something(site: FlaskClient) -> None:
    page = site.get("/recherche?q=reindustrialisation").get_data(as_text=True)
    # The documents about it, above the records (none of the proposals and actions uses the word).
    assert 'href="/documents/an-rapport-batir-la-puissance-industrielle"' in page.split('class="pages"', 1)[1]
    assert "Aucune fiche ne correspond" not in page


def test_a_region_or_sector_name_offers_its_page_above_the_records(site: FlaskClient, idx: search.SearchIndex) -> None:
    for q, path in (("Normandie", "/regions/normandie"), ("aéronautique", "/filieres/aeronautique")):
        res = search.search(idx, q, listed=RESULT_KINDS, aside=5)
        assert res.aside[0].id == path.rsplit("/", 1)[1]
        page = site.get(f"/recherche?q={q}").get_data(as_text=True)
        block = page.split('class="pages"', 1)[1].split("</section>", 1)[0]
        assert f'href="{path}"' in block


def test_a_query_no_record_fully_matches_lists_the_records_with_some_of_its_words(idx: search.SearchIndex) -> None:
    # No record speaks of « xylophone électricité »; three speak of électricité: they come, said as partial.
    res = search.search(idx, "xylophone électricité")
    assert res.partial and res.suggestion is None and all(h.partial for h in res.hits)
    assert "lluansi-centrales-nucleaires" in [h.id for h in res.hits][:3]
    assert ">électricité</mark>" in next(h.highlight for h in res.hits if h.id == "lluansi-centrales-nucleaires")
    # A query whose full matches fill a page is not relaxed; a spelling fix comes before any relaxing.
    assert not search.search(idx, "foncier").partial
    fixed = search.search(idx, "relocalsation foncier")
    assert (fixed.suggestion, fixed.total, fixed.partial) == ("relocalisation foncier", 0, False)
    # Words that nothing contains stay an empty answer (the page then offers its ways in).
    assert (search.search(idx, "xylophone zorglub").total, search.search(idx, "xylophone zorglub").partial) == (0, False)


def test_partial_results_are_said_on_the_page_in_the_api_and_the_cli(site: FlaskClient, frozen_built: Built) -> None:
    from click.testing import CliRunner

    from kb.cli import main
    from kb.content.typography import french

    page = site.get("/recherche?q=xylophone+électricité").get_data(as_text=True)
    assert french("Aucune fiche ne contient tous les mots : voici celles qui en contiennent une partie") in page
    assert 'href="/propositions/lluansi-centrales-nucleaires"' in page
    # Full matches first, then the line, then the partial ones.
    page = site.get("/recherche?q=grands+projets+industriels+de+plus+de+100+millions").get_data(as_text=True)
    line = page.index(french("Ces fiches contiennent une partie des mots"))
    assert page.index('data-id="coupe-file-pmi"') < line < page.index('data-id="medef-projet-interet-national-majeur"')
    assert "une partie des mots" not in site.get("/recherche?q=foncier").get_data(as_text=True)
    api = site.get("/api/v1/search?q=grands+projets+industriels+de+plus+de+100+millions&limit=10").get_json()
    assert api["partial"] is True and [h["partial"] for h in api["data"]][:2] == [False, True]
    assert site.get("/api/v1/search?q=foncier").get_json()["partial"] is False
    # A search's feed lists only the records holding every word.
    feed = site.get("/recherche.atom?q=grands+projets+industriels+de+plus+de+100+millions").get_data(as_text=True)
    assert "/propositions/coupe-file-pmi" in feed and "medef-projet-interet-national-majeur" not in feed
    index = ["--index", str(frozen_built.index_dir)]
    out = CliRunner().invoke(main, ["search", "xylophone", "électricité", *index]).output
    assert "Aucune fiche ne contient tous ces mots" in out
    out = CliRunner().invoke(main, ["search", "grands", "projets", "industriels", "de", "plus", "de", "100", "millions", *index]).output
    assert out.index("coupe-file") < out.index("Ces fiches contiennent une partie des mots") < out.index("intérêt national majeur")
    data = CliRunner().invoke(main, ["search", "grands", "projets", "industriels", "100", "millions", "--json", *index]).output
    assert '"partial": true' in data


def test_a_query_that_names_a_kind_of_record_ranks_that_kind_first_among_equals(idx: search.SearchIndex) -> None:
    # Without the kind's bonus, the Medef's axis came before its second proposal, and the region before the fourth
    # action; the Medef's own document (a clearly better match) stays first.
    medef = ids(idx, "quelles sont les propositions du Medef", 4)
    assert medef[0] == "medef-projet-loi-acceleration-economique"
    assert set(medef[1:3]) == {"medef-bouclier-administratif", "medef-projet-interet-national-majeur"}
    normandie = ids(idx, "actions de la CPME Normandie", 6)
    assert set(normandie[1:5]) == {"normandie-implantation-sites-production", "normandie-nouvelles-filieres",
                                   "normandie-projets-fabrique-en-france", "normandie-simplification-demarches"}
    assert normandie.index("normandie") == 5


# --- Issue 26, as its reader typed it -------------------------------------------------------------------------------


def test_the_two_one_result_queries_find_their_records_in_the_top_five(idx: search.SearchIndex) -> None:
    # Each returned a single record: the words were all required, and « propositions » with them.
    assert "medef-projet-interet-national-majeur" in ids(idx, "grands projets industriels de plus de 100 millions", 5)
    top = ids(idx, "propositions du Sénat sur le foncier économique", 5)
    assert {"senat-306-identification-foncier", "senat-306-fonds-friches"} <= set(top)


def test_partial_matches_follow_the_full_ones_those_with_most_words_first(idx: search.SearchIndex) -> None:
    from kb.search.analysis import parse
    from kb.search.engine import match_bits

    q = "grands projets industriels de plus de 100 millions"
    res = search.search(idx, q, per_page=20)
    flags = [h.partial for h in res.hits]
    assert flags[0] is False and flags == sorted(flags) and res.partial  # the full matches, then the partial ones
    units = parse(q, idx.synonyms, idx.steering).units
    held = [sum(match_bits(idx, u, []) >> next(idx.searcher.document_numbers(id=h.id)) & 1 for u in units)
            for h in res.hits if h.partial]
    assert held == sorted(held, reverse=True) and held[0] == len(units) - 1


def test_usine_and_zan_find_records(idx: search.SearchIndex) -> None:
    # Everyday words the content does not use (synonyms.yaml: site de production, zéro artificialisation nette).
    assert "normandie-implantation-sites-production" in ids(idx, "usine", 3)
    assert ids(idx, "ZAN")[0] == ids(idx, "zan")[0] == "lluansi-liberer-foncier"


def test_everyday_words_of_the_synonyms_file_find_the_content_s_words(idx: search.SearchIndex) -> None:
    assert "senat-rapport-306-foncier-economique" in ids(idx, "foncier industriel", 5)  # the Sénat says « économique »
    assert ids(idx, "prix de l'énergie PME", 3)[0] == "an-mix-energetique-stable"  # « coût de l'énergie »
    assert "senat-754-mieux-identifier" in ids(idx, "étiquetage", 3)  # « marquage »
    assert "normandie-simplification-demarches" in ids(idx, "paperasse", 3)  # « démarches administratives »


def test_an_excluded_kind_word_gives_no_bonus() -> None:
    from kb.search.analysis import build_query

    def kinds(q: str) -> set[str]:
        parsed = build_query(q, [])
        return {text for field, text in parsed.all_terms() if field == "type"} if parsed is not None else set()

    assert kinds("actions Normandie") == {"action"} and kinds("propositions") == {"proposal"}
    assert kinds("Normandie -actions") == set() and kinds("Normandie") == set()


def test_eti_finds_the_records_that_speak_of_etis_first(idx: search.SearchIndex) -> None:
    # ETI is not in the PMI/PME/TPE group of the synonyms file: in it, the records saying PME passed those saying ETI.
    assert "lluansi-reindustrialiser-defi-d-une-generation" in ids(idx, "ETI", 5)
