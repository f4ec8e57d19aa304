"""The menu and the counts (issue 27, item 6) and reflow with quiet copying (item 7) in Chromium at 320, 390 and
1366 px, over the shipped content.

The menu marks the section of every page type (a record, an axis, a region, a document, an organisation, the lists),
leads to « Qui propose quoi », shows « Filières » only while a record names a sector, and Échap closes it on a phone;
the home page's axis cards count what the API lists for each axis; the open phone menu, the search forms and the
dashboard fit 320 px; copying a card, a link, a citation or « Qui propose quoi » logs no console error. Pages are
picked through the API, never by today's ids: the tests hold when editors add records. Screenshots go to
tests/artifacts/, and axe-core checks each page with its menu open.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page

from tests.browser.conftest import api, typed
from tests.support.chromium import ARTIFACTS, NARROW, PHONE, WIDTHS, console_errors

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONES = [("phone-320", NARROW), ("phone", PHONE)]
# The API collection of each record page checked, and the menu entry that page belongs to.
SECTIONS = {"proposals": "Propositions", "actions": "Actions régionales", "axes": "Axes", "documents": "Documents",
            "regions": "Régions", "organisations": "Organisations"}


def _any(server: str, collection: str) -> str:
    """The path of one record of an API collection, whichever it is."""
    return urllib.parse.urlsplit(api(server, f"/api/v1/{collection}?limit=1")["data"][0]["url"]).path


@pytest.fixture(params=WIDTHS, ids=[w for w, _v in WIDTHS])
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[str, dict, Page]]:
    """A page at each of the three widths (CSP bypassed only so that axe-core can be injected)."""
    width, viewport = request.param
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    yield width, viewport, context.new_page()
    context.close()


def _open_menu(page: Page, width: str) -> Locator:
    """The menu a reader sees at this width: the row of links on a wide screen, the opened « Menu » on a phone."""
    if width == "desktop":
        return page.locator("nav.main-nav")
    page.click("details.menu summary")
    return page.locator("details.menu nav")


def _marked(nav: Locator) -> list[tuple[str, str]]:
    return nav.locator("a[aria-current]").evaluate_all("as => as.map(a => [a.textContent.trim(), a.getAttribute('aria-current')])")


# --- Item 6: the menu tells where one is --------------------------------------------------------------------------


def test_the_menu_marks_the_section_of_every_page(sized: tuple[str, dict, Page], server: str) -> None:
    from axe_playwright_python.sync_playwright import Axe  # imported where used: it loads the whole axe-core script

    width, _viewport, page = sized
    cases = [("/", "Accueil", "page"), ("/comparer", "Qui propose quoi", "page"), ("/recherche", "Toutes les fiches", "page"),
             ("/recherche?type=proposition", "Propositions", "page"), ("/recherche?type=action", "Actions régionales", "page"),
             *((_any(server, c), label, "true") for c, label in SECTIONS.items())]
    for url, label, value in cases:
        page.goto(server + url)
        nav = _open_menu(page, width)
        assert nav.is_visible() and _marked(nav) == [[label, value]], (width, url)
        assert nav.locator("a:text-is('Qui propose quoi')").get_attribute("href") == "/comparer"
        if url.startswith("/recherche?type="):
            assert typed(page.inner_text("main h1")) == label  # a list titled for what it lists
    # The open menu on an axis page: kept as a screenshot, and axe-core clean with it open.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"menu-{width}.png"))
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], width


def test_sectors_are_in_the_menu_only_while_a_record_names_one(sized: tuple[str, dict, Page], server: str) -> None:
    width, _viewport, page = sized
    named = any(s["proposals"] or s["actions"] for s in api(server, "/api/v1/sectors?limit=100")["data"])
    page.goto(server + "/")
    assert (_open_menu(page, width).locator("a:text-is('Filières')").count() == 1) == named
    assert (page.locator("main a[href='/filieres']").count() >= 1) == named
    assert urllib.request.urlopen(server + "/filieres", timeout=10).status == 200  # its pages answer either way


@pytest.mark.parametrize(("width", "viewport"), PHONES)
def test_escape_closes_the_phone_menu_and_gives_the_focus_back(browser: Browser, server: str, width: str, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + _any(server, "axes"))
    page.click("details.menu summary")
    page.keyboard.press("Tab")  # into the menu: its search box
    assert page.evaluate("() => document.activeElement.closest('details.menu') !== null")
    # The open menu fits the screen: nothing of it sideways, nothing cut off.
    wide = page.eval_on_selector_all(".menu-panel *", f"els => els.filter(e => e.getBoundingClientRect().right > {viewport['width']} + 1)"
                                     ".map(e => e.tagName + '.' + e.className)")
    assert wide == [] and page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    page.keyboard.press("Escape")
    assert page.evaluate("() => !document.querySelector('details.menu').open")
    assert page.evaluate("() => document.activeElement.matches('details.menu summary')")
    assert not page.locator("details.menu nav").is_visible()
    page.keyboard.press("Enter")  # the focused button opens it again
    assert page.locator("details.menu nav").is_visible()
    context.close()


def test_home_axis_cards_count_what_the_api_lists(sized: tuple[str, dict, Page], server: str) -> None:
    width, viewport, page = sized
    page.goto(server + "/")
    cards = page.locator("section[aria-labelledby='axes-titre'] ul.cards a")
    assert cards.count() >= 1
    for card in cards.all():
        axis = api(server, "/api/v1" + card.get_attribute("href"))
        own, others = len(axis["proposals"]), len(axis["echoed_by"])
        count = typed(card.locator(".count").inner_text())
        assert count.startswith(f"{own} proposition{'s' if own > 1 else ''} "), count
        joined = "" if not others else ", 1 d'un autre document" if others == 1 else f", {others} d'autres documents"
        assert count.endswith(joined) and ("autre" in count) == bool(others), count
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("section[aria-labelledby='axes-titre']").screenshot(path=str(ARTIFACTS / f"home-axes-{width}.png"))


# --- Item 7: reflow at 320 px, and copying without console errors ------------------------------------------------


@pytest.mark.parametrize("path", ["/recherche?q=foncier", "/recherche?q=zzzyxw", "/", "/tableau-de-bord"])
def test_search_forms_and_dashboard_fit_320_px(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(server + path)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    # Every visible field and button is whole on screen (the search button was cut off at 320 px).
    boxes = [b for b in (e.bounding_box() for e in page.locator("main input:visible, main button:visible, main select:visible").all()) if b]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= NARROW["width"] + 0.5 for b in boxes), boxes
    context.close()


@pytest.mark.parametrize(("width", "viewport"), WIDTHS)
def test_copying_logs_no_console_error(browser: Browser, server: str, width: str, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + _any(server, "proposals"))
    page.wait_for_load_state("networkidle")
    errors = console_errors(page)
    for control, said in (("a[data-copy='html']", "Carte copiée"), ("a[data-copy='text']", "Carte copiée"),
                          ("a[data-copy='markdown']", "Carte copiée"), ("button:text-is('Copier le lien')", "Lien copié"),
                          ("button:text-is('Copier la citation')", "Citation copiée")):
        page.evaluate("() => { document.querySelectorAll('.share-status').forEach(s => { s.textContent = ''; }); }")
        page.click(control)
        page.wait_for_function("said => [...document.querySelectorAll('.share-status')].some(s => s.textContent.includes(said))", arg=said)
    assert errors == [], width
    page.goto(server + "/comparer")
    page.wait_for_load_state("networkidle")
    errors.clear()  # what loading the page logs is not copying's (the same listener goes on)
    for control in (".compare-share a[data-copy='html']", ".compare-share a[data-copy='markdown']"):
        page.evaluate("() => { document.querySelector('.compare-share .share-status').textContent = ''; }")
        page.click(control)
        page.wait_for_function("() => document.querySelector('.compare-share .share-status').textContent.includes('Tableau copié')")
    assert errors == [], width
    context.close()


# --- Item 1, at every width: « Appliquer » keeps the editor at the block --------------------------------------------


def test_apply_keeps_the_editor_at_the_newsletter_block(sized: tuple[str, dict, Page], server: str) -> None:
    width, viewport, page = sized
    page.goto(server + _any(server, "actions"))
    page.fill("#utm-campaign", "lettre-essai")
    with page.expect_navigation():
        page.click(".share-campaign button")
    assert page.url.endswith("utm_campaign=lettre-essai#newsletter-titre")
    top = page.evaluate("() => document.getElementById('newsletter-titre').getBoundingClientRect().top")
    assert page.evaluate("() => window.scrollY") > 0 and -1 <= top < viewport["height"], width
    assert page.input_value("#utm-campaign") == "lettre-essai"
