"""The kb command through click's runner: check, build, search, new, schema."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content.schemas import json_schemas
from kb.content.urls import record_path
from tests.support.corpora import DATA, ROOT, VALID


def test_check_valid_corpus_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--data", str(VALID), "--strict"])
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output


def test_check_prints_every_problem_then_a_summary(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    for case in ("duplicate-key", "bad-enum", "empty-file"):
        shutil.copytree(DATA / "invalid" / case, data, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "--data", "content"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[:3] == [
        "content/proposals/bad-enum.yaml:5: error: valeur « adoptée » invalide pour « status » : valeurs permises : "
        "proposee, en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre, abandonnee",
        "content/proposals/duplicate-key.yaml:10: error: clé « title » en double (déjà à la ligne 1)",
        "content/proposals/empty-file.yaml:1: error: fichier vide",
    ]
    assert lines[-1] == "18 fichiers vérifiés : 3 erreurs, 0 avertissement."
    assert "Traceback" not in result.output


def test_strict_makes_warnings_fatal(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    (data / "proposals" / "notes.txt").write_text("brouillon", "utf-8")
    assert runner.invoke(main, ["check", "--data", str(data)]).exit_code == 0
    result = runner.invoke(main, ["check", "--data", str(data), "--strict"])
    assert result.exit_code == 1 and "warning: fichier ignoré" in result.output


def test_build_then_search_json(runner: CliRunner, tmp_path: Path) -> None:
    args = ["--index", str(tmp_path / "idx")]
    result = runner.invoke(main, ["build", "--data", str(VALID), *args, "--database", f"sqlite:///{tmp_path / 'kb.sqlite'}"])
    assert result.exit_code == 0, result.output
    assert "3 propositions" in result.output
    result = runner.invoke(main, ["search", "terrain", "--json", *args])
    data = json.loads(result.output)
    # Every kind of record is searched: the two land proposals and the axis whose description says « terrains ».
    # The API's search shape (/api/v1/search), with paths for links unless --site-url is given.
    assert data["query"] == "terrain" and data["total"] == 3 and data["suggestion"] is None and data["partial"] is False
    assert {(r["type"], r["id"]) for r in data["data"]} == {
        ("proposal", "pass-foncier"), ("proposal", "sanctuaire-foncier"), ("axis", "foncier-essai")
    }
    first = data["data"][0]
    assert set(first) >= {"id", "type", "title", "score", "url", "highlight"} and set(data) >= {"facets", "next"}
    assert all(r["url"] == record_path(r["type"], r["id"]) for r in data["data"])
    site = json.loads(runner.invoke(main, ["search", "terrain", "--json", "--site-url", "https://kb.example/", *args]).output)
    assert all(r["url"] == "https://kb.example" + record_path(r["type"], r["id"]) for r in site["data"])
    result = runner.invoke(main, ["search", "terrain", *args])
    assert "- [Axe] Accès au foncier  /axes/foncier-essai" in result.output
    result = runner.invoke(main, ["search", "reindustrialsation", *args])
    assert "Vouliez-vous dire « réindustrialisation » ?" in result.output


def test_build_refuses_invalid_content(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    shutil.copytree(DATA / "invalid" / "dangling-reference", data, dirs_exist_ok=True)
    result = runner.invoke(
        main, ["build", "--data", str(data), "--index", str(tmp_path / "idx"), "--database", f"sqlite:///{tmp_path / 'kb.sqlite'}"]
    )
    assert result.exit_code == 1
    assert "proposition liée « proposition-inconnue » introuvable" in result.output
    assert "la base et l'index en service sont inchangés" in result.output
    assert not (tmp_path / "idx" / "CURRENT").exists()


def test_search_without_build_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "kb build" in result.output


FILLED = {
    "a-completer-id-du-document": "livre-essai",
    "a-completer-id-de-l-axe": "foncier-essai",
    "a-completer-id-de-region": "normandie",
    "a-completer-id-de-l-organisation": "federation-essai-normandie",
    "https://a-completer.example/page": "https://exemple.test/nouvelle",
}


def fill(text: str) -> str:
    """A template as an editor fills it in: every marker replaced by a real value."""
    for marker, value in FILLED.items():
        text = text.replace(marker, value)
    return re.sub(r'"?À COMPLÉTER[^"\n]*"?', '"Un texte écrit par l\'équipe"', text)


@pytest.mark.parametrize("kind", ["proposal", "action"])
def test_new_template_passes_check_once_filled(runner: CliRunner, tmp_path: Path, kind: str) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    result = runner.invoke(main, ["new", kind, "ma-nouvelle", "--data", str(data)])
    assert result.exit_code == 0, result.output
    folder = "proposals" if kind == "proposal" else "actions"
    path = data / folder / "ma-nouvelle.yaml"
    path.write_text(fill(path.read_text("utf-8")), "utf-8")
    result = runner.invoke(main, ["check", "--data", str(data), "--strict"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["new", kind, "ma-nouvelle", "--data", str(data)]).exit_code == 1  # never overwrites
    assert runner.invoke(main, ["new", kind, "Pas Valide", "--data", str(data)]).exit_code == 1


def test_schema_prints_one_schema_per_kind(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema"])
    schemas = json.loads(result.output)
    assert {"document", "axis", "proposal", "action", "sectors", "regions", "synonyms"} <= set(schemas)
    assert schemas["proposal"]["additionalProperties"] is False
    assert "summary" in schemas["proposal"]["required"]


def test_committed_schemas_match_the_models() -> None:
    for kind, doc in json_schemas().items():
        committed = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        assert committed == doc, f"schemas/{kind}.schema.json is stale: run `kb schema --out schemas`"


def test_shipped_content_passes_strict_check(runner: CliRunner) -> None:
    # Every check of kb check, the source checks of kb.content.addresses included: no error, no warning.
    result = runner.invoke(main, ["check", "--data", str(ROOT / "proposals"), "--strict"])
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output
