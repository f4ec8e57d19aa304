"""« Ma sélection » (issue 27, item 5): records chosen from lists and record pages, kept in the address, reordered with
plain links, copied as one e-mail block (HTML, text, Markdown) made of the single cards, with campaign tags and French
typography; bad addresses give French messages. Over the quoted corpus (tests/data/valid plus tests/data/quoted)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from markdown_it import MarkdownIt

from kb.content.typography import french
from kb.newsletter import selection, selection_web
from tests.newsletter.conftest import SITE
from tests.newsletter.test_cards_and_previews import body_of
from tests.newsletter.test_typography import ARTICLE, LAW, parse_html
from tests.support.emailsafe import email_safe_problems
from tests.support.frenchtext import faults

CHOSEN = ["coupe-file-essai", "action-guillemets", "pass-foncier"]  # the second an action, the first and second with quoted sources
ADDRESS = "/selection?ids=" + ",".join(CHOSEN)


def ids_on(page: str) -> list[str]:
    """The records a selection page lists, in order."""
    block = re.search(r'<ol class="selection-list">(.*?)</ol>', page, re.S)
    return re.findall(r'<li data-id="([a-z0-9-]+)">', block.group(1)) if block else []


def controls(page: str, verb: str) -> list[str]:
    """The addresses of one kind of control (« Monter », « Descendre », « Retirer »), in the page's order."""
    return [href.replace("&amp;", "&") for href in re.findall(rf'<a href="([^"]+)" rel="nofollow">{verb}<', page)]


def ids_of(url: str) -> list[str]:
    """The ids an address names, in order."""
    return ",".join(parse_qs(urlsplit(url).query).get("ids", [""])).split(",") if "ids=" in url else []


def test_the_page_lists_the_records_in_the_order_of_its_address(site: FlaskClient) -> None:
    page = site.get(ADDRESS).get_data(as_text=True)
    assert ids_on(page) == CHOSEN
    assert ids_on(site.get("/selection?ids=" + ",".join(reversed(CHOSEN))).get_data(as_text=True)) == CHOSEN[::-1]
    parsed = parse_html(page)
    assert "Ma sélection" in parsed.title and faults(parsed.text) == []
    assert '<meta name="robots" content="noindex">' in page and f'<link rel="canonical" href="{SITE}{ADDRESS}">' in page


def test_move_up_move_down_and_remove_are_plain_links_to_the_reordered_address(site: FlaskClient) -> None:
    page = site.get(ADDRESS + "&utm_campaign=lettre").get_data(as_text=True)
    a, b, c = CHOSEN
    assert [ids_of(u) for u in controls(page, "Monter")] == [[b, a, c], [a, c, b]]  # not for the first
    assert [ids_of(u) for u in controls(page, "Descendre")] == [[b, a, c], [a, c, b]]  # not for the last
    assert [ids_of(u) for u in controls(page, "Retirer")] == [[b, c], [a, c], [a, b]]
    assert all("utm_campaign=lettre" in u for u in controls(page, "Retirer"))  # the campaign stays
    removed_all = controls(site.get("/selection?ids=pass-foncier").get_data(as_text=True), "Retirer")
    assert removed_all == ["/selection"]


@pytest.mark.parametrize("added", ["energie-locale", "ENERGIE-LOCALE", "/propositions/energie-locale",
                                   f"{SITE}/propositions/energie-locale?utm_source=x", "ancien-pass-foncier"])
def test_adding_by_id_or_address_leads_to_the_address_with_the_record_last(site: FlaskClient, added: str) -> None:
    resp = site.get("/selection", query_string={"ids": "sanctuaire-foncier", "ajouter": added, "utm_campaign": "lettre"})
    assert resp.status_code == 302
    expected = "pass-foncier" if added.startswith("ancien") else "energie-locale"  # a former id is the record's current one
    assert resp.headers["Location"] == f"/selection?ids=sanctuaire-foncier,{expected}&utm_campaign=lettre"


