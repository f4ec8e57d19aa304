"""Newsletter kit: email-safe cards, text and Markdown variants, previews, oEmbed, Open Graph, share block, campaign tags."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from markdown_it import MarkdownIt
from PIL import Image, ImageChops, ImageDraw

from kb import create_app
from kb.content.labels import of_publisher
from kb.content.typography import french
from kb.newsletter.cards import action_attribution, attribution
from kb.newsletter.preview import font
from tests.support.corpora import ROOT
from tests.support.emailsafe import email_safe_problems
from tests.support.kit_corpus import HOSTILE_TITLE, build_kit

CARDS = ["/propositions/pass-foncier/carte", "/actions/implantation-normandie/carte", "/propositions/sanctuaire-foncier/carte"]


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A client over the kit corpus (one title full of HTML), served as https://kb.example.org."""
    built = build_kit(tmp_path_factory.mktemp("newsletter"))
    return create_app(built.config(SITE_URL="https://kb.example.org")).test_client()


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        if tag == "link":
            self.links.append(a)


def head(client: FlaskClient, url: str) -> _Head:
    """The meta and link elements of a page."""
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    parser = _Head()
    parser.feed(resp.get_data(as_text=True))
    return parser


def body_of(document: str) -> str:
    """The block between a document's body tags: what « Copier » puts into a newsletter (kb/web/static/share.js)."""
    match = re.search(r"<body[^>]*>(.*)</body>", document, re.S)
    assert match, document[:200]
    return match.group(1).strip()


def alternate(h: _Head, mime: str) -> str | None:
    """The href of the page's <link rel=alternate> of one type."""
    return next((a["href"] for a in h.links if a.get("rel") == "alternate" and a.get("type") == mime), None)


@pytest.mark.parametrize("url", CARDS)
def test_html_cards_are_email_safe(kit: FlaskClient, url: str) -> None:
    resp = kit.get(url)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert email_safe_problems(body_of(resp.get_data(as_text=True))) == []


def test_the_checker_catches_what_email_clients_reject() -> None:
    assert email_safe_problems('<div class="x">a</div>') == [
        "<div class=…> sans style en ligne",
        "pas de mise en page en tableau",
        "aucun style en ligne",
    ]
    bad = '<table width="700" style="width:700px"><tr><td><script>x</script><img src="https://a/b.png"></td></tr></table>'
    problems = email_safe_problems(bad)
    assert any("width=700" in p for p in problems) and any("<script>" in p for p in problems) and any("alt" in p for p in problems)


def test_card_shows_attribution_title_axis_status_summary_and_permanent_link(kit: FlaskClient) -> None:
    page = body_of(kit.get("/propositions/pass-foncier/carte").get_data(as_text=True))
    assert page.startswith("<table lang=\"fr\" ") and "réf." not in page  # French, and no internal id
    for text in (
        # The document never names its publisher with an article: the publisher comes in brackets.
        french("Proposition du livre blanc « Livre blanc d&#39;essai sur l&#39;industrie » (FEPE), novembre 2025"),
        "Créer un pass foncier pour les PMI",
        "Accès au foncier",
        "Proposée",
        "Mettre à disposition",
        "Lire la proposition",
    ):
        assert text in page
    assert 'href="https://kb.example.org/propositions/pass-foncier"' in page
    action = kit.get("/actions/implantation-normandie/carte").get_data(as_text=True)
    assert french("Lire l&#39;action") in action and "Normandie" in action and "En cours" in action
    text = kit.get("/propositions/pass-foncier/carte.txt").get_data(as_text=True)
    assert text.splitlines()[0] == french("Proposition du livre blanc « Livre blanc d'essai sur l'industrie » (FEPE), novembre 2025")


