"""« Qui propose quoi »: the read function, the page and its filters, the API twin, the CSV and the newsletter copy.

Over the valid corpus: the livre blanc « livre-essai » (axes foncier-essai then energie-essai) holds pass-foncier
(foncier, flagship) and energie-locale (énergie); the report « rapport-essai » holds sanctuaire-foncier, which the
base links to foncier-essai (an echo, with a note). So the énergie row has an empty report cell.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient
from markdown_it import MarkdownIt
from sqlmodel import Session

from kb import create_app
from kb.api.export import COMPARE_COLUMNS
from kb.content.typography import french
from kb.content.urls import PAGES
from kb.store import make_engine
from kb.store.grid import column_order, comparison
from kb.store.reader import Reader
from kb.store.tables import Document
from tests.support import apicheck
from tests.support.apicheck import BASE
from tests.support.corpora import VALID, Built, build_corpus
from tests.support.emailsafe import email_safe_problems
from tests.support.kit_corpus import HOSTILE_TITLE, build_kit

EMPTY = "aucune proposition dans les sources consultées"
SITE = "https://kb.example.org"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return apicheck.document()


@pytest.fixture(scope="module")
def site(built: Built) -> FlaskClient:
    """The valid corpus served as https://kb.example.org (absolute links are predictable)."""
    return create_app(built.config(SITE_URL=SITE)).test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    return resp.get_data(as_text=True)


