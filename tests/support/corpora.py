"""The corpora the tests build: the folders they come from and one way to build a copy of one.

Plain functions, not fixtures, so that any test or helper can build a variant; the session-scoped fixtures over them
are in tests/conftest.py.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.api.built import exporter
from kb.builder import build
from kb.content import Corpus, Record, freeze, load_all
from kb.content.importer import import_file
from kb.content.kinds import ACTION, AXIS, DOCUMENT, PROPOSAL
from kb.content.permanence import write_published
from kb.content.scaffold import write_template
from kb.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
# The content the project ships, which editors grow without a developer.
SHIPPED = ROOT / "proposals"
# The site address of the test client (Flask's http://localhost), which the built exports' links start with, as
# `kb build` makes them with KB_SITE_URL: the API then serves them from their files.
TEST_SITE = "http://localhost"
DATA = ROOT / "tests" / "data"
VALID = DATA / "valid"
# What editors will add to VALID (a second white paper, another organisation's, a co-published report, a second
# regional union): grown_source() lays it over a copy of VALID.
GROWN = DATA / "grown"
# What editors will add to SHIPPED (a second white paper, another region's actions and their union): grown_shipped_source()
# lays it over a copy of SHIPPED and does the rest with the editors' own commands.
GROWN_SHIPPED = DATA / "grown-shipped"
# Pages that say honestly what they know (a cited document without proposal, an axis without one, a sector only a
# region's source names): sparse_source() lays it over a copy of VALID, with a few edits.
SPARSE = DATA / "sparse"
# Titles that hold guillemets and apostrophes, a flagship proposal, an action after an article: quoted_source() lays it
# over a copy of VALID for the typography of every output.
QUOTED = DATA / "quoted"
# The frozen copy of the content the judged queries were judged on (make relevance-freeze): relevance is tested on it,
# never on the live proposals/, which editors grow.
FROZEN = ROOT / "tests" / "relevance" / "corpus"


@dataclass
class Built:
    """A built corpus: its content folder, database URL and index folder."""

    data_dir: Path
    database_url: str
    index_dir: Path

    def config(self, **extra: object) -> dict[str, object]:
        """App configuration pointing at this build."""
        return {
            "TESTING": True,
            "DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "INDEX_DIR": str(self.index_dir),
            **extra,
        }


def build_corpus(src: Path, dest: Path) -> Built:
    """Copy a content folder under ``dest`` and build it there."""
    data = dest / "content"
    shutil.copytree(src, data)
    built = Built(data, f"sqlite:///{dest / 'kb.sqlite'}", dest / "index")
    engine = make_engine(built.database_url)
    report = build(data, engine, built.index_dir, exports=exporter(TEST_SITE))
    engine.dispose()
    assert report.ok, [p.format() for p in report.problems]
    return built


def overlay(base: Path, extra: Path, src: Path) -> Path:
    """A copy of ``base`` at ``src`` with the files of ``extra`` laid over it (its README left out)."""
    shutil.copytree(base, src)
    shutil.copytree(extra, src, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    return src


def grown_source(dest: Path) -> Path:
    """A copy of the valid corpus with tests/data/grown/ added (its README left out), under ``dest``."""
    return overlay(VALID, GROWN, dest / "grown-source")


def sparse_source(dest: Path) -> Path:
    """A copy of the valid corpus with tests/data/sparse/ added and the edits its README lists, under ``dest``."""
    src = overlay(VALID, SPARSE, dest / "sparse-source")
    for path, old, new in (
        ("proposals/pass-foncier.yaml", "sources:\n", "sources:\n  - document: communique-essai\n"),
        ("documents/livre-essai.yaml", "sources:\n", "sources:\n  - document: communique-essai\n"),
        ("proposals/energie-locale.yaml", "sources:\n",
         "status_history:\n  - date: 2025-12-01\n    status: en-discussion\n    source: rapport-essai\nsources:\n"),
        ("proposals/sanctuaire-foncier.yaml", "echoes:\n",
         "echoes:\n  - id: axe-vide-essai\n    note: Le rapport parle aussi des achats publics.\n"),
        ("sectors.yaml", "- id: chimie\n", "- id: aeronautique\n  name: Aéronautique\n- id: chimie\n"),
        ("regions.yaml", "sectors: [automobile, chimie]", "sectors: [aeronautique, automobile, chimie]"),
        ("regions.yaml", "« l'automobile et la chimie »", "« l'aéronautique, l'automobile et la chimie »"),
    ):
        text = (src / path).read_text("utf-8")
        assert old in text, (path, old)
        (src / path).write_text(text.replace(old, new, 1), "utf-8")
    return src


def grown_shipped_source(dest: Path) -> Path:
    """A copy of the shipped content grown as an editor would grow it, under ``dest``: tests/data/grown-shipped/ (a
    second white paper with axes and proposals, another region's actions and their regional organisation), then, with
    the editors' commands and on whatever the shipped content holds: a fourth proposal under the featured document,
    two committed drafts (kb new's template, a kb import), an action renamed with its old id in « aliases: », and
    kb links freeze."""
    src = overlay(SHIPPED, GROWN_SHIPPED, dest / "grown-shipped-source")
    corpus = load_all(src)
    featured = pivot(corpus)
    first_axis = min((a for a in corpus.of(AXIS) if a.model.document == featured.id), key=lambda a: (a.model.order, a.id))
    (src / str(PROPOSAL.folder) / "croissance-essai-quatrieme.yaml").write_text(FOURTH.format(document=featured.id, axis=first_axis.id),
                                                                               "utf-8")
    draft = write_template(src, PROPOSAL, "croissance-essai-brouillon", document="livre-blanc-croissance-essai")
    draft.write_text(draft.read_text("utf-8").replace('"À COMPLÉTER : intitulé de la proposition"', '"Un brouillon en cours"')
                     + "draft: true\n", "utf-8")
    source = dest / "livre-blanc-croissance-essai.md"
    source.write_text(IMPORTED, "utf-8")
    assert import_file(source, "livre-blanc-croissance-essai", src).created
    _rename(src, sorted(a.id for a in corpus.of(ACTION) if not a.id.startswith("bretagne-croissance-essai"))[0])
    paths, problems = freeze(src)
    assert not problems, [p.format() for p in problems]
    write_published(src, paths)
    return src


def pivot(corpus: Corpus) -> Record:
    """The document the editors feature, or else the first white paper: where a fourth proposal goes."""
    documents = corpus.of(DOCUMENT)
    return next((d for d in documents if d.model.featured), None) or next(d for d in documents if d.model.kind == "livre-blanc")


def _rename(src: Path, old: str) -> None:
    """Rename an action as an editor does: its file, and its former id kept in « aliases: »."""
    folder = src / str(ACTION.folder)
    text = (folder / f"{old}.yaml").read_text("utf-8")
    aliases = [*(yaml.safe_load(text).get("aliases") or []), old]
    # The « aliases: » key and its block list, if any, become one line (flow style).
    text, found = re.subn(r"^aliases:.*\n(?:[ \t]+- .*\n)*", f"aliases: [{', '.join(aliases)}]\n", text, flags=re.M)
    (folder / f"{old}-renommee.yaml").write_text(text if found else text + f"aliases: [{old}]\n", "utf-8")
    (folder / f"{old}.yaml").unlink()


# The fourth proposal under the featured document, on its first axis (its id and axis are the shipped content's).
FOURTH = """\
title: Une quatrième proposition d'essai sous le document mis en avant
summary: Proposition fictive des tests, publiée quand son texte est connu, comme le sera une quatrième proposition du livre blanc.
document: {document}
axis: {axis}
status: proposee
status_history:
  - date: 2026-05-04
    status: proposee
    source: https://exemple.test/livre-blanc/quatrieme-proposition
sources:
  - url: https://exemple.test/livre-blanc/quatrieme-proposition
    quote: « une quatrième proposition »
published: 2026-05-04
updated: 2026-05-04
"""
# The white paper's text that kb import turns into a draft (its second axis).
IMPORTED = """\
# Croître en région

## Axe 2 : Exporter depuis les régions

### Proposition 3 : Assurer les premiers contrats à l'export

Les régions garantissent une part des premiers contrats des PMI à l'export.
"""


def quoted_source(dest: Path) -> Path:
    """A copy of the valid corpus with tests/data/quoted/ added (its README left out), under ``dest``."""
    return overlay(VALID, QUOTED, dest / "quoted-source")
