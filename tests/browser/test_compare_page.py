"""« Qui propose quoi » in a real browser over the shipped content, as it is and grown: phone and desktop layouts,
accessibility, print, the filter form without JavaScript and « Copier ce tableau » with it. The axes and documents it
opens are those of the content served (its featured document's), which editors grow."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from tests.browser.conftest import typed
from tests.support.chromium import ARTIFACTS, DESKTOP, PHONE, WIDTHS, console_errors

# The fixtures of the other browser tests (tests/browser/conftest.py): a server over the shipped content and Chromium.


def _api(server: str, path: str) -> dict:
    with urllib.request.urlopen(server + path, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def counts(server: str) -> tuple[int, int]:
    """The featured document's axes and every document with axes, as the API counts them today: editors add more."""
    compare = _api(server, "/api/v1/compare")
    return len(compare["rows"]), len(compare["documents"])


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A desktop page (CSP bypassed only so that axe-core can be injected)."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    yield context.new_page()
    context.close()


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def _visible(page: Page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def _proposing(row: dict) -> list[str]:
    """The documents of an API row that propose something on its axis, in column order."""
    return [c["document"] for c in row["cells"] if c["records"]]


# Words (between spaces, hyphens and slashes) that a line break cuts in two: « Réindustrialise|r ».
BROKEN_WORDS = """root => {
    const broken = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, words = /[^\\s\\-\u2010\u2011\u2013\u2014\\/·]+/gu;
        let m;
        while ((m = words.exec(node.textContent))) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (lines.size > 1) { broken.push(m[0]); }
        }
    }
    return broken;
}"""
# Visible elements of the table whose own text is smaller than 14 px.
SMALL_TEXT = """root => [...root.querySelectorAll('*')].filter(e => e.checkVisibility()
        && [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
        && parseFloat(getComputedStyle(e).fontSize) < 14).map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize(("label", "viewport"), WIDTHS)
def test_layout_at_every_width_without_sideways_scrolling(browser: Browser, server: str, label: str, viewport: dict,
                                                          counts: tuple[int, int]) -> None:
    axes, _shown = counts
    compare = _api(server, "/api/v1/compare")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + "/comparer")
    assert _overflow(page) == 0
    # The page sits in the site's container, as every other page.
    main, header = page.locator("main").bounding_box(), page.locator("header.site .wrap").first.bounding_box()
    assert main and header and (main["x"], main["width"]) == (header["x"], header["width"])
    if label != "desktop" or len(compare["documents"]) > 6:
        # As its e-mail copy reads: per axis, the documents that propose something, then one line naming the others.
        assert not _visible(page, ".compare-table") and _visible(page, ".compare-sections")
        assert page.locator(".compare-axis h2").count() == axes
        everyone = [d["id"] for d in compare["documents"]]
        for row in compare["rows"]:
            section = page.locator(f'.compare-axis[aria-labelledby="axe-{row["axis"]["id"]}"]')
            proposing = _proposing(row)
            assert section.locator("h3 a").evaluate_all("as => as.map(a => a.pathname)") == [f"/documents/{d}" for d in proposing]
            silent = section.locator(".compare-silent a").evaluate_all("as => as.map(a => a.pathname)")
            assert silent == [f"/documents/{d}" for d in everyone if d not in proposing]
            if silent:
                line = " ".join(section.locator(".compare-silent").inner_text().split())
                assert line.startswith("Rien dans les sources consultées pour :") and line.endswith(")."), line
            assert section.locator(".compare-empty").count() == 0  # no « — aucune proposition » repeated per document
        # The axes to jump to, at the top.
        jump = page.locator(".compare-jump a")
        assert jump.evaluate_all("as => as.map(a => a.hash)") == [f"#axe-{r['axis']['id']}" for r in compare["rows"]]
        assert page.locator(".compare-jump").bounding_box()["y"] < page.locator(".compare-axis").first.bounding_box()["y"]
        jump.last.click()
        page.wait_for_function("h => location.hash === h", arg=f"#axe-{compare['rows'][-1]['axis']['id']}")
        assert page.evaluate("() => document.querySelector(location.hash).getBoundingClientRect().top") < viewport["height"]
    else:
        assert _visible(page, ".compare-table") and not _visible(page, ".compare-sections")
    page.screenshot(path=str(ARTIFACTS / f"compare-{label}.png"), full_page=True)
    if label == "desktop":
        # Three columns always fit a desktop screen: the table, the pivot first.
        page.goto(server + "/comparer?" + "&".join(f"document={d['id']}" for d in compare["documents"][:3]))
        assert _visible(page, ".compare-table") and not _visible(page, ".compare-sections")
        assert page.locator(".compare-table tbody tr").count() == axes
        first = page.locator(".compare-table thead th").nth(1).inner_text().replace("\u2019", "'")
        assert first.startswith(compare["pivot"]["title"])  # the featured document first (typeset: ’)
        box, container = page.locator(".compare-table").bounding_box(), page.locator("main").bounding_box()
        assert box and container and box["x"] >= container["x"] and box["x"] + box["width"] <= container["x"] + container["width"]
        # Empty cells say so in words, visibly.
        assert page.locator(".compare-empty:visible").first.inner_text().endswith("aucune proposition dans les sources consultées")
    # Every document chosen: still nothing wider than the screen.
    every = _document_ids(page)
    page.goto(server + "/comparer?" + "&".join(f"document={d}" for d in every))
    assert page.locator(".compare-table thead th").count() == len(every) + 1
    assert _overflow(page) == 0
    context.close()


def test_the_table_never_squeezes_its_columns(desktop: Page, server: str) -> None:
    documents = [d["id"] for d in _api(server, "/api/v1/compare")["documents"]]
    sizes = sorted({n for n in (1, 3, 5, 6, 7, len(documents)) if n <= len(documents)})
    shown = {}
    for n in sizes:
        desktop.goto(server + "/comparer?" + "&".join(f"document={d}" for d in documents[:n]))
        shown[n] = _visible(desktop, ".compare-table")
        assert shown[n] != _visible(desktop, ".compare-sections")
        if shown[n]:
            # Headers name who and when; no word is cut by a line break; text is 14 px at least.
            table = desktop.locator(".compare-table")
            assert table.evaluate(BROKEN_WORDS) == [], n
            assert table.evaluate(SMALL_TEXT) == [], n
            assert "hyphens" not in "".join(table.evaluate("t => [getComputedStyle(t.querySelector('th')).hyphens]")).replace("manual", "")
    # Up to six documents the table fits a laptop's 1366 px; past that, the sections rather than narrower columns.
    assert all(shown[n] for n in sizes if n <= 6) and not any(shown[n] for n in sizes if n > 6)


def _document_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all('input[name="document"]', "els => els.map(e => e.value)")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation(browser: Browser, server: str, viewport: dict) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/comparer")
    page.click(".compare-filters summary")  # the chooser open, so that its form is checked too
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert bad == []


def test_prints_on_a4_landscape_with_its_source_line(desktop: Page, server: str) -> None:
    desktop.goto(server + "/comparer")
    pdf = PdfReader(io.BytesIO(desktop.pdf(prefer_css_page_size=True)))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages}
    assert sizes == {(842, 595)}  # A4 landscape, in points
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Source : Base des livres blancs, « Qui propose quoi »" in text and f"{server}/comparer" in text
    compare = _api(server, "/api/v1/compare")
    assert typed(compare["pivot"]["title"]).split()[0] in typed(text) and typed(compare["rows"][0]["axis"]["title"]) in typed(text)
    assert "Copier ce tableau" not in text and "Choisir les documents" not in text and "Rechercher" not in text


def test_filters_without_javascript_make_a_shareable_address(browser: Browser, server: str) -> None:
    compare = _api(server, "/api/v1/compare")
    pivot = compare["pivot"]["id"]
    first, second = (r["axis"] for r in compare["rows"][:2])
    # A document other than the pivot with a record on the first axis, if one has: kept as a column.
    other = next((c["document"] for c in compare["rows"][0]["cells"] if c["records"] and c["document"] != pivot), None)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + f"/axes/{first['id']}")
    with page.expect_navigation():
        page.click("text=Comparer sur cet axe")
    assert urlsplit(page.url).path == "/comparer" and parse_qsl(urlsplit(page.url).query) == [("axe", first["id"])]
    assert [typed(t) for t in page.locator(".compare-axis h2").all_inner_texts()] == [typed(first["title"])]
    page.click(".compare-filters summary")
    page.check(f'input[name="axe"][value="{second["id"]}"]')
    for doc in page.eval_on_selector_all('input[name="document"]:checked', "els => els.map(e => e.value)"):
        if doc not in (pivot, other):
            page.uncheck(f'input[name="document"][value="{doc}"]')
    with page.expect_navigation():
        page.click("text=Afficher la comparaison")
    shared = page.url
    # The pivot is in the address: the view stays the same if editors later feature another document.
    assert parse_qsl(urlsplit(shared).query) == [
        ("pivot", pivot), ("document", pivot), *([("document", other)] if other else []), ("axe", first["id"]), ("axe", second["id"]),
    ]
    assert [typed(t) for t in page.locator(".compare-axis h2").all_inner_texts()] == [typed(first["title"]), typed(second["title"])]
    # The address alone gives the same view to whoever opens it.
    other = context.new_page()
    other.goto(shared)
    assert other.locator(".compare-axis h3").all_inner_texts() == page.locator(".compare-axis h3").all_inner_texts()
    # Without JavaScript the copy links are plain links to the email-safe table.
    with page.expect_navigation():
        page.click(".compare-share a[data-copy='html']")
    assert urlsplit(page.url).path == "/comparer/carte" and page.locator("table[role='presentation']").count() >= 1
    context.close()


def test_copy_this_table_puts_the_email_html_on_the_clipboard(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "/comparer")
    page.wait_for_load_state("networkidle")
    errors = console_errors(page)
    button = page.locator(".compare-share a[data-copy='html']")
    assert button.inner_text() == "Copier en HTML" and button.get_attribute("role") == "button"
    button.click()
    page.wait_for_function("() => document.querySelector('.compare-share .share-status').textContent.includes('Tableau copié')")
    # The e-mail's inline styles never meet the page's Content-Security-Policy (they logged one error each).
    assert errors == []
    row = _api(server, "/api/v1/compare")["rows"][0]
    shown = f"/comparer?axe={row['axis']['id']}"
    page.goto(server + shown)
    page.locator(".compare-share a[data-copy='html']").click()
    page.wait_for_function("() => document.querySelector('.compare-share .share-status').textContent.includes('Tableau copié')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.lstrip().startswith("<table") and "max-width:600px" in copied
    assert all(f'href="{server}/propositions/{r["id"]}"' in copied for c in row["cells"] for r in c["records"])
    assert page.url == server + shown  # copied, not followed
    page.locator(".compare-share a[data-copy='markdown']").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.startsWith('**Qui propose quoi'))")
    context.close()


@pytest.mark.parametrize(("label", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_each_column_says_who_and_when(browser: Browser, server: str, label: str, viewport: dict) -> None:
    # Issue 24: « Sénat · 18 juin 2025 », never « Rapport · 18 juin 2025 »; the same names as the API's « who ».
    three = "&".join(f"document={d['id']}" for d in _api(server, "/api/v1/compare")["documents"][:3])
    compare = _api(server, "/api/v1/compare?" + three)
    who = {d["id"]: d["who"] for d in compare["documents"]}
    expected = list(who.values()) if label == "desktop" else [who[d] for d in _proposing(compare["rows"][0])]
    assert all(expected)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + "/comparer?" + three)
    where = ".compare-table thead th .compare-doc-meta" if label == "desktop" else ".compare-axis:first-of-type h3 .compare-doc-meta"
    metas = [m.replace("\u00a0", " ").replace("\u2019", "'") for m in page.locator(where).all_inner_texts()]
    context.close()
    assert [m.split(" · ")[0] for m in metas] == expected
    assert all(len(m.split(" · ")) == 2 and m.split(" · ")[1] for m in metas)  # and when