def test_attribution_uses_the_article_the_document_itself_uses() -> None:
    doc = SimpleNamespace(kind="livre-blanc", publisher="CPME", title="Redynamiser l'industrie", published="2025-11-17",
                          summary="Livre blanc de la CPME présenté pendant la Semaine de l'industrie.", body=None)
    assert attribution("Proposition", doc) == "Proposition du livre blanc de la CPME « Redynamiser l'industrie », novembre 2025"
    report = SimpleNamespace(kind="rapport", publisher="Sénat, délégation aux entreprises", title="Le fabriqué en France",
                             published="2025-06-18", summary="Rapport du Sénat.", body=None)
    assert attribution("Proposition", report) == "Proposition du rapport du Sénat « Le fabriqué en France », juin 2025"
    assert of_publisher("Assemblée nationale, commission", "Le rapport de l'Assemblée nationale") == "de l’Assemblée nationale"
    assert of_publisher("lagazettefrance.fr", "Un article paru en ligne") is None
    region = SimpleNamespace(name="Normandie")
    article = SimpleNamespace(kind="article", publisher="lagazettefrance.fr", title="La CPME Normandie", published="2025-11")
    assert action_attribution(region, article) == (
        "Action régionale — Normandie, d’après l’article « La CPME Normandie » (lagazettefrance.fr), novembre 2025"
    )
    assert action_attribution(region, None) == "Action régionale — Normandie"


def test_html_in_a_title_is_inert_in_every_variant(kit: FlaskClient) -> None:
    html_card = kit.get("/propositions/sanctuaire-foncier/carte").get_data(as_text=True)
    assert "<script>" not in html_card and "<b>" not in html_card and "&lt;script&gt;" in html_card
    md = kit.get("/propositions/sanctuaire-foncier/carte.md").get_data(as_text=True)
    rendered = MarkdownIt("commonmark").render(md)
    assert "<script>" not in rendered and "<b>" not in rendered and "javascript:" not in re.findall(r'href="([^"]*)"', rendered).__str__()
    assert "&lt;script&gt;" in rendered
    txt = kit.get("/propositions/sanctuaire-foncier/carte.txt")
    assert txt.mimetype == "text/plain" and HOSTILE_TITLE in txt.get_data(as_text=True)


@pytest.mark.parametrize("kind_path", ["/propositions/pass-foncier", "/actions/implantation-normandie"])
def test_text_and_markdown_variants(kit: FlaskClient, kind_path: str) -> None:
    txt = kit.get(kind_path + "/carte.txt")
    assert txt.mimetype == "text/plain" and txt.headers["X-Content-Type-Options"] == "nosniff"
    body = txt.get_data(as_text=True)
    assert french("Statut : ") in body and f"https://kb.example.org{kind_path}" in body and "<" not in body
    md = kit.get(kind_path + "/carte.md")
    assert md.mimetype == "text/markdown"
    rendered = MarkdownIt("commonmark").render(md.get_data(as_text=True))
    assert re.findall(r'href="([^"]+)"', rendered) == [f"https://kb.example.org{kind_path}"]


def test_card_links_carry_campaign_tags_on_request(kit: FlaskClient) -> None:
    for variant in ("carte", "carte.txt", "carte.md"):
        body = kit.get(f"/propositions/pass-foncier/{variant}?utm_campaign=lettre-decembre").get_data(as_text=True)
        urls = re.findall(r"https://kb\.example\.org/propositions/pass-foncier\?[^\s\")]+", body.replace("&amp;", "&"))
        assert urls, variant
        query = parse_qs(urlsplit(urls[0]).query)
        assert query["utm_source"] == ["newsletter"] and query["utm_campaign"] == ["lettre-decembre"]


def test_card_of_a_former_id_redirects_and_unknown_is_404(kit: FlaskClient) -> None:
    resp = kit.get("/propositions/ancien-pass-foncier/carte.txt?utm_campaign=lettre")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/propositions/pass-foncier/carte.txt?utm_campaign=lettre")
    assert kit.get("/propositions/inconnue/carte").status_code == 404
    assert kit.get("/actions/pass-foncier/carte").status_code == 404


