"""Open-data exports: CSV read back with the csv module, kb.json's shape, and ``kb export`` writing the same bytes."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from kb import create_app
from kb.api.export import ACTION_COLUMNS, PROPOSAL_COLUMNS
from kb.cli import main
from kb.web.typography import french
from tests.support import apicheck
from tests.support.apicheck import BASE
from tests.support.corpora import VALID, Built, build_corpus


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The valid corpus with cells a spreadsheet would run as formulas, and a proposal in Île-de-France."""
    src = tmp_path_factory.mktemp("src") / "content"
    shutil.copytree(VALID, src)
    path = src / "proposals" / "energie-locale.yaml"
    text = path.read_text("utf-8")
    text = text.replace("title: Sécuriser l'énergie des industriels", 'title: "=HYPERLINK(\\"https://exemple.test\\")"')
    text = text.replace("regions: [normandie]", "regions: [normandie, ile-de-france]")
    text += "tags: ['+33 1 23 45 67 89', '-5 %', '@cpme', 'impôts;=1+1', 'taxe,@SUM(A1)', 'a;\"-2+3+cmd', 'b; =1']\n"
    path.write_text(text, "utf-8")
    return build_corpus(src, tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def hostile_client(hostile: Built) -> FlaskClient:
    return create_app(hostile.config()).test_client()


def test_proposals_csv_reads_back(client: FlaskClient) -> None:
    resp = client.get(f"{BASE}/export/proposals.csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(resp.data)
    assert list(rows[0]) == list(PROPOSAL_COLUMNS)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"pass-foncier", "sanctuaire-foncier", "energie-locale"}
    p = by_id["pass-foncier"]
    assert p["title"] == "Créer un pass foncier pour les PMI" and p["url"] == "http://localhost/propositions/pass-foncier"
    assert p["tags"] == "foncier | implantation" and p["related"] == "sanctuaire-foncier" and p["actions"] == "implantation-normandie"
    assert p["axis_title"] == "Accès au foncier" and p["flagship"] == "true" and p["regions"] == ""
    assert p["sources"] == "http://localhost/documents/livre-essai" and "\n" in p["body"]
    # The related link is declared on pass-foncier only; the CSV shows it from both sides.
    assert by_id["sanctuaire-foncier"]["related"] == "pass-foncier"
    assert by_id["energie-locale"]["sector_names"] == "Chimie des matériaux"


def test_actions_csv_reads_back(client: FlaskClient) -> None:
    rows = read_csv(client.get(f"{BASE}/export/actions.csv").data)
    assert list(rows[0]) == list(ACTION_COLUMNS) and len(rows) == 1
    a = rows[0]
    assert a["id"] == "implantation-normandie" and a["region_name"] == "Normandie"
    assert a["sectors"] == "automobile | chimie" and a["sector_names"] == "Automobile | Chimie des matériaux"
    assert a["proposals"] == "pass-foncier" and a["partners"] == "Partenaire d'essai" and a["sources"] == "https://exemple.test/article"


def test_csv_keeps_accents_and_neutralises_formulas(hostile_client: FlaskClient) -> None:
    rows = {r["id"]: r for r in read_csv(hostile_client.get(f"{BASE}/export/proposals.csv").data)}
    row = rows["energie-locale"]
    assert row["region_names"] == "Normandie | Île-de-France" and row["regions"] == "normandie | ile-de-france"
    assert row["title"] == '\'=HYPERLINK("https://exemple.test")'
    assert row["tags"].startswith("'+33 1 23 45 67 89 | -5 % | @cpme | ")
    # French Excel splits on « ; » whatever the quotes: a formula start after a separator is neutralised there too
    # (after a space it is text already, and left as it is).
    assert row["tags"].split(" | ")[3:] == ["impôts;'=1+1", "taxe,'@SUM(A1)", 'a;"\'-2+3+cmd', "b; =1"]
    # Every cell of every row: nothing a spreadsheet would evaluate.
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows.values() for v in r.values())
    assert all(not re.search(r'[;,]"*[=+\-@\t\r]', v) for r in rows.values() for v in r.values())


def test_kb_json_holds_everything_in_the_detail_shapes(client: FlaskClient) -> None:
    doc = apicheck.document()
    resp = apicheck.get(client, doc, f"{BASE}/export/kb.json")
    data = resp.get_json()
    assert list(data) == ["documents", "axes", "proposals", "actions", "sectors", "regions"]
    counts = {k: len(v) for k, v in data.items()}
    assert counts == {"documents": 2, "axes": 3, "proposals": 3, "actions": 1, "sectors": 2, "regions": 2}
    # The kb.json keys are the API's list paths.
    for key, records in data.items():
        for record in records:
            assert client.get(f"{BASE}/{key}/{record['id']}").get_json() == record


def export(runner: CliRunner, built: Built, out: Path, *args: str) -> Any:
    return runner.invoke(main, ["export", "--out", str(out), "--database", built.database_url, "--index", str(built.index_dir), *args])


def test_kb_export_writes_the_same_files_as_the_api(runner: CliRunner, built: Built, client: FlaskClient, tmp_path: Path) -> None:
    result = export(runner, built, tmp_path, "--format", "csv", "--site-url", "http://localhost")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.csv", "proposals.csv"]
    for name in ("proposals.csv", "actions.csv"):
        assert (tmp_path / name).read_bytes() == client.get(f"{BASE}/export/{name}").data
    result = export(runner, built, tmp_path / "json", "--format", "json", "--site-url", "http://localhost")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "json" / "kb.json").read_text("utf-8")) == client.get(f"{BASE}/export/kb.json").get_json()


def test_kb_export_without_site_url_writes_paths(runner: CliRunner, built: Built, tmp_path: Path) -> None:
    assert export(runner, built, tmp_path).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.csv", "kb.json", "proposals.csv"]
    data = json.loads((tmp_path / "kb.json").read_text("utf-8"))
    assert {p["url"] for p in data["proposals"]} == {
        "/propositions/pass-foncier",
        "/propositions/sanctuaire-foncier",
        "/propositions/energie-locale",
    }


def test_kb_export_before_any_build_fails_clearly(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "--out", str(tmp_path / "out"), "--database", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert result.exit_code == 1 and "kb build" in result.output


def test_donnees_page_describes_every_file_and_column(client: FlaskClient) -> None:
    resp = client.get("/donnees")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Données ouvertes" in html
    assert '<link rel="canonical" href="http://localhost/donnees">' in html
    for name in ("proposals.csv", "actions.csv", "kb.json"):
        assert f"{BASE}/export/{name}" in html
    for columns in (PROPOSAL_COLUMNS, ACTION_COLUMNS):
        for column, (description, _get) in columns.items():
            assert f"<code>{column}</code>" in html and french(description.replace("'", "&#39;")) in html