class _Table(HTMLParser):
    """The comparison table as the page draws it: column headers, and per row its header and its cells' text and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.columns: list[str] = []
        self.rows: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self._in_table = self._in_head = False
        self._cell: list[str] | None = None
        self._links: list[str] = []
        self._kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("class") == "compare-table":
            self._in_table = True
        if not self._in_table:
            return
        if tag == "thead":
            self._in_head = True
        elif tag in ("th", "td"):
            self._cell, self._links, self._kind = [], [], tag
        elif tag == "a" and self._cell is not None:
            self._links.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._in_head:
                self.columns.append(text)
            elif tag == "th":
                self.rows.append((text, []))
            else:
                self.rows[-1][1].append((text, self._links))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def squash(html: str) -> str:
    """Runs of spaces and newlines as one space (typography's no-break spaces kept)."""
    return re.sub(r"[ \n]+", " ", html)


def table(html: str) -> _Table:
    parser = _Table()
    parser.feed(html)
    return parser


# ---- the read function -------------------------------------------------------------------------------


def test_rows_are_the_livre_blancs_axes_and_columns_the_documents_with_records(built: Built) -> None:
    engine = make_engine(built.database_url)
    with Session(engine) as session:
        c = comparison(Reader(session))
        assert c.pivot is not None and c.pivot.id == "livre-essai"
        assert [a.id for a in c.axes] == ["foncier-essai", "energie-essai"]
        assert [d.id for d in c.documents] == ["livre-essai", "rapport-essai"]
        assert [e.proposal.id for e in c.cell("foncier-essai", "livre-essai")] == ["pass-foncier"]
        echo = c.cell("foncier-essai", "rapport-essai")
        assert [(e.proposal.id, e.editorial, e.note) for e in echo] == [
            ("sanctuaire-foncier", True, "Le rapport parle lui aussi du foncier des usines.")
        ]
        assert not c.cell("foncier-essai", "livre-essai")[0].editorial
        assert c.cell("energie-essai", "rapport-essai") == []
        assert c.count() == 3
        # Rows chosen: only they; columns default to the livre blanc and the documents with a record on them.
        only = comparison(Reader(session), axes=["energie-essai"])
        assert [a.id for a in only.axes] == ["energie-essai"] and [d.id for d in only.documents] == ["livre-essai"]
        assert only.unknown([], ["inconnu"]) == ("axis", "inconnu") and only.unknown([], ["rapport-axe"]) is None
        assert only.unknown(["inconnu"], []) == ("document", "inconnu")
        assert only.unknown(["rapport-essai"], ["foncier-essai"]) is None
    engine.dispose()


def test_columns_put_the_livre_blanc_first_then_the_most_recent(built: Built) -> None:
    engine = make_engine(built.database_url)
    with Session(engine) as session:
        c = comparison(Reader(session), documents=["rapport-essai", "livre-essai"])
        assert [d.id for d in c.documents] == ["livre-essai", "rapport-essai"]
        assert [d.id for d in c.all_documents] == ["livre-essai", "rapport-essai"]
    engine.dispose()


def test_column_order_is_the_livre_blanc_then_newest_first_partial_dates_after_their_year() -> None:
    def doc(doc_id: str, published: str, kind: str = "rapport") -> Document:
        return Document(id=doc_id, title=doc_id, publisher="x", kind=kind, published=published, summary="x")

    livre = doc("livre", "2025-11-17", "livre-blanc")
    others = [doc("a", "2024-09"), doc("b", "2026"), doc("c", "2026-01-28"), doc("d", "2025-06-18"), doc("e", "2025-06-18")]
    assert [d.id for d in column_order([*others, livre], livre)] == ["livre", "c", "b", "d", "e", "a"]
    assert [d.id for d in column_order(others, None)] == ["c", "b", "d", "e", "a"]


# ---- the page ------------------------------------------------------------------------------------------


def test_page_shows_the_table_with_links_badges_editorial_mark_and_empty_cells(client: FlaskClient) -> None:
    html = page(client, PAGES["compare"])
    t = table(html)
    assert len(t.columns) == 3 and t.columns[0] == "Axe"
    # Displayed text is typeset (kb.content.typography): ’ for the apostrophe.
    assert t.columns[1].startswith(french("Livre blanc d'essai sur l'industrie")) and t.columns[2].startswith(french("Rapport d'essai"))
    assert [r[0] for r in t.rows] == ["Accès au foncier", "Souveraineté énergétique"]
    (foncier_lb, foncier_lb_links), (foncier_rp, foncier_rp_links) = t.rows[0][1]
    assert "Créer un pass foncier pour les PMI" in foncier_lb and "Proposée" in foncier_lb and "Mesure phare" in foncier_lb
    assert foncier_lb_links == ["/propositions/pass-foncier"] and "Rapprochement éditorial" not in foncier_lb
    assert "Sanctuariser le foncier industriel" in foncier_rp and "Rapprochement éditorial" in foncier_rp
    assert "Le rapport parle lui aussi du foncier des usines." in foncier_rp and foncier_rp_links == ["/propositions/sanctuaire-foncier"]
    energie_lb, energie_rp = t.rows[1][1]
    assert "En discussion" in energie_lb[0]
    # An empty cell: the dash, and its text alternative written out (no tooltip).
    assert energie_rp == (f"— {EMPTY}", [])
    assert "title=" not in re.search(r'<p class="compare-empty">.*?</p>', html, re.S).group(0)  # type: ignore[union-attr]
    # The phone layout: one section per axis, the documents that propose something as sub-headings, then one line for
    # the others (the report proposes nothing on énergie), and the axes to jump to at the top.
    sections = re.findall(r'<section class="compare-axis"[^>]*>\s*<h2[^>]*><a href="([^"]+)">', html)
    assert sections == ["/axes/foncier-essai", "/axes/energie-essai"]
    assert html.count('<h3><a href="/documents/rapport-essai">') == 1 and html.count('<h3><a href="/documents/livre-essai">') == 2
    energie = squash(re.search(r'<section class="compare-axis" aria-labelledby="axe-energie-essai">.*?</section>', html, re.S).group(0))
    line = french("Rien dans les sources consultées pour : ") + '<a href="/documents/rapport-essai">' + french("Institut d'essai")
    assert line in energie
    assert french(" (juin 2025)</a>.</p>") in energie and EMPTY not in energie
    jump = re.search(r'<nav class="compare-jump".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'href="#([^"]+)"', jump) == ["axe-foncier-essai", "axe-energie-essai"]
    assert "(2 propositions)" in squash(jump) and "(1 proposition)" in squash(jump)
    assert "rapprochements éditoriaux" in html


