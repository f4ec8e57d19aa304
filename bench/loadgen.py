"""Servers on 127.0.0.1 and a bounded load generator (wrk): throughput, p99 latency, worker peak memory."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def status(url: str, timeout: float = 10.0) -> int:
    """HTTP status of a GET (0 when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


@contextmanager
def server(cmd: list[str], port: int, env: dict[str, str] | None = None, cwd: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until it answers, and stop it (by its pid) afterwards."""
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while status(f"http://{HOST}:{port}/", timeout=2) == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {' '.join(cmd)}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def gunicorn(app: str, port: int, conf: Path) -> tuple[list[str], dict[str, str]]:
    """The production command of the README (gunicorn.conf.py: a process per core, 2 threads each), on ``port``.

    Workers are not recycled during a run (KB_MAX_REQUESTS=0), so warm caches and peak memory are measured.
    """
    env = {"KB_BIND": f"{HOST}:{port}", "KB_WORKERS": str(os.cpu_count() or 1), "KB_MAX_REQUESTS": "0", "KB_LOG_LEVEL": "warning",
           "KB_TRUSTED_HOSTS": HOST}
    return [str(VENV_BIN / "gunicorn"), "-c", str(conf), app], env


def worker_memory_mb(master: int) -> dict[str, float]:
    """Largest memory figures among the server's workers, in MB: peak RSS (VmHWM), and now RSS, PSS and private.

    RSS counts the index files' pages the worker has read (shared with the other workers and the page cache);
    private memory is what the worker alone holds.
    """
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    out = {"peak_rss_mb": 0.0, "rss_mb": 0.0, "pss_mb": 0.0, "private_mb": 0.0}
    for pid in children or [str(master)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", status + rollup, re.M)}
        figures = {
            "peak_rss_mb": kb.get("VmHWM", 0),
            "rss_mb": kb.get("VmRSS", 0),
            "pss_mb": kb.get("Pss", 0),
            "private_mb": kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0),
        }
        for key, value in figures.items():
            out[key] = max(out[key], value / 1024)
    return out


def have_wrk() -> bool:
    """wrk from Debian's packages; installed when missing and we are root."""
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return bool(shutil.which("wrk"))


def _seconds(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def load(url: str, duration: int, connections: int, script: Path | None = None, repeat: int = 1) -> dict[str, Any]:
    """The best of ``repeat`` wrk runs (by requests per second), each run kept under "runs".

    Other work on a shared machine only ever slows a run down, so the best run is the steadiest estimate.
    """
    runs = [load_once(url, duration, connections, script) for _ in range(repeat)]
    best = max(runs, key=lambda r: r["rps"])
    return {**best, "runs": runs}


def load_once(url: str, duration: int, connections: int, script: Path | None = None) -> dict[str, float]:
    """Run wrk for ``duration`` seconds; requests per second, p99 latency (ms), and non-2xx/3xx answers."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99_ms": _seconds(p99.group(1)) * 1000 if p99 else float("nan"),
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "timeouts": float(errors.group(1)) if errors else 0.0,
    }


def rotating_script(path: Path, paths: list[str]) -> Path:
    """A wrk Lua script that requests each path in turn (distinct queries)."""
    items = ",\n".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    # Each wrk thread starts half-way round from the other, so no address is asked twice in a short run.
    path.write_text(
        f"paths = {{\n{items}\n}}\nlocal threads = 0\n"
        "function setup(thread)\n  thread:set('offset', threads * math.floor(#paths / 2))\n  threads = threads + 1\nend\n"
        "function init(args)\n  i = offset or 0\nend\n"
        "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n",
        "utf-8",
    )
    return path
