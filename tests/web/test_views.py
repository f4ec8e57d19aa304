"""The HTML site over the valid test corpus (and variants): routes, facets, redirects, errors, escaping."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import create_app
from kb.content.typography import french
from kb.pages import query as facets
from kb.web import display
from tests.support.corpora import VALID, Built, build_corpus


def html(client: FlaskClient, url: str, status: int = 200) -> str:
    """GET a page, check its status, return its text."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def result_ids(page: str) -> list[str]:
    """Ids of the results listed on a search or browse page, in order."""
    return re.findall(r'<li class="result" data-id="([^"]+)"', page)


def facet_links(page: str, param: str) -> dict[str, str]:
    """value → href of one facet group's links."""
    group = re.search(rf'<section class="facet"[^>]*data-param="{param}">(.*?)</section>', page, re.S)
    assert group, f"no facet {param}"
    return {v: h.replace("&amp;", "&") for h, v in re.findall(r'<a href="([^"]+)"[^>]*data-value="([^"]+)"', group.group(1))}


def removal_links(page: str) -> dict[str, str]:
    """param → href of the « Filtres actifs » removal links."""
    return {p: h.replace("&amp;", "&") for h, p in re.findall(r'<a class="remove" href="([^"]+)" data-param="([^"]+)"', page)}


def params(url: str) -> list[tuple[str, str]]:
    """The query parameters of a URL."""
    return parse_qsl(urlsplit(url).query)


# --- Pages and routes -------------------------------------------------------------------------


def test_home_shows_counts_axes_documents_and_latest(client: FlaskClient) -> None:
    page = html(client, "/")
    assert '<html lang="fr">' in page and "Aller au contenu" in page
    assert "<strong>3</strong> propositions" in page and "<strong>1</strong> action régionale" in page
    assert "<strong>2</strong> documents sources" in page
    # The livre blanc's axes, in order, as entry points with their counts.
    axes = re.search(r'id="axes-titre".*?</section>', page, re.S).group(0)
    assert axes.index("/axes/foncier-essai") < axes.index("/axes/energie-essai")
    # Each card counts the axis's own proposals, then those of other documents that join it (issue 27, item 6).
    cards = dict(re.findall(r'<a href="(/axes/[^"]+)"><span class="card-title">.*?<span class="count">(.*?)</span>', axes))
    assert cards == {"/axes/foncier-essai": french("1 proposition du livre blanc, 1 d'un autre document"),
                     "/axes/energie-essai": french("1 proposition du livre blanc")}
    assert french('/documents/livre-essai">Livre blanc d&#39;essai') in page and french("2 propositions") in page
    latest = re.search(r'id="maj-titre".*?</section>', page, re.S).group(0)
    assert latest.index("/propositions/energie-locale") < latest.index("/propositions/pass-foncier")
    assert french('mis à jour le <time datetime="2025-12-01">1er décembre 2025</time>') in latest
    assert 'name="q"' in page and 'action="/recherche"' in page


def test_meta_title_description_canonical_and_feed_contract(app: Flask) -> None:
    seen = {}

    def record(sender: Flask, template: object, context: dict, **extra: object) -> None:
        seen[context["request"].path] = context["meta"]

    from flask import template_rendered

    template_rendered.connect(record, app)
    client = app.test_client()
    for url in ["/", "/recherche?q=foncier&axe=foncier-essai", "/documents/livre-essai", "/axes/foncier-essai",
                "/filieres/automobile", "/regions/normandie", "/propositions/pass-foncier", "/actions/implantation-normandie"]:
        page = html(client, url)
        assert "<title>" in page and '<meta name="description"' in page and '<link rel="canonical" href="http://localhost/' in page
    template_rendered.disconnect(record, app)
    assert seen["/"]["feed"] == "/flux.atom"
    assert seen["/recherche"]["feed"] == "/recherche.atom?q=foncier&axe=foncier-essai"
    assert seen["/documents/livre-essai"]["feed"] == "/documents/livre-essai/flux.atom"
    assert seen["/axes/foncier-essai"]["feed"] == "/axes/foncier-essai/flux.atom"
    assert seen["/filieres/automobile"]["feed"] == "/filieres/automobile/flux.atom"
    assert seen["/regions/normandie"]["feed"] == "/regions/normandie/flux.atom"
    assert seen["/propositions/pass-foncier"]["type"] == "article"
    assert seen["/propositions/pass-foncier"]["canonical"] == "/propositions/pass-foncier"


