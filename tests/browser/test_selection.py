"""« Ma sélection » in Chromium over the shipped content (issue 27, item 5): built, reordered and shared without
JavaScript; « Ajouter à ma sélection » on other pages adds to the selection last opened with it; the copied block is
e-mail-safe HTML (the checks the single cards pass) with its text version in the plain-text slot; the page fits 320,
390 and 1366 px and axe-core finds nothing. Screenshots are kept in tests/artifacts/. Ids are read from the pages, so
that editors' new records change nothing here."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Shown
from tests.support.chromium import ARTIFACTS, DESKTOP, PHONE
from tests.support.emailsafe import email_safe_problems

NARROW = {"width": 320, "height": 740}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _ids(url: str) -> list[str]:
    """The ids a selection's address names, in order."""
    values = parse_qs(urlsplit(url).query).get("ids", [])
    return [i for v in values for i in v.split(",") if i]


def _listed(page: Page) -> list[str]:
    return page.eval_on_selector_all(".selection-list > li", "els => els.map(e => e.dataset.id)")


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def proposals(server: str) -> list[str]:
    """Two proposals the search lists first for « foncier » today."""
    return [hit["id"] for hit in json.loads(_fetch(server + "/api/v1/search?q=foncier&type=proposal"))["data"][:2]]


@pytest.fixture
def no_js(browser: Browser) -> Iterator[Page]:
    """A phone page without JavaScript."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_a_selection_is_built_reordered_and_shared(no_js: Page, browser: Browser, server: str, shown: Shown) -> None:
    page = no_js
    action = shown.action["id"]
    page.goto(server + "/recherche?q=foncier&type=proposition")
    first = page.locator(".results .result").first.get_attribute("data-id")
    with page.expect_navigation():
        page.locator(".results .result").first.locator("a.add-selection").click()
    assert urlsplit(page.url).path == "/selection" and _ids(page.url) == [first]
    # The page's own search adds another record.
    page.fill("#selection-q", "foncier")
    with page.expect_navigation():
        page.press("#selection-q", "Enter")
    offered = page.locator(".selection-offered a.add-selection").first
    with page.expect_navigation():
        offered.click()
    first, second = _ids(page.url)
    # A record's address pasted adds it too.
    page.fill("#selection-ajouter", server + str(shown.path(shown.action)))
    with page.expect_navigation():
        page.press("#selection-ajouter", "Enter")
    assert _listed(page) == [first, second, action]
    with page.expect_navigation():
        page.locator(".selection-list > li").nth(2).locator(".selection-controls a", has_text=re.compile("^Monter")).click()
    assert _listed(page) == [first, action, second] == _ids(page.url)
    with page.expect_navigation():
        page.locator(".selection-list > li").nth(0).locator(".selection-controls a", has_text=re.compile("^Retirer")).click()
    assert _listed(page) == [action, second]
    page.fill("#utm-campaign", "lettre-essai")
    with page.expect_navigation():
        page.press("#utm-campaign", "Enter")
    shared = page.url
    assert parse_qs(urlsplit(shared).query)["utm_campaign"] == ["lettre-essai"] and _ids(shared) == [action, second]
    assert page.input_value("#share-url") == f"{server}/selection?ids={action},{second}&utm_campaign=lettre-essai"
    # The address alone gives the same selection to whoever opens it.
    other = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    again = other.new_page()
    again.goto(shared)
    assert _listed(again) == [action, second]
    other.close()
    # Without JavaScript the copy links are plain links to the block.
    with page.expect_navigation():
        page.click(".share-variants a[data-copy='html']")
    assert urlsplit(page.url).path == "/selection/carte" and page.locator("table[role='presentation']").count() >= 3
    assert all("utm_campaign=lettre-essai" in href for href in page.eval_on_selector_all("a", "els => els.map(e => e.href)"))


def test_add_links_elsewhere_add_to_the_selection_last_opened(browser: Browser, server: str, proposals: list[str]) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    chosen, other = proposals
    page.goto(f"{server}/selection?ids={chosen}&utm_campaign=lettre-essai")
    page.goto(f"{server}/propositions/{other}")
    link = page.locator(".share-selection a.add-selection")
    assert link.inner_text() == "Ajouter à ma sélection (1)"
    with page.expect_navigation():
        link.click()
    assert _listed(page) == [chosen, other] and parse_qs(urlsplit(page.url).query)["utm_campaign"] == ["lettre-essai"]
    page.goto(server + "/recherche?q=foncier&type=proposition")
    mine = page.locator(f'.results a.add-selection[data-select="{chosen}"]')
    assert mine.locator(".label").inner_text() == "Dans ma sélection (2)" and "ajouter=" not in (mine.get_attribute("href") or "")
    context.close()


def test_copy_puts_an_email_safe_block_in_order_and_its_text(
    browser: Browser, server: str, proposals: list[str], shown: Shown
) -> None:
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    ids = [*proposals, shown.action["id"]][::-1]
    address = f"{server}/selection?ids={','.join(ids)}&utm_campaign=lettre-essai"
    page.goto(address)
    button = page.locator(".share-variants a[data-copy='html']")
    assert button.inner_text() == "Copier la sélection en HTML" and button.get_attribute("role") == "button"
    button.click()
    page.wait_for_function("() => document.querySelector('.share-status').textContent.includes('Sélection copiée')")
    slots = page.evaluate(
        """async () => { const [item] = await navigator.clipboard.read();
             return { html: await (await item.getType('text/html')).text(), text: await (await item.getType('text/plain')).text() }; }"""
    )
    html = slots["html"]
    assert email_safe_problems(html) == []  # tables, inline styles, ≤ 600 px, no script, no form, http(s) links only
    assert "<html" not in html and "<title" not in html  # the block, never the document around it
    positions = [html.index(f"{server}/{'actions' if i == ids[0] else 'propositions'}/{i}?utm_source=newsletter") for i in ids]
    assert positions == sorted(positions)
    assert slots["text"].strip() == _fetch(address.replace("/selection?", "/selection/carte.txt?")).strip() and "<" not in slots["text"]
    assert page.url == address  # copied, not followed
    page.locator(".share-variants a[data-copy='markdown']").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.startsWith('**'))")
    context.close()


@pytest.mark.parametrize(("label", "viewport"), [("320", NARROW), ("phone", PHONE), ("desktop", DESKTOP)])
def test_the_page_fits_every_width_and_passes_axe(browser: Browser, server: str, proposals: list[str], label: str,
                                                  viewport: dict) -> None:
    from axe_playwright_python.sync_playwright import Axe  # imported where used: it loads the whole axe-core script

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # CSP bypassed only so that axe-core can be injected
    page = context.new_page()
    page.goto(f"{server}/selection?ids={','.join(proposals)},inconnue&q=foncier")
    assert "Aucune fiche «\u202finconnue\u202f» dans la base." in page.inner_text(".selection-problems")
    page.click(".card-preview summary")
    frame = page.frame_locator(".card-preview iframe")
    assert frame.locator("td > table[lang='fr']").count() == len(proposals)  # each record's card, inside the block
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    target = ARTIFACTS / f"ma-selection-{label}.png"
    page.screenshot(path=str(target), full_page=True)
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response["violations"]
    small = page.eval_on_selector_all(
        ".selection-controls a, .selection-offered a.add-selection, .selection-add button",
        "els => els.map(e => e.getBoundingClientRect()).filter(r => r.height < 44).length",
    )
    context.close()
    assert overflow <= 0 and small == 0
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    assert target.stat().st_size > 1000
