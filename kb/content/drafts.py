"""Draft records (`draft: true`): a relaxed model where required fields may still be missing.

A draft is validated like any record (unknown keys, bad types, bad values and dangling references stay
errors), but each missing or empty required field is only a warning (a to-do, which even --strict lets
pass), and is filled with a neutral default so the build can store the draft: the preview shows what
the file says and nothing more (no status, no update date). Nothing public shows a draft unless the
server runs in preview mode.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from typing import Any

from pydantic import ConfigDict, create_model
from pydantic.fields import FieldInfo

from kb.content import kinds
from kb.content.models import Strict
from kb.content.problems import Problem

UNTITLED = "Brouillon sans titre"
# What a draft without « updated » is stored with (the column holds a date): the earliest date, so that it sorts last
# among the newest; kb.content.labels.date_fr writes it as no date at all, so no page shows one.
UNDATED = dt.date.min


def _display_default(name: str, info: FieldInfo) -> dict[str, Any]:
    """What a missing required field is stored as (never validated): nothing the file does not say — no status (the
    page says « statut à renseigner »), no date — but a title to name the draft by."""
    if name == "title":
        return {"default": UNTITLED}
    if name == "updated":
        return {"default": UNDATED}
    if name in ("sources", "organisations"):
        return {"default_factory": list}
    if name == "order":
        return {"default": 0}
    return {"default": ""}


@cache
def relaxed(model: type[Strict]) -> type[Strict]:
    """The draft variant of a file model: same fields and rules, required fields optional with display defaults."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.is_required():
            info = copy.copy(info)
            for key, value in _display_default(name, info).items():
                setattr(info, key, value)
        fields[name] = (info.annotation, info)
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"Draft{model.__name__}",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Draft variant of {model.__name__}.",
        **fields,
    )


def is_draft(kind: str, data: Any) -> bool:
    """True for the mapping of a record whose kind may be a draft and that says ``draft: true``."""
    return kinds.kind(kind).draftable and isinstance(data, dict) and data.get("draft") is True


def missing_fields(model: type[Strict], data: dict[str, Any]) -> list[str]:
    """The required fields of the strict model that a draft leaves out, in model order."""
    return [name for name, info in model.model_fields.items() if info.is_required() and name not in data]


def draft_warnings(model: type[Strict], data: dict[str, Any], path: str, line: int) -> list[Problem]:
    """One warning (a to-do) per field still to fill in, at the record mapping's line."""
    return [Problem(path, line, "warning", f"brouillon : champ « {name} » à compléter", todo=True) for name in missing_fields(model, data)]


def without_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """A draft's mapping without the keys written with no value (« published: »): fields still to fill in."""
    return {key: value for key, value in data.items() if value is not None}


# Module-level names (DraftProposalFile…), so that drafts, and what kb check reads of a file with errors
# (kb.content.salvage), pickle: the incremental build caches loaded records, its process pool sends them.
globals().update({model.__name__: model for model in (relaxed(k.model) for k in kinds.every())})