def test_proposal_page_shows_everything(client: FlaskClient) -> None:
    page = html(client, "/propositions/pass-foncier")
    assert "<h1" in page and "Créer un pass foncier pour les PMI</h1>" in page
    assert french('/documents/livre-essai">Livre blanc d&#39;essai') in page and french('/axes/foncier-essai">Accès au foncier') in page
    assert "Mesure phare" in page and "Proposée" in page
    assert french('<time datetime="2025-11-17">17 novembre 2025</time> — <strong>Proposée</strong>. Présentée dans le livre blanc.') in page
    assert "<strong>collectivités</strong>" in page  # Markdown body rendered
    assert french("<blockquote>« Créer un pass foncier »</blockquote>") in page
    assert "Portée nationale" in page and '/filieres/automobile">Automobile' in page
    assert '/recherche?q=foncier">foncier' in page
    assert french('<time datetime="2025-11-20">20 novembre 2025</time>') in page
    assert '<div class="share" id="partager">' in page  # the newsletter kit's block, after the text


def test_actions_carrying_a_proposal_and_related_both_ways(client: FlaskClient) -> None:
    page = html(client, "/propositions/pass-foncier")
    actions = re.search(r'id="actions-titre".*?</section>', page, re.S).group(0)
    assert '/actions/implantation-normandie">' in actions
    related = re.search(r'id="liees-titre".*?</section>', page, re.S).group(0)
    assert '/propositions/sanctuaire-foncier"' in related
    # Declared only on pass-foncier, shown on sanctuaire-foncier too.
    back = re.search(r'id="liees-titre".*?</section>', html(client, "/propositions/sanctuaire-foncier"), re.S).group(0)
    assert '/propositions/pass-foncier"' in back
    none = html(client, "/propositions/energie-locale")
    assert "Aucune action régionale ne porte encore cette proposition" in none and "Long terme" in none
    assert '/regions/normandie">Normandie' in none


def test_close_proposals_come_from_the_index(client: FlaskClient) -> None:
    page = html(client, "/propositions/sanctuaire-foncier")
    # sanctuaire-foncier's own related list holds pass-foncier: « proches » shows other wording neighbours only.
    close = re.search(r'id="proches-titre".*?</section>', page, re.S)
    assert close is None or "/propositions/pass-foncier" not in close.group(0)
    page = html(client, "/propositions/energie-locale")
    close = re.search(r'id="proches-titre".*?</section>', page, re.S)
    assert close and "/propositions/" in close.group(0) and "/propositions/energie-locale" not in close.group(0)


def test_action_page(client: FlaskClient) -> None:
    page = html(client, "/actions/implantation-normandie")
    assert french("Soutenir l&#39;implantation de sites de production</h1>") in page
    carried = re.search(r'id="portees-titre".*?</section>', page, re.S).group(0)
    assert '/propositions/pass-foncier">Créer un pass foncier pour les PMI' in carried
    assert french('/regions/normandie">Normandie') in page and french("Partenaire d&#39;essai") in page and french("En cours") in page
    assert '<a class="url" href="https://exemple.test/article" rel="noopener nofollow">' in page
    assert '/filieres/chimie">Chimie des matériaux' in page and '<div class="share" id="partager">' in page


def test_document_page_axes_in_order_and_coverage(client: FlaskClient) -> None:
    page = html(client, "/documents/livre-essai")
    assert "2 propositions sur les 4 annoncées figurent dans la base." in page
    axes = re.search(r'<ol class="axes">(.*?)</ol>', page, re.S).group(1)
    assert axes.index("Accès au foncier") < axes.index("Souveraineté énergétique")
    # Its proposals, and the regional actions that carry them.
    assert set(result_ids(page)) == {"pass-foncier", "energie-locale", "implantation-normandie"}
    assert 'data-param="document"' not in page  # the page's own filter is not offered as a facet
    assert 'data-param="axe"' in page
    report = html(client, "/documents/rapport-essai")
    assert "annoncées" not in report and '<a class="url" href="https://exemple.test/rapport"' in report


