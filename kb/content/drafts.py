"""Draft records (`draft: true`): a relaxed model where required fields may still be missing.

A draft is validated like any record (unknown keys, bad types, bad values and dangling references stay
errors), but each missing required field is only a warning, and is filled with a display default so
the build can store the draft. Nothing public shows a draft unless the server runs in preview mode.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from typing import Any, get_args

from pydantic import ConfigDict, create_model
from pydantic.fields import FieldInfo

from kb.content import kinds
from kb.content.fields import ProposalStatus
from kb.content.models import Strict
from kb.content.problems import Problem

UNTITLED = "Brouillon sans titre"


def _display_default(name: str, info: FieldInfo) -> dict[str, Any]:
    """What a missing required field shows as in preview (never validated: it is a placeholder)."""
    if name == "title":
        return {"default": UNTITLED}
    if name == "updated":
        return {"default_factory": dt.date.today}
    if name == "status":
        literal = info.annotation if get_args(info.annotation) else ProposalStatus
        return {"default": get_args(literal)[0]}
    if name == "sources":
        return {"default_factory": list}
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
    """One warning per field still to fill in, at the record mapping's line."""
    return [Problem(path, line, "warning", f"brouillon : champ « {name} » à compléter") for name in missing_fields(model, data)]


# Module-level names (DraftProposalFile…), so draft records pickle (the incremental build caches loaded records).
globals().update({model.__name__: model for model in (relaxed(k.model) for k in kinds.every() if k.draftable)})
