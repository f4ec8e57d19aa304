"""`make relevance` measures on the frozen corpus and reports on the live content beside it: an axis or a document
that no query expects, or a judged record that is gone, is reported there and never changes the outcome (issue 25,
item 1). The live content here is a copy of the frozen corpus grown and trimmed in tmp_path, as an editor would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.corpora import FROZEN
from tests.support.relevance import bench_module

REL = bench_module("judged")
BENCH = bench_module("relevance")
GONE = "senat-754-agences-commande-publique"  # a proposal some judged queries expect


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """The frozen corpus with a new document and its axis, and a judged proposal retired (its tombstone kept)."""
    data = tmp_path / "proposals"
    shutil.copytree(FROZEN, data)
    (data / "documents" / "rapport-nouveau.yaml").write_text(
        "title: Un rapport nouveau\npublisher: CPME\norganisations: [cpme]\nkind: rapport\npublished: 2026-01-05\n"
        "summary: Un rapport que personne n'a encore jugé.\n", "utf-8")
    (data / "axes" / "axe-nouveau.yaml").write_text(
        "document: rapport-nouveau\ntitle: Un axe nouveau\ndescription: Un axe que personne n'a encore jugé.\norder: 1\n", "utf-8")
    (data / "proposals" / f"{GONE}.yaml").unlink()
    (data / "retired.yaml").write_text(f"- id: {GONE}\n  date: 2026-01-06\n  reason: Retirée pour l'essai.\n", "utf-8")
    return data


def test_the_live_report_names_unjudged_axes_and_documents_and_judged_records_that_are_gone(live: Path) -> None:
    judgments = REL.load_judgments(REL.JUDGMENTS)
    cov = REL.coverage(judgments, live, FROZEN)
    assert cov.unjudged["axe"] == ["axe-nouveau"]
    assert "rapport-nouveau" in cov.unjudged["document"]
    assert GONE in cov.gone and all(GONE in next(j.relevant for j in judgments if j.q == q) for q in cov.gone[GONE])
    assert {"axes/axe-nouveau.yaml", "documents/rapport-nouveau.yaml", f"proposals/{GONE}.yaml", "retired.yaml"} <= set(cov.changed)
    assert not cov.clean and REL.coverage(judgments, FROZEN, FROZEN).clean


def test_the_live_report_never_changes_the_outcome(live: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--data", str(FROZEN), "--quiet", "--min-ndcg", "0"]
    alone = BENCH.main([*common, "--no-live"])
    capsys.readouterr()
    assert BENCH.main([*common, "--live", str(live)]) == alone
    out = capsys.readouterr().out
    assert "Sans requête jugée qui les attende (axe, 1) : axe-nouveau" in out
    assert f"Fiche jugée absente du contenu vivant : « {GONE} »" in out
    assert "Sur le contenu vivant" in out  # the grown content builds: its figures are shown, for information
