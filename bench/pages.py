"""Uncached pages in process: what one page costs without gunicorn or the page cache, and where that time goes.

    .venv/bin/python bench/pages.py --data DIR --index DIR --database URL [--pages 200] [--profile]

Renders, through Flask's test client with the page cache off, the first N of the bench's 800 distinct search
addresses, then N proposal pages and the axis pages (each address once, after one warm-up page of each kind, so
what is measured is what an uncached page costs a worker that has served for a while). Times are the
process's CPU time, which other work on the machine disturbs less than the wall clock. Prints milliseconds a page;
``--profile KIND`` adds cProfile's top functions by cumulative and own time over the pages of that kind.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import time
import urllib.parse
from pathlib import Path

from sqlmodel import Session

from kb import create_app
from kb.content.demo import read_queries
from kb.content.kinds import AXIS, PROPOSAL
from kb.content.urls import record_path
from kb.store import queries as q
from kb.store.reader import Reader

QUERIES = Path(__file__).with_name("queries.txt")


def distinct_searches() -> list[str]:
    """The 800 distinct search addresses of bench/run (each query alone, by date, and on either type)."""
    variants = ["", "&tri=date", "&type=proposition", "&type=action"]
    return [f"/recherche?q={urllib.parse.quote(q)}{v}" for v in variants for q, _ in read_queries(QUERIES)]


def main() -> None:
    """Render the pages, print the figures."""
    parser = argparse.ArgumentParser(description="uncached pages, in process")
    parser.add_argument("--data", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--database", required=True, help="database URL")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--profile", choices=["search", "proposal", "axis"], help="profile the pages of this kind")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    app = create_app({"DATA_DIR": args.data, "INDEX_DIR": args.index, "DATABASE_URL": args.database, "PAGE_CACHE": False,
                      "TRUSTED_HOSTS": None})
    client = app.test_client()
    with Session(app.extensions["kb.engine"]) as session:
        reader = Reader(session)
        proposals = [record_path(PROPOSAL, r.id) for r in q.all_of(reader, PROPOSAL)[: args.pages + 1]]
        axes = [record_path(AXIS, r.id) for r in q.all_of(reader, AXIS)]
    sets = {"search": distinct_searches()[: args.pages + 1], "proposal": proposals, "axis": axes[: args.pages + 1]}
    for name, paths in sets.items():
        assert client.get(paths[0]).status_code == 200, paths[0]  # warm-up: the index opened, templates compiled
        profiler = cProfile.Profile() if args.profile == name else None
        start = time.process_time()
        if profiler:
            profiler.enable()
        marks = [start]
        for n, path in enumerate(paths[1:], 1):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            if n % 200 == 0:
                marks.append(time.process_time())
        if profiler:
            profiler.disable()
        elapsed = time.process_time() - start
        print(f"{name}: {len(paths) - 1} pages, {elapsed / max(1, len(paths) - 1) * 1000:.2f} ms a page", end="")
        # Search addresses come in four rounds of the same 200 queries: the first round computes the query's leaves.
        rounds = [f"{(b - a) / 200 * 1000:.2f}" for a, b in itertools.pairwise(marks)]
        print(f" (by 200: {', '.join(rounds)})" if len(rounds) > 1 else "")
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