def test_highlights_are_trusted_only_when_they_hold_nothing_but_marks() -> None:
    assert str(display.safe_highlight('a <mark class="match term0">b</mark> &lt;c&gt;')) == 'a <mark class="match term0">b</mark> &lt;c&gt;'
    hostile = str(display.safe_highlight('<mark class="match term0">b</mark><script>alert(1)</script>'))
    assert "<script>" not in hostile and "<mark" not in hostile and "alert(1)" in hostile


def test_coverage_sentence_plurals() -> None:
    assert display.coverage(3, 10) == "3 propositions sur les 10 annoncées figurent dans la base."
    assert display.coverage(1, 10) == "1 proposition sur les 10 annoncées figure dans la base."
    assert display.coverage(1, 1) == "1 proposition sur 1 annoncée figure dans la base."
    assert display.coverage(0, 10) == "Aucune des propositions annoncées ne figure encore dans la base."


def test_browse_pages_list_their_records_with_facets(client: FlaskClient) -> None:
    # An axis page holds its proposals and the regional actions carrying them.
    assert set(result_ids(html(client, "/axes/foncier-essai"))) == {"pass-foncier", "implantation-normandie"}
    assert set(result_ids(html(client, "/filieres/automobile"))) == {"pass-foncier", "implantation-normandie"}
    region = html(client, "/regions/normandie")
    # A region's own records and the proposals of national scope (they name no region: they concern it too).
    assert set(result_ids(region)) == {"energie-locale", "implantation-normandie", "pass-foncier", "sanctuaire-foncier"}
    assert 'data-param="region"' not in region and 'data-param="type"' in region
    # A facet link on a browse page stays on it and keeps the page's own filter.
    link = facet_links(region, "type")["action"]
    assert link == "/regions/normandie?type=action"
    assert result_ids(html(client, link)) == ["implantation-normandie"]
    # The page's own parameter in the URL is ignored: the page's filter always holds.
    assert set(result_ids(html(client, "/regions/normandie?region=ile-de-france&portee=regionale"))) == {"energie-locale",
                                                                                                      "implantation-normandie"}
    assert set(result_ids(html(client, "/organisations/institut-essai"))) == {"sanctuaire-foncier"}


# --- Search ----------------------------------------------------------------------------------


def test_search_highlights_and_lists_both_types(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=implantation")
    assert set(result_ids(page)) == {"pass-foncier", "implantation-normandie"}
    assert '<mark class="match term0">' in page and "2 résultats" in page


def test_empty_query_lists_everything_with_facets(client: FlaskClient) -> None:
    page = html(client, "/recherche")
    assert set(result_ids(page)) == {"pass-foncier", "energie-locale", "sanctuaire-foncier", "implantation-normandie"}
    assert ", dont 4 propositions et actions" in page  # the heading counts every kind, as the type facet does
    # The records are listed; the type facet also offers every other kind of record (French names in the URL).
    types = facet_links(page, "type")
    assert set(types) == {"proposition", "action", "document", "axe", "region", "filiere", "organisation"}
    assert re.search(r'data-value="proposition">Propositions</a> <span class="count">\(3\)</span>', page)
    assert re.search(r'data-value="axe">Axes</a> <span class="count">\(3\)</span>', page)
    for param in ("organisation", "document", "axe", "filiere", "region", "portee", "statut", "horizon"):
        assert facet_links(page, param)


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("type", "action", {"implantation-normandie"}),
        ("document", "rapport-essai", {"sanctuaire-foncier"}),
        ("axe", "energie-essai", {"energie-locale"}),
        ("filiere", "chimie", {"energie-locale", "implantation-normandie"}),
        ("region", "normandie", {"energie-locale", "implantation-normandie", "pass-foncier", "sanctuaire-foncier"}),
        ("portee", "regionale", {"energie-locale", "implantation-normandie"}),
        ("portee", "nationale", {"pass-foncier", "sanctuaire-foncier"}),
        ("organisation", "federation-essai", {"pass-foncier", "energie-locale", "implantation-normandie"}),
        ("organisation", "federation-essai-normandie", {"implantation-normandie"}),
        ("statut", "en-discussion", {"energie-locale"}),
        ("horizon", "court-terme", {"sanctuaire-foncier"}),
    ],
)
def test_each_facet_link_adds_its_filter(client: FlaskClient, param: str, value: str, expected: set[str]) -> None:
    link = facet_links(html(client, "/recherche"), param)[value]
    assert params(link) == [(param, value)]
    page = html(client, link)
    assert set(result_ids(page)) == expected
    assert removal_links(page) == {param: "/recherche"}