@pytest.mark.parametrize("url", ["/propositions/pass-foncier/apercu.png", "/actions/implantation-normandie/apercu.png", "/apercu.png"])
def test_preview_image_is_a_1200x630_png_with_cache_headers(kit: FlaskClient, url: str) -> None:
    resp = kit.get(url)
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    image = Image.open(io.BytesIO(resp.data))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert "max-age=" in resp.headers["Cache-Control"] and resp.headers["ETag"]
    again = kit.get(url, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_preview_font_draws_french_accents() -> None:
    def draw(text: str) -> Image.Image:
        image = Image.new("L", (120, 120), 0)
        ImageDraw.Draw(image).text((10, 10), text, font=font(60, bold=True), fill=255)
        return image

    missing = draw("\uffff")  # a code point no font has: what a missing glyph looks like
    for accented, plain in (("é", "e"), ("è", "e"), ("à", "a"), ("ç", "c"), ("Î", "I"), ("œ", "o"), ("«", "<")):
        assert ImageChops.difference(draw(accented), draw(plain)).getbbox(), accented
        assert ImageChops.difference(draw(accented), missing).getbbox(), accented


def test_oembed_rich_json_with_the_card(kit: FlaskClient) -> None:
    resp = kit.get("/oembed?url=https://kb.example.org/propositions/pass-foncier&format=json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    data = json.loads(resp.data)
    assert data["type"] == "rich" and data["version"] == "1.0" and data["provider_name"]
    assert data["title"] == "Créer un pass foncier pour les PMI" and data["width"] == 600 and data["height"] > 0
    assert data["html"] == body_of(kit.get("/propositions/pass-foncier/carte").get_data(as_text=True)) + "\n"
    assert email_safe_problems(data["html"]) == []


def test_oembed_respects_maxwidth(kit: FlaskClient) -> None:
    data = json.loads(kit.get("/oembed?url=https://kb.example.org/actions/implantation-normandie&maxwidth=400").data)
    assert data["width"] == 400 and 'width="400"' in data["html"] and "max-width:400px" in data["html"]
    assert "600" not in re.findall(r'width="(\d+)"', data["html"])
    wide = json.loads(kit.get("/oembed?url=https://kb.example.org/actions/implantation-normandie&maxwidth=2000").data)
    assert wide["width"] == 600


@pytest.mark.parametrize(
    "url",
    [
        "https://ailleurs.example.com/propositions/pass-foncier",
        "https://kb.example.org/propositions/inconnue",
        "https://kb.example.org/documents/livre-essai",
        "https://kb.example.org/recherche?q=foncier",
        "javascript:alert(1)",
        "",
    ],
)
def test_oembed_404_for_a_url_that_is_not_ours(kit: FlaskClient, url: str) -> None:
    assert kit.get("/oembed", query_string={"url": url}).status_code == 404


def test_oembed_501_for_another_format(kit: FlaskClient) -> None:
    assert kit.get("/oembed?url=https://kb.example.org/propositions/pass-foncier&format=xml").status_code == 501


@pytest.mark.parametrize("path", ["/propositions/pass-foncier", "/actions/implantation-normandie"])
def test_record_pages_have_oembed_discovery_and_preview_meta(kit: FlaskClient, path: str) -> None:
    h = head(kit, path)
    href = alternate(h, "application/json+oembed")
    assert href and href.startswith("https://kb.example.org/oembed?")
    assert parse_qs(urlsplit(href).query)["url"] == [f"https://kb.example.org{path}"]
    assert h.meta["og:image"] == f"https://kb.example.org{path}/apercu.png"
    assert h.meta["og:type"] == "article"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/recherche?q=foncier",
        "/propositions/pass-foncier",
        "/actions/implantation-normandie",
        "/documents/livre-essai",
        "/axes/foncier-essai",
        "/filieres/chimie",
        "/regions/normandie",
    ],
)
def test_every_page_has_open_graph_and_twitter_meta(kit: FlaskClient, path: str) -> None:
    h = head(kit, path)
    for key in ("og:title", "og:url", "og:image", "og:type", "twitter:card", "twitter:image"):
        assert h.meta.get(key), (path, key)
    assert h.meta["og:locale"] == "fr_FR" and h.meta["twitter:card"] == "summary_large_image"
    assert h.meta["og:url"].startswith("https://kb.example.org/") and h.meta["og:image"].startswith("https://kb.example.org/")
    canonical = next(a["href"] for a in h.links if a.get("rel") == "canonical")
    assert h.meta["og:url"] == canonical


