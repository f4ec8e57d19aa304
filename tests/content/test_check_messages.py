"""What used to slip past the editor's tools: template text left in a record, one fault reported many times, YAML
errors in English at the wrong line. Each probe of issue 16, with the exact message and line, on a copy of the valid
corpus laid out as the shipped content is (« proposals/ » under the working directory), so that editors may rename or
rewrite any shipped record without touching these tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content import check, load_all
from kb.content.importer import ImportRefused, import_file
from kb.content.problems import errors
from tests.support.corpora import DATA, VALID


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid corpus as « proposals/ », the working directory at its parent (paths print « proposals/… »)."""
    shutil.copytree(VALID, tmp_path / "proposals")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "proposals"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _lines(output: str, level: str) -> list[str]:
    return [line for line in output.splitlines() if f": {level}: " in line]


def _line(path: Path, text: str, nth: int = 1) -> int:
    """The line of the ``nth`` occurrence of ``text`` in a file."""
    found = [n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if text in row]
    return found[nth - 1]


# ---- 1. placeholders are errors ----------------------------------------------------------------------------------


def test_a_template_with_only_its_id_changed_is_refused_by_check_and_build(runner: CliRunner, shipped: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["new", "proposition", "test-x"])
    assert result.exit_code == 0, result.output
    # kb new says how to see what remains to fill.
    assert result.output.splitlines() == [
        "Créé : proposals/proposals/test-x.yaml",
        "Complétez-le ; ce qui reste à remplir : kb check proposals/proposals/test-x.yaml",
    ]
    record = shipped / "proposals" / "test-x.yaml"
    for marker, real in (("a-completer-id-du-document", "livre-essai"), ("a-completer-id-de-l-axe", "foncier-essai")):
        record.write_text(record.read_text("utf-8").replace(marker, real), "utf-8")
    result = runner.invoke(main, ["check", "proposals/proposals/test-x.yaml"])
    assert result.exit_code == 1
    # Template text where it is written, each date and status left empty for the editor to take from the source.
    assert _lines(result.output, "error") == [
        "proposals/proposals/test-x.yaml:7: error: « title » est encore le texte du modèle (« À COMPLÉTER : intitulé de la proposition ») :"
        " remplacez-le",
        "proposals/proposals/test-x.yaml:9: error: « summary » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/proposals/test-x.yaml:11: error: « body » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/proposals/test-x.yaml:19: error: « status » est vide : à compléter",
        "proposals/proposals/test-x.yaml:21: error: « status_history[0].date » est vide : à compléter",
        "proposals/proposals/test-x.yaml:22: error: « status_history[0].status » est vide : à compléter",
        "proposals/proposals/test-x.yaml:23: error: « status_history[0].note » est encore le texte du modèle (« À COMPLÉTER ») :"
        " remplacez-le",
        "proposals/proposals/test-x.yaml:29: error: « sources[0].url » est encore le texte du modèle (« https://a-completer.example/page »)"
        " : remplacez-le",
        "proposals/proposals/test-x.yaml:30: error: « sources[0].quote » est encore le texte du modèle (« À COMPLÉTER : citation exacte »)"
        " : remplacez-le",
        "proposals/proposals/test-x.yaml:32: error: « published » est vide : à compléter",
        "proposals/proposals/test-x.yaml:33: error: « updated » est vide : à compléter",
    ]
    assert result.output.splitlines()[-1] == "1 fichier vérifié : 11 erreurs, 0 avertissement."
    built = runner.invoke(
        main, ["build", "--index", str(tmp_path / "idx"), "--database", f"sqlite:///{tmp_path / 'kb.sqlite'}"]
    )
    assert built.exit_code == 1 and "Construction annulée" in built.output
    assert not (tmp_path / "idx" / "CURRENT").exists()


