"""Drafts (`draft: true`): warnings per missing field, strict fails, hidden from every public surface, shown in preview."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import event
from sqlmodel import Session
from werkzeug.exceptions import MethodNotAllowed, NotFound

from kb import create_app
from kb.cli import main
from kb.config import truthy
from kb.content import check
from kb.content.drafts import UNDATED
from kb.store import make_engine
from kb.store.reader import Reader
from kb.store.tables import Action, Proposal
from tests.support.corpora import VALID, Built, build_corpus

DRAFT = "brouillon-zorglub"
DRAFT_ALIAS = "ancien-zorglub"  # a former id of the draft: answering it would name the draft
DRAFT_ACTION = "action-brouillon-zorglub"
WORD = "zorglub"  # in nothing but the drafts

DRAFT_YAML = f"""\
# Brouillon importé : champs à compléter.
title: "Mesure {WORD} pour le foncier"
body: |
  Texte {WORD} encore à relire.
document: livre-essai
axis: foncier-essai
sectors: [automobile]
related: [pass-foncier]
status_history:
  - date: 2026-01-05
    status: en-discussion
    source: livre-essai
sources:
  - document: livre-essai
    page: 4
aliases: [{DRAFT_ALIAS}]
draft: true
"""

DRAFT_ACTION_YAML = f"""\
title: "Action {WORD} en Normandie"
region: normandie
sectors: [automobile]
proposals: [pass-foncier]
sources:
  - url: https://example.org/{WORD}
draft: true
"""


def _with_drafts(dest: Path) -> Path:
    src = dest / "src"
    shutil.copytree(VALID, src)
    (src / "proposals" / f"{DRAFT}.yaml").write_text(DRAFT_YAML, "utf-8")
    (src / "actions" / f"{DRAFT_ACTION}.yaml").write_text(DRAFT_ACTION_YAML, "utf-8")
    return src


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus plus a draft proposal and a draft action, built once."""
    dest = tmp_path_factory.mktemp("drafted")
    return build_corpus(_with_drafts(dest), dest / "build")


@pytest.fixture
def public(drafted: Built) -> Iterator[Flask]:
    yield create_app(drafted.config())


