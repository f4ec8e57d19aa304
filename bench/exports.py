"""Exports built once per build, against the same exports rendered per request, measured in one run.

Run: .venv/bin/python bench/exports.py [--records 2000] [--duration 10]
One demo corpus, built with its exports for the address http://127.0.0.1:PORT; gunicorn (gunicorn.conf.py) answers
that address from the built files, and the address http://localhost:PORT by rendering them per request (the
exports' links follow the site address, so another one cannot take the files): that is the code path of every
request before exports were built. For each: kb.json under 4 connections (wrk), and what a reader of the home page
(one request every 200 ms, another client) waits meanwhile. Then the build's own cost: in-process builds of the
same corpus with and without the exports, full and after one changed file. Every server listens on 127.0.0.1 and is
stopped by its pid.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import loadgen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KB = str(Path(sys.executable).parent / "kb")
EXPORT = "/api/v1/export/kb.json"
READER_EVERY = 0.2


def reader(base: str, host: str, stop: threading.Event, times: list[float]) -> None:
    """GET the home page every READER_EVERY seconds (another client), recording each wait."""
    while not stop.wait(READER_EVERY):
        started = time.perf_counter()
        req = urllib.request.Request(base + "/", headers={"Host": host})
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
        times.append(time.perf_counter() - started)


def under_load(base: str, host: str, duration: int, gzip: bool) -> dict[str, Any]:
    """wrk on kb.json (4 connections) while a reader reads the home page: throughput, and the reader's waits."""
    header = ["-H", f"Host: {host}"] + (["-H", "Accept-Encoding: gzip"] if gzip else [])
    stop, times = threading.Event(), []
    thread = threading.Thread(target=reader, args=(base, host, stop, times))
    thread.start()
    try:
        out = subprocess.run(["wrk", "-t2", "-c4", f"-d{duration}s", "--latency", "--timeout", "30s", *header, base + EXPORT],
                             capture_output=True, text=True, timeout=duration + 120).stdout
    finally:
        stop.set()
        thread.join()
    rps = float(out.split("Requests/sec:")[1].split()[0]) if "Requests/sec:" in out else 0.0
    ordered = sorted(times) or [float("nan")]
    return {"rps": rps, "reader_p50_ms": ordered[len(ordered) // 2] * 1000, "reader_max_ms": ordered[-1] * 1000,
            "reader_requests": len(times)}


def build_times(data: Path, work: Path, base: str) -> dict[str, float]:
    """In-process builds, full and one-file, with and without the exports (GC paused as kb build does)."""
    from kb.api.built import exporter
    from kb.builder import build
    from kb.store import make_engine

    out: dict[str, float] = {}
    target = data / "proposals" / "proposition-000001.yaml"
    lines = target.read_text("utf-8").splitlines(keepends=True)
    for label, exports in (("without", None), ("with", exporter(base))):
        folder = work / f"build-{label}"
        engine = make_engine(f"sqlite:///{folder / 'kb.sqlite'}")
        folder.mkdir()
        for step in ("full", "one_file"):
            if step == "one_file":
                target.write_text(f'title: "Simplifier le foncier des PMI ({label})"\n' + "".join(lines[1:]), "utf-8")
            gc.disable()
            started = time.perf_counter()
            assert build(data, engine, folder / "index", exports=exports).ok
            out[f"build_{step}_{label}_exports_s"] = time.perf_counter() - started
            gc.enable()
        engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-exports-"))
    try:
        data = work / "content"
        subprocess.run([KB, "demo-corpus", "--records", str(args.records), "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
        port = loadgen.free_port()
        site = f"http://{loadgen.HOST}:{port}"
        env = {"KB_DATA_DIR": str(data), "KB_INDEX_DIR": str(work / "index"), "KB_DATABASE_URL": f"sqlite:///{work / 'kb.sqlite'}"}
        subprocess.run([KB, "build", "--site-url", site], env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        sizes = {p.name: p.stat().st_size for p in sorted((work / "index" / "builds").glob("*/exports/*"))}
        cmd, genv = loadgen.gunicorn("kb:create_app()", port, ROOT / "gunicorn.conf.py")
        genv["KB_TRUSTED_HOSTS"] = "127.0.0.1,localhost"
        results: dict[str, Any] = {}
        with loadgen.server(cmd, port, env={**env, **genv}, cwd=ROOT):
            for _ in range(5):
                loadgen.status(site + "/")
            idle: list[float] = []
            stop = threading.Event()
            thread = threading.Thread(target=reader, args=(site, f"{loadgen.HOST}:{port}", stop, idle))
            thread.start()
            time.sleep(3)
            stop.set()
            thread.join()
            results["reader_alone_p50_ms"] = sorted(idle)[len(idle) // 2] * 1000
            results["rendered"] = under_load(site, f"localhost:{port}", args.duration, gzip=False)
            results["built"] = under_load(site, f"{loadgen.HOST}:{port}", args.duration, gzip=False)
            results["built_gzip"] = under_load(site, f"{loadgen.HOST}:{port}", args.duration, gzip=True)
        results.update(build_times(data, work, site))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rendered = results["rendered"]
    print(f"kb.json at {args.records:,} records: {sizes.get('kb.json', 0) / 1e6:.1f} MB, gzip {sizes.get('kb.json.gz', 0) / 1e6:.1f} MB")
    print(f"reader of / alone: p50 {results['reader_alone_p50_ms']:.0f} ms")
    print("| kb.json, 4 connections | req/s | vs rendered per request | reader of / meanwhile: p50, max |")
    print("|---|---|---|---|")
    for key, label in (("rendered", "rendered per request (before)"), ("built", "built file"), ("built_gzip", "built file, gzip")):
        r = results[key]
        print(f"| {label} | {r['rps']:,.1f} | {r['rps'] / max(rendered['rps'], 1e-9):,.0f}x | "
              f"{r['reader_p50_ms']:.0f} ms, {r['reader_max_ms']:.0f} ms |")
    for step in ("full", "one_file"):
        without, with_ = results[f"build_{step}_without_exports_s"], results[f"build_{step}_with_exports_s"]
        print(f"build {step.replace('_', '-')}, in process: {without:.2f} s without exports, {with_:.2f} s with ({with_ / without:.1f}x)")
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
