"""kb demo-corpus: a deterministic, valid synthetic content folder with every facet populated."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from kb.content import check
from kb.content.demo import REGIONS, write_corpus


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.yaml"))}


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        result = runner.invoke(main, ["demo-corpus", "--records", "60", "--out", str(tmp_path / name), "--seed", seed])
        assert result.exit_code == 0, result.output
    a, b, c = (_digest(tmp_path / n) for n in "abc")
    assert a == b and len(a) > 60
    assert a.keys() == c.keys() and a != c


def test_demo_corpus_passes_strict_check_with_every_facet_populated(tmp_path: Path) -> None:
    counts = write_corpus(tmp_path, 250, seed=2)
    assert counts["proposal"] == 200 and counts["action"] == 50
    corpus, problems = check(tmp_path)
    assert problems == []  # strict: not even a warning
    props, actions = corpus.of("proposal"), corpus.of("action")
    assert len(props) == 200 and len(actions) == 50
    for rec in props:
        m = rec.model
        assert m.horizon and m.status and m.sectors and m.regions and m.tags and m.body and len(m.summary) <= 400
        assert 90 <= len(m.body.split()) <= 200
    assert {p.model.flagship for p in props} == {True, False}
    assert len({p.model.status for p in props}) >= 5 and len({p.model.horizon for p in props}) == 2
    assert sum(bool(p.model.related) for p in props) > 50
    assert all(a.model.proposals and a.model.sectors and a.model.region for a in actions)
    regions = {r.id: r.model.insee for r in corpus.of("region")}
    assert len(regions) == 18 and regions["normandie"] == "28" and regions["mayotte"] == "06"
    assert {r for r, _, _ in REGIONS} == set(regions)
    text = " ".join(p.model.body for p in props)
    assert "é" in text and "è" in text and "œ" in text
    assert corpus.synonyms and corpus.of("axis") and corpus.of("document")