@pytest.fixture
def preview(drafted: Built, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # As staff would start it: KB_SHOW_DRAFTS=1 in the environment (read as JSON: the int 1).
    monkeypatch.setenv("KB_SHOW_DRAFTS", "1")
    yield create_app(drafted.config())


def test_missing_fields_are_warnings_at_the_mapping_line(tmp_path: Path) -> None:
    src = _with_drafts(tmp_path)
    _corpus, problems = check(src)
    mine = [p for p in problems if Path(p.path).stem == DRAFT]
    assert [(p.line, p.level, p.message) for p in mine] == [
        (2, "warning", "brouillon : champ « published » à compléter"),
        (2, "warning", "brouillon : champ « status » à compléter"),
        (2, "warning", "brouillon : champ « summary » à compléter"),
        (2, "warning", "brouillon : champ « updated » à compléter"),
    ]
    action = sorted(p.message for p in problems if Path(p.path).stem == DRAFT_ACTION)
    assert action == [f"brouillon : champ « {f} » à compléter" for f in ("organisation", "published", "status", "summary", "updated")]
    assert all(p.level == "warning" for p in problems)


def test_check_accepts_drafts_strict_too_but_not_their_other_warnings(tmp_path: Path) -> None:
    # Drafts may be committed (never public): their to-dos never block, --strict included; what else a draft says does.
    src = _with_drafts(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--data", str(src)])
    assert result.exit_code == 0, result.output
    assert f"{DRAFT}.yaml:2: warning: brouillon : champ « summary » à compléter" in result.output
    assert runner.invoke(main, ["check", "--data", str(src), "--strict"]).exit_code == 0
    path = src / "actions" / f"{DRAFT_ACTION}.yaml"
    path.write_text(DRAFT_ACTION_YAML.replace(f"https://example.org/{WORD}", "https://example.org"), "utf-8")
    strict = runner.invoke(main, ["check", "--data", str(src), "--strict"])
    assert strict.exit_code == 1
    assert f"{DRAFT_ACTION}.yaml:6: warning: adresse sans chemin « https://example.org »" in strict.output
    assert strict.output.splitlines()[-2:] == [
        "17 fichiers vérifiés : 0 erreur, 10 avertissements (dont 9 « à compléter » de brouillons, qui ne bloquent pas).",
        "Échec avec --strict : l'avertissement ci-dessus fait échouer la vérification.",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("colour: bleu", "clé inconnue « colour »"),
        ("horizon: bientot", "valeur « bientot » invalide pour « horizon »"),
        ("flagship: [oui]", "« flagship »"),
        ("regions: [atlantide]", "région « atlantide » introuvable"),
    ],
)
def test_other_problems_of_a_draft_stay_errors(tmp_path: Path, line: str, message: str) -> None:
    src = _with_drafts(tmp_path)
    path = src / "proposals" / f"{DRAFT}.yaml"
    path.write_text(DRAFT_YAML + line + "\n", "utf-8")
    _corpus, problems = check(src)
    errors = [p for p in problems if p.level == "error"]
    assert errors and all(Path(p.path).stem == DRAFT for p in errors)
    assert any(message in p.message for p in errors), errors
    assert errors[0].line == DRAFT_YAML.count("\n") + 1


def test_build_stores_drafts_with_display_defaults(drafted: Built) -> None:
    engine = make_engine(drafted.database_url)
    with Session(engine) as session:
        prop = session.get(Proposal, DRAFT)
        action = session.get(Action, DRAFT_ACTION)
    engine.dispose()
    # Nothing its file does not say: no status, no update date (the earliest date, which no page shows).
    assert prop is not None and prop.draft and prop.summary == "" and prop.status == "" and prop.updated == UNDATED
    assert prop.title == f"Mesure {WORD} pour le foncier" and prop.sources[0]["page"] == 4
    assert action is not None and action.draft and action.status == "" and action.published == ""


# Every public surface: lists and pages that could mention a draft, and the drafts' own URLs.
LISTINGS = [
    "/",
    "/recherche",
    f"/recherche?q={WORD}",
    f"/recherche?q={DRAFT}",
    "/recherche?type=proposition&document=livre-essai&axe=foncier-essai",
    "/documents/livre-essai",
    "/axes/foncier-essai",
    "/filieres/automobile",
    "/regions/normandie",
    "/propositions/pass-foncier",
    "/actions/implantation-normandie",
    "/tableau-de-bord",
    "/sitemap.xml",
    "/flux.atom",
    f"/recherche.atom?q={WORD}",
    "/axes/foncier-essai/flux.atom",
    "/documents/livre-essai/flux.atom",
    "/regions/normandie/flux.atom",
    "/api/v1/proposals",
    "/api/v1/actions",
    f"/api/v1/search?q={WORD}",
    "/api/v1/proposals/pass-foncier",
    "/api/v1/documents/livre-essai",
    "/api/v1/axes/foncier-essai",
    "/api/v1/regions/normandie",
    "/api/v1/export/kb.json",
    "/api/v1/export/proposals.csv",
    "/api/v1/export/actions.csv",
    "/propositions/pass-foncier/carte",
    "/propositions/pass-foncier/carte.txt",
]
DRAFT_URLS = [
    f"/propositions/{DRAFT}",
    f"/actions/{DRAFT_ACTION}",
    f"/propositions/{DRAFT}/carte",
    f"/propositions/{DRAFT}/carte.txt",
    f"/propositions/{DRAFT}/carte.md",
    f"/propositions/{DRAFT}/apercu.png",
    f"/actions/{DRAFT_ACTION}/carte",
    f"/api/v1/proposals/{DRAFT}",
    f"/api/v1/actions/{DRAFT_ACTION}",
    f"/oembed?url=http://localhost/propositions/{DRAFT}",
    f"/propositions/{DRAFT_ALIAS}",
    f"/propositions/{DRAFT_ALIAS}/carte",
    f"/propositions/{DRAFT_ALIAS}/apercu.png",
    f"/api/v1/proposals/{DRAFT_ALIAS}",
    f"/oembed?url=http://localhost/propositions/{DRAFT_ALIAS}",
]
MARKERS = [f"mesure {WORD}", f"action {WORD}", f"texte {WORD}", f"/propositions/{DRAFT}", f"/actions/{DRAFT_ACTION}"]
# The surfaces this test must reach (others are checked when their route exists).
REQUIRED = ["/propositions/", "/recherche", "/sitemap.xml", "/tableau-de-bord"]


def _routed(app: Flask, url: str) -> bool:
    try:
        app.url_map.bind("localhost").match(url.split("?")[0])
    except NotFound:
        return False
    except MethodNotAllowed:
        return True
    return True


def test_public_surfaces_never_show_drafts(public: Flask) -> None:
    client = public.test_client()
    covered = []
    for url in LISTINGS:
        if not _routed(public, url):
            continue
        resp = client.get(url)
        assert resp.status_code == 200, url
        text = resp.get_data(as_text=True)
        # A search page echoes its query: there only the drafts' titles, texts and URLs must not show.
        words = [w for w in (WORD, DRAFT, DRAFT_ACTION) if w not in url] + MARKERS
        assert not [w for w in words if w in text.lower()], url
        covered.append(url)
    for url in DRAFT_URLS:
        if not _routed(public, url):
            continue
        resp = client.get(url)
        assert resp.status_code == 404, url
        text = resp.get_data(as_text=True).lower()
        assert not [w for w in MARKERS[:3] if w in text], url  # the 404 page may echo the URL, never the draft
        covered.append(url)
    assert all(any(u.startswith(r) for u in covered) for r in REQUIRED), covered
    assert len(covered) >= len(REQUIRED)


def test_a_near_miss_of_a_draft_s_address_never_suggests_the_draft(public: Flask, preview: Flask) -> None:
    near = f"/propositions/{DRAFT[:-1]}"  # one letter short of the draft's id
    text = public.test_client().get(near).get_data(as_text=True)
    assert f'href="/propositions/{DRAFT}"' not in text and WORD not in text.lower()
    assert f'href="/propositions/{DRAFT}"' in preview.test_client().get(near).get_data(as_text=True)  # staff see it


# For routes found in the app: which record ids to put in them, by the path's prefix (public id, draft id or None).
ROUTE_IDS = {
    "propositions": ("pass-foncier", DRAFT),
    "proposals": ("pass-foncier", DRAFT),
    "actions": ("implantation-normandie", DRAFT_ACTION),
    "documents": ("livre-essai", None),
    "axes": ("foncier-essai", None),
    "filieres": ("automobile", None),
    "sectors": ("automobile", None),
    "regions": ("normandie", None),
}
_ARG_RE = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def _route_urls(app: Flask) -> list[tuple[str, bool]]:
    """Every GET route of the app made concrete: (url, is the URL of a draft)."""
    out: list[tuple[str, bool]] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        choices = {name: sorted(getattr(conv, "items", ())) for name, conv in rule._converters.items() if getattr(conv, "items", None)}
        combos: list[dict[str, str]] = [{}]
        for name, values in choices.items():
            combos = [{**c, name: v} for c in combos for v in values]
        for combo in combos:
            url = _ARG_RE.sub(lambda m, c=combo: c.get(m.group(1), "{" + m.group(1) + "}"), rule.rule)
            if "{record_id}" not in url:
                out.append((url, False))
                continue
            prefix = url.split("{record_id}")[0].rstrip("/").rsplit("/", 1)[-1]
            public_id, draft_id = ROUTE_IDS.get(prefix, ("pass-foncier", DRAFT))  # a new kind of route: try the draft too
            out.append((url.replace("{record_id}", public_id), False))
            if draft_id:
                out.append((url.replace("{record_id}", draft_id), True))
    return out


def test_every_route_hides_drafts(public: Flask) -> None:
    # Surfaces added later are covered too: every GET route, with public and draft ids put in.
    client = public.test_client()
    urls = _route_urls(public)
    assert len(urls) >= 20
    for url, is_draft in urls:
        resp = client.get(url)
        data = resp.get_data().lower()
        if is_draft:
            assert resp.status_code in (404, 410), url
            assert not [w for w in MARKERS[:3] if w.encode() in data], url
        else:
            assert resp.status_code < 500, url
            assert not [w for w in (WORD, *MARKERS) if w.encode() in data], url


def test_preview_mode_shows_and_marks_drafts(preview: Flask) -> None:
    assert preview.config["SHOW_DRAFTS"] is True
    client = preview.test_client()
    page = client.get(f"/propositions/{DRAFT}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Mesure {WORD} pour le foncier" in html and '<span class="badge draft">Brouillon</span>' in html
    results = client.get(f"/recherche?q={WORD}").get_data(as_text=True)
    assert f"/propositions/{DRAFT}" in results and f"/actions/{DRAFT_ACTION}" in results
    assert '<span class="badge draft">Brouillon</span>' in results
    dashboard = client.get("/tableau-de-bord").get_data(as_text=True)
    # Its status change is listed in preview, marked as a draft.
    assert f'Mesure {WORD} pour le foncier</a> <span class="badge draft">Brouillon</span>' in dashboard
    if _routed(preview, f"/api/v1/proposals/{DRAFT}"):
        assert client.get(f"/api/v1/proposals/{DRAFT}").get_json()["draft"] is True
    # Only what its file says: « statut à renseigner », no date of publication nor of update, no invented status.
    facts = re.search(r'<dl class="facts">.*?</dl>', html, re.S).group(0)
    assert "<dt>Statut</dt><dd><em>statut à renseigner</em></dd>" in facts
    assert "<dt>Publiée</dt><dd><em>date à renseigner</em></dd>" in facts
    assert "Mise à jour" not in facts and ">Proposée<" not in facts and "mis à jour le" not in results
    action = client.get(f"/actions/{DRAFT_ACTION}").get_data(as_text=True)
    assert "<dt>Statut</dt><dd><em>statut à renseigner</em></dd>" in action and "Mise à jour" not in action
    # Its former id leads to it, in preview only.
    assert client.get(f"/propositions/{DRAFT_ALIAS}").headers["Location"] == f"/propositions/{DRAFT}"
    assert client.get(f"/api/v1/proposals/{DRAFT_ALIAS}").headers["Location"].endswith(f"/api/v1/proposals/{DRAFT}")


@pytest.mark.parametrize(
    ("value", "expected"), [(1, True), ("1", True), ("oui", True), (True, True), (0, False), ("0", False), ("", False)]
)
def test_show_drafts_setting_is_read_as_a_flag(value: object, expected: bool) -> None:
    assert truthy(value) is expected


@pytest.mark.parametrize(("env", "expected"), [("1", True), ("true", True), ("oui", True), ("0", False), ("false", False)])
def test_kb_show_drafts_environment(drafted: Built, monkeypatch: pytest.MonkeyPatch, env: str, expected: bool) -> None:
    monkeypatch.setenv("KB_SHOW_DRAFTS", env)
    assert create_app(drafted.config()).config["SHOW_DRAFTS"] is expected


def test_kb_stats_counts_drafts_only_when_asked(drafted: Built) -> None:
    runner = CliRunner()
    plain = runner.invoke(main, ["stats", "--database", drafted.database_url])
    with_drafts = runner.invoke(main, ["stats", "--database", drafted.database_url, "--drafts"])
    assert plain.exit_code == 0 and with_drafts.exit_code == 0
    assert WORD not in plain.output
    assert f"Mesure {WORD} pour le foncier ({DRAFT}) [brouillon]" in with_drafts.output


def test_draft_records_pickle(tmp_path: Path) -> None:
    # The incremental build caches loaded records with pickle: a draft's relaxed model must round-trip.
    import pickle

    corpus, _problems = check(_with_drafts(tmp_path))
    record = next(r for r in corpus.of("proposal") if r.id == DRAFT)
    assert pickle.loads(pickle.dumps(record.model)) == record.model


def test_home_view_counts_and_latest_equal_a_count_over_every_record(drafted: Built) -> None:
    from kb.store import home, queries

    engine = make_engine(drafted.database_url)
    with Session(engine) as session:
        for drafts in (False, True):
            view = home.home_view(Reader(session, drafts), latest=5)
            props = queries.all_of(Reader(session, drafts), "proposal")
            actions = queries.all_of(Reader(session, drafts), "action")
            assert view.counts == {"proposal": len(props), "action": len(actions), "document": len(view.documents)}
            assert {d.id: n for d, n in view.documents} == {d.id: sum(p.document == d.id for p in props) for d, _ in view.documents}
            assert all(e.proposals == sum(p.axis == e.axis.id for p in props) for e in view.axes) and view.axes
            # The proposals of other documents that join an axis (echoes) are counted too, drafts as the page shows them.
            visible = {p.id for p in props}
            echoes = {e.axis.id: sum(lk.src in visible for lk in queries.links(Reader(session, drafts), None, "echoes", e.axis.id))
                      for e in view.axes}
            assert all(e.echoes == echoes[e.axis.id] for e in view.axes)
            newest = sorted([*props, *actions], key=lambda r: (r.updated, r.id), reverse=True)[:5]
            assert [(type(r).__name__, r.id) for r in view.latest] == [(type(r).__name__, r.id) for r in newest]
            assert any(getattr(r, "draft", False) for r in [*props, *actions]) == drafts
    # It loads only the records it shows (every record, bodies and all, weighed ~60 MB at 10,000 records).
    loaded: list[object] = []

    def count(target: object, _context: object) -> None:
        loaded.append(target)

    for model in (Proposal, Action):
        event.listen(model, "load", count)
    try:
        with Session(engine) as session:
            home.home_view(Reader(session), latest=2)
    finally:
        for model in (Proposal, Action):
            event.remove(model, "load", count)
    assert 0 < len(loaded) <= 2
    engine.dispose()


# Beyond the routes: static files, health, errors (unknown page, unknown API path, bad parameter), a draft's former id.
PREVIEW_EXTRA = ["/static/kb.css", "/sante", "/nulle-part", "/api/v1/nulle-part", "/api/v1/proposals?limit=abc",
                 f"/propositions/{DRAFT_ALIAS}", "/recherche?q=foncier&page=abc"]


def test_every_answer_of_a_preview_server_is_private(preview: Flask) -> None:
    # Pages, API, exports, cards, images, feeds, sitemap, health, static files and errors; GET twice (the second
    # replayed by the page cache), HEAD, a conditional GET, a preflight and a POST: kept by no cache, and readable by
    # no other site's script (the staff's browser would otherwise hand the drafts to any site it visits).
    client = preview.test_client()
    urls = [url for url, _ in _route_urls(preview)] + PREVIEW_EXTRA
    assert len(urls) >= 40
    origin = {"Origin": "https://ailleurs.example"}
    for url in urls:
        answers = [client.get(url, headers=origin), client.get(url, headers=origin), client.head(url, headers=origin),
                   client.get(url, headers={**origin, "If-None-Match": "*"}), client.options(url, headers=origin),
                   client.post(url, headers=origin)]
        for resp in answers:
            assert resp.headers.get("Cache-Control") == "private, no-store", (url, resp.status_code, resp.headers.get("Cache-Control"))
            assert not [h for h in resp.headers.keys() if h.lower().startswith("access-control-")], (url, resp.status_code)
            assert "Expires" not in resp.headers, url
            resp.close()  # a static file's answer holds the file open


def test_a_drafts_preview_image_is_marked_brouillon(preview: Flask) -> None:
    from io import BytesIO

    from PIL import Image

    from kb.newsletter import preview as image

    client = preview.test_client()
    corner = (image.WIDTH - 12, 12)
    draft = Image.open(BytesIO(client.get(f"/propositions/{DRAFT}/apercu.png").data)).convert("RGB")
    public = Image.open(BytesIO(client.get("/propositions/pass-foncier/apercu.png").data)).convert("RGB")
    red = tuple(int(image.DRAFT[i : i + 2], 16) for i in (1, 3, 5))
    assert draft.getpixel(corner) == red and draft.getpixel((4, 300)) == red
    assert public.getpixel(corner) == (255, 255, 255) and public.getpixel((4, 300)) != red


def test_a_preview_server_renders_its_exports_with_drafts(public: Flask, preview: Flask) -> None:
    # (public first: the preview fixture sets KB_SHOW_DRAFTS for every app made after it)
    # The build writes public exports only; a preview server renders its own, drafts included, on each request (staff
    # download them rarely, and a second variant would double every build's export time).
    for name in ("kb.json", "proposals.csv", "actions.csv"):
        shown = preview.test_client().get(f"/api/v1/export/{name}")
        hidden = public.test_client().get(f"/api/v1/export/{name}")
        assert shown.status_code == hidden.status_code == 200
        assert WORD in shown.get_data(as_text=True).lower() and WORD not in hidden.get_data(as_text=True).lower(), name
        assert shown.headers["Cache-Control"] == "private, no-store" and "ETag" in hidden.headers


def test_pages_made_once_per_build_keep_the_preview_s_apart(drafted: Built) -> None:
    """The pages that sum up the base are kept per build in each worker (kb.pages.kept.page): made first in preview
    mode, they never show its drafts once the same app serves the public site."""
    paths = ["/", "/a-propos", "/tableau-de-bord", "/sitemap.xml", "/axes", "/documents", "/filieres", "/organisations",
             "/regions"]
    public = {p: create_app(drafted.config(PAGE_CACHE=False)).test_client().get(p).get_data(as_text=True) for p in paths}
    app = create_app(drafted.config(PAGE_CACHE=False, SHOW_DRAFTS=True))  # the mode is read on every request
    preview = {p: app.test_client().get(p).get_data(as_text=True) for p in paths}
    assert [p for p in paths if preview[p] != public[p]], "the preview counts its drafts somewhere"
    app.config["SHOW_DRAFTS"] = False
    after = {p: app.test_client().get(p).get_data(as_text=True) for p in paths}
    assert [p for p in paths if after[p] != public[p]] == []
