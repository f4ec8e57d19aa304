"""Incremental exports: a one-file rebuild's exports against a full render of them, measured in one run, in process.

Run: .venv/bin/python bench/exports_incremental.py [--records 2000] [--repeat 3]
One demo corpus built with its exports; then, each time after changing one proposal's title, builds (GC paused as
`kb build` does) with no exports, with the exports rendered whole (the writer told nothing of the changes), and with
the incremental exports. On the last build's rows, the exports as the build wrote them before this change (each file
rendered whole, the proposals shaped twice, gzip of each whole file) and the new writer's full render. Medians;
ratios against baselines of the same run (the machine is shared: the load average is printed).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from kb.api import built  # noqa: E402
from kb.api.export import FILES, render  # noqa: E402
from kb.builder import build  # noqa: E402
from kb.content.demo import write_corpus  # noqa: E402
from kb.content.urls import Urls  # noqa: E402
from kb.pages import Context  # noqa: E402
from kb.store import Layout, build_info, make_engine  # noqa: E402
from kb.store.reader import Reader  # noqa: E402

SITE = "http://127.0.0.1:8000"


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call takes, GC paused."""
    gc.collect()
    gc.disable()
    started = time.perf_counter()
    try:
        fn()
    finally:
        gc.enable()
    return time.perf_counter() - started


def old_write(session: Session, folder: Path) -> None:
    """The exports as a build wrote them before: each file rendered whole, then gzip of each at level 6."""
    ctx = Context(Reader(session, False), Urls(SITE), "bench")
    folder.mkdir(parents=True)
    for name in FILES:
        data = render(ctx, name)
        (folder / name).write_bytes(data)
        (folder / f"{name}.gz").write_bytes(gzip.compress(data, 6, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-inc-exports-"))
    load_start = os.getloadavg()
    try:
        data = work / "content"
        write_corpus(data, args.records)
        engine = make_engine(f"sqlite:///{work / 'kb.sqlite'}")
        index = work / "index"
        spent: list[float] = []

        def incremental(session: Session, build_id: str, folder: Path, since: Any = None) -> None:
            spent.append(timed(lambda: built.write_built(session, build_id, folder, SITE, since)))

        def whole(session: Session, build_id: str, folder: Path, since: Any = None) -> None:
            spent.append(timed(lambda: built.write_built(session, build_id, folder, SITE)))

        variants: dict[str, Any] = {"no exports": None, "exports rendered whole": whole, "incremental exports": incremental}
        full = timed(lambda: build(data, engine, index, exports=built.exporter(SITE)))
        target = data / "proposals" / "proposition-000001.yaml"
        lines = target.read_text("utf-8").splitlines(keepends=True)
        builds: dict[str, list[float]] = {k: [] for k in variants}
        writes: dict[str, list[float]] = {k: [] for k in variants}
        for n in range(args.repeat):
            for label, exporter in variants.items():
                target.write_text(f'title: "Simplifier le foncier des PMI ({label} {n})"\n' + "".join(lines[1:]), "utf-8")
                spent.clear()
                builds[label].append(timed(lambda exporter=exporter: build(data, engine, index, exports=exporter)))
                writes[label].append(sum(spent))
        with Session(engine) as session:
            build_id = build_info(session)["build_id"]
            rounds = range(max(1, args.repeat // 2))
            old = [timed(lambda i=i: old_write(session, work / f"old-{i}")) for i in rounds]
            new = [timed(lambda i=i: built.write_built(session, build_id, work / f"new-{i}", SITE)) for i in rounds]
        folder = Layout(index).exports(Layout(index).current() or "")
        sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir())}
        old_gz = (work / "old-0" / "kb.json.gz").stat().st_size
        engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    print(f"{args.records:,} records; kb.json {sizes['kb.json'] / 1e6:.1f} MB, gzip {sizes['kb.json.gz'] / 1e6:.2f} MB "
          f"(one gzip stream of the whole file: {old_gz / 1e6:.2f} MB); full build with exports {full:.2f} s")
    print(f"load average: start {load_start[0]:.1f}, end {os.getloadavg()[0]:.1f}")
    print("| one file changed, in process (median) | build | of which exports | build against no exports |")
    print("|---|---|---|---|")
    base = med(builds["no exports"])
    for label in variants:
        print(f"| {label} | {med(builds[label]):.2f} s | {med(writes[label]):.2f} s | {med(builds[label]) / base:.2f}x |")
    print(f"exports of the last build's rows: as built before {med(old):.2f} s, new writer rendering all {med(new):.2f} s "
          f"({med(new) / med(old):.2f}x); incremental {med(writes['incremental exports']):.2f} s "
          f"({med(writes['incremental exports']) / med(old):.3f}x of before)")


if __name__ == "__main__":
    main()
