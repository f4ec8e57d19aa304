"""The main menu and the counts that tell the truth (issue 27, item 6): list pages titled for what they list, the
current section marked on every page, « Qui propose quoi » in the menu, « Filières » only while records name a sector,
and the home page's axis cards counting the proposals of other documents that join the axis."""

from __future__ import annotations

import re
import shutil

import pytest
from flask.testing import FlaskClient

from kb import create_app
from kb.content.kinds import ACTION, AXIS, DOCUMENT, ORGANISATION, PROPOSAL, REGION, SECTOR
from kb.content.typography import french
from kb.web import menu
from kb.web.display import axis_count
from tests.support.corpora import VALID, Built, build_corpus

NAVS = re.compile(r'<nav[^>]*aria-label="Navigation principale">(.*?)</nav>', re.S)


def _page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def _marks(page: str) -> list[dict[str, str]]:
    """For each of the page's two menus (wide and phone), label → aria-current of the marked entries."""
    navs = NAVS.findall(page)
    assert len(navs) == 2
    return [dict((label, value) for _href, value, label in re.findall(r'<a href="([^"]+)" aria-current="([^"]+)">([^<]+)</a>', nav))
            for nav in navs]


def _labels(page: str) -> list[str]:
    return re.findall(r"<li><a [^>]*>([^<]+)</a></li>", NAVS.findall(page)[0])


# --- Which section a page belongs to: a function of its address ---------------------------------------------


@pytest.mark.parametrize(("path", "types", "expected"), [
    ("/", (), menu.HOME),
    ("/comparer", (), menu.COMPARE),
    ("/recherche", (), menu.SEARCH),
    ("/recherche", ("proposition",), PROPOSAL),
    ("/recherche", ("action",), ACTION),
    ("/recherche", ("proposition", "action"), menu.SEARCH),
    ("/recherche", ("axe",), AXIS),
    ("/propositions/nimporte-laquelle", (), PROPOSAL),
    ("/actions/nimporte-laquelle", (), ACTION),
    ("/axes/nimporte-lequel", (), AXIS),
    ("/axes", (), AXIS),
    ("/documents/nimporte-lequel", (), DOCUMENT),
    ("/regions/nimporte-laquelle", (), REGION),
    ("/organisations/nimporte-laquelle", (), ORGANISATION),
    ("/filieres/nimporte-laquelle", (), SECTOR),
    ("/propositions/nimporte-laquelle/carte", (), None),  # a card is no page of the site
    ("/a-propos", (), None),
    ("/tableau-de-bord", (), None),
])
def test_a_page_belongs_to_the_section_of_its_address(path: str, types: tuple[str, ...], expected: str | None) -> None:
    assert menu.section(path, types) == expected


def test_the_entry_that_opens_the_page_is_page_and_the_rest_of_its_section_true() -> None:
    def current(path: str, query: str = "", types: tuple[str, ...] = ()) -> dict[str, str]:
        return {e.label: c for e, c in menu.marked(path, query, types) if c}

    assert current("/recherche", "type=proposition", ("proposition",)) == {"Propositions": "page"}
    assert current("/recherche", "q=foncier&type=proposition", ("proposition",)) == {"Propositions": "true"}
    assert current("/axes") == {"Axes": "page"} and current("/axes/x") == {"Axes": "true"}
    assert current("/comparer", "axe=x") == {"Qui propose quoi": "true"}
    assert current("/a-propos") == {}


def test_sectors_leave_the_menu_only_when_told() -> None:
    labels = [e.label for e, _c in menu.marked("/", "", (), with_sectors=False)]
    assert SECTOR.plural not in labels and "Qui propose quoi" in labels
    assert SECTOR.plural in [e.label for e, _c in menu.marked("/", "", ())]


# --- Every page of the fixture corpus marks its section, in both menus ---------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("/", {"Accueil": "page"}),
    ("/recherche?type=proposition", {"Propositions": "page"}),
    ("/recherche?type=action", {"Actions régionales": "page"}),
    ("/recherche?q=foncier&type=proposition", {"Propositions": "true"}),
    ("/recherche", {"Toutes les fiches": "page"}),
    ("/recherche?q=foncier", {"Toutes les fiches": "true"}),
    ("/propositions/pass-foncier", {"Propositions": "true"}),
    ("/actions/implantation-normandie", {"Actions régionales": "true"}),
    ("/comparer", {"Qui propose quoi": "page"}),
    ("/comparer?axe=foncier-essai", {"Qui propose quoi": "true"}),
    ("/axes", {"Axes": "page"}),
    ("/axes/foncier-essai", {"Axes": "true"}),
    ("/documents/livre-essai", {"Documents": "true"}),
    ("/regions/normandie", {"Régions": "true"}),
    ("/organisations/federation-essai", {"Organisations": "true"}),
    ("/filieres/automobile", {"Filières": "true"}),
    ("/a-propos", {}),
])
def test_every_page_marks_its_section_in_both_menus(client: FlaskClient, url: str, expected: dict[str, str]) -> None:
    assert _marks(_page(client, url)) == [expected, expected]


