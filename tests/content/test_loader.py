"""Each invalid file is reported with its exact file, line and message; valid content loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.content import check, load_all
from kb.content.problems import errors
from tests.support.corpora import DATA, VALID

# failure folder → the exact problems (path relative to the content folder, line, message)
EXPECTED: dict[str, list[tuple[str, int, str]]] = {
    "yaml-syntax": [
        (
            "proposals/yaml-syntax.yaml",
            6,
            "syntaxe YAML invalide : crochet « [ » ouvert ligne 6 jamais fermé (l'analyse s'est arrêtée ligne 7)",
        )
    ],
    "bad-indentation": [
        (
            "proposals/bad-indentation.yaml",
            2,
            "syntaxe YAML invalide : deux-points inattendu : indentation incorrecte ou texte à mettre entre guillemets",
        )
    ],
    "tab-indentation": [("proposals/tab-indentation.yaml", 7, "tabulation dans l'indentation : indentez avec des espaces")],
    "duplicate-key": [("proposals/duplicate-key.yaml", 10, "clé « title » en double (déjà à la ligne 1)")],
    "unknown-key": [("proposals/unknown-key.yaml", 1, "clé inconnue « titel » (vouliez-vous dire « title » ?)")],
    "missing-field": [("proposals/missing-field.yaml", 1, "champ obligatoire « summary » manquant")],
    "wrong-type": [("proposals/wrong-type.yaml", 10, "« flagship » doit valoir true ou false")],
    "impossible-date": [("proposals/impossible-date.yaml", 8, "date impossible « 2025-13-01 »")],
    "bad-enum": [
        (
            "proposals/bad-enum.yaml",
            5,
            "valeur « adoptée » invalide pour « status » : valeurs permises : "
            "proposee, en-discussion, reprise-partiellement, adoptee, mise-en-oeuvre, abandonnee",
        )
    ],
    "id-differs-from-stem": [
        ("proposals/id-differs-from-stem.yaml", 1, "l'id « autre-id » diffère du nom du fichier « id-differs-from-stem »")
    ],
    "bad-filename": [
        (
            "proposals/Majuscules.yaml",
            1,
            "nom de fichier « Majuscules » invalide : l'id s'écrit en minuscules, chiffres et tirets (80 caractères au plus)",
        )
    ],
    "duplicate-id": [("actions/pass-foncier.yaml", 1, "id « pass-foncier » déjà utilisé par proposition proposals/pass-foncier.yaml:1")],
    "dangling-reference": [("proposals/dangling-reference.yaml", 5, "proposition liée « proposition-inconnue » introuvable")],
    "axis-of-other-document": [
        (
            "proposals/axis-of-other-document.yaml",
            4,
            "l'axe « rapport-axe » appartient au document « rapport-essai », pas à « livre-essai » ; "
            "axes du document « livre-essai » : foncier-essai, energie-essai",
        )
    ],
    "alias-collision": [
        ("proposals/alias-collision.yaml", 10, "l'alias « energie-locale » est déjà l'id de proposition proposals/energie-locale.yaml"),
        ("proposals/pass-foncier.yaml", 23, "l'alias « ancien-pass-foncier » est déjà un alias de proposals/alias-collision.yaml:10"),
    ],
    "non-utf8": [("proposals/non-utf8.yaml", 2, "le fichier n'est pas en UTF-8 (réenregistrez-le en UTF-8)")],
    "empty-file": [("proposals/empty-file.yaml", 1, "fichier vide")],
    "list-not-mapping": [("proposals/list-not-mapping.yaml", 1, "le fichier doit contenir un objet (clé: valeur), pas une liste")],
    "summary-too-long": [("proposals/summary-too-long.yaml", 2, "« summary » dépasse 400 caractères (401)")],
    "missing-source": [("proposals/missing-source.yaml", 7, "une source doit avoir « document » ou « url »")],
    "duplicate-insee": [("regions.yaml", 9, "code INSEE « 28 » déjà attribué à « normandie »")],
    "editorial-without-note": [
        (
            "actions/editorial-without-note.yaml",
            5,
            "rapprochement éditorial vers « pass-foncier » sans « note » : dites pourquoi la base fait ce lien",
        )
    ],
    "echo-of-own-axis": [
        (
            "proposals/echo-of-own-axis.yaml",
            5,
            "« echoes » nomme l'axe « energie-essai » de son propre document : un écho rapproche l'axe d'un autre document",
        )
    ],
    "echo-unknown-axis": [("proposals/echo-unknown-axis.yaml", 6, "axe « axe-inconnu » introuvable")],
    "region-filieres-without-source": [
        ("regions.yaml", 1, "une région qui a un résumé ou des filières doit citer ses « sources »"),
        ("regions.yaml", 4, "filière « metallurgie » introuvable"),
    ],
    # Left from `kb new`: each marker once, where it is written (the placeholder document is not « introuvable » too).
    "template-placeholder": [
        (
            "proposals/nouvelle-mesure.yaml",
            2,
            "« title » est encore le texte du modèle (« À COMPLÉTER : intitulé de la proposition ») : remplacez-le",
        ),
        ("proposals/nouvelle-mesure.yaml", 4, "« document » est encore le texte du modèle (« a-completer-id-du-document ») : remplacez-le"),
        (
            "proposals/nouvelle-mesure.yaml",
            9,
            "« sources[0].url » est encore le texte du modèle (« https://a-completer.example/page ») : remplacez-le",
        ),
        (
            "proposals/nouvelle-mesure.yaml",
            10,
            "« sources[0].quote » est encore le texte du modèle (« À COMPLÉTER : citation exacte ») : remplacez-le",
        ),
    ],
    # The quote left open on line 1 runs to the next quote, on line 8, where the parser gives up: line 1 is reported.
    "unclosed-quote": [
        (
            "proposals/unclosed-quote.yaml",
            1,
            "syntaxe YAML invalide : guillemet ouvert ligne 1 jamais fermé : le texte continue jusqu'au guillemet de la ligne 8 "
            "(l'analyse s'est arrêtée ligne 8)",
        )
    ],
    "yaml-alias": [
        ("proposals/yaml-alias.yaml", 2, "ancre « &resume » interdite : une fiche écrit chaque valeur en entier"),
        ("proposals/yaml-alias.yaml", 3, "alias « *resume » interdit : recopiez la valeur (ancres et alias ne sont pas permis)"),
    ],
    "yaml-tag": [
        (
            "proposals/yaml-tag.yaml",
            1,
            "étiquette « !!python/object/apply:os.system » interdite : écrivez la valeur simplement, entre guillemets si besoin",
        )
    ],
    "huge-integer": [
        ("proposals/huge-integer.yaml", 6, "nombre de 5000 chiffres : 18 au plus (mettez-le entre guillemets si c'est un texte)")
    ],
}


def overlay(case: str, tmp_path: Path) -> Path:
    """The valid corpus with one failure's files laid over it."""
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    shutil.copytree(DATA / "invalid" / case, data, dirs_exist_ok=True)
    return data


