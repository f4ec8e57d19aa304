"""Content that tries to inject is accepted by kb build and rendered inert on every surface the app serves."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markdown_it import MarkdownIt

from kb import create_app
from tests.support.corpora import VALID, Built

KB = Path(sys.executable).parent / "kb"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"
DATA = "data:text/html,<script>alert(1)</script>"

PROPOSAL = f"""title: '{SCRIPT} Injection {IMG}'
summary: '{IMG} {JS} <a href="{JS}">lien</a>'
body: |
  {SCRIPT}

  {IMG}

  <a href="{JS}">brut</a> [lien]({JS}) [donnees]({DATA}) <iframe src="{JS}"></iframe>

  <svg onload=alert(1)></svg> <b style="color:red" onclick="alert(1)">gras</b>
document: livre-essai
axis: foncier-essai
status: proposee
status_history:
  - date: 2025-11-17
    status: proposee
    note: '{SCRIPT}'
    source: livre-essai
tags: ['{SCRIPT}', '"><svg onload=alert(1)>']
sources:
  - url: '{JS}'
    quote: '{SCRIPT} {IMG}'
  - url: '{DATA}'
  - document: livre-essai
    quote: '</blockquote>{SCRIPT}'
    page: '{IMG}'
published: 2025-11-18
updated: 2025-11-30
"""
FORMULAS = """title: '=HYPERLINK("http://exemple.test/x","Cliquez")'
summary: '+cmd|'' /C calc''!A0'
document: livre-essai
axis: foncier-essai
status: proposee
tags: ['@SUM(1+1)', '-2+3', '=1+1']
sources:
  - url: https://exemple.test/formule
    quote: '=1+2'
published: 2025-11-18
updated: 2025-11-29
"""
ACTION = f"""title: '{SCRIPT} Action {IMG}'
summary: '{IMG} {JS}'
body: '[clic]({JS}) {SCRIPT} <img src=x onerror=alert(1)>'
region: normandie
organisation: injection-org
sectors: [automobile]
proposals: [injection-html]
status: en-cours
partners: ['{SCRIPT}', '=cmd()', '<a href="{JS}">Partenaire</a>']
sources:
  - url: '{JS}'
    quote: '{IMG}'
published: 2025-11-20
updated: 2025-11-28
"""
DOCUMENT = f"""title: '{SCRIPT} Document {IMG}'
publisher: '{IMG}'
kind: rapport
published: 2025-11
url: '{JS}'
summary: '{SCRIPT}'
body: '[x]({DATA}) {SCRIPT}'
organisations: [injection-org]
sources:
  - url: '{DATA}'
    quote: '{SCRIPT}'
"""
ORGANISATION = f"""name: '{SCRIPT} Organisation {IMG}'
short_name: '{IMG}'
kind: collectif
url: '{JS}'
summary: '{SCRIPT} {IMG}'
body: '[x]({JS}) {SCRIPT}'
sources:
  - url: '{DATA}'
    quote: '{SCRIPT}'
