"""The messages of `kb check` in the editors' guide (docs/editeurs/commandes.md, « Chaque message et sa correction »)
are the program's own: the messages are built in many places of kb/content (no registry lists them), so each example
shown on a file this test breaks is checked to be printed, word for word, by one `kb check` run on a copy of the valid
test corpus where those faults are made the way an editor makes them. An example on any other file is a sample whose
wording was read in the code; to have it checked, break that file here and use its name in the guide."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.corpora import ROOT, VALID

GUIDE = ROOT / "docs" / "editeurs" / "commandes.md"
SECTION = "## Chaque message et sa correction"
# A table row whose first cell is an example as printed: « | `path:line: level: message` | what to do | ».
ROW = re.compile(r"^\| `([^`]+)` \|")
PRINTED = re.compile(r"^(\S+?)(?::\d+)?: (error|warning|note): \S")


def examples() -> list[str]:
    """The example lines of the section, in order (« \\| » in a table cell is a « | »)."""
    text = GUIDE.read_text("utf-8")
    section = text[text.index(SECTION) + len(SECTION):]
    section = section[: m.start()] if (m := re.search(r"^## ", section, re.M)) else section
    return [m.group(1).replace("\\|", "|") for line in section.splitlines() if (m := ROW.match(line))]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def kb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`kb ARGS`, this checkout's, run from ``cwd`` as an editor runs it (from the repository's root)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def broken_copy(root: Path) -> set[str]:
    """A copy of the valid corpus as root/proposals, its links frozen, then faults made in it; the files touched."""
    data = root / "proposals"
    shutil.copytree(VALID, data)
    assert kb("links", "freeze", cwd=root).returncode == 0
    touched = {"proposals/proposals/pass-foncier.yaml", "proposals/actions/implantation-normandie.yaml",
               "proposals/organisations/institut-essai.yaml", "proposals/proposals/sanctuaire-foncier.yaml",
               "proposals/proposals/nouvelle.yaml", "proposals/proposals/exemple-brouillon.yaml",
               "proposals/proposals/brouillon-essai.yaml", "proposals/proposals/notes.txt",
               "proposals/organisations/vide.yaml", "proposals/published-links.txt", "proposals/retired.yaml",
               "proposals/proposals/energie-locale.yaml", "proposals/proposals/energie-territoriale.yaml"}
    # A proposal with a wrong status, a misspelt axis and sector, an unknown key and an impossible date.
    prop = data / "proposals" / "pass-foncier.yaml"
    edit(prop, "status: proposee\nstatus_history", "status: adoptée\nstatus_history")
    edit(prop, "axis: foncier-essai", "axis: foncier-esai")
    edit(prop, "sectors: [automobile]", "sectors: [automobil]")
    edit(prop, "tags: [foncier", "etiquettes: [x]\ntags: [foncier")
    edit(prop, "published: 2025-11-17", "published: 2025-13-01")
    # An action naming a misspelt region, a key twice, an address with its default port, a report number as page.
    action = data / "actions" / "implantation-normandie.yaml"
    edit(action, "region: normandie", "region: normandi")
    edit(action, "status: en-cours\n", "status: en-cours\nstatus: realisee\n")
    edit(action, "  - url: https://exemple.test/article\n    quote: « soutien",
         "  - url: https://exemple.test:443/article\n    page: rap l22-736\n    quote: « soutien")
    edit(data / "organisations" / "institut-essai.yaml", "url: https://exemple.test/rapport", "url: https://exemple.test/")
    # A new file whose title's quote is never closed; a former id for the proposal it was copied from.
    source = (data / "proposals" / "sanctuaire-foncier.yaml").read_text("utf-8")
    (data / "proposals" / "nouvelle.yaml").write_text(source.replace("title: ", 'title: "', 1), "utf-8")
    edit(data / "proposals" / "sanctuaire-foncier.yaml", "title:", "aliases: [ancien-sanctuaire]\ntitle:")
    # A template left as `kb new` wrote it, a draft with fields still to fill, a stray file, an empty record.
    assert kb("new", "proposition", "exemple-brouillon", cwd=root).returncode == 0
    (data / "proposals" / "brouillon-essai.yaml").write_text(
        "draft: true\ntitle: Un brouillon\ndocument: livre-essai\naxis: foncier-essai\npublished:\nstatus: proposee\n", "utf-8")
    (data / "proposals" / "notes.txt").write_text("notes\n", "utf-8")
    (data / "organisations" / "vide.yaml").write_text("# à faire\n", "utf-8")
    # A record renamed without its alias, an address written by hand in the list, a document removed without tombstone.
    (data / "proposals" / "energie-locale.yaml").rename(data / "proposals" / "energie-territoriale.yaml")
    with (data / "published-links.txt").open("a", encoding="utf-8") as out:
        out.write("/propositions/ancien-nom/cite\n/documents/ancien\n")
    # Tombstones: a replacement that does not exist, the same id twice, a former id, a live id, a draft.
    (data / "retired.yaml").write_text(
        "- id: vieille-fiche\n  date: 2025-01-10\n  reason: Fusionnée.\n  replacement: fiche-inexistante\n"
        "- id: vieille-fiche\n  date: 2025-01-10\n  reason: Doublon.\n  replacement: ancien-sanctuaire\n"
        "- id: sanctuaire-foncier\n  date: 2025-01-10\n  reason: Erreur.\n  replacement: brouillon-essai\n", "utf-8")
    return touched


def test_every_example_of_the_guide_is_printed_as_kb_check_prints_it() -> None:
    shown = examples()
    assert len(shown) >= 60
    # Every row is a line of `kb check` (path:line: level: message) but the summary and command lines at the end.
    odd = [e for e in shown if not PRINTED.match(e)]
    assert 0 < len(odd) <= 5 and shown[-len(odd):] == odd


def test_the_examples_on_the_broken_files_are_printed_word_for_word(tmp_path: Path) -> None:
    touched = broken_copy(tmp_path)
    result = kb("check", cwd=tmp_path)
    assert result.returncode == 1
    printed = result.stdout.splitlines()
    checked = [e for e in examples() if (m := PRINTED.match(e)) and m.group(1) in touched]
    assert [e for e in checked if e not in printed] == [], result.stdout
    assert len(checked) >= 20
    levels = {PRINTED.match(e).group(2) for e in checked}  # type: ignore[union-attr]
    assert levels == {"error", "warning", "note"}
