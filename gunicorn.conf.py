"""Production gunicorn settings for kb: ``gunicorn -c gunicorn.conf.py 'kb:create_app()'``.

Each setting can be changed by an environment variable (shown next to it) or on the command line.
The site's own settings stay the KB_* variables (KB_DATABASE_URL, KB_INDEX_DIR, KB_DATA_DIR).
"""

from __future__ import annotations

import multiprocessing
import os

from kb.config import ConfigError, trusted_hosts

# The site must know the names it answers (KB_SITE_URL or KB_TRUSTED_HOSTS): refuse to start, with what to set.
try:
    trusted_hosts({"SITE_URL": os.environ.get("KB_SITE_URL"), "TRUSTED_HOSTS": os.environ.get("KB_TRUSTED_HOSTS")}, under_gunicorn=True)
except ConfigError as exc:
    raise SystemExit(str(exc)) from None

# Loopback by default: the load balancer or reverse proxy on the same machine forwards to it.
bind = os.environ.get("KB_BIND", "127.0.0.1:8000")

# Whoosh search is CPU-bound Python: one process per core, a few threads each for I/O waits.
workers = int(os.environ.get("KB_WORKERS") or os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
threads = int(os.environ.get("KB_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"

# No preload: each worker builds its app after the fork, so it opens its own database connections
# and its own searchers (file handles and SQLite connections must not be shared across processes).
preload_app = False

# A search answers in milliseconds; anything near these limits is a fault, not a slow query.
timeout = int(os.environ.get("KB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Workers are not recycled by default: a worker's memory is bounded by its caches (about 210 MB at 10,000 records,
# bench/README.md). Under load, recycling after 5,000 requests (kept pages count) renewed both workers within seconds
# of each other, and the one that booted last found every kept-alive connection taken by the other: one worker served
# everything (bench/recycling.py). KB_MAX_REQUESTS=N turns it on, each worker's limit drawn between N and 1.5 N so that
# they renew far apart.
max_requests = int(os.environ.get("KB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 2

# Request limits in front of the app's own (414 above 4 096 bytes of URL, 64 KiB bodies).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Access log on stdout (collected by the service manager); errors on stderr.
accesslog = os.environ.get("KB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Behind the front proxy (deploy/nginx.conf) on the same machine: trust its X-Forwarded-Proto (https or not).
forwarded_allow_ips = os.environ.get("KB_FORWARDED_ALLOW_IPS", "127.0.0.1")
# But never let a request move the site's root: the site is served at « / », and a SCRIPT_NAME header (which gunicorn
# would otherwise take from a trusted peer) changes what a URL routes to.
forwarder_headers = ""
