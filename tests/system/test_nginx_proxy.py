"""A real front proxy: deploy/nginx.conf, as shipped but for its addresses, run by nginx over TLS in front of gunicorn.

nginx and openssl come from ``make system-deps``; without them these tests fail under CI and are skipped, with the
reason, elsewhere. Slow clients get the shape of the attack in the issue (eight connections sending one header line
every 20 s) on a shorter clock: one line a second, for a few seconds.
"""

from __future__ import annotations

import gzip
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import pytest

from tests.support.corpora import ROOT, Built
from tests.support.servers import free_port, gunicorn, spawn, stop, wait_until

# Every test here starts nginx, and gunicorn behind it (tests/support/servers.py refuses to without this marker).
pytestmark = pytest.mark.server

SITE_HOST = "kb.example.fr"
SLOW_CLIENTS = 8
SLOW_LINE_SECONDS = 1.0
ATTACK_SECONDS = 6.0
HEALTH_WITHIN = 1.0


def tool(name: str) -> str:
    """The path of a system tool the proxy tests need (nginx lives in /usr/sbin, off some users' PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        message = f"{name} is missing: run `make system-deps` (as root it installs the Debian package `{name}`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def site_config(upstream_port: int, http_port: int, https_port: int, cert: Path, key: Path, acme: Path) -> str:
    """deploy/nginx.conf with this test's addresses: each example value must be found, so the shipped file is what runs."""
    text = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    replacements = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        (f"/etc/letsencrypt/live/{SITE_HOST}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{SITE_HOST}/privkey.pem", str(key)),
        ("/var/www/letsencrypt", str(acme)),
        ("alias /chemin/vers/kb/kb/web/static/;", f"alias {ROOT / 'kb' / 'web' / 'static'}/;"),
        ("root /chemin/vers/kb/kb/web;", f"root {ROOT / 'kb' / 'web'};"),
    ]
    for old, new in replacements:
        assert old in text, f"deploy/nginx.conf no longer has « {old} »: update this test with it"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """The nginx.conf around the site file: everything in the test's folder (pid, logs, temporary files)."""
    conf_path = re.search(r"--conf-path=(\S+)", subprocess.run([tool("nginx"), "-V"], capture_output=True, text=True).stderr)
    mime = Path(conf_path.group(1)).parent / "mime.types" if conf_path else None
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    {f"include {mime};" if mime and mime.exists() else ""}
    default_type application/octet-stream;
    access_log {folder / "access.log"};
    {temp}
    include {site};
}}
"""


@dataclass
class Front:
    """nginx in front of gunicorn: the ports, and gunicorn's own address (to compare with the bare server)."""

    https_port: int
    http_port: int
    upstream: str


