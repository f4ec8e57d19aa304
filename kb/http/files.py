"""Files a build wrote beside its index (the open-data exports), answered as they are: never rendered per request.

A build writes each export once, with a gzip copy, into its own folder (kb.api.built.write_built), and kb-files.json
lists their hashes: that hash is the file's ETag, strong, the same whatever the query string (no query changes an
export). The conditional request (304) and byte ranges are Werkzeug's, by the same ``make_conditional`` as every other
answer (kb.http.caching). A client that accepts gzip gets the gzip copy (``Content-Encoding: gzip``), nginx passes it
on as it is. The file is streamed (``wsgi.file_wrapper``: sendfile under gunicorn), never read into the worker.

None (the caller renders the export itself) on a preview server, whose exports hold drafts, and when the files' links
start with another site address than this request's (a build run without KB_SITE_URL, or a site answering several
names): rendering then follows the request, as before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Response, current_app, request
from werkzeug.utils import send_file

from kb.http.context import current, show_drafts
from kb.store import Layout
from kb.store.builds import EXPORTS, EXPORTS_BASE, listed_digest

GZIP = ".gz"
# The build whose exports were made for another site address, once logged per worker.
_warned: set[str] = set()


def built_export(name: str, mimetype: str, disposition: str) -> Response | None:
    """The answer for an export file of the served build, from its file; None when it must be rendered instead."""
    if show_drafts():
        return None
    ctx = current()
    if ctx.build_id is None:
        return None
    layout = Layout(Path(current_app.config["INDEX_DIR"]))
    folder = layout.exports(ctx.build_id)
    try:
        base = (folder / EXPORTS_BASE).read_text("utf-8")
    except OSError:
        return None  # a build made without its exports (kb.builder.build called without them)
    if base != ctx.urls.base:
        if ctx.build_id not in _warned:
            _warned.add(ctx.build_id)
            current_app.logger.warning("Exports de la construction %s faits pour « %s », demandés pour « %s » : calculés à chaque "
                                       "requête (lancez kb build avec KB_SITE_URL)", ctx.build_id, base, ctx.urls.base)
        return None
    zipped = request.accept_encodings["gzip"] > 0 and (folder / (name + GZIP)).is_file()
    filename = name + GZIP if zipped else name
    digest = listed_digest(layout.index(ctx.build_id), f"{EXPORTS}/{filename}")
    if digest is None:
        return None
    built_at = ctx.info.get("built_at")
    response = send_file(folder / filename, request.environ, mimetype=mimetype, etag=digest, conditional=True, max_age=None,
                         last_modified=dt.datetime.fromisoformat(built_at) if built_at else None)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-cache"  # the API's: revalidated each time, a 304 while the build is the same
    return response
