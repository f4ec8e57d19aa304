"""A variant of the valid test corpus for the newsletter kit: tombstones and a title full of HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.corpora import VALID, Built, build_corpus

HOSTILE_TITLE = '<script>alert("x")</script> Sanctuariser le <b>foncier</b> & [lien](javascript:alert(1))'
RETIRED = """\
# Pierres tombales d'essai.
- id: energie-locale
  date: 2025-12-15
  reason: Proposition fusionnée dans un autre chantier.
- id: ancienne-proposition
  date: 2025-12-16
  reason: Remplacée par le pass foncier.
  replacement: pass-foncier
"""


def kit_source(dest: Path) -> Path:
    """The valid corpus with energie-locale removed (tombstoned), a redirecting tombstone and a hostile title."""
    src = dest / "kit-src"
    shutil.copytree(VALID, src)
    (src / "proposals" / "energie-locale.yaml").unlink()
    (src / "retired.yaml").write_text(RETIRED, "utf-8")
    path = src / "proposals" / "sanctuaire-foncier.yaml"
    text = path.read_text("utf-8").replace("title: Sanctuariser le foncier industriel", f"title: '{HOSTILE_TITLE}'")
    path.write_text(text, "utf-8")
    return src


def build_kit(dest: Path) -> Built:
    """Build the kit corpus under ``dest``."""
    return build_corpus(kit_source(dest), dest / "kit")
