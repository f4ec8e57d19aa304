"""Open-data exports: CSV read back with the csv module, kb.json's shape, and ``kb export`` writing the same bytes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlmodel import Session

from kb import create_app
from kb.api import built as writer
from kb.api import export as exports
from kb.api.export import ACTION_COLUMNS, FILES, PROPOSAL_COLUMNS
from kb.builder import build
from kb.cli import main
from kb.content.typography import french
from kb.store import Layout, make_engine, verify_index
from kb.store.builds import EXPORTS, EXPORTS_BASE, MANIFEST, file_digest
from kb.store.changes import Changes
from tests.support import apicheck
from tests.support.apicheck import BASE
from tests.support.corpora import TEST_SITE, VALID, Built, build_corpus


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
    assert list(data) == ["documents", "axes", "proposals", "actions", "sectors", "regions", "organisations"]
    counts = {k: len(v) for k, v in data.items()}
    assert counts == {"documents": 2, "axes": 3, "proposals": 3, "actions": 1, "sectors": 2, "regions": 2, "organisations": 3}
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


def built_exports(built: Built) -> Path:
    """The exports folder of the build a corpus serves."""
    layout = Layout(built.index_dir)
    return layout.exports(layout.current() or "")


def test_a_build_writes_its_exports_once_with_gzip_copies_listed_in_its_manifest(built: Built, client: FlaskClient) -> None:
    folder = built_exports(built)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FILES, *(f"{n}.gz" for n in FILES), EXPORTS_BASE, writer.INDEX])
    assert (folder / EXPORTS_BASE).read_text("utf-8") == TEST_SITE
    listed = json.loads((folder.parent / MANIFEST).read_text("utf-8"))
    for name in FILES:
        data = (folder / name).read_bytes()
        assert gzip.decompress((folder / f"{name}.gz").read_bytes()) == data
        assert listed[f"{EXPORTS}/{name}"] == [len(data), file_digest(folder / name)]
    assert verify_index(folder.parent) is None


def test_exports_are_answered_from_their_files_never_rendered(built: Built, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_args: object) -> None:
        raise AssertionError("an export rendered per request")

    monkeypatch.setattr(exports, "render", never)
    folder = built_exports(built)
    for name in FILES:
        url = f"{BASE}/export/{name}"
        plain = client.get(url)
        assert plain.status_code == 200 and plain.data == (folder / name).read_bytes()
        assert plain.headers["ETag"] == f'"{file_digest(folder / name)}"' and "gzip" not in plain.headers.get("Content-Encoding", "")
        assert plain.headers["Cache-Control"] == "no-cache" and "Accept-Encoding" in plain.headers["Vary"]
        assert plain.headers["Access-Control-Allow-Origin"] == "*" and plain.headers["Last-Modified"]
        # No query string makes another export: same file, same ETag.
        other = client.get(url + "?utm_source=lettre&limit=1&q=foncier")
        assert other.data == plain.data and other.headers["ETag"] == plain.headers["ETag"]
        assert client.get(url + "?x=1", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
        zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
        assert zipped.headers["ETag"] == f'"{file_digest(folder / (name + ".gz"))}"'
        assert zipped.headers["Content-Type"] == plain.headers["Content-Type"]
        part = client.get(url, headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.data == plain.data[:10]
    # A request under another site address (a site answering several names) gets its own links: rendered for it.
    monkeypatch.undo()
    elsewhere = client.get(f"{BASE}/export/kb.json", base_url="http://autre.example")
    assert elsewhere.status_code == 200 and "http://autre.example/propositions/pass-foncier" in elsewhere.get_data(as_text=True)


def test_a_build_whose_exports_fail_changes_nothing(fresh: Built) -> None:
    layout = Layout(fresh.index_dir)
    served, folders = layout.current(), sorted(p.name for p in layout.builds.iterdir())
    before = create_app(fresh.config()).test_client().get(f"{BASE}/export/kb.json").data

    def failing(session: Session, build_id: str, folder: Path, since: Changes | None = None) -> None:
        writer.write_built(session, build_id, folder, TEST_SITE, since)
        raise OSError("disque plein")

    path = fresh.data_dir / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("Créer un pass foncier", "Instaurer un pass foncier"), "utf-8")
    engine = make_engine(fresh.database_url)
    try:
        with pytest.raises(OSError, match="disque plein"):
            build(fresh.data_dir, engine, fresh.index_dir, exports=failing)
        assert layout.current() == served and sorted(p.name for p in layout.builds.iterdir()) == folders
        client = create_app(fresh.config()).test_client()
        assert client.get(f"{BASE}/export/kb.json").data == before and client.get("/sante").json["build_id"] == served
        # The next build (incremental: one file changed) writes its own exports, from its own rows.
        assert build(fresh.data_dir, engine, fresh.index_dir, exports=writer.exporter(TEST_SITE)).ok
    finally:
        engine.dispose()
    answer = create_app(fresh.config()).test_client().get(f"{BASE}/export/proposals.csv").get_data(as_text=True)
    assert "Instaurer un pass foncier" in answer and "Créer un pass foncier" not in answer
    assert "Instaurer un pass foncier" in (built_exports(fresh) / "proposals.csv").read_text("utf-8")


def test_kb_build_writes_the_exports_for_the_site_address(runner: CliRunner, tmp_path: Path) -> None:
    site = "https://kb.exemple.fr"
    index, database = tmp_path / "index", f"sqlite:///{tmp_path / 'kb.sqlite'}"
    result = runner.invoke(main, ["build", "--data", str(VALID), "--index", str(index), "--database", database, "--site-url", site])
    assert result.exit_code == 0, result.output
    folder = Layout(index).exports(Layout(index).current() or "")
    assert (folder / EXPORTS_BASE).read_text("utf-8") == site
    assert f"{site}/propositions/pass-foncier" in (folder / "proposals.csv").read_text("utf-8")
    client = create_app(Built(VALID, database, index).config(SITE_URL=site)).test_client()
    answer = client.get(f"{BASE}/export/proposals.csv")
    assert answer.data == (folder / "proposals.csv").read_bytes() and answer.headers["ETag"] == f'"{file_digest(folder / "proposals.csv")}"'
