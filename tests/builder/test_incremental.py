"""Incremental builds: changing, adding or deleting a file re-indexes only that record and gives the full build's answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from kb import search
from kb.builder import build, incremental
from kb.builder.cache import FileCache
from kb.content import load_record
from kb.content.demo import write_corpus
from kb.store import Layout, builds, make_engine
from kb.store.builds import MANIFEST, TMP_PREFIX
from kb.store.tables import TABLES

# « changemant » is corrected only once the edited title brings « changement »: suggestions follow incremental builds.
QUERIES = ["usine", "énergie PME", "foncier", "commande publique", "-foncier", "", "électricité", "changement unique", "proposition-000007",
           "changemant"]
FILTERS: list[dict[str, list[str]]] = [{}, {"type": ["proposal"], "sector": ["automobile"]}, {"region": ["bretagne", "normandie"]}]


def _build(data: Path, root: Path) -> Any:
    engine = make_engine(f"sqlite:///{root / 'kb.sqlite'}")
    report = build(data, engine, root / "index")
    engine.dispose()
    assert report.ok, [p.format() for p in report.problems]
    return report


def _rows(root: Path) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(f"sqlite:///{root / 'kb.sqlite'}")
    with Session(engine) as session:
        out = {
            t.__name__: sorted((r.model_dump() for r in session.exec(select(t))), key=repr)
            for t in TABLES
            if t.__name__ != "BuildInfo"
        }
    engine.dispose()
    return out


def _answers(root: Path) -> list[Any]:
    build_id = Layout(root / "index").current()
    assert build_id
    idx = search.open_index(Layout(root / "index").index(build_id))
    try:
        out = []
        for q in QUERIES:
            for f in FILTERS:
                res = search.search(idx, q, filters=f, per_page=500, cache=False)
                out.append((q, f, res.total, sorted(h.id for h in res.hits), res.facets, res.suggestion, res.exact))
                out.append(sorted((h.id, h.highlight) for h in res.hits))
        return out
    finally:
        idx.close()


def _edit(data: Path) -> None:
    changed = data / "proposals" / "proposition-000003.yaml"
    lines = changed.read_text("utf-8").splitlines(keepends=True)
    assert lines[0].startswith("title: ")
    changed.write_text('title: "Changement unique de cette proposition"\n' + "".join(lines[1:]), "utf-8")
    added = data / "proposals" / "proposition-nouvelle.yaml"
    source = (data / "proposals" / "proposition-000010.yaml").read_text("utf-8")
    added.write_text(source.replace("horizon: ", "flagship: true\nhorizon: ").replace("flagship: false\n", ""), "utf-8")
    (data / "actions" / "action-000002.yaml").unlink()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    data = tmp_path / "content"
    write_corpus(data, 120, seed=9)
    # No cross-link may point at the action we delete; proposals are never deleted here.
    return data


def test_modify_add_delete_gives_the_same_rows_and_answers_as_a_full_build(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inc = tmp_path / "inc"
    first = _build(demo, inc)
    _edit(demo)

    def no_full_build(*_a: Any, **_k: Any) -> None:
        raise AssertionError("an incremental build must not rebuild the whole index")

    monkeypatch.setattr(search, "build_index", no_full_build)
    second = _build(demo, inc)
    monkeypatch.undo()
    assert second.build_id != first.build_id
    assert second.counts["proposal"] == first.counts["proposal"] + 1 and second.counts["action"] == first.counts["action"] - 1

    full = tmp_path / "full"
    _build(demo, full)
    assert _rows(inc) == _rows(full)
    answers = _answers(inc)
    assert answers == _answers(full)
    hits = {(a[0], repr(a[1])): a for a in answers if isinstance(a, tuple)}
    assert "proposition-000003" in hits[("changement unique", "{}")][3]
    assert hits[("changemant", "{}")][5] == "changement"
    assert "action-000002" not in hits[("", "{}")][3] and "proposition-nouvelle" in hits[("", "{}")][3]


def test_a_changed_taxonomy_forces_a_full_build(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "b"
    _build(demo, root)
    sectors = demo / "sectors.yaml"
    sectors.write_text(sectors.read_text("utf-8").replace('"Textile"', '"Textile et habillement"'), "utf-8")
    calls: list[str] = []
    monkeypatch.setattr(incremental, "write_index", lambda *a, **k: calls.append("incremental"))
    _build(demo, root)
    assert calls == []
    assert {"id": "textile", "name": "Textile et habillement"} in _rows(root)["Sector"]


def test_a_failing_incremental_build_changes_nothing_served(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "b"
    _build(demo, root)
    served, rows, answers = Layout(root / "index").current(), _rows(root), _answers(root)
    _edit(demo)

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(incremental, "replace_rows", broken)
    engine = make_engine(f"sqlite:///{root / 'kb.sqlite'}")
    with pytest.raises(RuntimeError):
        build(demo, engine, root / "index")
    engine.dispose()
    assert Layout(root / "index").current() == served
    assert _rows(root) == rows and _answers(root) == answers
    assert sorted(p.name for p in (root / "index" / "builds").iterdir()) == [served]
    monkeypatch.undo()
    # The next build still works, incrementally, from the same served build.
    _build(demo, root)
    assert Layout(root / "index").current() != served


def test_a_lost_cache_only_costs_a_full_build(demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "b"
    _build(demo, root)
    Layout(root / "index").cache_file.write_bytes(b"not a pickle")
    _edit(demo)
    _build(demo, root)
    full = tmp_path / "full"
    _build(demo, full)
    assert _rows(root) == _rows(full)
    shutil.rmtree(full)


def test_successive_incremental_builds_stack_up_correctly(demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "b"
    _build(demo, root)
    _edit(demo)
    _build(demo, root)
    assert (root / "index" / "records.delta").exists()  # the small build wrote only what changed
    (demo / "proposals" / "proposition-nouvelle.yaml").unlink()
    other = demo / "actions" / "action-000005.yaml"
    other.write_text(other.read_text("utf-8").replace("status: ", "status: suspendue\n_old: ", 1).replace("\n_old: ", "\n# ", 1), "utf-8")
    _build(demo, root)
    full = tmp_path / "full"
    _build(demo, full)
    assert _rows(root) == _rows(full)
    assert _answers(root) == _answers(full)


def test_cached_records_are_the_records_read_afresh(demo: Path, tmp_path: Path) -> None:
    # The cache stores file models with their own pickling (kb.content.models.Strict) and key lines as a marshal blob
    # (kb.content.loader.Record).
    root = tmp_path / "b"
    _build(demo, root)
    cache = FileCache.open(Layout(root / "index"))
    assert len(cache.old) > 100
    for path, entry in cache.old.items():
        cached, fresh = entry.loaded[0], load_record(entry.kind, Path(path))[0]
        assert cached is not None and fresh is not None
        assert "lines" not in vars(cached)  # decoded only when asked for
        assert cached == fresh and cached.lines == fresh.lines
        assert cached.line("sources", 0, "document") == fresh.line("sources", 0, "document")
        assert type(cached.model) is type(fresh.model) and cached.model.model_fields_set == fresh.model.model_fields_set
        assert cached.model.model_dump() == fresh.model.model_dump()



def test_the_manifest_of_an_incremental_build_is_the_files_hashes_and_finds_a_damaged_carried_file(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files copied from the verified previous index keep its hashes instead of being read again (kb.builder.publish.copy_index).
    root = tmp_path / "b"
    layout = Layout(root / "index")
    _build(demo, root)
    first = layout.index(layout.current() or "")
    digest, hashed = builds.file_digest, []
    monkeypatch.setattr(builds, "file_digest", lambda path: hashed.append(path) or digest(path))
    _edit(demo)
    _build(demo, root)
    monkeypatch.undo()
    folder = layout.index(layout.current() or "")
    carried = sorted(p.name for p in folder.glob("*.seg") if (first / p.name).is_file())
    assert folder != first and carried
    written = [p.name for p in hashed if p.parent.name.startswith(TMP_PREFIX)]  # what the new manifest read
    assert written and not set(carried) & set(written)
    builds._verified.clear()  # as a new process would: every file read
    assert json.loads((folder / MANIFEST).read_text("utf-8")) == builds.index_files(folder)
    assert builds.verify_index(folder) is None
    segment = folder / carried[0]
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped in a carried-over file: same size, different content
    segment.write_bytes(bytes(data))
    assert builds.verify_index(folder) == f"fichier « {segment.name} » modifié depuis la construction (contenu différent)"
