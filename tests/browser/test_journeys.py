"""The site in a real browser (Debian's Chromium driven by Playwright) over the shipped content, as it is and grown (the
records it opens are chosen in the content served: tests/browser/conftest.py, Shown).

The server and browser fixtures are in tests/browser/conftest.py; the pages, their empty states, the phone layout, the
newsletter block and the accessibility checks of every page type are in tests/browser/test_page_types.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Shown, api, typed
from tests.support.chromium import DESKTOP, PHONE


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop page (CSP bypassed only so that axe-core can be injected)."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    yield context.new_page()
    context.close()


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def _results(page: Page) -> list[str]:
    return page.eval_on_selector_all("li.result", "els => els.map(e => e.dataset.id)")


def _actions(server: str) -> set[str]:
    return {a["id"] for a in api(server, "/api/v1/actions?limit=100")["data"]}


def test_search_from_the_home_page(page: Page, server: str, shown: Shown) -> None:
    page.goto(server + "/")
    page.fill("#q", shown.proposal["title"])
    page.press("#q", "Enter")
    page.wait_for_url(f"**/recherche?{urlencode({'q': shown.proposal['title']})}")
    assert shown.proposal["id"] in _results(page)
    assert page.locator("li.result mark").count() > 0


def _follow(page: Page, selector: str) -> None:
    """Click a link and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def test_apply_and_remove_two_facets(page: Page, server: str, shown: Shown) -> None:
    pivot = shown.pivot["id"]
    page.goto(server + "/recherche?q=industrie")
    everything = set(_results(page))
    _follow(page, 'section[data-param="type"] a[data-value="proposition"]')
    proposals = set(_results(page))
    assert _params(page.url) == [("q", "industrie"), ("type", "proposition")]
    assert proposals and proposals < everything and not proposals & _actions(server)
    _follow(page, f'section[data-param="document"] a[data-value="{pivot}"]')
    assert _params(page.url) == [("q", "industrie"), ("type", "proposition"), ("document", pivot)]
    both = set(_results(page))
    assert both and both <= proposals
    _follow(page, '.active-filters a.remove[data-param="type"]')
    assert _params(page.url) == [("q", "industrie"), ("document", pivot)]
    _follow(page, '.active-filters a.remove[data-param="document"]')
    assert _params(page.url) == [("q", "industrie")]
    assert set(_results(page)) == everything


def test_proposal_to_action_to_proposal(page: Page, server: str, shown: Shown) -> None:
    proposal, action = shown.path(shown.proposal), shown.path(shown.action)
    if not shown.proposal["actions"]:
        pytest.skip("no action of the content served carries a proposal of the featured document")
    page.goto(server + proposal)
    _follow(page, f'section:has(#actions-titre) a[href="{action}"]')
    assert page.url == server + action
    assert typed(page.inner_text("h1")) == typed(shown.action["title"])
    _follow(page, f'section:has(#portees-titre) a[href="{proposal}"]')
    assert page.url == server + proposal
    assert typed(page.inner_text("h1")) == typed(shown.proposal["title"])


def test_suggestions_as_you_type(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.click("#q")
    page.keyboard.type("fonc")
    # Whichever records start with « fonc » today (editors add more): the first suggestion leads to its page.
    link = page.locator("#suggestions a").first
    link.wait_for(timeout=5000)
    assert "suggestion" in page.inner_text("#suggestions")
    href = link.get_attribute("href")
    assert href and "fonc" in page.inner_text("#suggestions").lower()
    with page.expect_navigation():
        link.click()
    assert page.url == server + href


def test_the_site_works_without_javascript(browser: Browser, server: str, shown: Shown) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#q", shown.action["title"])
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert shown.action["id"] in _results(page)
    _follow(page, 'section[data-param="type"] a[data-value="action"]')
    assert _results(page) and set(_results(page)) <= _actions(server)
    _follow(page, "li.result h3 a")
    assert page.locator("h1").count() == 1 and "/actions/" in page.url
    context.close()


def _focus_outline(page: Page) -> tuple[str, float]:
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    return style[0], style[1]


def test_keyboard_navigation(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Aller au contenu"
    style, width = _focus_outline(page)
    assert style != "none" and width >= 2
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "q-site"
    style, width = _focus_outline(page)
    assert style != "none" and width >= 2
    page.keyboard.type("commande publique")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche?q=commande+publique")
    assert _results(page)
    # The skip link moves focus to the main content.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def test_no_request_leaves_the_site(browser: Browser, server: str, shown: Shown) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    for path in ("/", "/recherche?q=foncier", shown.path(shown.proposal)):
        page.goto(server + path)
    context.close()
    assert seen and all(url.startswith(server) for url in seen)