def test_two_facets_combine_and_each_removal_removes_only_its_own(client: FlaskClient) -> None:
    first = facet_links(html(client, "/recherche?q=foncier"), "filiere")["automobile"]
    page = html(client, first)
    second = facet_links(page, "type")["proposition"]
    assert params(second) == [("q", "foncier"), ("type", "proposition"), ("filiere", "automobile")]
    both = html(client, second)
    assert result_ids(both) == ["pass-foncier"]
    removal = removal_links(both)
    assert params(removal["type"]) == [("q", "foncier"), ("filiere", "automobile")]
    assert params(removal["filiere"]) == [("q", "foncier"), ("type", "proposition")]
    # The active value's own facet link removes it too.
    assert params(facet_links(both, "filiere")["automobile"]) == [("q", "foncier"), ("type", "proposition")]
    assert set(result_ids(html(client, removal["filiere"]))) == {"pass-foncier", "sanctuaire-foncier"}


def test_values_of_one_filter_are_alternatives(client: FlaskClient) -> None:
    page = html(client, "/recherche?axe=energie-essai&axe=rapport-axe")
    assert set(result_ids(page)) == {"energie-locale", "sanctuaire-foncier"}
    assert params(facet_links(page, "axe")["energie-essai"]) == [("axe", "rapport-axe")]


def test_facet_labels_come_from_titles_and_sort_in_french_order(client: FlaskClient) -> None:
    page = html(client, "/recherche")
    region = re.search(r'data-param="region">(.*?)</section>', page, re.S).group(1)
    assert "Normandie" in region
    labels = [facets.collation_key(x) for x in ["Zèbre", "Écologie", "Energie", "Autre", "œuvre", "Île-de-France"]]
    assert [label[1] for label in sorted(labels)] == ["Autre", "Écologie", "Energie", "Île-de-France", "œuvre", "Zèbre"]
    statuses = re.search(r'data-param="statut">(.*?)</section>', page, re.S).group(1)
    shown = re.findall(r'data-value="[^"]+">([^<]+)</a>', statuses)
    assert shown == sorted(shown, key=facets.collation_key) and "En discussion" in shown


def test_sort_by_date_or_relevance(client: FlaskClient) -> None:
    relevance = html(client, "/recherche?q=usines")
    assert '<strong aria-current="true">pertinence</strong>' in relevance
    by_date = html(client, "/recherche?q=usines&tri=date")
    assert '<strong aria-current="true">date de mise à jour</strong>' in by_date
    # Updated 2025-11-21, 2025-11-20, 2025-06-18: newest first; relevance ranks them otherwise.
    assert result_ids(by_date) == ["implantation-normandie", "pass-foncier", "sanctuaire-foncier"]
    assert set(result_ids(relevance)) == set(result_ids(by_date)) and result_ids(relevance) != result_ids(by_date)
    assert params(re.search(r'<a href="([^"]+)">date de mise à jour', relevance).group(1).replace("&amp;", "&")) == [
        ("q", "usines"), ("tri", "date")]
    newest_first = ["energie-locale", "implantation-normandie", "pass-foncier", "sanctuaire-foncier"]
    assert result_ids(html(client, "/recherche?tri=date")) == newest_first
    assert result_ids(html(client, "/recherche")) == newest_first  # no words: newest first


def test_pagination(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facets, "PER_PAGE", 3)
    client = app.test_client()
    first = html(client, "/recherche")
    assert result_ids(first) == ["energie-locale", "implantation-normandie", "pass-foncier"]
    assert "page 1 sur 2" in first and '<a rel="next" href="/recherche?page=2">' in first
    second = html(client, "/recherche?page=2")
    assert result_ids(second) == ["sanctuaire-foncier"] and '<a rel="prev" href="/recherche">' in second
    # A facet link always goes back to page 1.
    assert "page=" not in facet_links(second, "type")["proposition"]
    assert french("Cette page de résultats n&#39;existe pas.") in html(client, "/recherche?page=3", 404)