def test_og_description_is_who_then_the_summary(kit: FlaskClient) -> None:
    h = head(kit, "/propositions/pass-foncier")
    expected = "FEPE — Mettre à disposition des petites parcelles industrielles pour l'implantation des usines."
    assert h.meta["og:description"] == french(expected)


@pytest.mark.parametrize("path", ["/propositions/pass-foncier", "/", "/documents/livre-essai"])
def test_campaign_tags_accepted_and_kept_out_of_canonical(kit: FlaskClient, path: str) -> None:
    tagged = head(kit, f"{path}?utm_source=newsletter&utm_campaign=lettre-decembre")
    clean = head(kit, path)
    assert tagged.meta["og:url"] == clean.meta["og:url"] and "utm_" not in tagged.meta["og:url"]
    assert all("utm_" not in a["href"] for a in tagged.links if a.get("rel") in ("canonical", "alternate"))


def test_share_block_offers_card_variants_and_a_french_citation(kit: FlaskClient) -> None:
    page = kit.get("/propositions/pass-foncier").get_data(as_text=True)
    assert "Copier pour la newsletter" in page and "Citer" in page
    for variant in ("carte", "carte.txt", "carte.md"):
        assert f'href="/propositions/pass-foncier/{variant}"' in page
    citation = re.search(r'<p class="citation" id="citation">(.*?)</p>', page, re.S).group(1)
    expected = (
        "Proposition « Créer un pass foncier pour les PMI » — FEPE, livre blanc "
        "« Livre blanc d&#39;essai sur l&#39;industrie », novembre 2025, https://kb.example.org/propositions/pass-foncier"
    )
    assert citation == french(expected)  # typeset on the page; the address is kept as it is
    # « Copier le lien »: the canonical address in a field (selectable without JavaScript), and the button.
    assert '<input id="share-url" type="url" value="https://kb.example.org/propositions/pass-foncier" readonly>' in page
    assert '<button type="button" data-copy-text="share-url" hidden>Copier le lien</button>' in page
    # The preview of the card, and the plain-text clipboard slot of « Copier en HTML » takes carte.txt.
    assert '<iframe src="/propositions/pass-foncier/carte" title="Aperçu de la carte pour la newsletter"' in page
    assert 'data-copy="html" data-label="Copier la carte en HTML" data-text="/propositions/pass-foncier/carte.txt"' in page
    assert '<script src="/static/share.js"' in page and (ROOT / "kb" / "web" / "static" / "share.js").exists()


def test_share_block_adds_campaign_tags_when_asked(kit: FlaskClient) -> None:
    page = kit.get("/actions/implantation-normandie?utm_campaign=lettre-decembre").get_data(as_text=True)
    assert 'href="/actions/implantation-normandie/carte.md?utm_campaign=lettre-decembre"' in page
    citation = re.search(r'<p class="citation" id="citation">(.*?)</p>', page, re.S).group(1).replace("&amp;", "&")
    start = "Action régionale « Soutenir l’implantation de sites de production » — FEPE Normandie, Normandie, novembre 2025, "
    assert citation.startswith(french(start))
    tagged = "https://kb.example.org/actions/implantation-normandie?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=lettre-decembre"
    assert f'<input id="share-url" type="url" value="{tagged}" readonly>' in page
    assert citation.endswith("/actions/implantation-normandie?utm_source=newsletter&utm_medium=email&utm_campaign=lettre-decembre")
