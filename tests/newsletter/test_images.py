"""Previews that show the page (issue 27, item 4): an image for every page type people share, saying what its page
says, with the site's address and never an internal id; drawn once per build; the site's icons. What an image says is
read from the drawing function's text list (kb.newsletter.preview.layout), never from pixels."""

from __future__ import annotations

import io
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from PIL import Image

from kb.content import kinds
from kb.content.typography import NARROW
from kb.newsletter import images
from kb.newsletter.preview import HEIGHT, WIDTH, Layout, Preview, layout, render, wrap
from tests.newsletter.conftest import SITE
from tests.support.frenchtext import faults

HOST = urlsplit(SITE).netloc
# One page of each type people share, in the fixture corpora (tests/data/valid and tests/data/quoted).
PAGES = {
    "proposition": "/propositions/coupe-file-essai",
    "action": "/actions/action-guillemets",
    "document": "/documents/livre-essai",
    "axe": "/axes/foncier-essai",
    "organisation": "/organisations/federation-essai",
    "région": "/regions/normandie",
    "filière": "/filieres/chimie",
    "comparaison": "/comparer",
    "accueil": "/",
}
IMAGES = {label: ("/comparer/apercu.png" if path == "/comparer" else "/apercu.png" if path == "/" else f"{path}/apercu.png")
          for label, path in PAGES.items()}


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Layout]]:
    """The layouts the image endpoints draw, in order (the per-build cache emptied first, so that each is drawn)."""
    seen: list[Layout] = []

    def spy(preview: Preview) -> bytes:
        seen.append(layout(preview))
        return render(preview)

    images.drawn.cache_clear()
    monkeypatch.setattr(images, "render", spy)
    yield seen
    images.drawn.cache_clear()


def words_of(site: FlaskClient, drawn: list[Layout], url: str) -> str:
    """The text an image's drawing lists, all of it, its lines joined."""
    before = len(drawn)
    resp = site.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    assert len(drawn) == before + 1, url
    return drawn[-1].words.replace("\n", " ")


def test_every_kind_of_record_has_an_image() -> None:
    assert set(images.PREVIEWS) == set(kinds.KINDS)