def test_suggestion_link(client: FlaskClient) -> None:
    page = html(client, "/recherche?q=fonceir&type=proposition")
    assert french('Vouliez-vous dire <a href="/recherche?q=foncier&amp;type=proposition">foncier</a> ?') in page


@pytest.mark.parametrize("q", ["pass-foncier", "  PASS-FONCIER ", "ancien-pass-foncier"])
def test_an_id_or_alias_typed_in_the_box_goes_to_the_record(client: FlaskClient, q: str) -> None:
    response = client.get("/recherche", query_string={"q": q})
    assert response.status_code == 302 and response.headers["Location"] == "/propositions/pass-foncier"


def test_a_query_that_only_contains_an_id_does_not_redirect(client: FlaskClient) -> None:
    response = client.get("/recherche", query_string={"q": "pass-foncier parcelles"})
    assert response.status_code == 200


# --- Redirects, errors, validation -----------------------------------------------------------


def test_alias_answers_301_to_the_current_url(client: FlaskClient) -> None:
    response = client.get("/propositions/ancien-pass-foncier")
    assert response.status_code == 301 and response.headers["Location"] == "/propositions/pass-foncier"
    kept = client.get("/propositions/ancien-pass-foncier?utm_source=newsletter")
    assert kept.headers["Location"] == "/propositions/pass-foncier?utm_source=newsletter"


@pytest.mark.parametrize("url", ["/propositions/inconnue", "/actions/inconnue", "/documents/inconnu", "/axes/inconnu",
                                 "/filieres/inconnue", "/regions/inconnue", "/page-inexistante", "/propositions/implantation-normandie"])
def test_unknown_ids_get_a_french_404_with_a_search_box(client: FlaskClient, url: str) -> None:
    page = html(client, url, 404)
    assert "Page introuvable" in page and '<html lang="fr">' in page
    assert re.search(r'<form class="hero-search" action="/recherche"[^>]*role="search"', page)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("axe=inexistant", "Le filtre « Axe » ne connaît pas la valeur « inexistant »."),
        ("statut=adoptée", "Le filtre « Statut » ne connaît pas la valeur « adoptée »."),
        ("type=proposal", "Le filtre « Type » ne connaît pas la valeur « proposal »."),
        ("filiere=%00", "Le filtre « Filière »"),
        ("tri=hasard", "Le tri demandé n&#39;existe pas"),
        ("page=abc", "Le numéro de page doit être un nombre entier positif."),
        ("page=0", "Le numéro de page"),
        ("page=-2", "Le numéro de page"),
    ],
)
def test_bad_parameters_get_a_french_400(client: FlaskClient, query: str, message: str) -> None:
    page = html(client, f"/recherche?{query}", 400)
    assert "Demande incorrecte" in page and french(message) in page
    html(client, f"/documents/livre-essai?{query}", 400)


@pytest.mark.parametrize("query", ["q=%00%00", "q=%ZZ%C3%28", "q=%22non+ferm%C3%A9", "q=a*", "q=(((", "q=" + "x" * 3000,
                                   "q=OU+OU+-", "axe=&filiere=", "tri=&page="])
def test_hostile_input_never_gets_a_500(client: FlaskClient, query: str) -> None:
    response = client.get(f"/recherche?{query}")
    assert response.status_code in (200, 400, 414) and "Traceback" not in response.get_data(as_text=True)


def test_long_query_is_not_a_server_error(client: FlaskClient) -> None:
    assert client.get("/recherche", query_string={"q": "industrie " * 1000}).status_code < 500


def test_500_page_is_french(built: Built) -> None:
    app = create_app(built.config(TESTING=False, PROPAGATE_EXCEPTIONS=False))

    def boom() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/boom", view_func=boom)
    page = html(app.test_client(), "/boom", 500)
    assert "Erreur du serveur" in page and '<html lang="fr">' in page and "RuntimeError" not in page


PAGES = ["/", "/recherche", "/recherche?q=foncier&filiere=automobile", "/recherche?q=fonceir", "/documents/livre-essai",
         "/axes/foncier-essai", "/filieres/automobile", "/regions/normandie", "/propositions/pass-foncier",
         "/actions/implantation-normandie"]