def start_nginx(folder: Path, upstream_port: int) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start nginx on loopback with the shipped site file; its process and HTTP and HTTPS ports."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={SITE_HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    site = folder / "kb.conf"
    site.write_text(site_config(upstream_port, http_port, https_port, cert, key, folder), "utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site), "utf-8")
    proc = spawn([tool("nginx"), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf), "-g", "daemon off;"], "nginx",
                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def listening() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"nginx exited: {(folder / 'error.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
        except OSError:
            return False
        return True

    wait_until(listening, "nginx listens", timeout=20)
    return proc, http_port, https_port


@pytest.fixture(scope="module")
def front(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """gunicorn (the production configuration) behind nginx (the shipped configuration), both on loopback."""
    folder = tmp_path_factory.mktemp("proxy")
    # No KB_SITE_URL: links follow the Host and scheme the proxy forwards, which shows they arrive.
    env = {"KB_DATA_DIR": str(built.data_dir), "KB_DATABASE_URL": built.database_url, "KB_INDEX_DIR": str(built.index_dir),
           "KB_TRUSTED_HOSTS": f"{SITE_HOST},127.0.0.1"}
    with gunicorn(env, folder, workers=2) as upstream:
        proc, http_port, https_port = start_nginx(folder / "nginx", int(upstream.rsplit(":", 1)[1]))
        try:
            yield Front(https_port, http_port, upstream)
        finally:
            stop(proc)


def tls() -> ssl.SSLContext:
    """A client context for the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Reply:
    """One answer: status, headers (lower-case names), body (decompressed)."""

    status: int
    headers: dict[str, str]
    body: str


def connect(port: int, secure: bool = True, timeout: float = 10.0, client: str = "127.0.0.1") -> http.client.HTTPConnection:
    """A connection to nginx from a loopback address (``client``: nginx's limits count per client address)."""
    source = (client, 0)
    if secure:
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=tls(), source_address=source)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=source)


def ask(conn: http.client.HTTPConnection, path: str, host: str = SITE_HOST, headers: dict[str, str] | None = None) -> Reply:
    """GET path on an open connection (kept open for the next request)."""
    conn.request("GET", path, headers={"Host": host, **(headers or {})})
    resp = conn.getresponse()
    raw = resp.read()
    found: dict[str, str] = {}
    for name, value in resp.getheaders():  # a repeated header (Vary from the app, then from gzip) is one list
        found[name.lower()] = f"{found[name.lower()]}, {value}" if name.lower() in found else value
    if found.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return Reply(resp.status, found, raw.decode("utf-8", "replace"))


def fetch(port: int, path: str, host: str = SITE_HOST, headers: dict[str, str] | None = None, secure: bool = True,
          timeout: float = 10.0, client: str = "127.0.0.1") -> Reply:
    """GET path from nginx (HTTPS by default) with the given Host, on a connection of its own."""
    conn = connect(port, secure, timeout, client)
    try:
        return ask(conn, path, host, headers)
    finally:
        conn.close()


def test_the_proxy_forwards_what_the_app_expects(front: Front) -> None:
    page = fetch(front.https_port, "/propositions/pass-foncier")
    assert page.status == 200
    # Host and X-Forwarded-Proto reached the app: its canonical link is the visitor's https address.
    assert f'<link rel="canonical" href="https://{SITE_HOST}/propositions/pass-foncier">' in page.body
    assert page.headers["strict-transport-security"] == "max-age=31536000"
    assert "content-security-policy" in page.headers and "server" in page.headers and "nginx/" not in page.headers["server"]
    # A Host the site does not answer reaches the app, which refuses it.
    assert fetch(front.https_port, "/propositions/pass-foncier", host="evil.example").status == 400
    # The load balancer's health check by IP address is answered (nginx names the site for it).
    health = fetch(front.https_port, "/sante", host="10.0.0.7")
    assert health.status == 200 and '"status":"ok"' in health.body.replace(" ", "")
    # Plain HTTP only redirects, to the site's own name.
    moved = fetch(front.http_port, "/recherche?q=foncier", host="evil.example", secure=False)
    assert moved.status == 301 and moved.headers["location"] == f"https://{SITE_HOST}/recherche?q=foncier"


def test_the_proxy_compresses_and_serves_static_files(front: Front) -> None:
    page = fetch(front.https_port, "/recherche?q=foncier", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.headers.get("content-encoding") == "gzip" and "pass-foncier" in page.body
    assert "Accept-Encoding" in page.headers["vary"]
    css = fetch(front.https_port, "/static/kb.css")
    assert css.status == 200 and css.body == (ROOT / "kb" / "web" / "static" / "kb.css").read_text("utf-8")
    # From nginx, not from the app (which sets its CSP on everything it answers), kept for a week by browsers.
    assert "content-security-policy" not in css.headers
    assert css.headers["cache-control"] == "max-age=604800" and css.headers["x-content-type-options"] == "nosniff"
    assert css.headers["strict-transport-security"] == "max-age=31536000"


def test_the_proxy_caps_requests_before_the_app(front: Front) -> None:
    assert fetch(front.https_port, "/recherche?q=" + "x" * 10_000).status == 414
    conn = http.client.HTTPSConnection("127.0.0.1", front.https_port, timeout=10, context=tls())
    try:
        conn.request("POST", "/recherche", body=b"x" * (65 * 1024), headers={"Host": SITE_HOST})
        assert conn.getresponse().status == 413
    finally:
        conn.close()


def slow_client(port: int, secure: bool, stop: threading.Event, sent: list[int], me: int) -> None:
    """Start a request and send one more header line every SLOW_LINE_SECONDS, never finishing it, until stopped."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if secure:
        sock = tls().wrap_socket(sock, server_hostname=SITE_HOST)
    try:
        sock.sendall(f"GET /sante HTTP/1.1\r\nHost: {SITE_HOST}\r\n".encode())
        while not stop.wait(SLOW_LINE_SECONDS):
            sock.sendall(f"X-Lent-{len(sent)}: a\r\n".encode())
            sent.append(me)
    except OSError:
        pass  # the server may close on us: the attack is over for this connection
    finally:
        sock.close()


def under_slow_clients(port: int, secure: bool) -> list[float | None]:
    """Health-check times (None: no answer within HEALTH_WITHIN) for ATTACK_SECONDS once SLOW_CLIENTS slow connections
    have each sent a header line."""
    stop, sent = threading.Event(), []
    threads = [threading.Thread(target=slow_client, args=(port, secure, stop, sent, n)) for n in range(SLOW_CLIENTS)]
    for t in threads:
        t.start()
    times: list[float | None] = []
    try:
        wait_until(lambda: len(set(sent)) == SLOW_CLIENTS, "every slow client has sent a header line")
        end = time.monotonic() + ATTACK_SECONDS
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                ok = fetch(port, "/sante", timeout=HEALTH_WITHIN, secure=secure).status == 200
            except OSError:
                ok = False
            times.append(time.monotonic() - started if ok else None)
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    return times


def test_slow_clients_never_starve_the_health_check(front: Front) -> None:
    # Without the proxy, the same attack holds every gunicorn thread (2 workers x 2 threads): health checks time out.
    bare = under_slow_clients(int(front.upstream.rsplit(":", 1)[1]), secure=False)
    assert None in bare, f"the attack must bite on gunicorn alone: {bare}"
    # Each gunicorn thread opens its searcher on its first request: warm them all, as a running site has, so that
    # what is measured is the attack, not a cold start.
    for _ in range(3):
        warm = [threading.Thread(target=fetch, args=(front.https_port, "/sante")) for _ in range(8)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
    proxied = under_slow_clients(front.https_port, secure=True)
    assert len(proxied) >= 10
    assert all(t is not None and t < HEALTH_WITHIN for t in proxied), proxied


def test_a_stopped_app_gets_a_french_page_from_the_proxy(tmp_path: Path) -> None:
    proc, _, https_port = start_nginx(tmp_path / "nginx", free_port())  # nothing listens there
    try:
        down = fetch(https_port, "/recherche?q=foncier")
        assert down.status == 502 and "Service momentanément indisponible" in down.body
    finally:
        stop(proc)


FLOOD_CONNECTIONS = 16
PERSON_REQUESTS = 20
HUMAN_EVERY = 0.2
HUMAN_WITHIN = 1.0


def flood(port: int, stop: threading.Event, answers: list[int], me: int) -> None:
    """Distinct searches as fast as one keep-alive connection allows, from 127.0.0.2, until stopped."""
    conn, n = connect(port, client="127.0.0.2"), 0
    try:
        while not stop.is_set():
            n += 1
            path = f"/api/v1/search?q=foncier{me}x{n}" if n % 2 else f"/recherche?q=usine{me}x{n}"
            try:
                answers.append(ask(conn, path).status)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = connect(port, client="127.0.0.2")
    finally:
        conn.close()


def flooder(port: int, under_way: EventType, done: EventType, out: Connection) -> None:
    """The flooding client, in a process of its own (its threads never hold the person's interpreter): FLOOD_CONNECTIONS
    connections until ``done``; says when the flood is under way, then sends back every status it got."""
    stop, answers = threading.Event(), []
    threads = [threading.Thread(target=flood, args=(port, stop, answers, n)) for n in range(FLOOD_CONNECTIONS)]
    for t in threads:
        t.start()
    while len(answers) < 50 and not done.wait(0.01):
        pass
    under_way.set()
    done.wait(120)
    stop.set()
    for t in threads:
        t.join()
    out.send(answers)


def test_a_flooding_client_never_slows_nor_refuses_a_person(front: Front) -> None:
    # One client floods distinct searches (the page cache cannot help) on 16 connections; another reads pages and
    # searches at a person's pace from another address, on one kept-alive connection as a browser does. nginx refuses
    # the flood beyond its per-client limits (429, in French, with Retry-After) and the person is neither refused nor
    # slowed.
    # Every gunicorn thread has served these pages once, as on a running site: what is measured is the flood, not a
    # thread opening its searcher.
    paths = ["/propositions/pass-foncier", "/recherche?q=foncier", "/", "/api/v1/search?q=usine"]
    for _ in range(3):
        warm = [threading.Thread(target=fetch, args=(front.https_port, path)) for path in paths for _ in range(2)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
    forked = multiprocessing.get_context("fork")
    under_way, done = forked.Event(), forked.Event()
    receive, send = forked.Pipe(duplex=False)
    proc = forked.Process(target=flooder, args=(front.https_port, under_way, done, send))
    proc.start()
    person: list[tuple[str, int, float]] = []
    conn = connect(front.https_port, client="127.0.0.3")
    try:
        assert under_way.wait(60), "the flood is under way"
        for n in range(PERSON_REQUESTS):
            path = ["/propositions/pass-foncier", f"/recherche?q=foncier+{n}", "/", f"/api/v1/search?q=usine+{n}"][n % 4]
            started = time.monotonic()
            person.append((path, ask(conn, path).status, time.monotonic() - started))
            time.sleep(HUMAN_EVERY)
    finally:
        conn.close()
        done.set()
        answers = receive.recv() if receive.poll(120) else []
        proc.join(30)
    assert all(status == 200 for _, status, _ in person), [p for p in person if p[1] != 200]
    assert max(took for _, _, took in person) < HUMAN_WITHIN, sorted(person, key=lambda p: -p[2])[:5]
    assert answers and answers.count(429) > len(answers) / 2 and set(answers) <= {200, 429}, sorted(set(answers))


def test_too_many_requests_is_a_french_429_from_the_proxy(front: Front) -> None:
    conn = connect(front.https_port, client="127.0.0.4")
    try:
        pages = [ask(conn, f"/recherche?q=trop+{n}") for n in range(40)]
        api = [ask(conn, f"/api/v1/search?q=trop+{n}") for n in range(5)]
    finally:
        conn.close()
    refused = [r for r in pages if r.status == 429]
    assert refused and pages[0].status == 200
    page = refused[0]
    assert "Trop de requêtes" in page.body and page.headers["retry-after"] == "10" and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store" and "nginx/" not in page.headers.get("server", "")
    assert api[-1].status == 429 and api[-1].headers["retry-after"] == "10"
    assert api[-1].headers["content-type"] == "application/json" and '"too_many_requests"' in api[-1].body
    # Another client is not concerned; nor are the site's pages, /sante and static files for this one.
    assert fetch(front.https_port, "/recherche?q=autre", client="127.0.0.5").status == 200
    assert fetch(front.https_port, "/propositions/pass-foncier", client="127.0.0.4").status == 200
    assert fetch(front.https_port, "/sante", client="127.0.0.4").status == 200