def test_filters_choose_columns_and_rows_and_the_canonical_url_keeps_them_in_table_order(client: FlaskClient) -> None:
    html = page(client, "/comparer?axe=energie-essai&document=rapport-essai&document=livre-essai")
    t = table(html)
    assert [r[0] for r in t.rows] == ["Souveraineté énergétique"] and len(t.columns) == 3
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)  # type: ignore[union-attr]
    assert parse_qsl(urlsplit(canonical.replace("&amp;", "&")).query) == [
        ("document", "livre-essai"), ("document", "rapport-essai"), ("axe", "energie-essai")
    ]
    # The form shows what is chosen; its submission gives the same address.
    assert re.search(r'name="document" value="rapport-essai" checked', html)
    assert re.search(r'name="axe" value="foncier-essai">', html) and re.search(r'name="axe" value="energie-essai" checked', html)
    # The data links carry the same filters (the API with its own parameter names).
    assert 'href="/comparer.csv?document=livre-essai&amp;document=rapport-essai&amp;axe=energie-essai"' in html
    assert 'href="/api/v1/compare?document=livre-essai&amp;document=rapport-essai&amp;axis=energie-essai"' in html
    only = table(page(client, "/comparer?document=rapport-essai"))
    assert len(only.columns) == 2 and only.columns[1].startswith(french("Rapport d'essai"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("document=inconnu", "Le filtre « Document » ne connaît pas la valeur « inconnu »."),
        ("axe=inexistant", "Le filtre « Axe » ne connaît pas la valeur « inexistant »"),
        ("pivot=inconnu", "Le filtre « Document de référence » ne connaît pas la valeur « inconnu »."),
        ("axe=%00", "Le filtre « Axe »"),
    ],
)
@pytest.mark.parametrize("path", [PAGES["compare"], PAGES["compare_csv"], PAGES["compare_card"], PAGES["compare_card_md"]])
def test_unknown_filter_values_get_the_french_400_page(client: FlaskClient, path: str, query: str, message: str) -> None:
    resp = client.get(f"{path}?{query}")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    # Error pages are typeset like every page, under a card's address too (the card itself is not: kb.newsletter.cards).
    assert "Demande incorrecte" in text and french(message) in text and '<html lang="fr">' in text


def test_each_livre_blanc_axis_page_and_the_home_page_link_to_the_comparison(client: FlaskClient) -> None:
    for axis in ("foncier-essai", "energie-essai"):
        html = page(client, f"/axes/{axis}")
        assert f'<a href="/comparer?axe={axis}">Comparer sur cet axe</a>' in html
        assert table(page(client, f"/comparer?axe={axis}")).rows[0][0] in html
    # Any document's axis can be a row: the comparison pivots on its document.
    assert '<a href="/comparer?axe=rapport-axe">Comparer sur cet axe</a>' in page(client, "/axes/rapport-axe")
    assert re.search(r'<a href="/comparer">Qui propose quoi[^<]*</a>', page(client, "/"))


def test_page_links_its_own_stylesheet_and_prints_its_source_line(client: FlaskClient) -> None:
    html = page(client, "/comparer?axe=foncier-essai")
    assert '<link rel="stylesheet" href="/static/compare.css">' in html
    source = re.search(r'<p class="compare-source">(.*?)</p>', html, re.S).group(1)  # type: ignore[union-attr]
    assert french("Source : Base des livres blancs, « Qui propose quoi »") in source
    assert french("Livre blanc d&#39;essai sur l&#39;industrie") in source
    assert "rapprochements éditoriaux" in source and "http://localhost/comparer?axe=foncier-essai" in source
    resp = client.get("/static/compare.css")
    css = resp.get_data(as_text=True)
    resp.close()
    printed = css[css.index("@media print") :]
    assert "size: A4 landscape" in printed and ".compare-source" in printed


def test_sitemap_lists_the_comparison(client: FlaskClient) -> None:
    assert "<loc>http://localhost/comparer</loc>" in page(client, "/sitemap.xml")


# ---- the API and the CSV ----------------------------------------------------------------------------


def test_data_and_api_pages_describe_the_csv_and_the_endpoint(client: FlaskClient) -> None:
    data = page(client, PAGES["data_page"])
    section = re.search(r'<section id="comparer.csv">.*?</section>', data, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r"<td><code>([a-z_]+)</code></td>", section) == list(COMPARE_COLUMNS)
    assert '<a href="/comparer.csv"><code>comparer.csv</code></a>' in data
    assert "GET /api/v1/compare" in page(client, PAGES["api_page"])


