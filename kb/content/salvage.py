"""What can be read of a record that has errors: the rest of it, so that one run of kb check also checks its references
and addresses (an editor fixes a file in one round, not one kind of fault after another).

The fields at fault are left out (of a list, only its items at fault) and what remains is validated against the draft
variant of the record's model (kb.content.drafts), where every field may be missing. Also how a draft leaves out what it
writes empty (« - date: » in its status history): the rest of the draft is then its record.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kb.content.drafts import relaxed
from kb.content.models import Strict
from kb.content.validation import error_locs
from kb.content.yamlfile import Loc

# Each round leaves out at least one key or item: a few rounds read any file (pydantic reports every error at once).
MAX_ROUNDS = 8


def salvage(model: type[Strict], data: dict[str, Any], lines: dict[Loc, int]) -> tuple[Any, dict[Loc, int]] | None:
    """The part of ``data`` that validates against the relaxed ``model``, with its key lines (a list's items renumbered
    once those at fault are left out); None when nothing can be read (a fault of the record as a whole)."""
    lenient = relaxed(model)
    data, lines = dict(data), dict(lines)
    for _round in range(MAX_ROUNDS):
        try:
            return lenient.model_validate(data), lines
        except ValidationError as exc:
            keys: set[str] = set()
            items: dict[str, set[int]] = {}
            for loc, _err in error_locs(exc, lines):
                if not loc or loc[0] not in data:
                    return None
                field = loc[0]
                if len(loc) > 1 and isinstance(loc[1], int) and isinstance(data[field], list):
                    items.setdefault(field, set()).add(loc[1])
                else:
                    keys.add(field)
            for field in keys:
                del data[field]
                items.pop(field, None)
            for field, faulty in items.items():
                kept = [i for i in range(len(data[field])) if i not in faulty]
                data[field] = [data[field][i] for i in kept]
                lines = _renumber(lines, field, kept)
    return None


def _renumber(lines: dict[Loc, int], field: str, kept: list[int]) -> dict[Loc, int]:
    """The key lines once only the ``kept`` items of a list field remain, renumbered from 0."""
    new = {old: i for i, old in enumerate(kept)}
    out: dict[Loc, int] = {}
    for key, line in lines.items():
        if len(key) > 1 and key[0] == field and isinstance(key[1], int):
            if key[1] not in new:
                continue
            key = (field, new[key[1]], *key[2:])
        out[key] = line
    return out
