"""SQLite FTS5 baseline: the same records, the same queries, facets by GROUP BY, highlights by snippet()."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

SINGLE = ("type", "document", "axis", "status", "horizon")
MULTI = {"sector": "sectors", "region": "regions"}


def build_fts(docs: list[dict[str, Any]], path: Path) -> float:
    """Write a SQLite file with a docs table and its FTS5 index (Datasette serves the same file); return seconds."""
    start = time.perf_counter()
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE docs (id TEXT PRIMARY KEY, type TEXT, title TEXT, summary TEXT, body TEXT, document TEXT, axis TEXT,
                           status TEXT, horizon TEXT, sectors TEXT, regions TEXT, updated TEXT, draft INTEGER);
        CREATE VIRTUAL TABLE docs_fts USING fts5(title, summary, body, content="docs", tokenize="unicode61 remove_diacritics 2");
        """
    )
    con.executemany(
        "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (d["id"], d["type"], d["title"], d["summary"], d.get("body", ""), d.get("document") or "", d.get("axis") or "",
             d["status"], d.get("horizon") or "", json.dumps(d["sector"]), json.dumps(d["region"]), d["updated"], int(d["draft"]))
            for d in docs
        ],
    )
    con.execute("INSERT INTO docs_fts(rowid, title, summary, body) SELECT rowid, title, summary, body FROM docs")
    con.commit()
    con.close()
    return time.perf_counter() - start


def _match(text: str) -> str:
    words = [w for w in text.replace('"', " ").split() if w.upper() not in ("OU", "OR", "AND", "ET", "NOT")]
    return " ".join(f'"{w}"' for w in words)


def search_fts(con: sqlite3.Connection, text: str, filters: dict[str, list[str]]) -> dict[str, Any]:
    """Total, top 20 with snippets, and every facet's counts, as kb.search returns them."""
    where, args = ["d.draft = 0"], []
    match = _match(text)
    source = "docs d"
    if match:
        source = "docs_fts f JOIN docs d ON d.rowid = f.rowid"
        where.append("docs_fts MATCH ?")
        args.append(match)
    for name, values in filters.items():
        if name in MULTI:
            where.append(f"EXISTS (SELECT 1 FROM json_each(d.{MULTI[name]}) WHERE value IN ({','.join('?' * len(values))}))")
        else:
            where.append(f"d.{name} IN ({','.join('?' * len(values))})")
        args += values
    cond = " AND ".join(where)
    total = con.execute(f"SELECT count(*) FROM {source} WHERE {cond}", args).fetchone()[0]
    if match:
        top = con.execute(
            f"SELECT d.id, snippet(docs_fts, 2, '<mark>', '</mark>', ' … ', 24) FROM {source} WHERE {cond} "
            "ORDER BY bm25(docs_fts) LIMIT 20",
            args,
        ).fetchall()
    else:
        top = con.execute(f"SELECT d.id, '' FROM {source} WHERE {cond} ORDER BY d.updated DESC LIMIT 20", args).fetchall()
    facets = {c: dict(con.execute(f"SELECT d.{c}, count(*) FROM {source} WHERE {cond} GROUP BY d.{c}", args).fetchall()) for c in SINGLE}
    for name, column in MULTI.items():
        sql = f"SELECT j.value, count(*) FROM {source}, json_each(d.{column}) j WHERE {cond} GROUP BY j.value"
        facets[name] = dict(con.execute(sql, args).fetchall())
    return {"total": total, "top": top, "facets": facets}
