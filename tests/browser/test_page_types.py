"""Every page type in Chromium at phone (320 and 390 px) and desktop (1366 px) widths, over the shipped content as it
is and grown (the records chosen in the content served: tests/browser/conftest.py, Shown).

Index pages reached from the menu, with their feed and their JSON twin (issue 15, item 1); honest empty states (2);
the phone layout: compact header, menu without JavaScript, active filters above the results, « En bref » and the
newsletter block under the title, no sideways scrolling, readable dashboard, large enough inputs (5); the newsletter
block (7); axe-core's WCAG 2.1 A and AA rules on every page type at the three widths (8), where nothing scrolls
sideways or is cut off (issue 27, item 7: reflow at 320 px). Screenshots of every page type at each width are kept in
tests/artifacts/.
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
from tests.support.chromium import ARTIFACTS, DESKTOP, NARROW, PHONE, WIDTHS, console_errors

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
# Visible boxes that cut their content off sideways (WCAG 1.4.10: nothing cut off at 320 px); a text field scrolls its
# own value, and visually hidden text is 1 px wide on purpose.
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(e => e.checkVisibility() && e.clientWidth > 1
        && ['hidden', 'clip'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1
        && !e.matches('input, textarea')).map(e => e.tagName + '.' + e.className)"""


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
    if label == "Filières" and not any(s["proposals"] or s["actions"] for s in _json(server + twin)["data"]):
        # « Filières » is in the menu only while a record names a sector (issue 27, item 6); its pages still answer.
        assert desktop.locator(f'.main-nav a:text-is("{label}")').count() == 0
        desktop.goto(server + path)
    else:
        with desktop.expect_navigation():
            desktop.click(f'.main-nav a:text-is("{label}")')
        assert desktop.get_attribute(f'.main-nav a[href="{path}"]', "aria-current") == "page"
    assert desktop.url == server + path
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


def _any(server: str, collection: str) -> str:
    """The path of one record of an API collection, whichever: content grows, tests never pick today's."""
    return urllib.parse.urlsplit(_json(server + f"/api/v1/{collection}?limit=1")["data"][0]["url"]).path


