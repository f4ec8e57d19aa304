"""A record's address as the site answers it: the record, a 301 for a former id, a tombstone (301 or 410), or a 404
that offers the closest record and the address's words to search."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, redirect, render_template, request

from kb import search
from kb.content import kinds
from kb.content.urls import parse_record_path, record_path, suffixes
from kb.http.context import built, current
from kb.store import queries


def _query_suffix() -> str:
    qs = request.query_string.decode("utf-8", "replace")  # campaign tags survive a redirect
    return f"?{qs}" if qs else ""


def find(kind: str, record_id: str, suffix: str = "") -> Any:
    """The record of this address, or abort: 301 to the current address of a former id (same sub-page), else 404."""
    db = built().db
    record = queries.get(db, kind, record_id)
    if record is not None:
        return record
    alias = queries.resolve_alias(db, record_id)
    if alias is not None and (not suffix or suffix in suffixes(alias[0])):
        abort(redirect(record_path(*alias) + suffix + _query_suffix(), 301))
    abort(404)


@dataclass(frozen=True)
class NearMiss:
    """What a 404 on a record's address offers: the address's words for the search box, and the closest record."""

    words: str
    path: str | None = None
    title: str | None = None


# How close an address must be to a record's (difflib's ratio) to offer it: « pass-fonciers-pmi » → « pass-foncier-pmi ».
NEAR = 0.8
# The records a near-miss address is compared with: the best matches of its words (a search, cheap once cached),
# never every id (at 10,000 records, comparing the address with every id took 60 to 220 ms a 404).
SHORTLIST = 20


def near_miss(path: str) -> NearMiss | None:
    """For an address shaped like a record's that answers 404: its words, and the closest record to it (of its kind,
    else of any kind) among those its words find, if one is close enough. None for any other address."""
    parsed = parse_record_path(path)
    if parsed is None:
        return None
    kind, record_id, _suffix = parsed
    words = " ".join(record_id.replace("-", " ").replace("_", " ").split())
    ctx = current()
    other = queries.find_kind(ctx.db, record_id)  # the right id under another kind's prefix
    if other is not None:
        record = queries.get(ctx.db, other, record_id)
        return NearMiss(words, record_path(other, record_id), getattr(record, kinds.kind(other).name_field))
    if ctx.index is None:
        return NearMiss(words)
    for kinds_tried in ([kind], None):
        hits = _found(ctx.index, words, kinds_tried, ctx.drafts)
        close = difflib.get_close_matches(record_id, list(hits), n=1, cutoff=NEAR)
        if close:
            hit = hits[close[0]]
            return NearMiss(words, record_path(hit.type, hit.id), hit.title)
    return NearMiss(words)


def _found(index: search.SearchIndex, words: str, kinds: list[str] | None, drafts: bool) -> dict[str, search.Hit]:
    """The records an address's words find (its spelling corrected when they find nothing), by id."""
    filters = {"type": kinds} if kinds else {}
    res = search.search(index, words, filters=filters, per_page=SHORTLIST, show_drafts=drafts)
    if not res.hits and res.suggestion:
        res = search.search(index, res.suggestion, filters=filters, per_page=SHORTLIST, show_drafts=drafts)
    return {h.id: h for h in res.hits}


def _tombstones() -> Any:
    """A retired record's URLs answer 301 (replacement, same sub-page) or the French 410 page, before any view's 404."""
    parsed = parse_record_path(request.path)
    if parsed is None:
        return None
    kind, record_id, suffix = parsed
    tomb = queries.get_retired(current().db, record_id)
    if tomb is None:
        return None
    if tomb.replacement and tomb.replacement_kind:
        target = record_path(tomb.replacement_kind, tomb.replacement)
        target += suffix if suffix in suffixes(tomb.replacement_kind) else ""
        return redirect(target + _query_suffix(), 301)
    meta = {"title": "Fiche retirée", "description": tomb.reason, "canonical": record_path(kind, record_id)}
    return render_template("gone.html", tomb=tomb, kind=kind, record_id=record_id, meta=meta), 410


def init_app(app: Flask) -> None:
    """Answer retired records' URLs before any view runs."""
    app.before_request(_tombstones)