def test_placeholders_in_a_draft_are_to_dos_that_strict_lets_pass(runner: CliRunner, shipped: Path) -> None:
    assert runner.invoke(main, ["new", "action", "action-x"]).exit_code == 0
    record = shipped / "actions" / "action-x.yaml"
    _edit(record, "region: a-completer-id-de-region", "region: normandie\ndraft: true")
    result = runner.invoke(main, ["check", "proposals/actions/action-x.yaml"])
    assert result.exit_code == 0, result.output
    assert _lines(result.output, "error") == []
    assert _lines(result.output, "warning") == [
        "proposals/actions/action-x.yaml:7: warning: brouillon : champ « published » à compléter",
        "proposals/actions/action-x.yaml:7: warning: brouillon : champ « status » à compléter",
        "proposals/actions/action-x.yaml:7: warning: brouillon : champ « updated » à compléter",
        "proposals/actions/action-x.yaml:7: warning: brouillon : « title » est encore le texte du modèle (« À COMPLÉTER : intitulé de"
        " l'action ») : remplacez-le",
        "proposals/actions/action-x.yaml:8: warning: brouillon : « summary » est encore le texte du modèle (« À COMPLÉTER (400 caractères"
        " au plus, texte simple, avec nos… ») : remplacez-le",
        "proposals/actions/action-x.yaml:9: warning: brouillon : « body » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/actions/action-x.yaml:13: warning: brouillon : « organisation » est encore le texte du modèle"
        " (« a-completer-id-de-l-organisation ») : remplacez-le",
        "proposals/actions/action-x.yaml:19: warning: brouillon : « sources[0].url » est encore le texte du modèle"
        " (« https://a-completer.example/page ») : remplacez-le",
        "proposals/actions/action-x.yaml:20: warning: brouillon : « sources[0].quote » est encore le texte du modèle (« À COMPLÉTER :"
        " citation exacte ») : remplacez-le",
    ]
    # A draft's to-dos never block, --strict included (drafts may be committed: they are never public); the summary says so.
    strict = runner.invoke(main, ["check", "--strict", "proposals/actions/action-x.yaml"])
    assert strict.exit_code == 0
    assert strict.output.splitlines()[-1] == (
        "1 fichier vérifié : 0 erreur, 9 avertissements (dont 9 « à compléter » de brouillons, qui ne bloquent pas).")


def test_lowercase_a_completer_is_ordinary_french(shipped: Path) -> None:
    # Only the template's markers count: « un décret à compléter » is a sentence, not a placeholder.
    _edit(shipped / "proposals" / "pass-foncier.yaml", "summary: ", "summary: Un décret à compléter. ")
    _corpus, problems = check(shipped)
    assert errors(problems) == []


def test_check_of_a_file_outside_the_content_is_a_usage_error(runner: CliRunner, shipped: Path) -> None:
    result = runner.invoke(main, ["check", "README.md"], prog_name="kb")
    assert result.exit_code == 2
    assert "Erreur : pas un fichier du dossier de contenu « proposals » : README.md" in result.output


# ---- 2. one fault, one message -------------------------------------------------------------------------------------


def test_two_faults_give_exactly_two_errors_and_notes_where_they_are_referenced(runner: CliRunner, shipped: Path) -> None:
    pass_foncier, sanctuaire = shipped / "proposals" / "pass-foncier.yaml", shipped / "proposals" / "sanctuaire-foncier.yaml"
    _edit(pass_foncier, "\nflagship:", "\nflagshp:")
    _edit(sanctuaire, "\nstatus: proposee\n", "\nstatus: adoptée\n")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert _lines(result.output, "error") == [
        "proposals/proposals/pass-foncier.yaml:9: error: clé inconnue « flagshp » (vouliez-vous dire « flagship » ?)",
        "proposals/proposals/sanctuaire-foncier.yaml:9: error: valeur « adoptée » invalide pour « status » : valeurs permises : "
        "proposee, en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre, abandonnee",
    ]
    # Each reference to one of them says so where it is written — pass-foncier's own too, read in the same run.
    assert _lines(result.output, "note") == [
        "proposals/actions/implantation-normandie.yaml:7: note: renvoie à « pass-foncier », qui a des erreurs",
        "proposals/proposals/pass-foncier.yaml:19: note: renvoie à « sanctuaire-foncier », qui a des erreurs",
    ]
    assert "introuvable" not in result.output and "liens publiés" not in result.output
    assert result.output.splitlines()[-1].endswith("fichiers vérifiés : 2 erreurs, 0 avertissement.")


def test_a_broken_list_entry_keeps_its_id_and_an_unreadable_list_hides_no_fault_twice(runner: CliRunner, shipped: Path) -> None:
    regions = shipped / "regions.yaml"
    original = regions.read_text("utf-8")
    _edit(regions, 'insee: "28"', 'insee: "2B8"')  # normandie's entry fails; its id is still known
    result = runner.invoke(main, ["check"])
    assert _lines(result.output, "error") == [
        'proposals/regions.yaml:3: error: « 2B8 » n\'est pas un code INSEE de région valide pour « insee » (deux chiffres, entre '
        'guillemets : "28")'
    ]
    assert _lines(result.output, "note") == [
        "proposals/actions/implantation-normandie.yaml:4: note: renvoie à « normandie », qui a des erreurs",
        "proposals/organisations/federation-essai-normandie.yaml:4: note: renvoie à « normandie », qui a des erreurs",
        "proposals/proposals/energie-locale.yaml:7: note: renvoie à « normandie », qui a des erreurs",
    ]
    regions.write_text(original.replace("- id: normandie", "- id: [normandie"), "utf-8")  # the whole list unreadable
    result = runner.invoke(main, ["check"])
    assert len(_lines(result.output, "error")) == 1 and "proposals/regions.yaml:" in _lines(result.output, "error")[0]
    assert _lines(result.output, "note") == [] and "introuvable" not in result.output