def _box(page: Page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box


# What a reader acts with rather than reads: no such thing comes before a record's title and text.
TOOLS = "main form, main input, main button, main select, main iframe, main details"


def _before_text(page: Page, text: str) -> list[str]:
    """The tools that come before ``text`` in the HTML (the order a screen reader follows)."""
    return page.evaluate(
        """([tools, text]) => { const t = document.querySelector(text);
               return [...document.querySelectorAll(tools)].filter(e => e.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)
                   .map(e => e.tagName + '#' + e.id); }""",
        [TOOLS, text],
    )


@pytest.mark.parametrize("collection", ["proposals", "actions"])
@pytest.mark.parametrize(("width", "viewport"), WIDTHS)
def test_a_record_page_puts_its_text_first_and_its_tools_after(browser: Browser, server: str, collection: str, width: str,
                                                              viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + _any(server, collection))
    assert _before_text(page, ".record-text") == []
    title, text, brief = _box(page, "h1"), _box(page, ".record-text"), _box(page, "#fiche-titre")
    news, cite = _box(page, "#newsletter-titre"), _box(page, "#citer-titre")
    bottom = text["y"] + text["height"]
    assert title["y"] < text["y"] and bottom <= news["y"] < cite["y"]
    # « En bref » after the text on a phone, or beside it on a wide screen.
    assert bottom <= brief["y"] or brief["x"] >= text["x"] + text["width"], width
    # « Partager » is on the first screen and leads to the tools.
    share = _box(page, ".to-share a")
    assert share["y"] + share["height"] <= viewport["height"]
    page.click(".to-share a")
    page.wait_for_function("() => location.hash === '#partager'")
    top = page.evaluate("() => document.getElementById('newsletter-titre').getBoundingClientRect().top")
    assert -1 <= top < viewport["height"]
    context.close()


@pytest.mark.parametrize("collection", ["documents", "axes", "organisations", "regions", "sectors"])
@pytest.mark.parametrize(("width", "viewport"), WIDTHS)
def test_browse_pages_put_their_title_and_text_before_their_tools(browser: Browser, server: str, collection: str, width: str,
                                                                 viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + _any(server, collection))
    text = "main .lead" if page.locator("main .lead").count() else "main h1"
    assert _before_text(page, text) == [] and _before_text(page, "main h1") == []
    assert _box(page, "main h1")["y"] <= _box(page, text)["y"]
    tools = [b for b in (e.bounding_box() for e in page.locator(TOOLS).all()) if b and b["height"]]
    assert all(b["y"] >= _box(page, text)["y"] for b in tools), width
    context.close()


def test_code_blocks_and_tables_scroll_inside_their_box(phone: Page, server: str) -> None:
    phone.goto(server + "/api")
    pre = phone.locator("pre").first
    assert pre.evaluate("e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # The examples use the address the page was asked under, not a fixed one.
    assert f"curl '{server}/api/v1/proposals?" in pre.inner_text()


@pytest.mark.parametrize("viewport", [NARROW, PHONE], ids=["320", "390"])
def test_the_dashboard_is_readable_on_a_phone(browser: Browser, server: str, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    phone = context.new_page()
    phone.goto(server + "/tableau-de-bord")
    sizes = phone.eval_on_selector_all(
        "svg.chart text", "els => els.map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"
    )
    assert sizes and min(sizes) >= 12
    # No label runs past its drawing's edge (an SVG cuts off what overflows it).
    cut = phone.eval_on_selector_all(
        "svg.chart text", """els => els.filter(t => t.getBoundingClientRect().right > t.ownerSVGElement.getBoundingClientRect().right + 1)
                                  .map(t => t.textContent)""")
    assert cut == []
    assert phone.locator('[role="img"] a, [role="img"] button, [role="img"] [tabindex]').count() == 0
    context.close()


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
    # « Appliquer » keeps the editor at the block, not at the top of the page.
    assert page.url.endswith("utm_campaign=lettre-decembre#newsletter-titre")
    top = page.evaluate("() => document.getElementById('newsletter-titre').getBoundingClientRect().top")
    assert page.evaluate("() => window.scrollY") > 0 and -1 <= top < PHONE["height"]
    page.click("button:text-is('Copier le lien')")
    tagged = page.evaluate("() => navigator.clipboard.readText()")
    assert tagged == server + proposal + "?utm_source=newsletter&utm_medium=email&utm_campaign=lettre-decembre"
    # The page's canonical address never carries the tags.
    assert page.get_attribute('link[rel="canonical"]', "href") == server + proposal


def test_copy_in_html_puts_the_text_card_in_the_plain_text_slot(clipboard_page: Page, server: str, shown: Shown) -> None:
    page = clipboard_page
    proposal = shown.path(shown.proposal)
    page.goto(server + proposal)
    page.wait_for_load_state("networkidle")
    errors = console_errors(page)
    page.click("a[data-copy='html']")
    page.wait_for_function("() => document.querySelector('.share-status').textContent.includes('Carte copiée')")
    # The e-mail's inline styles never meet the page's Content-Security-Policy (they logged one error each).
    assert errors == []
    slots = page.evaluate(
        """async () => { const [item] = await navigator.clipboard.read();
             return { html: await (await item.getType('text/html')).text(), text: await (await item.getType('text/plain')).text() }; }"""
    )
    with urllib.request.urlopen(server + proposal + "/carte.txt", timeout=10) as response:
        assert slots["text"].strip() == response.read().decode().strip()
    assert "<table" in slots["html"] and "<" not in slots["text"]


def test_no_copy_control_logs_a_console_error(clipboard_page: Page, server: str) -> None:
    page = clipboard_page
    page.goto(server + _any(server, "actions"))
    page.wait_for_load_state("networkidle")
    errors = console_errors(page)
    for control, said in (("a[data-copy='text']", "Carte copiée"), ("a[data-copy='markdown']", "Carte copiée"),
                          ("a[data-copy='html']", "Carte copiée"), ("button:text-is('Copier le lien')", "Lien copié"),
                          ("button:text-is('Copier la citation')", "Citation copiée")):
        page.evaluate("() => { document.querySelector('.share-status').textContent = ''; }")
        page.click(control)
        page.wait_for_function("said => document.querySelector('.share-status').textContent.includes(said)", arg=said)
    assert errors == []


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


@pytest.mark.parametrize(("width", "viewport"), WIDTHS)
def test_the_card_preview_shows_the_whole_card(browser: Browser, server: str, width: str, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + _any(server, "proposals"))
    page.click(".card-preview summary")
    frame = page.frame_locator(".card-preview iframe")
    page.wait_for_function("() => { const f = document.querySelector('.card-preview iframe');"
                           " return f.contentDocument && f.contentDocument.querySelector('table'); }")
    page.wait_for_timeout(200)  # the frame's load event fits it
    outer = _box(page, ".card-preview iframe")
    card = frame.locator("table").first.bounding_box()
    button = frame.locator("a").last.bounding_box()  # the card's call to action, its last link
    assert card and button
    # Nothing of the card is cut off: it ends, button included, inside the frame (no fixed height cutting it).
    assert card["y"] + card["height"] <= outer["y"] + outer["height"], width
    assert button["y"] + button["height"] <= outer["y"] + outer["height"], width
    assert frame.locator("html").evaluate("e => e.scrollHeight <= e.clientHeight")
    context.close()


# --- 5 and 8. Every page type at the three widths: no sideways scrolling, nothing cut off, axe-core clean, screenshots


@pytest.mark.parametrize("label", PAGE_TYPES)
def test_every_page_type_fits_every_width_and_passes_axe(browser: Browser, server: str, shown: Shown, label: str) -> None:
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
                       && !e.closest('pre, .table-scroll, .open-data table, input');
               }).map(e => e.tagName + '.' + e.className).slice(0, 5)""",
            viewport["width"],
        )
        clipped = page.evaluate(CLIPPED)
        target = ARTIFACTS / f"{_slug(label)}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        if label == "Page d'une proposition":
            page.click(".card-preview summary")  # the card preview's frame is checked too
        violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response["violations"]
        context.close()
        assert overflow <= viewport["width"] and wide == [] and clipped == [], (width, wide, clipped)
        assert target.stat().st_size > 1000
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == [], width
