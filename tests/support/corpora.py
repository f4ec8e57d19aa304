"""The corpora the tests build: the folders they come from and one way to build a copy of one.

Plain functions, not fixtures, so that any test or helper can build a variant; the session-scoped fixtures over them
are in tests/conftest.py.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kb.api.built import exporter
from kb.builder import build
from kb.store import make_engine

ROOT = Path(__file__).resolve().parents[2]
# The site address of the test client (Flask's http://localhost), which the built exports' links start with, as
# `kb build` makes them with KB_SITE_URL: the API then serves them from their files.
TEST_SITE = "http://localhost"
DATA = ROOT / "tests" / "data"
VALID = DATA / "valid"
# What editors will add to VALID (a second white paper, another organisation's, a co-published report, a second
# regional union): grown_source() lays it over a copy of VALID.
GROWN = DATA / "grown"
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


def grown_source(dest: Path) -> Path:
    """A copy of the valid corpus with tests/data/grown/ added (its README left out), under ``dest``."""
    src = dest / "grown-source"
    shutil.copytree(VALID, src)
    shutil.copytree(GROWN, src, dirs_exist_ok=True)
    (src / "README.md").unlink()
    return src
