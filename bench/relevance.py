"""Search relevance: judged French queries through kb's real search and an SQLite FTS5 baseline, scored side by side."""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "proposals"
JUDGMENTS = ROOT / "tests" / "relevance" / "judgments.yaml"
DEPTH = 10  # results asked of each engine per query
NDCG_AT = 5
ENGINES = ("kb", "fts5")
# Record folders under the data folder and the type of their records; regions and sectors are single files.
FOLDERS = {"documents": "document", "axes": "axe", "proposals": "proposition", "actions": "action"}
LISTS = {"regions.yaml": "région", "sectors.yaml": "filière"}
TYPE_ORDER = ("document", "axe", "proposition", "action", "région", "filière")
# bm25() weights of the baseline's columns: title, summary, body, quotes.
WEIGHTS = (3.0, 1.5, 1.0, 0.5)
# kb's nDCG@5 on the judged queries may not fall below this (measured 0.918 on 1 December 2026, 131 queries; the
# slack leaves room for content that grows before its judgments are reviewed); nor below FTS5's.
MIN_NDCG = 0.90
# `kb build` run as the installed `kb` program runs it (kb.cli has no `python -m` entry point).
KB_PROGRAM = "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()"


@dataclass(frozen=True)
class Judgment:
    """One judged query: the ids that must be in the top k and the graded relevant ids."""

    q: str
    k: int
    must: tuple[str, ...]
    relevant: dict[str, int]
    why: str
    tags: tuple[str, ...] = ()
    suggestion: str | None = None


@dataclass(frozen=True)
class Row:
    """One record as the baseline indexes it."""

    id: str
    type: str
    title: str
    summary: str
    body: str
    quotes: str


# Metrics -------------------------------------------------------------------------------------------------------------


def hit(ranked: Sequence[str], must: Iterable[str], k: int) -> bool:
    """True when every id of `must` is among the first k ranked ids."""
    top = set(ranked[:k])
    return all(m in top for m in must)


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int]) -> float:
    """1/rank of the first relevant id of grade >= 2 (of any grade when none reaches 2); 0 when none is ranked."""
    floor = 2 if any(g >= 2 for g in relevant.values()) else 1
    for rank, rid in enumerate(ranked, 1):
        if relevant.get(rid, 0) >= floor:
            return 1.0 / rank
    return 0.0


def mrr(runs: Iterable[tuple[Sequence[str], Mapping[str, int]]]) -> float:
    """Mean reciprocal rank over (ranked ids, graded relevant ids) pairs; 0 for none."""
    ranks = [reciprocal_rank(ranked, relevant) for ranked, relevant in runs]
    return sum(ranks) / len(ranks) if ranks else 0.0


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: gain / log2(rank + 1)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int = NDCG_AT) -> float:
    """Normalised DCG of the first k ranked ids, gain = grade; 0 when nothing is relevant."""
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg(relevant.get(rid, 0) for rid in ranked[:k]) / ideal


def rank_of(ranked: Sequence[str], rid: str) -> int | None:
    """1-based rank of an id in a result list, None when absent."""
    return ranked.index(rid) + 1 if rid in ranked else None


# Judgments and content -----------------------------------------------------------------------------------------------