"""
FILES = {
    "proposals/injection-html.yaml": PROPOSAL,
    "proposals/injection-formule.yaml": FORMULAS,
    "actions/injection-action.yaml": ACTION,
    "documents/injection-doc.yaml": DOCUMENT,
    "organisations/injection-org.yaml": ORGANISATION,
    # A draft: only the staff preview (KB_SHOW_DRAFTS=1) shows it, marked « Brouillon ».
    "proposals/injection-brouillon.yaml": PROPOSAL.replace("Injection", "Brouillonpiege") + "draft: true\n",
}
IDS = {"propositions": "injection-html", "actions": "injection-action", "documents": "injection-doc", "axes": "foncier-essai",
       "organisations": "injection-org"}
IDS |= {"filieres": "automobile", "regions": "normandie"}
API_IDS = {"proposals": "injection-html", "actions": "injection-action", "documents": "injection-doc", "axes": "foncier-essai",
           "organisations": "injection-org"}
API_IDS |= {"sectors": "automobile", "regions": "normandie"}
# Routes that answer with images, not text that a browser, a feed reader or a spreadsheet interprets.
BINARY = ("apercu.png", "favicon.ico", "apple-touch-icon.png")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus plus records full of injection attempts, built with the real ``kb build``."""
    dest = tmp_path_factory.mktemp("injection")
    data = dest / "content"
    shutil.copytree(VALID, data)
    for rel, text in FILES.items():
        (data / rel).write_text(text, "utf-8")
    built = Built(data, f"sqlite:///{dest / 'kb.sqlite'}", dest / "index")
    checked = subprocess.run([str(KB), "check", "--data", str(data)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "warning" in checked.stdout + checked.stderr  # javascript:/data: addresses are flagged, not refused
    cmd = [str(KB), "build", "--data", str(data), "--index", str(built.index_dir), "--database", built.database_url]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return built


@pytest.fixture(scope="module")
def app(hostile: Built) -> Iterator[Flask]:
    """The app over the hostile corpus."""
    yield create_app(hostile.config(SITE_URL="http://kb.exemple.test"))


class _Inert(HTMLParser):
    """Collects everything in an HTML text that a browser would run or follow into script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "script" and not values.get("src", "").startswith("/static/"):
            self.problems.append(f"<script> {values}")
        # The one frame a page may hold is the preview of its own newsletter card (a same-site page with no script).
        src = values.get("src", "")
        own_card = tag == "iframe" and bool(re.fullmatch(r"/(propositions|actions)/[a-z0-9-]+/carte(\?utm_campaign=\S*)?", src)
                                            or re.fullmatch(r"/selection/carte\?ids=[a-z0-9,-]+(&utm_campaign=\S*)?", src))
        if tag in ("iframe", "object", "embed", "base", "frame") and not own_card:
            self.problems.append(f"<{tag}>")
        if tag == "img" and values.get("src") == "x":
            self.problems.append("<img src=x> from content")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            link = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset") and link.startswith(
                ("javascript:", "vbscript:", "data:text")
            ):
                self.problems.append(f"{tag} {name}={value[:40]}")


def inert_html(text: str) -> list[str]:
    """What in an HTML text would run: should be nothing."""
    parser = _Inert()
    parser.feed(text)
    parser.close()
    return parser.problems


def inert_markdown(text: str) -> list[str]:
    """Markdown is HTML to the tool that renders it (raw HTML allowed, as many do): check that HTML."""
    # Some renderers do not refuse script links the way markdown-it does: look for them in the source too.
    links = re.findall(r"\]\(\s*<?\s*(?:javascript|data|vbscript):", text, re.I)
    return inert_html(MarkdownIt("commonmark", {"html": True}).render(text)) + links


def inert_csv(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def inert_atom(text: str) -> list[str]:
    """Feed readers render type="html" text as HTML: check it like a page; no element may be a script."""
    problems: list[str] = []
    root = ET.fromstring(text.encode("utf-8"))
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "script":
            problems.append("<script> element")
        if el.get("type") == "html" and el.text:
            problems += inert_html(el.text)
        if el.get("type") == "xhtml":
            problems += inert_html(ET.tostring(el, encoding="unicode"))
        href = el.get("href", "")
        if href.lower().startswith(("javascript:", "data:")):
            problems.append(f"link href={href[:40]}")
    return problems


def _urls(app: Flask) -> tuple[list[str], list[str]]:
    """One URL per GET route and per choice of its fixed parts, ids taken from the hostile corpus; and the routes left out."""
    urls, unfilled = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments - set(rule.defaults or {}))
        choices: dict[str, list[str]] = {n: sorted(c.items) for n, c in rule._converters.items() if hasattr(c, "items") and n in names}
        if set(names) - set(choices) - {"record_id"}:
            unfilled.append(rule.rule)
            continue
        for combo in itertools.product(*choices.values()):
            values = dict(zip(choices, combo, strict=True))
            head = rule.rule.strip("/").split("/")
            kind = values.get("prefix") or (head[2] if head[0] == "api" and len(head) > 2 else head[0])
            ids = API_IDS if head[0] == "api" else IDS
            if "record_id" in names:
                if kind not in ids:
                    unfilled.append(rule.rule)
                    continue
                values["record_id"] = ids[kind]
            url = rule.rule
            for name, value in values.items():
                url = re.sub(rf"<[^<>]*:{name}>|<{name}>", value, url)
            urls.append(url)
    return sorted(set(urls)), unfilled


def _extra(app: Flask) -> list[str]:
    """Query-driven surfaces: searches, their feeds and oEmbed for the hostile records."""
    site = app.config["SITE_URL"]
    rules = {r.rule for r in app.url_map.iter_rules()}
    out = [f"/recherche?q={q}" for q in ("alert", "script", "injection", "hyperlink", "")]
    out += [f"/api/v1/search?q={q}" for q in ("alert", "injection")] if "/api/v1/search" in rules else []
    out += [f"/recherche.atom?q={q}" for q in ("alert", "injection")] if "/recherche.atom" in rules else []
    if "/oembed" in rules:
        out += [f"/oembed?format=json&url={site}/{kind}/{IDS[kind]}" for kind in ("propositions", "actions")]
    if "/selection" in rules:  # the hostile records in a selection, and hostile strings as its ids
        chosen = f"ids={IDS['propositions']},{IDS['actions']}"
        out += [f"/selection?{chosen}", f"/selection?{chosen}&q=injection", f"/selection?ids=%3Cscript%3E,{IDS['propositions']}"]
        out += [f"/selection/{variant}?{chosen}" for variant in ("carte", "carte.txt", "carte.md")]
    return out


def check_answer(client: FlaskClient, url: str) -> tuple[int, str, list[str]]:
    """GET a URL; return its status, content type and what in it is not inert."""
    resp = client.get(url)
    ctype = resp.mimetype
    if ctype.startswith("image/") and url.endswith(BINARY):
        return resp.status_code, ctype, []  # pixels: the hostile text is drawn, never interpreted
    text = resp.get_data(as_text=True)
    if resp.status_code != 200:
        return resp.status_code, ctype, inert_html(text) if ctype == "text/html" else []
    if ctype == "text/html":
        problems = inert_html(text)
    elif ctype == "application/json":
        data = json.loads(text)
        # JSON is data; it only turns into HTML where a consumer embeds oEmbed's « html ».
        problems = inert_html(data["html"]) if isinstance(data, dict) and isinstance(data.get("html"), str) else []
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    elif ctype in ("application/atom+xml", "application/xml", "text/xml", "application/rss+xml"):
        problems = inert_atom(text)
    elif ctype == "text/csv":
        problems = inert_csv(text)
    elif ctype == "text/markdown":
        problems = inert_markdown(text)
    elif ctype == "text/plain":
        problems = []  # plain text is shown as typed; nothing interprets it
    else:
        problems = [f"unexpected content type {ctype}"]
    return resp.status_code, ctype, problems


@pytest.mark.parametrize("preview", [False, True], ids=["public", "preview"])
def test_injection_is_inert_on_every_surface(hostile: Built, preview: bool) -> None:
    app = create_app(hostile.config(SITE_URL="http://kb.exemple.test", SHOW_DRAFTS=preview))
    client = app.test_client()
    urls, unfilled = _urls(app)
    assert unfilled == [], f"routes the injection test cannot fill in yet: {unfilled}"
    covered: dict[str, str] = {}
    failures: dict[str, list[str]] = {}
    for url in urls + _extra(app):
        status, ctype, problems = check_answer(client, url)
        assert status < 500, f"{url}: HTTP {status}"
        if status == 200:
            covered[url] = ctype
        if problems:
            failures[url] = problems
    assert failures == {}
    # The surfaces that matter are reached with the hostile records in them.
    for needed in ("/propositions/injection-html", "/actions/injection-action", "/documents/injection-doc", "/recherche?q=alert"):
        assert needed in covered, f"{needed} not served"
    page = client.get("/propositions/injection-html").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, escaped
    # The hostile draft is checked too where it is shown (preview), and shown nowhere otherwise.
    assert (client.get("/propositions/injection-brouillon").status_code == 200) is preview
    assert ("Brouillonpiege" in client.get("/recherche?q=brouillonpiege").get_data(as_text=True)) is preview
    print("\ncovered:", json.dumps(covered, indent=1))


class _Inline(HTMLParser):
    """Collects what a page's CSP (style-src 'self'; script-src 'self') would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values:
            self.found.append(f"<{tag} style=…>")
        if tag == "style" or (tag == "script" and not values.get("src")):
            self.found.append(f"inline <{tag}>")


def test_pages_have_nothing_inline_that_the_csp_would_block(app: Flask) -> None:
    client = app.test_client()
    urls, _unfilled = _urls(app)
    blocked: dict[str, list[str]] = {}
    pages = 0
    for url in urls + _extra(app):
        resp = client.get(url)
        if resp.mimetype != "text/html" or urlsplit(url).path.endswith("/carte"):  # cards have their own CSP: inline styles allowed
            continue
        pages += 1
        parser = _Inline()
        parser.feed(resp.get_data(as_text=True))
        if parser.found:
            blocked[url] = sorted(set(parser.found))
    assert pages >= 5
    assert blocked == {}


def test_csv_exports_neutralise_formulas(app: Flask) -> None:
    client = app.test_client()
    exports = [r.rule for r in app.url_map.iter_rules() if r.rule.endswith(".csv")]
    assert exports, "no CSV export"
    for url in exports:
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        text = resp.get_data(as_text=True)
        assert inert_csv(text) == []
        if "proposals" in url:
            assert "HYPERLINK" in text  # the hostile record is there, neutralised


def test_api_json_is_data_not_html(app: Flask) -> None:
    client = app.test_client()
    resp = client.get("/api/v1/proposals/injection-html")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.json["title"].startswith(SCRIPT)  # the data as written, for the consumer to escape


def test_inert_checker_catches_live_markup() -> None:
    # The checker itself must see what a browser would run, or the tests above prove nothing.
    assert inert_html(f"<p>{SCRIPT}</p>")
    assert inert_html(f'<a href="{JS}">x</a>') and inert_html('<a href=" JaVa\tscript:alert(1)">x</a>')
    assert inert_html(IMG) and inert_html('<iframe src="/x"></iframe>') and inert_html(f'<a href="{DATA}">x</a>')
    assert inert_html('<script src="/static/share.js" defer></script><img src="data:image/png;base64,AA">') == []
    assert inert_csv('a,b\r\n"=1+1",x\r\n') == ["=1+1"] and inert_csv("a,'=1+1\r\n") == []
    escaped = SCRIPT.replace("<", "&lt;")
    assert inert_markdown(f"[x]({JS})") and inert_atom(f'<feed><entry><summary type="html">{escaped}</summary></entry></feed>')
