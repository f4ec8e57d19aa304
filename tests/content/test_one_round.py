"""One round of `kb check` (issue 25): every problem of a file in one run, references and addresses included even when
other fields are invalid; « vouliez-vous dire » for every unknown id, a document's axes for a wrong axis; one message
for a renamed record; one stream, in file order; --strict says why it fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content import check
from tests.support.corpora import VALID

EIGHT_FAULTS = """\
title: Une proposition à huit fautes
summary: Un résumé écrit avec nos mots.
document: livre-essai
axis: foncier-esai
flagshp: true
sectors: [automobil]
regions: [normandy]
status: adoptée
related: [pass-fonciers]
sources:
  - document: livre-essai
    url: https://exemple.test:443/page
published: 2025-13-01
updated: 2025-12-01
"""


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid corpus as « proposals/ », the working directory at its parent."""
    shutil.copytree(VALID, tmp_path / "proposals")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "proposals"


def _check(*args: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_a_file_with_eight_faults_gets_all_eight_messages_in_one_run(content: Path) -> None:
    (content / "proposals" / "huit-fautes.yaml").write_text(EIGHT_FAULTS, "utf-8")
    code, lines, stderr = _check()
    assert code == 1
    assert lines == [
        "proposals/proposals/huit-fautes.yaml:4: error: axe « foncier-esai » introuvable (vouliez-vous dire « foncier-essai » ?) ; "
        "axes du document « livre-essai » : foncier-essai, energie-essai",
        "proposals/proposals/huit-fautes.yaml:5: error: clé inconnue « flagshp » (vouliez-vous dire « flagship » ?)",
        "proposals/proposals/huit-fautes.yaml:6: error: filière « automobil » introuvable (vouliez-vous dire « automobile » ?)",
        "proposals/proposals/huit-fautes.yaml:7: error: région « normandy » introuvable (vouliez-vous dire « normandie » ?)",
        "proposals/proposals/huit-fautes.yaml:8: error: valeur « adoptée » invalide pour « status » : valeurs permises : proposee, "
        "en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre, abandonnee",
        "proposals/proposals/huit-fautes.yaml:9: error: proposition liée « pass-fonciers » introuvable "
        "(vouliez-vous dire « pass-foncier » ?)",
        "proposals/proposals/huit-fautes.yaml:12: warning: port par défaut « :443 » inutile dans « https://exemple.test:443/page » "
        "(kb check --fix-urls le retire)",
        "proposals/proposals/huit-fautes.yaml:13: error: date impossible « 2025-13-01 »",
        "16 fichiers vérifiés : 7 erreurs, 1 avertissement.",
    ]
    assert stderr == ""  # one stream, in file order: the report is the command's output


def test_a_list_item_at_fault_leaves_the_others_checked(content: Path) -> None:
    # The faulty source is left out of what is read; the next one is still checked, at its own line.
    text = EIGHT_FAULTS.replace("    url: https://exemple.test:443/page\n",
                                "    url: https://exemple.test/page\n  - quote: sans document ni adresse\n"
                                "  - document: livre-esai\n")
    (content / "proposals" / "huit-fautes.yaml").write_text(text, "utf-8")
    _code, lines, _stderr = _check("proposals/proposals/huit-fautes.yaml")
    assert "proposals/proposals/huit-fautes.yaml:13: error: une source doit avoir « document » ou « url »" in lines
    assert ("proposals/proposals/huit-fautes.yaml:14: error: document « livre-esai » introuvable (vouliez-vous dire « livre-essai » ?)"
            in lines)


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        ("proposals/pass-foncier.yaml", "document: livre-essai", "document: livre-esai",
         "document « livre-esai » introuvable (vouliez-vous dire « livre-essai » ?)"),
        ("proposals/pass-foncier.yaml", "    source: livre-essai", "    source: livre-esai",
         "source « livre-esai » : ni un document de la base, ni une adresse http(s) (vouliez-vous dire « livre-essai » ?)"),
        ("actions/implantation-normandie.yaml", "  - id: pass-foncier", "  - id: pass-fonciers",
         "proposition « pass-fonciers » introuvable (vouliez-vous dire « pass-foncier » ?)"),
        ("actions/implantation-normandie.yaml", "region: normandie", "region: normandy",
         "région « normandy » introuvable (vouliez-vous dire « normandie » ?)"),
        ("actions/implantation-normandie.yaml", "organisation: federation-essai-normandie", "organisation: federation-normandie",
         "organisation « federation-normandie » introuvable (vouliez-vous dire « federation-essai-normandie » ?)"),
        ("axes/foncier-essai.yaml", "document: livre-essai", "document: livre-esai",
         "document « livre-esai » introuvable (vouliez-vous dire « livre-essai » ?)"),
        ("proposals/sanctuaire-foncier.yaml", "  - id: foncier-essai", "  - id: foncier-esai",
         "axe « foncier-esai » introuvable (vouliez-vous dire « foncier-essai » ?)"),
        ("proposals/pass-foncier.yaml", "axis: foncier-essai", "axis: rapport-axe",
         "l'axe « rapport-axe » appartient au document « rapport-essai », pas à « livre-essai » ; axes du document « livre-essai » : "
         "foncier-essai, energie-essai"),
        ("proposals/pass-foncier.yaml", "axis: foncier-essai", "axis: tout-autre-chose",
         "axe « tout-autre-chose » introuvable ; axes du document « livre-essai » : foncier-essai, energie-essai"),
    ],
)
def test_every_unknown_id_gets_the_nearest_known_ones(content: Path, path: str, old: str, new: str, message: str) -> None:
    target = content / path
    text = target.read_text("utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), "utf-8")
    _corpus, problems = check(content)
    assert [p.message for p in problems if p.level == "error"] == [message]


def test_a_proposal_of_a_document_without_axes_is_told_how_to_make_one(content: Path) -> None:
    axis = content / "axes" / "rapport-axe.yaml"
    axis.unlink()
    _corpus, problems = check(content)
    assert [p.message for p in problems if p.level == "error"] == [
        "axe « rapport-axe » introuvable ; le document « rapport-essai » n'a encore aucun axe (kb new axe ID --document rapport-essai)"
    ]


def _freeze() -> None:
    result = CliRunner().invoke(main, ["links", "freeze"])
    assert result.exit_code == 0, result.output


def test_a_renamed_record_gets_one_message_saying_to_add_its_alias(content: Path) -> None:
    _freeze()
    published = (content / "published-links.txt").read_text("utf-8").splitlines()
    old = content / "proposals" / "pass-foncier.yaml"
    new = content / "proposals" / "pass-foncier-pmi.yaml"
    old.rename(new)
    for path in content.rglob("*.yaml"):  # its references follow it, as an editor would do
        path.write_text(path.read_text("utf-8").replace("pass-foncier\n", "pass-foncier-pmi\n").replace("[pass-foncier]",
                                                                                                           "[pass-foncier-pmi]"), "utf-8")
    code, lines, _stderr = _check()
    first = published.index("/propositions/pass-foncier") + 1
    gone = [p for p in published if p.startswith("/propositions/pass-foncier")]
    assert code == 1 and lines == [
        f"proposals/published-links.txt:{first}: error: « /propositions/pass-foncier » et {len(gone) - 1} autres liens publiés de "
        "« pass-foncier » ne répondent plus : aucune fiche n'a l'id « pass-foncier ». Si la fiche a été renommée, ajoutez "
        "« pass-foncier » à ses « aliases: » (proposals/proposals/pass-foncier-pmi.yaml ?) ; si elle a été supprimée, ajoutez une "
        "pierre tombale dans retired.yaml",
        "15 fichiers vérifiés : 1 erreur, 0 avertissement.",
    ]
    new.write_text(new.read_text("utf-8").replace("aliases: [ancien-pass-foncier]", "aliases: [ancien-pass-foncier, pass-foncier]"),
                   "utf-8")
    assert _check()[0] == 0


def test_a_renamed_document_is_told_to_leave_a_tombstone(content: Path) -> None:
    _freeze()
    (content / "documents" / "rapport-essai.yaml").rename(content / "documents" / "rapport-essai-2025.yaml")
    for path in content.rglob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace("rapport-essai\n", "rapport-essai-2025\n"), "utf-8")
    _code, lines, _stderr = _check()
    assert [line.split(": error: ")[1] for line in lines if ": error: " in line] == [
        "« /documents/rapport-essai » et un autre lien publié de « rapport-essai » ne "
        "répondent plus : aucune fiche n'a l'id « rapport-essai ». Ajoutez une pierre tombale dans retired.yaml, avec "
        "« replacement: » si la fiche a été renommée (proposals/documents/rapport-essai-2025.yaml ?) (une fiche de ce type ne garde "
        "pas d'ancien id)"
    ]