def test_a_record_already_chosen_is_kept_once(site: FlaskClient) -> None:
    resp = site.get("/selection?ids=pass-foncier,ancien-pass-foncier&ajouter=pass-foncier")
    assert resp.headers["Location"] == "/selection?ids=pass-foncier"


def test_the_page_s_own_search_offers_records_to_add_without_javascript(site: FlaskClient) -> None:
    page = site.get("/selection?ids=pass-foncier&q=foncier").get_data(as_text=True)
    offered = re.search(r'<ul class="selection-offered".*?</ul>', page, re.S).group(0)
    assert "Sanctuariser le foncier industriel" in offered and 'href="/selection?ids=pass-foncier,sanctuaire-foncier"' in offered
    assert "déjà dans la sélection" in offered  # pass-foncier is found too, and not offered twice
    assert "/documents/" not in offered and "/axes/" not in offered  # only records that have a card
    nothing = site.get("/selection?q=zzzyxw").get_data(as_text=True)
    assert "Aucune proposition ni action régionale ne correspond" in nothing


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("inconnue", "Aucune fiche «\u202finconnue\u202f» dans la base."),
        ("foncier-essai", "«\u202ffoncier-essai\u202f» est une fiche axe\u202f: seules les propositions"),
        ("<script>alert(1)</script>", "«\u202f&lt;script&gt;alert(1)&lt;/script&gt;\u202f» n’est pas l’identifiant"),
        ("x" * 300, "n’est pas l’identifiant"),
        ("../../etc/passwd", "n’est pas l’identifiant"),
        ("\u0000\u202e€", "n’est pas l’identifiant"),
    ],
)
def test_bad_ids_give_a_french_message_and_the_rest_of_the_selection(site: FlaskClient, ids: str, message: str) -> None:
    resp = site.get("/selection", query_string={"ids": f"pass-foncier,{ids}"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in page
    assert "<script>alert" not in page and "x" * 60 not in page  # inert, and cut
    assert ids_on(page) == ["pass-foncier"] and 'href="/selection?ids=pass-foncier">Garder la sélection sans elles' in page
    block = site.get("/selection/carte.txt", query_string={"ids": f"pass-foncier,{ids}"})
    assert block.status_code == 400 and message.split("\u202f")[-1][:20] in block.get_data(as_text=True)


def test_empty_and_separator_only_addresses_are_an_empty_selection(site: FlaskClient) -> None:
    for query in ("", "?ids=", "?ids=,,,%20,"):
        page = site.get("/selection" + query).get_data(as_text=True)
        assert "Aucune fiche pour l’instant" in page and "selection-problems" not in page
    empty = site.get("/selection/carte.md?ids=")
    assert empty.status_code == 400 and "La sélection est vide" in empty.get_data(as_text=True)


def test_a_selection_is_capped_and_says_so(site: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selection, "MAX_RECORDS", 2)
    monkeypatch.setattr(selection_web, "MAX_RECORDS", 2)
    page = site.get(ADDRESS + "&utm_campaign=plafond").get_data(as_text=True)  # an address no other test asked (page cache)
    assert ids_on(page) == CHOSEN[:2]
    assert "Une sélection compte au plus 2 fiches\u202f: 1 laissée de côté (pass-foncier)." in page
    assert "son maximum" in page and 'name="ajouter"' not in page  # full: nothing more to add
    assert site.get(ADDRESS.replace("/selection", "/selection/carte") + "&utm_campaign=plafond").status_code == 400
    assert len(selection.pieces(["a," * 5000])) == selection.MAX_PIECES  # a hostile address is not read to its end


@pytest.mark.parametrize("variant", ["carte", "carte.txt", "carte.md"])
def test_the_block_is_the_single_cards_in_the_chosen_order(site: FlaskClient, variant: str) -> None:
    block = site.get(f"/selection/{variant}?ids=" + ",".join(CHOSEN)).get_data(as_text=True)
    singles = []
    for rid in CHOSEN:
        path = f"/actions/{rid}" if rid.startswith("action") else f"/propositions/{rid}"
        single = site.get(f"{path}/{variant}").get_data(as_text=True)
        singles.append(body_of(single) if variant == "carte" else single.strip())
    # The same rendering as each record's own card, one after the other, in the order of the address.
    positions = [block.index(s) for s in singles]
    assert positions == sorted(positions)


def test_the_html_block_is_an_email_safe_french_document(site: FlaskClient) -> None:
    doc = site.get("/selection/carte?ids=" + ",".join(CHOSEN)).get_data(as_text=True)
    parsed = parse_html(doc)
    assert doc.startswith("<!doctype html>") and parsed.lang == "fr"
    assert parsed.title == french("Ma sélection — 3 fiches pour la newsletter")
    assert email_safe_problems(body_of(doc)) == []
    assert faults(parsed.text) == [] and LAW in parsed.text and ARTICLE in parsed.text  # never doubled guillemets
    assert parsed.text.count("Mesure phare") == 2


@pytest.mark.parametrize("variant", ["carte.txt", "carte.md"])
def test_text_and_markdown_blocks_are_typeset(site: FlaskClient, variant: str) -> None:
    out = site.get(f"/selection/{variant}?ids=" + ",".join(CHOSEN)).get_data(as_text=True)
    text = parse_html(MarkdownIt("commonmark").render(out)).text if variant == "carte.md" else out
    assert faults(text) == [] and LAW in text and ARTICLE in text
    if variant == "carte.md":
        assert MarkdownIt("commonmark").render(out).count("<hr />") == 2  # a break between cards, never a heading


def test_campaign_tags_go_on_every_link_of_the_block_and_stay_in_the_page(site: FlaskClient) -> None:
    for variant in ("carte", "carte.txt", "carte.md"):
        out = site.get(f"/selection/{variant}?ids=pass-foncier,implantation-normandie&utm_campaign=lettre-decembre").get_data(as_text=True)
        links = [u.replace("&amp;", "&") for u in re.findall(r"https://kb\.example\.org/[^\s\"')]+", out)]
        assert links and all(u.endswith("?utm_source=newsletter&utm_medium=email&utm_campaign=lettre-decembre") for u in links), variant
    page = site.get("/selection?ids=pass-foncier&utm_campaign=lettre-decembre").get_data(as_text=True)
    assert 'href="/selection/carte?ids=pass-foncier&amp;utm_campaign=lettre-decembre"' in page
    assert '<input type="hidden" name="utm_campaign" value="lettre-decembre">' in page


def test_lists_and_record_pages_offer_to_add_records_that_have_a_card(site: FlaskClient) -> None:
    results = site.get("/recherche?q=foncier").get_data(as_text=True)
    assert 'href="/selection?ajouter=pass-foncier" data-select="pass-foncier"' in results
    assert "ajouter=foncier-essai" not in results and "ajouter=livre-essai" not in results  # an axis, a document: no card
    for path in ("/propositions/pass-foncier", "/actions/implantation-normandie"):
        rid = path.rpartition("/")[2]
        assert f'href="/selection?ajouter={rid}" data-select="{rid}"' in site.get(path).get_data(as_text=True), path
    axis = site.get("/axes/foncier-essai").get_data(as_text=True)
    assert "ajouter=pass-foncier" in axis
    about = site.get("/a-propos").get_data(as_text=True)
    assert '<a href="/selection">Ma sélection</a>' in about  # every page's footer leads to it
    # The script that carries the selection into the links loads where there are links, and only there.
    assert "/static/selection.js" in results and "/static/selection.js" not in about
    # Another page listing the same record replays its kept fragment, link included: the script still loads.
    again = site.get("/recherche?q=foncier&tri=date").get_data(as_text=True)
    assert 'data-select="pass-foncier"' in again and "/static/selection.js" in again
