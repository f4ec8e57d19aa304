"""The `kb` program speaks French everywhere: Click's own texts (usage, --help, errors) through the compiled catalogue,
the build summary, search labels, and no line number on a folder."""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from kb.cli import main
from kb.cli.french import CATALOGUE
from tests.support.corpora import ROOT, VALID

PO = CATALOGUE.with_suffix(".po")
CLICK_DIR = Path(click.__file__).parent


def _catalogue() -> dict[str, str]:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    out = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        out.update(zip(ids, strs, strict=False))
    return out


def _english_fragments() -> list[str]:
    """The literal parts of every Click message that French writes differently (« Usage: », « Show this message »…)."""
    fragments = set()
    for msgid, msgstr in _catalogue().items():
        if msgid == msgstr:
            continue
        for part in re.split(r"\{[^}]*\}|%\([^)]*\)s", msgid):
            part = part.strip(" .:!?()'\n\t")
            if len(part) >= 4 and re.search(r"[A-Za-z]{3}", part):
                fragments.add(part)
    return sorted(fragments)


# Single words that French writes the same way, or that name options (« --max-file-kb »): not evidence of English.
SAME_IN_FRENCH = {"Option", "Options", "Argument", "file", "path"}
ENGLISH = [f for f in _english_fragments() if f not in SAME_IN_FRENCH]
# Click's names for value types, shown as placeholders (« --limit INTEGER RANGE ») unless a French one is given.
ENGLISH_PLACEHOLDERS = {"TEXT", "INTEGER", "FLOAT", "PATH", "FILENAME", "DIRECTORY", "BOOLEAN", "UUID", "DATETIME", "COMMAND", "ARGS"}
# Capitalised words a French help may show: placeholders chosen here, acronyms of the trade.
FRENCH_CAPITALS = {"OPTIONS", "COMMANDE", "ARGUMENTS", "FICHIER", "FICHIERS", "DOSSIER", "MOTS", "TYPE", "ID", "URL", "KIO", "N", "NOM",
                   "ADRESSE", "PORT", "BROUILLON", "AAAA", "MM", "JJ", "JSON", "CSV", "HTML", "PDF", "YAML", "PMI", "HTTP", "S", "UTF"}


def _commands() -> list[list[str]]:
    """Every command path of the program: the group, each command, each subcommand of a subgroup."""
    ctx = click.Context(main)
    paths = [[]]
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        paths.append([name])
        if isinstance(command, click.Group):
            paths += [[name, sub] for sub in command.list_commands(ctx)]
    return paths


COMMANDS = _commands()


def _assert_french(text: str, where: str) -> None:
    found = [f for f in ENGLISH if re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text)]
    assert found == [], f"{where}: Click's English left in the output: {found}\n{text}"
    capitals = set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", text)) - FRENCH_CAPITALS
    assert not capitals & ENGLISH_PLACEHOLDERS and not {c for c in capitals if "_" in c and not c.startswith("KB_")}, (
        f"{where}: English placeholders {sorted(capitals)}\n{text}"
    )


def test_the_check_sees_click_english() -> None:
    # The detector itself: Click's untranslated help and errors are caught.
    assert {"Usage", "Show this message and exit", "No such option", "is not a valid"} <= set(ENGLISH)
    raw = click.Command("x", params=[click.Option(["--n"], type=int)])
    with pytest.raises(AssertionError):
        _assert_french(raw.get_help(click.Context(raw)), "untranslated")


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "kb")
def test_every_help_is_in_french(runner: CliRunner, path: list[str]) -> None:
    result = runner.invoke(main, [*path, "--help"], prog_name="kb")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Utilisation : kb {' '.join(path)}".rstrip())
    assert "Affiche cette aide et quitte." in result.output
    _assert_french(result.output, " ".join(["kb", *path, "--help"]))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "kb")