@pytest.mark.parametrize("url", [*PAGES, "/propositions/inconnue", "/recherche?axe=inconnu"])
def test_pages_are_valid_html5_with_unique_ids(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    page = response.get_data(as_text=True)
    html5lib.HTMLParser(strict=True).parse(page)  # raises on any HTML5 parse error
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    labelled = re.findall(r'<label for="([^"]+)"', page)
    assert labelled and set(labelled) <= set(ids)


@pytest.mark.parametrize(
    "url", ["/propositions/%00", "/actions/%C3%28", "/axes/" + "x" * 300, "/regions/..%2f..%2fetc", "/documents/%3Cscript%3E"]
)
def test_hostile_paths_get_a_french_404(client: FlaskClient, url: str) -> None:
    page = html(client, url, 404)
    assert "Page introuvable" in page and "<script>" not in page


def test_before_any_build_pages_say_so_without_error(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "content"), "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite'}",
                      "INDEX_DIR": str(tmp_path / "index")})
    client = app.test_client()
    assert "pas encore construite" in html(client, "/")
    html(client, "/recherche?q=foncier", 404)
    html(client, "/propositions/pass-foncier", 404)
    assert "<urlset" in html(client, "/sitemap.xml")


# --- Sitemap, robots, print ------------------------------------------------------------------


