"""What used to slip past the editor's tools: template text left in a record, one fault reported many times, YAML
errors in English at the wrong line. Each probe of issue 16 on the shipped content, with the exact message and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.content import check, load_all
from kb.content.importer import ImportRefused, import_file
from kb.content.problems import errors
from tests.support.corpora import DATA, ROOT, VALID

SHIPPED = ROOT / "proposals"


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped content, the working directory at its parent (paths print as « proposals/… »)."""
    shutil.copytree(SHIPPED, tmp_path / "proposals")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "proposals"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _lines(output: str, level: str) -> list[str]:
    return [line for line in output.splitlines() if f": {level}: " in line]


def _line(path: Path, text: str, nth: int = 1) -> int:
    """The line of the ``nth`` occurrence of ``text`` in a file of the shipped content (which its editors may move)."""
    found = [n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if text in row]
    return found[nth - 1]


# ---- 1. placeholders are errors ----------------------------------------------------------------------------------


def test_a_template_with_only_its_id_changed_is_refused_by_check_and_build(runner: CliRunner, shipped: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["new", "proposal", "test-x"])
    assert result.exit_code == 0, result.output
    # kb new says how to see what remains to fill.
    assert result.output.splitlines() == [
        "Créé : proposals/proposals/test-x.yaml",
        "Remplacez chaque « À COMPLÉTER » ; ce qui reste à remplir : kb check proposals/proposals/test-x.yaml",
    ]
    record = shipped / "proposals" / "test-x.yaml"
    for marker, real in (
        ("a-completer-id-du-document", "livre-blanc-redynamiser-l-industrie"),
        ("a-completer-id-de-l-axe", "axe-acces-au-foncier"),
    ):
        record.write_text(record.read_text("utf-8").replace(marker, real), "utf-8")
    result = runner.invoke(main, ["check", "proposals/proposals/test-x.yaml"])
    assert result.exit_code == 1
    assert _lines(result.output, "error") == [
        "proposals/proposals/test-x.yaml:3: error: « title » est encore le texte du modèle (« À COMPLÉTER : intitulé de la proposition ») :"
        " remplacez-le",
        "proposals/proposals/test-x.yaml:5: error: « summary » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/proposals/test-x.yaml:7: error: « body » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/proposals/test-x.yaml:19: error: « status_history[0].note » est encore le texte du modèle (« À COMPLÉTER ») :"
        " remplacez-le",
        "proposals/proposals/test-x.yaml:25: error: « sources[0].url » est encore le texte du modèle (« https://a-completer.example/page »)"
        " : remplacez-le",
        "proposals/proposals/test-x.yaml:26: error: « sources[0].quote » est encore le texte du modèle (« À COMPLÉTER : citation exacte »)"
        " : remplacez-le",
    ]
    assert result.output.splitlines()[-1] == "1 fichier vérifié : 6 erreurs, 0 avertissement."
    built = runner.invoke(
        main, ["build", "--index", str(tmp_path / "idx"), "--database", f"sqlite:///{tmp_path / 'kb.sqlite'}"]
    )
    assert built.exit_code == 1 and "Construction annulée" in built.output
    assert not (tmp_path / "idx" / "CURRENT").exists()


def test_placeholders_in_a_draft_are_warnings(runner: CliRunner, shipped: Path) -> None:
    assert runner.invoke(main, ["new", "action", "action-x"]).exit_code == 0
    record = shipped / "actions" / "action-x.yaml"
    _edit(record, "region: a-completer-id-de-region", "region: normandie\ndraft: true")
    result = runner.invoke(main, ["check", "proposals/actions/action-x.yaml"])
    assert result.exit_code == 0, result.output
    assert _lines(result.output, "error") == []
    assert _lines(result.output, "warning") == [
        "proposals/actions/action-x.yaml:3: warning: brouillon : « title » est encore le texte du modèle (« À COMPLÉTER : intitulé de"
        " l'action ») : remplacez-le",
        "proposals/actions/action-x.yaml:4: warning: brouillon : « summary » est encore le texte du modèle (« À COMPLÉTER (400 caractères"
        " au plus, texte simple) ») : remplacez-le",
        "proposals/actions/action-x.yaml:5: warning: brouillon : « body » est encore le texte du modèle (« À COMPLÉTER ») : remplacez-le",
        "proposals/actions/action-x.yaml:9: warning: brouillon : « organisation » est encore le texte du modèle"
        " (« a-completer-id-de-l-organisation ») : remplacez-le",
        "proposals/actions/action-x.yaml:15: warning: brouillon : « sources[0].url » est encore le texte du modèle"
        " (« https://a-completer.example/page ») : remplacez-le",
        "proposals/actions/action-x.yaml:16: warning: brouillon : « sources[0].quote » est encore le texte du modèle (« À COMPLÉTER :"
        " citation exacte ») : remplacez-le",
    ]
    assert runner.invoke(main, ["check", "--strict", "proposals/actions/action-x.yaml"]).exit_code == 1


def test_lowercase_a_completer_is_ordinary_french(shipped: Path) -> None:
    # Only the template's markers count: « un décret à compléter » is a sentence, not a placeholder.
    _edit(shipped / "proposals" / "pass-foncier-pmi.yaml", "summary: >-\n", "summary: >-\n  Un décret à compléter.\n")
    _corpus, problems = check(shipped)
    assert errors(problems) == []