def test_api_compare_is_documented_and_answers_the_same_cells(site: FlaskClient, doc: dict[str, Any]) -> None:
    assert "/compare" in doc["paths"]
    params = {p["name"] for p in doc["paths"]["/compare"]["get"]["parameters"]}
    assert {"document", "axis"} <= params
    body = apicheck.get(site, doc, f"{BASE}/compare").get_json()
    assert body["livre_blanc"]["id"] == "livre-essai"
    assert [d["id"] for d in body["documents"]] == ["livre-essai", "rapport-essai"]
    assert [r["axis"]["id"] for r in body["rows"]] == ["foncier-essai", "energie-essai"]
    foncier = {c["document"]: c["records"] for c in body["rows"][0]["cells"]}
    assert [(r["id"], r["basis"], r["status"]) for r in foncier["livre-essai"]] == [("pass-foncier", "source", "proposee")]
    assert foncier["rapport-essai"][0] == {
        "id": "sanctuaire-foncier", "title": "Sanctuariser le foncier industriel", "url": f"{SITE}/propositions/sanctuaire-foncier",
        "status": "proposee", "flagship": False, "basis": "editorial", "note": "Le rapport parle lui aussi du foncier des usines.",
    }
    assert body["rows"][1]["cells"][1] == {"document": "rapport-essai", "records": []}
    assert body["count"] == 3 and body["page"] == f"{SITE}/comparer" and body["csv"] == f"{SITE}/comparer.csv"
    one = apicheck.get(site, doc, f"{BASE}/compare?axis=energie-essai&document=rapport-essai").get_json()
    assert [r["axis"]["id"] for r in one["rows"]] == ["energie-essai"] and [d["id"] for d in one["documents"]] == ["rapport-essai"]
    assert one["page"] == f"{SITE}/comparer?document=rapport-essai&axe=energie-essai"


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("pivot=inconnu", "pivot", "Le filtre « Document de référence » ne connaît pas la valeur « inconnu »."),
        ("axis=inconnu", "axis", "Axe inconnu : « inconnu »"),
        ("document=inconnu", "document", "Document inconnu : « inconnu »"),
        ("axis=Pas%20un%20id", "axis", "n'est pas un identifiant valide"),
    ],
)
def test_api_compare_refuses_unknown_values_naming_the_parameter(
    client: FlaskClient, doc: dict[str, Any], query: str, parameter: str, message: str
) -> None:
    resp = apicheck.get(client, doc, f"{BASE}/compare?{query}")
    error = resp.get_json()["error"]
    assert resp.status_code == 400 and error["code"] == "bad_parameter" and error["parameter"] == parameter and message in error["message"]


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_record_with_axis_document_title_status_and_url(site: FlaskClient) -> None:
    resp = site.get(PAGES["compare_csv"])
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="comparer.csv"'
    rows = read_csv(resp.data)
    assert list(rows[0]) == list(COMPARE_COLUMNS)
    assert [(r["axis"], r["document"], r["id"], r["status"], r["basis"]) for r in rows] == [
        ("foncier-essai", "livre-essai", "pass-foncier", "proposee", "source"),
        ("foncier-essai", "rapport-essai", "sanctuaire-foncier", "proposee", "editorial"),
        ("energie-essai", "livre-essai", "energie-locale", "en-discussion", "source"),
    ]
    assert rows[1]["title"] == "Sanctuariser le foncier industriel" and rows[1]["url"] == f"{SITE}/propositions/sanctuaire-foncier"
    assert rows[1]["axis_title"] == "Accès au foncier" and rows[1]["document_title"] == "Rapport d'essai"
    # Same filters as the page.
    filtered = read_csv(site.get("/comparer.csv?axe=foncier-essai&document=rapport-essai").data)
    assert [r["id"] for r in filtered] == ["sanctuaire-foncier"]


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The valid corpus where the report's proposal echoes both axes, its title and its first note written like
    spreadsheet formulas."""
    src = tmp_path_factory.mktemp("src") / "content"
    shutil.copytree(VALID, src)
    path = src / "proposals" / "sanctuaire-foncier.yaml"
    text = path.read_text("utf-8").replace("title: Sanctuariser le foncier industriel", 'title: "=HYPERLINK(\\"https://exemple.test\\")"')
    text = text.replace("note: Le rapport parle lui aussi du foncier des usines.", "note: '@SUM(1+1)'\n  - energie-essai")
    path.write_text(text, "utf-8")
    return create_app(build_corpus(src, tmp_path_factory.mktemp("variant")).config()).test_client()


def test_csv_neutralises_formulas_like_the_other_exports(variant: FlaskClient) -> None:
    rows = read_csv(variant.get(PAGES["compare_csv"]).data)
    echo = next(r for r in rows if r["id"] == "sanctuaire-foncier")
    assert echo["title"] == "'=HYPERLINK(\"https://exemple.test\")" and echo["note"] == "'@SUM(1+1)"
    exported = read_csv(variant.get(f"{BASE}/export/proposals.csv").data)
    assert next(r for r in exported if r["id"] == "sanctuaire-foncier")["title"] == echo["title"]


def test_a_proposal_on_two_axes_is_in_both_cells_and_counted_once(variant: FlaskClient) -> None:
    rows = read_csv(variant.get(PAGES["compare_csv"]).data)
    assert [r["axis"] for r in rows if r["id"] == "sanctuaire-foncier"] == ["foncier-essai", "energie-essai"]
    body = variant.get(f"{BASE}/compare").get_json()
    assert body["count"] == 3 and sum(len(c["records"]) for row in body["rows"] for c in row["cells"]) == 4
    assert "3 propositions · 2 documents · 2 axes" in page(variant, PAGES["compare"])


# ---- « Copier ce tableau » ----------------------------------------------------------------------------


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_page_offers_the_copy_block_with_the_same_filters(client: FlaskClient) -> None:
    html = page(client, "/comparer?axe=foncier-essai")
    block = re.search(r'<section class="share-block compare-share".*?</section>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "Copier ce tableau" in block and "data-share" in block and "data-copied=" in block
    assert '<a href="/comparer/carte?axe=foncier-essai" data-copy="html">' in block
    assert '<a href="/comparer/carte.md?axe=foncier-essai" data-copy="markdown">' in block
    assert '<script src="/static/share.js" defer></script>' in html


def test_html_copy_is_email_safe_with_absolute_links(site: FlaskClient) -> None:
    resp = site.get(PAGES["compare_card"])
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert email_safe_problems(html) == []
    assert 'width="600"' in html and "max-width:600px" in html
    hrefs = _hrefs(html)
    assert hrefs and all(h.startswith(SITE + "/") for h in hrefs)
    assert f"{SITE}/propositions/pass-foncier" in hrefs and f"{SITE}/propositions/sanctuaire-foncier" in hrefs
    assert "(Proposée, rapprochement éditorial)" in html and "(Proposée)" in html
    # The empty cell, in the email too: the report proposes nothing on énergie in the sources consulted (the same split
    # as the page's phone layout: kb.pages.compare.axis_rows).
    assert french("— Aucune proposition dans les sources consultées : Rapport d&#39;essai") in html  # typeset, as the page
    assert html.count(french("Rapport d'essai") + "</a><br>") == 1  # a line for the report on foncier only
    assert f'<a href="{SITE}/comparer" ' in html and french("Source : Base des livres blancs") in html
    # The card rules of the site apply: inline styles allowed (its own CSP), never a script.
    assert "style-src 'unsafe-inline'" in resp.headers["Content-Security-Policy"]


def test_copies_follow_the_filters_and_campaign_tags(site: FlaskClient) -> None:
    html = site.get("/comparer/carte?axe=energie-essai&utm_campaign=lettre-decembre").get_data(as_text=True)
    assert "Souveraineté énergétique" in html and "Accès au foncier" not in html
    assert all("utm_campaign=lettre-decembre" in h for h in _hrefs(html))


def test_markdown_copy_has_absolute_links_and_escapes_titles(site: FlaskClient) -> None:
    resp = site.get(PAGES["compare_card_md"])
    assert resp.status_code == 200 and resp.mimetype == "text/markdown"
    text = resp.get_data(as_text=True)
    rendered = MarkdownIt("commonmark").render(text)
    links = re.findall(r'href="([^"]+)"', rendered)
    assert links and all(h.startswith(SITE + "/") for h in links)
    assert f'<a href="{SITE}/axes/foncier-essai">Accès au foncier</a>' in rendered
    echo = f'<a href="{SITE}/propositions/sanctuaire-foncier">Sanctuariser le foncier industriel</a>'
    assert echo + " (Proposée, rapprochement éditorial)" in rendered
    assert french("Aucune proposition dans les sources consultées : Rapport d'essai") in rendered


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The newsletter kit corpus: the echoing proposal's title is full of HTML."""
    return create_app(build_kit(tmp_path_factory.mktemp("compare-kit")).config(SITE_URL=SITE)).test_client()


def test_hostile_titles_stay_text_in_the_page_and_both_copies(kit: FlaskClient) -> None:
    for url in (PAGES["compare"], PAGES["compare_card"]):
        html = kit.get(url).get_data(as_text=True)
        assert "<script>" not in html.replace('<script src="/static/share.js" defer></script>', "")
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert email_safe_problems(kit.get(PAGES["compare_card"]).get_data(as_text=True)) == []
    md = kit.get(PAGES["compare_card_md"]).get_data(as_text=True)
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "<script>" not in rendered and not any(h.lower().startswith("javascript:") for h in re.findall(r'href="([^"]+)"', rendered))
    assert HOSTILE_TITLE not in md  # escaped, so no raw markup survives
