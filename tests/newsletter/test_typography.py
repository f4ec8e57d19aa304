"""One typography for every output (issue 27, item 3): cards (HTML, text, Markdown), « Citer », link-preview tags, feeds
and the e-mail copy of « Qui propose quoi » follow the pages' French rules; titles that hold guillemets are never
quoted twice; the HTML card is a complete French document that says « Mesure phare »; exports and the API keep the
stored text. Over tests/data/quoted/ (titles written as editors write them: straight apostrophes, plain spaces)."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import feedparser
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from markdown_it import MarkdownIt

from kb.cli import main
from kb.content.typography import APOSTROPHE, NARROW, french, quotable, quoted
from tests.newsletter.conftest import SITE
from tests.support.apicheck import BASE
from tests.support.corpora import Built
from tests.support.frenchtext import faults

PROPOSAL = "/propositions/coupe-file-essai"  # flagship, its document's title ends with an expression in guillemets
ACTION = "/actions/action-guillemets"  # after an article whose title starts with a quotation
PLAIN = "/propositions/energie-locale"  # not a flagship
# The two shapes of title that came out as « « … » : … » » and « … l'« … » » before.
ARTICLE = f"«{NARROW}“Réindustrialiser pour réussir”{NARROW}: la FEPE Normandie en première ligne{NARROW}»"
LAW = f"«{NARROW}Projet de loi de l{APOSTROPHE}Institut d{APOSTROPHE}essai pour l{APOSTROPHE}“accélération d{APOSTROPHE}essai”{NARROW}»"


class _Text(HTMLParser):
    """The running text of an HTML document, and its <title>, <html lang> and meta tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.lang = ""
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._in.append(tag)
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        elif not set(self._in) & {"script", "style", "code", "pre"}:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def parse_html(html: str) -> _Text:
    """The parsed text and head of a document."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def test_the_checker_sees_each_fault() -> None:
    assert faults(french("l'« accélération » : 225 000 ? https://x.test/a?b=l'c")) == []
    for bad in ("l'industrie", 'Proposition "x"', "« x »", "a : b", "225 000", "« « x » »"):
        assert faults(bad), bad


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Accès au foncier", "« Accès au foncier »"),
        # A title that is one quotation is not quoted again.
        ("« Fiers de produire en France »", "« Fiers de produire en France »"),
        # The guillemets a title holds become second-level quotes inside the sentence's.
        ("« Réindustrialiser » : la FEPE en première ligne", "« “Réindustrialiser” : la FEPE en première ligne »"),
        ("Projet de loi pour l'« accélération économique »", "« Projet de loi pour l'“accélération économique” »"),
        ("« Les TPE » et « les PME »", "« “Les TPE” et “les PME” »"),
    ],
)
def test_quoted_never_doubles_guillemets(title: str, expected: str) -> None:
    assert quoted(title) == expected
    assert "".join(quotable(title)) == expected


def test_text_and_markdown_cards_are_typeset_and_never_double_guillemets(site: FlaskClient) -> None:
    for path, source in ((PROPOSAL, LAW), (ACTION, ARTICLE)):
        text = site.get(f"{path}/carte.txt").get_data(as_text=True)
        assert faults(text) == [], path
        assert source in text.splitlines()[0]
        md = site.get(f"{path}/carte.md").get_data(as_text=True)
        rendered = parse_html(MarkdownIt("commonmark").render(md)).text
        assert faults(rendered) == [], path
        assert source in rendered
    text = site.get(f"{PROPOSAL}/carte.txt").get_data(as_text=True)
    assert f"Réduire de 50{NARROW}% les délais d{APOSTROPHE}instruction{NARROW}: 225\u00a0000 entreprises" in text
    assert "dès le 1er\u00a0janvier\u00a02026." in text


def test_the_html_card_is_a_typeset_french_document_that_says_mesure_phare(site: FlaskClient) -> None:
    resp = site.get(f"{PROPOSAL}/carte")
    doc = resp.get_data(as_text=True)
    assert doc.startswith("<!doctype html>\n")
    parsed = parse_html(doc)
    assert parsed.lang == "fr" and parsed.title.startswith(french("Un « coupe-file » pour l'industrie ?"))
    assert faults(parsed.text) == [] and faults(parsed.title) == []
    assert LAW in parsed.text and "Mesure phare" in parsed.text
    for variant in ("carte.txt", "carte.md"):
        assert "Mesure phare" in site.get(f"{PROPOSAL}/{variant}").get_data(as_text=True)
    for variant in ("carte", "carte.txt", "carte.md"):
        assert "Mesure phare" not in site.get(f"{PLAIN}/{variant}").get_data(as_text=True)


@pytest.mark.parametrize(("path", "source"), [(PROPOSAL, LAW), (ACTION, ARTICLE)])
def test_the_html_card_and_its_oembed_never_double_guillemets(site: FlaskClient, path: str, source: str) -> None:
    card = parse_html(site.get(f"{path}/carte").get_data(as_text=True))
    assert faults(card.text) == [] and source in card.text, path
    embedded = site.get(f"/oembed?url={SITE}{path}").get_json()["html"]
    assert faults(parse_html(embedded).text) == [] and source in parse_html(embedded).text, path


@pytest.mark.parametrize("fmt", ["html", "txt", "md"])
def test_the_digest_is_typeset_and_never_doubles_guillemets(quoted: Built, fmt: str) -> None:
    result = CliRunner().invoke(main, ["digest", "--database", quoted.database_url, "--base-url", SITE, "--since", "2025-12-01",
                                       "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.stdout
    text = parse_html(out).text if fmt == "html" else parse_html(MarkdownIt("commonmark").render(out)).text if fmt == "md" else out
    assert faults(text) == [], text
    assert french("Un « coupe-file » pour l'industrie ?") in text


def test_the_citation_uses_guillemets_once_and_is_typeset(site: FlaskClient) -> None:
    for path, source in ((PROPOSAL, LAW), (ACTION, None)):
        page = site.get(path).get_data(as_text=True)
        citation = parse_html(re.search(r'<p class="citation" id="citation">.*?</p>', page, re.S).group(0)).text
        assert faults(citation) == [], citation
        assert '"' not in citation and citation.count("«") == citation.count("»")
        if source:
            assert source in citation
    page = site.get(PROPOSAL).get_data(as_text=True)
    citation = parse_html(re.search(r'<p class="citation" id="citation">.*?</p>', page, re.S).group(0)).text
    assert citation.startswith(f"Proposition «{NARROW}Un “coupe-file” pour l{APOSTROPHE}industrie{NARROW}?{NARROW}» — ")


@pytest.mark.parametrize("path", [PROPOSAL, ACTION, "/documents/article-guillemets", "/axes/projet-loi-axe", "/",
                                  "/comparer?pivot=projet-loi-essai"])
def test_link_preview_tags_are_typeset(site: FlaskClient, path: str) -> None:
    meta = parse_html(site.get(path).get_data(as_text=True)).meta
    for key in ("og:title", "twitter:title", "og:description", "twitter:description"):
        assert meta.get(key), (path, key)
        assert faults(meta[key]) == [], (path, key, meta[key])
    assert meta["og:title"] == meta["twitter:title"]


def test_feeds_titles_and_summaries_are_typeset(site: FlaskClient) -> None:
    for url in ("/flux.atom", "/axes/projet-loi-axe/flux.atom", "/recherche.atom?q=l'industrie"):
        feed = feedparser.parse(site.get(url).data)
        assert feed.bozo == 0 and feed.entries, url
        assert faults(feed.feed.title) == [], feed.feed.title
        for entry in feed.entries:
            assert faults(entry.title) == [] and faults(entry.summary) == [], entry.title
    titles = [e.title for e in feedparser.parse(site.get("/flux.atom").data).entries]
    assert french("Un « coupe-file » pour l'industrie ?") in titles


def test_the_comparison_e_mail_copy_is_typeset_without_doubled_guillemets(site: FlaskClient) -> None:
    html = site.get("/comparer/carte?pivot=projet-loi-essai").get_data(as_text=True)
    text = parse_html(html).text
    assert faults(text) == [] and LAW in " ".join(text.split(" "))
    md = site.get("/comparer/carte.md?pivot=projet-loi-essai").get_data(as_text=True)
    rendered = parse_html(MarkdownIt("commonmark").render(md)).text
    assert faults(rendered) == [] and LAW in rendered


def test_exports_and_the_api_keep_the_stored_text(site: FlaskClient) -> None:
    stored = "Un « coupe-file » pour l'industrie ?"
    assert site.get("/api/v1/proposals/coupe-file-essai").get_json()["title"] == stored
    rows = list(csv.DictReader(io.StringIO(site.get(f"{BASE}/export/proposals.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert next(r for r in rows if r["id"] == "coupe-file-essai")["title"] == stored
    data = site.get(f"{BASE}/export/kb.json").get_json()
    assert next(p for p in data["proposals"] if p["id"] == "coupe-file-essai")["title"] == stored
    assert NARROW not in site.get(f"{BASE}/export/proposals.csv").get_data(as_text=True)