def test_check_of_a_file_outside_the_content_is_a_usage_error(runner: CliRunner, shipped: Path) -> None:
    result = runner.invoke(main, ["check", "README.md"], prog_name="kb")
    assert result.exit_code == 2
    assert "Erreur : pas un fichier du dossier de contenu « proposals » : README.md" in result.output


# ---- 2. one fault, one message -------------------------------------------------------------------------------------


def test_two_faults_give_exactly_two_errors_and_notes_where_they_are_referenced(runner: CliRunner, shipped: Path) -> None:
    pass_foncier, coupe_file = shipped / "proposals" / "pass-foncier-pmi.yaml", shipped / "proposals" / "coupe-file-pmi.yaml"
    _edit(pass_foncier, "\nstatus: proposee\n", "\nstatus: adoptée\n")
    _edit(coupe_file, "\nflagship:", "\nflagshp:")
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert _lines(result.output, "error") == [
        f"proposals/proposals/coupe-file-pmi.yaml:{_line(coupe_file, 'flagshp:')}: error: clé inconnue « flagshp » "
        "(vouliez-vous dire « flagship » ?)",
        f"proposals/proposals/pass-foncier-pmi.yaml:{_line(pass_foncier, 'status: adoptée')}: error: valeur « adoptée » invalide pour "
        "« status » : valeurs permises : proposee, en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre, abandonnee",
    ]
    # Each action that carries one of them says so at the reference (as many as the shipped actions make).
    expected = []
    for name in sorted(p.name for p in (shipped / "actions").iterdir()):
        action = shipped / "actions" / name
        for target in ("coupe-file-pmi", "pass-foncier-pmi"):
            if f"id: {target}" in action.read_text("utf-8"):
                line = _line(action, f"id: {target}")
                expected.append((line, f"proposals/actions/{name}:{line}: note: renvoie à « {target} », qui a des erreurs"))
    assert _lines(result.output, "note") == [text for _line_no, text in sorted(expected, key=lambda e: (e[1].split(":")[0], e[0]))]
    assert expected
    assert "introuvable" not in result.output
    assert result.output.splitlines()[-1].endswith("fichiers vérifiés : 2 erreurs, 0 avertissement.")


def test_a_broken_list_entry_keeps_its_id_and_an_unreadable_list_hides_no_fault_twice(runner: CliRunner, shipped: Path) -> None:
    regions = shipped / "regions.yaml"
    original = regions.read_text("utf-8")
    _edit(regions, 'insee: "28"', 'insee: "2B8"')  # normandie's entry fails; its id is still known
    result = runner.invoke(main, ["check"])
    insee = _line(regions, 'insee: "2B8"')
    assert _lines(result.output, "error") == [
        f'proposals/regions.yaml:{insee}: error: « 2B8 » n\'est pas un code INSEE de région valide pour « insee » (deux chiffres, entre '
        'guillemets : "28")'
    ]
    notes = _lines(result.output, "note")
    folders = [shipped / folder for folder in ("actions", "organisations")]
    carriers = [p for folder in folders for p in folder.iterdir() if "region: normandie" in p.read_text("utf-8")]
    assert len(notes) == len(carriers) >= 1 and all(n.endswith("note: renvoie à « normandie », qui a des erreurs") for n in notes)
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
    _edit(shipped / "documents" / "livre-blanc-redynamiser-l-industrie.yaml", "\nkind: livre-blanc", "\nkind: livre")
    source = tmp_path / "livre.md"
    source.write_text("## Proposition 1 : Créer un pass\n\nTexte.\n", "utf-8")
    with pytest.raises(ImportRefused, match="le document « livre-blanc-redynamiser-l-industrie » a des erreurs : corrigez-les d'abord"):
        import_file(source, "livre-blanc-redynamiser-l-industrie", shipped)


def test_a_corpus_remembers_records_that_failed() -> None:
    corpus = load_all(DATA / "invalid" / "bad-enum")
    assert corpus.failed == {"proposal": {"bad-enum": str(DATA / "invalid" / "bad-enum" / "proposals" / "bad-enum.yaml")}}
    assert load_all(VALID).failed == {}


# ---- 3. YAML errors in French, at the right line -------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_where_it_opens(runner: CliRunner, shipped: Path) -> None:
    path = shipped / "proposals" / "pass-foncier-pmi.yaml"
    _edit(path, 'title: "Créer un « pass foncier PMI »"', 'title: "Créer un « pass foncier PMI »')
    rows = path.read_text("utf-8").splitlines()
    opened = _line(path, "title: ")
    closed = next(n for n, row in enumerate(rows, 1) if n > opened and '"' in row)  # the next double quote closes the title's
    result = runner.invoke(main, ["check", "proposals/proposals/pass-foncier-pmi.yaml"])
    assert closed > opened + 10
    assert _lines(result.output, "error") == [
        f"proposals/proposals/pass-foncier-pmi.yaml:{opened}: error: syntaxe YAML invalide : guillemet ouvert ligne {opened} jamais "
        f"fermé : le texte continue jusqu'au guillemet de la ligne {closed} (l'analyse s'est arrêtée ligne {closed})"
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
