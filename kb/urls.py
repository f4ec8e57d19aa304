"""Permanent paths of records and browse pages (French, stable: see README)."""

from __future__ import annotations

PREFIXES: dict[str, str] = {
    "proposal": "/propositions/",
    "action": "/actions/",
    "document": "/documents/",
    "axis": "/axes/",
    "sector": "/filieres/",
    "region": "/regions/",
}


def record_path(kind: str, record_id: str) -> str:
    """The permanent path of a record, e.g. ``/propositions/pass-foncier-pmi``."""
    return PREFIXES[kind] + record_id
