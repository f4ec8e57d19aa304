"""The results page in Chromium over the frozen corpus the judged queries were judged on (issue 26, item 4): at
390 px the first record is on the first screen for every judged query that has one, and nothing scrolls sideways; on
a wide screen the block of documents, axes, regions and sectors stays above the records."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.chromium import ARTIFACTS, DESKTOP, PHONE
from tests.support.corpora import FROZEN, build_corpus
from tests.support.relevance import bench_module
from tests.support.servers import kb_serve

REL = bench_module("judged")
# The first record's title starts on the first screen, with room for its first line.
LINE = 30


@pytest.fixture(scope="module")
def frozen_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kb serve`` on a loopback port over a build of the frozen corpus."""
    built = build_corpus(FROZEN, tmp_path_factory.mktemp("frozen-site"))
    env = {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir)}
    with kb_serve(env, tmp_path_factory.mktemp("frozen-log")) as base:
        yield base


def _page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


def _search(page: Page, base: str, q: str) -> None:
    page.goto(base + "/recherche?" + urllib.parse.urlencode({"q": q}))


def test_the_first_record_is_on_a_phone_s_first_screen_for_every_judged_query(phone: Page, frozen_server: str) -> None:
    late, wide, checked = [], [], 0
    for judgment in REL.load_judgments(REL.JUDGMENTS):
        _search(phone, frozen_server, judgment.q)
        if phone.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide.append(judgment.q)
        title = phone.query_selector("ol.results li.result h3")
        if title is None:  # nothing listed: a suggestion, or only documents and axes
            continue
        checked += 1
        top = title.bounding_box()["y"]  # type: ignore[index]
        if top + LINE > PHONE["height"]:
            late.append((judgment.q, round(top)))
    assert late == [] and wide == []
    assert checked >= 150  # most judged queries list records (172 of 202): the check is not vacuous


def test_on_a_wide_screen_the_documents_and_axes_stay_above_the_records(desktop: Page, phone: Page, frozen_server: str) -> None:
    q = "propositions du Sénat sur le foncier économique"
    for page, name in ((desktop, "desktop"), (phone, "phone")):
        _search(page, frozen_server, q)
        block = page.locator("section.pages").bounding_box()
        first = page.locator("ol.results li.result").first.bounding_box()
        assert block is not None and first is not None and block["y"] < first["y"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"recherche-phrase-{name}.png"))
    # On the phone the block is compact: one line a page.
    heights = phone.eval_on_selector_all("section.pages li", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and max(heights) < 2 * LINE
