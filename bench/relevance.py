"""Search relevance: the judged French queries through kb's real search and two SQLite FTS5 baselines (every word
required, any word), scored side by side on the frozen corpus they were judged on; then what the live content
holds that the judgments do not cover, reported and never a failure. The scoring is bench/judged.py's, the engines
bench/relevance_engines.py's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from judged import (
    CORPUS,
    DEPTH,
    ENGINES,
    JUDGMENTS,
    LABELS,
    LIVE,
    MIN_NDCG,
    NDCG_AT,
    Coverage,
    Judgment,
    behind,
    category,
    coverage,
    hit,
    load_judgments,
    load_rows,
    ndcg_at_k,
    problems,
    rank_of,
    reciprocal_rank,
    scores,
)
from relevance_engines import KbRun, build_kb, fts_runs, kb_runs, kb_searcher, wrong_suggestions

NDCG = f"ndcg@{NDCG_AT}"


def freeze(live: Path, frozen: Path) -> None:
    """Replace the frozen corpus with a copy of the live content (then the judgments must be reviewed against it)."""
    if frozen.exists():
        shutil.rmtree(frozen)
    shutil.copytree(live, frozen)
    print(f"{frozen} : copie de {live}. Relisez les jugements sur ce contenu avant de valider (tests/relevance/README.md).")


def evaluate(data: Path, judgments: Sequence[Judgment]) -> tuple[dict[str, list[list[str]]], list[KbRun]]:
    """Every engine's ranked ids for every judged query on one content folder (kb through a real `kb build`)."""
    runs = fts_runs(data, judgments)
    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        run, close = kb_searcher(build_kb(data.resolve(), Path(tmp)))
        try:
            answers = kb_runs(run, judgments)
        finally:
            close()
    return {"kb": [r.ids for r in answers], **runs}, answers


# Report --------------------------------------------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _ranks(ranked: Sequence[str], must: Sequence[str]) -> str:
    return ",".join(str(rank_of(ranked, m) or "–") for m in must)


def _suggested(suggestion: str | None, finds: bool | None) -> str:
    if not suggestion:
        return ""
    return f" (suggestion « {suggestion} »{'' if finds else ', sans résultat'})"


def _figures(row: Mapping[str, Any], metric: str, fmt: str) -> str:
    return " / ".join(format(row[e][metric], fmt) for e in ENGINES)


def _print_groups(grouped: dict[str, dict[str, Any]]) -> None:
    """One line a group of queries: how many, then each engine's hit rate, MRR and nDCG@5."""
    for name, g in grouped.items():
        print(f"  {name:<13} {g['queries']:>3}   réussite {_figures(g, 'hit_rate', '>6.1%')}   MRR {_figures(g, 'mrr', '.3f')}"
              f"   nDCG@5 {_figures(g, NDCG, '.3f')}")


def _table(judgments: Sequence[Judgment], runs: Mapping[str, list[list[str]]], answers: Sequence[KbRun]) -> None:
    print("(→ : rangs après la suggestion de kb, quand kb ne trouvait rien)")
    print(f"{'requête':<44} {'k':>2}  " + " ".join(f"{'rangs ' + LABELS[e]:<14} {'':<5}" for e in ENGINES))
    for i, j in enumerate(judgments):
        cells = []
        for e in ENGINES:
            ranked = runs[e][i]
            ranks = ("→" if e == "kb" and answers[i].followed else "") + _ranks(ranked, j.must)
            cells.append(f"{ranks:<14} {'ok' if hit(ranked, j.must, j.k) else 'raté':<5}")
        print(f"{_cut(j.q, 44):<44} {j.k:>2}  " + " ".join(cells))


def report(judgments: Sequence[Judgment], runs: Mapping[str, list[list[str]]], types: Mapping[str, str],
           answers: Sequence[KbRun], table: bool = True) -> dict[str, Any]:
    """Print the per-query table and the figures; return everything as a JSON-ready dict."""
    if table:
        _table(judgments, runs, answers)
    figures = scores(judgments, runs, types)
    print(f"\n{len(judgments)} requêtes jugées, {DEPTH} résultats demandés à chaque moteur ({' / '.join(LABELS[e] for e in ENGINES)}).")
    print(f"{'':<14} {'réussite':>9} {'MRR':>7} {'nDCG@5':>7}")
    for e in ENGINES:
        t = figures["engines"][e]
        print(f"{LABELS[e]:<14} {t['hit_rate']:>9.1%} {t['mrr']:>7.3f} {t[NDCG]:>7.3f}")
    print(f"\nPar type de la réponse attendue ({' / '.join(LABELS[e] for e in ENGINES)}) :")
    _print_groups(figures["by_type"])
    print("\nPar façon de taper la requête (une requête peut en avoir plusieurs) :")
    _print_groups(figures["by_tag"])
    offered = [i for i, a in enumerate(answers) if a.suggestion]
    empty = [i for i in offered if not answers[i].suggestion_finds]
    followed = sum(a.followed for a in answers)
    print(f"\nSuggestions de kb : {len(offered)} proposées, dont {len(empty)} qui ne trouvent rien ; {followed} suivies.")
    expected = [j for j in judgments if j.suggestion]
    wrong = wrong_suggestions(judgments, answers)
    print(f"Suggestions attendues : {len(expected) - len(wrong)} sur {len(expected)}" + (" ; " + " ; ".join(wrong) if wrong else "."))
    for e in ENGINES:
        missed = [f"« {j.q} »" + (_suggested(answers[i].suggestion, answers[i].suggestion_finds) if e == "kb" else "")
                  for i, j in enumerate(judgments) if not hit(runs[e][i], j.must, j.k)]
        print(f"\nRatées par {LABELS[e]} ({len(missed)}) : " + (" ; ".join(missed) or "aucune"))
    results = [
        {"q": j.q, "k": j.k, "must": list(j.must), "category": category(j, types), "tags": list(j.tags),
         "kb_suggestion": answers[i].suggestion, "kb_suggestion_finds": answers[i].suggestion_finds,
         "kb_followed_suggestion": answers[i].followed, "expected_suggestion": j.suggestion,
         **{f"{e}_{name}": value for e in ENGINES for name, value in (
             ("ids", runs[e][i]), ("hit", hit(runs[e][i], j.must, j.k)), ("rr", reciprocal_rank(runs[e][i], j.relevant)),
             (NDCG, ndcg_at_k(runs[e][i], j.relevant)))}}
        for i, j in enumerate(judgments)
    ]
    suggestions = {"offered": len(offered), "finding_nothing": len(empty), "followed": followed, "expected": len(expected), "wrong": wrong}
    return {"queries": len(judgments), "depth": DEPTH, **figures, "kb_suggestions": suggestions, "results": results}