@pytest.mark.parametrize("label", list(IMAGES))
def test_every_page_type_has_its_own_1200x630_image_with_cache_headers(site: FlaskClient, label: str) -> None:
    resp = site.get(IMAGES[label])
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert Image.open(io.BytesIO(resp.data)).size == (WIDTH, HEIGHT) == (1200, 630)
    assert "max-age=" in resp.headers["Cache-Control"] and resp.headers["ETag"]
    assert site.get(IMAGES[label], headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.icons: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        if tag == "link" and a.get("rel") in ("icon", "apple-touch-icon"):
            self.icons.append((a["rel"], a["href"]))


def head(site: FlaskClient, path: str) -> _Meta:
    parser = _Meta()
    parser.feed(site.get(path).get_data(as_text=True))
    return parser


@pytest.mark.parametrize("label", list(PAGES))
def test_each_page_points_its_link_preview_at_its_own_image(site: FlaskClient, label: str) -> None:
    meta = head(site, PAGES[label]).meta
    assert meta["og:image"] == SITE + IMAGES[label] and meta["twitter:image"] == meta["og:image"]


def test_a_comparison_view_shares_the_image_of_that_view(site: FlaskClient, drawn: list[Layout]) -> None:
    view = "/comparer?axe=foncier-essai"
    image = head(site, view).meta["og:image"]
    assert image == f"{SITE}/comparer/apercu.png?axe=foncier-essai"
    words = words_of(site, drawn, image.removeprefix(SITE))
    assert "Accès au foncier" in words and "Souveraineté énergétique" not in words
    assert site.get("/comparer/apercu.png?document=inconnu").status_code == 400


def test_pages_without_an_image_of_their_own_share_the_home_page_s(site: FlaskClient) -> None:
    for path in ("/a-propos", "/axes", "/recherche?q=foncier"):
        assert head(site, path).meta["og:image"] == f"{SITE}/apercu.png"


def test_a_record_image_says_where_it_comes_from_its_summary_mesure_phare_and_the_site_s_address(
    site: FlaskClient, drawn: list[Layout]
) -> None:
    words = words_of(site, drawn, IMAGES["proposition"])
    assert "Proposition" in words and "Projet de loi de l’Institut d’essai" in words  # its document
    assert "L’«\u202faccélération\u202f» en pratique" in words  # its axis
    assert f"Un «{NARROW}coupe-file{NARROW}» pour l’industrie{NARROW}?" in words
    assert "Réduire de 50\u202f% les délais" in words  # a summary line
    assert "Mesure phare" in words
    assert HOST in words and "coupe-file-essai" not in words and "réf." not in words  # the address, never the id
    plain = words_of(site, drawn, "/propositions/energie-locale/apercu.png")
    assert "Mesure phare" not in plain and "energie-locale" not in plain and HOST in plain
    action = words_of(site, drawn, IMAGES["action"])
    assert "Action régionale" in action and "Normandie" in action and "action-guillemets" not in action


def test_an_axis_image_names_its_document_and_counts_the_proposals_of_each_organisation(site: FlaskClient, drawn: list[Layout]) -> None:
    api = site.get("/api/v1/axes/foncier-essai").get_json()
    words = words_of(site, drawn, IMAGES["axe"])
    assert "Accès au foncier" in words and "Livre blanc d’essai sur l’industrie" in words
    # Its own proposals and those of other documents the base joins to it: the FEPE's and the institute's.
    assert "propositions\u202f: FEPE, Institut d’essai" in words
    assert api["id"] == "foncier-essai" and "foncier-essai" not in words


def test_document_organisation_region_and_sector_images_say_what_their_pages_say(site: FlaskClient, drawn: list[Layout]) -> None:
    document = words_of(site, drawn, IMAGES["document"])
    assert "Livre blanc · FEPE · 17\u00a0novembre\u00a02025" in document and "Livre blanc d’essai sur l’industrie" in document
    assert "sur les 4 annoncées" in document
    organisation = words_of(site, drawn, IMAGES["organisation"])
    assert "Fédération d’essai des petites entreprises (FEPE)" in organisation and "Organisation patronale" in organisation
    assert "régionale" in organisation  # its regional union's actions, filed under it
    region = words_of(site, drawn, IMAGES["région"])
    assert "Normandie" in region and "FEPE Normandie" in region and "action" in region
    sector = words_of(site, drawn, IMAGES["filière"])
    assert "Chimie" in sector and "Normandie" in sector


def test_the_comparison_image_draws_a_dot_where_a_document_proposes_something(site: FlaskClient, drawn: list[Layout]) -> None:
    api = site.get("/api/v1/compare").get_json()
    filled = sum(1 for row in api["rows"] for cell in row["cells"] if cell["records"])
    cells = len(api["rows"]) * len(api["documents"])
    words = words_of(site, drawn, IMAGES["comparaison"])
    dots = [s for s in drawn[-1].shapes if s.kind == "ellipse"]
    big = [s for s in dots if s.box[2] - s.box[0] == 20]
    assert len(dots) == cells and len(big) == filled > 0
    assert "Qui propose quoi" in words and all(row["axis"]["title"] in words for row in api["rows"])


def test_the_home_image_says_what_the_base_holds(site: FlaskClient, drawn: list[Layout]) -> None:
    api = site.get("/api/v1/proposals?limit=1").get_json()
    words = words_of(site, drawn, IMAGES["accueil"])
    assert f"{api['count']} propositions" in words and "Livre blanc d’essai sur l’industrie" in words and HOST in words


@pytest.mark.parametrize("label", list(IMAGES))
def test_images_are_typeset(site: FlaskClient, drawn: list[Layout], label: str) -> None:
    words = words_of(site, drawn, IMAGES[label])
    assert faults(words) == [], words


def test_images_are_drawn_once_per_build_and_content(site: FlaskClient, drawn: list[Layout]) -> None:
    first = site.get(IMAGES["axe"])
    again = site.get(IMAGES["axe"])
    assert len(drawn) == 1 and first.data == again.data and first.headers["ETag"] == again.headers["ETag"]


@pytest.mark.parametrize("label", list(IMAGES))
def test_every_image_ends_with_the_site_s_address_and_never_shows_an_internal_id(
    site: FlaskClient, drawn: list[Layout], label: str
) -> None:
    words = words_of(site, drawn, IMAGES[label])
    record_id = PAGES[label].rstrip("/").rpartition("/")[2]
    assert HOST in drawn[-1].texts[-1].text, label  # the footer, last
    assert "réf." not in words and (not record_id or record_id not in words), (label, words)


def test_a_kind_without_a_drawing_of_its_own_shows_its_label_name_and_address(
    site: FlaskClient, drawn: list[Layout], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(images.PREVIEWS, kinds.SECTOR)
    words = words_of(site, drawn, IMAGES["filière"])
    assert "Filière" in words and "Chimie" in words and HOST in words and "chimie" not in words
    assert site.get("/filieres/inconnue/apercu.png").status_code == 404


def test_wrapping_keeps_no_break_spaces_together() -> None:
    lines = wrap(f"aaaa bbbb «{NARROW}cccc{NARROW}»", 30, False, 140, 3)
    assert lines[-1] == f"«{NARROW}cccc{NARROW}»"


def test_a_long_title_shrinks_and_is_cut_with_an_ellipsis_inside_the_image() -> None:
    drawn = layout(Preview("Proposition", "mot " * 200, summary="résumé " * 100, facts="3 propositions", footer="Base · h.example"))
    assert drawn.texts and all(0 <= t.x < WIDTH and 0 <= t.y < HEIGHT for t in drawn.texts)
    assert any(t.text.endswith("…") for t in drawn.texts if t.bold)


def test_the_icons_answer_where_browsers_look_and_where_pages_link(site: FlaskClient) -> None:
    ico = site.get("/favicon.ico")
    assert ico.status_code == 200 and ico.mimetype == "image/vnd.microsoft.icon" and ico.headers["ETag"]
    assert Image.open(io.BytesIO(ico.data)).format == "ICO"
    touch = site.get("/apple-touch-icon.png")
    assert touch.status_code == 200 and Image.open(io.BytesIO(touch.data)).size == (180, 180)
    icons = head(site, "/").icons
    assert {rel for rel, _ in icons} == {"icon", "apple-touch-icon"} and len(icons) == 3
    for _rel, href in icons:
        assert site.get(href).status_code == 200, href