def test_an_error_page_is_in_no_section(client: FlaskClient) -> None:
    for url in ("/propositions/inconnue", "/organisations/inconnue", "/page-inexistante"):
        assert _marks(_page(client, url, 404)) == [{}, {}]


def test_qui_propose_quoi_is_in_the_menu_after_the_lists_of_records(client: FlaskClient) -> None:
    labels = _labels(_page(client, "/"))
    assert labels[:4] == ["Accueil", "Propositions", "Actions régionales", "Qui propose quoi"]


# --- List pages titled for what they list -----------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "title"), [
    ("/recherche?type=proposition", "Propositions"),
    ("/recherche?type=action", "Actions régionales"),
    ("/recherche?type=proposition&tri=date", "Propositions"),
    ("/recherche", "Toutes les fiches"),
    ("/recherche?type=proposition&type=action", "Toutes les fiches"),
    ("/recherche?q=foncier&type=proposition", french("Recherche : foncier")),
])
def test_a_list_is_titled_for_what_it_lists(client: FlaskClient, url: str, title: str) -> None:
    page = _page(client, url)
    assert re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip() == title
    assert re.search(r"<title>(.*?) — ", page).group(1) == title


# --- « Filières » only while a record names a sector (decided from the data) ---------------------------------------


@pytest.fixture(scope="module")
def unattached(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The valid corpus with no proposal or action naming a sector (the sectors and the regions citing them stay)."""
    src = tmp_path_factory.mktemp("unattached") / "source"
    shutil.copytree(VALID, src)
    for path in [*src.glob("proposals/*.yaml"), *src.glob("actions/*.yaml")]:
        path.write_text(re.sub(r"^sectors: .*$", "sectors: []", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    built: Built = build_corpus(src, tmp_path_factory.mktemp("unattached-built"))
    return create_app(built.config()).test_client()


def test_sectors_are_in_the_menu_and_on_the_home_page_while_records_name_them(client: FlaskClient) -> None:
    home = _page(client, "/")
    assert "Filières" in _labels(home) and 'href="/filieres">Les filières</a>' in home


def test_sectors_leave_the_menu_and_the_home_page_while_no_record_names_one(unattached: FlaskClient) -> None:
    for url in ("/", "/axes", "/regions/normandie", "/filieres/automobile"):
        page = _page(unattached, url)
        assert "Filières" not in _labels(page) and 'href="/filieres">' not in page.split("<main")[0], url
    assert 'href="/filieres">' not in _page(unattached, "/").split("<main")[1]
    # Its pages still answer (published links stay), and a region still names the sectors its source cites.
    assert unattached.get("/filieres").status_code == 200
    assert 'href="/filieres/automobile"' in _page(unattached, "/regions/normandie")


# --- The home page's axis cards count the proposals of other documents that join the axis -----------------------


def test_axis_count_says_the_documents_own_then_the_others() -> None:
    assert axis_count(2, 0, "du livre blanc") == "2 propositions du livre blanc"
    assert axis_count(0, 3, "du livre blanc") == "0 proposition du livre blanc, 3 d'autres documents"
    assert axis_count(1, 1, "du rapport") == "1 proposition du rapport, 1 d'un autre document"


def _cards(page: str) -> dict[str, str]:
    section = re.search(r'id="axes-titre".*?</section>', page, re.S).group(0)
    return dict(re.findall(r'<a href="/axes/([^"]+)"><span class="card-title">.*?<span class="count">(.*?)</span>', section))


@pytest.mark.parametrize("corpus", ["built", "grown"])
def test_home_axis_cards_count_what_the_axis_api_lists(request: pytest.FixtureRequest, corpus: str) -> None:
    client = create_app(request.getfixturevalue(corpus).config()).test_client()
    cards = _cards(_page(client, "/"))
    assert cards
    for axis_id, text in cards.items():
        axis = client.get(f"/api/v1/axes/{axis_id}").get_json()
        # The featured document here is a livre blanc; any other content would say « du rapport » and so on.
        assert text == french(axis_count(len(axis["proposals"]), len(axis["echoed_by"]), "du livre blanc")), axis_id


def test_a_proposal_that_joins_an_axis_counts_on_its_home_card(client: FlaskClient, grown: Built) -> None:
    before, after = _cards(_page(client, "/")), _cards(_page(create_app(grown.config()).test_client(), "/"))
    # tests/data/grown adds a proposal of another document joining each of the featured paper's axes.
    assert before["foncier-essai"] == french("1 proposition du livre blanc, 1 d'un autre document")
    assert after["foncier-essai"] == french("1 proposition du livre blanc, 2 d'autres documents")
    assert after["energie-essai"] == french("1 proposition du livre blanc, 1 d'un autre document")