def test_published_links_are_checked_even_when_another_file_has_errors(content: Path) -> None:
    _freeze()
    (content / "proposals" / "energie-locale.yaml").unlink()
    (content / "proposals" / "huit-fautes.yaml").write_text(EIGHT_FAULTS, "utf-8")
    _code, lines, _stderr = _check()
    assert any("published-links.txt" in line and "« energie-locale »" in line for line in lines)
    # A record that has errors is reported in its own file only: its published links are not « gone ».
    (content / "proposals" / "huit-fautes.yaml").unlink()
    shutil.copy(VALID / "proposals" / "energie-locale.yaml", content / "proposals")
    pass_foncier = content / "proposals" / "pass-foncier.yaml"
    pass_foncier.write_text(pass_foncier.read_text("utf-8").replace("status: proposee\n", "status: adoptée\n"), "utf-8")
    _code, lines, _stderr = _check()
    assert [line for line in lines if "published-links.txt" in line] == []


def test_strict_says_that_warnings_made_it_fail(content: Path) -> None:
    path = content / "proposals" / "pass-foncier.yaml"
    path.write_text(path.read_text("utf-8").replace("  - document: livre-essai\n", "  - document: livre-essai\n"
                                                    "    url: https://exemple.test\n", 1), "utf-8")
    code, lines, _stderr = _check()
    assert code == 0 and lines[-1] == "15 fichiers vérifiés : 0 erreur, 1 avertissement."
    code, lines, _stderr = _check("--strict")
    assert code == 1 and lines[-2:] == [
        "15 fichiers vérifiés : 0 erreur, 1 avertissement.",
        "Échec avec --strict : l'avertissement ci-dessus fait échouer la vérification.",
    ]
