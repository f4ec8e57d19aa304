"""The kb command through click's runner: check, build, search, new, schema."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket
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
# Each kind's name for `kb new` (French; the English one is an alias), and what its template leaves empty.
NEW = {
    "proposition": ("proposals", {"status": "proposee", "date": "2025-11-17", "published": "2025-11-17", "updated": "2025-11-20"}),
    "action": ("actions", {"status": "annoncee", "published": "2025-11", "updated": "2025-11-20"}),
    "document": ("documents", {"kind": "rapport", "published": "2025"}),
    "axe": ("axes", {}),
    "organisation": ("organisations", {"kind": "collectif"}),
}
ENGLISH = {"proposition": "proposal", "action": "action", "document": "document", "axe": "axis", "organisation": "organisation"}


def fill(text: str, blanks: dict[str, str]) -> str:
    """A template as an editor fills it in: every marker replaced by a real value, every empty value written."""
    for marker, value in FILLED.items():
        text = text.replace(marker, value)
    text = re.sub(r"^(\s*(?:- )?)(\w+):( +)#", lambda m: f"{m[1]}{m[2]}: {blanks[m[2]]}{m[3]}#" if m[2] in blanks else m[0], text,
                  flags=re.M)
    return re.sub(r'"?À COMPLÉTER[^"\n]*"?', '"Un texte écrit par l\'équipe"', text)


def _new(runner: CliRunner, data: Path, name: str, record_id: str = "ma-nouvelle") -> Path:
    extra = ["--document", "livre-essai"] if name == "axe" else []
    result = runner.invoke(main, ["new", name, record_id, "--data", str(data), *extra])
    assert result.exit_code == 0, result.output
    return data / NEW[name][0] / f"{record_id}.yaml"


@pytest.mark.parametrize("name", NEW)
def test_new_template_passes_check_once_filled(runner: CliRunner, tmp_path: Path, name: str) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = _new(runner, data, name)
    path.write_text(fill(path.read_text("utf-8"), NEW[name][1]), "utf-8")
    result = runner.invoke(main, ["check", "--data", str(data), "--strict"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["new", name, "ma-nouvelle", "--data", str(data)]).exit_code == 1  # never overwrites
    assert runner.invoke(main, ["new", name, "Pas Valide", "--data", str(data)]).exit_code == 1


@pytest.mark.parametrize("name", NEW)
def test_new_template_leaves_dates_empty_and_is_refused_with_a_completer_messages(runner: CliRunner, tmp_path: Path, name: str) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    text = _new(runner, data, name).read_text("utf-8")
    assert dt.date.today().isoformat() not in text and not re.search(r"\d{4}-\d{2}", text)  # dates from the source, never today's
    result = runner.invoke(main, ["check", "--data", str(data)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors and all("est encore le texte du modèle" in e or e.endswith("est vide : à compléter") for e in errors), errors
    assert all(f"{NEW[name][0]}/ma-nouvelle.yaml:" in e for e in errors)  # nothing reported elsewhere for it


@pytest.mark.parametrize("name", ["proposition", "action"])
def test_a_new_draft_passes_check_strict_with_its_to_dos(runner: CliRunner, tmp_path: Path, name: str) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = _new(runner, data, name)
    path.write_text(path.read_text("utf-8").replace('title: "À COMPLÉTER : intitulé', 'title: "Mon intitulé') + "draft: true\n",
                    "utf-8")
    result = runner.invoke(main, ["check", "--data", str(data), "--strict"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert warnings and all(": warning: brouillon : " in w for w in warnings)
    assert any(w.endswith("brouillon : champ « published » à compléter") for w in warnings)
    assert "« à compléter » de brouillons, qui ne bloquent pas" in result.output.splitlines()[-1]


def test_new_takes_french_and_english_names_and_refuses_others_in_french(runner: CliRunner, tmp_path: Path) -> None:
    data, other = tmp_path / "content", tmp_path / "autre"
    shutil.copytree(VALID, data)
    shutil.copytree(VALID, other)
    for name, english in ENGLISH.items():
        extra = ["--document", "livre-essai"] if name == "axe" else []
        french = runner.invoke(main, ["new", name, "nouvelle", "--data", str(data), *extra])
        alias = runner.invoke(main, ["new", english, "nouvelle", "--data", str(other), *extra])
        assert french.exit_code == alias.exit_code == 0, french.output + alias.output
        mine = Path(NEW[name][0]) / "nouvelle.yaml"
        assert (data / mine).read_text("utf-8") == (other / mine).read_text("utf-8").replace("/autre/", "/content/")
    result = runner.invoke(main, ["new", "propositon", "x", "--data", str(data)], prog_name="kb")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Erreur : type « propositon » inconnu (vouliez-vous dire « proposition » ?) : document, axe, proposition, action, organisation "
        "(en anglais : document, axis, proposal, action, organisation)")
    assert "'" not in result.stderr.splitlines()[-1]


def test_new_axis_names_its_document_and_lists_its_axes(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    result = runner.invoke(main, ["new", "axe", "nouvel-axe", "--data", str(data)])
    assert result.exit_code == 1
    assert result.stderr == "kb new : un axe appartient à un document : kb new axe nouvel-axe --document ID_DU_DOCUMENT\n"
    result = runner.invoke(main, ["new", "axe", "nouvel-axe", "--document", "livre-esai", "--data", str(data)])
    assert result.exit_code == 1 and "document « livre-esai » introuvable (vouliez-vous dire « livre-essai » ?)" in result.stderr
    text = _new(runner, data, "axe", "nouvel-axe").read_text("utf-8")
    assert "document: livre-essai\n# Les axes du document « livre-essai » :\n#   1. foncier-essai — Accès au foncier\n" in text
    assert "#   2. energie-essai — Souveraineté énergétique\n" in text and "\norder: 3 " in text
    # A proposal may name its document too: its axes are listed where the axis is chosen.
    result = runner.invoke(main, ["new", "proposition", "p", "--document", "rapport-essai", "--data", str(data)])
    assert result.exit_code == 0, result.output
    text = (data / "proposals" / "p.yaml").read_text("utf-8")
    assert "document: rapport-essai " in text and "# Les axes du document « rapport-essai » :\n#   1. rapport-axe — " in text
    assert runner.invoke(main, ["new", "action", "a", "--document", "livre-essai", "--data", str(data)]).exit_code == 1


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


def test_serve_on_a_busy_port_says_so_in_french_and_names_the_port_setting(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from flask import Flask

    # Nothing may start here: had the port not been found busy, the test fails instead of serving.
    monkeypatch.setattr(Flask, "run", lambda *_a, **_k: pytest.fail("kb serve started a server on a busy port"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr == (f"kb serve : le port {port} est déjà utilisé par un autre programme (un autre « make run » ?) : "
                             f"arrêtez-le, ou choisissez un autre port avec le réglage PORT : make run PORT={port + 1} "
                             f"(ou kb serve --port {port + 1}).\n")
