"""The site in a real browser (Debian's Chromium driven by Playwright) over the shipped content.

Chromium comes from ``make system-deps``; without it these tests fail under CI and are skipped,
with the reason, elsewhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT, build_corpus

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PROPOSAL = "/propositions/pass-foncier-pmi"
ACTION = "/actions/normandie-implantation-sites-production"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a loopback port over a built copy of the shipped content; yields its base URL."""
    built = build_corpus(ROOT / "proposals", tmp_path_factory.mktemp("browser"))
    port = _free_port()
    env = {**os.environ, "KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir)}
    kb = Path(sys.executable).parent / "kb"
    log = (tmp_path_factory.mktemp("server-log") / "server.log").open("w")
    proc = subprocess.Popen([str(kb), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30  # a loaded two-core machine can be slow to import everything
        while True:
            try:
                with urllib.request.urlopen(base + "/robots.txt", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {Path(log.name).read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, launched from the system package (never downloaded)."""
    if not CHROMIUM.exists():
        message = "Chromium is missing: run `make system-deps` (as root it installs the Debian package `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


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


def test_search_from_the_home_page(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.fill("#q", "foncier")
    page.press("#q", "Enter")
    page.wait_for_url("**/recherche?q=foncier")
    assert "pass-foncier-pmi" in _results(page)
    assert page.locator("li.result mark").count() > 0


def _follow(page: Page, selector: str) -> None:
    """Click a link and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def test_apply_and_remove_two_facets(page: Page, server: str) -> None:
    page.goto(server + "/recherche?q=industrie")
    everything = set(_results(page))
    _follow(page, 'section[data-param="type"] a[data-value="proposition"]')
    proposals = set(_results(page))
    assert _params(page.url) == [("q", "industrie"), ("type", "proposition")]
    assert proposals and proposals < everything and not any(i.startswith("normandie-") for i in proposals)
    _follow(page, 'section[data-param="document"] a[data-value="livre-blanc-redynamiser-l-industrie"]')
    assert _params(page.url) == [("q", "industrie"), ("type", "proposition"), ("document", "livre-blanc-redynamiser-l-industrie")]
    both = set(_results(page))
    assert both and both <= proposals
    _follow(page, '.active-filters a.remove[data-param="type"]')
    assert _params(page.url) == [("q", "industrie"), ("document", "livre-blanc-redynamiser-l-industrie")]
    _follow(page, '.active-filters a.remove[data-param="document"]')
    assert _params(page.url) == [("q", "industrie")]
    assert set(_results(page)) == everything


def test_proposal_to_action_to_proposal(page: Page, server: str) -> None:
    page.goto(server + PROPOSAL)
    _follow(page, f'section:has(#actions-titre) a[href="{ACTION}"]')
    assert page.url == server + ACTION
    assert "Normandie" in page.inner_text("h1")
    _follow(page, f'section:has(#portees-titre) a[href="{PROPOSAL}"]')
    assert page.url == server + PROPOSAL
    assert "pass foncier PMI" in page.inner_text("h1")


def test_suggestions_as_you_type(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.click("#q")
    page.keyboard.type("fonc")
    link = page.locator('#suggestions a[href="/propositions/pass-foncier-pmi"]')
    link.wait_for(timeout=5000)
    assert "suggestion" in page.inner_text("#suggestions")
    with page.expect_navigation():
        link.click()
    assert page.url == server + PROPOSAL


def test_the_site_works_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#q", "foncier")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert "pass-foncier-pmi" in _results(page)
    _follow(page, 'section[data-param="type"] a[data-value="action"]')
    assert _results(page) and all(i.startswith("normandie-") for i in _results(page))
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


@pytest.mark.parametrize("path", ["/", "/recherche?q=foncier", PROPOSAL, ACTION, "/documents/livre-blanc-redynamiser-l-industrie"])
def test_axe_finds_no_serious_or_critical_violation(page: Page, server: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + path)
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == []


@pytest.mark.parametrize(("name", "path"), [("home", "/"), ("search", "/recherche?q=foncier"), ("proposal", PROPOSAL)])
def test_screenshots_at_phone_and_desktop_widths(browser: Browser, server: str, name: str, path: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(server + path)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        target = ARTIFACTS / f"{name}-{label}.png"
        page.screenshot(path=str(target), full_page=True)
        context.close()
        assert target.stat().st_size > 1000


def test_no_request_leaves_the_site(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    for path in ("/", "/recherche?q=foncier", PROPOSAL):
        page.goto(server + path)
    context.close()
    assert seen and all(url.startswith(server) for url in seen)
