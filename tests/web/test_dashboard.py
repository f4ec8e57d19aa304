"""/tableau-de-bord and kb stats on the shipped content, as it is and grown (fixture ``shipped_built``): figures that
count what the content holds, SVG charts with text equivalents, tables, search links — whatever editors add."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from markupsafe import escape
from sqlmodel import Session

from kb import create_app
from kb.cli import main
from kb.content import labels as fr
from kb.content import load_all
from kb.content.typography import french
from kb.pages.dashboard import Count, Figures, figures
from kb.store import make_engine
from kb.store.reader import Reader
from kb.web.charts import bar_chart
from tests.support.corpora import Built


@pytest.fixture(scope="module")
def figs(shipped_built: Built) -> Figures:
    engine = make_engine(shipped_built.database_url)
    with Session(engine) as session:
        out = figures(Reader(session))
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def content(shipped_built: Built) -> dict[str, list]:
    corpus = load_all(shipped_built.data_dir)
    kinds = ("document", "axis", "proposal", "action")
    return {kind: [r for r in corpus.of(kind) if not getattr(r.model, "draft", False)] for kind in kinds}


@pytest.fixture(scope="module")
def page(shipped_built: Built) -> str:
    app = create_app(shipped_built.config())
    resp = app.test_client().get("/tableau-de-bord")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_documents_come_featured_first_with_their_coverage(figs: Figures, content: dict[str, list]) -> None:
    featured = [d.id for d in content["document"] if d.model.featured]
    assert [d.document.id for d in figs.documents[: len(featured)]] == featured  # the featured document first
    kinds = [d.document.kind != "livre-blanc" for d in figs.documents[len(featured):]]
    assert kinds == sorted(kinds)  # then the white papers, then the others
    for doc in figs.documents:
        held = sum(p.model.document == doc.document.id for p in content["proposal"])
        announced = doc.document.announced_proposals
        assert (doc.held, doc.announced) == (held, announced)
        assert doc.coverage == (f"{held} sur {announced}" if announced else None)


def test_proposals_by_axis_and_status(figs: Figures, content: dict[str, list]) -> None:
    for doc in figs.documents:
        mine = [p.model for p in content["proposal"] if p.model.document == doc.document.id]
        axes = sorted((a for a in content["axis"] if a.model.document == doc.document.id), key=lambda a: a.model.order)
        assert [(c.key, c.label, c.count) for c in doc.by_axis] == [(a.id, a.model.title, sum(p.axis == a.id for p in mine)) for a in axes]
        statuses = Counter(p.status for p in mine)
        assert {c.key: c.count for c in doc.by_status} == dict(statuses)
        for c in doc.by_axis:
            assert c.href == f"/recherche?type=proposition&document={doc.document.id}&axe={c.key}"
        for c in doc.by_status:
            assert c.href == f"/recherche?type=proposition&document={doc.document.id}&statut={c.key}"
    with_proposals = {p.model.document for p in content["proposal"]}
    assert with_proposals <= {d.document.id for d in figs.documents}


def test_actions_by_region_and_sector(figs: Figures, content: dict[str, list]) -> None:
    regions = Counter(a.model.region for a in content["action"])
    sectors = Counter(s for a in content["action"] for s in a.model.sectors)
    assert {c.key: c.count for c in figs.actions_by_region} == dict(regions)
    assert {c.key: c.count for c in figs.actions_by_sector} == dict(sectors)
    assert all(c.href == f"/recherche?type=action&region={c.key}" for c in figs.actions_by_region)
    assert all(c.href == f"/recherche?type=action&filiere={c.key}" for c in figs.actions_by_sector)


def test_recent_status_changes_newest_first(figs: Figures, content: dict[str, list]) -> None:
    changes = sorted(
        ((str(h.date), p.id) for p in content["proposal"] for h in p.model.status_history),
        reverse=True,
    )
    assert [(c.date, c.proposal_id) for c in figs.recent] == changes[: len(figs.recent)]
    assert figs.recent and all(c.href == f"/propositions/{c.proposal_id}" for c in figs.recent)


def test_dashboard_has_accessible_svg_charts(page: str, figs: Figures) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2 * len(figs.documents) + 2
    for svg in svgs:
        assert 'role="img"' in svg
        title = re.search(r'<title id="([^"]+)">', svg)
        desc = re.search(r'<desc id="([^"]+)">([^<]+)</desc>', svg)
        assert title and desc and f'aria-labelledby="{title.group(1)} {desc.group(1)}"' in svg
    livre = figs.documents[0]
    axis_chart = next(s for s in svgs if f'id="axes-{livre.document.id}"' in s)
    for c in livre.by_axis:
        word = "proposition" if c.count < 2 else "propositions"
        assert french(escape(f"{c.label} : {c.count} {word}")) in axis_chart  # in <desc>, the text equivalent
    # An image holds nothing interactive (axe: nested-interactive): the tables carry the links.
    for svg in svgs:
        assert "<a " not in svg and "tabindex" not in svg
    # Labels sit on their own line in a drawing as wide as the narrowest phone, in 14-unit type: 12 px or more at 320 px.
    assert all('viewBox="0 0 320 ' in svg and 'font-size="14"' in svg for svg in svgs)


def test_dashboard_tables_and_links(page: str, figs: Figures) -> None:
    livre = figs.documents[0]
    assert all(f"<strong>{d.coverage}</strong>" in page for d in figs.documents if d.coverage)
    assert page.count('<table class="figures') == 2 * len(figs.documents) + 2 + 1
    bars: list[Count] = [
        *(c for d in figs.documents for c in d.by_axis + d.by_status),
        *figs.actions_by_region,
        *figs.actions_by_sector,
    ]
    for c in bars:
        # In the table only: one link per row, for every reader.
        assert page.count(f'href="{escape(c.href)}"') == 1, c
        assert f'<a href="{escape(c.href)}">{french(escape(c.label))}</a></th><td class="num">{c.count}</td>' in page
    for change in figs.recent:
        assert f'<a href="{change.href}">' in page
    assert french(str(escape(livre.document.title))) in page


def test_dashboard_is_csp_clean(page: str) -> None:
    body = page.split('<main id="contenu"', 1)[1]
    assert " style=" not in page and "<style" not in page
    assert "<script" not in body
    assert 'href="/static/dashboard.css"' in page


def test_table_links_lead_to_the_matching_search(shipped_built: Built, figs: Figures, content: dict[str, list]) -> None:
    client = create_app(shipped_built.config()).test_client()
    livre = figs.documents[0]
    for c in livre.by_axis:
        resp = client.get(c.href)
        assert resp.status_code == 200, c.href
        text = resp.get_data(as_text=True)
        expected = [p.id for p in content["proposal"] if p.model.axis == c.key]
        assert all(f"/propositions/{pid}" in text for pid in expected), c.href
    for c in figs.actions_by_region + figs.actions_by_sector:
        assert client.get(c.href).status_code == 200, c.href


def test_chart_escapes_labels_and_handles_empty_data() -> None:
    svg = bar_chart("essai", "Titre <b>", [Count("x", "A & <B>", 2, "/recherche?a=1&b=2")])
    assert "A &amp; &lt;B&gt;" in svg and "<b>" not in svg and "href" not in svg
    empty = bar_chart("vide", "Rien", [])
    assert "<desc id=\"vide-desc\">Aucune donnée.</desc>" in empty


def test_kb_stats_prints_the_same_figures(shipped_built: Built, figs: Figures) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--database", shipped_built.database_url])
    assert result.exit_code == 0, result.output
    out = result.output
    livre = figs.documents[0]
    assert f"{livre.document.title} ({fr.DOCUMENT_KIND[livre.document.kind].lower()})" in out
    assert f"  {fr.plural(livre.held, 'proposition')}" + (f" sur {livre.announced} annoncées" if livre.announced else "") in out
    for c in livre.by_axis + livre.by_status + figs.actions_by_region:
        assert re.search(rf"^    {re.escape(c.label)}\s+{c.count}\b", out, flags=re.M), c
    assert "Derniers changements de statut :" in out
    assert f"{figs.recent[0].date}  {figs.recent[0].label} : {figs.recent[0].title}" in out
    # Straight from the content folder (no build): the same output.
    direct = runner.invoke(main, ["stats", "--data", str(shipped_built.data_dir)])
    assert direct.exit_code == 0 and direct.output == out


def test_kb_stats_without_a_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--database", f"sqlite:///{tmp_path / 'vide.sqlite'}"])
    assert result.exit_code == 1 and "lancez d'abord « kb build »" in result.output


def test_dashboard_before_any_build_is_not_found(tmp_path: Path) -> None:
    app: Flask = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite'}", "INDEX_DIR": str(tmp_path / "i")})
    assert app.test_client().get("/tableau-de-bord").status_code == 404