def test_every_invalid_case_has_an_expectation() -> None:
    assert sorted(p.name for p in (DATA / "invalid").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_file_reports_file_line_and_message(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = overlay(case, tmp_path)
    monkeypatch.chdir(data)
    _corpus, problems = check(Path("."))
    found = [(p.path.removeprefix("./"), p.line, p.message) for p in errors(problems)]
    assert sorted(found) == sorted(EXPECTED[case])


def test_valid_corpus_has_no_problem() -> None:
    _corpus, problems = check(VALID)
    assert problems == []


def test_valid_corpus_loads_every_kind() -> None:
    corpus = load_all(VALID)
    counts = {kind: len(corpus.of(kind)) for kind in ("document", "axis", "proposal", "action", "sector", "region")}
    assert counts == {"document": 2, "axis": 3, "proposal": 3, "action": 1, "sector": 2, "region": 2}
    assert corpus.synonyms[0] == ["pmi", "pme", "tpe"]


def test_dates_stay_strings_until_the_model_parses_them() -> None:
    corpus = load_all(VALID)
    doc = next(r for r in corpus.of("document") if r.id == "rapport-essai")
    assert doc.model.published == "2025-06"  # a partial date is kept as written


def test_javascript_url_is_a_warning_not_an_error(tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = data / "documents" / "rapport-essai.yaml"
    path.write_text(path.read_text("utf-8").replace("https://exemple.test/rapport", "javascript:alert(1)"), "utf-8")
    _corpus, problems = check(data)
    assert [(p.level, p.line) for p in problems] == [("warning", 5)]
    assert "seules les adresses http(s) sont affichées" in problems[0].message


def test_missing_nested_key_points_at_its_mapping(tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = data / "proposals" / "energie-locale.yaml"
    text = path.read_text("utf-8").replace(
        "sources:\n  - url: https://exemple.test/energie\n",
        "status_history:\n  - status: proposee\nsources:\n  - url: https://exemple.test/energie\n",
    )
    path.write_text(text, "utf-8")
    _corpus, problems = check(data)
    assert [(p.line, p.message) for p in problems] == [(10, "champ obligatoire « status_history[0].date » manquant")]


def test_impossible_full_date_names_the_field(tmp_path: Path) -> None:
    data = tmp_path / "content"
    shutil.copytree(VALID, data)
    path = data / "proposals" / "energie-locale.yaml"
    path.write_text(path.read_text("utf-8").replace("updated: 2025-12-01", "updated: 2025-02-30"), "utf-8")
    _corpus, problems = check(data)
    assert [(p.line, p.message) for p in problems] == [
        (12, "date impossible ou mal écrite « 2025-02-30 » pour « updated » (attendu AAAA-MM-JJ)")
    ]
