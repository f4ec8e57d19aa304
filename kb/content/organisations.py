"""Who proposes: the lineage of an organisation (a regional union belongs to its confederation, a committee to its
assembly), shared by the build (what a record is filed under) and the pages (whom a line names)."""

from __future__ import annotations

from collections.abc import Mapping


def lineage(org_id: str, parents: Mapping[str, str | None]) -> list[str]:
    """The organisation and its ancestors, nearest first: « cpme-normandie » → [cpme-normandie, cpme] (a cycle, which
    kb check refuses, stops where it repeats)."""
    out: list[str] = []
    at: str | None = org_id
    while at is not None and at not in out:
        out.append(at)
        at = parents.get(at)
    return out


def family(org_ids: list[str], parents: Mapping[str, str | None]) -> list[str]:
    """The organisations of a record with all their ancestors, each once, in order: what filtering on an organisation
    finds it under (« CPME » finds CPME Normandie's actions, « Sénat » its committees' reports)."""
    return list(dict.fromkeys(o for org in org_ids for o in lineage(org, parents)))


def root(org_id: str, parents: Mapping[str, str | None]) -> str:
    """The organisation at the top of the lineage (the Sénat for one of its committees)."""
    return lineage(org_id, parents)[-1]
