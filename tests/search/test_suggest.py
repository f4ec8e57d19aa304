"""« Vouliez-vous dire … ? »: which words are corrected, into what, and never into a draft's, a site's or an address's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import search
from kb.builder import build
from kb.search import suggesting
from kb.store import Layout, make_engine
from tests.support.corpora import VALID, Built, build_corpus


def _open(built: Built) -> search.SearchIndex:
    layout = Layout(built.index_dir)
    return search.open_index(layout.index(layout.current() or ""))


@pytest.fixture(scope="module")
def idx(built: Built) -> Iterator[search.SearchIndex]:
    index = _open(built)
    yield index
    index.close()


def words(idx: search.SearchIndex) -> set[str]:
    """The build's spelling vocabulary (folded words)."""
    return {w for letter in idx.spellings.by_letter.values() for w, _n in letter}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("reindustrialsation", "réindustrialisation"),  # one letter missing; accents restored from the content
        ("parcelels industrielles", "parcelles industrielles"),  # two letters swapped count as one edit
        ("usinse", "usines"),
        ("feindustrialisation", None),  # the first letter is rarely the typo: never changed
        ("usi", None),  # three letters: too many real words are one letter away
        ("usne", "usine"),  # four letters: a missing letter is corrected…
        ("pasx", None),  # … a changed one is not (« pass » is one letter away, but so are many real words)
        ("parcelels xqzwvy", None),  # the corrected query must find something: « xqzwvy » still finds nothing
        ("Normandie", None),  # present in the content: never « corrected »
        ("énergie", None),
    ],
)
def test_what_is_corrected(idx: search.SearchIndex, q: str, expected: str | None) -> None:
    assert search.search(idx, q).suggestion == expected


def test_a_word_found_only_through_a_close_stem_is_still_offered_its_spelling(idx: search.SearchIndex) -> None:
    # « réindustrialiation » finds « réindustrialisation » by prefix: its results show, and so does the correction.
    res = search.search(idx, "réindustrialiation")
    assert res.total == 1 and res.suggestion == "réindustrialisation"


def test_the_distance_allowed_grows_with_the_word() -> None:
    assert [suggesting.max_distance("x" * n) for n in (3, 4, 7, 8, 15)] == [0, 1, 1, 2, 2]


def test_the_nearest_then_the_most_frequent_word_wins() -> None:
    vocabulary = suggesting.Vocabulary.of({"tarif": {"tarif": 1}, "tarifs": {"tarifs": 9}, "tamis": {"tamis": 50}}, {})
    assert suggesting.correction(vocabulary, "tarifx") == "tarifs"  # distance 1, more frequent than « tarif »
    assert suggesting.correction(vocabulary, "tarik") == "tarif"  # distance 1 beats the frequent « tamis » (2)


def test_a_close_stem_keeps_the_typed_ending() -> None:
    # Only « relocaliser » is in the content; « relocalsation » (stem relocals) is one letter from its stem relocalis.
    vocabulary = suggesting.Vocabulary.of({"relocaliser": {"relocaliser": 1}}, {})
    assert suggesting.correction(vocabulary, "relocalsation") == "relocalisation"


def test_addresses_site_names_and_numbers_are_never_spellings(tmp_path: Path) -> None:
    doc = search.index_doc(
        "document", "note", "Note sur les usines", updated="2025-01-01",
        body="Selon zepros et bfc-industries.com (voir https://www.exemple.fr/usines), 25.000 usines ferment ; cpme67 le dit.",
        sites=["habitat.zepros.fr"],
    )
    search.build_index([doc], [], tmp_path / "ix")
    idx = search.open_index(tmp_path / "ix")
    try:
        vocabulary = words(idx)
        assert {"usines", "selon", "ferment", "note"} <= vocabulary
        assert not vocabulary & {"zepros", "bfc", "industries", "com", "https", "www", "exemple", "fr", "cpme"}
        assert search.search(idx, "zepro").suggestion is None  # « zepros » is written, but as a site's name
    finally:
        idx.close()


# --- Drafts never feed a public suggestion (issue 18) ---------------------------------------------------------------

SECRET = "zorglubsecret"


def _draft_yaml(draft: bool) -> str:
    return (
        f'title: "Mesure {SECRET} pour le foncier"\nsummary: Une mesure encore secrète.\ndocument: livre-essai\n'
        "axis: foncier-essai\nstatus: proposee\nsources:\n  - document: livre-essai\npublished: 2026-01-05\n"
        f"updated: 2026-01-05\n{'draft: true' if draft else ''}\n"
    )


@pytest.fixture
def drafted(tmp_path: Path) -> Built:
    src = tmp_path / "src"
    shutil.copytree(VALID, src)
    (src / "proposals" / "mesure-secrete.yaml").write_text(_draft_yaml(True), "utf-8")
    return build_corpus(src, tmp_path / "build")


def _rebuild(built: Built) -> None:
    engine = make_engine(built.database_url)
    assert build(built.data_dir, engine, built.index_dir).ok
    engine.dispose()


def test_a_draft_s_title_never_feeds_a_public_suggestion(drafted: Built) -> None:
    idx = _open(drafted)
    try:
        assert SECRET not in words(idx)
        res = search.search(idx, "zorglubsecrte")
        assert res.total == 0 and res.suggestion is None
        assert search.search(idx, "zorglubsecrte", show_drafts=True).suggestion is None
    finally:
        idx.close()
    # Published, its words become spellings; back to a draft (incremental builds both times), they are gone again.
    path = drafted.data_dir / "proposals" / "mesure-secrete.yaml"
    path.write_text(_draft_yaml(False), "utf-8")
    _rebuild(drafted)
    idx = _open(drafted)
    try:
        assert search.search(idx, "zorglubsecrte").suggestion == SECRET
    finally:
        idx.close()
    path.write_text(_draft_yaml(True), "utf-8")
    _rebuild(drafted)
    idx = _open(drafted)
    try:
        assert SECRET not in words(idx) and search.search(idx, "zorglubsecrte").suggestion is None
    finally:
        idx.close()