def test_every_usage_error_is_in_french(runner: CliRunner, path: list[str]) -> None:
    result = runner.invoke(main, [*path, "--option-inconnue"], prog_name="kb")
    assert result.exit_code == 2
    assert "Erreur : Option inconnue « --option-inconnue »." in result.output
    assert f"Essayez « {' '.join(['kb', *path])} --help » pour l'aide." in result.output
    _assert_french(result.output, " ".join(["kb", *path]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "Erreur : Commande inconnue « nope »."),
        (["import"], "Erreur : Argument manquant 'FICHIER'."),
        (["import", "absent.pdf", "--document", "x"], "Erreur : Valeur invalide pour 'FICHIER' : Fichier « absent.pdf » introuvable."),
        (["search", "--limit", "abc", "x"], "Erreur : Valeur invalide pour '--limit' : « abc » n'est pas un entier valide."),
        (["search", "--limit", "0", "x"], "Erreur : Valeur invalide pour '--limit' : 0 n'est pas dans l'intervalle 1<=x<=100."),
        (["export", "--format", "xml", "--out", "x"], "Erreur : Valeur invalide pour '--format' : « xml » n'est pas l'une des valeurs"),
        (["digest", "--since", "2025-13-01"], "Erreur : Valeur invalide pour '--since' : « 2025-13-01 » n'est pas une date AAAA-MM-JJ."),
        (["new", "proposal"], "Erreur : Argument manquant 'ID'."),
        (["check", "--max-file-kb", "0"], "Erreur : Valeur invalide pour '--max-file-kb' : 0 n'est pas dans l'intervalle"),
    ],
)
def test_value_errors_are_in_french(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, args, prog_name="kb")
    assert result.exit_code == 2, result.output
    assert message in result.output
    _assert_french(result.output, " ".join(args))


def test_catalogue_is_compiled_from_its_source_and_covers_the_installed_click() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with CATALOGUE.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    # The headers carry compilation dates: compare the messages.
    messages = {k: v for k, v in gettext.GNUTranslations(compiled)._catalog.items() if k}  # type: ignore[attr-defined]
    assert {k: v for k, v in committed._catalog.items() if k} == messages, "click.mo is stale: run `make locale`"  # type: ignore[attr-defined]
    translated = _catalogue()
    missing = []
    for _file, _line, message, _comments, _context in extract_from_dir(str(CLICK_DIR), keywords={"_": None, "ngettext": (1, 2)}):
        for msgid in message if isinstance(message, tuple) else (message,):
            if not translated.get(msgid):
                missing.append(msgid)
    assert missing == [], f"Click messages without a French translation (run `make locale`, then translate): {missing}"


def test_the_catalogue_loads_without_babel_at_start_up(tmp_path: Path) -> None:
    # Babel compiled it ahead of time: the program reads the .mo with the standard library only.
    code = "import sys; from kb.cli import main; main.main(['--help'], standalone_mode=False); print(sorted(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert "Utilisation : " in proc.stdout
    assert "'babel.messages" not in proc.stdout and "'flask'" not in proc.stdout


def test_build_summary_and_search_labels_are_french(runner: CliRunner, tmp_path: Path) -> None:
    args = ["--index", str(tmp_path / "idx")]
    result = runner.invoke(main, ["build", "--data", str(VALID), *args, "--database", f"sqlite:///{tmp_path / 'kb.sqlite'}"])
    assert result.exit_code == 0, result.output
    counts = "2 documents, 3 axes, 3 propositions, 1 action, 2 filières, 2 régions, 3 organisations"
    assert result.output.rstrip().endswith(f"terminée : {counts}.")
    result = runner.invoke(main, ["search", "foncier", *args])
    assert "- [Proposition] Créer un pass foncier pour les PMI  /propositions/pass-foncier" in result.output
    assert "- [Action régionale] " in result.output or "[Proposition]" in result.output
    assert "[proposal]" not in result.output and "[action]" not in result.output
    data = json.loads(runner.invoke(main, ["search", "foncier", "--json", *args]).output)
    # The JSON keeps its stable English values (the axis « Foncier » is found too).
    assert {r["type"] for r in data["data"]} == {"proposal", "axis"}


def test_a_missing_folder_has_no_line_number(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "proposals: error: dossier de contenu introuvable (indiquez-le avec --data ou KB_DATA_DIR)"
