"""One filter semantics: a search filtered and sorted by date lists what the database list lists, in the same order.

The corpus is built, then grown by an incremental build with records whose ids sort first and whose update dates tie
with older ones: in the index they come last (their docnums follow every other), so an order that fell back on
docnums instead of ids would differ from the database's.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlmodel import Session

from kb import search
from kb.builder import build
from kb.content.filters import BY_NAME
from kb.content.kinds import ACTION, PROPOSAL
from kb.store import Layout, make_engine, queries
from kb.store.reader import Reader
from tests.support.corpora import Built, build_corpus

VALID = Path(__file__).resolve().parents[1] / "data" / "valid"

# Grown after the first build: ids before every other in code-point order, update dates equal to older records'.
LATE = {
    "proposals/aaa-tardive.yaml": """title: Proposition tardive sur le foncier
summary: Une proposition ajoutée après la première construction.
document: livre-essai
axis: foncier-essai
sectors: [chimie]
regions: [normandie]
status: en-discussion
sources:
  - document: livre-essai
published: 2025-11
updated: 2025-11-20
""",
    "proposals/aab-rapport.yaml": """title: Deuxième proposition du rapport
summary: Une autre proposition du rapport, d'horizon long.
document: rapport-essai
axis: rapport-axe
horizon: long-terme
status: proposee
sources:
  - document: rapport-essai
published: 2025-06
updated: 2025-06-18
""",
    "actions/aaa-action.yaml": """title: Action tardive
summary: Une action qui porte la proposition tardive et le pass foncier.
region: ile-de-france
organisation: institut-essai
sectors: [automobile]
proposals: [aaa-tardive, pass-foncier]
status: annoncee
sources:
  - url: https://exemple.test/action-tardive
published: 2025-11
updated: 2025-11-21
""",
}


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build_corpus(VALID, tmp_path_factory.mktemp("grown"))
    for name, text in LATE.items():
        (built.data_dir / name).write_text(text, "utf-8")
    engine = make_engine(built.database_url)
    try:
        assert build(built.data_dir, engine, built.index_dir).ok
    finally:
        engine.dispose()
    return built


def _filter_sets(db: Reader) -> list[dict[str, list[str]]]:
    """Every filter alone with each of its values, and every pair of filters with their first values."""
    names = queries.labels(db)
    values = {f.name: sorted(names[f.kind]) if f.kind else list(f.values) for f in BY_NAME.values() if f.name != "type"}
    singles = [{name: [v]} for name, vs in values.items() for v in vs]
    pairs = [{a: values[a][:1], b: values[b][:1]} for a, b in itertools.combinations(values, 2)]
    several = [{name: vs[:2]} for name, vs in values.items() if len(vs) > 1]
    return [{}, *singles, *pairs, *several]


def test_a_search_lists_what_the_database_lists_in_the_same_order(grown: Built) -> None:
    layout = Layout(grown.index_dir)
    idx = search.open_index(layout.index(layout.current() or ""))
    engine = make_engine(grown.database_url)
    try:
        with Session(engine) as session:
            db = Reader(session)
            # The grown records come last in the index although their ids sort first: the test means something.
            docnum = {idx.searcher.stored_fields(d)["id"]: d for d in range(idx.searcher.doc_count_all())}
            assert docnum["aaa-tardive"] > docnum["pass-foncier"] and docnum["aaa-action"] > docnum["implantation-normandie"]
            checked = 0
            for filters in _filter_sets(db):
                for kind in (PROPOSAL, ACTION):
                    rows, total = queries.list_records(db, kind, queries.Filters(dict(filters)), limit=100, offset=0)
                    found = search.search(idx, "", filters={**filters, "type": [kind]}, sort="date", per_page=100, cache=False)
                    assert [h.id for h in found.hits] == [r.id for r in rows], (kind, filters)
                    assert found.total == total, (kind, filters)
                    checked += bool(rows)
            assert checked > 20
    finally:
        idx.close()
        engine.dispose()


def test_an_action_meets_proposal_filters_through_one_carried_proposal(grown: Built) -> None:
    # « aaa-action » carries a proposal of the livre blanc's foncier axis (pass-foncier) and one in discussion
    # (aaa-tardive, same axis): document and axis are met together by one of them; an axis of the other document is not.
    engine = make_engine(grown.database_url)
    try:
        with Session(engine) as session:
            db = Reader(session)
            both = queries.Filters({"document": ["livre-essai"], "axis": ["foncier-essai"]})
            assert "aaa-action" in {r.id for r in queries.list_records(db, ACTION, both, limit=10, offset=0)[0]}
            apart = queries.Filters({"document": ["livre-essai"], "axis": ["rapport-axe"]})
            assert queries.list_records(db, ACTION, apart, limit=10, offset=0)[0] == []
    finally:
        engine.dispose()

