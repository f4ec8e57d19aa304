"""The README and docs/ hold together: every relative link (and its #anchor) leads to a file and a heading that exist,
every page of docs/ is reachable from the README, and prose lines stay readable in a terminal (120 characters, but
for a table row or a single unbreakable word such as an address)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.corpora import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
WIDTH = 120


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def prose(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of the page outside fenced code blocks."""
    out, code = [], False
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.startswith("```"):
            code = not code
        elif not code:
            out.append((number, line))
    return out


def anchors(path: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub and GitLab make them."""
    slugs = set()
    for _number, line in prose(path):
        if heading := re.match(r"^#{1,6} (.+)$", line):
            text = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
            slugs.add(text.replace(" ", "-"))
    return slugs


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of each relative link of a page."""
    return [(number, target) for number, line in prose(path) for target in LINK.findall(line)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target)]


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for number, target in links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or not dest.is_relative_to(ROOT):
            broken.append(f"{_name(page)}:{number}: {target} : introuvable")
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            broken.append(f"{_name(page)}:{number}: {target} : pas de titre « #{anchor} »")
    assert broken == []


def test_every_page_of_docs_is_reachable_from_the_readme() -> None:
    seen, todo = set(), [ROOT / "README.md"]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".md" or not page.is_file():
            continue
        seen.add(page)
        todo += [(page.parent / target.partition("#")[0]).resolve() for _n, target in links(page) if target.partition("#")[0]]
    assert [_name(p) for p in PAGES if p not in seen] == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_prose_lines_fit_in_120_characters(page: Path) -> None:
    long = [f"{_name(page)}:{number}: {len(line)}" for number, line in prose(page)
            if len(line) > WIDTH and not line.lstrip().startswith("|") and " " in line.strip()]
    assert long == []


def test_the_checks_see_a_broken_link_and_a_missing_anchor(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Titre d'une page\n\n[a](autre.md) [b](#titre-dune-page) [c](#ailleurs) [d](https://exemple.test)\n", "utf-8")
    assert links(page) == [(3, "autre.md"), (3, "#titre-dune-page"), (3, "#ailleurs")]
    assert anchors(page) == {"titre-dune-page"}