def test_sitemap_lists_every_public_page(client: FlaskClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    locs = set(re.findall(r"<loc>([^<]+)</loc>", response.get_data(as_text=True)))
    expected = {"/", "/propositions/pass-foncier", "/propositions/energie-locale", "/propositions/sanctuaire-foncier",
                "/actions/implantation-normandie", "/documents/livre-essai", "/documents/rapport-essai", "/axes/foncier-essai",
                "/axes/energie-essai", "/axes/rapport-axe", "/filieres/automobile", "/filieres/chimie", "/regions/normandie",
                "/regions/ile-de-france"}
    assert {"http://localhost" + p for p in expected} <= locs
    assert "<lastmod>2025-11-20</lastmod>" in response.get_data(as_text=True)


def test_sitemap_uses_site_url(built: Built) -> None:
    client = create_app(built.config(SITE_URL="https://kb.exemple.fr/")).test_client()
    assert "<loc>https://kb.exemple.fr/propositions/pass-foncier</loc>" in html(client, "/sitemap.xml")
    assert "Sitemap: https://kb.exemple.fr/sitemap.xml" in html(client, "/robots.txt")


def test_robots(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "User-agent: *\nAllow: /\n\nSitemap: http://localhost/sitemap.xml\n"


def test_print_stylesheet_for_the_proposal_page(client: FlaskClient) -> None:
    page = html(client, "/propositions/pass-foncier")
    assert '<link rel="stylesheet" href="/static/kb.css">' in page
    assert french('<p class="print-only">Adresse : http://localhost/propositions/pass-foncier</p>') in page
    with client.get("/static/kb.css") as response:
        css = response.get_data(as_text=True)
    printed = css[css.index("@media print") :]
    for hidden in (".main-nav", ".site-search", ".facets"):
        assert hidden in printed.split("display: none")[0]
    assert 'content: " <" attr(href) ">"' in printed
    assert "http://" not in css.replace("http://www.w3", "") and "@import" not in css  # nothing from outside


def test_french_dates_on_results(client: FlaskClient) -> None:
    page = html(client, "/recherche?type=action")
    assert french('mis à jour le <time datetime="2025-11-21">21 novembre 2025</time>') in page and french("1 résultat<") in page


# --- Hostile content and drafts (a variant corpus) --------------------------------------------


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus with script in a title and body, javascript:/data: source URLs and a draft proposal."""
    src = tmp_path_factory.mktemp("variant-src") / "content"
    shutil.copytree(VALID, src)
    path = src / "proposals" / "pass-foncier.yaml"
    text = path.read_text("utf-8")
    text = text.replace("title: Créer un pass foncier pour les PMI", "title: 'Créer un pass <script>alert(1)</script> foncier'")
    text = text.replace(
        "body: |\n",
        "body: |\n  <script>alert('corps')</script> [piège](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n",
    )
    text = text.replace(
        "sources:\n  - document: livre-essai\n",
        "sources:\n  - url: \"javascript:alert('source')\"\n    quote: piège\n"
        "  - url: \"data:text/html,<b>x</b>\"\n  - document: livre-essai\n",
    )
    path.write_text(text, "utf-8")
    (src / "proposals" / "brouillon-essai.yaml").write_text(
        "title: Proposition en brouillon\nsummary: Un brouillon pour l'aperçu.\ndocument: livre-essai\naxis: foncier-essai\n"
        "status: proposee\nsources:\n  - document: livre-essai\npublished: 2025-11-17\nupdated: 2025-12-02\ndraft: true\n",
        "utf-8",
    )
    return build_corpus(src, tmp_path_factory.mktemp("variant"))


@pytest.fixture
def variant_client(variant: Built) -> Iterator[FlaskClient]:
    """A client over the variant corpus."""
    yield create_app(variant.config()).test_client()


def test_script_in_title_and_body_is_inert(variant_client: FlaskClient) -> None:
    for url in ["/propositions/pass-foncier", "/recherche?q=foncier", "/actions/implantation-normandie", "/", "/axes/foncier-essai"]:
        page = html(variant_client, url)
        assert "<script>" not in page and "onerror=" not in page.replace("onerror=alert(3)&gt;", ""), url
        assert 'href="javascript:' not in page
    page = html(variant_client, "/propositions/pass-foncier")
    assert "Créer un pass &lt;script&gt;alert(1)&lt;/script&gt; foncier" in page
    assert "<img" not in page


def test_javascript_and_data_source_urls_are_text_not_links(variant_client: FlaskClient) -> None:
    page = html(variant_client, "/propositions/pass-foncier")
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert "<span class=\"unsafe-url\">javascript:alert(&#39;source&#39;)</span>" in page
    assert "data:text/html,&lt;b&gt;x&lt;/b&gt;" in page


def test_drafts_are_404_everywhere_outside_preview(variant_client: FlaskClient) -> None:
    html(variant_client, "/propositions/brouillon-essai", 404)
    assert "brouillon-essai" not in html(variant_client, "/recherche")
    assert "brouillon-essai" not in html(variant_client, "/")
    assert "brouillon-essai" not in html(variant_client, "/axes/foncier-essai")
    assert "brouillon-essai" not in html(variant_client, "/sitemap.xml")
    assert variant_client.get("/recherche?q=brouillon-essai").status_code == 200


def test_preview_shows_drafts_marked(variant: Built) -> None:
    client = create_app(variant.config(SHOW_DRAFTS=True)).test_client()
    page = html(client, "/propositions/brouillon-essai")
    assert '<span class="badge draft">Brouillon</span>' in page and "Mode aperçu" in page
    listing = html(client, "/recherche")
    item = re.search(r'data-id="brouillon-essai">.*?</li>', listing, re.S).group(0)
    assert "Brouillon" in item
    assert "brouillon-essai" not in html(client, "/sitemap.xml")
    assert client.get("/recherche?q=brouillon-essai").headers["Location"] == "/propositions/brouillon-essai"


def test_editorial_links_say_so_on_both_pages(client: FlaskClient) -> None:
    # implantation-normandie carries pass-foncier by the base's choice, not the source's: both pages say it, with why.
    action = html(client, "/actions/implantation-normandie")
    block = re.search(r'href="/propositions/pass-foncier">.*?</li>', action, re.S)
    assert block and "Rapprochement éditorial" in block.group(0) and "la base le fait" in block.group(0)
    proposal = html(client, "/propositions/pass-foncier")
    block = re.search(r'href="/actions/implantation-normandie">.*?</li>', proposal, re.S)
    assert block and "Rapprochement éditorial" in block.group(0)


def test_an_axis_page_shows_what_other_documents_propose_on_it(client: FlaskClient) -> None:
    page = html(client, "/axes/foncier-essai")
    section = re.search(r'<section aria-labelledby="echos-titre".*?</section>', page, re.S)
    assert section, "the axis page has its « Ce que proposent d'autres documents » section"
    text = section.group(0)
    assert "Ce que proposent d’autres documents sur cet axe" in text or "Ce que proposent d'autres documents sur cet axe" in text
    assert 'href="/propositions/sanctuaire-foncier"' in text and "Rapprochement éditorial" in text
    assert "Le rapport parle lui aussi du foncier des usines." in text
    # The echoing proposal's own page names the axis it echoes.
    assert 'href="/axes/foncier-essai"' in html(client, "/propositions/sanctuaire-foncier")
