"""Validation against the file models: every pydantic error becomes a French Problem at its line."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from kb.content import kinds
from kb.content.fields import PATTERNS
from kb.content.models import SourceRef, StatusChange, Strict
from kb.content.problems import Problem
from kb.content.yamlfile import Loc, locate


def field_name(loc: Loc) -> str:
    """A location as editors read it: « sources[0].url »."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "l'enregistrement"


def _message(err: dict[str, Any], model: type[Strict], loc: Loc) -> str:
    kind, name, ctx = err["type"], field_name(loc), err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return f"champ obligatoire « {name} » manquant"
    if kind == "extra_forbidden":
        fields = list(model.model_fields) if len(loc) == 1 else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        return f"clé inconnue « {name} »{hint}"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"valeur « {value} » invalide pour « {name} » : valeurs permises : {allowed}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"date impossible ou mal écrite « {value} » pour « {name} » (attendu AAAA-MM-JJ)"
    if kind == "string_pattern_mismatch":
        what, hint = PATTERNS.get(str(ctx.get("pattern")), ("une valeur de la forme attendue", str(ctx.get("pattern"))))
        return f"« {value} » n'est pas {what} pour « {name} » ({hint})"
    if kind == "string_too_long":
        return f"« {name} » dépasse {ctx.get('max_length')} caractères ({len(str(value))})"
    if kind == "string_too_short":
        return f"« {name} » ne doit pas être vide"
    if kind == "too_short":
        return f"« {name} » doit contenir au moins {ctx.get('min_length')} élément"
    if kind == "string_type":
        return f"« {name} » doit être un texte (mettez la valeur entre guillemets)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"« {name} » doit être un nombre entier"
    if kind in ("bool_type", "bool_parsing"):
        return f"« {name} » doit valoir true ou false"
    if kind == "list_type":
        return f"« {name} » doit être une liste"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"« {name} » doit être un objet (clé: valeur)"
    if kind == "greater_than_equal":
        return f"« {name} » doit être supérieur ou égal à {ctx.get('ge')}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return f"« {name} » : {err['msg']}"


def validate(model: type[Strict], data: Any, path: str, lines: dict[Loc, int], prefix: Loc = ()) -> tuple[Any, list[Problem]]:
    """Validate data against a file model; every error becomes a Problem at its line."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        found: dict[tuple[int, str], Problem] = {}
        # Union branches add type names ("int", "str") to locations: keep only real keys and indices.
        known = {part for key in lines for part in key} | _FIELD_NAMES
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or p in known)
            line = locate(lines, prefix + loc)
            message = _message(err, model, loc)
            found.setdefault((line, message), Problem(path, line, "error", message))
        return None, list(found.values())


_FIELD_NAMES = {name for model in (*(k.model for k in kinds.every()), SourceRef, StatusChange) for name in model.model_fields}
