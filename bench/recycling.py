"""Worker recycling under load, through nginx: does throughput fall when gunicorn's workers are renewed?

Run: .venv/bin/python bench/recycling.py [--records 1000] [--duration 20]
gunicorn (gunicorn.conf.py, 2 workers) behind a minimal nginx with the upstream keep-alive of deploy/nginx.conf, wrk
on a kept page (the cheapest answer, so that workers reach max_requests many times in a run). Each variant against
the baseline of the same run: no recycling at all. When both workers renew within a second, the one that boots last
finds every kept-alive upstream connection taken by the other: one worker serves everything until a connection closes.
Every server listens on 127.0.0.1 and is stopped by its pid.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import loadgen

ROOT = Path(__file__).resolve().parents[1]
KB = str(Path(sys.executable).parent / "kb")
PAGE = "/propositions/proposition-000002"
# (label, max_requests, jitter, nginx keepalive_requests): 5000 and 500 were gunicorn.conf.py's defaults; nginx's
# default keepalive_requests is 1000, 100 closes kept-alive upstream connections ten times as often (rebalancing them).
VARIANTS = [
    ("no recycling (baseline)", 0, 0, 1000),
    ("max_requests 5000, jitter 500", 5000, 500, 1000),
    ("max_requests 5000, jitter 2500", 5000, 2500, 1000),
    ("max_requests 5000, jitter 500, keepalive_requests 100", 5000, 500, 100),
]


def nginx_conf(folder: Path, port: int, upstream: int, keepalive_requests: int) -> Path:
    """A minimal nginx in front of gunicorn, with deploy/nginx.conf's upstream keep-alive."""
    conf = folder / "nginx.conf"
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text(f"""
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    {temp}
    upstream kb_app {{ server 127.0.0.1:{upstream}; keepalive 16; keepalive_requests {keepalive_requests}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kb_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host 127.0.0.1;
        }}
    }}
}}
""", "utf-8")
    return conf


def run_variant(env: dict[str, str], work: Path, duration: int, max_requests: int, jitter: int,
                keepalive_requests: int) -> tuple[float, float]:
    """Requests per second on the kept page for one variant, and the answers that were errors or timeouts."""
    port = loadgen.free_port()
    cmd, genv = loadgen.gunicorn("kb:create_app()", port, ROOT / "gunicorn.conf.py")
    cmd += ["--max-requests", str(max_requests), "--max-requests-jitter", str(jitter)]
    genv["KB_MAX_REQUESTS"] = str(max_requests)
    with loadgen.server(cmd, port, env={**env, **genv}, cwd=ROOT):
        folder = Path(tempfile.mkdtemp(dir=work))
        front = loadgen.free_port()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proc = subprocess.Popen([nginx, "-p", str(folder), "-c", str(nginx_conf(folder, front, port, keepalive_requests)), "-g",
                                 "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://{loadgen.HOST}:{front}{PAGE}"
            deadline = time.monotonic() + 30
            while loadgen.status(url) != 200:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = folder / "error.log"
                    raise RuntimeError(f"nginx does not answer: {log.read_text() if log.exists() else ''}")
                time.sleep(0.2)
            for _ in range(20):
                loadgen.status(url)
            result = loadgen.load(url, duration, 16)
            return float(result["rps"]), result["non_2xx"] + result["timeouts"]
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-recycling-"))
    try:
        data = work / "content"
        subprocess.run([KB, "demo-corpus", "--records", str(args.records), "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
        env = {"KB_DATA_DIR": str(data), "KB_INDEX_DIR": str(work / "index"), "KB_DATABASE_URL": f"sqlite:///{work / 'kb.sqlite'}"}
        subprocess.run([KB, "build"], env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        results = [(label, run_variant(env, work, args.duration, *rest)) for label, *rest in VARIANTS]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = results[0][1][0]
    print(f"| variant ({args.records:,} records, wrk -c16 -d{args.duration}s through nginx) | req/s | vs no recycling | errors |")
    print("|---|---|---|---|")
    for label, (rps, errors) in results:
        print(f"| {label} | {rps:,.0f} | {rps / base:.2f} | {errors:.0f} |")
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
