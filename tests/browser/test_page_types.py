"""Every page type in Chromium at phone (390 px) and desktop (1366 px) widths, over the shipped content as it is and
grown (the records chosen in the content served: tests/browser/conftest.py, Shown).

Index pages reached from the menu, with their feed and their JSON twin (issue 15, item 1); honest empty states (2);
the phone layout: compact header, menu without JavaScript, active filters above the results, « En bref » and the
newsletter block under the title, no sideways scrolling, readable dashboard, large enough inputs (5); the newsletter
block (7); axe-core's WCAG 2.1 A and AA rules on every page type at both widths (8). Screenshots of every page type
at both widths are kept in tests/artifacts/.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from kb.content.labels import OF_DOCUMENT_KIND
from kb.web.about import CHECKED_PAGE_TYPES
from tests.browser.conftest import Shown, api, typed
from tests.support.chromium import ARTIFACTS, DESKTOP, PHONE, WIDTHS

# One page of each type the site has (the accessibility statement lists the same types): fixed pages, or records
# chosen in the content served (tests/browser/conftest.py: Shown), since editors grow and rename it.
FIXED: dict[str, str] = {
    "Accueil": "/",
    "Recherche sans résultat": "/recherche?q=zzzyxw",
    "Index des axes": "/axes",
    "Index des documents": "/documents",
    "Index des filières": "/filieres",
    "Index des régions (carte)": "/regions",
    "Index des organisations": "/organisations",
    "Qui propose quoi (comparaison)": "/comparer",
    "Tableau de bord": "/tableau-de-bord",
    "API": "/api",
    "Données ouvertes": "/donnees",
    "À propos": "/a-propos",
    "Mentions légales": "/mentions-legales",
    "Déclaration d'accessibilité": "/accessibilite",
    "Page introuvable": "/cette-page-n-existe-pas",
}
CHOSEN: dict[str, Callable[[Shown], str | None]] = {
    "Recherche avec résultats": lambda s: "/recherche?" + urllib.parse.urlencode({"q": s.proposal["title"], "type": "proposition"}),
    "Page d'un document": lambda s: s.path(s.pivot),
    "Page d'un document sans proposition": lambda s: s.path(s.lone_document),
    "Page d'un axe": lambda s: s.path(s.axis),
    "Page d'un axe sans proposition dans la base": lambda s: s.path(s.empty_axis),
    "Page d'une filière": lambda s: s.path(s.sector),
    "Page d'une région avec actions": lambda s: s.path(s.region),
    "Page d'une région sans action": lambda s: s.path(s.quiet_region),
    "Page d'une proposition": lambda s: s.path(s.proposal),
    "Page d'une action régionale": lambda s: s.path(s.action),
    "Page d'une organisation": lambda s: s.path(s.organisation),
    "Page d'une union régionale": lambda s: s.path(s.union),
    "Ma sélection (newsletter)": lambda s: f"/selection?ids={s.proposal['id']},{s.action['id']}",
}
PAGE_TYPES = tuple(label for label in CHECKED_PAGE_TYPES if label in FIXED or label in CHOSEN)


def page_of(shown: Shown, label: str) -> str:
    """The path of the page of this type in the content served; skipped, saying why, when the content has none."""
    path = FIXED.get(label) or CHOSEN[label](shown)
    if path is None:
        pytest.skip(f"the content served has no « {label} » today")
    return path


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _slug(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_label).strip("-")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page at phone width."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page at desktop width."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _text(page: Page, selector: str) -> str:
    # Typeset text uses no-break spaces and ’: compare words as people read them.
    return typed(page.inner_text(selector))


# --- 1. Index pages ---------------------------------------------------------------------------------


def test_the_statement_lists_the_page_types_these_tests_check() -> None:
    assert PAGE_TYPES == CHECKED_PAGE_TYPES and not set(FIXED) & set(CHOSEN)


@pytest.mark.parametrize(("label", "path", "twin"), [("Axes", "/axes", "/api/v1/axes?limit=100"),
                                                     ("Documents", "/documents", "/api/v1/documents?limit=100"),
                                                     ("Filières", "/filieres", "/api/v1/sectors?limit=100"),
                                                     ("Régions", "/regions", "/api/v1/regions?limit=100")])
def test_index_pages_from_the_menu_with_feed_and_json_twin(desktop: Page, server: str, label: str, path: str, twin: str) -> None:
    desktop.goto(server + "/")
    with desktop.expect_navigation():
        desktop.click(f'.main-nav a:text-is("{label}")')
    assert desktop.url == server + path
    assert desktop.get_attribute(f'.main-nav a[href="{path}"]', "aria-current") == "page"
    feed = desktop.get_attribute('link[rel="alternate"][type="application/atom+xml"]', "href")
    assert feed == server + "/flux.atom" and urllib.request.urlopen(feed, timeout=10).status == 200
    assert desktop.get_attribute('link[rel="alternate"][type="application/json"]', "href") == server + twin
    data = _json(server + desktop.get_attribute('.twins a[href^="/api/"]', "href"))
    # Every record of the JSON twin has its link on the page, and the page links nothing the twin lacks.
    linked = set(desktop.eval_on_selector_all("main a[href]", "els => els.map(a => a.getAttribute('href'))"))
    pages = {urllib.parse.urlsplit(r["url"]).path for r in data["data"]}
    assert data["count"] == len(data["data"]) and pages <= linked
    prefix = path + "/"
    assert {h for h in linked if h.startswith(prefix) and h.count("/") == 2} <= pages


def test_axes_are_grouped_by_document_with_their_counts(desktop: Page, server: str, shown: Shown) -> None:
    desktop.goto(server + "/axes")
    axes = _json(server + "/api/v1/axes?limit=100")["data"]
    for axis in axes:
        group = desktop.locator(f'section.index-group:has(h2 a[href="/documents/{axis["document"]["id"]}"])')
        item = group.locator(f'li:has(a[href="/axes/{axis["id"]}"])')
        n = len(axis["proposals"])
        assert f"{n} proposition{'s' if n > 1 else ''} dans la base" in " ".join(item.inner_text().split())
    titles = desktop.eval_on_selector_all("section.index-group h2", "els => els.map(e => e.textContent.trim())")
    first = desktop.get_attribute("section.index-group h2 a", "href")
    assert first == shown.path(shown.pivot) and len(titles) == len({a["document"]["id"] for a in axes})  # the featured one first


KIND_HEADINGS = {"livre-blanc": "Livres blancs", "rapport": "Rapports", "communique": "Communiqués", "article": "Articles",
                 "autre": "Autres documents"}


def test_documents_by_kind_then_newest_first(desktop: Page, server: str, shown: Shown) -> None:
    desktop.goto(server + "/documents")
    kinds = desktop.eval_on_selector_all("section.index-group h2", "els => els.map(e => e.firstChild.textContent.trim())")
    documents = {d["id"]: d for d in _json(server + "/api/v1/documents?limit=100")["data"]}
    present = {d["kind"] for d in documents.values()}
    assert kinds == [heading for kind, heading in KIND_HEADINGS.items() if kind in present]
    for kind in ("rapport", "autre"):
        ids = [d for d in desktop.eval_on_selector_all(f"#genre-{kind} ~ ul a", "els => els.map(a => a.getAttribute('href'))")]
        dates = [documents[h.rsplit("/", 1)[1]]["published"] for h in ids]
        assert dates == sorted(dates, reverse=True), dates
    if shown.lone_document:
        cited = len(shown.lone_document["cited_by"])
        lone = desktop.locator(f'li:has(a[href="{shown.path(shown.lone_document)}"])').inner_text()
        assert f"cité par {cited} fiche{'s' if cited > 1 else ''}" in " ".join(lone.split())


def test_the_region_map_has_eighteen_tiles_that_lead_to_their_region(phone: Page, server: str, shown: Shown) -> None:
    phone.goto(server + "/regions")
    tiles = phone.locator("svg.tilemap a")
    assert tiles.count() == 18
    busy, quiet = shown.region, shown.quiet_region
    n = len(busy["actions"])
    assert phone.get_attribute(f'svg.tilemap a[href="{shown.path(busy)}"]', "aria-label") == f"{busy['name']} : {n} action{'s' * (n > 1)}"
    assert phone.get_attribute(f'svg.tilemap a[href="{shown.path(quiet)}"]', "aria-label") == f"{quiet['name']} : 0 action"
    # No geometry from elsewhere: the map is our own rectangles and words.
    assert phone.eval_on_selector("svg.tilemap", "s => s.querySelectorAll('path, image, use').length") == 0
    box = phone.locator("svg.tilemap").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    with phone.expect_navigation():
        phone.click(f'svg.tilemap a[href="{shown.path(busy)}"]')
    assert phone.url == server + shown.path(busy)


# --- 2. Honest empty states ---------------------------------------------------------------------------


def _no_search_chrome(page: Page) -> None:
    assert page.locator(".facets").count() == 0 and page.locator(".sort").count() == 0
    assert "retirez un filtre" not in page.inner_text("main").lower()


def test_an_axis_without_proposal_says_why_with_its_source_and_other_documents(phone: Page, server: str, shown: Shown) -> None:
    path = page_of(shown, "Page d'un axe sans proposition dans la base")
    axis = api(server, f"/api/v1/axes/{shown.empty_axis['id']}")
    document = api(server, f"/api/v1/documents/{axis['document']['id']}")
    phone.goto(server + path)
    _no_search_chrome(phone)
    empty = _text(phone, ".empty-axis")
    assert "Aucune proposition de cet axe n'est dans la base" in empty
    assert f"annonce {document['announced_proposals']} propositions" in empty
    assert "pas rendu public" not in phone.inner_text("main")
    for url in {s["url"] for s in axis["sources"] if s["url"]}:  # its sources, with their addresses
        assert phone.locator(f'.empty-axis a[href="{url}"]').count() == 1
    assert phone.locator("section.echoes li").count() == len(axis["echoed_by"])


def test_a_region_without_action_says_so_and_shows_the_national_proposals(phone: Page, server: str, shown: Shown) -> None:
    # Issue 24: a region lists the national proposals too, each marked « Portée nationale », as its filter does.
    national = _json(server + "/api/v1/proposals?scope=national&limit=1")["count"]
    assert national >= 1
    region = shown.quiet_region
    phone.goto(server + shown.path(region))
    main = _text(phone, "main")
    assert f"aucune action régionale dans la région {region['name']}" in main
    assert f"{national} propositions de portée nationale" in main
    assert f"{national} résultats" in _text(phone, ".total")
    scopes = phone.locator(".results .result-where .scope").all_inner_texts()
    assert scopes and set(scopes) == {"Portée nationale"}
    with phone.expect_navigation():
        phone.click("text=Seulement les fiches propres à la région")
    assert "Aucune" in _text(phone, "main") and phone.locator(".results li").count() == 0


def test_a_sector_says_what_is_known_and_shows_the_region_naming_it(phone: Page, server: str, shown: Shown) -> None:
    path = page_of(shown, "Page d'une filière")
    sector = shown.sector
    phone.goto(server + path)
    _no_search_chrome(phone)
    main = _text(phone, "main")
    assert f"Aucune proposition ni action de la base n'est rattachée à la filière {sector['name'].lower()} par sa source" in main
    regions = [api(server, f"/api/v1/regions/{r['id']}") for r in sector["regions"]]
    for region in regions:
        assert phone.locator(f'main a[href="{shown.path(region)}"]').count() >= 1
    actions = phone.eval_on_selector_all("main a[href^='/actions/']", "els => els.map(a => a.getAttribute('href'))")
    assert sorted(actions) == sorted(shown.path(a) for r in regions for a in r["actions"])  # each once


def test_zero_results_say_what_to_change(phone: Page, server: str, shown: Shown) -> None:
    phone.goto(server + "/recherche?q=zzzyxw")
    _no_search_chrome(phone)
    assert "Aucune fiche ne correspond" in _text(phone, ".empty")
    phone.goto(server + "/recherche?" + urllib.parse.urlencode({"q": shown.proposal["title"], "region": shown.quiet_region["id"],
                                                               "portee": "regionale"}))
    assert phone.locator(".facets").count() == 0 and phone.locator(".sort").count() == 0
    assert "Retirez un filtre ci-dessus" in _text(phone, ".empty")
    assert phone.locator(".active-filters a.remove").count() == 2


def test_a_document_lists_every_record_that_cites_it(desktop: Page, server: str, shown: Shown) -> None:
    path = page_of(shown, "Page d'un document sans proposition")
    desktop.goto(server + path)
    _no_search_chrome(desktop)
    citing = desktop.eval_on_selector_all("section.citing li a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert set(citing) >= {shown.path(r) for r in shown.lone_document["cited_by"]}


# --- 5. Phone first ---------------------------------------------------------------------------------------


def test_the_phone_header_is_compact_and_its_menu_works_without_javascript(browser: Browser, server: str, shown: Shown) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + shown.path(shown.proposal))
    assert page.locator("header.site").bounding_box()["height"] <= 80
    assert not page.locator("details.menu nav").is_visible()
    page.click("details.menu summary")
    assert page.locator("details.menu nav").is_visible() and page.locator("#q-menu").is_visible()
    with page.expect_navigation():
        page.click('details.menu a[href="/regions"]')
    assert page.url == server + "/regions"
    context.close()


def test_active_filters_come_before_the_results(phone: Page, server: str, shown: Shown) -> None:
    phone.goto(server + page_of(shown, "Recherche avec résultats"))
    filters = phone.locator(".active-filters").bounding_box()
    first = phone.locator("li.result").first.bounding_box()
    assert filters and first and filters["y"] < first["y"]


def test_en_bref_and_the_newsletter_block_sit_under_the_title(phone: Page, server: str, shown: Shown) -> None:
    phone.goto(server + shown.path(shown.proposal))
    y = {sel: phone.locator(sel).bounding_box()["y"] for sel in ("h1", "#fiche-titre", "#newsletter-titre", ".record-main .lead")}
    assert y["h1"] < y["#fiche-titre"] < y["#newsletter-titre"] < y[".record-main .lead"]


def test_code_blocks_and_tables_scroll_inside_their_box(phone: Page, server: str) -> None:
    phone.goto(server + "/api")
    pre = phone.locator("pre").first
    assert pre.evaluate("e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # The examples use the address the page was asked under, not a fixed one.
    assert f"curl '{server}/api/v1/proposals?" in pre.inner_text()


def test_the_dashboard_is_readable_on_a_phone(phone: Page, server: str) -> None:
    phone.goto(server + "/tableau-de-bord")
    sizes = phone.eval_on_selector_all(
        "svg.chart text", "els => els.map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"
    )
    assert sizes and min(sizes) >= 12
    assert phone.locator('[role="img"] a, [role="img"] button, [role="img"] [tabindex]').count() == 0


@pytest.mark.parametrize("label", ["Accueil", "Page d'une proposition", "Recherche avec résultats", "Page d'un axe"])
def test_inputs_are_large_enough_to_touch_without_zoom(phone: Page, server: str, shown: Shown, label: str) -> None:
    phone.goto(server + page_of(shown, label))
    phone.click("details.menu summary")
    sizes = phone.eval_on_selector_all(
        "input:not([type=hidden]), button, summary",
        """els => els.filter(e => e.getClientRects().length).map(e =>
              [e.id || e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().height])""",
    )
    assert sizes
    small = [s for s in sizes if s[1] < 16 or s[2] < 44]
    assert small == []


# --- 7. The newsletter block ----------------------------------------------------------------------------------


@pytest.fixture
def clipboard_page(browser: Browser, server: str) -> Iterator[Page]:
    """A phone page allowed to read and write the clipboard."""
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_copy_the_link_gives_the_canonical_url_and_campaign_tags(clipboard_page: Page, server: str, shown: Shown) -> None:
    page = clipboard_page
    proposal = shown.path(shown.proposal)
    page.goto(server + proposal)
    page.click("button:text-is('Copier le lien')")
    assert page.evaluate("() => navigator.clipboard.readText()") == server + proposal
    assert "Lien copié" in page.inner_text(".share-status")
    page.fill("#utm-campaign", "lettre-decembre")
    with page.expect_navigation():
        page.click(".share-campaign button")
    page.click("button:text-is('Copier le lien')")
    tagged = page.evaluate("() => navigator.clipboard.readText()")
    assert tagged == server + proposal + "?utm_source=newsletter&utm_medium=email&utm_campaign=lettre-decembre"
    # The page's canonical address never carries the tags.
    assert page.get_attribute('link[rel="canonical"]', "href") == server + proposal


def test_copy_in_html_puts_the_text_card_in_the_plain_text_slot(clipboard_page: Page, server: str, shown: Shown) -> None:
    page = clipboard_page
    proposal = shown.path(shown.proposal)
    page.goto(server + proposal)
    page.click("a[data-copy='html']")
    page.wait_for_function("() => document.querySelector('.share-status').textContent.includes('Carte copiée')")
    slots = page.evaluate(
        """async () => { const [item] = await navigator.clipboard.read();
             return { html: await (await item.getType('text/html')).text(), text: await (await item.getType('text/plain')).text() }; }"""
    )
    with urllib.request.urlopen(server + proposal + "/carte.txt", timeout=10) as response:
        assert slots["text"].strip() == response.read().decode().strip()
    assert "<table" in slots["html"] and "<" not in slots["text"]


def test_the_card_preview_shows_its_attribution_in_french(phone: Page, server: str, shown: Shown) -> None:
    phone.goto(server + shown.path(shown.proposal))
    phone.click(".card-preview summary")
    frame = phone.frame_locator(".card-preview iframe")
    table = frame.locator("table").first
    assert table.get_attribute("lang") == "fr"
    first_line = typed(frame.locator("td").first.inner_text())
    document = shown.pivot
    assert first_line.startswith(f"Proposition {OF_DOCUMENT_KIND[document['kind']]} ")  # « Proposition du livre blanc de la CPME »
    assert f"« {typed(document['title'])} »" in first_line
    assert shown.proposal["id"] not in table.inner_text()  # no internal id on the card
    box = phone.locator(".share-block").bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]


# --- 5 and 8. Every page type at both widths: no sideways scrolling, axe-core clean, a screenshot kept ----------------


@pytest.mark.parametrize("label", PAGE_TYPES)
def test_every_page_type_fits_both_widths_and_passes_axe(browser: Browser, server: str, shown: Shown, label: str) -> None:
    from axe_playwright_python.sync_playwright import Axe  # imported where used: it loads the whole axe-core script

    path = page_of(shown, label)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in WIDTHS:
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # CSP bypassed only so that axe-core can be injected
        page = context.new_page()
        page.goto(server + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate(
            """w => [...document.querySelectorAll('body *')].filter(e => {
                   const r = e.getBoundingClientRect();
                   return r.width && r.right > w + 1 && e.checkVisibility()
                       && !e.closest('pre, .table-scroll, .api-doc table, .open-data table, input');
               }).map(e => e.tagName + '.' + e.className).slice(0, 5)""",
            viewport["width"],
        )
        target = ARTIFACTS / f"{_slug(label)}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        if label == "Page d'une proposition":
            page.click(".card-preview summary")  # the card preview's frame is checked too
        violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response["violations"]
        context.close()
        assert overflow <= viewport["width"] and wide == [], (width, wide)
        assert target.stat().st_size > 1000
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], width