def load_judgments(path: Path) -> list[Judgment]:
    """Read the judged queries (a YAML list of {q, k, must, relevant, why, tags?, suggestion?})."""
    entries = yaml.safe_load(path.read_text("utf-8")) or []
    return [
        Judgment(
            q=str(e["q"]),
            k=int(e["k"]),
            must=tuple(str(m) for m in e["must"]),
            relevant={str(rid): int(g) for rid, g in e["relevant"].items()},
            why=str(e.get("why", "")),
            tags=tuple(str(t) for t in e.get("tags") or ()),
            suggestion=str(e["suggestion"]) if e.get("suggestion") else None,
        )
        for e in entries
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _quotes(data: Mapping[str, Any]) -> str:
    return "\n".join(_text(s.get("quote")) for s in data.get("sources") or [] if isinstance(s, dict) and s.get("quote"))


def load_rows(data: Path) -> list[Row]:
    """Every published record of every type, read from the YAML files with PyYAML (independently of kb's loader)."""
    rows: list[Row] = []
    for folder, kind in FOLDERS.items():
        for path in sorted((data / folder).glob("*.yaml")):
            rec = yaml.safe_load(path.read_text("utf-8")) or {}
            if rec.get("draft") is True:
                continue
            title = _text(rec.get("title"))
            if kind == "document":
                summary, body = f"{_text(rec.get('publisher'))}\n{_text(rec.get('summary'))}", _text(rec.get("body"))
            elif kind == "axe":
                summary, body = _text(rec.get("description")), ""
            else:
                tags = " ".join(_text(t) for t in rec.get("tags") or [])
                summary, body = _text(rec.get("summary")), f"{_text(rec.get('body'))}\n{tags}"
            rows.append(Row(path.stem, kind, title, summary, body, _quotes(rec)))
    for name, kind in LISTS.items():
        for rec in yaml.safe_load((data / name).read_text("utf-8")) or []:
            rows.append(Row(str(rec["id"]), kind, _text(rec.get("name")), "", "", ""))
    return rows


def problems(judgments: Sequence[Judgment], ids: set[str]) -> list[str]:
    """What is wrong with the judgments: unknown ids, `must` outside `relevant`, bad k or grade, duplicate queries."""
    out: list[str] = []
    seen: set[str] = set()
    for j in judgments:
        where = f"« {j.q} »"
        if j.q in seen:
            out.append(f"{where} : requête en double")
        seen.add(j.q)
        if not j.must:
            out.append(f"{where} : « must » est vide")
        if not 1 <= j.k <= DEPTH:
            out.append(f"{where} : k doit être entre 1 et {DEPTH}")
        out += [f"{where} : « {m} » est dans « must » mais pas dans « relevant »" for m in j.must if m not in j.relevant]
        out += [f"{where} : identifiant inconnu « {rid} »" for rid in j.relevant if rid not in ids]
        out += [f"{where} : note {g} pour « {rid} » (1, 2 ou 3)" for rid, g in j.relevant.items() if g not in (1, 2, 3)]
    return out


# Engines -------------------------------------------------------------------------------------------------------------


def build_fts(rows: Sequence[Row]) -> sqlite3.Connection:
    """An in-memory FTS5 table of the rows, accents folded, no stemming."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE docs_fts USING fts5(id UNINDEXED, title, summary, body, quotes, tokenize='unicode61 remove_diacritics 2')"
    )
    con.executemany("INSERT INTO docs_fts VALUES (?,?,?,?,?)", [(r.id, r.title, r.summary, r.body, r.quotes) for r in rows])
    return con


def fts_match(text: str) -> str:
    """Each word quoted as an FTS5 string (implicitly ANDed); stop words kept."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in text.split())


def search_fts(con: sqlite3.Connection, text: str, limit: int = DEPTH) -> list[str]:
    """Ids ranked by weighted bm25 (lower is better)."""
    match = fts_match(text)
    if not match:
        return []
    sql = f"SELECT id FROM docs_fts WHERE docs_fts MATCH ? ORDER BY bm25(docs_fts, 0, {', '.join(map(str, WEIGHTS))}) LIMIT ?"
    return [rid for (rid,) in con.execute(sql, (match, limit))]


def build_kb(data: Path, tmp: Path) -> Path:
    """Build the content with the real `kb build` in tmp; return the served build's index folder."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    cmd = [
        sys.executable,
        "-c",
        KB_PROGRAM,
        "build",
        "--data",
        str(data),
        "--index",
        str(tmp / "index"),
        "--database",
        f"sqlite:///{tmp / 'kb.sqlite'}",
    ]
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


# Report --------------------------------------------------------------------------------------------------------------


def category(j: Judgment, types: Mapping[str, str]) -> str:
    """The record type of the query's first expected answer."""
    return types.get(j.must[0], "?") if j.must else "?"


def totals(judgments: Sequence[Judgment], ranked: Sequence[Sequence[str]]) -> dict[str, float]:
    """Hit rate, MRR and mean nDCG@5 of one engine over the judged queries."""
    n = len(judgments) or 1
    return {
        "hit_rate": sum(hit(r, j.must, j.k) for j, r in zip(judgments, ranked, strict=True)) / n,
        "mrr": mrr((r, j.relevant) for j, r in zip(judgments, ranked, strict=True)),
        f"ndcg@{NDCG_AT}": sum(ndcg_at_k(r, j.relevant) for j, r in zip(judgments, ranked, strict=True)) / n,
    }


def _ranks(ranked: Sequence[str], must: Sequence[str]) -> str:
    return ",".join(str(rank_of(ranked, m) or "–") for m in must)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _suggested(suggestion: str | None, finds: bool | None) -> str:
    if not suggestion:
        return ""
    return f" (suggestion « {suggestion} »{'' if finds else ', sans résultat'})"


def wrong_suggestions(judgments: Sequence[Judgment], kb: Sequence[KbRun]) -> list[str]:
    """The judged queries whose expected « vouliez-vous dire » kb does not offer, as « query : got X, expected Y »."""
    return [
        f"« {j.q} » : « {r.suggestion or ''} » au lieu de « {j.suggestion} »"
        for j, r in zip(judgments, kb, strict=True)
        if j.suggestion and r.suggestion != j.suggestion
    ]


def _print_groups(groups: dict[str, dict[str, Any]]) -> None:
    """One line a group of queries: how many, then kb's and FTS5's hit rate and nDCG@5."""
    for name, g in groups.items():
        kb_t, fts_t = g["kb"], g["fts5"]
        print(
            f"  {name:<12} {g['queries']:>3} requêtes   réussite {kb_t['hit_rate']:>6.1%} / {fts_t['hit_rate']:>6.1%}"
            f"   nDCG@5 {kb_t[f'ndcg@{NDCG_AT}']:.3f} / {fts_t[f'ndcg@{NDCG_AT}']:.3f}"
        )


def report(
    judgments: Sequence[Judgment],
    runs: Mapping[str, list[list[str]]],
    types: Mapping[str, str],
    kb_answers: Sequence[KbRun],
) -> dict[str, Any]:
    """Print the per-query table and the totals; return everything as a JSON-ready dict."""
    suggestions = [r.suggestion for r in kb_answers]
    useful = [r.suggestion_finds for r in kb_answers]
    print("(→ : rangs après la suggestion de kb, quand kb ne trouvait rien)")
    print(f"{'requête':<44} {'k':>2}  {'rangs kb':<12} {'kb':<5} {'rangs FTS5':<12} {'FTS5':<5}")
    results = []
    for i, j in enumerate(judgments):
        kb, fts = runs["kb"][i], runs["fts5"][i]
        kb_hit, fts_hit = hit(kb, j.must, j.k), hit(fts, j.must, j.k)
        ranks = ("→" if kb_answers[i].followed else "") + _ranks(kb, j.must)
        print(
            f"{_cut(j.q, 44):<44} {j.k:>2}  {ranks:<12} {'ok' if kb_hit else 'raté':<5} "
            f"{_ranks(fts, j.must):<12} {'ok' if fts_hit else 'raté':<5}"
        )
        results.append(
            {
                "q": j.q,
                "k": j.k,
                "must": list(j.must),
                "category": category(j, types),
                "tags": list(j.tags),
                "kb_suggestion": suggestions[i],
                "kb_suggestion_finds": useful[i],
                "kb_followed_suggestion": kb_answers[i].followed,
                "expected_suggestion": j.suggestion,
                **{
                    f"{e}_{name}": value
                    for e, r in (("kb", kb), ("fts5", fts))
                    for name, value in (
                        ("ids", r),
                        ("hit", hit(r, j.must, j.k)),
                        ("rr", reciprocal_rank(r, j.relevant)),
                        (f"ndcg@{NDCG_AT}", ndcg_at_k(r, j.relevant)),
                    )
                },
            }
        )
    engines = {e: totals(judgments, runs[e]) for e in ENGINES}
    groups: dict[str, list[int]] = {}
    for i, j in enumerate(judgments):
        groups.setdefault(category(j, types), []).append(i)
    by_type = {
        c: {"queries": len(ix), **{e: totals([judgments[i] for i in ix], [runs[e][i] for i in ix]) for e in ENGINES}}
        for c, ix in sorted(groups.items(), key=lambda kv: TYPE_ORDER.index(kv[0]) if kv[0] in TYPE_ORDER else 99)
    }
    tagged: dict[str, list[int]] = {}
    for i, j in enumerate(judgments):
        for t in j.tags:
            tagged.setdefault(t, []).append(i)
    by_tag = {
        t: {"queries": len(ix), **{e: totals([judgments[i] for i in ix], [runs[e][i] for i in ix]) for e in ENGINES}}
        for t, ix in sorted(tagged.items())
    }
    print(f"\n{len(judgments)} requêtes jugées, {DEPTH} résultats demandés à chaque moteur.")
    print(f"{'':<14} {'réussite':>9} {'MRR':>7} {'nDCG@5':>7}")
    for e in ENGINES:
        t = engines[e]
        print(f"{e:<14} {t['hit_rate']:>9.1%} {t['mrr']:>7.3f} {t[f'ndcg@{NDCG_AT}']:>7.3f}")
    print("\nPar type de la réponse attendue (réussite et nDCG@5, kb / FTS5) :")
    _print_groups(by_type)
    print("\nPar façon de taper la requête (une requête peut en avoir plusieurs) :")
    _print_groups(by_tag)
    offered = [i for i, sug in enumerate(suggestions) if sug]
    empty = [i for i in offered if not useful[i]]
    followed = sum(r.followed for r in kb_answers)
    print(f"\nSuggestions de kb : {len(offered)} proposées, dont {len(empty)} qui ne trouvent rien ; {followed} suivies.")
    expected = [j for j in judgments if j.suggestion]
    wrong = wrong_suggestions(judgments, kb_answers)
    print(f"Suggestions attendues : {len(expected) - len(wrong)} sur {len(expected)}" + (" ; " + " ; ".join(wrong) if wrong else "."))
    for e in ENGINES:
        missed = [
            f"« {j.q} »" + (_suggested(suggestions[i], useful[i]) if e == "kb" else "")
            for i, j in enumerate(judgments)
            if not hit(runs[e][i], j.must, j.k)
        ]
        print(f"\nRatées par {e} ({len(missed)}) : " + (" ; ".join(missed) or "aucune"))
    return {
        "queries": len(judgments),
        "depth": DEPTH,
        "engines": engines,
        "by_type": by_type,
        "by_tag": by_tag,
        "kb_suggestions": {"offered": len(offered), "finding_nothing": len(empty), "followed": followed,
                           "expected": len(expected), "wrong": wrong},
        "results": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the judged queries through kb and the FTS5 baseline; 1 when below --min-ndcg or below FTS5, 2 on bad judgments."""
    parser = argparse.ArgumentParser(description="Pertinence de la recherche : requêtes jugées, kb contre FTS5.")
    parser.add_argument("--data", type=Path, default=DATA, help="dossier du contenu (par défaut proposals/)")
    parser.add_argument("--judgments", type=Path, default=JUDGMENTS, help="fichier des requêtes jugées")
    parser.add_argument("--json", type=Path, help="écrit les résultats dans ce fichier JSON")
    parser.add_argument("--min-ndcg", type=float, default=MIN_NDCG,
                        help=f"échoue si le nDCG@5 de kb est inférieur à ce seuil (par défaut {MIN_NDCG}) ou à celui de FTS5")
    args = parser.parse_args(argv)

    judgments = load_judgments(args.judgments)
    rows = load_rows(args.data)
    types = {r.id: r.type for r in rows}
    bad = problems(judgments, set(types))
    if bad:
        print(f"{args.judgments} : {len(bad)} problème(s) :\n  " + "\n  ".join(bad), file=sys.stderr)
        return 2

    con = build_fts(rows)
    runs: dict[str, list[list[str]]] = {"fts5": [search_fts(con, j.q) for j in judgments]}
    con.close()
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        run, close = kb_searcher(build_kb(args.data.resolve(), Path(tmp)))
        try:
            answers = kb_runs(run, judgments)
        finally:
            close()
        runs["kb"] = [r.ids for r in answers]

    out = report(judgments, runs, types, answers)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if args.min_ndcg is not None:
        key = f"ndcg@{NDCG_AT}"
        kb_n, fts_n = out["engines"]["kb"][key], out["engines"]["fts5"][key]
        if kb_n < args.min_ndcg or kb_n < fts_n:
            print(f"\nÉchec : nDCG@5 de kb {kb_n:.3f}, seuil {args.min_ndcg:.3f}, FTS5 {fts_n:.3f}.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
