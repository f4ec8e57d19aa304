"""Permanent links: retired.yaml, kb links freeze, the published-links check, 301/410 tombstones."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from kb import create_app
from kb.cli import main
from kb.content import check, load_all
from kb.content.permanence import PUBLISHED_FILE, load_retired, public_paths
from kb.web.typography import french
from tests.support.corpora import VALID
from tests.support.kit_corpus import build_kit


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the valid corpus."""
    dest = tmp_path / "content"
    shutil.copytree(VALID, dest)
    return dest


@pytest.fixture(scope="module")
def kit_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A client over the kit corpus (tombstones for energie-locale and ancienne-proposition)."""
    built = build_kit(tmp_path_factory.mktemp("links"))
    return create_app(built.config()).test_client()


def _errors(data: Path) -> list[str]:
    _corpus, problems = check(data)
    return [p.format(relative_to=data) for p in problems if p.level == "error"]


def _freeze(data: Path) -> list[str]:
    result = CliRunner().invoke(main, ["links", "freeze", "--data", str(data)])
    assert result.exit_code == 0, result.output
    return (data / PUBLISHED_FILE).read_text("utf-8").splitlines()


def test_freeze_lists_every_public_path_sorted(content: Path) -> None:
    lines = [x for x in _freeze(content) if not x.startswith("#")]
    assert lines == sorted(lines)
    for path in (
        "/",
        "/recherche",
        "/flux.atom",
        "/propositions/pass-foncier",
        "/propositions/ancien-pass-foncier",
        "/propositions/pass-foncier/carte.txt",
        "/propositions/pass-foncier/carte.md",
        "/propositions/pass-foncier/apercu.png",
        "/actions/implantation-normandie/carte",
        "/documents/livre-essai",
        "/documents/livre-essai/flux.atom",
        "/axes/foncier-essai/flux.atom",
        "/filieres/chimie/flux.atom",
        "/regions/normandie/flux.atom",
    ):
        assert path in lines, path
    assert "/documents/livre-essai/carte" not in lines


def test_removed_record_without_tombstone_fails_check_with_file_line_and_url(content: Path) -> None:
    lines = _freeze(content)
    (content / "proposals" / "energie-locale.yaml").unlink()
    errors = _errors(content)
    line = lines.index("/propositions/energie-locale") + 1
    assert any(e.startswith(f"{PUBLISHED_FILE}:{line}: error: ") and "« /propositions/energie-locale »" in e for e in errors), errors
    result = CliRunner().invoke(main, ["check", "--data", str(content)])
    assert result.exit_code == 1
    assert f"{PUBLISHED_FILE}:{line}:" in result.output and "/propositions/energie-locale" in result.output
    # The tombstone makes every published URL of the record answer again.
    (content / "retired.yaml").write_text("- id: energie-locale\n  date: 2026-01-05\n  reason: Fusionnée.\n", "utf-8")
    assert _errors(content) == []


def test_dropped_alias_fails_check(content: Path) -> None:
    lines = _freeze(content)
    path = content / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("aliases: [ancien-pass-foncier]\n", ""), "utf-8")
    errors = _errors(content)
    line = lines.index("/propositions/ancien-pass-foncier") + 1
    assert any(e.startswith(f"{PUBLISHED_FILE}:{line}: error: ") and "ancien-pass-foncier" in e for e in errors), errors


def test_freeze_refuses_to_forget_a_broken_url(content: Path) -> None:
    _freeze(content)
    (content / "proposals" / "energie-locale.yaml").unlink()
    result = CliRunner().invoke(main, ["links", "freeze", "--data", str(content)])
    assert result.exit_code == 1
    assert "/propositions/energie-locale" in (content / PUBLISHED_FILE).read_text("utf-8")


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        ("- id: pass-foncier\n  date: 2026-01-05\n  reason: x\n", 1, "encore l'id de"),
        ("- id: ancien-pass-foncier\n  date: 2026-01-05\n  reason: x\n", 1, "encore un alias de"),
        ("- id: vieux\n  date: 2026-01-05\n  reason: x\n  replacement: inconnu\n", 4, "remplacement « inconnu » introuvable"),
        ("- id: vieux\n  date: 2026-01-05\n  reason: x\n  replacement: ancien-pass-foncier\n", 4, "utilisez l'id actuel « pass-foncier »"),
        ("- id: vieux\n  date: 2026-13-05\n  reason: x\n", 2, "date"),
        ("- id: vieux\n  date: 2026-01-05\n", 1, "champ obligatoire « reason » manquant"),
        ("- id: vieux\n  date: 2026-01-05\n  reason: x\n  raison: y\n", 4, "clé inconnue « raison »"),
        ("- id: vieux\n  date: 2026-01-05\n  reason: x\n- id: vieux\n  date: 2026-01-06\n  reason: y\n", 4, "déjà retiré à la ligne 1"),
        ("id: vieux\n", 1, "liste"),
    ],
)
def test_retired_file_problems_name_their_line(content: Path, entry: str, line: int, message: str) -> None:
    (content / "retired.yaml").write_text(entry, "utf-8")
    errors = _errors(content)
    assert any(e.startswith(f"retired.yaml:{line}: error: ") and message in e for e in errors), errors


def test_tombstones_are_stored_and_their_paths_count_as_public(tmp_path: Path) -> None:
    from tests.support.kit_corpus import kit_source

    src = kit_source(tmp_path)
    retired, problems = load_retired(src)
    assert problems == [] and [r.id for r in retired] == ["energie-locale", "ancienne-proposition"]
    assert "/propositions/energie-locale" not in public_paths(load_all(src), retired)


def test_retired_record_page_answers_410_in_french(kit_client: FlaskClient) -> None:
    resp = kit_client.get("/propositions/energie-locale")
    assert resp.status_code == 410
    html = resp.get_data(as_text=True)
    assert "Fiche retirée" in html and "Proposition fusionnée dans un autre chantier." in html
    assert french("15 décembre 2025") in html  # typeset: no-break spaces in the date
    for path in ("/propositions/energie-locale/carte", "/actions/energie-locale", "/documents/energie-locale/flux.atom"):
        assert kit_client.get(path).status_code == 410, path


def test_retired_with_replacement_redirects_permanently(kit_client: FlaskClient) -> None:
    resp = kit_client.get("/propositions/ancienne-proposition")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/propositions/pass-foncier")
    card = kit_client.get("/propositions/ancienne-proposition/carte.md?utm_campaign=lettre")
    assert card.status_code == 301 and card.headers["Location"].endswith("/propositions/pass-foncier/carte.md?utm_campaign=lettre")


def test_unknown_id_still_404_and_alias_still_301(kit_client: FlaskClient) -> None:
    assert kit_client.get("/propositions/jamais-vue").status_code == 404
    resp = kit_client.get("/propositions/ancien-pass-foncier")
    assert resp.status_code == 301 and re.search(r"/propositions/pass-foncier$", resp.headers["Location"])