def report_live(cov: Coverage, figures: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the live content holds that the judgments do not cover (to review them), and its figures for information."""
    print("\n--- Contenu vivant (proposals/) : pour information, jamais un échec ---")
    if figures is not None:
        print(f"Sur le contenu vivant : {'réussite':>9} {'MRR':>7} {'nDCG@5':>7}")
        for e in ENGINES:
            t = figures["engines"][e]
            print(f"{LABELS[e]:<14} {t['hit_rate']:>9.1%} {t['mrr']:>7.3f} {t[NDCG]:>7.3f}")
    if cov.changed:
        print(f"{len(cov.changed)} fichier(s) diffèrent de la copie gelée : " + ", ".join(cov.changed))
    for kind, ids in cov.unjudged.items():
        if ids:
            print(f"Sans requête jugée qui les attende ({kind}, {len(ids)}) : " + ", ".join(ids))
    for group in cov.unused:
        print("Groupe de synonymes qu'aucune fiche n'emploie : " + ", ".join(group))
    for rid, queries in cov.gone.items():
        print(f"Fiche jugée absente du contenu vivant : « {rid} » (" + " ; ".join(f"« {q} »" for q in queries) + ")")
    if cov.clean:
        print("Le contenu vivant est la copie gelée ; chaque fiche jugée y est.")
    elif cov.changed:
        print("Pour mesurer sur le contenu d'aujourd'hui : make relevance-freeze, puis relire les jugements.")
    live = {"changed": cov.changed, "unjudged": cov.unjudged, "gone": cov.gone, "unused_synonyms": cov.unused}
    return {**live, **({"figures": figures} if figures is not None else {})}


def _live_figures(live: Path, judgments: Sequence[Judgment], cov: Coverage) -> dict[str, Any] | None:
    """The engines' figures on the live content when it differs from the frozen copy (queries about vanished records
    count as misses there); None when it is the frozen copy, or does not build (`kb check` says why)."""
    if not cov.changed:
        return None
    try:
        runs = evaluate(live, judgments)[0]
    except SystemExit as failed:
        print(f"\nLe contenu vivant ne se construit pas : pas de mesure sur lui.\n{failed}")
        return None
    return scores(judgments, runs, {r.id: r.type for r in load_rows(live)})


def main(argv: Sequence[str] | None = None) -> int:
    """Score the judged queries on the frozen corpus, report on the live content; 1 when kb is below the threshold or
    behind a baseline (in total or on a type of query), 2 on bad judgments."""
    parser = argparse.ArgumentParser(description="Pertinence de la recherche : requêtes jugées, kb contre FTS5 (AND et OR).")
    parser.add_argument("--data", type=Path, default=CORPUS, help="contenu jugé (par défaut la copie gelée tests/relevance/corpus/)")
    parser.add_argument("--live", type=Path, default=LIVE, help="contenu vivant sur lequel faire rapport (par défaut proposals/)")
    parser.add_argument("--no-live", action="store_true", help="sans le rapport sur le contenu vivant")
    parser.add_argument("--judgments", type=Path, default=JUDGMENTS, help="fichier des requêtes jugées")
    parser.add_argument("--json", type=Path, help="écrit les résultats dans ce fichier JSON")
    parser.add_argument("--quiet", action="store_true", help="sans le tableau requête par requête")
    parser.add_argument("--min-ndcg", type=float, default=MIN_NDCG,
                        help=f"échoue si le nDCG@5 de kb est inférieur à ce seuil (par défaut {MIN_NDCG}) ou à celui d'une référence")
    parser.add_argument("--freeze", action="store_true", help="remplace la copie gelée par le contenu vivant, puis s'arrête")
    args = parser.parse_args(argv)
    if args.freeze:
        freeze(args.live, args.data)
        return 0

    judgments = load_judgments(args.judgments)
    types = {r.id: r.type for r in load_rows(args.data)}
    bad = problems(judgments, set(types))
    if bad:
        print(f"{args.judgments} : {len(bad)} problème(s) :\n  " + "\n  ".join(bad), file=sys.stderr)
        return 2
    runs, answers = evaluate(args.data, judgments)
    print(f"Contenu jugé : {args.data}")
    out = report(judgments, runs, types, answers, table=not args.quiet)
    if not args.no_live and args.live.resolve() != args.data.resolve():
        cov = coverage(judgments, args.live, args.data)
        out["live"] = report_live(cov, _live_figures(args.live, judgments, cov))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")
    kb_n = out["engines"]["kb"][NDCG]
    lagging = behind(out)
    if kb_n < args.min_ndcg or lagging:
        print(f"\nÉchec : nDCG@5 de kb {kb_n:.3f} (seuil {args.min_ndcg:.3f})" + ("" if not lagging else " ; derrière une référence : "
              + " ; ".join(lagging)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
