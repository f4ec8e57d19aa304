"""The engines the judged queries go through: kb's real search (a real `kb build`, then kb.search), and SQLite FTS5
with every word required (AND) and with any word (OR), on the records as bench/judged.py reads them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from judged import DEPTH, ENGINES, ROOT, Judgment, Row, load_rows

# bm25() weights of the baseline's columns: title, summary, body, quotes.
WEIGHTS = (3.0, 1.5, 1.0, 0.5)
# `kb build` run as the installed `kb` program runs it (kb.cli has no `python -m` entry point).
KB_PROGRAM = "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()"



def build_fts(rows: Sequence[Row]) -> sqlite3.Connection:
    """An in-memory FTS5 table of the rows, accents folded, no stemming."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE docs_fts USING fts5(id UNINDEXED, title, summary, body, quotes, tokenize='unicode61 remove_diacritics 2')"
    )
    con.executemany("INSERT INTO docs_fts VALUES (?,?,?,?,?)", [(r.id, r.title, r.summary, r.body, r.quotes) for r in rows])
    return con


def fts_match(text: str, any_word: bool = False) -> str:
    """Each word quoted as an FTS5 string, all required (implicit AND) or any of them (OR); stop words kept."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in text.split()]
    return (" OR " if any_word else " ").join(quoted)


def search_fts(con: sqlite3.Connection, text: str, limit: int = DEPTH, any_word: bool = False) -> list[str]:
    """Ids ranked by weighted bm25 (lower is better)."""
    match = fts_match(text, any_word)
    if not match:
        return []
    sql = f"SELECT id FROM docs_fts WHERE docs_fts MATCH ? ORDER BY bm25(docs_fts, 0, {', '.join(map(str, WEIGHTS))}) LIMIT ?"
    return [rid for (rid,) in con.execute(sql, (match, limit))]


def fts_runs(data: Path, judgments: Sequence[Judgment]) -> dict[str, list[list[str]]]:
    """Both baselines' ranked ids for every judged query."""
    con = build_fts(load_rows(data))
    try:
        return {e: [search_fts(con, j.q, any_word=e == "fts5_or") for j in judgments] for e in ENGINES[1:]}
    finally:
        con.close()


def build_kb(data: Path, tmp: Path) -> Path:
    """Build the content with the real `kb build` in tmp; return the served build's index folder."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    cmd = [sys.executable, "-c", KB_PROGRAM, "build", "--data", str(data), "--index", str(tmp / "index"),
           "--database", f"sqlite:///{tmp / 'kb.sqlite'}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    current = tmp / "index" / "CURRENT"
    if proc.returncode != 0 or not current.exists():
        raise SystemExit(f"kb build a échoué (code {proc.returncode}) :\n{proc.stdout}{proc.stderr}")
    return tmp / "index" / "builds" / current.read_text("utf-8").strip()


def kb_searcher(index: Path) -> tuple[Callable[[str], tuple[list[str], str | None]], Callable[[], None]]:
    """kb's real search on a built index: a query -> (ranked ids, spelling suggestion) function, and a close function."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from kb.search import open_index, search

    idx = open_index(index)

    def run(text: str) -> tuple[list[str], str | None]:
        res = search(idx, text, per_page=DEPTH)
        return [h.id for h in res.hits], res.suggestion

    return run, idx.close


@dataclass(frozen=True)
class KbRun:
    """kb's answer to one judged query: the ranked ids scored, its suggestion, and whether the ids are the suggestion's."""

    ids: list[str]
    suggestion: str | None
    followed: bool
    suggestion_finds: bool | None


def kb_runs(run: Callable[[str], tuple[list[str], str | None]], judgments: Sequence[Judgment]) -> list[KbRun]:
    """Each query through kb as a reader uses it: when kb finds nothing and offers « Vouliez-vous dire … ? », the reader
    follows the suggestion (one click), so its results are the ones scored."""
    out = []
    for j in judgments:
        ids, suggestion = run(j.q)
        suggested = run(suggestion)[0] if suggestion else None
        follow = not ids and bool(suggested)
        out.append(KbRun(suggested if follow and suggested else ids, suggestion, follow, bool(suggested) if suggestion else None))
    return out


def wrong_suggestions(judgments: Sequence[Judgment], kb: Sequence[KbRun]) -> list[str]:
    """The judged queries whose expected « vouliez-vous dire » kb does not offer, as « query : got X, expected Y »."""
    return [
        f"« {j.q} » : « {r.suggestion or ''} » au lieu de « {j.suggestion} »"
        for j, r in zip(judgments, kb, strict=True)
        if j.suggestion and r.suggestion != j.suggestion
    ]
