"""Incremental exports: after any change, a build that renders only what the change can alter writes the same files,
byte for byte (and the same gzip copies), as a full build of the same content."""

from __future__ import annotations

import gzip
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kb.api import built, pieces
from kb.api.export import FILES
from kb.builder import build
from kb.content.demo import write_corpus
from kb.store import Layout, make_engine
from tests.support.corpora import TEST_SITE

RECORDS = 80
REF = re.compile(r"proposition-\d{6}")


def _build(data: Path, root: Path, site: str = TEST_SITE) -> None:
    engine = make_engine(f"sqlite:///{root / 'kb.sqlite'}")
    try:
        assert build(data, engine, root / "index", exports=built.exporter(site)).ok
    finally:
        engine.dispose()


def _exports(root: Path) -> dict[str, bytes]:
    layout = Layout(root / "index")
    folder = layout.exports(layout.current() or "")
    out = {}
    for name in FILES:
        out[name] = (folder / name).read_bytes()
        out[name + ".gz"] = (folder / f"{name}.gz").read_bytes()
        assert gzip.decompress(out[name + ".gz"]) == out[name], name
    return out


class Rendered:
    """Counts the records each build renders (kb.api.pieces.render)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: list[int] = []
        real = pieces.render

        def spy(ctx: Any, todo: dict[str, list[str]]) -> pieces.Pieces:
            self.counts.append(sum(len(ids) for ids in todo.values()))
            return real(ctx, todo)

        monkeypatch.setattr(pieces, "render", spy)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Rendered]:
    """A demo corpus built once with its exports (the incremental builds' starting point), and the render counter."""
    data = tmp_path / "content"
    write_corpus(data, RECORDS)
    _build(data, tmp_path / "inc")
    return data, tmp_path, Rendered(monkeypatch)


def _same_as_full(data: Path, tmp: Path, name: str, site: str = TEST_SITE) -> None:
    full = tmp / f"full-{name}"
    shutil.copytree(data, full / "content")
    _build(full / "content", full, site)
    incremental, whole = _exports(tmp / "inc"), _exports(full)
    for file in whole:
        assert incremental[file] == whole[file], f"{name}: {file} differs from a full build's"


def _most_cited(data: Path) -> str:
    """The proposal the most other records name (related proposals, carrying actions)."""
    counts: Counter[str] = Counter()
    for path in [*data.glob("proposals/*.yaml"), *data.glob("actions/*.yaml")]:
        counts.update(set(REF.findall(path.read_text("utf-8"))) - {path.stem})
    return counts.most_common(1)[0][0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _retitle(path: Path, title: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(re.sub(r'^title: ".*"$', f'title: "{title}"', text, count=1, flags=re.M), "utf-8")


def _add(data: Path, new_id: str, like: str, related: str) -> None:
    text = (data / "proposals" / f"{like}.yaml").read_text("utf-8")
    text = re.sub(r"^related: .*$", f'related: ["{related}"]', text, flags=re.M)
    (data / "proposals" / f"{new_id}.yaml").write_text(text, "utf-8")


def _referrers(data: Path, record_id: str) -> list[Path]:
    return [p for p in [*data.glob("proposals/*.yaml"), *data.glob("actions/*.yaml")]
            if p.stem != record_id and re.search(rf"\b{record_id}\b", p.read_text("utf-8"))]


def _rename(data: Path, old_id: str, new_id: str) -> None:
    """Rename a proposal (its former id kept as an alias) and every reference to it."""
    path = data / "proposals" / f"{old_id}.yaml"
    text = path.read_text("utf-8")
    path.unlink()
    for other in _referrers(data, old_id):
        other.write_text(re.sub(rf"\b{old_id}\b", new_id, other.read_text("utf-8")), "utf-8")
    (data / "proposals" / f"{new_id}.yaml").write_text(f'aliases: ["{old_id}"]\n' + text, "utf-8")


def _delete(data: Path, record_id: str) -> None:
    """Delete a proposal and every reference to it."""
    (data / "proposals" / f"{record_id}.yaml").unlink()
    for other in _referrers(data, record_id):
        text = re.sub(rf'"{record_id}",\s*|,\s*"{record_id}"|"{record_id}"', "", other.read_text("utf-8"))
        other.write_text(text, "utf-8")


def test_incremental_exports_equal_a_full_builds_after_each_change(demo: tuple[Path, Path, Rendered]) -> None:
    data, tmp, rendered = demo
    star = _most_cited(data)
    axis = next(iter(sorted(data.glob("axes/*.yaml"))))
    action = next(iter(sorted(data.glob("actions/*.yaml"))))
    quiet = next(p.stem for p in sorted(data.glob("proposals/*.yaml")) if not _referrers(data, p.stem) and p.stem != star)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("a proposal many records name", lambda: _retitle(data / "proposals" / f"{star}.yaml", "Un titre changé")),
        ("a new proposal", lambda: _add(data, "proposition-900000", quiet, star)),
        ("an axis", lambda: _retitle(axis, "Un axe renommé")),
        ("an action", lambda: _retitle(action, "Une action renommée")),
        ("a proposal becomes a draft", lambda: _edit(data / "proposals" / f"{quiet}.yaml", "flagship:", "draft: true\nflagship:")),
        ("a renamed proposal many name", lambda: _rename(data, star, "proposition-900001")),
        ("a deleted proposal", lambda: _delete(data, "proposition-900001")),
    ]
    total = None
    for name, change in steps:
        change()
        _build(data, tmp / "inc")
        total = total or rendered.counts[0]
        _same_as_full(data, tmp, name.replace(" ", "-"))
        incremental = rendered.counts[-2]  # the last count is the full build's
        assert incremental < rendered.counts[-1] / 2, f"{name}: {incremental} records rendered again"


def test_a_sector_region_or_organisation_change_renders_everything_the_same(demo: tuple[Path, Path, Rendered]) -> None:
    data, tmp, _rendered = demo
    org = next(p for p in sorted(data.glob("organisations/*.yaml")) if "parent:" in p.read_text("utf-8"))
    for name, path in {"sector": data / "sectors.yaml", "region": data / "regions.yaml", "organisation": org}.items():
        text = path.read_text("utf-8")
        path.write_text(re.sub(r'name: "?[^"\n]+"?', 'name: "Nom changé"', text, count=1), "utf-8")
        _build(data, tmp / "inc")
        _same_as_full(data, tmp, name)
    # And the next one-file change splices from those files.
    _retitle(next(iter(sorted(data.glob("proposals/*.yaml")))), "Après les changements")
    _build(data, tmp / "inc")
    _same_as_full(data, tmp, "after")


def test_a_changed_site_address_renders_every_record_again(demo: tuple[Path, Path, Rendered]) -> None:
    data, tmp, rendered = demo
    _retitle(next(iter(sorted(data.glob("proposals/*.yaml")))), "Une autre adresse")
    _build(data, tmp / "inc", site="https://kb.exemple.fr")
    _same_as_full(data, tmp, "site", site="https://kb.exemple.fr")
    assert rendered.counts[-2] == rendered.counts[-1]
    assert b"http://localhost" not in _exports(tmp / "inc")["kb.json"]


def test_missing_or_damaged_previous_pieces_render_everything(demo: tuple[Path, Path, Rendered]) -> None:
    data, tmp, rendered = demo
    layout = Layout(tmp / "inc" / "index")
    (layout.exports(layout.current() or "") / built.INDEX).write_text("{", "utf-8")
    _retitle(next(iter(sorted(data.glob("proposals/*.yaml")))), "Sans les pièces")
    _build(data, tmp / "inc")
    _same_as_full(data, tmp, "damaged")
    assert rendered.counts[-2] == rendered.counts[-1]
