"""Typography set once (kb.web.typesetting) shows exactly what the pass over each response showed until issue 28.

Every page type of the test corpus and of the shipped content is rendered twice: by the site as it is, and by the
site with its templates untypeset and the former response-wide pass (below, as it was) over each HTML answer. The
two must be equal byte for byte, preview mode, error pages and searches that print what the reader typed included.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient
from jinja2 import Environment

from kb import create_app
from kb.content.typography import APOSTROPHE, NARROW, french_html
from kb.content.urls import is_card
from kb.web import typesetting
from tests.support.corpora import Built

# Searches whose pages print typed text, numbers, dates and punctuation next to the page's own words.
QUERIES = ["", "l'industrie", "foncier", "« pass foncier »", "225 000", "PMI ?", "fonceir", "zzzz introuvable", "l'implantation : 10 %",
           "28 janvier 2026", "n° 217", "https://exemple.fr/l'x", "<b>gras</b> & co", "  espaces   autour  ", "; : ! ?", "«", "»"]
SEARCH_VARIANTS = ["", "&tri=date", "&type=proposition", "&type=action", "&page=2"]


def response_pass(response: Response) -> Response:
    """The former typography: French rules over the text of every HTML answer, after its view rendered it."""
    if response.mimetype != "text/html" or response.direct_passthrough or is_card(request.path):
        return response
    response.set_data(french_html(response.get_data(as_text=True)))
    return response


def reference_app(config: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The site as it was: templates not typeset, the response-wide pass instead."""
    with monkeypatch.context() as patch:
        patch.setattr(typesetting, "install", lambda env: None)
        app = create_app(config)
    app.after_request(response_pass)
    return app


def site_paths(client: FlaskClient) -> Iterator[str]:
    """Every page type: the sitemap's pages (records, browse and index pages), searches, API and data pages, errors."""
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for url in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        yield urllib.parse.urlsplit(url).path
    for q in QUERIES:
        for variant in SEARCH_VARIANTS:
            yield f"/recherche?q={urllib.parse.quote(q)}{variant}"
    yield from ["/tableau-de-bord", "/api", "/donnees", "/comparer?axe=inconnu", "/page-inconnue", "/recherche?page=abc",
                "/recherche?statut=inconnu", "/propositions/inexistante"]


def compare(new: Flask, old: Flask, paths: list[str]) -> list[str]:
    """The paths whose answers differ between the two apps (status, type or body)."""
    a, b = new.test_client(), old.test_client()
    differ = []
    for path in paths:
        x, y = a.get(path), b.get(path)
        if (x.status_code, x.mimetype, x.get_data()) != (y.status_code, y.mimetype, y.get_data()):
            differ.append(path)
    return differ


def _every_path(app: Flask) -> list[str]:
    client = app.test_client()
    paths = list(dict.fromkeys(site_paths(client)))
    # Record pages with a newsletter campaign (the share block prints it in the text).
    record = next(p for p in paths if p.startswith("/propositions/"))
    return [*paths, f"{record}?utm_campaign=lettre%20d%27avril%20%3A%202026", f"{record}?utm_campaign=%C2%AB%20x%20%C2%BB"]


@pytest.mark.parametrize("drafts", [False, True], ids=["public", "preview"])
def test_typeset_pages_equal_the_response_pass_on_the_test_corpus(built: Built, monkeypatch: pytest.MonkeyPatch, drafts: bool) -> None:
    config = built.config(PAGE_CACHE=False, SHOW_DRAFTS=drafts)
    new, old = create_app(config), reference_app(config, monkeypatch)
    paths = _every_path(new)
    assert len(paths) > 100
    assert compare(new, old, paths) == []


def test_typeset_pages_equal_the_response_pass_on_the_shipped_content(shipped_built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    config = shipped_built.config(PAGE_CACHE=False)
    new, old = create_app(config), reference_app(config, monkeypatch)
    paths = _every_path(new)
    assert compare(new, old, paths) == []


def test_the_comparison_sees_a_typography_difference(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    """The equality above is not vacuous: one rule changed in the templates' typesetting shows on the pages."""
    config = built.config(PAGE_CACHE=False)
    old = reference_app(config, monkeypatch)
    monkeypatch.setattr(typesetting, "french", lambda text: text.replace("'", APOSTROPHE))  # guillemets left plain
    new = create_app(config)
    assert "/recherche?q=%C2%AB%20pass%20foncier%20%C2%BB" in compare(new, old, _every_path(new))


def test_values_in_attributes_and_code_are_left_as_typed(uncached_app: Flask) -> None:
    page = uncached_app.test_client().get("/recherche", query_string={"q": "l'industrie : « x »"}).get_data(as_text=True)
    assert 'value="l&#39;industrie : « x »"' in page
    assert f">Recherche{NARROW}: l{APOSTROPHE}industrie{NARROW}: «{NARROW}x{NARROW}»</h1>" in page


def test_a_template_typesets_its_text_once_and_each_run_as_a_whole() -> None:
    env = Environment(autoescape=True)
    typesetting.install(env)
    template = env.from_string(
        "<p title=\"l'a : b\">L'axe : « {{ q }} »</p><pre>l'a : {{ q }}</pre><code>{{ q }}</code><!-- l'a : {{ q }} -->"
        "<p>{% if n %}{{ n }} 000{% endif %} {{ m }}</p>"
    )
    out = template.render(q="l'x ?", n=225, m="l'y")
    assert out == (
        f"<p title=\"l'a : b\">L{APOSTROPHE}axe{NARROW}: «{NARROW}l{APOSTROPHE}x{NARROW}?{NARROW}»</p><pre>l'a : l&#39;x ?</pre>"
        f"<code>l&#39;x ?</code><!-- l'a : l&#39;x ? --><p>225\u00a0000 l{APOSTROPHE}y</p>"
    )


def test_a_run_is_printed_as_the_filter_returns_it_and_values_are_still_escaped() -> None:
    env = Environment(autoescape=True)
    typesetting.install(env)
    source = "<p>Vu : {{ q }}</p><p>{{ q }}</p>{% autoescape false %}<p>{{ q }}</p>{% endautoescape %}"
    # The run filter's answer is Markup, escaped and typeset: Jinja does not escape (copy) it once more.
    code = env.compile(source, raw=True)
    assert "escape(t_1(" not in code and code.count("(t_1(") == 3
    out = env.from_string(source).render(q="<script>l'x</script>")
    assert out == (f"<p>Vu{NARROW}: &lt;script&gt;l{APOSTROPHE}x&lt;/script&gt;</p><p>&lt;script&gt;l{APOSTROPHE}x&lt;/script&gt;</p>"
                   f"<p>&lt;script&gt;l{APOSTROPHE}x&lt;/script&gt;</p>")