def test_a_folder_linked_out_of_the_content_is_one_message(shipped: Path, tmp_path: Path) -> None:
    outside = tmp_path / "axes-ailleurs"
    (shipped / "axes").rename(outside)
    (shipped / "axes").symlink_to(outside)
    _corpus, problems = check(shipped)
    assert [(p.path.removeprefix(str(shipped)), p.line) for p in errors(problems)] == [("/axes", 0)]
    assert errors(problems)[0].format() == f"proposals/axes: error: lien symbolique vers « {outside} », hors du dossier de contenu : non lu"


def test_import_names_a_document_that_has_errors(shipped: Path, tmp_path: Path) -> None:
    _edit(shipped / "documents" / "livre-essai.yaml", "\nkind: livre-blanc", "\nkind: livre")
    source = tmp_path / "livre.md"
    source.write_text("## Proposition 1 : Créer un pass\n\nTexte.\n", "utf-8")
    with pytest.raises(ImportRefused, match="le document « livre-essai » a des erreurs : corrigez-les d'abord"):
        import_file(source, "livre-essai", shipped)


def test_a_corpus_remembers_records_that_failed() -> None:
    corpus = load_all(DATA / "invalid" / "bad-enum")
    assert corpus.failed == {"proposal": {"bad-enum": str(DATA / "invalid" / "bad-enum" / "proposals" / "bad-enum.yaml")}}
    assert load_all(VALID).failed == {}


# ---- 3. YAML errors in French, at the right line -------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_where_it_opens(runner: CliRunner, shipped: Path) -> None:
    path = shipped / "proposals" / "pass-foncier.yaml"
    _edit(path, "title: Créer un pass foncier pour les PMI", 'title: "Créer un pass foncier pour les PMI')
    _edit(path, "note: Présentée dans le livre blanc.", 'note: "Présentée dans le livre blanc."')  # the next double quote
    result = runner.invoke(main, ["check", "proposals/proposals/pass-foncier.yaml"])
    assert _lines(result.output, "error") == [
        "proposals/proposals/pass-foncier.yaml:1: error: syntaxe YAML invalide : guillemet ouvert ligne 1 jamais "
        "fermé : le texte continue jusqu'au guillemet de la ligne 16 (l'analyse s'est arrêtée ligne 16)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('title: "abc\nsummary: x\n', 1, "guillemet ouvert ligne 1 jamais fermé (l'analyse s'est arrêtée ligne 3)"),
        ("title: x\nsummary\nbody: y\n", 2, "« : » attendu après une clé (ou texte à mettre entre guillemets)"),
        ("title: *important* truc\n", 1, "« * », « & » ou « ! » en début de valeur : mettez la valeur entre guillemets"),
        ("title: @truc\n", 1, "« @ » ne peut pas commencer une valeur : mettez la valeur entre guillemets"),
        ("title: x\n  summary: y\n", 2, "deux-points inattendu : indentation incorrecte ou texte à mettre entre guillemets"),
        (
            "title: x\n- a\n",
            2,
            "élément inattendu ici (un élément de liste « - ») : indentation incorrecte ou texte à mettre entre guillemets",
        ),
        ("tags: [a, b\nsummary: x\n", 1, "crochet « [ » ouvert ligne 1 jamais fermé (l'analyse s'est arrêtée ligne 2)"),
        ("a: {b: 1\n", 1, "accolade « { » ouverte ligne 1 jamais fermée (l'analyse s'est arrêtée ligne 2)"),
        ("title: x\n---\ntitle: y\n", 2, "un seul enregistrement par fichier (« --- » en trop)"),
        ("a: |x\n  b\n", 1, "après « | » ou « > », seuls « - », « + » ou un chiffre sont permis"),
        ('title: "a \\q"\n', 1, "séquence « \\q » inconnue entre guillemets doubles : écrivez « \\\\ » ou utilisez des guillemets simples"),
    ],
)
def test_yaml_syntax_errors_are_french(tmp_path: Path, text: str, line: int, message: str) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = data / "proposals" / "cassee.yaml"
    path.write_text(text, "utf-8")
    _corpus, problems = check(data)
    assert [(p.line, p.message) for p in problems if p.path == str(path)] == [(line, f"syntaxe YAML invalide : {message}")]
