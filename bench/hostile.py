"""Bounded cost of hostile queries: each one against the median of the 200 benchmark queries, on a demo corpus.

Run: .venv/bin/python bench/hostile.py [--records 1000] [--seed 1]
Prints, for each hostile query, its cold time (result cache off), and its ratio to the median of the
ordinary queries measured in the same run; exits 1 when one is above 10× (the issue's bound).
Not part of make test: timings belong to benchmarks, not to unit tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from bench import queries  # noqa: E402

HOSTILE = [
    "a*",
    "ind*",
    "pro*",
    "con*",
    "ind* pro* con* dev* ter* fin* ent* tra*",
    " ".join(f"{c}{d}{e}*" for c, d, e in zip("abcdefghijklmnopqrstuvwxyz", "aeiouy" * 4 + "ae", "nrstl" * 5 + "n", strict=True)),
    '"' * 200,
    "(" * 100 + "industrie" + ")" * 100,
    "OU " * 80,
    "-a -b -c -d -e -f -g -h -i -j -k -l -m -n -o -p -q -r -s -t",
    "industrie " * 1000,
    "x" * 10_000,
    "é" * 255 + "*",
    "draft:true id:x type:proposal",
    "\x00" * 500 + "foncier",
    " ".join(f"mot{n}" for n in range(200)),
    "abcdefg hijklmn opqrstu vwxyzab cdefghi jklmnop qrstuvw xyzabcd efghijk lmnopqr stuvwxy zabcdef",
    "industrei fonceir energei souverainte competitivte formaiton finacement tranistion",
]


def _time(idx: object, text: str, filters: dict[str, list[str]], rounds: int) -> float:
    from kb import search

    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        search.search(idx, text, filters=filters, cache=False)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from kb import search
    from kb.builder import build
    from kb.content.demo import write_corpus
    from kb.store import Layout, make_engine

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "content"
        write_corpus(data, args.records, seed=args.seed)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kb.sqlite'}")
        report = build(data, engine, Path(tmp) / "index")
        engine.dispose()
        if not report.ok:
            print("build failed", [p.format() for p in report.problems[:5]])
            return 2
        idx = search.open_index(Layout(Path(tmp) / "index").index(Layout(Path(tmp) / "index").current() or ""))
        try:
            ordinary = [_time(idx, text, filters, args.rounds) for text, filters in queries()]
            median = statistics.median(ordinary)
            print(f"{args.records} records: median of {len(ordinary)} ordinary queries {median * 1000:.2f} ms, "
                  f"max {max(ordinary) * 1000:.2f} ms")
            worst = 0.0
            for text in HOSTILE:
                took = _time(idx, text, {}, args.rounds)
                ratio = took / median
                worst = max(worst, ratio)
                print(f"{took * 1000:8.2f} ms  {ratio:6.2f}×  {text[:60]!r}")
        finally:
            idx.close()
    print(f"worst hostile query: {worst:.2f}× the median (bound: 10×)")
    return 0 if worst <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
